"""The follow-up tab's attendance grid: one row per week of the pathway, the morning and afternoon of each
weekday, typed with the keyboard (p, j, a; Suppr clears; the arrows move), saved through one operation."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core import attendance, rules
from pae_desktop.core.attendance import JUSTIFIED, PRESENT, STATUS_LETTERS, UNJUSTIFIED, WEEKDAYS, Totals
from pae_desktop.core.services import pathways as svc
from pae_desktop.ui.pathway_editor.common import message_label
from pae_desktop.ui.table_model import CENTER, Column, TableModel
from pae_desktop.ui.widgets import run_operation

CELLS = 10  # the morning and afternoon of Monday to Friday
FIRST_CELL = 1  # column of Monday morning (column 0: the week)
KEYS = {
    Qt.Key.Key_P: PRESENT,
    Qt.Key.Key_J: JUSTIFIED,
    Qt.Key.Key_A: UNJUSTIFIED,
    Qt.Key.Key_Delete: "",
    Qt.Key.Key_Backspace: "",
}
COLOURS = {
    JUSTIFIED: QBrush(QColor("#fff3cd")),
    UNJUSTIFIED: QBrush(QColor("#f8d7da")),
    PRESENT: QBrush(QColor("#e6f4ea")),
}
OUTSIDE = QBrush(QColor("#d9d9d9"))
PENDING_HINT = "Modifications non enregistrées : « Enregistrer la grille » ou « Annuler les modifications »."
NO_PATHWAY = "Enregistrez d'abord le parcours : la grille suit ses dates."


@dataclass(frozen=True)
class WeekRow:
    """A week as shown: its cells' statuses with the changes typed but not saved yet."""

    id: object  # the Monday
    week: svc.GridWeek
    statuses: tuple[str, ...]

    @property
    def totals(self) -> Totals:
        return attendance.grid_totals(self.statuses)


def _cell_column(index: int) -> Column:
    day, half = WEEKDAYS[index // 2], attendance.HALVES[index % 2]
    return Column(
        f"{day[:3]}.\n{'M' if index % 2 == 0 else 'AM'}",
        lambda r, i=index: STATUS_LETTERS.get(r.statuses[i], ""),
        tooltip=lambda r, i=index, d=day, h=half: f"{d} {r.week.cells[i].on:%d/%m/%Y}, {h}",
        align=CENTER,
    )


COLUMNS = (
    Column("Semaine du", lambda r: f"{r.id:%d/%m/%Y}"),
    *(_cell_column(i) for i in range(CELLS)),
    Column("Prés.", lambda r: str(r.totals.present), align=CENTER),
    Column("Abs. J", lambda r: str(r.totals.justified), align=CENTER),
    Column("Abs. NJ", lambda r: str(r.totals.unjustified), align=CENTER),
)


class GridModel(TableModel):
    """The weeks (not sortable); a cell outside the pathway's dates is disabled, each status has its colour."""

    def __init__(self, parent=None) -> None:
        super().__init__(COLUMNS, parent=parent)
        self.pending: dict[tuple, str] = {}

    def cell(self, index) -> svc.GridCell | None:
        if not index.isValid() or not FIRST_CELL <= index.column() < FIRST_CELL + CELLS:
            return None
        return self.row_at(index.row()).week.cells[index.column() - FIRST_CELL]

    def flags(self, index):
        cell = self.cell(index)
        if cell is not None and not cell.enabled:
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        cell = self.cell(index)
        if cell is not None and role == Qt.ItemDataRole.BackgroundRole:
            if not cell.enabled:
                return OUTSIDE
            return COLOURS.get(self.row_at(index.row()).statuses[index.column() - FIRST_CELL])
        if cell is not None and role == Qt.ItemDataRole.FontRole and cell.key in self.pending:
            font = QFont()
            font.setBold(True)
            font.setItalic(True)
            return font
        return super().data(index, role)

    def set_status(self, index, status: str) -> bool:
        """Type `status` in a cell ("" clears); False when the cell cannot be typed in."""
        cell = self.cell(index)
        if cell is None or not cell.enabled:
            return False
        if status == cell.status:
            self.pending.pop(cell.key, None)
        else:
            self.pending[cell.key] = status
        row = self.row_at(index.row())
        statuses = list(row.statuses)
        statuses[index.column() - FIRST_CELL] = status
        self._rows[index.row()] = replace(row, statuses=tuple(statuses))
        self._all = list(self._rows)
        self.dataChanged.emit(self.index(index.row(), 0), self.index(index.row(), len(COLUMNS) - 1))
        return True


class GridView(QTableView):
    """The grid's table: p, j, a type a status and move to the next half-day, Suppr clears."""

    def __init__(self, on_typed: Callable[[], None], parent=None) -> None:
        super().__init__(parent)
        self.on_typed = on_typed

    def keyPressEvent(self, event) -> None:  # noqa: N802
        status = KEYS.get(Qt.Key(event.key()))
        index = self.currentIndex()
        if status is None or event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            super().keyPressEvent(event)
            return
        model: GridModel = self.model()
        if model.set_status(index, status):
            self.on_typed()
            if status:
                self._advance(index)

    def _advance(self, index) -> None:
        """The next half-day that can be typed in: to the right, then the next week's Monday morning."""
        model: GridModel = self.model()
        row, column = index.row(), index.column() + 1
        while row < model.rowCount():
            if column >= FIRST_CELL + CELLS:
                row, column = row + 1, FIRST_CELL
                continue
            following = model.index(row, column)
            if model.flags(following) & Qt.ItemFlag.ItemIsEnabled:
                self.setCurrentIndex(following)
                return
            column += 1


class AttendanceGridPanel(QWidget):
    """The grid of one youth's pathway with its legend, its totals and its buttons."""

    def __init__(
        self, app, print_grid: Callable[[], object], on_saved: Callable[[], object], parent=None
    ) -> None:
        super().__init__(parent)
        self.app, self.print_grid, self.on_saved = app, print_grid, on_saved
        self.youth_id: int | None = None
        self.grid: svc.AttendanceGrid | None = None
        self.overall = Totals()
        self.model = GridModel(self)
        self.view = GridView(self._typed, self)
        self.view.setObjectName("attendance_grid")
        self.view.setAccessibleName("Grille d'assiduité : une ligne par semaine, matin et après-midi")
        self.view.setModel(self.model)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.verticalHeader().setVisible(False)
        self.view.verticalHeader().setDefaultSectionSize(24)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(False)
        legend = QLabel(
            "Clavier : flèches pour se déplacer ; « p » présent(e), « j » absence justifiée, « a » absence non "
            "justifiée, Suppr efface. Cases grisées : hors des dates du parcours."
        )
        legend.setObjectName("attendance_legend")
        legend.setWordWrap(True)
        self.totals = QLabel()
        self.totals.setObjectName("attendance_totals")
        self.totals.setWordWrap(True)
        self.message = message_label("attendance_message")
        self.save_button = QPushButton("Enregistrer la grille")
        self.save_button.setObjectName("save_attendance")
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Annuler les modifications")
        self.revert_button.setObjectName("revert_attendance")
        self.revert_button.clicked.connect(self.reload)
        self.print_button = QPushButton("Imprimer la grille…")
        self.print_button.setObjectName("print_attendance")
        self.print_button.clicked.connect(lambda: self.print_grid())
        bar = QHBoxLayout()
        bar.addWidget(self.totals, 1)
        for button in (self.print_button, self.revert_button, self.save_button):
            bar.addWidget(button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(legend)
        layout.addWidget(self.view, 1)
        layout.addLayout(bar)
        layout.addWidget(self.message)

    def load(self, youth_id: int | None) -> None:
        """Show the youth's grid as saved (no pathway: an empty grid and why)."""
        self.youth_id, self.grid = youth_id, None
        self.model.pending.clear()
        self.overall = Totals()
        if youth_id is not None:
            with self.app.db.read() as session:
                self.overall = attendance.youth_totals(session, youth_id)
                if svc.get_pathway(session, youth_id) is not None:
                    self.grid = svc.attendance_grid(session, youth_id)
        weeks = self.grid.weeks if self.grid else ()
        self.model.set_rows(WeekRow(w.monday, w, tuple(c.status for c in w.cells)) for w in weeks)
        self.message.clear_message()
        if self.grid is None:
            self.message.show_info(NO_PATHWAY)
        self._typed()

    def reload(self) -> None:
        self.load(self.youth_id)

    def _typed(self) -> None:
        """The totals and the buttons after a keystroke (unsaved cells count, said so)."""
        pending = bool(self.model.pending)
        grid = attendance.grid_totals(s for r in self.model.rows() for s in r.statuses)
        saved_grid = self.grid.grid if self.grid else Totals()
        unjustified = self.overall.unjustified - saved_grid.unjustified + grid.unjustified
        text = (
            f"Grille : {grid.present} présence(s), {grid.justified} absence(s) justifiée(s), "
            f"{grid.unjustified} non justifiée(s). Avec les événements « Absence » : {unjustified} demi-journée(s) "
            f"non justifiée(s) (alerte au-delà de {rules.ATTENDANCE_ALERT_HALF_DAYS})."
        )
        self.totals.setText(text + (f"\n{PENDING_HINT}" if pending else ""))
        self.totals.setStyleSheet("color: #b00020;" if rules.attendance_alert(unjustified) else "")
        self.save_button.setEnabled(pending)
        self.revert_button.setEnabled(pending)
        self.print_button.setEnabled(self.grid is not None and not pending)
        self.print_button.setToolTip(PENDING_HINT if pending else "")

    def save(self) -> None:
        if self.youth_id is None or not self.model.pending:
            return
        marks = dict(self.model.pending)
        cells = {c.key: c for r in self.model.rows() for c in r.week.cells}
        versions = {key: cells[key].version for key in marks}
        youth_id = self.youth_id
        result = run_operation(
            self.app,
            lambda s: svc.save_attendance(s, youth_id, marks, versions),
            self.message,
            on_conflict=self.reload,
        )
        if result is None:
            return
        self.on_saved()
        if result.warnings:
            self.message.show_warning("\n".join(result.warnings))
        else:
            self.message.show_info(f"Grille enregistrée : {result.count} demi-journée(s) modifiée(s).")
