"""Phase-1 students and the June census: a student imported in October of terminale, who attended phase-1
workshops, interviews and events, is matched by the June export of the same campaign (by INE, by ELEVE_ID, by
name and birth date), never duplicated, never losing a phase-1 row, and never marked as having left."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from fixtures.siecle.builder import Student, eleves_xml, write
from pae_desktop.core.models import (
    Phase1Attendance,
    Phase1Event,
    Phase1EventParticipant,
    Phase1Interview,
    Phase1Workshop,
    Phase1WorkshopClass,
    Youth,
)
from pae_desktop.core.phase1 import phase1_summaries
from pae_desktop.core.services.census import ImportOptions, Outcome, apply_import, read_sources

OCTOBER = [
    Student("1", "DURANDEAU", "Kylian", ine="090123456CA"),
    Student("2", "KOVAC", "Ana", sex="2"),  # no INE: matched by ELEVE_ID
    Student("3", "LEFÈVRE", "Zoé", sex="2"),  # no INE, a new ELEVE_ID in June: matched by name and birth date
    Student("4", "MARTIN", "Léo", ine="100000001BF"),  # left the school during the year: absent in June
]
JUNE = [
    Student("1", "DURANDEAU", "Kylian", ine="090123456CA", division="TMELEC2"),  # changed class
    Student("2", "KOVAC", "Ana", sex="2"),
    Student("33", "LEFÈVRE", "Zoé", sex="2"),
    Student("5", "NOUVEAU", "Tom", ine="0719123456F"),  # arrived during the year
]


def _import(db, path, today):
    with db.transaction() as session:
        return apply_import(session, read_sources([path]), ImportOptions(today=today)).preview


def _record_phase1(db) -> dict[str, int]:
    """Two workshops for TMELEC, the attendance of the first three students, an interview and a forum."""
    with db.transaction() as session:
        youths = {y.last_name: y for y in session.scalars(select(Youth))}
        campaign_id = youths["DURANDEAU"].campaign_id
        for held_on in (dt.date(2025, 11, 14), dt.date(2026, 1, 16)):
            workshop = Phase1Workshop(campaign_id=campaign_id, held_on=held_on, theme="Se présenter")
            workshop.classes.append(Phase1WorkshopClass(division="TMELEC"))
            for name in ("DURANDEAU", "KOVAC", "LEFÈVRE"):
                workshop.attendance.append(
                    Phase1Attendance(youth_id=youths[name].id, present=name != "KOVAC")
                )
            session.add(workshop)
        session.add(
            Phase1Interview(
                campaign_id=campaign_id, youth_id=youths["LEFÈVRE"].id, held_on=dt.date(2026, 2, 3)
            )
        )
        forum = Phase1Event(
            campaign_id=campaign_id, held_on=dt.date(2026, 3, 12), kind="FORUM", title="Forum"
        )
        forum.participants += [Phase1EventParticipant(youth_id=youths[n].id) for n in ("DURANDEAU", "KOVAC")]
        session.add(forum)
        return {name: youth.id for name, youth in youths.items()}


def _phase1_rows(db) -> list[tuple]:
    with db.read() as session:
        return [
            *session.execute(
                select(Phase1Attendance.workshop_id, Phase1Attendance.youth_id, Phase1Attendance.present)
            ),
            *session.execute(select(Phase1Interview.youth_id, Phase1Interview.held_on)),
            *session.execute(select(Phase1EventParticipant.event_id, Phase1EventParticipant.youth_id)),
        ]


def test_the_june_census_matches_the_october_students_and_keeps_their_phase1(db, tmp_path):
    october = write(tmp_path / "octobre.xml", eleves_xml(OCTOBER, year=2025, export="10/10/2025"))
    first = _import(db, october, dt.date(2025, 10, 12))
    assert (first.campaign_year, first.count(Outcome.ADDED)) == (2026, 4)
    ids = _record_phase1(db)
    phase1_before = _phase1_rows(db)
    assert len(phase1_before) == 6 + 1 + 2

    june = write(tmp_path / "juin.xml", eleves_xml(JUNE, year=2025, export="03/06/2026"))
    preview = _import(db, june, dt.date(2026, 6, 10))

    outcomes = {row.name: row.outcome for row in preview.rows}
    assert outcomes == {
        "DURANDEAU Kylian": Outcome.UPDATED,
        "KOVAC Ana": Outcome.UNCHANGED,
        "LEFÈVRE Zoé": Outcome.UNCHANGED,  # found by name and birth date despite its new ELEVE_ID
        "NOUVEAU Tom": Outcome.ADDED,
        "MARTIN Léo": Outcome.LEFT,
    }
    with db.read() as session:
        youths = {y.last_name: y for y in session.scalars(select(Youth))}
        assert session.scalar(select(func.count(Youth.id))) == 5
        assert {name: youths[name].id for name in ids} == ids  # the same records, none duplicated
        assert [name for name, youth in youths.items() if youth.left_school_on is not None] == ["MARTIN"]
        assert youths["MARTIN"].left_school_on == dt.date(2026, 6, 3)
        assert youths["DURANDEAU"].schooling.division == "TMELEC2"
        summaries = phase1_summaries(session, youths["DURANDEAU"].campaign_id)
        assert summaries[ids["LEFÈVRE"]].workshops_attended == 2
        assert summaries[ids["LEFÈVRE"]].individual_interview is True
        assert summaries[ids["KOVAC"]].events_attended == 1
    assert _phase1_rows(db) == phase1_before


def test_a_june_export_imported_twice_leaves_phase1_and_presence_untouched(db, tmp_path):
    october = write(tmp_path / "octobre.xml", eleves_xml(OCTOBER, year=2025, export="10/10/2025"))
    _import(db, october, dt.date(2025, 10, 12))
    _record_phase1(db)
    phase1_before = _phase1_rows(db)
    june = write(tmp_path / "juin.xml", eleves_xml(JUNE, year=2025, export="03/06/2026"))
    _import(db, june, dt.date(2026, 6, 10))
    again = _import(db, june, dt.date(2026, 6, 11))
    assert again.count(Outcome.ADDED) == 0 and again.count(Outcome.LEFT) == 0
    with db.read() as session:
        assert session.scalar(select(func.count(Youth.id))) == 5
        left = session.scalars(select(Youth.last_name).where(Youth.left_school_on.is_not(None))).all()
        assert left == ["MARTIN"]
    assert _phase1_rows(db) == phase1_before
