"""Rendering a batch of separate PDFs over worker processes: the caller builds the records, the workers render.

Rendering is pure (`documents/` takes records, never a session), so a worker needs no database: the calling
process builds each record inside its own transaction (it sees what that transaction wrote), hands the record to
a worker, and gets the PDF's bytes back. It writes the file itself, atomically, and records the print in its
transaction: the files, the audit and the `GeneratedDocument` rows are exactly those of one process.

`BatchRenderer` keeps a few documents in flight per worker and returns them in submission order. Workers are
started with «spawn» (safe from a GUI thread, and the only method of Windows and of a frozen bundle, whose entry
point calls `multiprocessing.freeze_support()`). A small batch, a one-core machine or a pool that cannot start
renders in the calling process.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pae_desktop.core.bulk import full_collections_deferred

log = logging.getLogger(__name__)

# Below this many documents the pool's start (each worker imports reportlab and the renderers, about half a
# second) costs more than it saves.
MIN_PARALLEL = 20
# Documents submitted ahead per worker: enough to keep each busy while the caller writes, few enough that a
# cancel waits for little.
AHEAD_PER_WORKER = 3


def available_cpus() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return os.cpu_count() or 1


def workers_for(count: int, workers: int | None = None) -> int:
    """How many worker processes render `count` documents: `workers` when given (1: none, the calling process
    renders), else one per core for a batch of at least `MIN_PARALLEL`, else none."""
    if workers is not None:
        return max(1, min(workers, count))
    if count < MIN_PARALLEL:
        return 1
    return max(1, min(available_cpus(), count // (MIN_PARALLEL // 2)))


def render(renderer: str, school: Any, record: Any, options: Any) -> bytes:
    """One document's PDF bytes, rendered in the calling process."""
    from pae_desktop.documents.batch_worker import render as render_here

    return render_here(renderer, school, record, options)


def _context(multiprocessing):
    """«forkserver» where there is one (Linux, the BSDs) outside a frozen bundle: a clean server process imports
    reportlab and the renderers once for the session, and each worker is forked from it ready, instead of
    importing them again (a quarter of a second each); else «spawn»."""
    import sys

    if sys.platform == "darwin" or getattr(sys, "frozen", False):
        return multiprocessing.get_context("spawn")
    try:
        context = multiprocessing.get_context("forkserver")
    except ValueError:  # Windows
        return multiprocessing.get_context("spawn")
    context.set_forkserver_preload(["pae_desktop.documents.batch_worker_preload"])
    return context


@dataclass
class _Job:
    key: Any
    args: tuple
    future: Any = None


class BatchRenderer:
    """`submit(key, renderer, school, record, options)` then `results()`: (key, bytes) in submission order.

    Used as a context manager: leaving it (normally, on an error or a cancel raised by the caller's progress)
    cancels the documents not started and waits for the running ones, whose bytes are dropped."""

    def __init__(self, count: int, renderer: str, workers: int | None = None) -> None:
        self.workers = workers_for(count, workers)
        self._pool = None
        self._pending: deque[_Job] = deque()
        if self.workers > 1:
            self._pool = self._start(renderer)
            if self._pool is None:
                self.workers = 1

    def _start(self, renderer: str):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        from pae_desktop.documents import batch_worker

        try:
            return ProcessPoolExecutor(
                self.workers,
                mp_context=_context(multiprocessing),
                initializer=batch_worker.warm,
                initargs=(renderer,),
            )
        except (OSError, ValueError, NotImplementedError, ImportError) as error:
            log.warning("Rendu en un seul processus : %s", error)
            return None

    def __enter__(self) -> BatchRenderer:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None
        self._pending.clear()

    @property
    def full(self) -> bool:
        """Enough documents in flight: the caller should take a result before submitting more."""
        return len(self._pending) >= self.workers * AHEAD_PER_WORKER

    def submit(self, key: Any, renderer: str, school: Any, record: Any, options: Any) -> None:
        job = _Job(key, (renderer, school, record, options))
        if self._pool is not None:
            job.future = self._submit(job)
        self._pending.append(job)

    def _submit(self, job: _Job):
        from concurrent.futures.process import BrokenProcessPool

        from pae_desktop.documents import batch_worker

        try:
            return self._pool.submit(batch_worker.render, *job.args)
        except (BrokenProcessPool, RuntimeError, OSError) as error:
            self._give_up(error)
            return None

    def _give_up(self, error: BaseException) -> None:
        """The pool died (a worker could not start or was killed): the calling process renders the rest."""
        log.warning("Rendu en un seul processus : le groupe de processus s'est arrêté (%s).", error)
        pool, self._pool, self.workers = self._pool, None, 1
        if pool is not None:
            pool.shutdown(wait=False, cancel_futures=True)

    def next_result(self) -> tuple[Any, bytes]:
        """The oldest submitted document's (key, bytes); a renderer's error is raised here."""
        from concurrent.futures.process import BrokenProcessPool

        job = self._pending.popleft()
        if job.future is not None and self._pool is not None:  # else the pool died: rendered here
            try:
                return job.key, job.future.result()
            except BrokenProcessPool as error:
                self._give_up(error)
        return job.key, render(*job.args)

    def __len__(self) -> int:
        return len(self._pending)


@full_collections_deferred()  # a full pass over the caller's heap stalls the feeding of the workers
def render_all(
    items: list[Any],
    renderer: str,
    prepare: Callable[[int, Any], tuple[Any, Any, Any]],
    finish: Callable[[Any, bytes], None],
    progress: Callable[[int, int, str], None] | None = None,
    workers: int | None = None,
) -> None:
    """For each item, in order: `prepare(index, item)` gives (school, record, options) in the calling process,
    a worker renders, `finish(item, data)` writes and records in the calling process. `progress(done, total,
    message)` is called before each document is finished (it may raise to cancel: nothing more is finished)."""
    total = len(items)
    with BatchRenderer(total, renderer, workers) as batch:
        done = 0

        def finish_one() -> None:
            nonlocal done
            if progress is not None:
                progress(done, total, f"{done + 1}/{total}")
            item, data = batch.next_result()
            finish(item, data)
            done += 1

        for index, item in enumerate(items):
            school, record, options = prepare(index, item)
            batch.submit(item, renderer, school, record, options)
            while batch.full or (batch.workers == 1 and len(batch)):
                finish_one()
        while len(batch):
            finish_one()
