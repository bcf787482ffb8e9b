"""The «Bilan» tab: the campaign's indicators beside the académie's and earlier campaigns, charts, drill-down, exports."""

# Charts are drawn with QPainter: QtCharts lives in PySide6-Addons (about 150 MB more to install and ship) for
# a few bar charts that fit in a hundred lines here.

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QPointF, QRectF, QSize, Qt, Signal, Slot
from PySide6.QtGui import QColor, QFont, QPainter, QPen
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
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
from pae_desktop.core.models import OriginalSchooling, Youth
from pae_desktop.core.vocabulary import ExitCategory
from pae_desktop.ui.bilan_phase1 import Phase1Box
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.tasks import run_task
from pae_desktop.ui.widgets import show_error, show_info

SCHOOL = QColor("#1F4E79")
ACADEMIE = QColor("#E0A040")
PREVIOUS = QColor("#9DB7D5")
GRID = QColor("#C9D6E3")

FUNNEL = ("effectif", "informes", "contactes", "entretiens_acceptes", "entretiens_realises", "engages", "parcours")
COMPARED = (
    ("taux_acceptation_entretien", "Acceptation"),
    ("taux_engagement", "Engagement"),
    ("part_diplomes_parcours", "Diplômés"),
    ("part_entretiens_avec_ml", "Avec la ML"),
    ("part_entretiens_avant_echeance", "Avant la date cible"),
    ("part_parcours_partenariaux", "Partenariaux"),
    ("part_parcours_mono_module", "Un seul module"),
    ("taux_abandon", "Abandon"),
)
EXITS = tuple((f"sorties.{c}", ExitCategory.label_of(c)) for c in ind.EXIT_CATEGORIES)


def percent(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 100:.1f}".replace(".", ",") + "\u202f%"


def value_text(key: str, value) -> str:
    if value is None:
        return "—"
    return percent(value) if ind.is_rate(key) else f"{value:,}".replace(",", "\u202f")


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


@dataclass
class LoadedReport:
    report: object  # core.services.reporting.Report
    keyed: list[tuple[int, dict[str, str]]]
    names: dict[int, tuple[str, str, str]]  # youth id → (name, class, diploma)


def load_report(db, year: int) -> LoadedReport:
    """The campaign's report, its rows for the drill-down, and the youths' names (one query)."""
    from pae_desktop.core.services.reporting import campaign_report

    with db.read() as session:
        report, keyed = campaign_report(session, year)
        names = {
            youth_id: (f"{(last or '').upper()} {first or ''}".strip(), division or "", diploma or "")
            for youth_id, last, first, division, diploma in session.execute(
                select(Youth.id, Youth.last_name, Youth.first_names, OriginalSchooling.division, OriginalSchooling.diploma)
                .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
                .where(Youth.campaign.has(year=year))
            )
        }
    return LoadedReport(report, keyed, names)


class _GuiCall(QObject):
    """Runs a callback on the GUI thread whichever thread calls `call` (queued through a signal).

    `ui.tasks.run_in_thread` hands plain functions to a signal emitted by its worker, so they run on the
    worker's thread; widgets must only be touched from the GUI thread.
    """

    called = Signal(object, object)

    def __init__(self, parent: QObject) -> None:
        super().__init__(parent)
        self.called.connect(self._run)

    @Slot(object, object)
    def _run(self, callback, value) -> None:
        callback(value)

    def wrap(self, callback):
        return lambda value: self.called.emit(callback, value)


def run_on_gui(owner: QWidget, title: str, work, on_done, on_error) -> None:
    """`ui.tasks.run_task` with its callbacks brought back to the GUI thread."""
    call = owner.findChild(_GuiCall, "", Qt.FindChildOption.FindDirectChildrenOnly) or _GuiCall(owner)
    run_task(owner, title, work, call.wrap(on_done), call.wrap(on_error))


# --- charts ---------------------------------------------------------------------------------------------


class FunnelChart(QWidget):
    """Horizontal bars from the census to the pathways; a click on a bar emits its population key."""

    clicked = Signal(str)
    BAR, GAP, LABEL = 22, 8, 190

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.counts: dict[str, int] = {}
        self.setMinimumHeight(len(FUNNEL) * (self.BAR + self.GAP) + 10)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setAccessibleName("Entonnoir du repérage au parcours")
        self.setToolTip("Cliquez sur une barre pour voir les jeunes concernés")

    def set_counts(self, counts: dict[str, int]) -> None:
        self.counts = counts
        self.setAccessibleDescription(
            ", ".join(f"{ind.POPULATION[k].label} : {counts.get(k, 0)}" for k in FUNNEL)
        )
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt's name
        return QSize(600, self.minimumHeight())

    def bar_at(self, y: float) -> str | None:
        index = int((y - 5) // (self.BAR + self.GAP))
        return FUNNEL[index] if 0 <= index < len(FUNNEL) else None

    def mousePressEvent(self, event) -> None:  # noqa: N802
        key = self.bar_at(event.position().y())
        if key is not None:
            self.clicked.emit(key)

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        total = self.counts.get("effectif", 0)
        usable = max(self.width() - self.LABEL - 130, 50)
        bold = QFont(self.font())
        bold.setBold(True)
        for index, key in enumerate(FUNNEL):
            y = 5 + index * (self.BAR + self.GAP)
            count = self.counts.get(key, 0)
            painter.setPen(self.palette().text().color())
            painter.setFont(self.font())
            painter.drawText(QRectF(0, y, self.LABEL - 8, self.BAR), Qt.AlignmentFlag.AlignVCenter, ind.POPULATION[key].label)
            length = usable * count / total if total else 0
            painter.fillRect(QRectF(self.LABEL, y, max(length, 1), self.BAR), SCHOOL)
            painter.setFont(bold)
            painter.drawText(
                QRectF(self.LABEL + length + 6, y, 130, self.BAR),
                Qt.AlignmentFlag.AlignVCenter,
                f"{count}  ({percent(ind.rate(count, total))})",
            )
        painter.end()


class BarChart(QWidget):
    """Grouped vertical bars from 0 to 100 %: one group per indicator, one bar per series, with a legend."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = title
        self.groups: Sequence[tuple[str, str]] = ()
        self.series: list[tuple[str, QColor, dict]] = []
        self.setMinimumHeight(230)
        self.setAccessibleName(title)

    def set_data(self, groups: Sequence[tuple[str, str]], series: list[tuple[str, QColor, dict]]) -> None:
        self.groups, self.series = groups, series
        self.setAccessibleDescription(
            "; ".join(
                f"{label} : " + ", ".join(f"{name} {percent(values.get(key))}" for name, _c, values in series)
                for key, label in groups
            )
        )
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802
        return QSize(600, 240)

    def paintEvent(self, _event) -> None:  # noqa: N802
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        text_colour = self.palette().text().color()
        left, top, bottom = 42, 26, 38
        plot_w = self.width() - left - 8
        plot_h = self.height() - top - bottom
        small = QFont(self.font())
        small.setPointSizeF(max(self.font().pointSizeF() - 1.5, 6))
        painter.setFont(small)
        for tick in (0, 0.25, 0.5, 0.75, 1.0):
            y = top + plot_h * (1 - tick)
            painter.setPen(QPen(GRID, 1))
            painter.drawLine(QPointF(left, y), QPointF(left + plot_w, y))
            painter.setPen(text_colour)
            painter.drawText(QRectF(0, y - 8, left - 4, 16), Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                             f"{int(tick * 100)} %")
        # legend
        x = left
        for name, colour, _values in self.series:
            painter.fillRect(QRectF(x, 6, 12, 12), colour)
            painter.setPen(text_colour)
            width = painter.fontMetrics().horizontalAdvance(name)
            painter.drawText(QRectF(x + 16, 2, width + 4, 20), Qt.AlignmentFlag.AlignVCenter, name)
            x += width + 34
        if not self.groups:
            painter.end()
            return
        group_w = plot_w / len(self.groups)
        bar_w = min(26.0, (group_w - 10) / max(len(self.series), 1))
        for g, (key, label) in enumerate(self.groups):
            x0 = left + g * group_w + (group_w - bar_w * len(self.series)) / 2
            for s, (_name, colour, values) in enumerate(self.series):
                value = values.get(key)
                x = x0 + s * bar_w
                painter.setPen(text_colour)
                if value is None:
                    painter.drawText(QRectF(x, top + plot_h - 16, bar_w, 16), Qt.AlignmentFlag.AlignCenter, "—")
                    continue
                h = plot_h * max(0.0, min(float(value), 1.0))
                painter.fillRect(QRectF(x + 1, top + plot_h - h, bar_w - 2, max(h, 1)), colour)
                painter.drawText(QRectF(x - 4, top + plot_h - h - 15, bar_w + 8, 14), Qt.AlignmentFlag.AlignCenter,
                                 f"{round(value * 100)}")
            painter.setPen(text_colour)
            painter.drawText(
                QRectF(left + g * group_w, top + plot_h + 2, group_w, bottom - 2),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop | Qt.TextFlag.TextWordWrap,
                label,
            )
        painter.end()


# --- drill-down -----------------------------------------------------------------------------------------


class YouthListDialog(QDialog):
    """The youths behind a count; a double-click opens the youth's file."""

    def __init__(self, context: AppContext, title: str, people: list[tuple[int, str, str, str]], parent=None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle(title)
        self.resize(560, 480)
        self.table = QTableWidget(len(people), 3)
        self.table.setHorizontalHeaderLabels(["Nom", "Classe", "Diplôme"])
        self.table.setAccessibleName(title)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for row, (youth_id, name, division, diploma) in enumerate(people):
            item = QTableWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, youth_id)
            self.table.setItem(row, 0, item)
            self.table.setItem(row, 1, QTableWidgetItem(division))
            self.table.setItem(row, 2, QTableWidgetItem(diploma))
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        self.table.doubleClicked.connect(self.open_current)
        buttons = QDialogButtonBox()
        buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        hint = QLabel(f"{len(people)} jeune{'s' if len(people) > 1 else ''} — double-cliquez pour ouvrir le dossier.")
        layout = QVBoxLayout(self)
        layout.addWidget(hint)
        layout.addWidget(self.table)
        layout.addWidget(buttons)

    def ids(self) -> list[int]:
        return [self.table.item(r, 0).data(Qt.ItemDataRole.UserRole) for r in range(self.table.rowCount())]

    def open_current(self, index=None) -> None:
        row = index.row() if index is not None else self.table.currentRow()
        if row < 0:
            return
        self.context.open_youth.emit(int(self.table.item(row, 0).data(Qt.ItemDataRole.UserRole)))
        self.accept()


# --- network report -------------------------------------------------------------------------------------


class NetworkReportDialog(QDialog):
    """The consolidation of several schools' files: the network and each school, with saving buttons."""

    def __init__(self, report, parent=None) -> None:
        super().__init__(parent)
        self.report = report
        self.setWindowTitle(report.title)
        self.resize(900, 640)
        schools = sorted(report.per_school)
        flat = ind.displayed(report.indicators)
        self.table = QTableWidget(len(flat), 3 + len(schools))
        self.table.setAccessibleName("Indicateurs du réseau et de chaque établissement")
        self.table.setHorizontalHeaderLabels(["Indicateur", "Réseau", "Académie 2023"] + schools)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        for row, (key, value) in enumerate(flat.items()):
            self.table.setItem(row, 0, QTableWidgetItem(ind.LABELS[key]))
            self.table.setItem(row, 1, QTableWidgetItem(value_text(key, value)))
            self.table.setItem(row, 2, QTableWidgetItem(_academie_text(key)))
            for column, uai in enumerate(schools, start=3):
                self.table.setItem(row, column, QTableWidgetItem(value_text(key, ind.flat(report.per_school[uai])[key])))
        self.table.resizeColumnsToContents()
        intro = QLabel(
            f"Campagne {report.campagne} — {len(schools)} établissement(s), "
            f"{report.counts.get('effectif', 0)} jeunes recensés, {report.counts.get('parcours', 0)} parcours."
            + (f" Date cible imposée : {report.deadline:%d/%m/%Y}." if report.deadline else "")
        )
        intro.setWordWrap(True)
        self.pdf_button = QPushButton("Enregistrer en &PDF…")
        self.xlsx_button = QPushButton("Enregistrer en &XLSX…")
        self.json_button = QPushButton("Enregistrer en &JSON…")
        self.pdf_button.clicked.connect(lambda: self.save("pdf"))
        self.xlsx_button.clicked.connect(lambda: self.save("xlsx"))
        self.json_button.clicked.connect(lambda: self.save("json"))
        buttons = QHBoxLayout()
        for button in (self.pdf_button, self.xlsx_button, self.json_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QPushButton("Fermer")
        close.clicked.connect(self.accept)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.table)
        layout.addLayout(buttons)

    def save(self, fmt: str) -> None:
        suggested = f"Consolidation_FOQUALE_{self.report.campagne}.{fmt}"
        filters = {"pdf": "PDF (*.pdf)", "xlsx": "Classeur Excel (*.xlsx)", "json": "JSON (*.json)"}
        path, _ = QFileDialog.getSaveFileName(self, "Enregistrer la consolidation", suggested, filters[fmt])
        if not path:
            return
        path = _with_suffix(path, fmt)
        report = self.report

        def work(progress):
            from pae_desktop.commands.report import write_report

            progress(0, 1, "Écriture du fichier…")
            write_report(report, fmt, path)
            return path

        run_on_gui(self, "Enregistrement de la consolidation…", work,
                 lambda p: show_info(self, f"Consolidation enregistrée : {p}"), lambda e: show_error(self, str(e)))


def _academie_text(key: str) -> str:
    if key in ind.ACADEMIE_2023:
        return percent(ind.ACADEMIE_2023[key])
    if key in ind.ACADEMIE_2023_COUNTS:
        return f"≈ {ind.ACADEMIE_2023_COUNTS[key]:,}".replace(",", "\u202f")
    if key == "missions_locales":
        return f"{percent(ind.ACADEMIE_2023_ML_SHARE)} des ML du territoire"
    return "—"


def _with_suffix(path: str, suffix: str) -> str:
    return path if path.lower().endswith("." + suffix) else f"{path}.{suffix}"


def problems_text(problems) -> str:
    shown = [f"• {p.file.rsplit('/', 1)[-1]}, ligne {p.line}" + (f", colonne {p.column}" if p.column else "")
             + f" : {p.message}" for p in problems[:30]]
    if len(problems) > 30:
        shown.append(f"… et {len(problems) - 30} autre(s) problème(s).")
    return "\n".join(shown)


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
        self.table.setToolTip("Cliquez sur un nombre de jeunes pour voir la liste")

        grid = QGridLayout()
        grid.addWidget(self._box("Du repérage au parcours (cliquez sur une barre)", self.funnel), 0, 0)
        self.rates_box = self._box("Taux comparés à l'académie (2023)", self.rates)
        grid.addWidget(self.rates_box, 0, 1)
        grid.addWidget(self._box("Sorties des parcours par catégorie", self.exits), 1, 0, 1, 2)
        self.phase1 = Phase1Box()
        grid.addWidget(self.phase1, 2, 0, 1, 2)
        grid.addWidget(self._box("Tous les indicateurs (cliquez sur un nombre de jeunes)", self.table), 3, 0, 1, 2)
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
        context.campaign_changed.connect(lambda _id: self.refresh())
        context.data_changed.connect(lambda _topics: self.refresh())
        self.reload()

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
            self.table.setRowCount(0)
            return
        # The report reads the whole campaign (a couple of seconds at 16 000 youths): off the GUI thread.
        self._generation += 1
        generation = self._generation
        db = self.context.db

        def done(loaded: LoadedReport) -> None:
            if generation == self._generation:  # a newer reload supersedes this one
                self.loaded = loaded
                self._show(loaded.report)

        def failed(error: BaseException) -> None:  # a UserError (no school yet): shown in place
            if generation == self._generation:
                self.loaded = None
                self.summary.setText(str(error))

        self.summary.setText("Calcul des indicateurs…")
        run_on_gui(self, "Calcul du bilan de la campagne…", lambda progress: load_report(db, year), done, failed)

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
        series = [(f"Campagne {report.campagne}", SCHOOL, flat)]
        title = "Taux comparés à l'académie (2023)"
        if report.previous:
            year, values = report.previous[-1]
            series.append((f"Campagne {year}", PREVIOUS, ind.flat(values)))
            title += f" et à la campagne {year}"
        series.append(("Académie 2023", ACADEMIE, dict(ind.ACADEMIE_2023)))
        self.rates_box.setTitle(title)
        self.rates.set_data(COMPARED, series)
        self.exits.set_data(EXITS, series)
        self.phase1.set_report(report)
        self._fill_table(report, ind.displayed(report.indicators))

    def _fill_table(self, report, flat) -> None:
        previous = report.previous[-3:]
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
            self.table.setItem(row, 3, QTableWidgetItem(_academie_text(key)))
            for column, (_year, values) in enumerate(previous, start=4):
                self.table.setItem(row, column, QTableWidgetItem(value_text(key, ind.flat(values).get(key))))
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    # drill-down
    def _cell_clicked(self, row: int, column: int) -> None:
        if column != 2:
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
        path, _ = QFileDialog.getSaveFileName(self, title, suggested, file_filter)
        return _with_suffix(path, suffix) if path else None

    def save_pdf(self) -> None:
        year = self.campaign_year()
        if year is None:
            return
        path = self._ask_path("Enregistrer le bilan en PDF", f"Bilan_campagne_{year}.pdf", "PDF (*.pdf)", "pdf")
        if not path:
            return
        db = self.context.db

        def work(progress):
            from pae_desktop.core.operations.printing import document_options, record_print
            from pae_desktop.core.services.reporting import campaign_report
            from pae_desktop.core.services.school import get_school
            from pae_desktop.documents.bilan import build_bilan

            progress(0, 2, "Calcul des indicateurs…")
            with db.transaction() as session:
                report, _rows = campaign_report(session, year)
                progress(1, 2, "Mise en page du PDF…")
                data = build_bilan(path, report, get_school(session), document_options(session))
                record_print(session, "bilan", None, data, path)
            return path

        run_on_gui(self, "Bilan de campagne en PDF…", work,
                 lambda p: show_info(self, f"Bilan enregistré : {p}"), lambda e: show_error(self, str(e)))

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
            from pae_desktop.core.services.reporting import campaign_report
            from pae_desktop.io.report_xlsx import report_workbook, write

            progress(0, 1, "Calcul des indicateurs…")
            with db.read() as session:
                report, _rows = campaign_report(session, year)
            write(path, report_workbook(report))
            return path

        run_on_gui(self, "Bilan de campagne en XLSX…", work,
                 lambda p: show_info(self, f"Bilan enregistré : {p}"), lambda e: show_error(self, str(e)))

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
            from pae_desktop.core.services.campaigns import require_campaign
            from pae_desktop.io.foquale import export_campaign

            progress(0, 1, "Écriture du fichier…")
            with db.transaction() as session:
                count = export_campaign(session, require_campaign(session, year), path, nominative=nominative)
            return count

        mode = "nominatif (export inscrit au journal)" if nominative else "pseudonymisé"
        run_on_gui(self, "Export du fichier FOQUALE…", work,
                 lambda count: show_info(self, f"Fichier FOQUALE {mode} enregistré : {path} ({count} jeunes)."),
                 lambda e: show_error(self, str(e)))

    def consolidate(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, "Consolider des fichiers FOQUALE (un par établissement)", "", "Fichiers FOQUALE (*.csv)"
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

