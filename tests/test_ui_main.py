"""The main window on real databases: welcome screen, search and filters typed into real widgets, the detail panel."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from pae_desktop.core.models import School, Youth
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.demo import demo_years
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import Stage
from pae_desktop.ui import tasks
from pae_desktop.ui.main_window import MainWindow, WelcomePage
from pae_desktop.ui.settings_dialog import SettingsDialog


@pytest.fixture(autouse=True)
def immediate_tasks(monkeypatch):
    # a modal question left open would block the run: answer «Oui» unless a test says otherwise
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    tasks.use_runner(tasks.run_now)
    yield
    tasks.use_runner(tasks.run_in_thread)


@pytest.fixture
def window_on(qtbot):
    windows = []

    def make(database):
        window = MainWindow(database, maintenance=False)
        qtbot.addWidget(window)
        with qtbot.waitExposed(window):  # the lists load once the window is painted
            window.show()
        if window.tabs is not None:  # these tests are about «Élèves»; the window opens on «Accueil»
            window.tabs.setCurrentWidget(window.views["CaseloadView"])
        windows.append(window)
        return window

    yield make


def visible_rows(window) -> int:
    return window.caseload.proxy.rowCount()


def add_youths(db, *forms):
    with db.transaction() as session:
        campaign = get_campaign(session, 2025)
        for form in forms:
            save_youth(session, campaign, form)


def test_first_launch_shows_the_welcome_page(window_on, db):
    window = window_on(db)
    assert isinstance(window.stack.currentWidget(), WelcomePage)
    assert not window.new_youth_action.isEnabled()


def test_search_ignores_case_and_accents(window_on, qtbot, school_db):
    add_youths(
        school_db,
        YouthForm(last_name="Martin", first_names="Élodie"),
        YouthForm(last_name="Cœur", first_names="Jade"),
        YouthForm(last_name="Durand", first_names="Paul", ine="071340028HH"),
    )
    window = window_on(school_db)
    caseload = window.caseload
    assert visible_rows(window) == 3
    qtbot.keyClicks(caseload.search, "elodie")
    assert visible_rows(window) == 1
    assert caseload.proxy.index(0, 0).data() == "MARTIN Élodie"
    caseload.search.clear()
    qtbot.keyClicks(caseload.search, "COEUR")
    assert visible_rows(window) == 1
    caseload.search.clear()
    qtbot.keyClicks(caseload.search, "071340")
    assert visible_rows(window) == 1
    caseload.search.clear()
    qtbot.keyClicks(caseload.search, "zzz")
    assert visible_rows(window) == 0
    assert "0 jeune affiché sur 3" in caseload.count_label.text()


def test_filters_on_the_demo_caseload(window_on, qtbot, demo_db):
    window = window_on(demo_db)
    caseload = window.caseload
    assert visible_rows(window) == 150
    stage_index = caseload.stage_filter.findData(Stage.SORTI.value)
    caseload.stage_filter.setCurrentIndex(stage_index)
    sortis = visible_rows(window)
    assert 0 < sortis < 150
    assert all(caseload.proxy.index(r, 4).data() == Stage.SORTI.label for r in range(sortis))
    caseload.stage_filter.setCurrentIndex(0)
    caseload.diploma_filter.setCurrentIndex(caseload.diploma_filter.findData("CAP"))
    caps = visible_rows(window)
    assert 0 < caps < 150
    caseload.division_filter.setCurrentIndex(caseload.division_filter.findData("TCAP-CUI"))
    assert 0 < visible_rows(window) < caps
    assert {caseload.proxy.index(r, 1).data() for r in range(visible_rows(window))} == {"TCAP-CUI"}


def test_sorting_uses_raw_dates(window_on, demo_db):
    window = window_on(demo_db)
    table = window.caseload.table
    table.sortByColumn(5, Qt.SortOrder.DescendingOrder)
    proxy = window.caseload.proxy
    first = proxy.index(0, 5).data()
    assert first  # the most recent contact first, not the largest string
    dates = [
        dt.datetime.strptime(proxy.index(r, 5).data(), "%d/%m/%Y %H h %M")  # «10/09/2025 14 h 30»
        for r in range(20)
        if proxy.index(r, 5).data()
    ]
    assert dates == sorted(dates, reverse=True)


def test_create_youth_with_bad_ine_warns_and_saves(window_on, qtbot, school_db):
    window = window_on(school_db)
    window.new_youth()
    detail = window.caseload.detail
    detail.last_name.insert("Lefèvre")  # QTest types ASCII only: accented text is inserted
    qtbot.keyClicks(detail.first_names, "Zoe")
    qtbot.keyClicks(detail.ine, "071340028HA")
    assert detail.field_messages["ine"].isVisibleTo(detail)
    qtbot.keyClick(detail.first_names, Qt.Key.Key_Return)
    with school_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Youth)) == 1
    assert "071340028HH" in detail.field_messages["ine"].text()
    assert visible_rows(window) == 1


def test_create_youth_without_name_is_refused(window_on, qtbot, school_db):
    window = window_on(school_db)
    window.new_youth()
    detail = window.caseload.detail
    qtbot.keyClicks(detail.first_names, "Zoe")
    qtbot.keyClicks(detail.birth_date, "31/02/2007")
    assert detail.save() is False
    assert (
        "31/02/2007" in detail.field_messages["birth_date"].text()
        or "n'existe pas" in detail.field_messages["birth_date"].text()
    )
    detail.birth_date.clear()
    assert detail.save() is False
    assert "obligatoire" in detail.field_messages["last_name"].text()
    with school_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Youth)) == 0


def test_escape_cancels_the_edit(window_on, qtbot, school_db):
    add_youths(school_db, YouthForm(last_name="Martin", first_names="Élodie"))
    window = window_on(school_db)
    window.caseload.table.selectRow(0)
    detail = window.caseload.detail
    qtbot.waitUntil(lambda: detail.youth_id is not None)
    detail.last_name.setFocus()
    detail.last_name.setText("Autre")
    qtbot.keyClick(detail.last_name, Qt.Key.Key_Escape)
    assert detail.last_name.text() == "Martin"
    assert not detail.is_dirty()


def test_unsaved_changes_ask_before_switching(window_on, qtbot, school_db, monkeypatch):
    add_youths(
        school_db,
        YouthForm(last_name="Martin", first_names="Élodie"),
        YouthForm(last_name="Petit", first_names="Léo"),
    )
    window = window_on(school_db)
    detail = window.caseload.detail
    window.caseload.table.selectRow(0)
    qtbot.waitUntil(lambda: detail.youth_id is not None)
    loaded = detail.youth_id
    detail.notes.setPlainText("Rappeler lundi")
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    window.caseload.table.selectRow(1)
    qtbot.wait(50)
    assert detail.youth_id == loaded and detail.notes.toPlainText() == "Rappeler lundi"


def test_settings_refuse_a_bad_uai(window_on, qtbot, db):
    window = window_on(db)
    dialog = SettingsDialog(window.context, window)
    qtbot.addWidget(dialog)
    dialog.school_page.name.insert("Lycée des Métiers")
    qtbot.keyClicks(dialog.school_page.uai, "0759999A")
    assert "0759999L" in dialog.school_page.uai_message.text()
    dialog.save()
    assert "0759999L" in dialog.message.text()
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(School)) == 0
    dialog.school_page.uai.setText("0759999L")
    dialog.save()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    window.show_content()
    assert window.tabs is not None and window.context.campaign_id is not None


def test_demo_opens_in_its_own_folder(window_on, db):
    window = window_on(db)
    window.open_demo()
    assert window.context.db.data_dir.name == "demonstration"
    assert visible_rows(window) == 150
    # the last closed campaign and the current one, the window on the current one (issue 15)
    closed, current = demo_years(dt.date.today())
    box = window.campaign_box
    assert box.count() == 2 and str(current) in box.currentText() and str(closed) in box.itemText(1)
    window.leave_demo()
    assert isinstance(window.stack.currentWidget(), WelcomePage)


def test_widgets_have_accessible_names(window_on, demo_db):
    window = window_on(demo_db)
    caseload = window.caseload
    for widget in (
        caseload.search,
        caseload.stage_filter,
        caseload.table,
        caseload.detail.last_name,
        caseload.detail.ine,
    ):
        assert widget.accessibleName()


def test_dossier_of_the_selected_youth_is_written(window_on, qtbot, demo_db, tmp_path, monkeypatch):
    from pypdf import PdfReader
    from PySide6.QtWidgets import QFileDialog

    window = window_on(demo_db)
    window.caseload.table.selectRow(0)
    detail = window.caseload.detail
    qtbot.waitUntil(lambda: detail.youth_id is not None)
    target = tmp_path / "dossier.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF (*.pdf)"))
    detail.export_dossier()
    text = "".join(page.extract_text() for page in PdfReader(target).pages)
    assert detail.last_name.text().upper() in text.upper()
    assert "enregistré" in detail.form_message.text()


def test_settings_show_data_protection_once_the_school_exists(window_on, qtbot, school_db):
    window = window_on(school_db)
    dialog = SettingsDialog(window.context, window)
    qtbot.addWidget(dialog)
    titles = [dialog.tabs.tabText(i) for i in range(dialog.tabs.count())]
    assert "Protection des données" in titles
    dialog.protection_page.lock_minutes.setValue(7)
    dialog.save()
    from pae_desktop.core import settings

    with school_db.read() as session:
        assert settings.get(session, settings.LOCK_AFTER_MINUTES) == 7


def test_data_protection_menu_is_installed(window_on, demo_db):
    window = window_on(demo_db)
    menus = [action.text().replace("&", "") for action in window.menuBar().actions()]
    assert "Protection des données" in menus


def test_qt_speaks_french(qapp):
    from PySide6.QtCore import QCoreApplication

    from pae_desktop.ui.app import install_french

    install_french(qapp)
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"
    assert QCoreApplication.translate("QPlatformTheme", "&Yes") == "&Oui"


def test_uncaught_error_is_shown_in_french_and_logged(qapp, tmp_path, no_blocking_message_boxes):
    import logging
    import sys

    from pae_desktop.ui.app import install_excepthook, setup_logging

    log_file = setup_logging(tmp_path)
    previous = sys.excepthook
    install_excepthook(log_file)
    try:
        try:
            raise RuntimeError("panne simulée")
        except RuntimeError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous
        for handler in list(logging.getLogger().handlers):
            if getattr(handler, "baseFilename", "") == str(log_file):
                logging.getLogger().removeHandler(handler)
                handler.close()
    kind, text = no_blocking_message_boxes[-1]
    assert kind == "critical" and "erreur inattendue" in text and str(log_file) in text
    assert "panne simulée" in log_file.read_text(encoding="utf-8")


def test_new_campaign_and_switching(window_on, qtbot, demo_db):
    window = window_on(demo_db)
    assert visible_rows(window) == 150
    dialog = SettingsDialog(window.context, window, new_campaign=True)
    qtbot.addWidget(dialog)
    assert dialog.campaign_page.year.value() == 2026
    assert dialog.campaign_page.interview_deadline.text() == "17/09/2026"
    dialog.save()
    assert window.campaign_box.count() == 2
    assert window.campaign_box.currentText().startswith("Campagne 2026")
    assert visible_rows(window) == 0
    window.campaign_box.setCurrentIndex(window.campaign_box.findText("Campagne 2025 (rentrée 2025)"))
    assert visible_rows(window) == 150


def test_caseload_loads_off_the_gui_thread_and_selects_once_loaded(qtbot, school_db, monkeypatch):
    import threading

    from pae_desktop.ui.caseload import CaseloadView
    from pae_desktop.ui.context import AppContext

    add_youths(
        school_db,
        YouthForm(last_name="Martin", first_names="Élodie"),
        YouthForm(last_name="Durand", first_names="Paul"),
    )
    with school_db.read() as session:
        campaign_id = get_campaign(session, 2025).id
        durand = session.scalars(select(Youth.id).where(Youth.last_name == "Durand")).one()
    release, threads = threading.Event(), []
    real_load = CaseloadView._load

    def slow_load(db, campaign):
        threads.append(threading.current_thread())
        release.wait(10)
        return real_load(db, campaign)

    monkeypatch.setattr(CaseloadView, "_load", staticmethod(slow_load))
    tasks.use_runner(tasks.run_in_thread)
    view = CaseloadView(AppContext(school_db, campaign_id))
    qtbot.addWidget(view)
    view.show()
    assert view.count_label.text() == "Chargement des élèves…" and view.model.rowCount() == 0
    view.select_youth(durand)  # asked for from «Accueil» while the rows are on their way
    release.set()
    qtbot.waitUntil(lambda: not view.loader.running, timeout=10_000)
    assert threads[0] is not threading.main_thread()
    assert view.model.rowCount() == 2 and view.count_label.text() == "2 jeunes affichés sur 2"
    assert view.selected_id() == durand


PAINT_PROBE = """
import sys
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication


class FirstPaint(QObject):
    seen = False

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            print("models" if "pae_desktop.core.models" in sys.modules else "no models", flush=True)
            QTimer.singleShot(0, QApplication.quit)
        return False


app = QApplication(sys.argv[:1])
spy = FirstPaint()
app.installEventFilter(spy)
from pae_desktop.cli import main
sys.exit(main(sys.argv[1:]))
"""


def test_the_window_paints_before_the_orm_models_are_imported(tmp_path):
    """Declaring and configuring the models takes a quarter of a second: the background load pays it after."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    data = str(tmp_path / "donnees")
    demo = [sys.executable, "-m", "pae_desktop", "demo", "--students", "20", "--data-dir", data]
    subprocess.run(demo, check=True, capture_output=True, env=env)
    probe = [sys.executable, "-c", PAINT_PROBE, "--data-dir", data]
    out = subprocess.run(probe, check=True, capture_output=True, text=True, env=env, timeout=120).stdout
    assert out.split("\n")[0] == "no models"


@pytest.fixture
def start_up(monkeypatch, qapp):
    """ui.app.run_app with the window's opening replaced: returns what the collector was doing meanwhile."""
    import gc

    from pae_desktop.ui import app as app_module

    seen = {}

    def opening(window):
        def open_window(app, data_dir, database_url):
            seen["collector_on"] = gc.isenabled()
            return window

        return open_window

    monkeypatch.setattr(app_module, "make_application", lambda: qapp)
    monkeypatch.setenv("PAE_DESKTOP_EXIT_AFTER_SHOW", "1")

    def run(window):
        monkeypatch.setattr(app_module, "open_window", opening(window))
        try:
            status = app_module.run_app()
        finally:
            gc.unfreeze()
        return status, seen["collector_on"], gc.isenabled()

    return run


def test_the_collector_pauses_while_the_window_opens_and_resumes_once_shown(start_up, qtbot):
    from PySide6.QtWidgets import QWidget

    window = QWidget()
    qtbot.addWidget(window)
    assert start_up(window) == (0, False, True)


def test_the_collector_resumes_when_the_database_cannot_be_opened(start_up):
    assert start_up(None) == (1, False, True)
