"""Printing as one operation (issue 16): every kind renders a plain record without a database, the documents
import no service, operation or storage, and a print from the window and from the command line leave the same
trace (GeneratedDocument and audit event)."""

from __future__ import annotations

import ast
import datetime as dt
import io
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session

import pae_desktop
from pae_desktop.core.attendance import AttendanceGrid, GridCell, GridWeek, Totals
from pae_desktop.core.contact_records import LetterRecord, Referent
from pae_desktop.core.day_records import AgendaLine, AgendaRecord, InterviewDayRecord, PreparationRecord
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import AuditEvent, GeneratedDocument, Interview, InterviewSlot, Youth
from pae_desktop.core.operations.printing import KINDS, print_day, print_document
from pae_desktop.core.records import (
    AttemptLine,
    ConvocationRecord,
    DossierRecord,
    EventLine,
    InterviewFacts,
    InterviewRecord,
    ModuleFacts,
    Participant,
    PathwayFacts,
    Representative,
    RetentionRules,
    StaffMember,
    YouthIdentity,
)
from pae_desktop.core.scheme import default_scheme
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.document_records import latest_interview_id
from pae_desktop.core.services.pathways import ModuleLine, PathwayDocument, RepresentativeLine
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import Barrier, Decision
from pae_desktop.documents import layout as L
from pae_desktop.documents import office_list

D = dt.date
PRINTED = D(2025, 10, 1)
OPTIONS = L.DocumentOptions(
    scheme=default_scheme(2026), dpo_contact="dpd@ac-nancy-metz.fr", printed_on=PRINTED
)
SCHOOL = L.SchoolInfo(name="Lycée Jean-Prouvé", uai="0541286C", city="Nancy", head_name="Mme Claire Durand")
PACKAGE = Path(pae_desktop.__file__).parent


def text_of(pdf: bytes) -> str:
    return " ".join(" ".join((p.extract_text() or "").split()) for p in PdfReader(io.BytesIO(pdf)).pages)


# --- every kind from a hand-built record, no database -----------------------------------------------------------

YOUTH = YouthIdentity(
    id=7,
    last_name="Lefèvre",
    first_names="Zoé Ève",
    sex="F",
    birth_date=D(2008, 1, 15),
    ine="123456789JA",
    address="3 rue de l'Église",
    postal_code="54000",
    city="Nancy",
    pseudonym="ab12cd34ef56ab78",
    representatives=(Representative("Anne LEFÈVRE", link="10", city="Nancy"),),
)
INTERVIEW = InterviewFacts(
    held_on=D(2025, 9, 2),
    place="Salle <104>",
    participants=(
        Participant("Claire Durand", "ML", "Mission locale Sud"),
        Participant("Hélène Martin", "RDS", of_school=True),
    ),
    situation="Cherche un apprentissage en cuisine",
    barriers=(Barrier.MOBILITE.value,),
    decision=Decision.REFLEXION.value,
)
PATHWAY = PathwayDocument(
    youth_id=7,
    last_name="Lefèvre",
    usage_name="",
    first_names="Zoé Ève",
    sex="F",
    birth_date=D(2008, 1, 15),
    ine="123456789JA",
    address="",
    postal_code="",
    city="Nancy",
    phone="",
    email="",
    boursier=True,
    minor=True,
    representatives=(RepresentativeLine("Anne LEFÈVRE", "Mère", "", ""),),
    diploma="CAP",
    speciality="Cuisine",
    division="TCAP-CUI",
    origin_mef_code="50022111",
    exam_result="",
    campaign_year=2026,
    scheme=default_scheme(2026),
    mef_code="7034150311",
    mef_short="APRO PLUS 3",
    mef_label="AVENIR PRO PLUS NIVEAU 3",
    start_date=D(2026, 9, 8),
    planned_end=D(2026, 12, 31),
    actual_end=None,
    referent="Hélène Martin",
    referent_phone="",
    referent_email="",
    mission_locale="Mission locale Sud",
    modules=(
        ModuleLine(
            "PFMP",
            "Stage en cuisine",
            "Brasserie <Nord>",
            "Entreprise",
            "",
            D(2026, 9, 22),
            D(2026, 10, 17),
            35,
            "",
            "CONV-17",
            None,
            True,
        ),
    ),
    partnership=False,
    pfmp_days=20,
    siecle_entered_on=None,
    abandoned_on=None,
    abandon_reason="",
    exit_on=D(2026, 12, 1),
    exit_category="Emploi",
    exit_detail="",
)
RECORDS = {
    "fiche-entretien": (
        InterviewRecord(YOUTH, INTERVIEW, default_scheme(2025), relance_on=D(2025, 9, 9)),
        [
            "Fiche d'entretien",
            "LEFÈVRE",
            "Salle <104>",
            "Mission locale Sud",
            "Lycée Jean-Prouvé",
            "☒ Mobilité / permis",
            "Souhaite réfléchir",
            "9 septembre 2025",
            "Parcours Ambition Emploi",
        ],
    ),
    "convocation": (
        ConvocationRecord(
            YOUTH,
            default_scheme(2026),
            dt.datetime(2025, 9, 2, 14),
            45,
            "Lycée, salle 12",
            StaffMember("Claire Durand", partner_name="Mission locale Sud"),
            "Mission locale Sud",
            StaffMember("Hélène Martin"),
        ),
        [
            "Convocation à un entretien",
            "Zoé LEFÈVRE",
            "mardi 2 septembre 2025",
            "14 h 45",
            "Claire Durand",
            "Anne LEFÈVRE",
            "Hélène Martin",
            "AvenirPro+",
        ],
    ),
    "courrier": (
        LetterRecord(
            YOUTH,
            default_scheme(2026),
            "Lycée Jean-Prouvé",
            "TMELEC",
            minor=True,
            rentree=D(2025, 9, 1),
            interview_deadline=D(2025, 10, 17),
            referent=Referent("Hélène MARTIN", phone="03 83 00 00 00"),
        ),
        ["Courrier d'information", "Anne LEFÈVRE", "54000 NANCY", "Zoé LEFÈVRE", "AvenirPro+", "Hélène MARTIN"],
    ),
    "plan-parcours": (PATHWAY, ["Plan de parcours", "7034150311", "Stage en cuisine", "Brasserie <Nord>"]),
    "attestation-inscription": (
        PATHWAY,
        ["Attestation d'inscription en AvenirPro+", "inscrite", "APRO PLUS 3"],
    ),
    "attestation-fin-parcours": (PATHWAY, ["Attestation de fin de parcours", "Brasserie <Nord>", "Emploi"]),
    "inscription-administrative": (PATHWAY, ["Fiche d'inscription administrative", "Code MEF 7034150311"]),
    "dossier": (
        DossierRecord(
            YOUTH,
            default_scheme(2025),
            2025,
            stage="Parcours en cours",
            minor=True,
            interviews=(INTERVIEW,),
            pathway=PathwayFacts("7034150211 — PAE N3", modules=(ModuleFacts("Immersion en classe"),)),
            events=(EventLine(dt.datetime(2025, 9, 3, 10, 5), "print", by="lea", detail="dossier"),),
        ),
        [
            "Dossier complet du jeune",
            "Rentrée 2025",
            "Parcours en cours",
            "Cherche un apprentissage en cuisine",
            "7034150211 — PAE N3",
            "Immersion en classe",
            "impression",
            "03/09/2025 10 h 05",
            "Aucune sortie",
        ],
    ),
}
# The interview day (issue 17 §2): a pre-filled sheet, and the day's pack that gathers the agenda and the sheets.
SHEET = PreparationRecord(
    YOUTH,
    default_scheme(2026),
    dt.datetime(2026, 9, 1, 9, 45),
    45,
    "Mission locale, accueil",
    "Mission locale Sud",
    "Claire Durand",
    "Hélène Martin",
    attempts=(AttemptLine(dt.datetime(2026, 8, 27, 10), "TELEPHONE", "JOINT", "ENTRETIEN_PROPOSE"),),
    phase1="4 ateliers suivis sur 4 tenus pour sa classe",
)
AGENDA = AgendaRecord(
    D(2026, 9, 1),
    default_scheme(2026),
    "Mission locale Sud",
    (
        AgendaLine(
            dt.datetime(2026, 9, 1, 9, 45),
            45,
            "Accueil",
            "Mission locale Sud",
            "Claire Durand",
            "LEFÈVRE Zoé",
        ),
    ),
)
RECORDS["fiche-preparation"] = (
    SHEET,
    [
        "Fiche d'entretien pré-remplie",
        "LEFÈVRE Zoé",
        "Mission locale Sud",
        "27/08/2026 10 h 00",
        "☐ Non éligible",
    ],
)
RECORDS["journee"] = (
    InterviewDayRecord(D(2026, 9, 1), AGENDA, (SHEET,), youth_ids=(7,)),
    [
        "Agenda des entretiens",
        "1 entretien réservé sur 1 créneau de 45 minutes",
        "AvenirPro (phase 1",
        "Claire",
    ],
)

# The attendance grid (issue 21 §5): one week, Monday absent unjustified in the morning, present after.
_WEEK = tuple(
    GridCell(D(2026, 9, 7) + dt.timedelta(days=i // 2), i % 2 == 1, ("A", "P")[i % 2], 1, True) for i in range(10)
)
RECORDS["grille-assiduite"] = (
    AttendanceGrid(
        youth_id=7,
        full_name="LEFÈVRE Zoé",
        ine="123456789JA",
        division="TMELEC",
        boursier=True,
        start=D(2026, 9, 7),
        end=D(2026, 9, 11),
        weeks=(GridWeek(D(2026, 9, 7), _WEEK, Totals(5, 0, 5)),),
        grid=Totals(5, 0, 5),
        events=Totals(0, 2, 3),
        overall=Totals(5, 2, 8),
    ),
    ["Grille d'assiduité", "LEFÈVRE Zoé", "07/09/2026", "Total des absences non justifiées", "8 demi-journées"],
)


@pytest.fixture
def no_database(monkeypatch):
    """Any session opened from here on fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError("a document opened a database session")

    monkeypatch.setattr(Session, "__init__", refuse)


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_every_kind_renders_a_hand_built_record_without_a_database(kind, no_database):
    module = KINDS[kind].render_module()
    if kind == "notice-rgpd":
        rules = RetentionRules(no_pathway_at_campaign_end=False, audit_days=400, pathway_end=D(2001, 6, 30))
        text = text_of(module.render(None, SCHOOL, OPTIONS, rules))
        expected = [
            "Notice d'information",
            "400 jours",
            "30 juin de l'année suivant la rentrée",
            "dpd@ac-nancy-metz",
        ]
        assert "ne sont pas entrés dans le parcours" not in text
    elif kind in ("registre", "aipd"):
        from pae_desktop.core.records import DpoRecord, SecurityMeasures, StorageFacts

        record = DpoRecord(SecurityMeasures(StorageFacts(encrypted=True), audit_days=400), youths=42)
        text = text_of(module.render(None, SCHOOL, OPTIONS, record))
        expected = ["Chiffrement de la base : actif", "400 jours", "42 dossier(s)", "dpd@ac-nancy-metz"]
    else:
        record, expected = RECORDS[kind]
        text = text_of(module.render(None, SCHOOL, record, OPTIONS))
    for phrase in expected:
        assert phrase in text, (kind, phrase)


def test_the_office_list_renders_its_rows_without_a_database(no_database):
    from pae_desktop.core.services.pathways import OfficeRow

    row = OfficeRow(
        1,
        7,
        "123456789JA",
        "Lefèvre",
        "Zoé",
        D(2008, 1, 15),
        "7034150311",
        "APRO PLUS 3",
        D(2026, 9, 8),
        True,
        False,
        None,
    )
    text = text_of(office_list.render(None, SCHOOL, [row], campaign_year=2026, options=OPTIONS))
    assert "À saisir dans SIECLE" in text and "LEFÈVRE Zoé" in text and "08/09/2026" in text
    assert "AvenirPro+ — campagne 2026 — liste du 1 octobre 2025" in text or "campagne 2026" in text


# --- the layer rule --------------------------------------------------------------------------------------------

FORBIDDEN = ("pae_desktop.core.services", "pae_desktop.core.operations", "pae_desktop.storage")
PURE = [*sorted((PACKAGE / "documents").glob("*.py")), PACKAGE / "io" / "siecle_office_list.py"]


def imported_names(path: Path) -> set[str]:
    """Every module `path` imports, at its top or inside a function."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_documents_read_no_service_operation_or_storage():
    bad = {path.name: sorted(n for n in imported_names(path) if n.startswith(FORBIDDEN)) for path in PURE}
    assert {name: found for name, found in bad.items() if found} == {}
    modules = [f"pae_desktop.documents.{p.stem}" for p in PURE if p.parent.name == "documents"]
    script = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "import pae_desktop.io.siecle_office_list\n"
        f"print('\\n'.join(sorted(m for m in sys.modules if m.startswith({FORBIDDEN!r}))))\n"
    )
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == ""


def test_the_layer_check_sees_a_forbidden_import(tmp_path):
    hidden = tmp_path / "doc.py"
    hidden.write_text("def f():\n    from pae_desktop.core.services.school import get_school\n")
    assert any(n.startswith(FORBIDDEN) for n in imported_names(hidden))


# --- the operation ---------------------------------------------------------------------------------------------


def _trace(db) -> tuple[list, list]:
    with db.read() as session:
        documents = [
            (d.kind, d.youth_id, Path(d.path).name != "", len(d.sha256))
            for d in session.scalars(select(GeneratedDocument).order_by(GeneratedDocument.id))
        ]
        events = [
            (e.action, e.entity, e.entity_id, e.nominative, e.detail, e.os_user)
            for e in session.scalars(
                select(AuditEvent).where(AuditEvent.action == "print").order_by(AuditEvent.id)
            )
        ]
    return documents, events


def test_window_and_command_line_prints_leave_the_same_trace(demo_db, data_dir, tmp_path, qtbot, monkeypatch):
    from pae_desktop.cli import main
    from pae_desktop.storage.database import open_database
    from pae_desktop.ui import interview_form
    from pae_desktop.ui.context import AppContext

    with demo_db.read() as session:
        youth_id = session.scalars(select(Interview.youth_id).order_by(Interview.id)).first()
        youth = session.get(Youth, youth_id)
        pseudonym, campaign_id = youth.pseudonym, youth.campaign_id
        interview_id = latest_interview_id(session, youth_id)
    opened = []
    monkeypatch.setattr(interview_form, "open_file", opened.append)
    context = AppContext(demo_db, campaign_id)
    applied = []
    context.data_changed.connect(applied.append)
    dialog = interview_form.InterviewFormDialog(context, youth_id, interview_id)
    qtbot.addWidget(dialog)
    assert dialog.print_pdf() is not None and len(opened) == 1
    assert applied and "audit" in applied[-1]  # the screens refreshed from the operation's Changes
    window_documents, window_events = _trace(demo_db)
    demo_db.close()  # the command takes the writer lock

    assert (
        main(
            [
                "--data-dir",
                str(data_dir),
                "document",
                "fiche-entretien",
                "--id",
                pseudonym,
                "-o",
                str(tmp_path / "fiche.pdf"),
            ]
        )
        == 0
    )
    db = open_database(data_dir, write=False)
    try:
        documents, events = _trace(db)
    finally:
        db.close()
    assert len(window_documents) == len(window_events) == 1
    assert documents == window_documents * 2
    assert events == window_events * 2
    assert window_documents[0][:2] == ("fiche-entretien", youth_id)
    assert window_events[0][:5] == ("print", "youth", youth_id, True, "fiche-entretien")


def test_a_single_print_and_the_list_of_youths_concerned_agree(demo_db):
    with demo_db.read() as session:
        campaign = get_campaign(session, 2025)
        youths = session.scalars(
            select(Youth.id).where(Youth.campaign_id == campaign.id, Youth.anonymised_at.is_(None))
        ).all()
        for spec in KINDS.values():
            if not spec.per_youth:
                continue
            concerned = set(spec.concerned(session, campaign))
            assert concerned, spec.kind
            assert {y for y in youths if spec.covers(session, y)} == concerned, spec.kind


def test_a_youth_outside_the_kind_is_refused_and_nothing_recorded(school_db, tmp_path):
    with school_db.transaction() as session:
        youth_id = save_youth(
            session, get_campaign(session, 2025), YouthForm(last_name="Petit", first_names="Léo")
        ).youth_id
    for kind, reason in (
        ("attestation-fin-parcours", "Ni sortie ni abandon"),
        ("convocation", "aucun entretien"),
    ):
        with pytest.raises(UserError, match=reason), school_db.transaction() as session:
            print_document(session, kind, youth_id, tmp_path / "x.pdf")
    with pytest.raises(UserError, match="n'existe plus"), school_db.transaction() as session:
        print_document(session, "dossier", 999_999, tmp_path / "x.pdf")
    assert _trace(school_db) == ([], []) and not (tmp_path / "x.pdf").exists()


def test_a_cancelled_batch_writes_and_records_nothing(demo_db, tmp_path):
    from sqlalchemy import func

    with demo_db.read() as session:
        day, campaign_id = session.execute(
            select(Interview.held_on, Youth.campaign_id)
            .join(Youth)
            .group_by(Interview.held_on, Youth.campaign_id)
            .order_by(func.count().desc())
            .limit(1)
        ).one()

    class Cancelled(Exception):
        pass

    def progress(done, total, message):
        if done == 1:
            raise Cancelled()

    target = tmp_path / "lot.pdf"
    with pytest.raises(Cancelled), demo_db.transaction() as session:
        print_day(session, campaign_id, day, target, progress=progress)
    assert not target.exists() and _trace(demo_db) == ([], [])
    with demo_db.transaction() as session:
        done = print_day(session, campaign_id, day, target)
    assert done.count >= 2 and done.file == target and target.exists()
    assert len(_trace(demo_db)[0]) == done.count


def test_the_record_of_a_youth_is_their_latest_interview_in_the_one_order(school_db, tmp_path):
    """Two interviews the same day: the one on the later slot is the latest, whatever the order they were
    recorded in — the fiche prints its decision, as the stage and the pathway builder read it."""
    from pae_desktop.core.services.pathways import pathway_context

    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        youth_id = save_youth(session, campaign, YouthForm(last_name="Martin", first_names="Léa")).youth_id
        late = InterviewSlot(campaign_id=campaign.id, starts_at=dt.datetime(2025, 9, 5, 16))
        early = InterviewSlot(campaign_id=campaign.id, starts_at=dt.datetime(2025, 9, 5, 9))
        session.add_all([late, early])
        session.flush()
        session.add(Interview(youth_id=youth_id, held_on=D(2025, 9, 5), slot_id=late.id, decision="ENGAGE"))
        session.flush()
        session.add(Interview(youth_id=youth_id, held_on=D(2025, 9, 5), slot_id=early.id, decision="REFUS"))
    target = tmp_path / "fiche.pdf"
    with school_db.transaction() as session:
        assert pathway_context(session, youth_id).latest_decision == Decision.ENGAGE.value
        print_document(session, "fiche-entretien", youth_id, target)
    text = text_of(target.read_bytes())
    assert Decision.ENGAGE.label in text and Decision.REFUS.label not in text


# --- the window's other print buttons ---------------------------------------------------------------------------


def test_the_window_prints_the_notice_and_a_convocation_through_the_operation(
    school_db, qtbot, monkeypatch, tmp_path
):
    from PySide6.QtWidgets import QFileDialog

    from pae_desktop.core.services import directory as d
    from pae_desktop.core.services import interviews as iv
    from pae_desktop.ui import interview_form
    from pae_desktop.ui.context import AppContext
    from pae_desktop.ui.data_protection import DataProtectionPage
    from pae_desktop.ui.slots import SlotsView

    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        youth_id = save_youth(session, campaign, YouthForm(last_name="Lefèvre", first_names="Zoé")).youth_id
        ml = d.save_partner(session, d.PartnerForm(name="Mission locale du Grand Nancy"))
        form = iv.SlotSeriesForm(
            days=[D(2025, 9, 2)],
            start=dt.time(14),
            end=dt.time(15),
            length_minutes=45,
            place="Salle 12",
            partner_id=ml.id,
        )
        slot_id = iv.create_slot_series(session, campaign, form).slot_ids[0]
        iv.book(session, slot_id, youth_id, today=D(2025, 8, 26))
        campaign_id = campaign.id
    context = AppContext(school_db, campaign_id)
    notice = tmp_path / "notice.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(notice), ""))
    page = DataProtectionPage(context)
    qtbot.addWidget(page)
    page.print_notice()
    assert "Notice d'information" in text_of(notice.read_bytes())

    opened = []
    monkeypatch.setattr(interview_form, "open_file", opened.append)
    view = SlotsView(context)
    qtbot.addWidget(view)
    view.show_week(D(2025, 9, 2))
    view._select_slot(slot_id)
    view.print_convocation()
    assert len(opened) == 1 and "Zoé LEFÈVRE" in text_of(Path(opened[0]).read_bytes())
    documents, events = _trace(school_db)
    assert [d[:2] for d in documents] == [("notice-rgpd", None), ("convocation", youth_id)]
    assert [e[:5] for e in events] == [
        ("print", "document", None, False, "notice-rgpd"),
        ("print", "youth", youth_id, True, "convocation"),
    ]
