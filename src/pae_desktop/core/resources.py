"""The bundled read-only resources (fonts, icons, translations, the national MEF tables): where they are.

The one seam through which `core/` reads files shipped with the program; it knows nothing of the data folder,
the database or `storage/`, which re-exports these functions for its own callers (tests/test_layers.py).
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path


def resources_dir() -> Path:
    """The `resources/` folder: inside the bundle when frozen, at the project's root otherwise."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parents[3] / "resources"


def guide_dir() -> Path:
    """The user guide (`docs/guide/`, Markdown pages and their pictures): inside the bundle when frozen, in the
    source checkout otherwise."""
    bundle = getattr(sys, "_MEIPASS", None)
    root = Path(bundle) if bundle else Path(__file__).resolve().parents[3]
    return root / "docs" / "guide"


def resource(*parts: str) -> Path:
    return resources_dir().joinpath(*parts)


@functools.cache
def reference_years(prefix: str) -> tuple[int, ...]:
    """The school years N of the tables `resources/reference/<prefix>_N_N+1.csv` shipped with the program (the
    national MEF tables, the APLyPro allowance tables), in order."""
    folder = resource("reference")
    if not folder.is_dir():
        return ()
    name = re.compile(rf"^{re.escape(prefix)}_([0-9]{{4}})_([0-9]{{4}})\.csv$")
    years = []
    for path in folder.iterdir():
        match = name.match(path.name)
        if match and int(match[2]) == int(match[1]) + 1:
            years.append(int(match[1]))
    return tuple(sorted(years))
