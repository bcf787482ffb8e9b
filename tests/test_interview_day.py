"""The interview day (issue 17 §2): the day's pack (agenda and pre-filled sheets, each youth on a recto), the
convocations of a day or of a series in one PDF, the day's `.ics`, `pae-desktop document journee`, the audit
rows they leave, and the interview form dated from its slot."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from pae_desktop.cli import main
from pae_desktop.core import settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    AuditEvent,
    ContactAttempt,
    GeneratedDocument,
    InterviewSlot,
    LegalRepresentative,
    Partner,
    Person,
    SlotBooking,
)
from pae_desktop.core.operations.interview_day import (
    export_day_calendar,
    print_convocations,
    print_interview_day,
)
from pae_desktop.core.operations.printing import print_document
from pae_desktop.core.services import directory as d
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.interview_day import find_partner
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import ContactChannel, ContactResult, Decision, NextStep
from pae_desktop.documents import layout as L
from pae_desktop.io.icalendar import unfold

DAY = dt.date(2025, 9, 3)
AT = dt.datetime(2025, 9, 3, 9, 0)
TODAY = dt.date(2025, 8, 28)


def pages_of(path) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in PdfReader(str(path)).pages]


def _slot(
    session, campaign_id, partner, advisor, at, place="Mission locale, accueil", youth=None, cancel=False
):
    slot = InterviewSlot(
        campaign_id=campaign_id, starts_at=at, place=place, partner_id=partner.id, advisor_id=advisor.id
    )
    session.add(slot)
    session.flush()
    if youth is not None:
        booking = SlotBooking(slot_id=slot.id, youth_id=youth)
        if cancel:
            booking.cancelled_at = dt.datetime(2025, 8, 30, 12)
        session.add(booking)
    session.flush()
    return slot


@pytest.fixture
def day(school_db):
    """Three youths booked with the Mission locale on 3 September 2025 at 9:00, 9:45 and 10:30 (Zoé, a minor,
    with her mother; Adam with two contact attempts), a free slot, a cancelled booking, a youth booked with
    France Travail that day and one booked with the Mission locale the next day."""
    ids = {}
    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        ml = d.save_partner(session, d.PartnerForm(name="Mission locale du Grand Nancy"))
        ft = d.save_partner(session, d.PartnerForm(name="France Travail Nancy Nord", type="FRANCE_TRAVAIL"))
        ml_row, ft_row = (session.get(Partner, p.id) for p in (ml, ft))
        claire = session.get(Person, d.save_person(session, d.PersonForm("Durand", "Claire", "ML", ml.id)).id)
        paul = session.get(Person, d.save_person(session, d.PersonForm("Roux", "Paul", "FT", ft.id)).id)
        helene = d.save_person(session, d.PersonForm("Martin", "Hélène", "RDS")).id
        settings.put(session, settings.CURRENT_STAFF_ID, helene)

        def youth(last, first, **extra):
            form = YouthForm(last_name=last, first_names=first, diploma="CAP", division="TCAP-CUI", **extra)
            return save_youth(session, campaign, form, today=TODAY).youth_id

        ids["zoe"] = youth("Lefèvre", "Zoé", birth_date=dt.date(2008, 1, 15), phone="0612345678")
        session.add(
            LegalRepresentative(youth_id=ids["zoe"], last_name="Lefèvre", first_name="Anne", link="10")
        )
        ids["adam"] = youth("Bernard", "Adam", birth_date=dt.date(2006, 5, 2), exam_result="AJOURNE")
        for at, result, step in (
            (dt.datetime(2025, 8, 25, 10), ContactResult.PAS_DE_REPONSE, ""),
            (dt.datetime(2025, 8, 27, 14, 30), ContactResult.JOINT, NextStep.ENTRETIEN_PROPOSE.value),
        ):
            session.add(
                ContactAttempt(
                    youth_id=ids["adam"],
                    at=at,
                    channel=ContactChannel.TELEPHONE.value,
                    result=result.value,
                    next_step=step,
                    staff_id=helene,
                )
            )
        ids["ines"] = youth("Carpentier", "Inès", birth_date=dt.date(2006, 3, 3))
        ids["cancelled"] = youth("Annulé", "Léon")
        ids["tom"] = youth("Travail", "Tom")
        ids["next"] = youth("Lendemain", "Lou")
        for index, key in enumerate(("zoe", "adam", "ines")):
            _slot(session, campaign.id, ml_row, claire, AT + dt.timedelta(minutes=45 * index), youth=ids[key])
        _slot(session, campaign.id, ml_row, claire, AT + dt.timedelta(minutes=135))  # free
        _slot(
            session,
            campaign.id,
            ml_row,
            claire,
            AT + dt.timedelta(minutes=180),
            youth=ids["cancelled"],
            cancel=True,
        )
        _slot(session, campaign.id, ft_row, paul, AT, place="France Travail", youth=ids["tom"])
        _slot(session, campaign.id, ml_row, claire, AT + dt.timedelta(days=1), youth=ids["next"])
        ids.update(campaign=campaign.id, ml=ml.id, ft=ft.id)
    return school_db, ids


def _trace(db, kind):
    with db.read() as session:
        rows = session.scalars(select(GeneratedDocument).where(GeneratedDocument.kind == kind)).all()
        events = session.scalars(
            select(AuditEvent).where(AuditEvent.action == "print", AuditEvent.detail == kind)
        ).all()
        return sorted(r.youth_id for r in rows), sorted((e.entity_id, e.nominative) for e in events)


# --- the day's pack -------------------------------------------------------------------------------------------


def test_the_pack_of_a_day_with_three_bookings(day, tmp_path):
    db, ids = day
    target = tmp_path / "journee.pdf"
    with db.transaction() as session:
        done = print_interview_day(session, ids["campaign"], DAY, target, partner_id=ids["ml"])
    assert done.count == 3 and done.file == target
    pages = pages_of(target)
    agenda = pages[0]
    assert "Agenda des entretiens" in agenda and "Mission locale du Grand Nancy" in agenda
    assert "3 entretiens réservés sur 5 créneaux de 45 minutes" in agenda
    for name, time in (("LEFÈVRE Zoé", "9 h 00"), ("BERNARD Adam", "9 h 45"), ("CARPENTIER Inès", "10 h 30")):
        assert name in agenda and time in agenda
    assert "06 12 34 56 78" in agenda and "Créneau libre" in agenda and "Claire Durand" in agenda
    text = " ".join(pages)
    for absent in ("ANNULÉ", "Annulé Léon", "TRAVAIL Tom", "LENDEMAIN"):
        assert absent not in text
    sheets = [
        i for i, page in enumerate(pages) if "Fiche d'entretien pré-remplie" in page and "Page 1 /" in page
    ]
    assert len(sheets) == 3
    adam = " ".join(pages[sheets[1] : sheets[2]])
    assert "BERNARD Adam — entretien du mercredi 3 septembre 2025 à 9 h 45" in adam
    assert "25/08/2025 10 h 00 Téléphone Pas de réponse" in adam
    assert "27/08/2025 14 h 30 Téléphone Joint Entretien proposé Hélène Martin" in adam
    assert "Ajourné" in adam and "CAP" in adam and "TCAP-CUI" in adam
    zoe = " ".join(pages[sheets[0] : sheets[1]])
    assert "Représentants légaux (jeune mineur(e))" in zoe  # her sex is not recorded and "Anne LEFÈVRE (mère)" in zoe
    assert "Aucune tentative de contact enregistrée." in zoe
    for decision in Decision:  # the decision boxes, empty
        assert f"☐ {decision.label}" in adam
    assert "☒" not in text
    assert "Pendant l'entretien" in adam and "Signature :" in adam


def test_each_sheet_starts_on_a_recto(day, tmp_path):
    db, ids = day
    target = tmp_path / "journee.pdf"
    with db.transaction() as session:
        print_interview_day(session, ids["campaign"], DAY, target, partner_id=ids["ml"], convocations=True)
    pages = pages_of(target)
    starts = [i + 1 for i, page in enumerate(pages) if "Page 1 /" in page]
    assert len(starts) == 1 + 3 + 3  # the agenda, three sheets, three convocations
    assert all(number % 2 == 1 for number in starts[1:]), starts
    blanks = [i + 1 for i, page in enumerate(pages) if "Page laissée blanche intentionnellement" in page]
    assert blanks and all(number % 2 == 0 and number + 1 in starts for number in blanks)
    for first, following in zip(starts, starts[1:], strict=False):  # a sheet keeps to two pages
        assert following - first <= 2 + (1 if following - 1 in blanks else 0)


def test_the_recto_rule_on_parts_of_one_and_two_pages():
    def part(title, pages, recto):
        story = [L.paragraph(title)] + [L.page_break_if_less_than(L.FRAME_HEIGHT * 2)] * (pages - 1)
        return L.Part(title, [*story, L.paragraph("fin")], recto=recto)

    def count(*parts):
        return len(PdfReader(io.BytesIO(L.build_pdf_parts(None, None, "x", list(parts)))).pages)

    assert count(part("a", 1, False), part("b", 1, False), part("c", 1, False)) == 3
    assert count(part("a", 1, False), part("b", 1, True), part("c", 1, True)) == 5
    assert count(part("a", 2, False), part("b", 2, True), part("c", 1, True)) == 5


def test_a_day_without_bookings_writes_nothing(day, tmp_path):
    db, ids = day
    with pytest.raises(UserError, match="Aucun entretien réservé ce jour-là"), db.transaction() as session:
        print_interview_day(session, ids["campaign"], dt.date(2025, 9, 6), tmp_path / "x.pdf")
    with pytest.raises(UserError, match="au moins un document"), db.transaction() as session:
        print_interview_day(session, ids["campaign"], DAY, tmp_path / "x.pdf", agenda=False, sheets=False)
    assert not (tmp_path / "x.pdf").exists() and _trace(db, "journee") == ([], [])


def test_the_pack_is_recorded_once_per_youth_named(day, tmp_path):
    db, ids = day
    with db.transaction() as session:  # all the Missions locales: France Travail's youth too
        print_interview_day(session, ids["campaign"], DAY, tmp_path / "journee.pdf")
    expected = sorted(ids[k] for k in ("zoe", "adam", "ines", "tom"))
    assert _trace(db, "journee") == (expected, [(i, True) for i in expected])
    assert "TRAVAIL Tom" in " ".join(pages_of(tmp_path / "journee.pdf"))


def test_one_pre_filled_sheet_through_the_print_operation(day, tmp_path):
    db, ids = day
    with db.transaction() as session:
        print_document(session, "fiche-preparation", ids["next"], tmp_path / "fiche.pdf")
    text = " ".join(pages_of(tmp_path / "fiche.pdf"))
    assert "LENDEMAIN Lou — entretien du jeudi 4 septembre 2025 à 9 h 00" in text
    assert "Parcours Ambition Emploi" in text and len(pages_of(tmp_path / "fiche.pdf")) <= 2
    assert _trace(db, "fiche-preparation") == ([ids["next"]], [(ids["next"], True)])
    with pytest.raises(UserError, match="aucun entretien réservé"), db.transaction() as session:
        print_document(session, "fiche-preparation", ids["cancelled"], tmp_path / "x.pdf")


# --- convocations and calendar --------------------------------------------------------------------------------


def test_the_convocations_of_a_day_and_of_a_series(day, tmp_path):
    db, ids = day
    with db.transaction() as session:
        one_day = print_convocations(
            session, ids["campaign"], DAY, tmp_path / "jour.pdf", partner_id=ids["ml"]
        )
        series = print_convocations(
            session,
            ids["campaign"],
            DAY,
            tmp_path / "serie.pdf",
            last=DAY + dt.timedelta(days=1),
            partner_id=ids["ml"],
        )
    assert one_day.count == 3 and series.count == 4
    pages = pages_of(tmp_path / "serie.pdf")
    firsts = [page for page in pages if "Page 1 /" in page]
    assert len(firsts) == 4 and all("Convocation à un entretien" in page for page in firsts)
    order = [
        next(n for n in ("LEFÈVRE", "BERNARD", "CARPENTIER", "LENDEMAIN") if n in page) for page in firsts
    ]
    assert order == ["LEFÈVRE", "BERNARD", "CARPENTIER", "LENDEMAIN"]
    assert PdfReader(str(tmp_path / "serie.pdf")).metadata.title == "Convocations à un entretien"
    youths, events = _trace(db, "convocation")
    assert youths == sorted([ids["zoe"], ids["adam"], ids["ines"]] * 2 + [ids["next"]])
    assert len(events) == 7 and all(nominative for _id, nominative in events)
    with pytest.raises(UserError, match="Aucun entretien réservé du 6 septembre 2025 au 7 septembre"):
        with db.transaction() as session:
            print_convocations(
                session, ids["campaign"], dt.date(2025, 9, 6), tmp_path / "x.pdf", last=dt.date(2025, 9, 7)
            )


def test_the_day_calendar_is_audited(day, tmp_path):
    db, ids = day
    with db.transaction() as session:
        done = export_day_calendar(session, ids["campaign"], DAY, tmp_path / "jour.ics", partner_id=ids["ml"])
    lines = unfold((tmp_path / "jour.ics").read_bytes().decode("utf-8"))
    assert done.count == 5 and lines.count("BEGIN:VEVENT") == 5  # the cancelled booking's slot still stands
    assert any("LEFÈVRE Zoé" in line for line in lines) and not any("LENDEMAIN" in line for line in lines)
    with db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert (event.entity, event.entity_id, event.nominative) == ("partner", ids["ml"], True)
    with pytest.raises(UserError, match="Aucun créneau le 6 septembre 2025"), db.transaction() as session:
        export_day_calendar(session, ids["campaign"], dt.date(2025, 9, 6), tmp_path / "vide.ics")


def test_the_mission_locale_by_name_or_number(day):
    db, ids = day
    with db.read() as session:
        assert find_partner(session, "nancy").id == ids["ml"]  # the Mission locale before France Travail
        assert find_partner(session, "france travail").id == ids["ft"]
        assert find_partner(session, str(ids["ft"])).id == ids["ft"]
        with pytest.raises(UserError, match="ne s'appelle « Metz »"):
            find_partner(session, "Metz")


# --- the command line -----------------------------------------------------------------------------------------


def test_document_journee_on_the_command_line(day, data_dir, tmp_path, capsys):
    db, ids = day
    db.close()  # the command takes the lock itself
    out = tmp_path / "journee.pdf"
    args = ["--data-dir", str(data_dir), "document", "journee", "--campaign", "2025"]
    assert main([*args, "--date", "2025-09-03", "--mission-locale", "Grand Nancy", "-o", str(out)]) == 0
    assert "(3 entretiens réservés)" in capsys.readouterr().err
    assert "CARPENTIER Inès" in pages_of(out)[0]
    empty = tmp_path / "vide.pdf"
    assert main([*args, "--date", "2025-09-06", "-o", str(empty)]) == 0
    assert "Aucun entretien réservé ce jour-là" in capsys.readouterr().err and not empty.exists()
    assert main([*args, "--date", "2025-09-03", "--mission-locale", "Metz", "-o", str(empty)]) == 1
    for wrong in (["--date", "31/09/2025"], ["--date", "2025-02-30"], ["--date", "demain"], []):
        with pytest.raises(SystemExit) as error:
            main([*args, *wrong, "-o", str(empty)])
        assert error.value.code == 2
    assert "AAAA-MM-JJ" in capsys.readouterr().err and not empty.exists()
    with pytest.raises(SystemExit) as error:
        main(
            [
                "--data-dir",
                str(data_dir),
                "document",
                "convocation",
                "--all",
                "--date",
                "2025-09-03",
                "-o",
                str(tmp_path),
            ]
        )
    assert error.value.code == 2
