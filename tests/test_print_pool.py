"""A batch of separate PDFs rendered over worker processes: the same files, progress, audit and cancel as one."""

from __future__ import annotations

import multiprocessing

import pytest
from sqlalchemy import func, select

from pae_desktop.core.models import AuditEvent, GeneratedDocument
from pae_desktop.core.operations import print_pool
from pae_desktop.core.operations.printing import print_each
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.document_records import youths_not_anonymised
from pdf_text import pdf_text

COUNT = 12


class Stop(Exception):
    pass


def _youths(db, count=COUNT):
    with db.read() as session:
        return youths_not_anonymised(session, get_campaign(session, 2025))[:count]


def _prints(db):
    with db.read() as session:
        return (
            session.scalar(select(func.count()).select_from(GeneratedDocument)),
            session.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == "print")),
        )


def _texts(folder):
    return {path.name: pdf_text(path) for path in sorted(folder.iterdir())}


def _never_here(*_args):
    raise AssertionError("rendered in the calling process")


class Rollback(Exception):
    pass


class Calls(list):
    def append_args(self, *args):
        self.append(args)


def test_workers_give_the_files_progress_and_audit_of_one_process(demo_db, tmp_path, monkeypatch):
    ids = _youths(demo_db)
    before = _prints(demo_db)
    runs = {}
    for workers in (1, 2):
        if workers == 2:  # workers start from a clean interpreter (forkserver, spawn): they never see this patch
            monkeypatch.setattr(print_pool, "render", _never_here)
        calls = Calls()
        folder = tmp_path / f"w{workers}"
        # each run rolled back: the dossier lists the documents printed, so the second would list the first's
        with pytest.raises(Rollback), demo_db.transaction() as session:
            done = print_each(session, "dossier", ids, folder, progress=calls.append_args, workers=workers)
            printed = session.scalars(select(GeneratedDocument.youth_id).order_by(GeneratedDocument.id)).all()
            audited = session.scalar(select(func.count()).where(AuditEvent.action == "print"))
            raise Rollback()
        assert done.count == COUNT
        assert printed[-COUNT:] == ids and audited == before[1] + COUNT
        assert calls == [(i, COUNT, f"{i + 1}/{COUNT}") for i in range(COUNT)]
        runs[workers] = _texts(folder)
    assert len(runs[1]) == COUNT
    assert runs[1] == runs[2]
    assert all("Dossier complet" in text for text in runs[2].values())
    assert multiprocessing.active_children() == []


def test_cancel_mid_batch_leaves_no_half_file_and_the_database_unchanged(demo_db, tmp_path):
    ids = _youths(demo_db, 20)
    before = _prints(demo_db)
    folder = tmp_path / "annule"

    def progress(done, total, _message):
        if done == 5:
            raise Stop()

    with pytest.raises(Stop), demo_db.transaction() as session:
        print_each(session, "dossier", ids, folder, progress=progress, workers=2)
    assert _prints(demo_db) == before
    files = sorted(folder.iterdir())
    assert len(files) == 5  # the documents finished before the cancel, whole; the rest never written
    assert all(path.suffix == ".pdf" and pdf_text(path).strip() for path in files)
    assert multiprocessing.active_children() == []


def test_a_pool_that_cannot_start_renders_in_the_calling_process(demo_db, tmp_path, monkeypatch):
    monkeypatch.setattr(print_pool.BatchRenderer, "_start", lambda self, renderer: None)
    ids = _youths(demo_db, 4)
    with demo_db.transaction() as session:
        done = print_each(session, "courrier", ids, tmp_path / "seul", workers=2)
    assert done.count == 4 and len(list((tmp_path / "seul").iterdir())) == 4


def test_a_renderer_error_reaches_the_caller_and_nothing_is_recorded(demo_db, tmp_path, monkeypatch):
    from pae_desktop.core.errors import UserError

    def broken(*_args):
        raise UserError("Rendu impossible.")

    monkeypatch.setattr(print_pool, "render", broken)
    before = _prints(demo_db)
    with pytest.raises(UserError, match="Rendu impossible"), demo_db.transaction() as session:
        print_each(session, "courrier", _youths(demo_db, 3), tmp_path / "err", workers=1)
    assert _prints(demo_db) == before


def test_workers_for_small_batches_and_cores(monkeypatch):
    monkeypatch.setattr(print_pool, "available_cpus", lambda: 2)
    assert print_pool.workers_for(print_pool.MIN_PARALLEL - 1) == 1
    assert print_pool.workers_for(300) == 2
    assert print_pool.workers_for(300, workers=1) == 1
    assert print_pool.workers_for(3, workers=4) == 3
    monkeypatch.setattr(print_pool, "available_cpus", lambda: 1)
    assert print_pool.workers_for(300) == 1


def test_a_spawned_worker_importing_the_entry_point_does_not_start_the_application(monkeypatch):
    import runpy

    from pae_desktop import cli

    monkeypatch.setattr(cli, "main", _never_here)
    runpy.run_module("pae_desktop.__main__", run_name="__mp_main__")  # what «spawn» does in each worker


def test_a_worker_loads_the_renderers_not_the_database_layer():
    import subprocess
    import sys

    code = (
        "import sys; import pae_desktop.documents.batch_worker_preload; "
        "from pae_desktop.documents import batch_worker; batch_worker.warm('fiche_entretien'); "
        "print(sorted(m for m in ('sqlalchemy', 'PySide6') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "[]", done.stderr


def test_workers_come_ready_from_a_forkserver_where_there_is_one(monkeypatch):
    import multiprocessing
    import sys

    context = print_pool._context(multiprocessing)
    if sys.platform.startswith("linux"):
        assert context.get_start_method() == "forkserver"
        # the server loads the renderers' common part once; each worker is forked from it, ready
        assert multiprocessing.forkserver._forkserver._preload_modules == ["pae_desktop.documents.batch_worker_preload"]
    monkeypatch.setattr(sys, "frozen", True, raising=False)  # a PyInstaller bundle: spawn, as on Windows
    assert print_pool._context(multiprocessing).get_start_method() == "spawn"


def test_documents_keep_their_streams_binary_and_reportlab_its_accelerators(demo_db, tmp_path):
    from reportlab.lib import rl_accel

    with demo_db.transaction() as session:
        print_each(session, "courrier", _youths(demo_db, 1), tmp_path / "un", workers=1)
    (path,) = (tmp_path / "un").iterdir()
    data = path.read_bytes()
    assert b"/FlateDecode" in data and b"ASCII85Decode" not in data  # compressed, not also ASCII85-encoded
    assert rl_accel.fp_str.__module__ == "_rl_accel"  # the C accelerators (pyproject's rl_accel), not Python's
