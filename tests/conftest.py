"""Shared fixtures: a fresh temporary database per test, a school and a campaign when asked."""

from __future__ import annotations

import datetime as dt
import os
import sys

import pytest

import pg_server

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from pae_desktop.core.services.campaigns import ensure_campaign  # noqa: E402
from pae_desktop.core.services.school import SchoolForm, save_school  # noqa: E402
from pae_desktop.storage.database import open_database  # noqa: E402
from pae_desktop.storage.shared import write_config_url  # noqa: E402

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def data_dir(tmp_path):
    folder = tmp_path / "donnees"
    folder.mkdir()
    return folder


@pytest.fixture(params=pg_server.BACKENDS)
def database_url(request):
    """None (the SQLite file of the data folder), or a throwaway PostgreSQL database (tests/pg_server.py)."""
    if request.param == pg_server.SQLITE:
        yield None
        return
    with pg_server.throwaway_database() as url:
        yield url


@pytest.fixture
def db(data_dir, database_url):
    if database_url:  # the command line and the window find the server through config.ini, like a workstation
        write_config_url(data_dir, database_url)
    database = open_database(data_dir)
    yield database
    database.close()


def pytest_collection_modifyitems(config, items):
    """No PostgreSQL variant for the tests of the SQLite file itself (backups by copy, SQLCipher…)."""
    kept = [
        item
        for item in items
        if not (
            getattr(item, "callspec", None)
            and item.callspec.params.get("database_url") == pg_server.POSTGRESQL
            and item.module.__name__ in pg_server.SQLITE_ONLY_MODULES
        )
    ]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept


_EXIT_STATUS = pytest.StashKey[int]()


def pytest_sessionfinish(session, exitstatus):
    pg_server.drop_template()
    session.config.stash[_EXIT_STATUS] = int(exitstatus)


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config):
    """Leave without finalising the interpreter: PySide6 6.12 can abort in the garbage collector's last pass
    («bool_dealloc», a refcount bug in the extension, seen on test_ui_main.py run alone), which would turn a
    green run into exit 134. Everything pytest writes is written by now."""
    status = config.stash.get(_EXIT_STATUS, None)
    if status is None:
        return
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)


@pytest.fixture
def school_db(db):
    """A database with a school (UAI 0759999L) and the campaign 2025."""
    with db.transaction() as session:
        save_school(session, SchoolForm(name="Lycée professionnel Test", uai="0759999L", city="Nancy"))
        ensure_campaign(session, 2025)
    return db


@pytest.fixture
def demo_db(db):
    """The demonstration school (150 youths, campaign 2025, seed 0)."""
    from pae_desktop.core.services.demo import generate_demo

    with db.transaction() as session:
        generate_demo(session, students=150, seed=0, year=2025, today=TODAY)
    return db


@pytest.fixture(autouse=True)
def no_blocking_message_boxes(monkeypatch):
    """A modal message box left open would hang the run: by default they answer at once and are recorded.

    A test that checks a message patches the method again (monkeypatch) or reads `shown`.
    """
    from PySide6.QtWidgets import QMessageBox

    shown: list[tuple[str, str]] = []

    def record(kind, answer):
        def box(_parent, title, text, *args, **kwargs):
            shown.append((kind, text))
            return answer

        return box

    monkeypatch.setattr(QMessageBox, "question", record("question", QMessageBox.StandardButton.Yes))
    for kind in ("information", "warning", "critical"):
        monkeypatch.setattr(QMessageBox, kind, record(kind, QMessageBox.StandardButton.Ok))
    _answer_destructive_questions(monkeypatch)
    return shown


def _answer_destructive_questions(monkeypatch) -> None:
    """A destructive question (`ui.confirmations.ask`) must default to «Annuler», also on Échap — checked on
    every one a test meets — and is then answered as `QMessageBox.question` answers (patched above or by the
    test: «Oui» is its act). A name to type (`ConfirmByTypingDialog`) is typed and confirmed."""
    from PySide6.QtWidgets import QMessageBox

    from pae_desktop.ui import confirmations

    def ask(box):
        default = box.defaultButton()
        assert default is not None and default is box.escapeButton(), box.text()
        assert box.buttonRole(default) == QMessageBox.ButtonRole.RejectRole, box.text()
        yes, no = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No
        answer = QMessageBox.question(box.parentWidget(), box.windowTitle(), box.text(), yes | no, no)
        return next(b for b in box.buttons() if b is not default) if answer == yes else default

    def type_and_confirm(dialog):
        dialog.field.setText(dialog.expected)
        dialog.ok.click()
        return dialog.result()

    monkeypatch.setattr(confirmations, "ask", ask)
    monkeypatch.setattr(confirmations.ConfirmByTypingDialog, "exec", type_and_confirm)


@pytest.fixture(autouse=True)
def immediate_background_work():
    """Background work (imports, PDF batches, the views' loads) runs at once: a test reads the result right away.

    A test of the real helper calls `tasks.run_in_thread` or switches with `tasks.use_runner` (restored here).
    """
    from pae_desktop.ui import tasks

    tasks.use_runner(tasks.run_now)
    yield
    tasks.use_runner(tasks.run_now)


@pytest.fixture(autouse=True)
def private_qt_settings(tmp_path_factory):
    """What the window remembers (QSettings: geometry, columns, last folders) goes to a folder of this test, never
    to the user's own settings, and nothing of one test is seen by the next."""
    from PySide6.QtCore import QSettings

    folder = tmp_path_factory.mktemp("qsettings")
    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def screen_clamp(qapp):
    """For this test only, what `ui.app.make_application` installs for the whole application: every window
    fitted to its screen when shown, tab labels drawn with room for their accents."""
    from pae_desktop.ui.screen_fit import install_screen_clamp, remove_screen_clamp

    yield install_screen_clamp(qapp)
    remove_screen_clamp(qapp)
