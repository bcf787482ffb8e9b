"""Every youth document, read back for a girl, a boy and a youth of unknown sex: the words agree with the sex,
every legal representative of a minor is addressed and signs, minority is judged on the document's own date,
the convocation names its referent and the Mission locale advisor, the scheme's name takes its article."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from pae_desktop.core.grammar import Person, agree, inclusive, person
from pae_desktop.core.models import (
    Interview,
    InterviewParticipant,
    InterviewSlot,
    LegalRepresentative,
    Partner,
    Pathway,
    SlotBooking,
)
from pae_desktop.core.models import Person as Staff
from pae_desktop.core.operations.printing import KINDS, document_options, print_document
from pae_desktop.core.scheme import scheme_of, store_scheme, with_values
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import Decision, ModuleType, PartnerType, Role

D = dt.date
MINOR_BIRTH = D(2008, 3, 4)  # 17 throughout the 2025 interviews and pathway, of age by the 2026 reprint
REPRINT = D(2026, 12, 4)
YOUTH_KINDS = [k for k, spec in KINDS.items() if spec.per_youth]


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def printed(db, kind: str, youth_id: int, on: dt.date = REPRINT) -> str:
    with db.transaction() as session, tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "document.pdf"
        print_document(session, kind, youth_id, target, document_options(session, printed_on=on))
        return text_of(target.read_bytes())


def _youth(session, campaign, first: str, sex: str, birth: dt.date, ml: Partner, slot_at: dt.datetime) -> int:
    youth_id = save_youth(
        session,
        campaign,
        YouthForm(last_name="Nguyễn", first_names=first, sex=sex, diploma="CAP", birth_date=birth, boursier=True),
        today=D(2025, 8, 20),
    ).youth_id
    session.add_all(
        [
            LegalRepresentative(youth_id=youth_id, rank=1, last_name="NGUYỄN", first_name="Thi", link="10"),
            LegalRepresentative(youth_id=youth_id, rank=2, last_name="NGUYỄN", first_name="Đức Anh", link="20"),
        ]
    )
    interview = Interview(youth_id=youth_id, held_on=D(2025, 9, 5), decision=Decision.ENGAGE.value)
    session.add(interview)
    session.flush()
    session.add(InterviewParticipant(interview_id=interview.id, role=Role.REPRESENTANT.value, name="Thi NGUYỄN"))
    advisor = session.query(Staff).filter_by(last_name="Durand").one()
    slot = InterviewSlot(campaign_id=campaign.id, starts_at=slot_at, place="Salle 12", partner=ml, advisor=advisor)
    session.add(slot)
    session.flush()
    session.add(SlotBooking(slot_id=slot.id, youth_id=youth_id))
    form = svc.PathwayForm(
        mef_code="7034150211",
        start_date=D(2025, 9, 8),
        planned_end=D(2025, 12, 31),
        mission_locale_id=ml.id,
        modules=[
            svc.ModuleForm(ModuleType.ACCOMPAGNEMENT_ML.value, D(2025, 9, 8), D(2025, 12, 31), carrier_partner_id=ml.id)
        ],
    )
    svc.save_pathway(session, youth_id, form)
    session.flush()
    pathway = session.query(Pathway).filter_by(youth_id=youth_id).one()
    pathway.abandoned_on, pathway.abandon_reason = D(2025, 11, 3), "Déménagement"
    return youth_id


@pytest.fixture
def family(school_db):
    """Three minors of 2025 (a girl, a boy, a youth of unknown sex), each with their mother and father as legal
    representatives, an interview, a booking with a Mission locale advisor, an ended pathway; and a youth who
    turned 18 four days before their interview. A «Référent décrochage scolaire» in the directory, none set as
    the workstation's staff member."""
    db = school_db
    with db.transaction() as session:
        campaign = get_campaign(session, 2025)
        ml = Partner(name="Mission locale du Grand Nancy", type=PartnerType.MISSION_LOCALE.value)
        session.add(ml)
        session.flush()
        session.add_all(
            [
                Staff(last_name="Durand", first_name="Claire", role="ML", partner_id=ml.id, phone="03 83 00 11 22"),
                Staff(last_name="Roux", first_name="Marc", role="RDS", phone="06 12 34 56 78"),
            ]
        )
        session.flush()
        at = dt.datetime(2025, 9, 3, 9, 0)
        ids = {
            "F": _youth(session, campaign, "Léa", "F", MINOR_BIRTH, ml, at),
            "M": _youth(session, campaign, "Hugo", "M", MINOR_BIRTH, ml, at + dt.timedelta(hours=1)),
            "": _youth(session, campaign, "Camille", "", MINOR_BIRTH, ml, at + dt.timedelta(hours=2)),
            "adult": _youth(session, campaign, "Alex", "M", D(2007, 9, 1), ml, at + dt.timedelta(hours=3)),
        }
    return db, ids


def test_the_words_agree_with_the_sex():
    assert [agree(s, "inscrit", "inscrite") for s in ("F", "M", "")] == ["inscrite", "inscrit", "inscrit(e)"]
    assert inclusive("il", "elle") == "il ou elle" and inclusive("né", "née") == "né(e)"
    assert (Person("F").The_youth, Person("M").the_youth, person("X").the_youth) == ("La jeune", "le jeune", "le jeune")
    assert (Person("F").minor, Person("").convened, Person("M").civility) == ("mineure", "convoqué(e)", "M.")


STAFF_WORDS = ("Je soussigné(e)", "Conseiller(ère)", "Référent(e)")  # the staff's sex is not recorded


def about_youth(text: str) -> str:
    for words in STAFF_WORDS:
        text = text.replace(words, "")
    return text


GIRL = ("inscrite", "née le", "la jeune", "Boursière", "La jeune", "mineure", "invitée", "reçue", "elle")
BOY = ("inscrit", "né le", "le jeune", "Boursier", "Le jeune", "mineur", "invité", "reçu", " il ")
UNKNOWN = ("inscrit(e)", "né(e) le", "mineur(e)", "invité(e)", "reçu(e)", "il ou elle")
ONLY_INCLUSIVE = ("(e)", "il ou elle", "lui ou elle", "·e")


@pytest.mark.parametrize("kind", YOUTH_KINDS)
def test_every_kind_agrees_with_the_youth(family, kind):
    db, ids = family
    texts = {sex: printed(db, kind, ids[sex]) for sex in ("F", "M", "")}
    girl, boy, unknown = texts["F"], texts["M"], texts[""]
    for text, words in ((girl, GIRL), (boy, BOY)):
        said = [w for w in words if w in text]
        assert said or kind in ("dossier", "courrier"), (kind, text[:400])
        for inclusive_form in ONLY_INCLUSIVE:  # the sex is known: no inclusive form about the youth
            assert inclusive_form not in about_youth(text), (kind, inclusive_form)
    assert "du AvenirPro" not in girl and "du Parcours" not in girl
    if kind in ("attestation-inscription", "attestation-fin-parcours", "fiche-entretien"):
        assert any(w in unknown for w in UNKNOWN), unknown[:400]
    if kind == "attestation-inscription":
        assert "Mme Léa NGUYỄN, née le 4 mars 2008" in girl and "M. Hugo NGUYỄN, né le" in boy
        assert "la jeune conserve" in girl and "le jeune conserve" in boy
        assert "à l'intéressée" in girl and "à l'intéressé pour" in boy and "Camille NGUYỄN, né(e) le" in unknown


SIGNING = {"fiche-entretien", "plan-parcours", "fiche-preparation"}
ADDRESSING = {"convocation", "courrier"}


@pytest.mark.parametrize("kind", sorted(SIGNING | ADDRESSING))
def test_every_legal_representative_of_a_minor(family, kind):
    """Both parents of a minor on the document's date are named (and sign where the document is signed),
    though the youth has come of age by the reprint; the youth who was 18 on their interview's day has none."""
    db, ids = family
    text = printed(db, kind, ids["F"], on=REPRINT if kind != "courrier" else D(2025, 9, 1))
    assert "Thi NGUYỄN" in text and "Đức Anh NGUYỄN" in text, text[:600]
    if kind in SIGNING:
        assert "La représentante légale" in text and "Le représentant légal" in text
        assert text.count("Signature :") >= 4  # the youth, both parents, the school
    if kind != "courrier":
        adult = printed(db, kind, ids["adult"])
        assert "Đức Anh NGUYỄN" not in adult and "représentant légal" not in adult.replace(
            "Représentant légal", ""
        )


def test_the_plan_keeps_its_minor_at_the_pathway_start(family):
    db, ids = family
    text = printed(db, "plan-parcours", ids["M"], on=REPRINT)
    assert "Représentants légaux" in text and "Le jeune s'engage" in text
    assert "Đức Anh NGUYỄN (père)" in text and "Thi NGUYỄN (mère)" in text


def test_the_convocation_names_the_referent_and_the_advisor(family):
    db, ids = family
    text = printed(db, "convocation", ids["F"])
    assert "Claire Durand" in text and "03 83 00 11 22" in text  # the Mission locale advisor and her phone
    assert "Le référent décrochage scolaire Marc Roux Tél. 06 12 34 56 78" in text  # the directory's referent
    assert "Léa NGUYỄN est invitée" in text and "Comme elle est mineure" in text and "avec elle" in text
    boy = printed(db, "convocation", ids["M"])
    assert "Hugo NGUYỄN est invité à" in boy and "Comme il est mineur" in boy
    unknown = printed(db, "convocation", ids[""])
    assert "Comme il ou elle est mineur(e)" in unknown
    adult = printed(db, "convocation", ids["adult"])
    assert "vous êtes invité à un entretien" in adult and "Vous serez reçu par" in adult


def test_the_convocation_without_referent_is_signed_by_the_school(family):
    db, ids = family
    with db.transaction() as session:
        session.query(Staff).filter_by(role="RDS").one().archived = True
    text = printed(db, "convocation", ids["F"])
    assert "Pour l'établissement Lycée professionnel Test" in text


def test_the_day_pack_names_the_advisor(family):
    from pae_desktop.core.services.interview_day import agenda_record
    from pae_desktop.documents import agenda_entretiens

    db, ids = family
    with db.read() as session:
        record = agenda_record(session, get_campaign(session, 2025).id, D(2025, 9, 3))
    text = text_of(agenda_entretiens.render(None, _school(), record))
    assert "Claire Durand" in text
    assert "NGUYỄN Léa (mineure)" in text and "NGUYỄN Hugo (mineur)" in text and "NGUYỄN Camille (mineur(e))" in text


def _school():
    from pae_desktop.documents.layout import SchoolInfo

    return SchoolInfo(name="Lycée professionnel Test", city="Nancy")


def test_a_scheme_name_takes_its_article(family):
    db, ids = family
    with db.transaction() as session:
        campaign = get_campaign(session, 2025)
        store_scheme(campaign, with_values(scheme_of(campaign), name="Avenir Jeunes"))
    for kind in ("convocation", "attestation-fin-parcours", "fiche-entretien"):
        text = printed(db, kind, ids["F"])
        assert "du dispositif « Avenir Jeunes »" in text, kind
        assert "du Avenir" not in text and "le Avenir" not in text


def test_the_legal_representative_role_is_reported_as_autre(family):
    from pae_desktop.core.services.reporting import _ROLE_ORDER

    assert Role.REPRESENTANT.value not in _ROLE_ORDER and "AUTRE" in _ROLE_ORDER


def test_the_form_offers_the_legal_representative_first_for_a_minor(qtbot):
    from pae_desktop.ui.interview_participants import ParticipantRow

    minor, adult = ParticipantRow([], minor=True), ParticipantRow([])
    qtbot.addWidget(minor)
    qtbot.addWidget(adult)
    assert minor.role.itemData(0) == Role.REPRESENTANT.value and minor.role.code() == Role.REPRESENTANT.value
    assert adult.role.itemData(0) == Role.RDS.value and adult.role.findData(Role.REPRESENTANT.value) > 0
    assert minor.role.count() == adult.role.count()
