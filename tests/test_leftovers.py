"""Leftovers (issue 19 §4): partial copies encrypted like the database and removed at the next start, every file
of the data folder 0600, passwords never shown, backups that follow the retention after a purge and by age."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select

from pae_desktop.cli import main
from pae_desktop.core import settings
from pae_desktop.core.models import School
from pae_desktop.core.operations import protection
from pae_desktop.storage import backup as backups
from pae_desktop.storage import encryption, paths
from pae_desktop.storage.database import mask_url, open_database
from pae_desktop.storage.shared import describe

PASSPHRASE = "une phrase de passe"


def test_a_killed_backup_of_an_encrypted_database_leaves_an_encrypted_partial_copy(school_db, monkeypatch):
    if not school_db.is_sqlite:
        pytest.skip("sauvegardes d'une base SQLite")
    encryption.change_encryption(school_db, PASSPHRASE)
    target = school_db.data_dir / "copie.db"

    def killed(*_args):
        raise KeyboardInterrupt

    monkeypatch.setattr(backups.os, "replace", killed)
    with pytest.raises(KeyboardInterrupt):
        backups.sqlite_copy(school_db.file, target, school_db.passphrase)
    partial = target.with_name("copie.db.partiel")
    assert partial.exists() and encryption.is_encrypted(partial)
    assert b"Test" not in partial.read_bytes()  # the school's name is not readable in clear


def test_partial_copies_are_removed_at_the_next_start(tmp_path):
    folder = tmp_path / "donnees"
    open_database(folder).close()
    leftovers = [
        folder / paths.BACKUP_DIR / "pae-desktop-20261201-100000.db.partiel",
        folder / "pae-desktop.db.restauration",
        folder / "pae-desktop.db.chiffrement",
    ]
    (folder / paths.BACKUP_DIR).mkdir()
    for file in leftovers:
        file.write_bytes(b"SQLite format 3\x00 reste")
    open_database(folder, write=False).close()  # a reader never deletes: only the writer does
    assert all(file.exists() for file in leftovers)
    open_database(folder).close()
    assert not any(file.exists() for file in leftovers)


@pytest.mark.skipif(os.name != "posix", reason="droits POSIX")
def test_every_file_of_the_data_folder_is_private(tmp_path):
    folder = tmp_path / "donnees"
    open_database(folder).close()
    loose = folder / paths.CONFIG_FILE
    loose.write_text("[database]\n", encoding="utf-8")
    os.chmod(loose, 0o644)
    (folder / "logs").mkdir()
    os.chmod(folder / "logs", 0o755)
    open_database(folder).close()
    for path in [folder, *folder.rglob("*")]:
        mode = stat.S_IMODE(path.stat().st_mode)
        assert mode == (0o700 if path.is_dir() else 0o600), path


def test_passwords_in_urls_are_masked():
    assert mask_url("postgresql://pae:s3cr3t@serveur:5432/pae") == "postgresql://pae:***@serveur:5432/pae"
    assert mask_url("postgresql+psycopg://pae:p%40ss@h/pae?sslmode=require") == (
        "postgresql+psycopg://pae:***@h/pae?sslmode=require"
    )
    assert mask_url("postgresql://h/pae?user=pae&password=s3cr3t") == "postgresql://h/pae?user=pae&password=***"
    assert mask_url("sqlite:////tmp/pae.db") == "sqlite:////tmp/pae.db"
    assert "s3cr3t" not in describe("sqlite://x:s3cr3t@h/y")


def test_check_never_prints_the_password(tmp_path, capsys, monkeypatch):
    from sqlalchemy import create_engine

    seen = {}

    def fake_engine(url, passphrase=None):  # no server: an empty database stands for it
        seen["url"] = url
        return create_engine("sqlite://")

    monkeypatch.setattr("pae_desktop.storage.database.make_engine", fake_engine)
    url = "postgresql://pae:s3cr3t@127.0.0.1:1/pae"
    assert main(["--data-dir", str(tmp_path), "--database-url", url, "check"]) == 1
    err = capsys.readouterr().err
    assert "s3cr3t" not in err and "pae:***@127.0.0.1" in err
    assert seen["url"] == url  # the real URL was used to connect, only the shown one is masked


# --- backups and the retention -----------------------------------------------------------------------------------


def _auto(folder: Path, moment: dt.datetime, db) -> Path:
    return backups.automatic_backup(db, now=moment, min_interval=dt.timedelta(0))


def test_after_a_purge_older_automatic_backups_are_replaced(demo_db):
    if not demo_db.is_sqlite:
        pytest.skip("sauvegardes d'une base SQLite")
    with demo_db.transaction() as session:
        session.scalars(select(School)).one().is_demo = False
    old = [_auto(demo_db.data_dir, dt.datetime(2026, month, 1, 12), demo_db) for month in (3, 6, 9)]
    assert all(file.exists() for file in old)
    done = protection.purge(demo_db, dt.date(2027, 1, 1))
    assert done.count == 150 and not done.warnings
    left = backups.automatic_backups(demo_db.data_dir)
    assert not any(file.exists() for file in old)
    assert len(left) == 1  # the fresh one, taken after the purge: no youth's name in it
    preview = backups.inspect_backup(left[0][1])
    assert preview.youths == 150 and preview.campaigns[0].anonymised == 150


def test_an_empty_purge_leaves_the_backups_alone(school_db):
    if not school_db.is_sqlite:
        pytest.skip("sauvegardes d'une base SQLite")
    kept = _auto(school_db.data_dir, dt.datetime(2026, 3, 1, 12), school_db)
    assert protection.purge(school_db, dt.date(2026, 4, 1)) == protection.changes()
    assert kept.exists()


def test_manual_and_before_restore_copies_are_rotated_by_age(school_db):
    if not school_db.is_sqlite:
        pytest.skip("sauvegardes d'une base SQLite")
    with school_db.transaction() as session:
        settings.put(session, settings.BACKUP_RETENTION_MONTHS, 6)
    folder = school_db.data_dir / paths.BACKUP_DIR
    folder.mkdir(exist_ok=True)
    names = {
        "pae-desktop-sauvegarde-20260101-090000.db": False,  # 11 months old: removed
        "avant-restauration-20260301-090000.db": False,
        "avant-migration-0001-20260401-090000.db": False,
        "pae-desktop-sauvegarde-20261101-090000.db": True,  # one month: kept
        "avant-restauration-20261001-090000.db": True,
        "notes.db": True,  # not ours: never touched
    }
    for name in names:
        (folder / name).write_bytes(b"x")
    _auto(school_db.data_dir, dt.datetime(2026, 12, 4, 9), school_db)
    assert {name: (folder / name).exists() for name in names} == names
