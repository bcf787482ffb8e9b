"""iCalendar export (RFC 5545): CRLF, folding at 75 octets, escaping, UID, DTSTAMP, Europe/Paris times."""

from __future__ import annotations

import datetime as dt

import pytest

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import AuditEvent
from pae_desktop.core.services import directory as d
from pae_desktop.core.services import interviews as iv
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.io import icalendar as ics

NOW = dt.datetime(2025, 8, 25, 10, 30)


def test_fold_never_exceeds_75_octets_nor_splits_a_character():
    line = "DESCRIPTION:" + "é" * 100 + "x" * 10 + "€" * 40
    folded = ics.fold(line)
    for part in folded.split("\r\n"):
        assert len(part.encode("utf-8")) <= 75
        part.encode("utf-8").decode("utf-8")  # each physical line is valid UTF-8 on its own
    assert folded.split("\r\n")[1].startswith(" ")
    assert ics.unfold(folded + "\r\n") == [line]


def test_escaping_round_trip():
    text = "Salle 104, bâtiment B; au fond\\à droite\nDeuxième ligne"
    escaped = ics.escape(text)
    assert escaped == "Salle 104\\, bâtiment B\\; au fond\\\\à droite\\nDeuxième ligne"
    assert ics.unescape(escaped) == text


def test_calendar_structure():
    event = ics.SlotEvent(
        uid="creneau-1@test",
        starts_at=dt.datetime(2025, 9, 2, 9),
        minutes=45,
        summary="Entretien PAE – Zoé",
        location="Mission locale, accueil; 2e étage",
    )
    text = ics.calendar([event], "Entretiens", NOW)
    assert text.endswith("\r\n") and "\n" not in text.replace("\r\n", "")
    lines = ics.unfold(text)
    assert lines[0] == "BEGIN:VCALENDAR" and lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in lines and any(line.startswith("PRODID:") for line in lines)
    assert "TZID:Europe/Paris" in lines
    assert "DTSTART;TZID=Europe/Paris:20250902T090000" in lines
    assert "DTEND;TZID=Europe/Paris:20250902T094500" in lines
    assert "DTSTAMP:20250825T103000Z" in lines
    assert "UID:creneau-1@test" in lines
    assert "LOCATION:Mission locale\\, accueil\\; 2e étage" in lines
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1


def test_export_partner_slots(school_db, tmp_path):
    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        ml = d.save_partner(session, d.PartnerForm(name="Mission locale du Grand Nancy, antenne Sud"))
        other = d.save_partner(session, d.PartnerForm(name="Mission locale de Toul"))
        advisor = d.save_person(session, d.PersonForm("Durand", "Claire", "ML", ml.id))
        form = iv.SlotSeriesForm(
            days=[dt.date(2025, 9, 2)],
            start=dt.time(9),
            end=dt.time(10, 30),
            length_minutes=45,
            place="Lycée, salle 104; rez-de-chaussée",
            partner_id=ml.id,
            advisor_id=advisor.id,
        )
        slots = iv.create_slot_series(session, campaign, form).slot_ids
        iv.create_slot_series(
            session,
            campaign,
            iv.SlotSeriesForm(days=[dt.date(2025, 9, 2)], place="Toul", partner_id=other.id),
        )
        youth = save_youth(session, campaign, YouthForm(last_name="Lefèvre", first_names="Zoé")).youth_id
        iv.book(session, slots[0], youth, today=dt.date(2025, 8, 26))
        ml_id, campaign_id = ml.id, campaign.id
    path = tmp_path / "creneaux.ics"
    with school_db.transaction() as session:
        assert iv.export_partner_calendar(session, ml_id, campaign_id, path, now=NOW).count == 2
    raw = path.read_bytes()
    assert all(len(line) <= 75 for line in raw.split(b"\r\n"))
    lines = ics.unfold(raw.decode("utf-8"))
    assert "SUMMARY:Entretien Parcours Ambition Emploi – LEFÈVRE Zoé" in lines  # campaign 2025's scheme
    assert "SUMMARY:Entretien Parcours Ambition Emploi – créneau libre" in lines
    assert "LOCATION:Lycée\\, salle 104\\; rez-de-chaussée" in lines
    assert "X-WR-CALNAME:Entretiens Parcours Ambition Emploi – Mission locale du Grand Nancy\\, antenne Sud" in lines
    assert "DTSTART;TZID=Europe/Paris:20250902T094500" in lines
    uids = [line for line in lines if line.startswith("UID:")]
    assert len(uids) == len(set(uids)) == 2
    assert not any("Toul" in line for line in lines)
    with school_db.transaction() as session:
        iv.cancel_slot(session, slots[0], "Absente")
        iv.export_partner_calendar(session, ml_id, campaign_id, path, with_names=False, now=NOW)
        events = session.query(AuditEvent).filter_by(action="export").all()
    lines = ics.unfold(path.read_bytes().decode("utf-8"))
    assert "STATUS:CANCELLED" in lines and not any("LEFÈVRE" in line for line in lines)
    assert [e.nominative for e in events] == [True, False]


def test_the_export_is_one_audited_operation_over_a_pure_writer(school_db, tmp_path):
    """The window's `.ics` goes through `export_partner_calendar`: one audit event, marked nominative when it
    names the youths; `io.icalendar` writes records and knows neither the database nor the core."""
    import ast
    import inspect

    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        ml = d.save_partner(session, d.PartnerForm(name="Mission locale de Toul"))
        slots = iv.create_slot_series(
            session, campaign, iv.SlotSeriesForm(days=[dt.date(2025, 9, 2)], place="Toul", partner_id=ml.id)
        ).slot_ids
        youth = save_youth(session, campaign, YouthForm(last_name="Lefèvre", first_names="Zoé")).youth_id
        iv.book(session, slots[0], youth, today=dt.date(2025, 8, 26))
        ml_id, campaign_id = ml.id, campaign.id
    with school_db.transaction() as session:
        result = iv.export_partner_calendar(session, ml_id, campaign_id, tmp_path / "noms.ics", now=NOW)
    assert result.file == tmp_path / "noms.ics" and result.count == 4 and result.ids == {"partner": (ml_id,)}
    with school_db.transaction() as session:
        iv.export_partner_calendar(session, ml_id, campaign_id, tmp_path / "sans.ics", with_names=False, now=NOW)
    with school_db.read() as session:
        events = session.query(AuditEvent).filter_by(action="export").order_by(AuditEvent.id).all()
    assert [(e.entity, e.entity_id, e.nominative) for e in events] == [("partner", ml_id, True), ("partner", ml_id, False)]
    assert "LEFÈVRE" in (tmp_path / "noms.ics").read_text(encoding="utf-8")
    assert "LEFÈVRE" not in (tmp_path / "sans.ics").read_text(encoding="utf-8")
    with pytest.raises(UserError, match="Impossible d'écrire"):
        with school_db.transaction() as session:
            iv.export_partner_calendar(session, ml_id, campaign_id, tmp_path / "absent" / "x.ics", now=NOW)
    with school_db.read() as session:
        assert session.query(AuditEvent).filter_by(action="export").count() == 2  # a failed write is not logged
    imported = {
        node.module
        for node in ast.walk(ast.parse(inspect.getsource(ics)))
        if isinstance(node, ast.ImportFrom) and node.module
    }
    assert not {m for m in imported if m.startswith(("pae_desktop", "sqlalchemy"))}
    assert "session" not in inspect.signature(ics.write_calendar).parameters


def test_write_calendar_takes_records_only(tmp_path):
    event = ics.SlotEvent(uid="creneau-1@test", starts_at=dt.datetime(2025, 9, 2, 9), minutes=45, summary="Libre")
    path = ics.write_calendar(tmp_path / "a.ics", [event], "Entretiens", NOW)
    assert path.read_bytes().decode("utf-8") == ics.calendar([event], "Entretiens", NOW)
