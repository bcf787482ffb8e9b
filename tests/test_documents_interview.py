"""The convocation and interview record PDFs: content read back, long notes inside the margins, batches."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import AuditEvent, GeneratedDocument, Interview, Youth
from pae_desktop.core.operations.printing import print_day, print_document
from pae_desktop.core.services import directory as d
from pae_desktop.core.services import interviews as iv
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import RepresentativeForm, YouthForm, save_youth
from pae_desktop.core.vocabulary import Barrier, Decision, Role
from pae_desktop.documents import layout as L
from pdf_text import pdf_text, squash, words_outside

TODAY = dt.date(2025, 10, 1)
OPTIONS = L.DocumentOptions(printed_on=TODAY)
MARGINS = dict(left=L.MARGIN_LEFT, right=L.MARGIN_RIGHT, top=8 * L.mm, bottom=8 * L.mm)
LAST_WORDS = "et voilà les derniers mots de la note"


def printed(session, kind: str, youth_id: int, folder, **kwargs) -> bytes:
    """The PDF of `kind` for the youth, through the print operation (which records it)."""
    target = folder / f"{kind}.pdf"
    print_document(session, kind, youth_id, target, kwargs.pop("options", None), **kwargs)
    return target.read_bytes()


def has(text: str, phrase: str) -> bool:
    """`phrase` is in `text`, wherever the PDF wrapped its lines."""
    return squash(phrase) in squash(text)


def notes_3000() -> str:
    sentence = (
        "Zoé évoque ses stages <en boulangerie> & ses « envies » d'apprentissage ; elle hésite encore. "
    )
    text = (sentence * 40)[: 3000 - len(LAST_WORDS) - 1]
    return text.rsplit(" ", 1)[0] + " " + LAST_WORDS


@pytest.fixture
def case(school_db):
    """Zoé (minor on 2 September 2025, two legal representatives) booked with a Mission locale advisor."""
    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        ml = d.save_partner(session, d.PartnerForm(name="Mission locale « Sud & Est »"))
        advisor = d.save_person(session, d.PersonForm("Durand-<Lévy>", "Claire", "ML", ml.id))
        referent = d.save_person(session, d.PersonForm("Martin", "Hélène", "RDS"))
        youth = save_youth(
            session,
            campaign,
            YouthForm(
                last_name="Lefèvre-Ødegård",
                first_names='Zoé "Zou" Ève',
                birth_date=dt.date(2008, 1, 15),
                address="3 rue de l'Église",
                postal_code="54000",
                city="Nancy",
                division="TBP-MCV",
                representatives=[
                    RepresentativeForm(last_name="Lefèvre", first_name="Anne", link="10", city="Nancy"),
                    RepresentativeForm(last_name="Ødegård", first_name="Lars", link="20", city="Oslo"),
                ],
            ),
        ).youth_id
        slots = iv.create_slot_series(
            session,
            campaign,
            iv.SlotSeriesForm(
                days=[dt.date(2025, 9, 2)],
                start=dt.time(14),
                end=dt.time(15, 30),
                length_minutes=45,
                place="Lycée, salle <104> & CDI",
                partner_id=ml.id,
                advisor_id=advisor.id,
            ),
        ).slot_ids
        booking = iv.book(session, slots[0], youth, today=dt.date(2025, 8, 26)).booking_id
        ids = dict(
            youth=youth,
            booking=booking,
            slots=slots,
            referent=referent.id,
            advisor=advisor.id,
            ml=ml.id,
            campaign=campaign.id,
        )
    return school_db, ids


def record(db, ids, **changes) -> int:
    with db.read() as session:
        form = iv.new_interview_form(session, ids["youth"], today=TODAY)
    form.participants.insert(0, iv.ParticipantForm(Role.RDS.value, ids["referent"]))
    form.situation = "Sans emploi depuis juillet, cherche un contrat d'apprentissage."
    form.school_path = "Terminale bac pro MCV, résultat : ajournée."
    form.pfmp_done = "Trois PFMP : boulangerie Ô Délices, supérette, fleuriste."
    form.project = "APPRENTISSAGE"
    form.barriers = {Barrier.MOBILITE.value, Barrier.SANTE.value}
    form.proposals = "PFMP en boulangerie puis recherche d'un employeur."
    form.decision = Decision.REFUS.value
    form.refusal_reason = 'Préfère "travailler" tout de suite & seule'
    form.notes = notes_3000()
    for key, value in changes.items():
        setattr(form, key, value)
    with db.transaction() as session:
        return iv.save_interview(session, form, today=TODAY).interview_id


def test_convocation_names_the_legal_representatives_of_a_minor(case, tmp_path):
    db, ids = case
    path = tmp_path / "convocation.pdf"
    with db.transaction() as session:
        print_document(session, "convocation", ids["youth"], path, OPTIONS, source_id=ids["booking"])
    text = pdf_text(path)
    assert has(text, "Convocation à un entretien")
    assert has(text, "Zoé LEFÈVRE-ØDEGÅRD")
    assert has(text, "mardi 2 septembre 2025") and has(text, "14 h 00") and has(text, "14 h 45")
    assert has(text, "Lycée, salle <104> & CDI")
    assert has(text, "Claire Durand-<Lévy>") and has(text, "Mission locale « Sud & Est »")
    assert has(text, "Mme Anne LEFÈVRE") or has(text, "Anne LEFÈVRE")
    assert has(text, "Lars ØDEGÅRD") and has(text, "Madame, Monsieur")
    assert has(text, "pièce d'identité")
    assert words_outside(path, **MARGINS) == []
    with db.read() as session:
        docs = session.scalars(select(GeneratedDocument)).all()
        prints = session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).all()
    assert [(doc.kind, doc.youth_id, doc.path) for doc in docs] == [("convocation", ids["youth"], str(path))]
    assert len(prints) == 1 and prints[0].entity_id == ids["youth"]


def test_convocation_of_an_adult_speaks_to_the_youth(case, tmp_path):
    db, ids = case
    with db.transaction() as session:
        session.get(Youth, ids["youth"]).birth_date = dt.date(2004, 1, 15)
    with db.transaction() as session:
        data = printed(session, "convocation", ids["youth"], tmp_path, options=OPTIONS)
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert has(text, "Bonjour Zoé,") and "Lars" not in text


def test_fiche_entretien_content_long_notes_and_literal_text(case, tmp_path):
    db, ids = case
    interview_id = record(db, ids)
    path = tmp_path / "fiche.pdf"
    with db.transaction() as session:
        print_document(session, "fiche-entretien", ids["youth"], path, OPTIONS, source_id=interview_id)
    text = pdf_text(path)
    assert has(text, "Fiche d'entretien")
    assert has(text, "LEFÈVRE-ØDEGÅRD") and has(text, 'Zoé "Zou" Ève')
    assert has(text, "mardi 2 septembre 2025") and has(text, "15 janvier 2008 (17 ans)")
    assert has(text, "Refuse le parcours") and has(text, 'Préfère "travailler" tout de suite & seule')
    assert has(text, "Claire Durand-<Lévy>") and has(text, "Conseiller(ère) Mission locale")
    assert has(text, "Hélène Martin") and has(text, "Référent décrochage scolaire")
    assert has(text, "☒ Mobilité / permis") and has(text, "☒ Santé") and has(text, "☐ Logement")
    assert has(text, "Représentants légaux") and has(text, "Le représentant légal")
    assert has(text, "Apprentissage") and has(text, "Protection de vos données personnelles")
    assert squash(LAST_WORDS) in squash(text)
    assert has(text, "<en boulangerie> & ses « envies »")
    pages = len(PdfReader(str(path)).pages)
    assert has(text, f"Page {pages} / {pages}")
    assert words_outside(path, **MARGINS) == []


def test_reflection_prints_the_date_of_the_reminder(case, tmp_path):
    db, ids = case
    interview_id = record(
        db,
        ids,
        decision=Decision.REFLEXION.value,
        refusal_reason="",
        follow_up_on=dt.date(2025, 9, 9),
        notes="",
    )
    with db.transaction() as session:
        data = printed(session, "fiche-entretien", ids["youth"], tmp_path, options=OPTIONS)
        assert session.get(Interview, interview_id) is not None
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    assert has(text, "Souhaite réfléchir") and has(text, "9 septembre 2025") and "Observations" not in text


def test_youth_without_interview_or_booking_is_refused(case, tmp_path):
    db, ids = case
    with db.transaction() as session:
        other = save_youth(
            session, get_campaign(session, 2025), YouthForm(last_name="Petit", first_names="Léo")
        )
    with pytest.raises(UserError, match="Aucun entretien"):
        with db.transaction() as session:
            printed(session, "fiche-entretien", other.youth_id, tmp_path)
    with pytest.raises(UserError, match="aucun entretien réservé"):
        with db.transaction() as session:
            printed(session, "convocation", other.youth_id, tmp_path)
    with db.read() as session:
        assert session.scalars(select(GeneratedDocument)).all() == []


def test_day_batch_on_the_demo(demo_db, tmp_path):
    with demo_db.read() as session:
        day, campaign_id = session.execute(
            select(Interview.held_on, Youth.campaign_id)
            .join(Youth)
            .group_by(Interview.held_on, Youth.campaign_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()
        expected = iv.interviews_held_on(session, campaign_id, day)
        names = [session.get(Interview, i).youth.last_name.upper() for i in expected]
    assert len(expected) >= 2
    path = tmp_path / "lot.pdf"
    with demo_db.transaction() as session:
        count = print_day(session, campaign_id, day, path, OPTIONS).count
    assert count == len(expected)
    text = pdf_text(path)
    assert text.count("Page 1 /") == count
    positions = [text.index(name) for name in names]
    assert positions == sorted(positions)
    with demo_db.read() as session:
        assert (
            len(
                session.scalars(
                    select(GeneratedDocument).where(GeneratedDocument.kind == "fiche-entretien")
                ).all()
            )
            == count
        )
    with pytest.raises(UserError, match="Aucun entretien enregistré le"):
        with demo_db.transaction() as session:
            print_day(session, campaign_id, dt.date(2025, 1, 1), tmp_path / "vide.pdf")
