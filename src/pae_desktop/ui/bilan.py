"""The «Bilan» tab: the campaign's indicators beside the académie's and earlier campaigns, charts, drill-down, exports.

The charts live in `ui/bilan_charts.py`, the dialogs in `ui/bilan_dialogs.py`; their names stay importable here.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from pae_desktop.core import indicators as ind
from pae_desktop.core import trend as tr
from pae_desktop.core.models import OriginalSchooling, Youth
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.bilan_charts import (  # noqa: F401 - re-exported
    ACADEMIE,
    COMPARED,
    EXITS,
    FUNNEL,
    GRID,
    PREVIOUS,
    SCHOOL,
    BarChart,
    FunnelChart,
    comparison_series,
    percent,
    value_text,
)
from pae_desktop.ui.bilan_dialogs import (  # noqa: F401 - re-exported
    NetworkReportDialog,
    YouthListDialog,
    academie_text,
    problems_text,
    run_on_gui,
    with_suffix,
)
from pae_desktop.ui.bilan_phase1 import Phase1Box
from pae_desktop.ui.bilan_trend import TrendBox
from pae_desktop.ui.context import AUDIT, AppContext
from pae_desktop.ui.keyboard import on_enter
from pae_desktop.ui.screen_fit import ResponsiveColumns
from pae_desktop.ui.widgets import show_error, show_info


def population_of(key: str) -> str | None:
    """The rows behind an indicator: its own population, a rate's numerator, an exit category."""
    if key in ind.POPULATION:
        return key
    if key in ind.RATE:
        return ind.RATE[key][0]
    if key.startswith("sorties."):
        return "sortie_" + key.split(".", 1)[1]
    if key == "missions_locales":
        return "entretiens_avec_ml"
    return None


# Below this width the campaign's two first charts stand one under the other.
CHARTS_SIDE_BY_SIDE = 1100


@dataclass
class LoadedReport:
    report: object  # core.services.reporting.Report
    keyed: list[tuple[int, dict[str, str]]]
    names: dict[int, tuple[str, str, str]]  # youth id → (name, class, diploma)


def load_report(db, year: int, known: dict[int, dict] | None = None) -> LoadedReport:
    """The campaign's report, its rows for the drill-down, and the youths' names (one query); `known`: the
    earlier campaigns' indicators already computed (year → indicators), not computed again."""
    from pae_desktop.core.services.reporting import campaign_report

    with db.read() as session:
        report, keyed = campaign_report(session, year, known)
        names = {
            youth_id: (f"{(last or '').upper()} {first or ''}".strip(), division or "", diploma or "")
            for youth_id, last, first, division, diploma in session.execute(
                select(Youth.id, Youth.last_name, Youth.first_names, OriginalSchooling.division, OriginalSchooling.diploma)
                .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
                .where(Youth.campaign.has(year=year))
            )
        }
    return LoadedReport(report, keyed, names)


# --- the tab --------------------------------------------------------------------------------------------


class BilanView(QWidget):
    """The campaign as the académie reads it, beside its 2023 figures and the school's earlier campaigns."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.loaded: LoadedReport | None = None
        self.dialog: QDialog | None = None

        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.pdf_button = QPushButton("Bilan en &PDF…")
        self.xlsx_button = QPushButton("Bilan en &XLSX…")
        self.csv_button = QPushButton("Exporter le fichier &FOQUALE…")
        self.consolidate_button = QPushButton("&Consolider des fichiers FOQUALE…")
        self.pdf_button.setToolTip("Le bilan de campagne pour le chef d'établissement et l'académie")
        self.csv_button.setToolTip("Fichier d'échange pour le réseau FOQUALE (pseudonymisé par défaut)")
        self.consolidate_button.setToolTip("Coordonnateur du réseau : un fichier par établissement")
        self.pdf_button.clicked.connect(self.save_pdf)
        self.xlsx_button.clicked.connect(self.save_xlsx)
        self.csv_button.clicked.connect(self.export_foquale)
        self.consolidate_button.clicked.connect(self.consolidate)
        buttons = QHBoxLayout()
        for button in (self.pdf_button, self.xlsx_button, self.csv_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.consolidate_button)

        self.funnel = FunnelChart()
        self.funnel.clicked.connect(self.show_population)
        self.rates = BarChart("Comparaison des taux avec l'académie")
        self.exits = BarChart("Sorties par catégorie")
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName("Indicateurs de la campagne")
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.setMinimumHeight(420)
        self.table.cellClicked.connect(self._cell_clicked)
        # the keyboard: the row's youths with Enter or Space, whatever the column
        on_enter(self.table, lambda: self._cell_clicked(self.table.currentRow(), 2), space=True)
        self.table.setToolTip(
            "Cliquez sur un nombre de jeunes pour voir la liste (au clavier : Entrée ou Espace sur la ligne)"
        )

        grid = QGridLayout()
        self.rates_box = self._box("Taux comparés à l'académie (2023)", self.rates)
        funnel_box = self._box("Du repérage au parcours (cliquez sur une barre)", self.funnel)
        # side by side on a wide window, one under the other on a small screen (each chart stays readable)
        self.top_charts = ResponsiveColumns([funnel_box, self.rates_box], CHARTS_SIDE_BY_SIDE)
        grid.addWidget(self.top_charts, 0, 0, 1, 2)
        grid.addWidget(self._box("Sorties des parcours par catégorie", self.exits), 1, 0, 1, 2)
        self.phase1 = Phase1Box()
        grid.addWidget(self.phase1, 2, 0, 1, 2)
        self.trend = TrendBox()
        grid.addWidget(self.trend, 3, 0, 1, 2)
        grid.addWidget(self._box("Tous les indicateurs (cliquez sur un nombre de jeunes)", self.table), 4, 0, 1, 2)
        content = QWidget()
        inner = QVBoxLayout(content)
        inner.addWidget(self.heading)
        inner.addWidget(self.summary)
        inner.addLayout(grid)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(content)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(scroll)

        self._stale = False
        self._generation = 0
        # Every campaign's indicators (year → indicators), computed once: a change of campaign, or a reload
        # without any change of the facts, does not compute the earlier campaigns again.
        self.known: dict[int, dict] = {}
        context.campaign_changed.connect(lambda _id: self.refresh())
        # the report reads the facts, never the audit log: an export or a print alone changes nothing here
        context.data_changed.connect(self._data_changed)
        self.reload()

    def _data_changed(self, topics) -> None:
        if topics - {AUDIT}:
            self.known.clear()
            self.refresh()

    def refresh(self) -> None:
        """Recompute now when shown, else on the next showing (the report reads the whole campaign)."""
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._stale:
            self._stale = False
            self.reload()
        super().showEvent(event)

    @staticmethod
    def _box(title: str, widget: QWidget) -> QGroupBox:
        box = QGroupBox(title)
        QVBoxLayout(box).addWidget(widget)
        return box

    # loading
    def campaign_year(self) -> int | None:
        if self.context.campaign_id is None:
            return None
        from pae_desktop.core.models import Campaign

        with self.context.db.read() as session:
            campaign = session.get(Campaign, self.context.campaign_id)
            return campaign.year if campaign else None

    def reload(self) -> None:
        year = self.campaign_year()
        has_campaign = year is not None
        for button in (self.pdf_button, self.xlsx_button, self.csv_button):
            button.setEnabled(has_campaign)
        if not has_campaign:
            self.loaded = None
            self.heading.setText("Bilan")
            self.summary.setText("Aucune campagne : importez des élèves pour voir le bilan.")
            self.funnel.set_counts({})
            self.rates.set_data((), [])
            self.exits.set_data((), [])
            self.phase1.set_report(None)
            self.trend.set_report(None)
            self.table.setRowCount(0)
            return
        # The report reads the whole campaign (a couple of seconds at 16 000 youths): off the GUI thread.
        self._generation += 1
        generation = self._generation
        db = self.context.db
        known = {y: values for y, values in self.known.items() if y < year}  # a copy for the worker thread

        def done(loaded: LoadedReport) -> None:
            if generation == self._generation:  # a newer reload supersedes this one
                self.loaded = loaded
                self.known.update(loaded.report.previous)
                self.known[loaded.report.campagne] = loaded.report.indicators
                self._show(loaded.report)

        def failed(error: BaseException) -> None:  # a UserError (no school yet): shown in place
            if generation == self._generation:
                self.loaded = None
                self.summary.setText(str(error))

        self.summary.setText("Calcul des indicateurs…")
        run_on_gui(self, "Calcul du bilan de la campagne…", lambda progress: load_report(db, year, known), done,
                   failed)

    def _show(self, report) -> None:
        flat = ind.flat(report.indicators)
        counts = report.counts
        self.heading.setText(" — ".join(filter(None, (report.title, report.scheme_name))))
        self.summary.setText(
            f"{counts['effectif']} jeunes recensés, {counts['entretiens_realises']} entretiens réalisés, "
            f"{counts['parcours']} parcours (couverture {percent(flat['taux_couverture'])} ; "
            f"académie 2023 : ≈ 300 parcours pour ≈ 16 000 élèves, moins de 2 %). "
            f"Missions locales présentes aux entretiens : {flat['missions_locales']} "
            f"(en 2023, 50 % des missions locales du territoire ont participé)."
        )
        self.funnel.set_counts(counts)
        series = comparison_series(report)
        self.rates_box.setTitle(f"Taux comparés à l'académie (2023){tr.compared_years(report)}")
        self.rates.set_data(COMPARED, series)
        self.exits.set_data(EXITS, series)
        self.phase1.set_report(report)
        self.trend.set_report(report)
        self._fill_table(report, ind.displayed(report.indicators))

    def _fill_table(self, report, flat) -> None:
        previous = tr.earlier_shown(report)
        headers = ["Indicateur", f"Campagne {report.campagne}", "Jeunes", "Académie 2023"]
        headers += [f"Campagne {year}" for year, _values in previous]
        self.table.clear()
        self.table.setColumnCount(len(headers))
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setRowCount(len(flat))
        link = QColor("#1F4E79")
        for row, (key, value) in enumerate(flat.items()):
            label = QTableWidgetItem(ind.LABELS[key])
            label.setData(Qt.ItemDataRole.UserRole, key)
            self.table.setItem(row, 0, label)
            self.table.setItem(row, 1, QTableWidgetItem(value_text(key, value)))
            population = population_of(key)
            count = QTableWidgetItem(str(report.counts.get(population, "")) if population else "")
            if population:
                count.setForeground(link)
                font = count.font()
                font.setUnderline(True)
                count.setFont(font)
                count.setToolTip(f"Voir les jeunes : {ind.POPULATION[population].label}")
            self.table.setItem(row, 2, count)
            self.table.setItem(row, 3, QTableWidgetItem(academie_text(key)))
            for column, (_year, values) in enumerate(previous, start=4):
                self.table.setItem(row, column, QTableWidgetItem(value_text(key, ind.flat(values).get(key))))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    # drill-down
    def _cell_clicked(self, row: int, column: int) -> None:
        if column != 2 or self.table.item(row, 0) is None:
            return
        population = population_of(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole))
        if population:
            self.show_population(population)

    def people(self, population: str) -> list[tuple[int, str, str, str]]:
        if self.loaded is None:
            return []
        test = ind.POPULATION[population].test
        from pae_desktop.core.vocabulary import Diploma

        out = []
        for youth_id, row in self.loaded.keyed:
            if test(row, None):
                name, division, diploma = self.loaded.names.get(youth_id, (row["id_jeune"], "", ""))
                out.append((youth_id, name, division, Diploma.label_of(diploma)))
        return out

    def show_population(self, population: str) -> None:
        people = self.people(population)
        self.dialog = YouthListDialog(self.context, ind.POPULATION[population].label, people, self)
        self.dialog.open()

    # outputs
    def _ask_path(self, title: str, suggested: str, file_filter: str, suffix: str) -> str | None:
        path, _ = file_dialogs.save_file_name(
            self, file_dialogs.PDF if suffix == ".pdf" else file_dialogs.EXPORT, title, suggested, file_filter
        )
        return with_suffix(path, suffix) if path else None

    def save_pdf(self) -> None:
        year = self.campaign_year()
        if year is None:
            return
        path = self._ask_path("Enregistrer le bilan en PDF", f"Bilan_campagne_{year}.pdf", "PDF (*.pdf)", "pdf")
        if not path:
            return
        db = self.context.db

        def work(progress):
            from pae_desktop.core.operations.exports import export_report

            progress(0, 1, "Calcul des indicateurs et mise en page du PDF…")
            return export_report(db, year, "pdf", path)

        run_on_gui(self, "Bilan de campagne en PDF…", work, self._saved, lambda e: show_error(self, str(e)))

    def save_xlsx(self) -> None:
        year = self.campaign_year()
        if year is None:
            return
        path = self._ask_path("Enregistrer le bilan en XLSX", f"Bilan_campagne_{year}.xlsx",
                              "Classeur Excel (*.xlsx)", "xlsx")
        if not path:
            return
        db = self.context.db

        def work(progress):
            from pae_desktop.core.operations.exports import export_report

            progress(0, 1, "Calcul des indicateurs…")
            return export_report(db, year, "xlsx", path)

        run_on_gui(self, "Bilan de campagne en XLSX…", work, self._saved, lambda e: show_error(self, str(e)))

    def _saved(self, done) -> None:
        self.context.apply(done)
        show_info(self, f"Bilan enregistré : {done.file}")

    def ask_nominative(self) -> bool | None:
        """Pseudonymised unless the user explicitly chooses the nominative file; None: cancelled."""
        box = QMessageBox(self)
        box.setWindowTitle("Fichier FOQUALE")
        box.setIcon(QMessageBox.Icon.Question)
        box.setText("Quel fichier voulez-vous exporter ?")
        box.setInformativeText(
            "Le fichier pseudonymisé suffit au réseau FOQUALE : aucun nom, INE, date de naissance ni coordonnée.\n"
            "Le fichier nominatif contient l'identité et les coordonnées des jeunes : son export est inscrit "
            "au journal."
        )
        pseudo = box.addButton("Pseudonymisé (recommandé)", QMessageBox.ButtonRole.AcceptRole)
        nominative = box.addButton("Nominatif…", QMessageBox.ButtonRole.DestructiveRole)
        box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(pseudo)
        box.exec()
        clicked = box.clickedButton()
        if clicked is pseudo:
            return False
        if clicked is nominative:
            answer = QMessageBox.warning(
                self,
                "Export nominatif",
                "Le fichier contiendra des données personnelles : ne l'envoyez que par un canal sécurisé. "
                "Confirmez-vous l'export nominatif ?",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
                QMessageBox.StandardButton.No,
            )
            return True if answer == QMessageBox.StandardButton.Yes else None
        return None

    def export_foquale(self) -> None:
        year = self.campaign_year()
        if year is None:
            return
        nominative = self.ask_nominative()
        if nominative is None:
            return
        from pae_desktop.core.services.school import get_school
        from pae_desktop.io.foquale import file_name

        with self.context.db.read() as session:
            school = get_school(session)
        suggested = file_name(school.uai if school else "", year)
        path = self._ask_path("Exporter le fichier FOQUALE", suggested, "Fichier CSV (*.csv)", "csv")
        if not path:
            return
        db = self.context.db

        def work(progress):
            from pae_desktop.core.operations.exports import export_foquale

            progress(0, 1, "Écriture du fichier…")
            return export_foquale(db, year, path, nominative=nominative)

        def done(result) -> None:
            self.context.apply(result)
            show_info(self, f"Fichier FOQUALE {mode} enregistré : {path} ({result.count} jeunes).")

        mode = "nominatif (export inscrit au journal)" if nominative else "pseudonymisé"
        run_on_gui(self, "Export du fichier FOQUALE…", work, done, lambda e: show_error(self, str(e)))

    def consolidate(self) -> None:
        paths, _ = file_dialogs.open_file_names(
            self, file_dialogs.IMPORT,
            "Consolider des fichiers FOQUALE (un par établissement)", "", "Fichiers FOQUALE (*.csv)"
        )
        if not paths:
            return

        def work(progress):
            from pae_desktop.core.services.consolidation import consolidate

            progress(0, 1, f"Lecture de {len(paths)} fichier(s)…")
            return consolidate([Path(p) for p in paths])

        run_on_gui(self, "Consolidation des fichiers FOQUALE…", work, self._show_network, self._consolidation_failed)

    def _show_network(self, report) -> None:
        self.dialog = NetworkReportDialog(report, self)
        self.dialog.open()

    def _consolidation_failed(self, error: BaseException) -> None:
        from pae_desktop.core.services.consolidation import InvalidFiles

        if isinstance(error, InvalidFiles):
            box = QMessageBox(QMessageBox.Icon.Warning, "Consolidation refusée",
                              f"Fichiers refusés : {len(error.problems)} problème(s). Rien n'a été consolidé.",
                              QMessageBox.StandardButton.Ok, self)
            box.setInformativeText(problems_text(error.problems))
            box.setDetailedText("\n".join(str(p) for p in error.problems))
            self.dialog = box
            box.open()
        else:
            show_error(self, str(error))
