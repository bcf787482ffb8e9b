"""Bulk work defers the collector's full passes (they froze the window), and gives the thresholds back after."""

from __future__ import annotations

import gc
import threading

from pae_desktop.core.bulk import full_collections_deferred
from pae_desktop.core.text import fold


def test_full_passes_wait_for_the_last_bulk_work_of_any_thread():
    before = gc.get_threshold()
    inside, release = threading.Event(), threading.Event()

    def other_bulk_work():
        with full_collections_deferred():
            inside.set()
            release.wait(10)

    with full_collections_deferred():
        young, middle, full = gc.get_threshold()
        assert (young, middle) == before[:2] and full > 1_000_000
        thread = threading.Thread(target=other_bulk_work)
        thread.start()
        assert inside.wait(10)
    assert gc.get_threshold()[2] > 1_000_000  # the other thread's work still runs
    release.set()
    thread.join(10)
    assert gc.get_threshold() == before


def test_thresholds_come_back_after_an_error():
    before = gc.get_threshold()
    try:
        with full_collections_deferred():
            raise ValueError("boum")
    except ValueError:
        pass
    assert gc.get_threshold() == before


def test_ascii_text_folds_like_any_other():
    assert fold("  DURAND\tJean-Pierre ") == "durand jean-pierre"
    assert fold("TMELEC 2") == "tmelec 2"
    assert fold("Élodie CŒUR") == "elodie coeur"


def test_the_collector_pause_nests_and_keeps_a_collector_turned_off():
    from pae_desktop.core.bulk import collector_paused

    with collector_paused():
        with collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    gc.disable()
    try:
        with collector_paused():
            pass
        assert not gc.isenabled()  # it was off before: it stays off
    finally:
        gc.enable()
