"""What a worker process of a PDF batch runs (core/operations/print_pool.py): render a record, nothing else.

Kept apart from the operations so that a worker imports the renderers and reportlab, not the ORM.
"""

from __future__ import annotations

import importlib
import os
from typing import Any

# The workers' niceness (POSIX; below normal on Windows): the batch runs behind the window, never ahead of it.
WORKER_NICE = 10


def render(renderer: str, school: Any, record: Any, options: Any) -> bytes:
    """One document's PDF bytes (`documents.<renderer>.render`), written nowhere."""
    return importlib.import_module(f"pae_desktop.documents.{renderer}").render(None, school, record, options)


def lower_priority() -> None:
    """A worker yields the processor to the window: with every core rendering, a worker at the window's own
    priority made its GUI thread wait its turn (100 ms and more between two ticks on a loaded 2-core machine)."""
    try:
        if hasattr(os, "nice"):
            os.nice(WORKER_NICE)
        elif os.name == "nt":
            import ctypes

            kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
            kernel32.SetPriorityClass(kernel32.GetCurrentProcess(), 0x00004000)  # BELOW_NORMAL_PRIORITY_CLASS
    except OSError:
        pass


def warm(renderer: str) -> None:
    """A worker's start: lower its priority, load the renderer, reportlab and the fonts before the first record."""
    from pae_desktop.documents.layout import register_fonts

    lower_priority()
    importlib.import_module(f"pae_desktop.documents.{renderer}")
    register_fonts()



def preload() -> None:
    """reportlab, the layout every renderer uses and the fonts, loaded once: the «forkserver»'s preload, whose
    workers inherit them (`warm` then only imports the batch's renderer)."""
    from pae_desktop.documents.layout import register_fonts

    register_fonts()
