"""Write THIRD-PARTY-NOTICES.txt: every distribution the program ships, its licence and its licence files' text.

Run at bundle time by installers/pae-desktop.spec (into the bundle's folder, beside the program), or by hand:
`.venv/bin/python scripts/third_party_notices.py [OUTPUT]` (default: THIRD-PARTY-NOTICES.txt here). The list
comes from `pae_desktop.core.notices`: the runtime requirements of `pae-desktop`, recursively, as installed.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

from pae_desktop import __version__  # noqa: E402
from pae_desktop.core.notices import NOTICES_FILE, notices, render_notices  # noqa: E402


def write_notices(target: Path) -> int:
    """Write the notices to `target`; the number of distributions listed (0: `pae-desktop` is not installed)."""
    items = notices()
    target.write_text(render_notices(items, __version__), encoding="utf-8")
    return len(items)


def main(argv: list[str]) -> int:
    target = Path(argv[0]) if argv else Path(NOTICES_FILE)
    count = write_notices(target)
    if not any(part.startswith("PySide6") for part in target.read_text(encoding="utf-8").split()):
        print(f"{target} : PySide6 absent — « pip install -e . » d'abord ?", file=sys.stderr)
        return 1
    print(f"{target} : {count} logiciels tiers", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
