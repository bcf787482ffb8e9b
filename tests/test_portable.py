"""Portable mode (specs/cli.md): a file `portable` beside the program puts everything in `data/` beside it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from pae_desktop.storage import paths


@pytest.fixture
def frozen_program(tmp_path, monkeypatch):
    """A program folder as PyInstaller's one-folder bundle lays it out, the process «frozen» inside it."""
    folder = tmp_path / "PAE Desktop"
    (folder / "_internal").mkdir(parents=True)
    program = folder / ("pae-desktop.exe" if os.name == "nt" else "pae-desktop")
    program.write_bytes(b"")
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "executable", str(program))
    monkeypatch.setattr(sys, "_MEIPASS", str(folder / "_internal"), raising=False)
    monkeypatch.delenv(paths.DATA_DIR_ENV, raising=False)
    return folder


def test_frozen_program_with_marker_keeps_its_data_beside_it(frozen_program):
    (frozen_program / paths.PORTABLE_MARKER).write_text("")
    assert paths.executable_dir() == frozen_program.resolve()
    assert paths.resolve_data_dir() == frozen_program.resolve() / "data"
    # the bundled resources are found inside the bundle, not in the source tree
    assert paths.resources_dir() == frozen_program / "_internal" / "resources"


def test_frozen_program_without_marker_uses_the_user_folder(frozen_program):
    assert paths.portable_dir() is None
    assert frozen_program.resolve() not in paths.resolve_data_dir().parents


def test_explicit_folder_and_environment_win_over_the_marker(frozen_program, tmp_path, monkeypatch):
    (frozen_program / paths.PORTABLE_MARKER).write_text("")
    assert paths.resolve_data_dir(tmp_path / "ailleurs") == (tmp_path / "ailleurs").resolve()
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "env"))
    assert paths.resolve_data_dir() == (tmp_path / "env").resolve()


def test_a_folder_named_portable_is_not_the_marker(frozen_program):
    (frozen_program / paths.PORTABLE_MARKER).mkdir()
    assert paths.portable_dir() is None


def test_qt_settings_are_an_ini_file_in_the_data_folder(qapp, tmp_path):
    from PySide6.QtCore import QSettings

    from pae_desktop.ui.app import use_data_dir_settings

    data_dir = tmp_path / "data"
    data_dir.mkdir()
    try:
        use_data_dir_settings(data_dir)
        settings = QSettings()
        settings.setValue("fenetre/geometrie", "1280x800")
        settings.sync()
        written = Path(settings.fileName())
        assert settings.format() == QSettings.Format.IniFormat
        assert written.suffix == ".ini" and data_dir in written.parents
        assert "1280x800" in written.read_text(encoding="utf-8")
    finally:
        QSettings.setDefaultFormat(QSettings.Format.NativeFormat)


def test_portable_program_writes_nothing_outside_its_folder(tmp_path):
    """End to end: the command line run from a folder holding `portable` creates its database in `data/`."""
    folder = tmp_path / "cle-usb"
    folder.mkdir()
    (folder / paths.PORTABLE_MARKER).write_text("")
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if k != paths.DATA_DIR_ENV}
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / "share"), APPDATA=str(home / "appdata"))
    script = (
        "import sys; sys.argv[0] = sys.argv[1]; from pae_desktop.cli import main; "
        "raise SystemExit(main(['demo', '--students', '12']))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(folder / "pae-desktop")], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert (folder / "data" / paths.DATABASE_FILE).is_file()
    assert not any(home.rglob(paths.DATABASE_FILE))
