"""The background helper: the work runs off the GUI thread, its progress and its result come back on it."""

from __future__ import annotations

import threading

from pae_desktop.ui import tasks


def test_result_and_progress_come_back_on_the_gui_thread(qtbot):
    seen: dict[str, str] = {}

    def work(progress):
        seen["work"] = threading.current_thread().name
        progress(1, 2, "moitié")
        return 42

    results = []
    tasks.run_in_thread(
        None, "Essai", work, lambda result: results.append((result, threading.current_thread().name))
    )
    qtbot.waitUntil(lambda: bool(results), timeout=10_000)
    gui = threading.main_thread().name
    assert seen["work"] != gui
    assert results == [(42, gui)]
    assert not tasks._running


def test_an_error_comes_back_on_the_gui_thread(qtbot):
    errors = []

    def work(progress):
        raise ValueError("boum")

    tasks.run_in_thread(
        None, "Essai", work, lambda _r: None, lambda e: errors.append((e, threading.current_thread()))
    )
    qtbot.waitUntil(lambda: bool(errors), timeout=10_000)
    assert isinstance(errors[0][0], ValueError) and errors[0][1] is threading.main_thread()


def test_quitting_cancels_and_waits_for_running_tasks(qtbot):
    import time

    started, stopped = threading.Event(), []

    def work(progress):
        started.set()
        try:
            while True:
                progress(0, 0, "")
                time.sleep(0.01)
        except tasks.Cancelled:
            stopped.append(True)
            raise

    tasks.run_in_thread(None, "Essai", work, lambda _r: None)
    assert started.wait(10)
    threads = list(tasks._running)
    tasks._stop_all()  # what the application's aboutToQuit runs
    assert stopped == [True]
    assert not tasks._running and all(thread.isFinished() for thread in threads)


def test_a_background_load_applies_only_the_latest_request(qtbot):
    from PySide6.QtWidgets import QWidget

    owner = QWidget()
    qtbot.addWidget(owner)
    release, loads, applied = threading.Event(), [], []

    def load(value):
        loads.append(value)
        release.wait(10)
        return value * 10

    loader = tasks.BackgroundLoad(owner, "Essai", load, applied.append)
    tasks.use_runner(tasks.run_in_thread)
    loader.request(1)
    loader.request(2)  # both asked while the first load runs: only the last one is loaded next
    loader.request(3)
    assert loader.running
    release.set()
    qtbot.waitUntil(lambda: not loader.running, timeout=10_000)
    assert loads == [1, 3]
    assert applied == [30]  # the first result was already out of date: never shown


def test_a_background_load_of_a_closed_view_is_dropped(qtbot):
    from PySide6.QtWidgets import QWidget

    owner = QWidget()
    release, applied = threading.Event(), []
    loader = tasks.BackgroundLoad(owner, "Essai", lambda: release.wait(10), applied.append)
    tasks.use_runner(tasks.run_in_thread)
    loader.request()
    owner.deleteLater()
    qtbot.waitUntil(lambda: not tasks.isValid(owner), timeout=10_000)
    release.set()
    qtbot.waitUntil(lambda: not loader.running, timeout=10_000)
    assert applied == []


def test_a_failed_background_load_lets_the_view_say_so_then_shows_the_french_reason(
    qtbot, no_blocking_message_boxes
):
    import pytest
    from PySide6.QtWidgets import QWidget

    from pae_desktop.core.errors import UserError

    owner = QWidget()
    qtbot.addWidget(owner)
    told = []

    def refused():
        raise UserError("Cette campagne n'existe plus.")

    tasks.BackgroundLoad(owner, "Essai", refused, told.append, told.append).request()
    assert [str(e) for e in told] == ["Cette campagne n'existe plus."]
    assert no_blocking_message_boxes[-1] == ("warning", "Cette campagne n'existe plus.")

    def broken():
        raise ValueError("boum")

    with pytest.raises(ValueError):  # not the user's doing: the application's error dialog takes it
        tasks.BackgroundLoad(owner, "Essai", broken, told.append, told.append).request()
    assert isinstance(told[-1], ValueError)


def test_a_load_asked_while_its_window_first_shows_starts_once_the_window_is_painted(qtbot):
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    loads = []
    loader = tasks.BackgroundLoad(window, "Essai", lambda: loads.append("loaded"), lambda _result: None)
    window.show()  # shown, not yet exposed: the worker would compete with the first paint
    assert not window.windowHandle().isExposed()
    loader.request()
    assert loads == [] and loader.running
    qtbot.waitUntil(lambda: loads == ["loaded"] and not loader.running, timeout=10_000)
    loader.request()  # once on screen, at once
    assert loads == ["loaded", "loaded"]


def test_a_load_of_a_hidden_view_starts_at_once(qtbot):
    from PySide6.QtWidgets import QWidget

    view = QWidget()
    qtbot.addWidget(view)
    loads = []
    tasks.BackgroundLoad(view, "Essai", lambda: loads.append("loaded"), lambda _result: None).request()
    assert loads == ["loaded"]


def test_the_interpreter_lock_is_handed_over_often_while_a_task_runs(qtbot):
    import sys

    from pae_desktop.core.bulk import HAND_OVER_SECONDS

    before = sys.getswitchinterval()
    assert before > HAND_OVER_SECONDS  # Python's 5 ms
    seen = []
    tasks.run_in_thread(None, "Essai", lambda progress: sys.getswitchinterval(), seen.append)
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    assert seen == [HAND_OVER_SECONDS]
    assert sys.getswitchinterval() == before
