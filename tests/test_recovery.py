"""Start-up that recovers (issue 19 §1): each kind of damaged database file is diagnosed in French by every
command (exit status 1, no traceback, nothing written) and opens the window's recovery screen, which lists the
backups and restores one, the damaged file set aside and never deleted."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from pae_desktop.cli import main
from pae_desktop.core.operations.protection import backup
from pae_desktop.core.services.campaigns import ensure_campaign
from pae_desktop.core.services.school import SchoolForm, save_school
from pae_desktop.storage import diagnosis, encryption, paths
from pae_desktop.storage.database import open_database

KINDS = ("vide", "tronquée", "octets inversés", "pas SQLite", "étrangère", "plus récente")
EXPECTED = {
    "vide": diagnosis.EMPTY,
    "tronquée": diagnosis.TRUNCATED,
    "octets inversés": diagnosis.DAMAGED,
    "pas SQLite": diagnosis.UNREADABLE,
    "étrangère": diagnosis.FOREIGN,
    "plus récente": diagnosis.NEWER,
}


@pytest.fixture(autouse=True)
def terminal_passphrase_afterwards():
    """The window installs its passphrase dialog: the next tests get the command line's way back."""
    yield
    encryption.set_passphrase_provider(None)


def _damage(file: Path, kind: str) -> None:
    data = file.read_bytes()
    if kind == "vide":
        file.write_bytes(b"")
    elif kind == "tronquée":
        file.write_bytes(data[: len(data) // 2])
    elif kind == "octets inversés":
        flipped = bytearray(data)
        for start in range(4096 + 200, len(flipped), 4096):
            flipped[start : start + 50] = b"\xff" * 50
        file.write_bytes(bytes(flipped))
    elif kind == "pas SQLite":
        file.write_bytes("Ceci n'est pas une base de données.\n".encode() * 200)
    elif kind == "étrangère":
        file.unlink()
        connection = sqlite3.connect(file)
        connection.execute("CREATE TABLE clients (nom TEXT)")
        connection.commit()
        connection.close()
    elif kind == "plus récente":
        connection = sqlite3.connect(file)
        connection.execute("UPDATE alembic_version SET version_num = '9999'")
        connection.commit()
        connection.close()


@pytest.fixture
def sound_folder(tmp_path) -> Path:
    """A data folder with a school, its campaign, and a manual backup in `sauvegardes/`."""
    folder = tmp_path / "donnees"
    db = open_database(folder)
    with db.transaction() as session:
        save_school(session, SchoolForm(name="Lycée professionnel Test", uai="0759999L", city="Nancy"))
        ensure_campaign(session, 2025)
    backup(db)
    db.close()
    return folder


@pytest.fixture(params=KINDS)
def damaged(request, sound_folder) -> tuple[Path, str]:
    file = sound_folder / paths.DATABASE_FILE
    for suffix in ("-wal", "-shm"):
        Path(f"{file}{suffix}").unlink(missing_ok=True)
    _damage(file, request.param)
    return sound_folder, request.param


def test_each_kind_is_diagnosed(damaged):
    folder, kind = damaged
    damage = diagnosis.diagnose(folder / paths.DATABASE_FILE)
    assert damage is not None and damage.kind == EXPECTED[kind]
    assert "ne peut pas être ouverte" in damage.message()


def test_a_sound_file_and_a_missing_one_pass(sound_folder, tmp_path):
    assert diagnosis.diagnose(sound_folder / paths.DATABASE_FILE) is None
    assert diagnosis.diagnose(tmp_path / "absent.db") is None


COMMANDS = (
    ["report", "--format", "json"],
    ["backup"],
    ["check"],
    ["export", "foquale", "-o", "{out}/f.csv"],
    ["export", "caseload", "-o", "{out}/c.csv"],
    ["export", "pfmp", "-o", "{out}/p.csv"],
    ["audit"],
    ["purge"],
    ["purge", "--yes"],
    ["erase", "--id", "X", "--yes"],
    ["document", "convocation", "--id", "X", "-o", "{out}/d.pdf"],
    ["demo", "--today", "2026-12-04"],
)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c[:2]))
def test_every_command_gives_the_french_diagnosis(damaged, command, capsys, tmp_path):
    folder, _kind = damaged
    file = folder / paths.DATABASE_FILE
    before = file.read_bytes()
    backups_before = sorted(p.name for p in (folder / paths.BACKUP_DIR).iterdir())
    args = [part.replace("{out}", str(tmp_path)) for part in command]
    if command == ["backup"] and EXPECTED[_kind] == diagnosis.NEWER:  # a sound file of a newer version: copied
        assert main(["--data-dir", str(folder), *args]) == 0
        return
    assert main(["--data-dir", str(folder), *args]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err
    if command == ["check"]:  # the check's own report: its failing line, then (for a damaged file) the way out
        assert "ÉCHEC" in err
    else:
        assert "ne peut pas être ouverte" in err and "Dernière sauvegarde valide" in err
    assert file.read_bytes() == before  # nothing written: an empty file is never taken for a new install
    assert sorted(p.name for p in (folder / paths.BACKUP_DIR).iterdir()) == backups_before


def test_restore_replaces_any_damaged_file_and_sets_it_aside(damaged, capsys):
    folder, _kind = damaged
    file = folder / paths.DATABASE_FILE
    before = file.read_bytes()
    saved = next((folder / paths.BACKUP_DIR).iterdir())
    assert main(["--data-dir", str(folder), "restore", str(saved), "--yes"]) == 0
    assert "mise de côté" in capsys.readouterr().err
    aside = [p for p in folder.iterdir() if diagnosis.DAMAGED_SUFFIX in p.name and not p.name.endswith(("wal", "shm"))]
    assert len(aside) == 1 and aside[0].read_bytes() == before
    assert diagnosis.diagnose(file) is None
    assert main(["--data-dir", str(folder), "check"]) == 0


def test_a_file_that_is_not_sqlite_is_not_taken_for_an_encrypted_one(sound_folder, monkeypatch):
    def never(_path):
        raise AssertionError("la phrase de passe ne doit pas être demandée")

    encryption.set_passphrase_provider(never)
    try:
        _damage(sound_folder / paths.DATABASE_FILE, "pas SQLite")
        with pytest.raises(diagnosis.DamagedDatabase) as refused:
            open_database(sound_folder)
        assert refused.value.damage.kind == diagnosis.UNREADABLE
        assert "fichier illisible" in str(refused.value)
    finally:
        encryption.set_passphrase_provider(None)


def test_an_encrypted_database_is_recorded_and_still_asks_its_passphrase(sound_folder, monkeypatch):
    db = open_database(sound_folder)
    encryption.change_encryption(db, "phrase-de-passe-longue")
    db.close()
    assert diagnosis.encryption_recorded(sound_folder) is True
    monkeypatch.setenv(encryption.PASSPHRASE_ENV, "phrase-de-passe-longue")
    reopened = open_database(sound_folder)
    assert reopened.passphrase == "phrase-de-passe-longue"
    reopened.close()


# --- the window ----------------------------------------------------------------------------------------------------


def test_the_window_opens_the_recovery_screen_and_restores(damaged, qtbot):
    from pae_desktop.ui.app import make_application, open_window
    from pae_desktop.ui.main_window import MainWindow, WelcomePage
    from pae_desktop.ui.recovery import RecoveryWindow

    folder, kind = damaged
    file = folder / paths.DATABASE_FILE
    before = file.read_bytes()
    window = open_window(make_application(), str(folder), None)
    assert isinstance(window, RecoveryWindow)
    qtbot.addWidget(window)
    page = window.page
    assert page.damage.kind == EXPECTED[kind]
    assert "ne peut pas être ouverte" in page.problem.text()
    rows = page.model.rows()
    assert len(rows) == 1 and rows[0].usable and rows[0].youths == 0 and not rows[0].encrypted
    assert page.restore_button.isEnabled() and not page.fresh_button.isVisibleTo(page)
    page.restore_selected()
    assert isinstance(window.main_window, MainWindow)
    qtbot.addWidget(window.main_window)
    assert not any(isinstance(window.main_window.stack.widget(i), WelcomePage) for i in range(window.main_window.stack.count()))
    aside = [p for p in folder.iterdir() if diagnosis.DAMAGED_SUFFIX in p.name and not p.name.endswith(("wal", "shm"))]
    assert len(aside) == 1 and aside[0].read_bytes() == before
    window.main_window.context.db.close()


def test_without_backups_the_screen_offers_a_fresh_start_never_a_silent_one(tmp_path, qtbot):
    from pae_desktop.ui.app import make_application, open_window
    from pae_desktop.ui.main_window import MainWindow
    from pae_desktop.ui.recovery import RecoveryWindow

    folder = tmp_path / "donnees"
    folder.mkdir()
    (folder / paths.DATABASE_FILE).write_bytes(b"")
    window = open_window(make_application(), str(folder), None)
    assert isinstance(window, RecoveryWindow)
    qtbot.addWidget(window)
    assert not window.page.restore_button.isEnabled() and window.page.fresh_button.isVisibleTo(window.page)
    window.page.start_fresh()
    assert isinstance(window.main_window, MainWindow)
    qtbot.addWidget(window.main_window)
    assert any(diagnosis.DAMAGED_SUFFIX in p.name for p in folder.iterdir())
    window.main_window.context.db.close()
