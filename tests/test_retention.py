"""Retention: anonymisation under the settings' rules keeps every indicator, wipes what identifies; audit purge."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pae_desktop.core import audit, indicators, settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import AuditEvent, LegalRepresentative, Pathway, School, Youth
from pae_desktop.core.services.campaigns import require_campaign
from pae_desktop.core.services.reporting import foquale_rows
from pae_desktop.core.services.retention import (
    ANONYMOUS_NAME,
    apply_retention,
    erase_youth,
    plan_retention,
)
from pae_desktop.core.services.youths import caseload_rows

FREE_TEXT_COLUMNS = {"motif_refus", "motif_abandon"}  # free text: wiped, and no indicator reads them


@pytest.fixture
def real_db(demo_db):
    """The demo campaign 2025 under a school that is not a demonstration (retention applies)."""
    with demo_db.transaction() as session:
        session.scalars(select(School)).one().is_demo = False
    return demo_db


def snapshot(db, today: dt.date):
    with db.read() as session:
        campaign = require_campaign(session, 2025)
        keyed = foquale_rows(session, campaign)
        rows = [row for _id, row in keyed]
        stages = {row.id: row.stage for row in caseload_rows(session, campaign.id, today)}
        stable = {
            youth_id: {k: v for k, v in row.items() if k not in FREE_TEXT_COLUMNS} for youth_id, row in keyed
        }
        return indicators.compute(rows), indicators.population_counts(rows), stable, stages


def identities(db, ids: list[int]) -> dict[str, set[str]]:
    with db.read() as session:
        youths = session.scalars(select(Youth).where(Youth.id.in_(ids))).all()
        reps = session.scalars(select(LegalRepresentative).where(LegalRepresentative.youth_id.in_(ids))).all()
        return {
            "ine": {y.ine for y in youths if y.ine},
            "phone": {p for y in youths for p in (y.phone, y.phone_raw, y.phone2) if p}
            | {r.phone for r in reps if r.phone},
            "email": {y.email for y in youths if y.email} | {r.email for r in reps if r.email},
            "address": {y.address for y in youths if y.address} | {r.address for r in reps if r.address},
            "name": {y.last_name for y in youths} | {r.last_name for r in reps},
        }


def whole_dump(db) -> str:
    """Every value of every table, as text (any backend)."""
    from pae_desktop.core.models import Base

    values = []
    with db.engine.connect() as connection:
        for table in Base.metadata.sorted_tables:
            for row in connection.execute(table.select()):
                values.append("|".join(str(value) for value in row))
    return "\n".join(values)


def test_anonymisation_keeps_indicators_and_leaves_no_identity(real_db):
    today = dt.date(2026, 11, 26)  # both periods of campaign 2025 are over
    before = snapshot(real_db, today)
    with real_db.read() as session:
        plan = plan_retention(session, today)
        all_ids = list(session.scalars(select(Youth.id)))
    assert sorted(plan.youth_ids) == sorted(all_ids)
    held = identities(real_db, all_ids)
    assert held["ine"] and held["phone"] and held["email"] and held["address"]

    with real_db.transaction() as session:
        result = apply_retention(session, plan)
    assert result.anonymised == 150

    after = snapshot(real_db, today)
    assert after[0] == before[0]  # every indicator
    assert after[1] == before[1]  # every population count
    assert after[2] == before[2]  # every FOQUALE column but the free-text reasons, pseudonyms included
    assert after[3] == before[3]  # every derived stage

    dump = whole_dump(real_db)
    for kind in ("ine", "phone", "email", "address"):
        leaked = [value for value in held[kind] if value in dump]
        assert not leaked, (kind, leaked[:3])
    with real_db.read() as session:
        youths = session.scalars(select(Youth)).all()
        assert {y.last_name for y in youths} == {ANONYMOUS_NAME}
        assert all(y.first_names == "" and y.notes == "" and y.anonymised_at is not None for y in youths)
        assert all(y.birth_date is None or (y.birth_date.month, y.birth_date.day) == (1, 1) for y in youths)
        assert session.scalar(select(func.count()).select_from(LegalRepresentative)) == 0
        assert session.scalar(select(func.count()).where(AuditEvent.action == "anonymise")) == 150
        # nothing is due any more
        assert plan_retention(session, today).empty


def test_youths_without_pathway_go_first_at_the_end_of_the_campaign(real_db):
    with real_db.read() as session:
        with_pathway = set(session.scalars(select(Pathway.youth_id)))
        assert plan_retention(session, dt.date(2025, 12, 31)).youth_ids == []
        plan = plan_retention(session, dt.date(2026, 1, 1))
    assert len(plan.youth_ids) == 150 - len(with_pathway) and not set(plan.youth_ids) & with_pathway
    due = 150 - len(with_pathway)
    assert f"{due} jeune(s) sans parcours à anonymiser (conservés jusqu'au 31/12/2025)" in "\n".join(
        plan.lines()
    )
    with real_db.read() as session:
        assert plan_retention(session, dt.date(2026, 8, 31)).campaigns[0].with_pathway == []
        assert sorted(plan_retention(session, dt.date(2026, 9, 1)).campaigns[0].with_pathway) == sorted(
            with_pathway
        )


def test_settings_change_the_periods(real_db):
    with real_db.transaction() as session:
        settings.put(session, settings.RETENTION_NO_PATHWAY, False)
        settings.put(session, settings.RETENTION_PATHWAY_MONTHS, 12)
    with real_db.read() as session:
        assert plan_retention(session, dt.date(2026, 12, 31)).youth_ids == []
        assert len(plan_retention(session, dt.date(2027, 1, 1)).youth_ids) == 150


def test_a_demo_school_is_exempt(demo_db):
    with demo_db.read() as session:
        plan = plan_retention(session, dt.date(2030, 1, 1))
    assert plan.demo and plan.empty and "démonstration" in plan.lines()[0]
    with demo_db.transaction() as session:
        assert apply_retention(session, plan).anonymised == 0
        assert session.scalar(select(func.count()).where(Youth.anonymised_at.is_not(None))) == 0


def test_old_audit_entries_are_purged(school_db):
    with school_db.transaction() as session:
        audit.record(session, "export", "campaign", 1, nominative=True)
        audit.record(session, "print", "youth", 7)
        session.flush()
        old = session.scalars(select(AuditEvent).order_by(AuditEvent.id)).first()
        old.at = dt.datetime(2025, 1, 10, 9, 0)
    with school_db.read() as session:
        plan = plan_retention(session, dt.date(2026, 2, 1))  # 365 days: entries before 1 February 2025 go
    assert plan.audit_entries == 1 and plan.youth_ids == []
    assert "1 entrée(s) antérieure(s) au 01/02/2025" in "\n".join(plan.lines())
    with school_db.transaction() as session:
        assert apply_retention(session, plan).audit_purged == 1
    with school_db.read() as session:
        actions = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["print", "purge"]


def test_erasure_on_request_is_audited_without_naming_anyone(real_db):
    with real_db.read() as session:
        first, second = session.scalars(select(Youth).order_by(Youth.id).limit(2)).all()
        names = {first.last_name, second.last_name, first.ine, second.ine}
    with real_db.transaction() as session:
        erase_youth(session, first.id, staff_id=3)
        erase_youth(session, second.id, delete_record=True)
    with real_db.read() as session:
        assert session.get(Youth, first.id).last_name == ANONYMOUS_NAME
        assert session.get(Youth, second.id) is None
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "erase")).all()
        assert [(e.entity_id, e.staff_id) for e in events] == [(first.id, 3), (second.id, None)]
        assert all(n not in e.detail for e in events for n in names if n)
        with pytest.raises(UserError, match="déjà anonymisé"):
            erase_youth(session, first.id)
        with pytest.raises(UserError, match="n'existe plus"):
            erase_youth(session, second.id)
