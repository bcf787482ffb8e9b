"""Encryption at rest (SQLCipher): noise to sqlite3, opened only with the passphrase, rekeyed, backups encrypted."""

from __future__ import annotations

import datetime as dt
import hashlib
import sqlite3

import pytest
from sqlalchemy import func, select

from pae_desktop.cli import main
from pae_desktop.core.models import School, Youth
from pae_desktop.storage import encryption
from pae_desktop.storage.backup import automatic_backup, inspect_backup, manual_backup, restore_backup
from pae_desktop.storage.database import backup_before_migration, open_database
from pae_desktop.storage.encryption import (
    PASSPHRASE_ENV,
    PassphraseRequired,
    WrongPassphrase,
    change_encryption,
    is_encrypted,
)

PHRASE = "cheval-agrafe-batterie"


@pytest.fixture(autouse=True)
def no_environment_passphrase(monkeypatch):
    monkeypatch.delenv(PASSPHRASE_ENV, raising=False)


@pytest.fixture
def encrypted(school_db):
    """The test school's database, encrypted with PHRASE, then closed."""
    with school_db.transaction() as session:
        from pae_desktop.core.services.campaigns import require_campaign
        from pae_desktop.core.services.youths import YouthForm, save_youth

        campaign = require_campaign(session, 2025)
        save_youth(
            session,
            campaign,
            YouthForm(last_name="Zyxwvutsrq", first_names="Léa", ine="1234567890A", phone="06 12 34 56 78"),
            today=dt.date(2026, 11, 26),
        )
    change_encryption(school_db, PHRASE)
    with school_db.transaction() as session:  # the open database keeps working, keyed
        session.scalars(select(School)).one().city = "Épinal"
    school_db.close()
    return school_db.data_dir


def sha(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_the_encrypted_file_reads_as_noise(encrypted):
    db_file = encrypted / "pae-desktop.db"
    assert is_encrypted(db_file)
    wal = encrypted / "pae-desktop.db-wal"
    raw = db_file.read_bytes() + (wal.read_bytes() if wal.exists() else b"")
    for secret in (
        b"SQLite format 3",
        b"Zyxwvutsrq",
        "Lycée professionnel Test".encode(),
        b"0759999L",
        b"CREATE TABLE",
    ):
        assert secret not in raw
    with pytest.raises(sqlite3.DatabaseError, match="not a database"):
        sqlite3.connect(db_file).execute("SELECT * FROM youth").fetchall()


def test_it_opens_only_with_the_passphrase(encrypted):
    db = open_database(encrypted, passphrase=PHRASE)
    try:
        with db.read() as session:
            assert session.scalars(select(Youth.last_name)).one() == "Zyxwvutsrq"
            assert session.scalars(select(School.city)).one() == "Épinal"
    finally:
        db.close()


def test_no_passphrase_is_a_clear_refusal(encrypted):
    with pytest.raises(PassphraseRequired, match="^Base chiffrée : phrase de passe requise$"):
        open_database(encrypted)


def test_a_wrong_passphrase_does_no_harm(encrypted):
    db_file = encrypted / "pae-desktop.db"
    before = sha(db_file)
    with pytest.raises(WrongPassphrase, match="Phrase de passe incorrecte"):
        open_database(encrypted, passphrase="mauvaise phrase")
    assert sha(db_file) == before
    # and the lock was released: the right passphrase opens it at once
    open_database(encrypted, passphrase=PHRASE).close()


def test_the_passphrase_comes_from_the_environment(encrypted, monkeypatch):
    monkeypatch.setenv(PASSPHRASE_ENV, PHRASE)
    db = open_database(encrypted)
    try:
        assert db.passphrase == PHRASE
    finally:
        db.close()


def test_changing_the_passphrase(encrypted):
    db = open_database(encrypted, passphrase=PHRASE)
    try:
        change_encryption(db, "nouvelle phrase de passe")
        with db.read() as session:
            assert session.scalar(select(func.count()).select_from(Youth)) == 1
    finally:
        db.close()
    with pytest.raises(WrongPassphrase):
        open_database(encrypted, passphrase=PHRASE)
    open_database(encrypted, passphrase="nouvelle phrase de passe").close()


def test_a_short_passphrase_is_refused(school_db):
    with pytest.raises(encryption.UserError, match="au moins 8 caractères"):
        change_encryption(school_db, "court")
    assert not is_encrypted(school_db.file)


def test_turning_encryption_off(encrypted):
    db = open_database(encrypted, passphrase=PHRASE)
    try:
        change_encryption(db, None)
    finally:
        db.close()
    assert not is_encrypted(encrypted / "pae-desktop.db")
    connection = sqlite3.connect(encrypted / "pae-desktop.db")
    assert connection.execute("SELECT last_name FROM youth").fetchall() == [("Zyxwvutsrq",)]
    connection.close()


def test_backups_stay_encrypted_and_restore(encrypted, tmp_path):
    db = open_database(encrypted, passphrase=PHRASE)
    try:
        manual = manual_backup(db, tmp_path)
        auto = automatic_backup(db, now=dt.datetime(2026, 11, 26, 8, 0))
        migration_copy = backup_before_migration(db.file, db.data_dir, "0001", db.passphrase)
        for copy in (manual, auto, migration_copy):
            assert is_encrypted(copy)
            assert b"Zyxwvutsrq" not in copy.read_bytes()
        with pytest.raises(PassphraseRequired):
            inspect_backup(manual)
        with pytest.raises(WrongPassphrase):
            inspect_backup(manual, "autre phrase de passe")
        preview = inspect_backup(manual, PHRASE)
        assert preview.encrypted and preview.youths == 1 and preview.sound
        with db.transaction() as session:
            session.scalars(select(Youth)).one().last_name = "Changé"
        result = restore_backup(db, manual)
        assert is_encrypted(result.safety_copy)
        with db.read() as session:
            assert session.scalars(select(Youth.last_name)).one() == "Zyxwvutsrq"
    finally:
        db.close()
    assert is_encrypted(encrypted / "pae-desktop.db")


def test_a_plain_backup_restored_into_an_encrypted_database_is_encrypted(school_db, tmp_path):
    plain = manual_backup(school_db, tmp_path / "claire.db")
    change_encryption(school_db, PHRASE)
    restore_backup(school_db, plain)
    school_db.close()
    assert is_encrypted(school_db.file)
    open_database(school_db.data_dir, passphrase=PHRASE).close()


def test_the_command_line_reads_the_environment_or_refuses(encrypted, monkeypatch, capsys):
    assert main(["check", "--data-dir", str(encrypted)]) == 1
    assert "Base chiffrée : phrase de passe requise" in capsys.readouterr().err
    monkeypatch.setenv(PASSPHRASE_ENV, PHRASE)
    assert main(["check", "--data-dir", str(encrypted)]) == 0
    assert "Intégrité : correcte" in capsys.readouterr().err
    assert main(["backup", "--data-dir", str(encrypted)]) == 0
    copies = list((encrypted / "sauvegardes").glob("pae-desktop-sauvegarde-*.db"))
    assert len(copies) == 1 and is_encrypted(copies[0])
    monkeypatch.setenv(PASSPHRASE_ENV, "pas la bonne")
    assert main(["purge", "--data-dir", str(encrypted)]) == 1
    assert "Phrase de passe incorrecte" in capsys.readouterr().err


def test_the_terminal_is_asked_when_the_environment_is_silent(encrypted, monkeypatch):
    import getpass
    import sys

    asked: list[str] = []
    monkeypatch.setattr(sys.stdin, "isatty", lambda: True, raising=False)
    monkeypatch.setattr(getpass, "getpass", lambda prompt: asked.append(prompt) or PHRASE)
    db = open_database(encrypted)
    try:
        assert db.passphrase == PHRASE
    finally:
        db.close()
    assert asked == ["Phrase de passe de la base pae-desktop.db : "]


def test_the_window_can_install_its_own_prompt(encrypted):
    asked: list = []
    encryption.set_passphrase_provider(lambda path: asked.append(path) or PHRASE)
    try:
        open_database(encrypted).close()
    finally:
        encryption.set_passphrase_provider(None)
    assert asked == [encrypted / "pae-desktop.db"]
    with pytest.raises(PassphraseRequired):
        open_database(encrypted)


def test_a_failed_encryption_leaves_the_plain_database_whole(school_db, monkeypatch):
    def broken(live, new_file):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(encryption, "replace_database_file", broken)
    with pytest.raises(encryption.UserError, match="No space left on device.*restée telle quelle"):
        change_encryption(school_db, PHRASE)
    assert not is_encrypted(school_db.file) and school_db.passphrase is None
    assert not list(school_db.file.parent.glob("*.chiffrement"))
    with school_db.read() as session:  # still open and working
        assert session.scalars(select(School.uai)).one() == "0759999L"
