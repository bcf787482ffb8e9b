"""Bulk work (an import, a batch of documents): the collector's full passes wait, the lock changes hands often.

While an import keeps tens of thousands of records alive, each full pass of the cyclic collector walks them all
(six passes of up to 110 ms in a 16 000-student import, 7 % of its time, for 560 objects found) and holds the
interpreter lock meanwhile, so the window froze even though the work ran on another thread. The young
generations are still collected; the full pass runs as usual once the last bulk work is over, when the records
are gone.
"""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from typing import Any

_NEVER = 1_000_000_000
_lock = threading.Lock()


def _shared(
    take: Callable[[], Any], give_back: Callable[[Any], None]
) -> Callable[[], AbstractContextManager]:
    """A process-wide change of the collector, nestable and shared by threads: the first one in makes it (`take`
    returns what it replaced), the last one out gives that back."""
    holders = 0
    saved: Any = None

    @contextmanager
    def held() -> Iterator[None]:
        nonlocal holders, saved
        with _lock:
            if holders == 0:
                saved = take()
            holders += 1
        try:
            yield
        finally:
            with _lock:
                holders -= 1
                if holders == 0:
                    give_back(saved)

    return held


def _defer_full_passes() -> tuple[int, ...]:
    thresholds = gc.get_threshold()
    gc.set_threshold(thresholds[0], thresholds[1], _NEVER)
    return thresholds


def _pause() -> bool:
    enabled = gc.isenabled()
    gc.disable()
    return enabled


def _resume(was_enabled: bool) -> None:
    if was_enabled:
        gc.enable()


full_collections_deferred = _shared(_defer_full_passes, lambda thresholds: gc.set_threshold(*thresholds))
full_collections_deferred.__doc__ = "The collector's thresholds come back when the last bulk work ends."

# No collection at all, young generations included: for a short burst of objects without cycles (the rows of a
# report: a collection every few hundred new dicts cost a third of a 16 000-youth report). A collector that was
# off before stays off.
collector_paused = _shared(_pause, _resume)


def _hand_over_often() -> float:
    interval = sys.getswitchinterval()
    sys.setswitchinterval(min(interval, HAND_OVER_SECONDS))
    return interval


# While work runs on a worker thread, the interpreter lock is handed over every millisecond rather than every
# 5 ms: the window's thread, woken by an event, waits that long for the lock at most before it asks for it
# (longest freeze of the window during a 16 000-student import: 37 → 25 ms, median of four alternated runs on
# a loaded machine, the import no slower).
HAND_OVER_SECONDS = 0.001
lock_handed_over_often = _shared(_hand_over_often, sys.setswitchinterval)
