"""The office's screen of the PFMP allowance: periods and totals, filters, the audited export, reached from
«Parcours»; a double-clicked row opens the youth's pathway."""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QPushButton
from sqlalchemy import select

from pae_desktop.core.models import AuditEvent
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.ui.allowance import AllowanceDialog
from pae_desktop.ui.context import AppContext
from test_allowance import periods_db  # noqa: F401 - the fixture


def _dialog(qtbot, db, **kwargs) -> AllowanceDialog:
    with db.read() as session:
        campaign_id = get_campaign(session, 2025).id
    dialog = AllowanceDialog(AppContext(db, campaign_id), **kwargs)
    qtbot.addWidget(dialog)
    return dialog


def test_periods_totals_and_filters(qtbot, periods_db):  # noqa: F811
    db, first, second = periods_db
    dialog = _dialog(qtbot, db)
    assert dialog.periods.rowCount() == 3 and dialog.totals.rowCount() == 2
    summary = dialog.summary.text()
    assert "3 période(s) de PFMP pour 2 jeune(s)" in summary and "750\u00a0€" in summary
    assert "1 période(s) : jours effectués non saisis" in summary
    amounts = [dialog.periods.index(row, 11).data() for row in range(3)]
    assert amounts == ["0\u00a0€", "525\u00a0€", "225\u00a0€"]
    dialog.show_only.setCurrentText("Jours effectués non saisis")
    assert [r.youth_id for r in dialog.periods.rows()] == [second]
    assert [t.id for t in dialog.totals.rows()] == [second]
    dialog.show_only.setCurrentText("Plafond atteint")
    assert [r.youth_id for r in dialog.periods.rows()] == [first] and [t.id for t in dialog.totals.rows()] == [first]
    dialog.show_only.setCurrentText("Toutes les périodes")
    dialog.search.setText("garage")
    assert [r.company for r in dialog.periods.rows()] == ["Garage Dupont"]
    dialog.search.setText("eluard")
    assert [t.id for t in dialog.totals.rows()] == [second]


def test_export_from_the_screen_is_audited(qtbot, periods_db, tmp_path, monkeypatch, no_blocking_message_boxes):  # noqa: F811
    db, _first, _second = periods_db
    dialog = _dialog(qtbot, db)
    target = tmp_path / "aplypro"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Classeur (*.xlsx)"))
    assert dialog.export(".xlsx") == str(target) + ".xlsx"
    assert (tmp_path / "aplypro.xlsx").exists()
    assert any("3 période(s) de PFMP exportée(s)" in text for _kind, text in no_blocking_message_boxes)
    with db.read() as session:
        (event,) = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert event.nominative and "aplypro.xlsx" in event.detail
    # a folder that does not exist: refused inline, nothing written
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(tmp_path / "absent" / "x.csv"), ""))
    assert dialog.export(".csv") is None and "n'existe pas" in dialog.message.text()


def test_reached_from_the_pathways_tab_and_opens_a_pathway(qtbot, periods_db, monkeypatch):  # noqa: F811
    from pae_desktop.ui.pathway_editor import PathwaysView

    db, first, _second = periods_db
    opened: list[int] = []
    dialog = _dialog(qtbot, db, open_pathway=opened.append)
    dialog.tabs.setCurrentIndex(1)
    row = next(n for n in range(dialog.totals.rowCount()) if dialog.totals.row_at(n).id == first)
    dialog.total_table.selectRow(row)
    dialog.total_table.doubleClicked.emit(dialog.totals.index(row, 0))
    assert opened == [first]

    shown: list[AllowanceDialog] = []
    monkeypatch.setattr(AllowanceDialog, "exec", lambda self: shown.append(self) or 0)
    with db.read() as session:
        view = PathwaysView(AppContext(db, get_campaign(session, 2025).id))
    qtbot.addWidget(view)
    view.findChild(QPushButton, "pfmp_allowance").click()
    assert len(shown) == 1 and shown[0].periods.rowCount() == 3
