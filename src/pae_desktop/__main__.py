"""`python -m pae_desktop` runs the command line (the window by default)."""

from pae_desktop.cli import main

raise SystemExit(main())
