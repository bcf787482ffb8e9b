"""What the window remembers between sessions (QSettings in a test folder): geometry, tab, splitters, columns,
the last folder of each kind of file; restored only where it fits the screen."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QRect, QSettings
from PySide6.QtWidgets import QFileDialog, QMainWindow, QSplitter

from pae_desktop.storage.database import open_database
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.remembered import GEOMETRY, app_settings, restore_window
from pae_desktop.ui.screen_fit import available_area


def _window(qtbot, db):
    from pae_desktop.ui.main_window import MainWindow

    window = MainWindow(db, maintenance=False)
    qtbot.addWidget(window)
    window.show()
    return window


def test_settings_go_to_the_test_folder_never_the_users(private_qt_settings):
    settings = app_settings()
    assert settings.format() == QSettings.Format.IniFormat
    assert Path(settings.fileName()).is_relative_to(private_qt_settings)


def test_geometry_tab_splitter_and_columns_come_back_in_the_next_session(qtbot, school_db, data_dir):
    window = _window(qtbot, school_db)
    window.showNormal()
    area = available_area(window)
    window.setGeometry(area.left() + 20, area.top() + 40, area.width() // 2, area.height() // 2)
    wanted = window.geometry()
    window.tabs.setCurrentWidget(window.views["DirectoryView"])
    caseload = window.view("CaseloadView")
    splitter = caseload.findChild(QSplitter)
    splitter.setSizes([300, 700])
    sizes = splitter.sizes()
    caseload.table.setColumnWidth(1, 177)
    assert window.close()  # saves, then closes the database
    assert app_settings().value(GEOMETRY) is not None

    db = open_database(data_dir)
    try:
        again = _window(qtbot, db)
        assert again.geometry().size() == wanted.size()
        assert again.tabs.currentWidget() is again.views["DirectoryView"]
        caseload = again.view("CaseloadView")
        assert caseload.findChild(QSplitter).sizes() == sizes
        assert caseload.table.columnWidth(1) == 177
        again._quiet()
    finally:
        db.close()


def test_a_geometry_saved_on_a_larger_screen_is_fitted_to_this_one(qtbot, screen_clamp):
    big = QMainWindow()
    qtbot.addWidget(big)
    area = available_area(big)
    big.setGeometry(QRect(area.right() + 800, area.bottom() + 600, area.width() + 1000, area.height() + 700))
    app_settings().setValue(GEOMETRY, big.saveGeometry())

    window = QMainWindow()
    qtbot.addWidget(window)
    assert restore_window(window)
    window.show()
    assert area.contains(window.frameGeometry())
    assert window.width() <= area.width() and window.height() <= area.height()


def test_without_a_saved_geometry_the_window_takes_most_of_the_screen(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    assert not restore_window(window)
    area = available_area(window)
    assert area.contains(window.geometry())
    assert window.width() >= area.width() * 0.85 or window.isMaximized()


def test_each_kind_of_file_opens_in_its_last_folder(monkeypatch, tmp_path):
    pdfs, exports = tmp_path / "pdf", tmp_path / "exports"
    pdfs.mkdir()
    exports.mkdir()
    asked: list[str] = []

    def save(_parent, _caption, start, _filters):
        asked.append(start)
        return (str(pdfs / "dossier.pdf"), "PDF (*.pdf)") if len(asked) == 1 else ("", "")

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    assert file_dialogs.save_file_name(None, file_dialogs.PDF, "Dossier", "dossier_DUPONT.pdf", "PDF (*.pdf)")[0]
    file_dialogs.save_file_name(None, file_dialogs.PDF, "Dossier", "fiche_MARTIN.pdf", "PDF (*.pdf)")
    file_dialogs.save_file_name(None, file_dialogs.EXPORT, "Export", "liste.xlsx", "")
    assert asked == ["dossier_DUPONT.pdf", str(pdfs / "fiche_MARTIN.pdf"), "liste.xlsx"]

    chosen: list[str] = []

    def directory(_parent, _caption, start):
        chosen.append(start)
        return str(exports)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", directory)
    file_dialogs.existing_directory(None, file_dialogs.EXPORT, "Dossier", str(Path.home()))
    file_dialogs.existing_directory(None, file_dialogs.EXPORT, "Dossier", str(Path.home()))
    assert chosen == [str(Path.home()), str(exports)]
    assert file_dialogs.last_folder(file_dialogs.EXPORT) == str(exports)
    assert file_dialogs.last_folder(file_dialogs.PDF) == str(pdfs)


def test_a_folder_gone_since_is_forgotten(tmp_path):
    gone = tmp_path / "cle_usb"
    gone.mkdir()
    file_dialogs.remember_folder(file_dialogs.BACKUP, str(gone))
    gone.rmdir()
    assert file_dialogs.start_path(file_dialogs.BACKUP, "/home") == "/home"


def test_the_youth_file_print_asks_in_the_last_pdf_folder(qtbot, school_db, monkeypatch, tmp_path):
    """Through a real screen: the youth's file («Dossier complet») is offered in the last PDF folder."""
    folder = tmp_path / "impressions"
    folder.mkdir()
    file_dialogs.remember_folder(file_dialogs.PDF, str(folder / "ancien.pdf"))
    asked: list[str] = []

    def save(_parent, _caption, start, _filters):
        asked.append(start)
        return "", ""

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    from pae_desktop.ui.youth_detail import YouthDetail

    window = _window(qtbot, school_db)
    detail = YouthDetail(window.context, window)
    detail.youth_id = 1
    detail.last_name.setText("DUPONT")
    detail.export_dossier()
    window._quiet()
    assert asked == [str(folder / "dossier_DUPONT.pdf")]
