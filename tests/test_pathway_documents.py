"""The pathway's PDFs and the SIECLE office list, read back: MEF code, French dates, module names, scheme name."""

from __future__ import annotations

import datetime as dt
import io
import tempfile
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    AuditEvent,
    GeneratedDocument,
    Interview,
    LegalRepresentative,
    Partner,
    Youth,
)
from pae_desktop.core.operations.office_list import export_office_list
from pae_desktop.core.operations.printing import document_options, print_document
from pae_desktop.core.scheme import scheme_of, store_scheme, with_values
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.school import SchoolForm, save_school
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import Decision, ModuleType, PartnerType
from pae_desktop.documents import (
    attestation_fin_parcours,
    attestation_inscription,
    inscription_administrative,
    plan_parcours,
)

D = dt.date
PRINTED = D(2025, 9, 20)


def pdf_of(session, kind: str, youth_id: int, printed_on: dt.date | None = None) -> bytes:
    """The kind's PDF for the youth, through the print operation (which records the print)."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "document.pdf"
        print_document(session, kind, youth_id, target, document_options(session, printed_on=printed_on))
        return target.read_bytes()


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.fixture
def printed(school_db):
    """A minor CAP youth with a three-module pathway (PFMP at «Boulangerie <Martin> & fils»), head of school set."""
    db = school_db
    with db.transaction() as session:
        save_school(
            session,
            SchoolForm(
                name="Lycée professionnel Test",
                uai="0759999L",
                city="Nancy",
                head_name="Mme Claire Martin",
                head_title="Proviseure",
            ),
        )
        campaign = get_campaign(session, 2025)
        youth_id = save_youth(
            session,
            campaign,
            YouthForm(
                last_name="Nguyễn",
                first_names="Léa Éloïse",
                sex="F",
                diploma="CAP",
                birth_date=D(2008, 3, 4),
                ine="123456789JA",
                boursier=True,
            ),
            today=D(2025, 8, 20),
        ).youth_id
        session.add(
            LegalRepresentative(youth_id=youth_id, rank=1, last_name="NGUYỄN", first_name="Thi", link="10")
        )
        session.add(Interview(youth_id=youth_id, held_on=D(2025, 9, 5), decision=Decision.ENGAGE.value))
        company = Partner(name="Boulangerie <Martin> & fils", type=PartnerType.ENTREPRISE.value)
        ml = Partner(name="Mission locale du Grand Nancy", type=PartnerType.MISSION_LOCALE.value)
        session.add_all([company, ml])
        session.flush()
        form = svc.PathwayForm(
            mef_code="7034150211",
            start_date=D(2025, 9, 8),
            planned_end=D(2025, 12, 31),
            mission_locale_id=ml.id,
            modules=[
                svc.ModuleForm(
                    ModuleType.ACCOMPAGNEMENT_ML.value,
                    D(2025, 9, 8),
                    D(2025, 12, 31),
                    carrier_partner_id=ml.id,
                ),
                svc.ModuleForm(
                    ModuleType.PFMP.value,
                    D(2025, 9, 22),
                    D(2025, 11, 14),
                    label="Stage en boulangerie",
                    carrier_partner_id=company.id,
                    convention_ref="CONV-2025-17",
                    weekly_hours=35,
                ),
                svc.ModuleForm(
                    ModuleType.IMMERSION_CLASSE.value, D(2025, 9, 8), D(2025, 9, 19), place="Salle 104"
                ),
            ],
        )
        svc.save_pathway(session, youth_id, form)
    return db, youth_id


def test_plan_de_parcours(printed):
    db, youth_id = printed
    with db.transaction() as session:
        pdf = pdf_of(session, "plan-parcours", youth_id, PRINTED)
    text = text_of(pdf)
    assert "Plan de parcours et d'engagement" in text
    assert "7034150211" in text and "PAE N3" in text
    assert "8 septembre 2025" in text and "31 décembre 2025" in text and "22 septembre 2025" in text
    for name in (
        "Stage en boulangerie",
        "Immersion en classe",
        "Accompagnement Mission locale",
        "CONV-2025-17",
    ):
        assert name in text
    assert "Boulangerie <Martin> & fils" in text  # printed literally
    assert "NGUYỄN" in text and "Léa Éloïse" in text
    assert "Représentants légaux" in text and "La représentante légale" in text  # a minor: his mother signs
    assert "Parcours partenarial Oui" in text and "Jours de PFMP prévus 40" in text
    with db.read() as session:
        assert session.scalars(select(GeneratedDocument.kind)).all() == ["plan-parcours"]
        assert session.scalars(select(AuditEvent.action).where(AuditEvent.action == "print")).all() == [
            "print"
        ]


def test_attestation_inscription_uses_the_scheme_name_and_the_head_of_school(printed):
    db, youth_id = printed
    with db.transaction() as session:
        campaign = get_campaign(session, 2025)
        store_scheme(campaign, with_values(scheme_of(campaign), name="PAE du lycée", n3_code="7034150299"))
    with db.transaction() as session:
        pdf = pdf_of(session, "attestation-inscription", youth_id, PRINTED)
    text = text_of(pdf)
    assert "Attestation d'inscription en PAE du lycée" in text
    assert "Parcours Ambition Emploi" not in text
    assert "Mme Claire Martin" in text and "Proviseure" in text
    assert "née le 4 mars 2008" in text and "inscrite sous statut scolaire" in text
    assert "7034150211" in text  # the pathway's recorded MEF code, not today's setting
    assert "du 8 septembre 2025 au 31 décembre 2025" in text
    assert "Fait à Nancy, le 20 septembre 2025" in text


def test_attestation_fin_parcours_after_abandonment_and_exit(printed):
    db, youth_id = printed
    with db.transaction() as session:
        svc.record_abandonment(session, youth_id, D(2025, 11, 3), "Raisons personnelles")
        svc.record_exit(session, youth_id, svc.ExitForm(D(2025, 11, 3), "EMPLOI", "CDD_MOINS_6M"))
    with db.transaction() as session:
        pdf = pdf_of(session, "attestation-fin-parcours", youth_id, D(2025, 11, 10))
    text = text_of(pdf)
    assert "Attestation de fin de parcours" in text
    assert "du 8 septembre 2025 au 3 novembre 2025" in text
    assert "Stage en boulangerie" in text and "Boulangerie <Martin> & fils" in text
    assert "Emploi — CDD de moins de 6 mois" in text
    assert "Parcours interrompu le 3 novembre 2025" in text
    assert "Raisons personnelles" not in text  # the reason stays in the file, not on the certificate


def test_inscription_administrative(printed):
    db, youth_id = printed
    with db.transaction() as session:
        pdf = pdf_of(session, "inscription-administrative", youth_id, PRINTED)
    text = text_of(pdf)
    assert "Fiche d'inscription administrative" in text
    assert "Code MEF 7034150211" in text and "PAE N3" in text
    assert "123456789JA" in text and "4 mars 2008" in text and "Date d'entrée 8 septembre 2025" in text
    assert "Boursière Oui" in text  # Léa


def test_no_pathway_no_document(school_db):
    with school_db.transaction() as session:
        youth_id = save_youth(
            session, get_campaign(session, 2025), YouthForm(last_name="Sans", first_names="Parcours")
        ).youth_id
    with pytest.raises(UserError, match="pas de parcours"), school_db.transaction() as session:
        pdf_of(session, "plan-parcours", youth_id)


def test_office_list_xlsx_and_pdf(printed, tmp_path):
    from openpyxl import load_workbook

    db, youth_id = printed
    with db.transaction() as session:
        campaign_id = session.get(Youth, youth_id).campaign_id
        assert export_office_list(session, campaign_id, tmp_path / "siecle.xlsx").count == 1
        assert export_office_list(session, campaign_id, tmp_path / "siecle.pdf", printed_on=PRINTED).count == 1
    sheet = load_workbook(tmp_path / "siecle.xlsx").active
    header = [c.value for c in sheet[1]]
    values = dict(zip(header, [c.value for c in sheet[2]], strict=True))
    assert values["INE"] == "123456789JA" and values["Code MEF"] == "7034150211"
    assert values["Libellé MEF"].startswith("PAE N3")
    assert values["Date d'entrée"].date() == D(2025, 9, 8)
    assert values["Date de naissance"].date() == D(2008, 3, 4)
    assert values["Boursier"] == "Oui" and values["Saisie SIECLE faite le"] is None
    text = text_of((tmp_path / "siecle.pdf").read_bytes())
    assert "À saisir dans SIECLE" in text and "7034150211" in text and "08/09/2025" in text
    with db.transaction() as session:
        svc.set_siecle_entered(session, svc.get_pathway(session, youth_id).id, today=D(2025, 9, 12))
        assert export_office_list(session, campaign_id, tmp_path / "vide.xlsx").count == 0
        with pytest.raises(UserError):
            export_office_list(session, campaign_id, tmp_path / "liste.csv")
        exports = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
        assert len(exports) == 3 and all(e.nominative for e in exports)


def test_who_the_documents_concern_and_the_command_entry_point(printed, tmp_path):
    db, youth_id = printed
    with db.transaction() as session:
        campaign = get_campaign(session, 2025)
        other = save_youth(session, campaign, YouthForm(last_name="Abel", first_names="Tom")).youth_id
        assert svc.youths_with_pathway(session, campaign) == [youth_id]
        assert svc.youths_with_ended_pathway(session, campaign) == []
        svc.record_abandonment(session, youth_id, D(2025, 10, 1), "Ne vient plus")
        assert svc.youths_with_ended_pathway(session, campaign) == [youth_id]
        assert other not in svc.youths_with_pathway(session, campaign)
        options = document_options(session, printed_on=PRINTED)
        for module in (
            plan_parcours,
            attestation_inscription,
            attestation_fin_parcours,
            inscription_administrative,
        ):
            target = tmp_path / f"{module.KIND.value}.pdf"
            print_document(session, module.KIND.value, youth_id, target, options)
            assert "7034150211" in text_of(target.read_bytes()) or module is attestation_fin_parcours
        kinds = session.scalars(select(GeneratedDocument.kind)).all()
    assert sorted(kinds) == sorted(
        ["plan-parcours", "attestation-inscription", "attestation-fin-parcours", "inscription-administrative"]
    )


def test_document_command_prints_the_pathway_kinds(printed, tmp_path, capsys):
    from pae_desktop.cli import main

    db, youth_id = printed
    with db.transaction() as session:
        other = save_youth(
            session,
            get_campaign(session, 2025),
            YouthForm(last_name="Abel", first_names="Tom", ine="987654321AB"),
        )
    db.close()  # the command takes the writer lock
    where = ["--data-dir", str(db.data_dir)] + ([] if db.is_sqlite else ["--database-url", db.url])
    target = tmp_path / "plan.pdf"

    def document(*args: str) -> int:
        return main([*where, "document", *args])

    assert document("plan-parcours", "--ine", "123456789JA", "-o", str(target)) == 0
    assert "Stage en boulangerie" in text_of(target.read_bytes())
    assert document("inscription-administrative", "--all", "-o", str(tmp_path / "lot")) == 0
    assert len(list((tmp_path / "lot").glob("inscription-administrative_*.pdf"))) == 1
    assert document("attestation-inscription", "--ine", "987654321AB", "-o", str(target)) == 1
    assert "pas de parcours" in capsys.readouterr().err
    assert document("attestation-fin-parcours", "--all", "-o", str(tmp_path / "fin")) == 0
    assert "Aucun jeune concerné" in capsys.readouterr().err
    assert other.youth_id


def test_long_fields_wrap_instead_of_being_cut(printed):
    db, youth_id = printed
    long_label = " ".join(["Préparation"] + [f"mot{i}" for i in range(30)])
    with db.transaction() as session:
        form = svc.pathway_form(svc.get_pathway(session, youth_id))
        form.modules[0].label = long_label
        form.modules[0].place = "Au fond de la cour, bâtiment B, " * 6
        svc.save_pathway(session, youth_id, form)
    with db.transaction() as session:
        pdf = pdf_of(session, "plan-parcours", youth_id, PRINTED)
    words = text_of(pdf).split()
    assert all(f"mot{i}" in words for i in range(30))
    assert words.count("bâtiment") >= 6
