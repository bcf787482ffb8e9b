"""The «Bilan» tab: numbers of the core's report, drill-down lists, exports and consolidation with dialogs patched."""

from __future__ import annotations

import json

import pytest
from pypdf import PdfReader
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import select

from foquale_rows import campaign_a
from pae_desktop.core import indicators
from pae_desktop.core.models import AuditEvent
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.reporting import campaign_report
from pae_desktop.io import foquale
from pae_desktop.ui import tasks
from pae_desktop.ui.bilan import BilanView, NetworkReportDialog, YouthListDialog
from pae_desktop.ui.context import AppContext


@pytest.fixture(autouse=True)
def immediate_tasks():
    tasks.use_runner(tasks.run_now)
    yield
    tasks.use_runner(tasks.run_in_thread)


@pytest.fixture
def messages(monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "information", lambda _p, title, text, *a, **k: shown.append(text))
    monkeypatch.setattr(
        QMessageBox,
        "warning",
        lambda _p, title, text, *a, **k: shown.append(text) or QMessageBox.StandardButton.Yes,
    )
    return shown


@pytest.fixture
def view(qtbot, demo_db):
    with demo_db.read() as session:
        campaign_id = get_campaign(session, 2025).id
    context = AppContext(demo_db, campaign_id)
    widget = BilanView(context)
    qtbot.addWidget(widget)
    widget.resize(1200, 900)
    widget.show()
    return widget


def test_numbers_are_the_reports(view, demo_db):
    with demo_db.read() as session:
        report, _rows = campaign_report(session)
    table = view.table
    values = {
        table.item(r, 0).data(Qt.ItemDataRole.UserRole): table.item(r, 1).text()
        for r in range(table.rowCount())
    }
    assert values["effectif"] == "150"
    expected = f"{report.indicators['taux_engagement'] * 100:.1f}".replace(".", ",")
    assert values["taux_engagement"].startswith(expected)
    row = next(
        r
        for r in range(table.rowCount())
        if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == "taux_engagement"
    )
    assert table.item(row, 3).text().startswith("66,0")  # académie 2023
    assert table.item(row, 2).text() == str(report.counts["engages"])
    assert view.funnel.counts["parcours"] == report.counts["parcours"]


def test_clicking_a_count_lists_the_youths_and_opens_one(view, qtbot):
    table = view.table
    row = next(
        r
        for r in range(table.rowCount())
        if table.item(r, 0).data(Qt.ItemDataRole.UserRole) == "taux_abandon"
    )
    view._cell_clicked(row, 2)
    dialog = view.dialog
    assert isinstance(dialog, YouthListDialog)
    rows = view.loaded.keyed
    expected = {youth_id for youth_id, r in rows if r["date_debut_parcours"] and r["abandon"] == "O"}
    assert set(dialog.ids()) == expected and len(expected) == int(table.item(row, 2).text())
    opened = []
    view.context.open_youth.connect(opened.append)
    index = dialog.table.model().index(0, 0)
    dialog.table.doubleClicked.emit(index)
    assert opened == [dialog.table.item(0, 0).data(Qt.ItemDataRole.UserRole)] and opened[0] in expected


def test_clicking_a_funnel_bar(view, qtbot):
    bar = view.funnel
    y = 5 + 6 * (bar.BAR + bar.GAP) + bar.BAR // 2  # the seventh bar: «Parcours»
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=QPoint(bar.LABEL + 5, y))
    assert view.dialog.windowTitle() == indicators.POPULATION["parcours"].label
    assert len(view.dialog.ids()) == view.loaded.report.counts["parcours"]


def test_save_pdf_and_xlsx(view, tmp_path, monkeypatch, messages, demo_db):
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "bilan"), ""))
    view.save_pdf()
    text = "".join(page.extract_text() for page in PdfReader(tmp_path / "bilan.pdf").pages)
    assert "Bilan de campagne 2025" in text
    with demo_db.read() as session:
        printed = session.scalars(select(AuditEvent).where(AuditEvent.action == "print")).all()
    assert [e.detail for e in printed] == ["bilan"]
    view.save_xlsx()
    assert (tmp_path / "bilan.xlsx").stat().st_size > 0
    assert any("bilan.xlsx" in m for m in messages)


def test_export_pseudonymised_by_default(view, tmp_path, monkeypatch, messages, demo_db):
    monkeypatch.setattr(view, "ask_nominative", lambda: False)
    monkeypatch.setattr(
        QFileDialog, "getSaveFileName", lambda _p, _t, suggested, _f: (str(tmp_path / suggested), "")
    )
    view.export_foquale()
    (written,) = tmp_path.glob("PAE_0549999A_2025_*.csv")
    rows = foquale.read_file(written).rows
    assert len(rows) == 150 and all(r["nom"] == "" for r in rows)
    with demo_db.read() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.nominative.is_(True))).first() is None


def test_export_nominative_after_explicit_choice_is_audited(view, tmp_path, monkeypatch, messages, demo_db):
    monkeypatch.setattr(view, "ask_nominative", lambda: True)
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "nominatif.csv"), ""))
    view.export_foquale()
    rows = foquale.read_file(tmp_path / "nominatif.csv").rows
    assert all(r["nom"] for r in rows)
    with demo_db.read() as session:
        assert len(session.scalars(select(AuditEvent).where(AuditEvent.nominative.is_(True))).all()) == 1


def test_nominative_choice_needs_confirmation(view, monkeypatch):
    def fake_exec(box):
        box.clickedButton = lambda: next(b for b in box.buttons() if b.text().startswith("Nominatif"))
        return 0

    monkeypatch.setattr(QMessageBox, "exec", fake_exec)
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.No)
    assert view.ask_nominative() is None  # not confirmed: nothing exported
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Yes)
    assert view.ask_nominative() is True


def test_consolidation_from_the_tab(view, tmp_path, monkeypatch, messages):
    good = tmp_path / "a.csv"
    foquale.write_rows(good, campaign_a())
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(good)], ""))
    view.consolidate()
    dialog = view.dialog
    assert isinstance(dialog, NetworkReportDialog)
    assert dialog.table.horizontalHeaderItem(3).text() == "0759999L"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "reseau.json"), ""))
    dialog.save("json")
    doc = json.loads((tmp_path / "reseau.json").read_text(encoding="utf-8"))
    assert doc["par_etablissement"]["0759999L"] == indicators.compute(campaign_a())


def test_invalid_files_refused_naming_file_line_column(view, tmp_path, monkeypatch):
    rows = campaign_a()
    rows[2]["decision"] = "PEUT-ETRE"  # line 4
    bad = tmp_path / "mauvais.csv"
    foquale.write_rows(bad, rows)
    monkeypatch.setattr(QFileDialog, "getOpenFileNames", lambda *a, **k: ([str(bad)], ""))
    view.consolidate()
    box = view.dialog
    assert isinstance(box, QMessageBox) and "refusés" in box.text()
    assert "mauvais.csv, ligne 4, colonne decision" in box.informativeText()


def test_screenshot(view, tmp_path):
    path = tmp_path / "bilan.png"
    assert view.grab().save(str(path))
    assert path.stat().st_size > 10_000


def test_report_loads_off_the_gui_thread(qtbot, demo_db, monkeypatch):
    from PySide6.QtCore import QThread
    from PySide6.QtWidgets import QApplication

    tasks.use_runner(tasks.run_in_thread)  # the real helper; the autouse fixture restores run_now's pair
    shown_on = []
    original = BilanView._show
    monkeypatch.setattr(
        BilanView,
        "_show",
        lambda self, report: (
            shown_on.append(QThread.currentThread() is QApplication.instance().thread())
            or original(self, report)
        ),
    )
    with demo_db.read() as session:
        campaign_id = get_campaign(session, 2025).id
    widget = BilanView(AppContext(demo_db, campaign_id))
    qtbot.addWidget(widget)
    assert widget.summary.text() == "Calcul des indicateurs…"
    qtbot.waitUntil(lambda: widget.loaded is not None, timeout=60_000)
    assert widget.table.rowCount() == len(indicators.displayed(widget.loaded.report.indicators))
    assert widget.funnel.counts["effectif"] == 150
    assert shown_on == [True]  # widgets filled on the GUI thread


def test_empty_campaign_and_no_campaign(qtbot, school_db):
    with school_db.read() as session:
        campaign_id = get_campaign(session, 2025).id
    widget = BilanView(AppContext(school_db, campaign_id))
    qtbot.addWidget(widget)
    assert widget.funnel.counts["effectif"] == 0
    values = {
        widget.table.item(r, 0).data(Qt.ItemDataRole.UserRole): widget.table.item(r, 1).text()
        for r in range(widget.table.rowCount())
    }
    assert values["taux_contact"] == "—"
    none = BilanView(AppContext(school_db, None))
    qtbot.addWidget(none)
    assert "Aucune campagne" in none.summary.text() and not none.pdf_button.isEnabled()
