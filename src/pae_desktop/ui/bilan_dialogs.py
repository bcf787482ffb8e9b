"""The dialogs of the «Bilan» tab: the youths behind a count, the network's consolidation, and the helper that
brings background work back to the GUI thread."""

from __future__ import annotations

from PySide6.QtCore import QObject, Qt, Signal, Slot
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core import indicators as ind
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.bilan_charts import percent, value_text
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.keyboard import on_enter
from pae_desktop.ui.tasks import run_task
from pae_desktop.ui.widgets import show_error, show_info


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
        on_enter(self.table, lambda: self.open_current())
        buttons = QDialogButtonBox()
        buttons.addButton("Fermer", QDialogButtonBox.ButtonRole.RejectRole)
        buttons.rejected.connect(self.reject)
        hint = QLabel(f"{len(people)} jeune{'s' if len(people) > 1 else ''} — double-cliquez ou appuyez sur Entrée pour ouvrir le dossier.")
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
            self.table.setItem(row, 2, QTableWidgetItem(academie_text(key)))
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
        path, _ = file_dialogs.save_file_name(
            self, file_dialogs.PDF if fmt == "pdf" else file_dialogs.EXPORT,
            "Enregistrer la consolidation", suggested, filters[fmt]
        )
        if not path:
            return
        path = with_suffix(path, fmt)
        report = self.report

        def work(progress):
            from pae_desktop.core.operations.exports import save_network_report

            progress(0, 1, "Écriture du fichier…")
            return save_network_report(report, fmt, path).file

        run_on_gui(self, "Enregistrement de la consolidation…", work,
                 lambda p: show_info(self, f"Consolidation enregistrée : {p}"), lambda e: show_error(self, str(e)))


def academie_text(key: str) -> str:
    if key in ind.ACADEMIE_2023:
        return percent(ind.ACADEMIE_2023[key])
    if key in ind.ACADEMIE_2023_COUNTS:
        return f"≈ {ind.ACADEMIE_2023_COUNTS[key]:,}".replace(",", "\u202f")
    if key == "missions_locales":
        return f"{percent(ind.ACADEMIE_2023_ML_SHARE)} des ML du territoire"
    return "—"


def with_suffix(path: str, suffix: str) -> str:
    return path if path.lower().endswith("." + suffix) else f"{path}.{suffix}"


def problems_text(problems) -> str:
    shown = [f"• {p.file.rsplit('/', 1)[-1]}, ligne {p.line}" + (f", colonne {p.column}" if p.column else "")
             + f" : {p.message}" for p in problems[:30]]
    if len(problems) > 30:
        shown.append(f"… et {len(problems) - 30} autre(s) problème(s).")
    return "\n".join(shown)
