"""A restore keeps the audit trail: the events since the backup are carried over with a «restauration» event, the
erasures and anonymisations since the backup are applied again, and another school's backup is refused."""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest
from sqlalchemy import select

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import AuditEvent, School, Youth
from pae_desktop.core.operations import protection
from pae_desktop.core.services.demo import generate_demo
from pae_desktop.storage.database import open_database

TODAY = dt.date(2026, 11, 26)


@pytest.fixture
def local_db(data_dir):
    """A SQLite demonstration database of 20 youths (backups concern a SQLite file only)."""
    db = open_database(data_dir)
    with db.transaction() as session:
        generate_demo(session, students=20, seed=3, year=2025, today=TODAY)
    yield db
    db.close()


def youth_ids(db) -> list[int]:
    with db.read() as session:
        return list(session.scalars(select(Youth.id).order_by(Youth.id)))


def log(db) -> list[tuple]:
    with db.read() as session:
        return [
            (e.action, e.entity, e.entity_id, e.detail)
            for e in session.scalars(select(AuditEvent).order_by(AuditEvent.id))
        ]


def test_an_erasure_done_since_the_backup_survives_the_restore(local_db, tmp_path):
    saved = protection.backup(local_db, tmp_path / "avant.db").file
    first, second, *_ = youth_ids(local_db)
    protection.erase(local_db, first, anonymise=True)
    protection.erase(local_db, second, anonymise=False)
    before = log(local_db)

    plan = protection.plan_restore(local_db, saved)
    assert [(r.youth_id, r.delete) for r in plan.replays] == [(first, False), (second, True)]
    assert "Journal : 3 événement(s) enregistré(s) depuis cette sauvegarde" in "\n".join(plan.lines())
    assert "Effacements et anonymisations faits depuis cette sauvegarde : 2" in "\n".join(plan.lines())

    done = protection.restore(local_db, saved)

    with local_db.read() as session:
        assert session.get(Youth, second) is None  # the deleted file does not come back
        anonymised = session.get(Youth, first)
        assert (
            anonymised.anonymised_at is not None
            and anonymised.ine == ""
            and anonymised.last_name == "ANONYMISÉ"
        )
    after = log(local_db)
    assert after[: len(before)] == before  # nothing lost, in the same order
    (restoration,) = after[len(before) :]
    assert restoration[:2] == ("restore", "database")
    assert "3 événement(s) du journal reporté(s), 2 effacement(s)" in restoration[3]
    assert done.count == 3 and sorted(done.ids["youth"]) == sorted([first, second])
    assert done.file is not None and done.file.name.startswith("avant-restauration-")


def test_a_restore_carries_only_what_the_backup_does_not_hold(local_db, tmp_path):
    protection.erase(local_db, youth_ids(local_db)[0], anonymise=True)  # before the backup: in it already
    saved = protection.backup(local_db, tmp_path / "s.db").file
    plan = protection.plan_restore(local_db, saved)
    assert [event[3] for event in plan.carried] == ["export"] and plan.replays == []
    protection.restore(local_db, saved)
    actions = [action for action, *_ in log(local_db)]
    assert actions == ["erase", "export", "restore"]


def test_a_backup_of_another_school_is_refused_and_nothing_changes(local_db, tmp_path):
    saved = protection.backup(local_db, tmp_path / "autre.db").file
    connection = sqlite3.connect(saved)
    connection.execute("UPDATE school SET uai = '0540000G'")
    connection.commit()
    connection.close()
    with local_db.transaction() as session:
        session.scalars(select(Youth).order_by(Youth.id)).first().last_name = "APRÈS"
    before = log(local_db)

    plan = protection.plan_restore(local_db, saved)
    assert plan.other_school and "autre établissement" in "\n".join(plan.lines())
    with pytest.raises(UserError, match="autre établissement.*Rien n'a été modifié"):
        protection.restore(local_db, saved)

    with local_db.read() as session:
        assert session.scalars(select(Youth).order_by(Youth.id)).first().last_name == "APRÈS"
        assert session.scalars(select(School.uai)).one() != "0540000G"
    assert log(local_db) == before
    assert not list((local_db.data_dir / "sauvegardes").glob("avant-restauration-*.db"))


def test_events_since_the_backup():
    old = ("2026-01-01 10:00:00.000000", "u", None, "print", "youth", 1, "", "", "", 1, "")
    same_second = ("2026-01-02 10:00:00.000000", "u", None, "print", "youth", 2, "", "", "", 1, "")
    later = ("2026-01-02 10:00:00.000000", "u", None, "export", "campaign", 1, "", "", "", 1, "")
    purged_since = ("2025-06-01 10:00:00.000000", "u", None, "print", "youth", 3, "", "", "", 1, "")
    assert protection.events_since([old, same_second, later], [old, same_second]) == [later]
    assert protection.events_since([old, later], []) == [old, later]
    assert protection.events_since([purged_since, old, later], [old]) == [later]
