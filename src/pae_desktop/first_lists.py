"""The «Accueil» lists of the first window, derived on the second core while the window is built and painted.

At start-up the home lists of a large school take half a second to derive (the ORM models declared, the facts read,
the stage of every case), on the view's worker thread, where they competed for the interpreter with what the window
does after its first paint, and left their temporaries in the window's memory. So a child process derives them
(`core.services.contacts.worklists`, the one definition) and sends them back through a pipe:

- `prepare()`, called by `cli.window_runner` before Qt and SQLAlchemy are loaded, forks the child at once: a small
  process, no thread yet. The child imports SQLAlchemy, the models and the rules and configures the mappers on the
  second core while the window's process imports Qt and builds the window, then waits for one request.
- `arm(db)`, when the window opens on a SQLite file; `request_early(db, campaign_id)`, from the view's first
  `reload()` on the GUI thread before the paint, sends the request (the database's URL, its passphrase, the
  campaign): the child derives while the window paints. The view's first load (`first_load`, on its worker thread
  once the window is painted) then only waits for the answer.
- Without a prepared child (a window opened by a test, `prepare` could not fork, the child stopped because the
  window opened on another tab), the view derives the lists itself: no child is forked once the window's process
  has threads (see `start`). A child silent for `ANSWER_WITHIN_S` is stopped and the view derives them too.

The child shares nothing with the window but the database file, which it reads through its own connections; it exits
as soon as it has written (or when no request comes: its pipe closed). Nothing is kept: the lists are the database's
state at that first load, taken once; any later change reloads them the usual way, in the view's worker thread. The
child sends the counts and the list shown first, then the other lists in one piece (a youth's name, phone… one object
for all the lists they are in), which a thread reads while the window shows the first.

Where `os.fork` is missing or unsafe (Windows, macOS), with one core, on a shared server, or when anything fails,
the view derives the lists itself on its worker thread, as before.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import logging
import os
import pickle
import select
import signal
import sys
import threading
from collections.abc import Sequence

log = logging.getLogger(__name__)

_FAILED = 1
ANSWER_WITHIN_S = 30  # a child silent for this long is stopped, and the view derives the lists itself


class Prefetch:
    """A child process deriving the lists of one campaign of one database; `result()` reads them once."""

    def __init__(self, db, campaign_id: int, pid: int, fd: int) -> None:
        self.db = db
        self.campaign_id = campaign_id
        self.pid = pid
        self.day = dt.date.today()
        self.done = False
        self._pipe = os.fdopen(fd, "rb")  # blocking reads release the interpreter to the window
        self._lock = threading.Lock()
        self._rest: dict | None = None

    def result(self):
        """The child's Worklists, or None when it failed (the caller derives them itself). The list shown first
        is there; the others are read by a thread, each waited for at its first look (`Deferred`)."""
        if self.done:
            return None
        self.done = True
        if not select.select([self._pipe], [], [], ANSWER_WITHIN_S)[0]:
            log.warning("Listes de l'accueil dérivées sur place : le processus auxiliaire ne répond pas.")
            self._end()
            return None
        try:
            head, first, items = pickle.load(self._pipe)
        except (EOFError, pickle.UnpicklingError, ValueError) as error:  # the child failed before it wrote
            log.info("Listes de l'accueil dérivées sur place (processus auxiliaire : %s)", error)
            self._end()
            return None
        if dt.date.today() != self.day:
            self._end()
            return None
        lists = dataclasses.replace(
            head,
            items={
                name: Deferred(count, self, name, items if name is first else None)
                for name, count in head.items.items()
            },
        )
        threading.Thread(target=self.rest, daemon=True).start()
        return lists

    def rest(self) -> dict:
        """The lists after the first, read once (derived here if the child failed meanwhile)."""
        with self._lock:
            if self._rest is None:
                try:
                    self._rest = pickle.load(self._pipe)
                    self._end(kill=False)
                except (EOFError, pickle.UnpicklingError, ValueError, OSError) as error:
                    log.warning("Listes de l'accueil dérivées sur place (processus auxiliaire : %s)", error)
                    from pae_desktop.core.services.contacts import worklists

                    with self.db.read() as session:
                        self._rest = worklists(session, self.campaign_id, self.day).items
                finally:
                    self._end()
            return self._rest

    def _end(self, kill: bool = True) -> None:
        """Close the pipe and reap the child (killed first unless it has written everything)."""
        self.done = True
        if self._pipe.closed:
            return
        self._pipe.close()
        if self in _started:  # reaped: the lists are the view's alone, freed with them
            _started.remove(self)
        _stop(self.pid, kill)


def _stop(pid: int, kill: bool = True) -> None:
    """Reap a child, killed first unless it has written everything (it only ever reads the database)."""
    try:
        if kill:
            os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    try:
        os.waitpid(pid, 0)
    except ChildProcessError:
        pass


class Deferred(Sequence):
    """One list's items: the one shown first at once, the others once the child's second piece is read."""

    def __init__(self, count: int, prefetch: Prefetch, name, items: tuple | None = None) -> None:
        self._count = count
        self._prefetch = prefetch
        self._name = name
        self._items = items

    def _decoded(self) -> tuple:
        if self._items is None:
            self._items = self._prefetch.rest()[self._name]
        return self._items

    def __len__(self) -> int:
        return self._count

    def __getitem__(self, index):
        return self._decoded()[index]

    def __iter__(self):
        return iter(self._decoded())

    def __eq__(self, other) -> bool:
        return isinstance(other, Sequence) and tuple(self) == tuple(other)

    __hash__ = None


_started: list[Prefetch] = []
_armed = None  # the database whose view's first load runs in a child
_early: Prefetch | None = None  # the prepared child's lists, asked for before the first paint
_expected = False  # a child's lists are on their way to the window
_waiting: list = []
WAIT_AT_MOST_MS = 5000


def after_first_lists(owner, start) -> None:
    """`start()` once the window's first lists are shown (`arrived`), at the latest after 5 s; at once when no
    child derives them. The start-up maintenance (integrity check, backup) would otherwise take the second core
    from the child: measured, it delayed the lists by a third."""
    if not _expected:
        start()
        return
    from PySide6.QtCore import QTimer

    done = []

    def once() -> None:
        if not done:
            done.append(True)
            start()

    def at_the_latest() -> None:
        _cancel_helper()  # never asked by then (the window opened on another tab): it stops waiting
        once()

    _waiting.append(once)
    QTimer.singleShot(WAIT_AT_MOST_MS, owner, at_the_latest)


def arrived() -> None:
    """The «Accueil» view has shown its first lists (or said it could not): what waited for them starts."""
    global _expected
    _expected = False
    _cancel_helper()  # the first lists are shown: a prepared child still waiting is not needed
    while _waiting:
        _waiting.pop(0)()


def not_needed() -> None:
    """No first lists will be asked for (a database without a campaign, the recovery window, a refused opening):
    the prepared child stops instead of waiting for the whole session, and what waited for the lists starts."""
    global _armed
    _armed = None
    arrived()


def supported() -> bool:
    """Forking is safe where the child touches nothing the parent's system libraries set up: Linux and the BSDs
    (not macOS, whose system libraries refuse work after a fork; Windows has no fork). With one core the child would
    only take turns with the window."""
    if not hasattr(os, "fork") or sys.platform == "darwin":
        return False
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1
    return cores >= 2


def arm(db) -> None:
    """The window just opened on `db`: its «Accueil» view's first load will run in a child (`first_load`)."""
    global _armed, _expected
    if supported() and db.is_sqlite:
        _armed, _expected = db, True
    else:
        _cancel_helper()


def first_load(db, campaign_id: int):
    """On the worker thread of the view's first load after `arm(db)`: the lists derived by a child, or None (the
    caller derives them itself, as for any later load)."""
    global _armed, _early
    if _armed is not db:
        return None
    _armed = None
    prefetch, _early = _early, None
    if prefetch is not None and prefetch.campaign_id != campaign_id:
        prefetch._end()
        prefetch = None
    if prefetch is None:
        prefetch = start(db, campaign_id)
    return prefetch.result() if prefetch is not None else None


def request_early(db, campaign_id: int) -> None:
    """The view's first request, on the GUI thread before the window paints: the prepared child (`prepare`)
    derives the lists while the window paints, and `first_load` only waits for them."""
    global _early
    if _armed is db and _helper is not None and _early is None:
        _early = start(db, campaign_id)


class Helper:
    """A child forked at the window's process start (`prepare`): it imports the ORM models and the rules while
    the window is built, then serves one request: (database URL, passphrase, campaign)."""

    def __init__(self, pid: int, request_fd: int, answer_fd: int) -> None:
        self.pid = pid
        self.request_fd = request_fd
        self.answer_fd = answer_fd

    def request(self, db, campaign_id: int) -> Prefetch | None:
        """Ask for the campaign's lists of `db`; None if the child is gone (the caller derives them)."""
        try:
            _write(self.request_fd, pickle.dumps((db.url, db.passphrase, campaign_id), protocol=5))
        except OSError as error:
            log.info("Processus auxiliaire des listes indisponible : %s", error)
            self.cancel()
            return None
        os.close(self.request_fd)
        prefetch = Prefetch(db, campaign_id, self.pid, self.answer_fd)
        _started.append(prefetch)
        return prefetch

    def cancel(self) -> None:
        """No request will come: the child, which has only read, is stopped at once (not left to finish its
        imports before it reads the end of its pipe) and reaped."""
        for fd in (self.request_fd, self.answer_fd):
            try:
                os.close(fd)
            except OSError:
                pass
        _stop(self.pid)


_helper: Helper | None = None


def prepare() -> None:
    """At the start of the window's process, before Qt and SQLAlchemy are loaded: fork the child that will derive
    the first lists. Forked later, it paid for importing and configuring the ORM models (a quarter of a second)
    after the first paint; forked here, it does that on the second core while the window is built."""
    global _helper
    if _helper is not None or not supported():
        return
    request_read, request_write = os.pipe()
    answer_read, answer_write = os.pipe()
    try:
        pid = os.fork()
    except OSError as error:
        log.warning("Processus auxiliaire des listes non lancé : %s", error)
        for fd in (request_read, request_write, answer_read, answer_write):
            os.close(fd)
        return
    if pid == 0:
        os.close(request_write)
        os.close(answer_read)
        _serve(request_read, answer_write)
    os.close(request_read)
    os.close(answer_write)
    _helper = Helper(pid, request_write, answer_read)


def _cancel_helper() -> None:
    global _helper
    helper, _helper = _helper, None
    if helper is not None:
        helper.cancel()


def start(db, campaign_id: int) -> Prefetch | None:
    """The prepared child (`prepare`) asked for the campaign's home lists; None without one: the caller derives
    them. No child is forked here: the window's process has threads by then, and a fork taken while one of them
    holds a lock (an import's, the allocator's) leaves the child waiting for it for ever — measured: the idle
    delay's first read, importing the models on its worker thread, froze such a child and the lists with it."""
    global _helper
    helper, _helper = _helper, None
    return helper.request(db, campaign_id) if helper is not None else None


def _serve(request_fd: int, answer_fd: int) -> None:
    """The prepared child: import, wait for the request (none: the window needs no lists), derive, write, leave."""
    status = _FAILED
    try:
        from sqlalchemy.orm import Session, configure_mappers

        from pae_desktop.core.services.contacts import worklists
        from pae_desktop.storage.database import make_engine

        configure_mappers()
        with os.fdopen(request_fd, "rb") as requests:
            url, passphrase, campaign_id = pickle.load(requests)
        with Session(make_engine(url, passphrase)) as session:
            _send(answer_fd, worklists(session, campaign_id))
        status = 0
    except BaseException:  # noqa: BLE001 - the parent derives the lists itself
        pass
    finally:
        os._exit(status)


def _send(fd: int, lists) -> None:
    """The counts and the list shown first, then the other lists in one piece (if that fails: derived there)."""
    first = lists.home_order[0]
    counts = {name: len(items) for name, items in lists.items.items()}
    rest = {name: items for name, items in lists.items.items() if name is not first}
    _write(fd, pickle.dumps((dataclasses.replace(lists, items=counts), first, lists.items[first]), protocol=5))
    _write(fd, pickle.dumps(rest, protocol=5))


def _write(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


@atexit.register
def _end_all() -> None:
    _cancel_helper()
    for prefetch in list(_started):
        prefetch._end()
