"""Keyboard-complete: the Bilan drill-down, every list opening its file with Enter, the contact history."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from pae_desktop.core import indicators as ind
from pae_desktop.ui.bilan_charts import FUNNEL
from pae_desktop.ui.bilan_dialogs import YouthListDialog
from ui_catalogue import _ids, _select_tab, _settle

pytest_plugins = ("ui_catalogue",)


def _press(qtbot, widget, key) -> None:
    widget.setFocus()
    qtbot.keyClick(widget, key)
    QApplication.processEvents()


@pytest.fixture
def bilan(demo_window):
    return _select_tab(demo_window, "Bilan")


def test_the_funnel_opens_its_bars_youths_with_the_keyboard(qtbot, bilan):
    funnel = bilan.funnel
    assert funnel.focusPolicy() & Qt.FocusPolicy.TabFocus
    _press(qtbot, funnel, Qt.Key.Key_Down)
    qtbot.keyClick(funnel, Qt.Key.Key_Down)
    qtbot.keyClick(funnel, Qt.Key.Key_Return)
    assert isinstance(bilan.dialog, YouthListDialog)
    assert bilan.dialog.windowTitle().startswith(ind.POPULATION[FUNNEL[2]].label) or (
        ind.POPULATION[FUNNEL[2]].label in bilan.dialog.windowTitle()
    )
    assert "Barre choisie : " + ind.POPULATION[FUNNEL[2]].label in funnel.accessibleDescription()
    bilan.dialog.close()
    qtbot.keyClick(funnel, Qt.Key.Key_End)
    qtbot.keyClick(funnel, Qt.Key.Key_Space)
    assert ind.POPULATION[FUNNEL[-1]].label in bilan.dialog.windowTitle()
    bilan.dialog.close()


def test_an_indicator_row_opens_its_youths_with_enter_or_space(qtbot, bilan):
    table = bilan.table
    rows = [r for r in range(table.rowCount()) if table.item(r, 2) is not None and table.item(r, 2).text()]
    assert rows
    table.setCurrentCell(rows[0], 0)  # the keyboard is on the label's column: the row's youths all the same
    _press(qtbot, table, Qt.Key.Key_Return)
    assert isinstance(bilan.dialog, YouthListDialog)
    first = bilan.dialog
    first.close()
    _press(qtbot, table, Qt.Key.Key_Space)
    assert bilan.dialog is not first and isinstance(bilan.dialog, YouthListDialog)
    bilan.dialog.close()


def test_the_youth_list_of_the_bilan_opens_a_file_with_enter(qtbot, demo_window):
    opened = []
    demo_window.context.open_youth.connect(opened.append)
    ids = _ids(demo_window.context.db)
    dialog = YouthListDialog(demo_window.context, "Jeunes", [(ids["youth"], "DUPONT Jeanne", "T", "CAP")])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.table.setCurrentCell(0, 0)
    _press(qtbot, dialog.table, Qt.Key.Key_Enter)
    assert opened == [ids["youth"]]


def test_enter_on_the_caseload_goes_into_the_youths_file(qtbot, demo_window):
    caseload = _select_tab(demo_window, "Élèves")
    caseload.table.selectRow(0)
    _settle()
    _press(qtbot, caseload.table, Qt.Key.Key_Return)
    assert QApplication.focusWidget() is caseload.detail.last_name


def test_enter_on_the_pathway_list_goes_into_the_pathway(qtbot, demo_window):
    pathways = _select_tab(demo_window, "Parcours")
    pathways.table.selectRow(0)
    _press(qtbot, pathways.table, Qt.Key.Key_Return)
    focused = QApplication.focusWidget()
    assert focused is not None and pathways.editor.isAncestorOf(focused)


def test_enter_on_the_directory_edits_the_partner(qtbot, demo_window, monkeypatch):
    from pae_desktop.ui.directory import PartnerDialog

    edited = []
    monkeypatch.setattr(PartnerDialog, "exec", lambda dialog: edited.append(dialog.windowTitle()) or 0)
    directory = _select_tab(demo_window, "Annuaire")
    directory.partners.selectRow(1)  # row 0: the school staff, not a partner
    _press(qtbot, directory.partners, Qt.Key.Key_Return)
    assert len(edited) == 1


def test_enter_on_a_phase1_list_edits_the_record(qtbot, demo_window, monkeypatch):
    phase1 = _select_tab(demo_window, "AvenirPro")
    pages = [phase1.tabs.widget(i) for i in range(phase1.tabs.count())]
    page = next(p for p in pages if hasattr(p, "open_dialog") and p.table.rowCount())
    phase1.tabs.setCurrentWidget(page)
    edited = []
    monkeypatch.setattr(page, "open_dialog", edited.append)
    page.table.selectRow(0)
    _press(qtbot, page.table, Qt.Key.Key_Return)
    assert edited == [page.selected()[0]]


def test_the_contact_history_takes_the_focus_and_edits_with_enter(qtbot, demo_window, monkeypatch):
    from pae_desktop.ui.contact_dialog import ContactDialog

    ids = _ids(demo_window.context.db, demo_window.context.campaign_id)
    dialog = ContactDialog(demo_window.context, ids["youth"], demo_window)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.table.focusPolicy() & Qt.FocusPolicy.TabFocus
    assert dialog.table.model().rowCount() > 0
    edited = []
    monkeypatch.setattr(dialog, "edit_selected", lambda: edited.append(True))
    dialog.table.selectRow(0)
    _press(qtbot, dialog.table, Qt.Key.Key_Return)
    assert edited == [True]
    assert dialog.isVisible()  # Enter on the history does not press «Enregistrer»


def test_the_focus_ring_is_drawn_in_the_highlight_colour(qtbot, qapp):
    from PySide6.QtWidgets import QPushButton, QVBoxLayout, QWidget

    from pae_desktop.ui.keyboard import show_focus

    before = qapp.styleSheet()
    show_focus(qapp)
    show_focus(qapp)  # once only
    try:
        assert qapp.styleSheet().count("QAbstractItemView:focus") == 1
        page = QWidget()
        qtbot.addWidget(page)
        layout = QVBoxLayout(page)
        first, second = QPushButton("Premier"), QPushButton("Second")
        layout.addWidget(first)
        layout.addWidget(second)
        page.show()
        qtbot.waitExposed(page)
        page.activateWindow()
        first.setFocus()
        qtbot.waitUntil(first.hasFocus)
        highlight = first.palette().highlight().color()
        edge = first.grab().toImage().pixelColor(1, first.height() // 2)
        plain = second.grab().toImage().pixelColor(1, second.height() // 2)
        assert edge == highlight and plain != highlight
    finally:
        qapp.setStyleSheet(before)


def test_the_application_runs_with_the_mnemonics_and_the_focus_ring_then_leaves_none(qtbot, qapp, monkeypatch):
    import gc

    from PySide6.QtWidgets import QWidget

    from pae_desktop.ui import app as app_module
    from pae_desktop.ui.keyboard import FOCUS_STYLE
    from pae_desktop.ui.mnemonics import MnemonicFilter

    seen = {}
    window = QWidget()
    qtbot.addWidget(window)

    def open_window(app, data_dir, database_url):
        seen["filter"] = app.findChild(MnemonicFilter) is not None
        seen["ring"] = FOCUS_STYLE in app.styleSheet()
        return window

    monkeypatch.setattr(app_module, "make_application", lambda: qapp)
    monkeypatch.setattr(app_module, "open_window", open_window)
    monkeypatch.setenv("PAE_DESKTOP_EXIT_AFTER_SHOW", "1")
    try:
        assert app_module.run_app() == 0
    finally:
        gc.unfreeze()
    assert seen == {"filter": True, "ring": True}
    assert qapp.findChild(MnemonicFilter) is None and FOCUS_STYLE not in qapp.styleSheet()


def test_tab_leaves_every_table_of_every_screen(qtbot, demo_window, tmp_path, qapp):
    from PySide6.QtWidgets import QAbstractItemView, QTableView

    from pae_desktop.ui.mnemonics import install_mnemonics
    from ui_catalogue import screens

    installed = install_mnemonics(qapp)
    try:
        tables = 0
        for name, window in screens(qtbot, demo_window, tmp_path):
            installed.flush()
            for view in window.findChildren(QAbstractItemView):
                if view.isVisible():
                    tables += isinstance(view, QTableView)
                    assert not view.tabKeyNavigation(), f"{name} : Tab parcourt les cellules de {view.accessibleName()}"
        assert tables > 20
    finally:
        qapp.removeEventFilter(installed)
        installed.setParent(None)
