"""`pae-desktop audit` and `pae-desktop erase`: every nominative export, print, backup, restore and erasure made
from the command line is in the log, once; a restore loses none; the window's erasure writes the same rows."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from pae_desktop.cli import main
from pae_desktop.core.models import AuditEvent, Youth
from pae_desktop.storage.database import open_database


@pytest.fixture
def demo_dir(data_dir):
    assert main(["demo", "--students", "20", "--campaign", "2025", "--data-dir", str(data_dir)]) == 0
    return data_dir


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def pseudonyms(data_dir: Path) -> list[str]:
    connection = sqlite3.connect(data_dir / "pae-desktop.db")
    try:
        return [p for (p,) in connection.execute("SELECT pseudonym FROM youth ORDER BY id")]
    finally:
        connection.close()


def audit_json(capsys, data_dir: Path, *more: str) -> list[dict]:
    status, out, _err = run(capsys, "audit", "--format", "json", "--data-dir", str(data_dir), *more)
    assert status == 0
    return json.loads(out)["evenements"]


def kinds(events: list[dict]) -> list[tuple[str, str]]:
    return [(e["code_action"], e["detail"].split(" :")[0].split(",")[0]) for e in events]


def test_every_act_of_the_command_line_is_in_the_log_once_and_a_restore_loses_none(
    demo_dir, tmp_path, capsys
):
    where = ["--data-dir", str(demo_dir)]
    assert main(["report", "--format", "pdf", "-o", str(tmp_path / "bilan.pdf"), *where]) == 0
    assert main(["report", "--format", "xlsx", "-o", str(tmp_path / "bilan.xlsx"), *where]) == 0  # no person
    assert main(["export", "caseload", "-o", str(tmp_path / "jeunes.xlsx"), *where]) == 0
    assert main(["export", "foquale", "-o", str(tmp_path / "pseudo.csv"), *where]) == 0  # pseudonymised
    assert main(["export", "foquale", "--nominative", "-o", str(tmp_path / "nom.csv"), *where]) == 0
    assert main(["backup", "-o", str(tmp_path / "sauvegarde.db"), *where]) == 0
    erased = pseudonyms(demo_dir)[0]
    assert main(["erase", "--id", erased, "--yes", *where]) == 0
    assert main(["restore", str(tmp_path / "sauvegarde.db"), "--yes", *where]) == 0

    events = audit_json(capsys, demo_dir)
    assert kinds(events) == [
        ("print", "bilan"),
        ("export", "Liste des jeunes"),
        ("export", "Fichier FOQUALE nominatif"),
        ("export", "sauvegarde"),
        ("erase", "à la demande de la personne (dossier supprimé)"),
        ("restore", events[-1]["detail"].split(" :")[0]),
    ]
    assert events[-1]["detail"].startswith("sauvegarde du ")
    assert "2 événement(s) du journal reporté(s), 1 effacement(s)" in events[-1]["detail"]
    assert all(set(e) >= {"date", "utilisateur", "action", "objet", "id_objet", "detail"} for e in events)
    assert events[4]["objet"] == "Jeune" and isinstance(events[4]["id_objet"], int)
    # the youth erased after the backup stays erased
    assert erased not in pseudonyms(demo_dir) and len(pseudonyms(demo_dir)) == 19


def test_audit_csv_since_and_file(demo_dir, tmp_path, capsys):
    where = ["--data-dir", str(demo_dir)]
    assert main(["export", "caseload", "-o", str(tmp_path / "=jeunes.csv"), *where]) == 0
    status, out, _err = run(capsys, "audit", *where)
    assert status == 0 and out.startswith("\ufeffDate (UTC);Utilisateur;Action;Objet;N° interne;")
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff")), delimiter=";"))
    assert len(rows) == 2 and rows[1][2] == "Export" and rows[1][3] == "Campagne" and rows[1][6] == "Oui"
    assert rows[1][7].startswith("Liste des jeunes") and rows[1][1]
    status, out, _err = run(capsys, "audit", "--since", "2999-01-01", *where)
    assert status == 0 and out.count("\r\n") == 1  # the header only
    target = tmp_path / "journal.json"
    status, out, err = run(capsys, "audit", "--format", "json", "-o", str(target), *where)
    assert (status, out) == (0, "") and "1 événement" in err
    assert json.loads(target.read_text("utf-8"))["evenements"][0]["code_action"] == "export"
    with pytest.raises(SystemExit) as caught:
        main(["audit", "--since", "31/02/2026", *where])  # the one date parser: 01/01/2026 is a date
    assert caught.value.code == 2


def test_audit_is_read_only_and_takes_no_lock(demo_dir, capsys):
    window = open_database(demo_dir)  # the window holds the writer lock
    try:
        assert run(capsys, "audit", "--data-dir", str(demo_dir))[0] == 0
    finally:
        window.close()


def test_erase_preview_writes_nothing_and_an_unknown_id_is_refused(demo_dir, capsys):
    where = ["--data-dir", str(demo_dir)]
    first = pseudonyms(demo_dir)[0]
    status, out, err = run(capsys, "erase", "--id", first, *where)
    assert (status, out) == (0, "")
    assert "Suppression du dossier entier" in err and "Rien n'a été modifié" in err
    status, _out, err = run(capsys, "erase", "--id", first.upper(), "--anonymise", *where)
    assert status == 0 and "Anonymisation" in err
    assert pseudonyms(demo_dir)[0] == first and audit_json(capsys, demo_dir) == []
    status, out, err = run(capsys, "erase", "--id", "0123456789abcdef", "--yes", *where)
    assert (status, out) == (1, "") and "Aucun jeune d'identifiant 0123456789abcdef" in err
    assert len(pseudonyms(demo_dir)) == 20
    status, _out, err = run(capsys, "erase", "--id", first, "--campaign", "2019", *where)
    assert status == 1 and "campagne 2019" in err
    with pytest.raises(SystemExit):
        main(["erase", "--help"])
    out = capsys.readouterr().out
    assert "id_jeune" in out and "FOQUALE" in out


def test_the_window_and_the_command_line_erase_alike(demo_dir, qtbot, monkeypatch, capsys):
    from PySide6.QtWidgets import QMessageBox

    from pae_desktop.ui import data_protection
    from pae_desktop.ui.context import AppContext

    def rows(data_dir: Path) -> list[tuple]:
        db = open_database(data_dir, write=False)
        try:
            with db.read() as session:
                return [
                    (
                        e.os_user,
                        e.staff_id,
                        e.action,
                        e.entity,
                        e.field,
                        e.old_value,
                        e.new_value,
                        e.nominative,
                        e.detail,
                    )
                    for e in session.scalars(select(AuditEvent).where(AuditEvent.action == "erase"))
                ]
        finally:
            db.close()

    first, second = pseudonyms(demo_dir)[:2]
    for anonymise, pseudonym in ((True, first), (False, second)):
        assert (
            main(
                [
                    "erase",
                    "--id",
                    pseudonym,
                    "--yes",
                    *(["--anonymise"] if anonymise else []),
                    "--data-dir",
                    str(demo_dir),
                ]
            )
            == 0
        )
    from_cli = rows(demo_dir)

    db = open_database(demo_dir)
    with db.transaction() as session:
        session.execute(AuditEvent.__table__.delete())
        third, fourth = list(session.scalars(select(Youth.id).order_by(Youth.id)))[1:3]
    context = AppContext(db)
    texts: list[str] = []
    for label, youth_id in (("Anonymiser", third), ("Supprimer le dossier", fourth)):

        def click(box, label=label):
            texts.append(box.informativeText())
            next(b for b in box.buttons() if b.text() == label).click()
            return 0

        monkeypatch.setattr(QMessageBox, "exec", click)
        assert data_protection.erase_youth_on_request(None, context, youth_id)
    db.close()
    assert rows(demo_dir) == from_cli and len(from_cli) == 2
    assert "Suppression du dossier entier" in texts[0]  # the window shows the same preview


def test_io_foquale_imports_no_service():
    code = (
        "import sys; import pae_desktop.io.foquale; "
        "print(sorted(m for m in sys.modules if m.startswith(('pae_desktop.core.services', "
        "'pae_desktop.core.operations', 'pae_desktop.storage'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_the_window_does_not_import_commands():
    for module in ("bilan", "backup_dialog", "data_protection", "audit_view"):
        source = (Path(__file__).parents[1] / "src" / "pae_desktop" / "ui" / f"{module}.py").read_text(
            "utf-8"
        )
        assert "pae_desktop.commands" not in source, module
