"""`pae-desktop import FILE... [--campaign N] [--dry-run] [--yes]` as specs/cli.md says."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from fixtures.siecle.builder import Student, eleves_xml, write, write_zip
from pae_desktop.cli import main
from pae_desktop.storage import paths
from pae_desktop.storage.database import open_database

STUDENTS = [
    Student("1", "DURANDEAU", "Kylian", ine="090123456CA"),
    Student("2", "CŒURDEROI", "Zoé", ine="080654321BF", mef="24122146220", division="2CAPCUI"),
    Student("3", "MARTINEZ", "Léo", leave="15/01/2026"),
    Student("4", "MAUVAISE", "Date", birth="31/02/2007"),
]


@pytest.fixture
def export(tmp_path):
    return write_zip(
        tmp_path / "ExportXML_ElevesSansAdresses.zip", {"ElevesSansAdresses.xml": eleves_xml(STUDENTS)}
    )


def _count(data_dir: Path) -> int:
    db = open_database(data_dir, write=False)
    try:
        with db.read() as session:
            from sqlalchemy import func, select

            from pae_desktop.core.models import Youth

            return session.scalar(select(func.count(Youth.id)))
    finally:
        db.close()


def test_without_yes_the_preview_goes_to_stderr_and_nothing_is_written(tmp_path, export, capsys):
    data_dir = tmp_path / "donnees"
    assert main(["--data-dir", str(data_dir), "import", str(export)]) == 0
    out, err = capsys.readouterr()
    assert out == ""
    assert "ExportXML_ElevesSansAdresses.zip › ElevesSansAdresses.xml : élèves, UAI 0759999L" in err
    assert "Campagne 2026 (année scolaire 2025-2026 du fichier)." in err
    assert (
        "Nouveaux : 2 · Mis à jour : 0 · Inchangés : 0 · Rejetés : 1 · Ont quitté l'établissement : 1" in err
    )
    assert "  CŒURDEROI Zoé (2CAPCUI, CAP)" in err
    assert "élève 4 — MAUVAISE Date : Date de naissance impossible : 31/02/2007" in err
    assert "  MARTINEZ Léo (TMELEC, Bac pro) : le 15/01/2026" in err
    assert err.rstrip().endswith("Rien n'a été écrit. Relancez avec --yes pour importer.")
    assert not (data_dir / paths.DATABASE_FILE).exists()


def test_yes_writes_and_a_second_run_is_idempotent(tmp_path, export, capsys):
    data_dir = tmp_path / "donnees"
    assert main(["import", str(export), "--yes", "--data-dir", str(data_dir)]) == 0
    assert "Import enregistré dans la campagne 2026" in capsys.readouterr().err
    assert _count(data_dir) == 2
    assert main(["--data-dir", str(data_dir), "import", str(export), "--yes"]) == 0
    assert "Nouveaux : 0 · Mis à jour : 0 · Inchangés : 2" in capsys.readouterr().err
    assert _count(data_dir) == 2


def test_dry_run_never_writes_even_with_yes(tmp_path, export, capsys):
    data_dir = tmp_path / "donnees"
    assert main(["--data-dir", str(data_dir), "import", str(export), "--yes", "--dry-run"]) == 0
    assert capsys.readouterr().err.rstrip().endswith("Rien n'a été écrit.")
    assert not (data_dir / paths.DATABASE_FILE).exists()


def test_preview_reads_an_existing_database_without_changing_it(tmp_path, export, capsys):
    data_dir = tmp_path / "donnees"
    assert main(["--data-dir", str(data_dir), "import", str(export), "--yes"]) == 0
    before = (data_dir / paths.DATABASE_FILE).read_bytes()
    newer = write(
        tmp_path / "e.xml", eleves_xml([*STUDENTS, Student("5", "NOUVEAU", "Né")], export="05/06/2026")
    )
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "import", str(newer)]) == 0
    assert "Nouveaux : 1 · Mis à jour : 0 · Inchangés : 2" in capsys.readouterr().err
    assert (data_dir / paths.DATABASE_FILE).read_bytes() == before


def test_campaign_override_is_said(tmp_path, export, capsys):
    assert main(["--data-dir", str(tmp_path / "d"), "import", str(export), "--campaign", "2027"]) == 0
    err = capsys.readouterr().err
    assert "Campagne 2027 (choisie par --campaign ; le fichier indique la campagne 2026)." in err


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (
            lambda p: write(p / "e.xml", eleves_xml([Student("1", "A", "B", mef="24725520310")])),
            "Aucun élève de terminale dans ce fichier : export postérieur à la bascule ?",
        ),
        (
            lambda p: write(p / "e.xml", eleves_xml([Student("1", "A", "B")], year=None)),
            "Campagne inconnue : précisez --campaign N",
        ),
        (
            lambda p: _file(p / "liste.csv", "Nom;Prénom;Classe\nDUPONT;Léa;TBP-MELEC\n"),
            "Paramétrez d'abord l'établissement",
        ),
        (
            lambda p: _file(p / "liste.csv", "INE;Classe\n090123456CA;TMELEC\n"),
            "n'a pas de colonne associée à : Nom de famille, Prénom",
        ),
        (
            lambda p: write(p / "e.xml", eleves_xml([Student("1", "A", "B")])[:-40]),
            "est mal formé à la ligne",
        ),
        (lambda p: _file(p / "scan.pdf", "%PDF-1.4 scan"), "est un document PDF"),
    ],
    ids=["no final year", "unknown campaign", "no UAI", "no name column", "truncated", "PDF"],
)
def test_refusals_exit_1_with_a_french_message(tmp_path, capsys, make, message):
    path = make(tmp_path)
    data_dir = tmp_path / "donnees"
    extra = ["--campaign", "2026"] if path.suffix == ".csv" else []
    assert main(["--data-dir", str(data_dir), "import", str(path), "--yes", *extra]) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert message in err
    if (data_dir / paths.DATABASE_FILE).exists():
        assert _count(data_dir) == 0


def _file(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_another_school_is_refused_and_the_database_unchanged(tmp_path, export, capsys):
    data_dir = tmp_path / "donnees"
    assert main(["--data-dir", str(data_dir), "import", str(export), "--yes"]) == 0
    other = write(tmp_path / "autre.xml", eleves_xml(STUDENTS, uai="0930000V", export="05/06/2026"))
    before = (data_dir / paths.DATABASE_FILE).read_bytes()
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "import", str(other), "--yes"]) == 1
    assert "autre établissement (UAI 0930000V)" in capsys.readouterr().err
    assert (data_dir / paths.DATABASE_FILE).read_bytes() == before


def test_label_classes_are_accepted_by_yes_and_shown(tmp_path, export, capsys):
    data_dir = tmp_path / "donnees"
    assert main(["--data-dir", str(data_dir), "import", str(export), "--yes"]) == 0
    csv = _file(
        tmp_path / "pronote.csv",
        "Nom;Prénom;Né(e) le;Classe;Formation\nLEGRAND;Ève;21/05/2007;TBP-X;TLE PRO X\n",
    )
    capsys.readouterr()
    assert main(["--data-dir", str(data_dir), "import", str(csv), "--campaign", "2026", "--yes"]) == 0
    err = capsys.readouterr().err
    assert "TBP-X « TLE PRO X » : Bac pro, 1 élève(s) — reconnue par libellé" in err
    assert _count(data_dir) == 3


def test_the_installed_program(tmp_path, export):
    env = {**os.environ, paths.DATA_DIR_ENV: str(tmp_path / "donnees")}
    done = subprocess.run(
        [sys.executable, "-m", "pae_desktop", "import", str(export), "--yes"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert "Import enregistré dans la campagne 2026" in done.stderr
    refused = subprocess.run(
        [sys.executable, "-m", "pae_desktop", "import", str(tmp_path / "absent.zip")],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert refused.returncode == 1
    assert "Le fichier « absent.zip » est introuvable." in refused.stderr
