"""The «Évolution» box of the «Bilan» tab: the funnel's rates across the school's campaigns, chart and table."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout, QWidget

from pae_desktop.core import trend as tr
from pae_desktop.ui.bilan_charts import TrendChart, percent
from pae_desktop.ui.table_model import RIGHT, Column, TableModel, record_table

TITLE = "Évolution des taux sur les campagnes de l'établissement"


@dataclass(frozen=True)
class TrendRow:
    id: int  # the campaign's year
    values: tuple[float | None, ...]  # in the order of `core.trend.TREND`


def _rate_column(index: int, label: str) -> Column:
    return Column(
        label,
        lambda row: percent(row.values[index]),
        sort=lambda row: -1.0 if row.values[index] is None else row.values[index],
        align=RIGHT,
    )


COLUMNS = (
    Column("Campagne", lambda row: str(row.id), sort=lambda row: row.id),
    *(_rate_column(index, label) for index, (_key, label) in enumerate(tr.TREND)),
)


class TrendBox(QGroupBox):
    """The trend chart, a note on gaps, and the table of the same values, one row per campaign."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(TITLE, parent)
        self.chart = TrendChart()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.model = TableModel(COLUMNS)
        self.table = record_table(self.model, "Taux de chaque campagne de l'établissement")
        layout = QVBoxLayout(self)
        layout.addWidget(self.chart)
        layout.addWidget(self.note)
        layout.addWidget(self.table)

    def set_report(self, report) -> None:
        """Fill from a `core.services.reporting.Report` (its campaign and every earlier one), or empty (None)."""
        points = tr.trend_points(report) if report is not None else []
        self.chart.set_points(points)
        self.model.set_rows(TrendRow(year, tuple(values[key] for key in tr.TREND_KEYS)) for year, values in points)
        rows_height = min(max(len(points), 1), 8) * self.table.verticalHeader().defaultSectionSize()
        self.table.setFixedHeight(self.table.horizontalHeader().sizeHint().height() + rows_height + 4)
        if len(points) == 1:
            self.note.setText(
                f"Seule la campagne {report.campagne} est enregistrée : l'évolution apparaîtra avec la suivante."
            )
        else:
            self.note.setText("« — » : taux sans dénominateur cette année-là (la courbe s'interrompt, ce n'est pas "
                              "un zéro).")
