"""The window's first «Accueil» lists, derived by a child process while the window is built (`pae_desktop.first_lists`)."""

from __future__ import annotations

import os
import pickle
import subprocess
import sys

import pytest
from sqlalchemy import select

from pae_desktop import first_lists
from pae_desktop.core.models import Campaign
from pae_desktop.core.services import contacts
from pae_desktop.core.worklist import Worklist
from pae_desktop.ui.worklists import WorklistsView

pytestmark = pytest.mark.skipif(not first_lists.supported(), reason="no fork on this system")


@pytest.fixture(autouse=True)
def no_child_expected_after(monkeypatch):
    """The children started here are read by hand, not by a view: nothing waits for them after the test."""
    monkeypatch.setattr(first_lists, "_expected", False)
    monkeypatch.setattr(first_lists, "_armed", None)
    monkeypatch.setattr(first_lists, "_waiting", [])
    monkeypatch.setattr(first_lists, "_early", None)
    yield
    first_lists._cancel_helper()  # a prepared child left unused by a failed test: stopped and reaped


@pytest.fixture
def demo(demo_db):
    if not demo_db.is_sqlite:
        pytest.skip("the child reads a SQLite file; a server's lists are derived by the view")
    with demo_db.read() as session:
        campaign_id = session.scalars(select(Campaign.id)).one()
    return demo_db, campaign_id


def derived(db, campaign_id):
    with db.read() as session:
        return contacts.worklists(session, campaign_id)


def test_the_child_derives_the_lists_the_window_would(demo):
    db, campaign_id = demo
    first_lists.prepare()
    first_lists.arm(db)
    started = []
    real_start = first_lists.start
    first_lists.start = lambda *args: started.append(real_start(*args)) or started[-1]
    try:
        lists = WorklistsView._load(db, campaign_id)  # the view's first load after the window opened
    finally:
        first_lists.start = real_start
    started = started[0]
    expected = derived(db, campaign_id)
    assert sum(expected.counts.values()) > 0
    assert lists.counts == expected.counts and lists.home_order == expected.home_order
    for name in Worklist:
        assert isinstance(lists.items[name], first_lists.Deferred)
        assert tuple(lists.items[name]) == expected.items[name]  # the same youths, details, order
    assert lists == expected
    assert first_lists.first_load(db, campaign_id) is None  # once: a later load derives afresh
    assert started not in first_lists._started  # the child reaped, its lists held by the view alone
    with pytest.raises(ChildProcessError):
        os.waitpid(started.pid, os.WNOHANG)


def test_a_failed_child_leaves_the_view_to_derive_the_lists(demo, monkeypatch):
    db, campaign_id = demo

    def broken(*_args, **_kwargs):
        raise RuntimeError("the child fails")

    monkeypatch.setattr(contacts, "worklists", broken)
    first_lists.prepare()  # the child inherits the broken function
    started = first_lists.start(db, campaign_id)
    monkeypatch.undo()
    assert started.result() is None
    lists = WorklistsView._load(db, campaign_id)
    assert lists == derived(db, campaign_id)
    assert not isinstance(lists.items[Worklist.A_CONTACTER], first_lists.Deferred)


def test_the_other_lists_are_derived_here_if_the_childs_second_piece_is_unreadable(demo, monkeypatch):
    db, campaign_id = demo
    real = pickle.dumps

    class SecondPieceBroken:
        load = staticmethod(pickle.load)
        UnpicklingError = pickle.UnpicklingError

        @staticmethod
        def dumps(value, protocol=None):
            return b"not a pickle" if isinstance(value, dict) else real(value, protocol=protocol)

    monkeypatch.setattr(first_lists, "pickle", SecondPieceBroken)
    first_lists.prepare()  # the child inherits the broken writer
    started = first_lists.start(db, campaign_id)
    monkeypatch.undo()
    lists = started.result()
    assert lists == derived(db, campaign_id)


def test_only_the_armed_database_forks_its_first_load(demo):
    db, campaign_id = demo
    assert first_lists.first_load(db, campaign_id) is None  # not armed: a test's or a later window's view
    first_lists.arm(db)
    assert first_lists.first_load(object(), campaign_id) is None  # another database's view: not this one
    assert first_lists.start(db, campaign_id) is None  # no prepared child: none is forked now (the view derives)
    first_lists.prepare()
    started = first_lists.start(db, campaign_id)
    started._end()  # a child never read: stopped and reaped
    assert started.done and started not in first_lists._started
    with pytest.raises(ChildProcessError):
        os.waitpid(started.pid, os.WNOHANG)


def test_the_prepared_child_derives_the_first_lists_while_the_window_paints(demo):
    db, campaign_id = demo
    first_lists.prepare()  # as `cli.window_runner` does before Qt is loaded
    helper = first_lists._helper
    assert helper is not None
    first_lists.arm(db)
    first_lists.request_early(db, campaign_id)  # the view's first request, before the paint
    assert first_lists._helper is None and first_lists._early.pid == helper.pid  # the prepared child, asked now
    lists = WorklistsView._load(db, campaign_id)  # the worker thread only waits for its answer
    expected = derived(db, campaign_id)
    assert isinstance(lists.items[Worklist.A_CONTACTER], first_lists.Deferred)
    assert lists == expected and lists.left_school == expected.left_school
    assert first_lists._early is None
    with pytest.raises(ChildProcessError):
        os.waitpid(helper.pid, os.WNOHANG)  # reaped once it has written


def test_an_early_request_for_another_campaign_is_dropped(demo):
    db, campaign_id = demo
    first_lists.prepare()
    first_lists.arm(db)
    first_lists.request_early(db, campaign_id + 1000)  # the view switched campaign before its first load
    early = first_lists._early
    lists = WorklistsView._load(db, campaign_id)
    assert early.done and early not in first_lists._started  # the other campaign's child stopped and reaped
    assert lists == derived(db, campaign_id)


def test_a_prepared_child_no_window_asks_is_stopped(demo):
    db, _campaign_id = demo
    first_lists.prepare()
    pid = first_lists._helper.pid

    class Server:
        is_sqlite = False  # a shared server: its lists are derived by the view

    first_lists.arm(Server())
    assert first_lists._helper is None and first_lists._armed is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # told there is no request, it left; reaped
    first_lists.prepare()
    pid = first_lists._helper.pid
    first_lists.not_needed()  # a database without a campaign, the recovery window
    assert first_lists._helper is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


PROBE = """
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication

app = QApplication(sys.argv[:1])
from pae_desktop import first_lists
from pae_desktop.ui.worklists import WorklistsView

loaded = WorklistsView._loaded


def probe(view, lists):
    loaded(view, lists)
    shown = view.lists.home_order[0]
    print(type(lists.items[shown]).__name__, view.model.rowCount() == len(lists.items[shown]), flush=True)
    print(sorted((name.value, count) for name, count in lists.counts.items()), flush=True)
    QTimer.singleShot(0, QApplication.quit)


WorklistsView._loaded = probe
from pae_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_window_shows_the_childs_lists(tmp_path):
    """A real start: the «Accueil» lists come from the child, the same as derived in place."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    data = tmp_path / "donnees"
    demo = [sys.executable, "-m", "pae_desktop", "demo", "--students", "40", "--data-dir", str(data)]
    subprocess.run(demo, check=True, capture_output=True, env=env)
    probe = [sys.executable, "-c", PROBE, "--data-dir", str(data)]
    out = subprocess.run(probe, check=True, capture_output=True, text=True, env=env, timeout=120).stdout.split("\n")
    from pae_desktop.storage.database import open_database

    db = open_database(data)
    try:
        with db.read() as session:
            campaign_id = session.scalars(select(Campaign.id).order_by(Campaign.year.desc())).first()
        expected = derived(db, campaign_id)
    finally:
        db.close()
    assert out[0] == "Deferred True"
    assert out[1] == str(sorted((name.value, count) for name, count in expected.counts.items()))


def test_the_start_up_maintenance_waits_for_the_childs_lists(qtbot, monkeypatch):
    from PySide6.QtWidgets import QWidget

    owner = QWidget()
    qtbot.addWidget(owner)
    ran = []
    first_lists.after_first_lists(owner, lambda: ran.append("no child"))
    assert ran == ["no child"]  # no child at work: at once, as before
    monkeypatch.setattr(first_lists, "_expected", True)
    first_lists.after_first_lists(owner, lambda: ran.append("after the lists"))
    assert ran == ["no child"]
    first_lists.arrived()
    assert ran == ["no child", "after the lists"]
    monkeypatch.setattr(first_lists, "_expected", True)
    monkeypatch.setattr(first_lists, "WAIT_AT_MOST_MS", 10)
    first_lists.after_first_lists(owner, lambda: ran.append("at the latest"))
    qtbot.waitUntil(lambda: len(ran) == 3, timeout=5000)  # the lists never came: it starts all the same, once
    first_lists.arrived()
    assert ran == ["no child", "after the lists", "at the latest"]


def test_a_home_screen_without_a_campaign_stops_the_prepared_child(school_db, qtbot):
    from pae_desktop.ui.context import AppContext

    first_lists.prepare()
    pid = first_lists._helper.pid
    first_lists.arm(school_db)
    view = WorklistsView(AppContext(school_db, None))  # set up, no students imported yet: no lists to derive
    qtbot.addWidget(view)
    assert first_lists._helper is None and first_lists._armed is None
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)


def test_a_silent_child_is_stopped_and_the_view_derives_the_lists(demo, monkeypatch):
    import time

    db, campaign_id = demo

    def stuck(*_args, **_kwargs):
        time.sleep(20)

    monkeypatch.setattr(contacts, "worklists", stuck)
    first_lists.prepare()  # the child inherits the function that never returns
    monkeypatch.undo()
    monkeypatch.setattr(first_lists, "ANSWER_WITHIN_S", 0.5)
    started = first_lists.start(db, campaign_id)
    asked = time.monotonic()
    assert started.result() is None
    assert time.monotonic() - asked < 10  # given up after half a second, not waited for until the child fails
    assert started.done and started not in first_lists._started
    with pytest.raises(ChildProcessError):
        os.waitpid(started.pid, os.WNOHANG)  # stopped and reaped
