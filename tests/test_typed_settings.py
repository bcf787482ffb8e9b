"""The settings are declared once with their type: `get` returns it, `put` refuses another, every reader goes
through `core.settings`; «the school» has one function, the worklists one membership rule."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from pae_desktop.core import settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Setting
from pae_desktop.core.services.facts import PendingDates
from pae_desktop.core.services.worklists import interviews_to_propose, membership, worklists
from pae_desktop.core.vocabulary import Stage
from pae_desktop.core.worklist import FOLLOW_UP_LISTS, Worklist

SRC = Path(__file__).resolve().parents[1] / "src" / "pae_desktop"


def test_every_default_is_of_its_declared_type():
    for setting in settings.ALL:
        assert setting.error(setting.default) == "", setting.key
    assert len({s.key for s in settings.ALL}) == len(settings.ALL)


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        (settings.UNREACHABLE_AFTER, "4"),
        (settings.UNREACHABLE_AFTER, True),  # a bool is not a number of attempts
        (settings.UNREACHABLE_AFTER, 4.5),
        (settings.UNREACHABLE_AFTER, 0),  # out of bounds
        (settings.RETENTION_NO_PATHWAY, 1),  # 1 is not «oui»
        (settings.AUDIT_RETENTION_DAYS, None),
        (settings.DPO_CONTACT, 42),
        (settings.CURRENT_STAFF_ID, "3"),
    ],
)
def test_put_refuses_a_value_of_another_type(school_db, setting, value):
    with pytest.raises(UserError, match=re.escape(setting.label)), school_db.transaction() as session:
        settings.put(session, setting, value)
    with school_db.read() as session:
        assert session.get(Setting, setting.key) is None
        assert settings.get(session, setting) == setting.default


def test_get_returns_the_declared_type(school_db):
    with school_db.transaction() as session:
        settings.put(session, settings.UNREACHABLE_AFTER, 5)
        settings.put(session, settings.CURRENT_STAFF_ID, None)
        settings.put(session, settings.RETENTION_NO_PATHWAY, False)
    with school_db.read() as session:
        assert settings.get(session, settings.UNREACHABLE_AFTER) == 5
        assert settings.get(session, settings.CURRENT_STAFF_ID) is None
        assert settings.get(session, settings.RETENTION_NO_PATHWAY) is False
    with school_db.transaction() as session:  # a value of another type stored by hand (or an old version)
        session.get(Setting, settings.UNREACHABLE_AFTER.key).value = json.dumps("5")
        session.add(Setting(key=settings.LOCK_AFTER_MINUTES.key, value="pas du JSON"))
    with school_db.read() as session:
        assert settings.get(session, settings.UNREACHABLE_AFTER) == 3  # the default, never the string
        values = settings.get_all(session)
        assert values["lock_after_minutes"] == 10 and values["retention_no_pathway"] is False


def test_save_settings_checks_every_value_before_writing(school_db):
    with pytest.raises(UserError, match="Durée de conservation"), school_db.transaction() as session:
        settings.save_settings(session, {settings.UNREACHABLE_AFTER: 4, settings.AUDIT_RETENTION_DAYS: "365"})
    with school_db.read() as session:
        assert session.scalars(select(Setting)).all() == []


def _python_files(*folders: str):
    for folder in folders:
        yield from (SRC / folder).rglob("*.py")


def test_every_reader_goes_through_the_declarations():
    """Nobody reads the `setting` table or the `School` row but `core.settings` and `core.services.school`."""
    for path in _python_files("core", "ui", "commands", "storage"):
        text = path.read_text(encoding="utf-8")
        name = path.relative_to(SRC).as_posix()
        models = name.startswith("core/models/")  # where the tables are declared
        if name != "core/settings.py" and not models:
            assert not re.search(r"\bSetting\s*[.(,)]|\(\s*Setting\b|^\s+Setting,$", text, re.M), name
        if name != "core/services/school.py" and not models:
            assert not re.search(r"select\(School\b", text), name


def test_one_membership_rule_for_each_worklist():
    today, now = dt.date(2025, 9, 10), dt.datetime(2025, 9, 10, 10)
    nothing = PendingDates()
    assert membership(Stage.CONTACTE, nothing, 1, 0, today, now)[0] is Worklist.ENTRETIEN_A_PROPOSER
    assert membership(Stage.REPERE, nothing, 0, 0, today, now)[:2] == (
        Worklist.A_CONTACTER,
        "Jamais contacté(e)",
    )
    assert membership(Stage.INJOIGNABLE, nothing, 3, 3, today, now)[0] is Worklist.INJOIGNABLES
    later = PendingDates(recontact_on=today + dt.timedelta(days=2))
    assert membership(Stage.CONTACTE, later, 1, 0, today, now) is None  # comes back on that day
    due = PendingDates(recontact_on=today)
    assert membership(Stage.CONTACTE, due, 1, 0, today, now)[0] is Worklist.A_RELANCER
    past = PendingDates(next_slot=now - dt.timedelta(hours=1))
    assert membership(Stage.ENTRETIEN_PLANIFIE, past, 1, 0, today, now)[0] is Worklist.ENTRETIEN_A_SAISIR
    assert membership(Stage.ENGAGE, nothing, 1, 0, today, now) is None


def test_each_list_function_gives_the_home_screens_members(demo_db):
    from pae_desktop.core.services import worklists as lists
    from pae_desktop.core.services.campaigns import get_campaign

    today, now = dt.date(2025, 9, 12), dt.datetime(2025, 9, 12, 12)
    with demo_db.read() as session:
        campaign_id = get_campaign(session, 2025).id
        home = worklists(session, campaign_id, today, now)
        one_by_one = {
            Worklist.A_CONTACTER: lists.to_contact(session, campaign_id, today, now),
            Worklist.A_RELANCER: lists.to_recontact_today(session, campaign_id, today, now),
            Worklist.INJOIGNABLES: lists.unreachable(session, campaign_id, today, now),
            Worklist.ENTRETIEN_A_PROPOSER: interviews_to_propose(session, campaign_id, today, now),
            Worklist.ENTRETIEN_A_SAISIR: lists.interviews_to_enter(session, campaign_id, today, now),
        }
    assert one_by_one == {name: home.items[name] for name in one_by_one}
    assert sum(len(items) for items in one_by_one.values()) > 0
    with demo_db.read() as session:  # the follow-up lists, one by one, are the home screen's too
        for name in FOLLOW_UP_LISTS:
            assert lists.worklist_items(session, campaign_id, name, today, now) == home.items[name]
