"""Where the bundled resources (fonts, icons, the national MEF tables) are: the one seam through which `core`,
`io` and `documents` reach files shipped with the application, without going through `storage`."""

from __future__ import annotations

import sys
from pathlib import Path


def resources_dir() -> Path:
    """The `resources/` folder: inside the bundle when frozen, at the project's root otherwise."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[3] / "resources"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)
