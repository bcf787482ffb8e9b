"""«Allocation PFMP (APLyPro)»: the office's screen of the campaign's PFMP periods — company, SIRET, dates, days
planned and done, rate, cap, amount expected — with each youth's total, filters and the export to enter in
APLyPro (reached from the «Parcours» tab)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.allowance import CAP_REACHED, NOT_RECORDED, AllowanceLine, AllowanceTotal
from pae_desktop.core.text import fold
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.keyboard import on_enter
from pae_desktop.ui.table_model import RIGHT, WARNING, Column, TableModel, record_table, selected_row
from pae_desktop.ui.widgets import Button, MessageLabel, dialog_buttons, run_operation, show_info

TITLE = "Allocation PFMP (APLyPro)"


def _number(value: int | None) -> str:
    return "" if value is None else f"{value:,}".replace(",", "\u00a0")


def _euros(value: int | None) -> str:
    return "" if value is None else f"{_number(value)}\u00a0€"


def _date(value) -> str:
    return f"{value:%d/%m/%Y}"


def _flagged(row) -> object:
    return WARNING if row.note else None


PERIOD_COLUMNS = (
    Column("Jeune", lambda r: r.name, sort=lambda r: (fold(r.last_name), fold(r.first_names), r.start)),
    Column("Classe", lambda r: r.division),
    Column("MEF", lambda r: r.mef, tooltip=lambda r: r.mef_label),
    Column("Entreprise", lambda r: r.company, sort=lambda r: fold(r.company)),
    Column("SIRET", lambda r: r.siret),
    Column("Début", lambda r: _date(r.start), sort=lambda r: r.start),
    Column("Fin", lambda r: _date(r.end), sort=lambda r: r.end),
    Column("Prévus (j)", lambda r: str(r.planned_days), sort=lambda r: r.planned_days, align=RIGHT),
    Column(
        "Effectués (j)",
        lambda r: "—" if r.days_done is None else str(r.days_done),
        sort=lambda r: -1 if r.days_done is None else r.days_done,
        align=RIGHT,
        foreground=lambda r: WARNING if r.days_done is None else None,
    ),
    Column("Forfait", lambda r: _euros(r.daily_rate), sort=lambda r: r.daily_rate or 0, align=RIGHT),
    Column("Plafond", lambda r: _euros(r.cap), sort=lambda r: r.cap or 0, align=RIGHT),
    Column("Montant", lambda r: _euros(r.amount), sort=lambda r: r.amount or 0, align=RIGHT),
    Column("Observation", lambda r: r.note, foreground=_flagged, tooltip=lambda r: r.note or None),
)
TOTAL_COLUMNS = (
    Column("Jeune", lambda r: r.name, sort=lambda r: fold(r.name)),
    Column("Classe", lambda r: r.division),
    Column("MEF", lambda r: r.mef),
    Column("Périodes", lambda r: str(r.periods), sort=lambda r: r.periods, align=RIGHT),
    Column("Prévus (j)", lambda r: str(r.planned_days), sort=lambda r: r.planned_days, align=RIGHT),
    Column("Effectués (j)", lambda r: str(r.days_done), sort=lambda r: r.days_done, align=RIGHT),
    Column("Forfait", lambda r: _euros(r.daily_rate), sort=lambda r: r.daily_rate or 0, align=RIGHT),
    Column("Plafond", lambda r: _euros(r.cap), sort=lambda r: r.cap or 0, align=RIGHT),
    Column("Montant", lambda r: _euros(r.amount), sort=lambda r: r.amount or 0, align=RIGHT),
    Column("Observation", lambda r: r.note, foreground=_flagged, tooltip=lambda r: r.note or None),
)

# The filter's choices: (label, does a period show, does a youth's total show).
FILTERS: tuple[tuple[str, Callable[[AllowanceLine], bool], Callable[[AllowanceTotal], bool]], ...] = (
    ("Toutes les périodes", lambda r: True, lambda t: True),
    ("Jours effectués non saisis", lambda r: r.days_done is None, lambda t: t.not_recorded > 0),
    ("SIRET à compléter", lambda r: not r.siret, lambda t: False),
    ("Plafond atteint", lambda r: CAP_REACHED in r.note, lambda t: CAP_REACHED in t.note),
    ("Avec une observation", lambda r: bool(r.note), lambda t: bool(t.note)),
)


class AllowanceDialog(QDialog):
    """The campaign's PFMP periods and each youth's total; double-clicking a row opens the youth's pathway
    (`open_pathway`) to record the days done."""

    def __init__(
        self,
        context: AppContext,
        parent: QWidget | None = None,
        open_pathway: Callable[[int], None] | None = None,
    ) -> None:
        super().__init__(parent)
        self.app = context
        self.open_pathway = open_pathway
        self.report = None
        self.setWindowTitle(TITLE)
        self.summary = QLabel()
        self.summary.setObjectName("allowance_summary")
        self.summary.setWordWrap(True)
        self.table_note = MessageLabel()
        self.search = QLineEdit()
        self.search.setObjectName("allowance_search")
        self.search.setPlaceholderText("Rechercher un jeune, une entreprise, un SIRET")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName("Rechercher")
        self.show_only = QComboBox()
        self.show_only.setObjectName("allowance_filter")
        self.show_only.setAccessibleName("Afficher")
        self.show_only.addItems([label for label, _period, _total in FILTERS])
        self.periods = TableModel(PERIOD_COLUMNS, search=lambda r: r.search_key)
        self.totals = TableModel(TOTAL_COLUMNS, search=lambda r: r.search_key)
        self.period_table = record_table(self.periods, "Périodes de PFMP")
        self.period_table.setObjectName("allowance_periods")
        self.total_table = record_table(self.totals, "Totaux par jeune")
        self.total_table.setObjectName("allowance_totals")
        self.tabs = QTabWidget()
        self.tabs.addTab(self.period_table, "Par période")
        self.tabs.addTab(self.total_table, "Par jeune")
        self.message = MessageLabel()
        self._build_layout()
        self.search.textChanged.connect(self._filter)
        self.show_only.currentIndexChanged.connect(self._filter)
        self.period_table.doubleClicked.connect(lambda _index: self._open(self.period_table, "youth_id"))
        self.total_table.doubleClicked.connect(lambda _index: self._open(self.total_table, "id"))
        on_enter(self.period_table, lambda: self._open(self.period_table, "youth_id"))
        on_enter(self.total_table, lambda: self._open(self.total_table, "id"))
        self.resize(1200, 620)
        self.refresh()

    def _build_layout(self) -> None:
        filters = QHBoxLayout()
        filters.addWidget(self.search, 1)
        filters.addWidget(QLabel("Afficher :"))
        filters.addWidget(self.show_only)
        csv_button = QPushButton("Exporter en CSV…")
        csv_button.setObjectName("allowance_csv")
        csv_button.clicked.connect(lambda: self.export(".csv"))
        xlsx_button = QPushButton("Exporter en XLSX…")
        xlsx_button.setObjectName("allowance_xlsx")
        xlsx_button.clicked.connect(lambda: self.export(".xlsx"))
        exports = QHBoxLayout()
        hint = QLabel("Double-cliquez sur une ligne pour saisir les jours effectués dans le parcours.")
        hint.setStyleSheet("color: #555")
        exports.addWidget(hint, 1)
        exports.addWidget(csv_button)
        exports.addWidget(xlsx_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table_note)
        layout.addLayout(filters)
        layout.addWidget(self.tabs, 1)
        layout.addLayout(exports)
        layout.addWidget(self.message)
        layout.addWidget(dialog_buttons(self, self.reject, {Button.Close: "&Fermer"}))

    def refresh(self) -> None:
        from pae_desktop.core.services.allowance import allowance_report

        if self.app.campaign_id is None:
            self.report = None
        else:
            with self.app.db.read() as session:
                self.report = allowance_report(session, self.app.campaign_id)
        report = self.report
        self.periods.set_rows(report.lines if report else ())
        self.totals.set_rows(report.totals if report else ())
        self.table_note.clear_message()
        if report and report.table_note:
            self.table_note.show_warning(report.table_note)
        self.summary.setText(self._summary_text())
        self._filter()

    def _summary_text(self) -> str:
        report = self.report
        if report is None or not report.lines:
            return "Aucune période de PFMP dans les parcours de cette campagne."
        text = (
            f"Campagne {report.campaign_year} : {len(report.lines)} période(s) de PFMP pour "
            f"{len(report.totals)} jeune(s) ; montant estimé : {_euros(report.amount)}, payé sur les jours "
            "effectués (forfait journalier × jours, dans la limite du plafond du MEF pour l'ensemble des périodes)."
        )
        if report.not_recorded:
            text += f" {report.not_recorded} période(s) : {NOT_RECORDED} (montant 0 en attendant)."
        return text

    def _filter(self) -> None:
        _label, period_ok, total_ok = FILTERS[max(0, self.show_only.currentIndex())]
        text = self.search.text()
        self.periods.set_filter(text, period_ok)
        self.totals.set_filter(text, total_ok)

    def _open(self, table, field: str) -> None:
        row = selected_row(table)
        if row is None or self.open_pathway is None:
            return
        self.accept()
        self.open_pathway(getattr(row, field))

    def export(self, suffix: str) -> str | None:
        """Ask for a file, then write the periods through the audited export operation."""
        from pae_desktop.core.operations.pfmp_export import export_pfmp

        if self.app.campaign_id is None:
            return None
        year = self.report.campaign_year if self.report else ""
        kind = "Classeur (*.xlsx)" if suffix == ".xlsx" else "CSV (*.csv)"
        path, _chosen = file_dialogs.save_file_name(
            self, file_dialogs.EXPORT, TITLE, f"pfmp_aplypro_{year}{suffix}", kind
        )
        if not path:
            return None
        if not path.lower().endswith(suffix):
            path += suffix
        campaign_id = self.app.campaign_id
        self.message.clear_message()
        result = run_operation(self.app, lambda session: export_pfmp(session, campaign_id, path), self.message)
        if result is None:
            return None
        notes = "".join(f"\n{w}" for w in result.warnings)
        show_info(self, f"{result.count} période(s) de PFMP exportée(s) : {path}{notes}", TITLE)
        return path
