"""`pae-desktop backup`, `restore`, `check`, `purge`: previews, exit statuses, nothing on standard output."""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import pytest

from pae_desktop.cli import main
from pae_desktop.storage.backup import AUTO_PREFIX, automatic_backups
from pae_desktop.storage.database import head_revision


@pytest.fixture
def demo_dir(data_dir):
    # one closed campaign: every youth falls due for the retention rules
    assert main(["demo", "--students", "30", "--campaign", "2025", "--data-dir", str(data_dir)]) == 0
    return data_dir


def sql(data_dir: Path, query: str, *params):
    connection = sqlite3.connect(data_dir / "pae-desktop.db")
    try:
        rows = connection.execute(query, params).fetchall()
        connection.commit()
        return rows
    finally:
        connection.close()


def run(capsys, *argv: str) -> tuple[int, str, str]:
    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_backup_preview_restore(demo_dir, tmp_path, capsys):
    target = tmp_path / "copie.db"
    status, out, err = run(capsys, "backup", "-o", str(target), "--data-dir", str(demo_dir))
    assert (status, out) == (0, "")
    assert f"Sauvegarde écrite : {target}" in err and "30 jeunes" in err
    original = sql(demo_dir, "SELECT id, last_name FROM youth ORDER BY id")
    sql(demo_dir, "UPDATE youth SET last_name = 'CHANGÉ'")

    status, out, err = run(capsys, "restore", str(target), "--data-dir", str(demo_dir))
    assert (status, out) == (0, "")
    assert "Campagne" in err and "30 jeunes" in err and "Relancez avec --yes" in err
    assert {name for (name,) in sql(demo_dir, "SELECT DISTINCT last_name FROM youth")} == {"CHANGÉ"}

    status, out, err = run(capsys, "restore", str(target), "--yes", "--data-dir", str(demo_dir))
    assert (status, out) == (0, "")
    assert sql(demo_dir, "SELECT id, last_name FROM youth ORDER BY id") == original
    safety = list((demo_dir / "sauvegardes").glob("avant-restauration-*.db"))
    assert len(safety) == 1 and str(safety[0]) in err
    # command-line commands make no automatic backup
    assert automatic_backups(demo_dir) == []
    assert not list((demo_dir / "sauvegardes").glob(f"{AUTO_PREFIX}2*.db"))


def test_backup_without_output_goes_to_the_backup_folder(demo_dir, capsys):
    status, _out, err = run(capsys, "backup", "--data-dir", str(demo_dir))
    assert status == 0
    files = list((demo_dir / "sauvegardes").glob("pae-desktop-sauvegarde-*.db"))
    assert len(files) == 1 and str(files[0]) in err


def test_restore_refusals(demo_dir, tmp_path, capsys):
    status, out, err = run(capsys, "restore", str(tmp_path / "absent.db"), "--data-dir", str(demo_dir))
    assert (status, out) == (1, "") and "n'existe pas" in err
    newer = tmp_path / "future.db"
    assert main(["backup", "-o", str(newer), "--data-dir", str(demo_dir)]) == 0
    connection = sqlite3.connect(newer)
    connection.execute("UPDATE alembic_version SET version_num = '9999'")
    connection.commit()
    connection.close()
    status, _out, err = run(capsys, "restore", str(newer), "--data-dir", str(demo_dir))
    assert status == 1 and "plus récente" in err
    status, _out, err = run(capsys, "restore", str(newer), "--yes", "--data-dir", str(demo_dir))
    assert status == 1 and "plus récente" in err and "Rien n'a été modifié" in err
    assert not list((demo_dir / "sauvegardes").glob("avant-restauration-*.db"))


def test_check(demo_dir, capsys):
    status, out, err = run(capsys, "check", "--data-dir", str(demo_dir))
    assert (status, out) == (0, "")
    assert "Intégrité : correcte" in err and "Schéma : à jour" in err

    sql(demo_dir, "UPDATE alembic_version SET version_num = '9999'")
    status, _out, err = run(capsys, "check", "--data-dir", str(demo_dir))
    assert status == 1 and "Schéma : ÉCHEC" in err and "plus récente" in err
    sql(demo_dir, f"UPDATE alembic_version SET version_num = '{head_revision()}'")

    sql(demo_dir, "ALTER TABLE youth DROP COLUMN notes")
    status, _out, err = run(capsys, "check", "--data-dir", str(demo_dir))
    assert status == 1 and "colonne manquante : youth.notes" in err


def test_check_finds_a_damaged_database(demo_dir, capsys):
    from test_backup import corrupt

    corrupt(demo_dir / "pae-desktop.db")
    status, _out, err = run(capsys, "check", "--data-dir", str(demo_dir))
    assert status == 1 and "Intégrité : ÉCHEC" in err


def test_check_without_a_database(data_dir, capsys):
    status, _out, err = run(capsys, "check", "--data-dir", str(data_dir))
    assert status == 1 and "Aucune base de données" in err


def test_purge(demo_dir, capsys):
    status, out, err = run(capsys, "purge", "--data-dir", str(demo_dir))
    assert (status, out) == (0, "") and "démonstration" in err  # exempt

    sql(demo_dir, "UPDATE school SET is_demo = 0")
    status, out, err = run(capsys, "purge", "--data-dir", str(demo_dir))
    assert (status, out) == (0, "") and "à anonymiser" in err and "Relancez avec --yes" in err
    status, _out, err = run(capsys, "purge", "--dry-run", "--yes", "--data-dir", str(demo_dir))
    assert status == 0 and "Rien n'a été modifié" in err
    assert sql(demo_dir, "SELECT COUNT(*) FROM youth WHERE anonymised_at IS NOT NULL") == [(0,)]

    status, _out, err = run(capsys, "purge", "--yes", "--data-dir", str(demo_dir))
    assert status == 0 and "30 jeune(s) anonymisé(s)" in err
    assert sql(demo_dir, "SELECT COUNT(*) FROM youth WHERE anonymised_at IS NOT NULL") == [(30,)]
    assert sql(demo_dir, "SELECT COUNT(*) FROM youth WHERE ine != '' OR phone != ''") == [(0,)]
    status, _out, err = run(capsys, "purge", "--yes", "--data-dir", str(demo_dir))
    assert status == 0 and "Rien n'est à anonymiser" in err


def test_an_older_database_can_still_be_backed_up_a_damaged_one_never(demo_dir, tmp_path, capsys):
    from test_backup import corrupt

    sql(demo_dir, "UPDATE alembic_version SET version_num = '0000'")  # as if an upgrade were pending
    status, _out, err = run(capsys, "backup", "-o", str(tmp_path / "avant.db"), "--data-dir", str(demo_dir))
    assert status == 0 and "Schéma : 0000" in err
    sql(demo_dir, f"UPDATE alembic_version SET version_num = '{head_revision()}'")
    corrupt(demo_dir / "pae-desktop.db")
    # issue 19: a file that fails the start-up check is never backed up (a restore sets it aside, never deleted)
    status, _out, err = run(capsys, "backup", "-o", str(tmp_path / "abimee.db"), "--data-dir", str(demo_dir))
    assert status == 1 and "ne peut pas être ouverte" in err and not (tmp_path / "abimee.db").exists()
    status, _out, err = run(capsys, "backup", "--data-dir", str(tmp_path / "vide"))
    assert status == 1 and "Aucune base de données" in err


def test_a_backup_is_recorded_as_a_nominative_export(demo_dir, tmp_path, capsys):
    from pae_desktop.storage.database import open_database

    assert run(capsys, "backup", "-o", str(tmp_path / "a.db"), "--data-dir", str(demo_dir))[0] == 0
    rows = sql(demo_dir, "SELECT action, entity, nominative, detail FROM audit_event")
    assert rows == [("export", "database", 1, f"sauvegarde : {tmp_path / 'a.db'}")]
    window = open_database(demo_dir)  # the window holds the lock: the copy is still made, unrecorded
    try:
        assert run(capsys, "backup", "-o", str(tmp_path / "b.db"), "--data-dir", str(demo_dir))[0] == 0
    finally:
        window.close()
    assert (tmp_path / "b.db").exists() and len(sql(demo_dir, "SELECT id FROM audit_event")) == 1


def test_check_purge_and_backup_on_either_backend(data_dir, database_url, capsys):
    from pae_desktop.core.services.demo import generate_demo
    from pae_desktop.storage.database import open_database

    db = open_database(data_dir, database_url)
    try:
        with db.transaction() as session:
            generate_demo(session, students=20, seed=1, year=2025, today=dt.date(2026, 11, 26))
    finally:
        db.close()
    where = ["--data-dir", str(data_dir)] + (["--database-url", database_url] if database_url else [])
    status, out, err = run(capsys, "check", *where)
    assert (status, out) == (0, "") and "Schéma : à jour" in err
    assert (
        "Intégrité : correcte" if database_url is None else "Intégrité : non vérifiée (base sur serveur)"
    ) in err
    status, _out, err = run(capsys, "purge", "--yes", *where)
    assert status == 0 and "démonstration" in err
    status, _out, err = run(capsys, "backup", "-o", str(data_dir / "copie.db"), *where)
    if database_url is None:
        assert status == 0
    else:
        assert status == 1 and "outils du serveur" in err
