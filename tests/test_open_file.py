"""A file given to the program without a subcommand (the desktop entry's %F): the window opens on its import."""

from __future__ import annotations

import configparser
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from fixtures.siecle.builder import Student, eleves_xml, write_zip
from pae_desktop import cli
from pae_desktop.ui import tasks

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def export(tmp_path):
    students = [Student("1", "DURANDEAU", "Kylian", ine="090123456CA")]
    return write_zip(tmp_path / "export.zip", {"ElevesSansAdresses.xml": eleves_xml(students)})


@pytest.fixture
def opened(monkeypatch):
    """ui.app.run_app replaced: what main() asked the window to open."""
    from pae_desktop.ui import app as app_module

    calls = []
    monkeypatch.setattr(app_module, "run_app", lambda **kwargs: calls.append(kwargs) or 0)
    return calls


def test_a_file_opens_the_window_on_its_import(export, tmp_path, opened):
    assert cli.main(["--data-dir", str(tmp_path / "d"), str(export)]) == 0
    assert opened == [{"data_dir": str(tmp_path / "d"), "database_url": None, "import_files": [str(export)]}]


def test_a_file_named_like_a_command_is_still_a_file(tmp_path, monkeypatch, opened):
    """`export.zip` in the current folder is not the subcommand `export`, nor is a file named `demo`."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "export.zip").write_bytes(b"PK")
    (tmp_path / "liste.csv").write_text("nom\n", encoding="utf-8")
    assert cli.main(["export.zip", "liste.csv"]) == 0
    assert opened[0]["import_files"] == [str(tmp_path / "export.zip"), str(tmp_path / "liste.csv")]


def test_a_missing_file_is_said_in_french_with_status_1(tmp_path, capsys, opened):
    missing = tmp_path / "absent" / "export.zip"
    assert cli.main([str(missing)]) == 1
    assert f"fichier introuvable : « {missing} »" in capsys.readouterr().err
    assert opened == []


def test_subcommands_and_usage_errors_are_unchanged(capsys):
    with pytest.raises(SystemExit) as exited:
        cli.main(["exprot"])
    assert exited.value.code == 2
    assert "choix invalide" in capsys.readouterr().err


def test_the_window_imports_the_files_once_shown(qapp, monkeypatch):
    from pae_desktop.ui import app as app_module

    class Window:
        imported: list[list[str]] = []

        def import_files(self, paths):
            self.imported.append(paths)

    monkeypatch.setattr(app_module, "make_application", lambda: qapp)
    monkeypatch.setattr(app_module, "open_window", lambda app, data_dir, database_url: Window())
    monkeypatch.setenv("PAE_DESKTOP_EXIT_AFTER_SHOW", "1")
    import gc

    try:
        assert app_module.run_app(import_files=["/tmp/export.zip"]) == 0
    finally:
        gc.unfreeze()
    assert Window.imported == [["/tmp/export.zip"]]


def test_the_import_dialog_opens_preloaded_and_reads_the_file(qtbot, school_db, export, monkeypatch):
    from pae_desktop.ui.import_dialog import ImportDialog
    from pae_desktop.ui.main_window import MainWindow

    tasks.use_runner(tasks.run_now)
    seen = []

    def exec_(dialog):
        qtbot.waitUntil(lambda: dialog.pages.currentWidget() is not dialog.files_page)  # read at once
        seen.append((dialog.paths(), dialog.pages.currentWidget() is dialog.preview_page))
        return 0

    monkeypatch.setattr(ImportDialog, "exec", exec_)
    try:
        window = MainWindow(school_db, maintenance=False)
        qtbot.addWidget(window)
        window.import_files([str(export)])
    finally:
        tasks.use_runner(tasks.run_in_thread)
    assert seen == [([str(export)], True)]


def test_a_file_that_is_not_an_export_gets_the_dialogs_french_error(qtbot, school_db, tmp_path, monkeypatch):
    from pae_desktop.ui.context import AppContext
    from pae_desktop.ui.import_dialog import ImportDialog

    monkeypatch.setattr(QMessageBox, "information", lambda *args, **kwargs: None)
    bad = tmp_path / "photo.zip"
    bad.write_bytes(b"ceci n'est pas une archive")
    tasks.use_runner(tasks.run_now)
    try:
        dialog = ImportDialog(AppContext(school_db, None), [str(bad)], None)
        qtbot.addWidget(dialog)
        dialog.read_files()
    finally:
        tasks.use_runner(tasks.run_in_thread)
    assert dialog.pages.currentWidget() is dialog.files_page
    assert "Le fichier « photo.zip »" in dialog.message.text() and not dialog.message.isHidden()


def test_the_desktop_entry_passes_files_and_declares_their_types():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(ROOT / "installers" / "pae-desktop.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Exec"].endswith(" %F")
    types = set(filter(None, section["MimeType"].split(";")))
    assert {"application/zip", "application/xml", "text/csv"} <= types
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in types
