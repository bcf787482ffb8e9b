"""The data protection officer's pack: the register entry, the pre-filled AIPD and the corrected notice, from the
command line and the settings page; the measures they state follow the settings and the storage."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from pae_desktop import cli
from pae_desktop.core import settings
from pae_desktop.core.lock_code import hash_pin
from pae_desktop.core.models import AuditEvent
from pae_desktop.core.operations.printing import print_document
from pae_desktop.core.records import StorageFacts
from pae_desktop.documents.options import recipients
from pdf_text import pdf_text

PACK = ("registre", "aipd", "notice-rgpd")


def flat(text: str) -> str:
    return " ".join(text.split())


def pages(path) -> list[str]:
    from pypdf import PdfReader

    return [flat(page.extract_text() or "") for page in PdfReader(str(path)).pages]


def _print(db, kind: str, target, storage: StorageFacts | None = None) -> str:
    with db.transaction() as session:
        print_document(session, kind, None, target, storage=storage)
    return flat(pdf_text(target))


@pytest.mark.parametrize("kind", PACK)
def test_each_document_prints_from_the_command_line_and_is_audited(school_db, tmp_path, capsys, kind):
    target = tmp_path / f"{kind}.pdf"
    school_db.close()  # the command takes the lock itself
    code = cli.main(["--data-dir", str(school_db.data_dir), "document", kind, "-o", str(target)])
    assert code == 0 and target.exists()
    assert capsys.readouterr().err.strip() == f"Document écrit : {target}"
    from pae_desktop.storage.database import open_database

    db = open_database(school_db.data_dir)
    try:
        with db.read() as session:
            event = session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).one()
    finally:
        db.close()
    assert (event.detail, event.nominative) == (kind, False)
    with pytest.raises(SystemExit) as usage:  # a school-level document concerns no youth
        cli.main(["--data-dir", str(school_db.data_dir), "document", kind, "--all", "-o", str(tmp_path)])
    assert usage.value.code == 2 and "ne concerne aucun jeune" in capsys.readouterr().err


def test_the_register_entry_holds_its_sections(school_db, tmp_path):
    with school_db.transaction() as session:
        settings.put(session, settings.DPO_CONTACT, "dpo@ac-nancy-metz.fr")
        settings.put(session, settings.AUDIT_RETENTION_DAYS, 400)
    text = _print(school_db, "registre", tmp_path / "r.pdf")
    for expected in (
        "Fiche du registre des activités de traitement",
        "Article 30",
        "Responsable du traitement",
        "Lycée professionnel Test",
        "Délégué à la protection des données de l'académie : dpo@ac-nancy-metz.fr",
        "Finalités",
        "article 6-1-e",
        "Arrêté du 18 juillet 2023",
        "Catégories de personnes concernées",
        "Représentants légaux",
        "Catégories de données",
        "aucun détail de santé",
        "Destinataires",
        "PSAD",
        "pseudonymisées uniquement",
        "Transferts hors de l'Union européenne Aucun.",
        "Durées de conservation",
        "400 jours",
        "Mesures de sécurité en place",
    ):
        assert expected in text, expected


def test_the_aipd_holds_its_sections_and_leaves_the_decisions_blank(school_db, tmp_path):
    text = _print(school_db, "aipd", tmp_path / "a.pdf")
    for expected in (
        "Analyse d'impact relative à la protection des données",
        "2018-326",
        "Personnes vulnérables",
        "Description du traitement",
        "Nécessité et proportionnalité",
        "Accès illégitime aux données",
        "Modification non désirée",
        "Disparition des données",
        "Ce que l'établissement doit décider",
        "Avis du délégué à la protection des données",
        "négligeable",
    ):
        assert expected in text, expected


def test_the_measures_follow_encryption_the_lock_and_the_server(school_db, tmp_path):
    plain = _print(school_db, "registre", tmp_path / "plain.pdf", StorageFacts(encrypted=False, backups_found=3))
    assert "Chiffrement de la base : inactif" in plain and "non chiffrées" in plain
    assert "Verrouillage de l'application : inactif" in plain and "3 aujourd'hui" in plain
    with school_db.transaction() as session:
        settings.put(session, settings.LOCK_PIN, hash_pin("2468"))
        settings.put(session, settings.LOCK_AFTER_MINUTES, 7)
    coded = _print(school_db, "aipd", tmp_path / "coded.pdf", StorageFacts(encrypted=True))
    assert "Chiffrement de la base : actif" in coded and "inactif" not in coded
    assert "chiffrées comme la base" in coded
    assert "après 7 minutes d'inactivité" in coded and "un code de verrouillage ou la phrase de passe" in coded
    shared = _print(school_db, "registre", tmp_path / "shared.pdf", StorageFacts(shared_server=True))
    assert "serveur PostgreSQL" in shared and "Sauvegardes automatiques" not in shared


def test_the_cli_states_the_real_encryption(school_db, tmp_path):
    from pae_desktop.storage import encryption

    if school_db.file is None:
        pytest.skip("le chiffrement de l'application ne concerne que la base SQLite du poste")
    encryption.change_encryption(school_db, "phrase-secrete")
    school_db.close()
    encryption.set_passphrase_provider(lambda _path: "phrase-secrete")
    try:
        target = tmp_path / "r.pdf"
        assert cli.main(["--data-dir", str(school_db.data_dir), "document", "registre", "-o", str(target)]) == 0
    finally:
        encryption.set_passphrase_provider(None)
    assert "Chiffrement de la base : actif" in flat(pdf_text(target))


def test_one_list_of_recipients_on_every_page_and_correct_french_without_a_contact(school_db, tmp_path):
    full = [flat(line) for line in recipients()]
    for kind in PACK:
        target = tmp_path / f"{kind}.pdf"
        text = _print(school_db, kind, target)
        assert all(line in text for line in full), kind
        assert "aucun autre organisme" not in text  # the notice's former contradiction
        assert not re.search(r"\bde le\b|\bà le\b|\bde les\b|\bà les\b", text), kind
        assert "Contacter le secrétariat" not in text
        for page in pages(target):  # the footer of every page names the same recipients as the lists
            assert "Mission locale" not in page or all(line in text for line in full)
    notice = flat(pdf_text(tmp_path / "notice-rgpd.pdf"))
    assert "s'exercent auprès du secrétariat de l'établissement" in notice
    assert "coordonnées disponibles auprès du secrétariat" in notice


def test_the_settings_page_writes_the_three_documents(school_db, tmp_path, qtbot, monkeypatch):
    from pae_desktop.ui import data_protection
    from pae_desktop.ui.context import AppContext

    page = data_protection.DataProtectionPage(AppContext(school_db))
    qtbot.addWidget(page)
    monkeypatch.setattr(data_protection.QFileDialog, "getExistingDirectory", lambda *a, **k: str(tmp_path))
    told: list[str] = []
    monkeypatch.setattr(data_protection.QMessageBox, "information", lambda _p, _t, text: told.append(text))
    page.dpo.setText("dpo@ac-test.fr")
    page.dpo_button.click()
    written = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert written == ["aipd-pae.pdf", "notice-rgpd.pdf", "registre-traitement-pae.pdf"]
    assert told and "Documents écrits" in told[0]
    assert "dpo@ac-test.fr" in flat(pdf_text(tmp_path / "registre-traitement-pae.pdf"))
