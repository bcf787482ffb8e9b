"""The «Accueil» lists of the first window, derived on the second core while the window is being built.

At start-up the window needs a quarter of a second to build and paint, and the home lists of a large school half a
second to derive (the ORM models declared, the stage of every case). `start(db)`, called as soon as the database
is open, forks a child process that derives them (`core.services.contacts.worklists`, the one definition) and
sends them back through a pipe; the view's first load (`take`) waits for them on its worker thread instead of
deriving them again. The child shares nothing with the window but the database file, which it reads through its
own connections; it exits as soon as it has written. Nothing is kept: the lists are the database's state at the
moment the window opened, taken once by the first load; any later change reloads them the usual way.

Where `os.fork` is missing or unsafe (Windows, macOS), or when anything fails, the view derives the lists itself on
its worker thread, as before.
"""

from __future__ import annotations

import atexit
import dataclasses
import datetime as dt
import logging
import os
import pickle
import signal
import sys
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

_FAILED = 1
_inherited: list = []  # in the child, what it must leave untouched until it exits


@dataclass
class Prefetch:
    """A child process deriving the lists of one campaign of one database; `result()` reads them once."""

    db: object
    campaign_id: int
    pid: int
    fd: int
    day: dt.date = field(default_factory=dt.date.today)
    done: bool = False

    def result(self):
        """The child's Worklists, or None when it failed (the caller derives them itself)."""
        if self.done:
            return None
        self.done = True
        head = None
        try:
            with os.fdopen(self.fd, "rb") as pipe:  # blocking reads release the interpreter to the window
                head = pickle.load(pipe)
        except (EOFError, pickle.UnpicklingError) as error:  # the child failed before it wrote
            log.info("Listes de l'accueil dérivées sur place (processus auxiliaire : %s)", error)
        finally:
            _, status = os.waitpid(self.pid, 0)
        if head is None or os.waitstatus_to_exitcode(status) != 0 or dt.date.today() != self.day:
            return None
        lists = dataclasses.replace(head, items={name: Deferred(*part) for name, part in head.items.items()})
        tuple(lists.items[lists.home_order[0]])  # the list shown first, decoded here, off the window's thread
        threading.Thread(target=_decode_all, args=(lists,), daemon=True).start()
        return lists

    def cancel(self) -> None:
        if self.done:
            return
        self.done = True
        os.close(self.fd)
        try:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        except (ProcessLookupError, ChildProcessError):
            pass


_pending: list[Prefetch] = []


class Deferred(Sequence):
    """A list's items as the child pickled them, decoded at the first look: the counts and the list shown first
    are on screen without waiting for the 20 000 items of the others (0.15 s)."""

    def __init__(self, count: int, blob: bytes) -> None:
        self._count = count
        self._blob: bytes | None = blob
        self._items: tuple = ()

    def _decoded(self) -> tuple:
        blob = self._blob
        if blob is not None:  # two threads may both decode: the same items, either one kept
            self._items = pickle.loads(blob)
            self._blob = None
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


def _decode_all(lists) -> None:
    for items in lists.items.values():
        items._decoded()


def supported() -> bool:
    """Forking a process that has loaded Qt is safe where the child touches nothing of Qt: Linux and the BSDs (not
    macOS, whose system libraries refuse work after a fork; Windows has no fork)."""
    return hasattr(os, "fork") and sys.platform != "darwin"


def start(db) -> Prefetch | None:
    """Derive, in a child process, the home lists of the campaign the window will show first (the most recent)."""
    if not supported() or not db.is_sqlite:
        return None
    from pae_desktop.core.services.first_paint import campaign_years

    with db.read() as session:
        campaigns = campaign_years(session)
    if not campaigns:
        return None
    campaign_id = campaigns[0][0]
    read_fd, write_fd = os.pipe()
    try:
        pid = os.fork()
    except OSError as error:
        log.warning("Processus auxiliaire des listes non lancé : %s", error)
        os.close(read_fd)
        os.close(write_fd)
        return None
    if pid == 0:  # the child: derive, write, leave without running anything of the parent's (Qt, atexit)
        os.close(read_fd)
        _child(db, campaign_id, write_fd)
    os.close(write_fd)
    prefetch = Prefetch(db, campaign_id, pid, read_fd)
    _pending.append(prefetch)
    return prefetch


def _child(db, campaign_id: int, write_fd: int) -> None:
    status = _FAILED
    try:
        _inherited.append(db.engine.pool)  # the parent's pooled connections: neither used nor closed here
        db.engine.dispose(close=False)
        from pae_desktop.core.services.contacts import worklists

        with db.read() as session:
            lists = worklists(session, campaign_id)
        parts = {
            name: (len(items), pickle.dumps(items, protocol=pickle.HIGHEST_PROTOCOL))
            for name, items in lists.items.items()
        }
        head = dataclasses.replace(lists, items=parts)
        data = memoryview(pickle.dumps(head, protocol=pickle.HIGHEST_PROTOCOL))
        while data:
            data = data[os.write(write_fd, data) :]
        status = 0
    except BaseException:  # noqa: BLE001 - the parent derives the lists itself
        pass
    finally:
        os._exit(status)


def take(db, campaign_id: int) -> Prefetch | None:
    """The prefetch of this database and campaign, once; any other one is dropped."""
    found = None
    while _pending:
        prefetch = _pending.pop()
        if found is None and prefetch.db is db and prefetch.campaign_id == campaign_id and not prefetch.done:
            found = prefetch
        else:
            prefetch.cancel()
    return found


@atexit.register
def _cancel_all() -> None:
    while _pending:
        _pending.pop().cancel()
