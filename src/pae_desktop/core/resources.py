"""The bundled read-only resources (fonts, icons, translations, the national MEF tables): where they are.

The one seam through which `core/` reads files shipped with the program; it knows nothing of the data folder,
the database or `storage/`, which re-exports these functions for its own callers (tests/test_layers.py).
"""

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
