"""One table model for every list of records: immutable rows, columns declared once, sorting and filtering here.

How to use it (architecture.md, «thin Qt table models over plain rows»):

    COLUMNS = (
        Column("Nom", lambda r: r.name, sort=lambda r: fold(r.name), tooltip=lambda r: f"INE : {r.ine}"),
        Column("Date", lambda r: f"{r.on:%d/%m/%Y}", sort=lambda r: r.on),
        Column("Personnes", lambda r: str(r.people), sort=lambda r: r.people, align=RIGHT),
    )
    model = TableModel(COLUMNS, search=lambda r: r.search_key)   # rows need an `id` (or pass `key=`)
    view.setModel(model); view.setSortingEnabled(True)
    model.set_rows(rows)                       # plain frozen dataclasses built by a core query function
    model.set_filter(text="léa", accept=lambda r: r.division == "TMELEC")

- A column is declared once: its header, the text shown, the raw value it sorts on (a date, a number, a
  folded name: never the display string), an optional tooltip, alignment and text colour.
- Sorting (the header's click, or `sort`) sorts the cached rows once with Python's sort on the raw values and
  keeps the selection on its row; `SORT_ROLE` exposes the raw value, `ID_ROLE` the row's key, `ROW_ROLE` the row.
- Filtering keeps the sorted order: `text` is folded (case and accents ignored) and each word must be in the
  row's `search` key; `accept` is any predicate. At 16 000 rows this costs a few milliseconds a keystroke,
  where a `QSortFilterProxyModel` calling back into Python costs 15 to 100.
- No proxy between the model and the view; no live ORM object in a row.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView, QWidget

from pae_desktop.core.text import fold

SORT_ROLE = Qt.ItemDataRole.UserRole
ID_ROLE = Qt.ItemDataRole.UserRole + 1
ROW_ROLE = Qt.ItemDataRole.UserRole + 2
RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
CENTER = Qt.AlignmentFlag.AlignCenter
GREY = QBrush(QColor("#666666"))  # archived records: 5.7:1 on white, 5.0:1 on an alternate row (RGAA 3.2)
DARK_RED = QBrush(QColor("#8b0000"))  # failed attempts
WARNING = QBrush(QColor("#8a5a00"))  # the warning colour of `widgets.MessageLabel`


@dataclass(frozen=True)
class Column:
    """One column: `display(row)` the text, `sort(row)` the raw value sorted on (the text when omitted),
    `tooltip(row)`, `align`, `foreground(row)` (a QBrush or None) when given."""

    header: str
    display: Callable[[Any], str]
    sort: Callable[[Any], Any] | None = None
    tooltip: Callable[[Any], str | None] | None = None
    align: Qt.AlignmentFlag | None = None
    foreground: Callable[[Any], QBrush | None] | None = None

    @property
    def title(self) -> str:  # the caseload's former name for the header
        return self.header

    def sort_value(self, row: Any) -> Any:
        return (self.sort or self.display)(row)


def _row_id(row: Any) -> Any:
    return row.id


class TableModel(QAbstractTableModel):
    """Immutable rows shown through declared columns; sorted and filtered here (see the module's docstring)."""

    # What a view still asking while the model is torn down reads: the collector can clear the Python half of a
    # model before its C++ half and its header view go (seen at the end of a test, never a user's crash).
    columns: tuple[Column, ...] = ()
    _rows: Sequence[Any] = ()

    def __init__(
        self,
        columns: Sequence[Column],
        *,
        key: Callable[[Any], Any] = _row_id,
        search: Callable[[Any], str] | None = None,
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.columns = tuple(columns)
        self._key = key
        self._search = search
        self._all: list[Any] = []
        self._rows: list[Any] = []
        self._text = ""
        self._accept: Callable[[Any], bool] | None = None
        self._sort_column = -1
        self._sort_order = Qt.SortOrder.AscendingOrder

    # --- rows ---------------------------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[Any]) -> None:
        self._all = self._sorted(list(rows))
        self._refilter()

    def set_filter(self, text: str = "", accept: Callable[[Any], bool] | None = None) -> None:
        """Keep the rows whose search key holds every word of `text` (folded) and that `accept` accepts."""
        self._text, self._accept = text, accept
        self._refilter()

    def filtered(self, rows: list[Any]) -> list[Any]:
        """The rows the filter keeps, in their order (subclasses add their own criteria before calling it)."""
        if self._accept is not None:
            rows = [row for row in rows if self._accept(row)]
        if self._search is not None:
            for word in fold(self._text).split():
                rows = [row for row in rows if word in self._search(row)]
        return rows if rows is not self._all else list(rows)

    def _refilter(self) -> None:
        self.beginResetModel()
        self._rows = self.filtered(self._all)
        self.endResetModel()

    def all_rows(self) -> list[Any]:
        return self._all

    def rows(self) -> list[Any]:
        """The rows shown, in their order."""
        return self._rows

    def row_at(self, index: int) -> Any:
        return self._rows[index]

    def row_of(self, key: Any) -> int:
        """The shown row number of the record `key`, -1 when it is not shown."""
        for number, row in enumerate(self._rows):
            if self._key(row) == key:
                return number
        return -1

    # --- sorting ------------------------------------------------------------------------------------------

    def _sorted(self, rows: list[Any]) -> list[Any]:
        if not 0 <= self._sort_column < len(self.columns):
            return list(rows)
        value = self.columns[self._sort_column].sort_value
        descending = self._sort_order == Qt.SortOrder.DescendingOrder
        try:
            return sorted(rows, key=value, reverse=descending)
        except TypeError:  # mixed raw values: compare them as text
            return sorted(rows, key=lambda row: str(value(row)), reverse=descending)

    def sort(self, column: int, order=Qt.SortOrder.AscendingOrder) -> None:
        """Called by the view's header; the selection follows its row."""
        self._sort_column, self._sort_order = column, order
        self.layoutAboutToBeChanged.emit()
        old_keys = [self._key(row) for row in self._rows]
        self._all = self._sorted(self._all)
        self._rows = self.filtered(self._all)
        position = {self._key(row): number for number, row in enumerate(self._rows)}
        persistent = self.persistentIndexList()
        self.changePersistentIndexList(
            persistent,
            [
                self.index(position[old_keys[index.row()]], index.column())
                if index.row() < len(old_keys) and old_keys[index.row()] in position
                else QModelIndex()
                for index in persistent
            ],
        )
        self.layoutChanged.emit()

    # --- Qt -----------------------------------------------------------------------------------------------

    def rowCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self._rows)

    def columnCount(self, parent=None) -> int:  # noqa: N802
        return 0 if parent is not None and parent.isValid() else len(self.columns)

    def data(self, index, role=Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = self.columns[index.column()]
        if role == Qt.ItemDataRole.DisplayRole:
            return column.display(row)
        if role == SORT_ROLE:
            return column.sort_value(row)
        if role == ID_ROLE:
            return self._key(row)
        if role == ROW_ROLE:
            return row
        if role == Qt.ItemDataRole.ToolTipRole and column.tooltip is not None:
            return column.tooltip(row)
        if role == Qt.ItemDataRole.TextAlignmentRole and column.align is not None:
            return int(column.align)
        if role == Qt.ItemDataRole.ForegroundRole and column.foreground is not None:
            return column.foreground(row)
        return None

    def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section].header if section < len(self.columns) else None
        return None


def record_table(model: TableModel, accessible: str, parent: QWidget | None = None) -> QTableView:
    """A read-only table of whole rows, one selected at a time, sortable by its headers, the last column
    stretched: the way every list of records in the window looks."""
    table = QTableView(parent)
    table.setModel(model)
    table.setAccessibleName(accessible)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)  # the core's order first
    table.setSortingEnabled(True)
    return table


def selected_row(table: QTableView) -> Any | None:
    """The row object selected in a `record_table`, or None."""
    rows = table.selectionModel().selectedRows() if table.selectionModel() else []
    return table.model().data(rows[0], ROW_ROLE) if rows else None
