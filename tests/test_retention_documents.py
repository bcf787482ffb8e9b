"""The information notice (RGPD) from the settings, and the whole file of one youth (right of access)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pae_desktop.core import settings
from pae_desktop.core.models import AuditEvent, GeneratedDocument, Interview, Pathway, School, Youth
from pae_desktop.core.operations.printing import document_options, print_document
from pdf_text import pdf_text

TODAY = dt.date(2026, 11, 26)


def flat(text: str) -> str:
    return " ".join(text.split())


def test_the_notice_states_the_settings(school_db, tmp_path):
    with school_db.transaction() as session:
        settings.put(session, settings.DPO_CONTACT, "dpo@ac-nancy-metz.fr")
        settings.put(session, settings.RETENTION_PATHWAY_MONTHS, 8)
        settings.put(session, settings.AUDIT_RETENTION_DAYS, 400)
        school = session.scalars(select(School)).one()
        school.head_name = "Mme Claire Durand"
        school.head_title = "Proviseure"
    target = tmp_path / "notice.pdf"
    with school_db.transaction() as session:
        print_document(session, "notice-rgpd", None, target, document_options(session, printed_on=TODAY))
    text = flat(pdf_text(target))
    for expected in (
        "Notice d'information sur le traitement des données personnelles",
        "Lycée professionnel Test",
        "Proviseure Mme Claire Durand",
        "dpo@ac-nancy-metz.fr",
        "mission d'intérêt public",
        "article 6.1.e",
        "Mission locale",
        "31 août de l'année suivant la rentrée",
        "31 décembre de l'année de la campagne",
        "400 jours",
        "rectifier",
        "CNIL",
    ):
        assert expected in text, expected
    with school_db.read() as session:
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).one()
        assert (event.detail, event.nominative, event.entity_id) == ("notice-rgpd", False, None)


def test_the_notice_follows_other_periods(school_db, tmp_path):
    with school_db.transaction() as session:
        settings.put(session, settings.RETENTION_NO_PATHWAY, False)
        settings.put(session, settings.RETENTION_PATHWAY_MONTHS, 0)
        target = tmp_path / "n.pdf"
        print_document(session, "notice-rgpd", None, target, document_options(session, printed_on=TODAY))
    text = flat(pdf_text(target))
    assert "31 décembre de l'année de la rentrée" in text
    assert "ne sont pas entrés dans le parcours" not in text


def test_the_dossier_holds_everything_on_the_youth(demo_db, tmp_path):
    with demo_db.transaction() as session:
        youth_id = session.scalars(
            select(Pathway.youth_id)
            .join(Interview, Interview.youth_id == Pathway.youth_id)
            .order_by(Pathway.id)
        ).first()
        youth = session.get(Youth, youth_id)
        youth.notes = "Préfère être appelé le soir"
        interview = session.scalars(select(Interview).where(Interview.youth_id == youth_id)).first()
        interview.situation = "Cherche un apprentissage en cuisine"
        facts = {
            "name": youth.last_name.upper(),
            "ine": youth.ine,
            "representative": youth.representatives[0].last_name.upper() if youth.representatives else "",
            "mef": youth.pathway.mef_code,
            "modules": len(youth.pathway.modules),
        }
    target = tmp_path / "dossier.pdf"
    with demo_db.transaction() as session:
        print_document(session, "dossier", youth_id, target, document_options(session, printed_on=TODAY))
    text = flat(pdf_text(target))
    for section in (
        "Dossier complet du jeune",
        "Identité",
        "Scolarité d'origine",
        "Représentants légaux",
        "Tentatives de contact",
        "Entretiens",
        "Parcours",
        "Suivi",
        "Sortie",
        "Documents imprimés",
        "Journal des accès",
    ):
        assert section in text, section
    assert facts["name"] in text.upper()
    assert facts["ine"] and facts["ine"] in text
    assert facts["mef"] in text
    assert "Préfère être appelé le soir" in text
    assert "Cherche un apprentissage en cuisine" in text
    if facts["representative"]:
        assert facts["representative"] in text.upper()
    with demo_db.read() as session:
        printed = session.scalars(
            select(GeneratedDocument).where(GeneratedDocument.youth_id == youth_id)
        ).all()
        assert [d.kind for d in printed] == ["dossier"]
        event = session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).one()
        assert (event.entity_id, event.nominative) == (youth_id, True)
    # a second print lists the first one in its history
    with demo_db.transaction() as session:
        second = tmp_path / "second.pdf"
        print_document(session, "dossier", youth_id, second, document_options(session, printed_on=TODAY))
    assert "Dossier complet du jeune" in flat(pdf_text(second)).split("Documents imprimés", 1)[1]


def test_the_dossier_of_an_unknown_youth_is_refused(demo_db, tmp_path):

    from pae_desktop.core.errors import UserError

    with demo_db.read() as session, pytest.raises(UserError, match="n'existe plus"):
        print_document(session, "dossier", 999_999, tmp_path / "x.pdf")


def test_the_document_command_prints_the_dossier_and_the_notice(data_dir, tmp_path, capsys):
    import sqlite3

    from pae_desktop.cli import main

    assert main(["demo", "--students", "12", "--campaign", "2025", "--data-dir", str(data_dir)]) == 0
    connection = sqlite3.connect(data_dir / "pae-desktop.db")
    ine, last_name = connection.execute(
        "SELECT ine, last_name FROM youth WHERE ine != '' ORDER BY id"
    ).fetchone()
    connection.close()

    target = tmp_path / "dossier.pdf"
    assert main(["document", "dossier", "--ine", ine, "-o", str(target), "--data-dir", str(data_dir)]) == 0
    assert last_name.upper() in pdf_text(target).upper() and ine in pdf_text(target)

    folder = tmp_path / "tous"
    assert main(["document", "dossier", "--all", "-o", str(folder), "--data-dir", str(data_dir)]) == 0
    assert len(list(folder.glob("dossier_*.pdf"))) == 12

    notice = tmp_path / "notice.pdf"
    assert main(["document", "notice-rgpd", "-o", str(notice), "--data-dir", str(data_dir)]) == 0
    assert "Notice d'information" in pdf_text(notice)
    capsys.readouterr()
    with pytest.raises(SystemExit) as usage:
        main(["document", "notice-rgpd", "--all", "-o", str(notice), "--data-dir", str(data_dir)])
    assert usage.value.code == 2
