"""The scheme belongs to the campaign (issue 15, domain.md §1): a 2025 and a 2026 campaign in one database print
their own scheme's name and MEF codes on every document, and editing one campaign's scheme leaves the other's
documents as they were."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from pae_desktop.commands.document import REGISTRY
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    AuditEvent,
    GeneratedDocument,
    Interview,
    InterviewSlot,
    SlotBooking,
)
from pae_desktop.core.operations.office_list import export_office_list
from pae_desktop.core.operations.printing import document_options, print_batch, print_document
from pae_desktop.core.scheme import default_scheme, scheme_of, with_values
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.campaigns import (
    ensure_campaign,
    get_campaign,
    known_mef_codes,
    printed_documents,
    scheme_codes_in_use,
    update_campaign_scheme,
)
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import Decision, ModuleType

D = dt.date
YOUTH_KINDS = [kind for kind, spec in REGISTRY.items() if spec.per_youth]
PAE_CODES = {"CAP": "7034150211", "BAC_PRO": "7044150111"}
APRO_CODES = {"CAP": "7034150311", "BAC_PRO": "7044150211"}
# What each kind prints of the pathway: its MEF code (the end-of-pathway certificate names the scheme only).
PRINTS_THE_CODE = {"plan-parcours", "attestation-inscription", "inscription-administrative", "dossier"}


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _youth_with_everything(session, year: int, diploma: str, name: str) -> int:
    """A youth of campaign `year` with a booked slot, an interview, a pathway under the campaign's MEF and an exit."""
    campaign = get_campaign(session, year)
    youth_id = save_youth(
        session,
        campaign,
        YouthForm(last_name=name, first_names="Camille", sex="F", diploma=diploma, birth_date=D(2006, 5, 2)),
        today=D(year, 8, 20),
    ).youth_id
    slot = InterviewSlot(campaign_id=campaign.id, starts_at=dt.datetime(year, 9, 3, 10), place="Salle 12")
    session.add(slot)
    session.flush()
    session.add(SlotBooking(slot_id=slot.id, youth_id=youth_id))
    session.add(Interview(youth_id=youth_id, held_on=D(year, 9, 3), decision=Decision.ENGAGE.value))
    session.flush()
    context = svc.pathway_context(session, youth_id)
    form = svc.PathwayForm(
        mef_code=context.expected_mef,
        start_date=D(year, 9, 8),
        planned_end=D(year, 12, 31),
        modules=[svc.ModuleForm(ModuleType.IMMERSION_CLASSE.value, D(year, 9, 8), D(year, 9, 19))],
    )
    svc.save_pathway(session, youth_id, form)
    svc.record_exit(session, youth_id, svc.ExitForm(D(year, 11, 30), "EMPLOI", "CDD_MOINS_6M"))
    return youth_id


@pytest.fixture
def two_campaigns(school_db):
    """Campaigns 2025 and 2026, each with a CAP and a bac pro youth who have everything a document prints."""
    db = school_db
    youths: dict[int, dict[str, int]] = {}
    with db.transaction() as session:
        ensure_campaign(session, 2026)
        for year in (2025, 2026):
            youths[year] = {
                diploma: _youth_with_everything(session, year, diploma, f"{diploma.replace('_', '')}{year}")
                for diploma in ("CAP", "BAC_PRO")
            }
    return db, youths


def _print_all(db, youths, tmp_path, *, record: bool = False, options_of=None) -> dict[tuple, str]:
    """{(year, diploma, kind): text} of every kind for every youth, through the print operation of the `document`
    command; without `record`, each print's session is rolled back (nothing recorded)."""
    texts = {}
    for year, by_diploma in youths.items():
        for diploma, youth_id in by_diploma.items():
            for kind in YOUTH_KINDS:
                with db.transaction() if record else db.read() as session:
                    campaign = get_campaign(session, options_of or year)
                    options = document_options(session, campaign, printed_on=D(2027, 1, 15))
                    target = tmp_path / f"{kind}-{year}-{diploma}.pdf"
                    print_document(session, kind, youth_id, target, options)
                texts[year, diploma, kind] = text_of(target.read_bytes())
    return texts


def test_every_document_prints_its_own_campaign_scheme(two_campaigns, tmp_path):
    db, youths = two_campaigns
    texts = _print_all(db, youths, tmp_path, record=True)
    own = {2025: ("Parcours Ambition Emploi", PAE_CODES), 2026: ("AvenirPro+", APRO_CODES)}
    for (year, diploma, kind), text in texts.items():
        name, codes = own[year]
        other_name, other_codes = own[2026 if year == 2025 else 2025]
        assert name in text, (year, kind)
        assert ("AvenirPro" if year == 2025 else other_name) not in text, (year, kind)
        for code in other_codes.values():
            assert code not in text, (year, kind, code)
        if kind in PRINTS_THE_CODE:
            assert codes[diploma] in text, (year, diploma, kind)
    enrolment = texts[2026, "CAP", "inscription-administrative"]
    assert "Code MEF 7034150311" in enrolment and "APRO PLUS 3" in enrolment
    assert "AVENIR PRO PLUS NIVEAU 3" in enrolment and "Dispositif AvenirPro+" in enrolment
    old_enrolment = texts[2025, "BAC_PRO", "inscription-administrative"]
    assert (
        "Code MEF 7044150111" in old_enrolment and "PAE N4 PARCOURS AMBITION EMPLOI NIVEAU 4" in old_enrolment
    )
    assert "Attestation d'inscription en AvenirPro+" in texts[2026, "CAP", "attestation-inscription"]
    assert "dispositif « Parcours Ambition Emploi »" in texts[2025, "CAP", "convocation"]
    with db.read() as session:
        assert printed_documents(session, get_campaign(session, 2025)) == 2 * len(YOUTH_KINDS)


def test_a_youth_document_takes_the_youth_campaign_whatever_the_options(two_campaigns, tmp_path):
    db, youths = two_campaigns
    as_2026 = _print_all(db, {2025: youths[2025]}, tmp_path, options_of=2026)
    for (_year, diploma, kind), text in as_2026.items():
        assert "Parcours Ambition Emploi" in text and "AvenirPro" not in text, kind
        assert APRO_CODES[diploma] not in text, kind


def test_changing_2026_leaves_the_2025_documents_identical(two_campaigns, tmp_path):
    db, youths = two_campaigns
    before = _print_all(db, youths, tmp_path)
    changed = with_values(
        default_scheme(2026), name="AvenirPro+ Lorraine", n3_code="7034150399", n3_short="APRO 3 L"
    )
    with db.transaction() as session:
        update_campaign_scheme(session, 2026, changed)
    after = _print_all(db, youths, tmp_path)
    assert {k: v for k, v in after.items() if k[0] == 2025} == {
        k: v for k, v in before.items() if k[0] == 2025
    }
    assert "AvenirPro+ Lorraine" in after[2026, "CAP", "attestation-fin-parcours"]
    # the pathway keeps the code it was saved with; the campaign's new code is what a new pathway gets
    assert "7034150311" in after[2026, "CAP", "plan-parcours"]
    with db.read() as session:
        context = svc.pathway_context(session, youths[2026]["CAP"])
        assert context.expected_mef == "7034150399"
        assert svc.mef_choices(context.scheme)[0] == ("7034150399", "APRO 3 L — 7034150399")


def test_office_list_and_notice_follow_their_campaign(two_campaigns, tmp_path):
    from openpyxl import load_workbook

    db, _youths = two_campaigns
    with db.transaction() as session:
        for year in (2025, 2026):
            campaign = get_campaign(session, year)
            export_office_list(session, campaign.id, tmp_path / f"siecle-{year}.xlsx")
            export_office_list(
                session, campaign.id, tmp_path / f"siecle-{year}.pdf", printed_on=D(2026, 12, 4)
            )
    for year, name, codes, short in (
        (2025, "Parcours Ambition Emploi", PAE_CODES, "PAE N3"),
        (2026, "AvenirPro+", APRO_CODES, "APRO PLUS 3"),
    ):
        sheet = load_workbook(tmp_path / f"siecle-{year}.xlsx").active
        rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=2)]
        assert sorted(row[4] for row in rows) == sorted(codes.values())
        assert f"{short} — {name}" in [row[5] for row in rows]
        text = text_of((tmp_path / f"siecle-{year}.pdf").read_bytes())
        assert name in text and all(code in text for code in codes.values())


def test_notice_command_uses_the_latest_campaign_or_the_one_asked(two_campaigns, tmp_path):
    from pae_desktop.cli import main

    db, _youths = two_campaigns
    db.close()  # the command takes the writer lock
    where = ["--data-dir", str(db.data_dir)] + ([] if db.is_sqlite else ["--database-url", db.url])
    assert main([*where, "document", "notice-rgpd", "-o", str(tmp_path / "notice.pdf")]) == 0
    latest = text_of((tmp_path / "notice.pdf").read_bytes())
    assert "dispositif « AvenirPro+ »" in latest and "phase 1 « AvenirPro »" in latest
    assert (
        main([*where, "document", "notice-rgpd", "--campaign", "2025", "-o", str(tmp_path / "n25.pdf")]) == 0
    )
    old = text_of((tmp_path / "n25.pdf").read_bytes())
    assert "Parcours Ambition Emploi" in old and "AvenirPro" not in old


# --- the settings operation -------------------------------------------------------------------------------------


def test_update_refuses_an_unusable_scheme_and_writes_nothing(school_db):
    with school_db.transaction() as session:
        ensure_campaign(session, 2026)
    for bad, reason in (
        (with_values(default_scheme(2026), name="  "), "nom du dispositif est obligatoire"),
        (with_values(default_scheme(2026), n4_code=""), "niveau 4 est obligatoire"),
        (with_values(default_scheme(2026), n4_code="7034150311"), "doivent être différents"),
        (
            with_values(default_scheme(2026), n3_code="70341503110"),
            "« 70341503110 » compte 10 caractères au plus",
        ),
        (with_values(default_scheme(2026), n3_label="X" * 201), "libellé long du MEF de niveau 3"),
    ):
        with pytest.raises(UserError, match=reason), school_db.transaction() as session:
            update_campaign_scheme(session, 2026, bad)
        with school_db.read() as session:
            assert scheme_of(get_campaign(session, 2026)) == default_scheme(2026)
            assert session.scalars(select(AuditEvent).where(AuditEvent.entity == "campaign")).all() == []
    with pytest.raises(UserError, match="Aucune campagne 2031"), school_db.transaction() as session:
        update_campaign_scheme(session, 2031, default_scheme(2026))


def test_update_warns_naming_the_code_and_audits_each_change(school_db):
    unknown = with_values(default_scheme(2026), n3_code="7034159999", n4_code="70442")
    with school_db.transaction() as session:
        ensure_campaign(session, 2026)
        warnings = update_campaign_scheme(session, 2026, unknown).warnings
    assert len(warnings) == 2
    assert "« 7034159999 »" in warnings[0] and "aucune table nationale" in warnings[0]
    assert "« 70442 »" in warnings[1] and "10 chiffres" in warnings[1]
    with school_db.read() as session:
        campaign = get_campaign(session, 2026)
        assert scheme_of(campaign).codes == ("7034159999", "70442")  # saved as typed, never silently changed
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "campaign")).all()
        assert {(e.field, e.old_value, e.new_value) for e in events} == {
            ("mef_n3", "7034150311", "7034159999"),
            ("mef_n4", "7044150211", "70442"),
        }
        assert all(e.entity_id == campaign.id and e.action == "update" for e in events)
        assert "7034159999" in scheme_codes_in_use(session)  # a student under it is «already in the scheme»
    with school_db.transaction() as session:
        assert update_campaign_scheme(session, 2026, default_scheme(2026)).warnings == ()
        assert update_campaign_scheme(session, 2025, default_scheme(2025)).warnings == ()  # nothing changed, no audit
        assert len(session.scalars(select(AuditEvent).where(AuditEvent.entity == "campaign")).all()) == 4


def test_known_codes_are_the_national_tables_and_every_scheme_code():
    known = known_mef_codes()
    assert {"7034150211", "7044150111", "7034150311", "7044150211"} <= known
    assert "7034159999" not in known


# --- the settings page ------------------------------------------------------------------------------------------


@pytest.fixture
def settings_on_2026(qtbot, school_db):
    """The settings dialog of a window showing campaign 2026, a 2025 campaign beside it with one print."""
    from pae_desktop.ui.context import AppContext
    from pae_desktop.ui.settings_dialog import SettingsDialog

    with school_db.transaction() as session:
        campaign = ensure_campaign(session, 2026)
        printed = save_youth(
            session, get_campaign(session, 2025), YouthForm(last_name="Imprimé", first_names="A")
        )
        session.add(GeneratedDocument(youth_id=printed.youth_id, kind="dossier"))
        campaign_id = campaign.id
    dialog = SettingsDialog(AppContext(school_db, campaign_id))
    qtbot.addWidget(dialog)
    return dialog


def test_settings_page_shows_each_campaign_and_saves_only_the_changed_one(settings_on_2026, school_db):
    page = settings_on_2026.scheme_page
    assert page.shown_year() == 2026
    assert (page.name.text(), page.phase1_name.text()) == ("AvenirPro+", "AvenirPro")
    assert page.mef["3", "code"].text() == "7034150311" and page.mef["4", "short"].text() == "APRO PLUS 4"
    page.select_year(2025)
    assert page.name.text() == "Parcours Ambition Emploi" and page.phase1_name.text() == ""
    assert page.mef["4", "label"].text() == "PAE N4 PARCOURS AMBITION EMPLOI NIVEAU 4"
    assert "1 document déjà imprimé" in page.printed_note.text()
    page.select_year(2026)
    page.name.setText("AvenirPro+ Grand Est")
    page.select_year(2025)  # what was typed for 2026 is kept while 2025 is shown
    page.select_year(2026)
    assert page.name.text() == "AvenirPro+ Grand Est"
    settings_on_2026.save()
    assert settings_on_2026.result() == settings_on_2026.DialogCode.Accepted
    with school_db.read() as session:
        assert scheme_of(get_campaign(session, 2026)).name == "AvenirPro+ Grand Est"
        assert scheme_of(get_campaign(session, 2025)) == default_scheme(2025)


def test_settings_page_asks_before_changing_a_campaign_with_printed_documents(
    settings_on_2026, school_db, monkeypatch
):
    from PySide6.QtWidgets import QMessageBox

    asked = []

    def refuse(_parent, _title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", refuse)
    page = settings_on_2026.scheme_page
    page.select_year(2025)
    page.mef["3", "code"].setText("7034150299")
    page.mef["3", "code"].textEdited.emit("7034150299")
    assert "« 7034150299 »" in page.message.text()  # the warning shows as the code is typed
    settings_on_2026.save()
    assert len(asked) == 1 and "gardent leurs anciennes valeurs" in asked[0] and "« 7034150299 »" in asked[0]
    assert settings_on_2026.result() != settings_on_2026.DialogCode.Accepted
    with school_db.read() as session:
        assert scheme_of(get_campaign(session, 2025)) == default_scheme(2025)


def test_settings_page_refuses_an_empty_name_and_restores_the_defaults(settings_on_2026, school_db):
    page = settings_on_2026.scheme_page
    page.name.setText("")
    page.name.textEdited.emit("")
    assert "obligatoire" in page.message.text()
    settings_on_2026.save()
    assert "Dispositif de la campagne 2026" in settings_on_2026.message.text()
    assert settings_on_2026.result() != settings_on_2026.DialogCode.Accepted
    page.mef["3", "short"].setText("autre")
    page.defaults_button.click()
    assert page.scheme() == default_scheme(2026) and page.changes() == {}
    with school_db.read() as session:
        assert scheme_of(get_campaign(session, 2026)) == default_scheme(2026)


def test_a_batch_of_records_gives_each_page_the_scheme_of_its_youth(two_campaigns, tmp_path):
    db, youths = two_campaigns
    with db.read() as session:  # rolled back: nothing recorded
        items = [
            (youths[year]["CAP"], session.scalar(select(Interview.id).where(Interview.youth_id == youths[year]["CAP"])))
            for year in (2025, 2026)
        ]
        print_document(session, "fiche-entretien", *items[0][:1], tmp_path / "alone.pdf", source_id=items[0][1])
        alone = len(PdfReader(tmp_path / "alone.pdf").pages)
        print_batch(session, "fiche-entretien", items, tmp_path / "batch.pdf", document_options(session))
        batch = (tmp_path / "batch.pdf").read_bytes()
    footers = []
    for page in PdfReader(io.BytesIO(batch)).pages:
        text = " ".join((page.extract_text() or "").split())
        footers.append([name for name in ("Parcours Ambition Emploi", "AvenirPro+") if name in text])
    assert footers[:alone] == [["Parcours Ambition Emploi"]] * alone
    assert footers[alone:] == [["AvenirPro+"]] * (len(footers) - alone) and len(footers) > alone
