"""Background work through one helper (Picard's run_task): off the GUI thread, with progress and cancel.

A task is a plain function `work(progress) -> result` that opens its own short-lived session.
`progress(done, total, message)` reports and raises `Cancelled` once the user cancelled, so a task stops
at its next report and its transaction rolls back. Tests swap the runner for `run_now` with `use_runner`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt, QThread, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget
from shiboken6 import isValid

from pae_desktop.core.bulk import full_collections_deferred, lock_handed_over_often
from pae_desktop.core.errors import UserError
from pae_desktop.ui.widgets import show_error

log = logging.getLogger(__name__)


class Cancelled(Exception):
    """Raised inside a task when the user pressed «Annuler»."""


Progress = Callable[[int, int, str], None]


class _Worker(QObject):
    progressed = Signal(int, int, str)
    finished = Signal(object, object)  # result, error

    def __init__(self, work: Callable[[Progress], Any]) -> None:
        super().__init__()
        self._work = work
        self.cancel_event = threading.Event()

    def _progress(self, done: int, total: int, message: str = "") -> None:
        if self.cancel_event.is_set():
            raise Cancelled()
        self.progressed.emit(done, total, message)

    def run(self) -> None:
        try:
            # a full pass holds the interpreter lock, and the window waits for the lock: it would freeze
            with full_collections_deferred(), lock_handed_over_often():
                result = self._work(self._progress)
        except BaseException as error:  # handed to the GUI thread, which shows it
            self.finished.emit(None, error)
        else:
            self.finished.emit(result, None)


class _Relay(QObject):
    """Lives in the GUI thread, so that the worker's signals run the dialog and `on_done` there (queued).

    A signal connected to a plain Python function runs it in the emitting thread: the worker's.
    """

    def __init__(self, progress: Callable[[int, int, str], None], finish: Callable[[Any, Any], None]) -> None:
        super().__init__()
        self._progress = progress
        self._finish = finish

    @Slot(int, int, str)
    def progressed(self, done: int, total: int, message: str) -> None:
        self._progress(done, total, message)

    @Slot(object, object)
    def finished(self, result: Any, error: Any) -> None:
        self._finish(result, error)


_running: set[QThread] = set()
_hooked: list[QCoreApplication] = []


def _stop_all() -> None:
    """At quit: cancel every running task and wait for it; a QThread destroyed while running aborts the process."""
    for thread in list(_running):
        thread.worker.cancel_event.set()
        thread.quit()  # its event loop ends once the work returns
        thread.wait()
        _running.discard(thread)


def _stop_all_at_quit() -> None:
    app = QCoreApplication.instance()
    if app is not None and not any(hooked is app for hooked in _hooked):
        app.aboutToQuit.connect(_stop_all)
        _hooked.append(app)


def _progress_dialog(parent: QWidget | None, title: str) -> QProgressDialog:
    dialog = QProgressDialog(title, "Annuler", 0, 0, parent)
    dialog.setWindowTitle("PAE Desktop")
    dialog.setWindowModality(Qt.WindowModality.WindowModal)
    dialog.setMinimumDuration(300)
    dialog.setAutoClose(False)
    dialog.setAutoReset(False)
    return dialog


def run_in_thread(
    parent: QWidget | None,
    title: str,
    work: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    quiet: bool = False,
) -> None:
    """Run `work` on a worker thread behind a modal progress dialog with a cancel button.

    `quiet`: no dialog at all, the window stays usable (a view loading its rows shows its own «Chargement…»).
    """
    dialog = None if quiet else _progress_dialog(parent, title)
    thread = QThread()
    worker = _Worker(work)
    worker.moveToThread(thread)

    def show_progress(done: int, total: int, message: str) -> None:
        if dialog is None:
            return
        dialog.setMaximum(max(total, 0))
        dialog.setValue(min(done, total) if total else 0)
        if message:
            dialog.setLabelText(message)

    def finish(result: Any, error: BaseException | None) -> None:
        if dialog is not None:
            dialog.close()
        thread.quit()
        thread.wait()
        _running.discard(thread)
        if error is None:
            on_done(result)
        elif isinstance(error, Cancelled):
            log.info("Tâche annulée : %s", title)
        elif on_error is not None:
            on_error(error)
        else:
            raise error

    relay = _Relay(show_progress, finish)
    worker.progressed.connect(relay.progressed)
    worker.finished.connect(relay.finished)
    if dialog is not None:
        dialog.canceled.connect(worker.cancel_event.set)
    thread.started.connect(worker.run)
    thread.worker = worker  # keep the worker and the relay alive as long as their thread
    thread.relay = relay
    _running.add(thread)
    _stop_all_at_quit()
    thread.start()


def run_now(
    parent: QWidget | None,
    title: str,
    work: Callable[[Progress], Any],
    on_done: Callable[[Any], None],
    on_error: Callable[[BaseException], None] | None = None,
    *,
    quiet: bool = False,
) -> None:
    """The same contract, synchronously: for tests."""
    try:
        result = work(lambda done, total, message="": None)
    except Cancelled:
        return
    except BaseException as error:
        if on_error is None:
            raise
        on_error(error)
        return
    on_done(result)


_runner = run_in_thread


def run_task(*args, **kwargs) -> None:
    _runner(*args, **kwargs)


def use_runner(runner) -> None:
    global _runner
    _runner = runner


class _FirstPaint(QObject):
    """Calls `start` once its window has been exposed, that is painted (a widget window paints on exposure)."""

    def __init__(self, window, start: Callable[[], None]) -> None:
        super().__init__(window)
        self._start = start

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if event.type() == QEvent.Type.Expose and watched.isExposed():
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._start)
            self.deleteLater()
        return False


def after_first_paint(widget: QWidget, start: Callable[[], None]) -> None:
    """`start()` now, or, while the widget's window is being shown for the first time, just after it is painted:
    a worker thread started before would hold the interpreter while the window paints (a tenth of a second
    at start-up) instead of after."""
    handle = widget.window().windowHandle()
    if handle is None or handle.isExposed() or not widget.window().isVisible():
        start()
        return
    handle.installEventFilter(_FirstPaint(handle, start))


class BackgroundLoad:
    """A view's data loaded off the GUI thread, one load at a time (no dialog: the view says «Chargement…»).

    `request(*args)` runs `load(*args)` on a worker thread, then `apply(result)` on the GUI thread. A request
    made while a load runs (a save, a campaign switch) waits for it, and only the latest request's result is
    applied: a view never shows rows older than the last change it was told of. When the load fails,
    `on_error(error)` lets the view say so, then a `UserError` is shown in French and any other error goes to
    the application's error dialog (logged).
    """

    def __init__(
        self,
        owner: QWidget,
        title: str,
        load: Callable[..., Any],
        apply: Callable[[Any], None],
        on_error: Callable[[BaseException], None] | None = None,
    ) -> None:
        self._owner = owner
        self._title = title
        self._load = load
        self._apply = apply
        self._on_error = on_error
        self._running = False
        self._waiting: tuple | None = None

    @property
    def running(self) -> bool:
        return self._running

    def request(self, *args: Any) -> None:
        if self._running:
            self._waiting = args
            return
        self._running = True
        after_first_paint(
            self._owner,
            lambda: run_task(
                self._owner, self._title, lambda _progress: self._load(*args), self._done, self._failed, quiet=True
            ),
        )

    def _next(self) -> bool:
        """Start the waiting request, if any: the result just loaded is already out of date."""
        self._running = False
        if self._waiting is None or not isValid(self._owner):
            return False
        args, self._waiting = self._waiting, None
        self.request(*args)
        return True

    def _done(self, result: Any) -> None:
        if not self._next() and isValid(self._owner):
            self._apply(result)

    def _failed(self, error: BaseException) -> None:
        if self._next() or not isValid(self._owner):
            log.warning("Chargement abandonné (%s) : %s", self._title, error)
            return
        if self._on_error is not None:
            self._on_error(error)
        if not isinstance(error, UserError):
            raise error
        show_error(self._owner, str(error))
