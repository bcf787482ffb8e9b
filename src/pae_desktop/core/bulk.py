"""Bulk work (an import, a batch of documents): the garbage collector's full passes wait until it ends.

While an import keeps tens of thousands of records alive, each full pass of the cyclic collector walks them all
(six passes of up to 110 ms in a 16 000-student import, 7 % of its time, for 560 objects found) and holds the
interpreter lock meanwhile, so the window froze even though the work ran on another thread. The young
generations are still collected; the full pass runs as usual once the last bulk work is over, when the records
are gone.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_NEVER = 1_000_000_000
_lock = threading.Lock()
_active = 0
_saved: tuple[int, ...] = ()


@contextmanager
def full_collections_deferred() -> Iterator[None]:
    """Nestable and shared by threads: the collector's thresholds come back when the last one ends."""
    global _active, _saved
    with _lock:
        if _active == 0:
            _saved = gc.get_threshold()
            gc.set_threshold(_saved[0], _saved[1], _NEVER)
        _active += 1
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                gc.set_threshold(*_saved)


_paused = 0


@contextmanager
def collector_paused() -> Iterator[None]:
    """No collection at all, young generations included: for a short burst of objects without cycles (the rows
    of a report: a collection every few hundred new dicts cost a third of a 16 000-youth report). Nestable and
    shared by threads like `full_collections_deferred`; the collector comes back on when the last one ends,
    if it was on."""
    global _paused, _was_enabled
    with _lock:
        if _paused == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _paused += 1
    try:
        yield
    finally:
        with _lock:
            _paused -= 1
            if _paused == 0 and _was_enabled:
                gc.enable()


_was_enabled = True
