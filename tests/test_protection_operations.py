"""The data-protection and export operations on SQLite and PostgreSQL: versions checked, audit written, Changes."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import AuditEvent, School, Youth
from pae_desktop.core.operations import AUDIT, exports, protection


def first_youth(db) -> tuple[int, int]:
    with db.read() as session:
        youth = session.scalars(select(Youth).order_by(Youth.id)).first()
        return youth.id, youth.version


def events(db, action: str) -> list[AuditEvent]:
    with db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.action == action)))


def test_an_erasure_of_a_file_changed_since_it_was_loaded_is_refused(demo_db):
    youth_id, version = first_youth(demo_db)  # loaded by the first person
    with demo_db.transaction() as session:  # saved meanwhile by a colleague
        session.get(Youth, youth_id).notes = "Appel de la famille"
    with pytest.raises(UserError, match=CONFLICT_MESSAGE):
        protection.erase(demo_db, youth_id, anonymise=True, version=version)
    with demo_db.read() as session:
        assert session.get(Youth, youth_id).anonymised_at is None
    assert events(demo_db, "erase") == []

    done = protection.erase(demo_db, youth_id, anonymise=False, version=first_youth(demo_db)[1])
    assert done.ids == {"youth": (youth_id,)} and AUDIT in done.topics
    with demo_db.read() as session:
        assert session.get(Youth, youth_id) is None
    assert [e.entity_id for e in events(demo_db, "erase")] == [youth_id]
    with pytest.raises(UserError, match="n'existe plus"):
        protection.erase(demo_db, youth_id, anonymise=True)


def test_purge_returns_what_it_anonymised_and_records_it(demo_db):
    with demo_db.transaction() as session:
        session.scalars(select(School)).one().is_demo = False
    done = protection.purge(demo_db, dt.date(2027, 1, 1))
    assert done.count == 150 and len(done.ids["youth"]) == 150 and AUDIT in done.topics
    assert len(events(demo_db, "anonymise")) == 150
    assert protection.purge(demo_db, dt.date(2027, 1, 1)) == protection.changes()


def test_the_caseload_export_is_audited_and_the_report_pdf_is_a_print(demo_db, tmp_path):
    done = exports.export_caseload(demo_db, 2025, tmp_path / "jeunes.csv")
    assert done.count == 150 and done.file == tmp_path / "jeunes.csv" and AUDIT in done.topics
    (event,) = events(demo_db, "export")
    assert event.nominative and event.detail == "Liste des jeunes, campagne 2025, 150 jeunes : jeunes.csv"
    with pytest.raises(UserError, match=".xlsx ou .csv"):
        exports.export_caseload(demo_db, 2025, tmp_path / "jeunes.pdf")

    pseudo = exports.export_foquale(demo_db, 2025, tmp_path / "pseudo.csv")
    assert pseudo.topics == frozenset() and len(events(demo_db, "export")) == 1

    pdf = exports.export_report(demo_db, 2025, "pdf", tmp_path / "bilan.pdf")
    assert pdf.file.read_bytes().startswith(b"%PDF") and AUDIT in pdf.topics
    assert [e.detail for e in events(demo_db, "print")] == ["bilan"]
    xlsx = exports.export_report(demo_db, 2025, "xlsx", tmp_path / "bilan.xlsx")
    assert xlsx.topics == frozenset() and len(events(demo_db, "print")) == 1
    with demo_db.read() as session:
        assert session.scalar(select(func.count()).select_from(AuditEvent)) == 2
