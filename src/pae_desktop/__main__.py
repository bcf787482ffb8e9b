"""`python -m pae_desktop` runs the command line (the window by default)."""

import multiprocessing

from pae_desktop.cli import main

# Guarded: the worker processes of a PDF batch (core/operations/print_pool.py, started with «spawn») import this
# module again as `__mp_main__`; a frozen bundle's workers start here and never go further (freeze_support).
if __name__ == "__main__":
    multiprocessing.freeze_support()
    raise SystemExit(main())
