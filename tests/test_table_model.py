"""The generic table model: columns declared once, sorting on raw values, filtering folded words, tooltips."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from PySide6.QtCore import Qt

from pae_desktop.core.text import fold
from pae_desktop.ui.table_model import (
    ID_ROLE,
    RIGHT,
    ROW_ROLE,
    SORT_ROLE,
    Column,
    TableModel,
    record_table,
    selected_row,
)


@dataclass(frozen=True)
class Row:
    id: int
    name: str
    on: dt.date
    count: int
    archived: bool = False

    @property
    def search_key(self) -> str:
        return fold(self.name)


COLUMNS = (
    Column("Nom", lambda r: r.name, sort=lambda r: fold(r.name), tooltip=lambda r: f"Fiche n° {r.id}"),
    Column("Date", lambda r: f"{r.on:%d/%m/%Y}", sort=lambda r: r.on),
    Column("Nombre", lambda r: str(r.count), sort=lambda r: r.count, align=RIGHT),
)
ROWS = [
    Row(1, "Émilie Durand", dt.date(2025, 12, 1), 9),
    Row(2, "Zoé Martin", dt.date(2025, 2, 15), 10),
    Row(3, "Léa Petit", dt.date(2024, 12, 31), 100),
]


def _shown(model: TableModel, column: int = 0) -> list[str]:
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_sorting_uses_the_raw_values_not_the_text(qtbot):
    model = TableModel(COLUMNS, search=lambda r: r.search_key)
    model.set_rows(ROWS)
    assert _shown(model) == ["Émilie Durand", "Zoé Martin", "Léa Petit"]  # the given order until sorted
    model.sort(1)  # «01/12/2025» < «15/02/2025» < «31/12/2024» as text: by date it is the other way
    assert _shown(model, 1) == ["31/12/2024", "15/02/2025", "01/12/2025"]
    model.sort(2, Qt.SortOrder.DescendingOrder)  # 100, 10, 9 (as text: 9, 100, 10)
    assert _shown(model, 2) == ["100", "10", "9"]
    model.sort(0)  # «Émilie» sorts with the E, not after the Z
    assert _shown(model) == ["Émilie Durand", "Léa Petit", "Zoé Martin"]
    assert model.index(0, 1).data(SORT_ROLE) == dt.date(2025, 12, 1)
    assert model.index(0, 1).data(ID_ROLE) == 1 and model.index(0, 1).data(ROW_ROLE) is ROWS[0]


def test_filtering_folds_words_keeps_the_order_and_takes_a_predicate(qtbot):
    model = TableModel(COLUMNS, search=lambda r: r.search_key)
    model.set_rows(ROWS)
    model.sort(2, Qt.SortOrder.DescendingOrder)
    model.set_filter("EMILIE")
    assert _shown(model) == ["Émilie Durand"]
    model.set_filter("", accept=lambda r: r.count >= 10)
    assert _shown(model) == ["Léa Petit", "Zoé Martin"]
    assert model.row_of(2) == 1 and model.row_of(1) == -1
    model.set_rows([*ROWS, Row(4, "Lou Émery", dt.date(2025, 1, 1), 50)])  # new rows: sorted, filtered alike
    assert _shown(model) == ["Léa Petit", "Lou Émery", "Zoé Martin"]


def test_tooltips_alignment_and_headers(qtbot):
    model = TableModel(COLUMNS)
    model.set_rows(ROWS)
    assert model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole) == "Fiche n° 2"
    assert model.index(1, 1).data(Qt.ItemDataRole.ToolTipRole) is None
    assert model.index(0, 2).data(Qt.ItemDataRole.TextAlignmentRole) == int(RIGHT)
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    assert headers == ["Nom", "Date", "Nombre"]


def test_the_selection_follows_its_row_when_sorted(qtbot):
    model = TableModel(COLUMNS)
    table = record_table(model, "Essai")
    qtbot.addWidget(table)
    model.set_rows(ROWS)
    assert _shown(model) == ["Émilie Durand", "Zoé Martin", "Léa Petit"]  # the view did not sort on its own
    table.selectRow(0)
    assert selected_row(table) is ROWS[0]
    for column, order, row in (
        (2, Qt.SortOrder.DescendingOrder, 2),
        (2, Qt.SortOrder.AscendingOrder, 0),
        (1, Qt.SortOrder.AscendingOrder, 2),
    ):
        table.sortByColumn(column, order)
        assert selected_row(table) is ROWS[0] and table.selectionModel().selectedRows()[0].row() == row
