"""The «Parcours» tab: the youths who engaged or have a pathway, and the editor of the one selected."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import Stage
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.context import PATHWAYS, AppContext
from pae_desktop.ui.keyboard import focus_first_field, on_enter
from pae_desktop.ui.pathway_editor.dialogs import CatalogueDialog, OfficeListDialog, write_office_list
from pae_desktop.ui.pathway_editor.editor import PathwayEditor
from pae_desktop.ui.widgets import confirm

SHOWN_STAGES = {Stage.ENGAGE, Stage.PARCOURS_EN_COURS, Stage.ABANDON, Stage.SORTI}
DISCARD = "Abandonner les modifications du parcours en cours ?"


class PathwaysView(QWidget):
    """The «Parcours» tab: youths who engaged or have a pathway, and the builder of the one selected."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = context
        self.rows: list[tuple[int, str, str, str]] = []
        self.search = QLineEdit()
        self.search.setObjectName("pathway_search")
        self.search.setPlaceholderText("Rechercher un jeune")
        self.search.setAccessibleName("Rechercher un jeune")
        self.search.setClearButtonEnabled(True)
        self.show_all = QCheckBox("Tous les jeunes")
        self.show_all.setObjectName("show_all")
        self.show_all.setToolTip(
            "Aussi les jeunes qui ne se sont pas engagés (un parcours demandera une note)"
        )
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("pathway_youths")
        self.table.setAccessibleName("Jeunes et leur parcours")
        self.table.setHorizontalHeaderLabels(["Jeune", "Situation"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        office = QPushButton("Liste « À saisir dans SIECLE »…")
        office.setObjectName("office_list")
        office.clicked.connect(lambda: OfficeListDialog(self.app, self).exec())
        allowance = QPushButton("Allocation PFMP (APLyPro)…")
        allowance.setObjectName("pfmp_allowance")
        allowance.clicked.connect(self.open_allowance)
        catalogue = QPushButton("Catalogue des modules…")
        catalogue.setObjectName("catalogue")
        catalogue.clicked.connect(lambda: CatalogueDialog(self.app, self).exec())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_all)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(office)
        left_layout.addWidget(allowance)
        left_layout.addWidget(catalogue)
        self.editor = PathwayEditor(context)
        editor_scroll = QScrollArea()
        editor_scroll.setWidgetResizable(True)
        editor_scroll.setWidget(self.editor)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(editor_scroll)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([280, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.search.textChanged.connect(self._filter)
        self.show_all.toggled.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._selected)
        on_enter(self.table, lambda: focus_first_field(self.editor))  # into the chosen youth's pathway
        context.data_changed.connect(self._data_changed)
        context.campaign_changed.connect(self._campaign_changed)
        self._stale = True  # filled when first shown
        self._reload_editor = False

    def _campaign_changed(self, _campaign_id: int) -> None:
        self.editor.load(None)
        self._refresh_when_shown()

    def _data_changed(self, touched) -> None:
        if not touched & {PATHWAYS, "youths", "interviews", "campaigns", "directory"} or self.editor.dirty:
            return
        if not self.isVisible():  # the list of stages costs a query per campaign: computed when shown
            self._stale = True
            self._reload_editor = self._reload_editor or bool(touched - {PATHWAYS})
            return
        selected = self.editor.youth_id
        self.refresh()
        if selected is not None and touched - {PATHWAYS}:
            self.editor.load(selected)

    def _refresh_when_shown(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self.refresh()
            if self._reload_editor and self.editor.youth_id is not None and not self.editor.dirty:
                self.editor.load(self.editor.youth_id)
            self._reload_editor = False

    def refresh(self) -> None:
        from pae_desktop.core.services.youths import caseload_rows

        self._stale = False
        if self.app.campaign_id is None:
            self.rows = []
        else:
            with self.app.db.read() as session:
                rows = caseload_rows(session, self.app.campaign_id)
            every = self.show_all.isChecked()
            self.rows = [
                (r.id, r.name, r.stage.label, r.search_key)
                for r in sorted(rows, key=lambda r: (r.last_name, r.first_names))
                if every or r.stage in SHOWN_STAGES
            ]
        self._filter()

    def _filter(self) -> None:
        needle = fold(self.search.text())
        selected = self.editor.youth_id
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for youth_id, name, stage, key in self.rows:
            if needle and needle not in key:
                continue
            row = self.table.rowCount()
            self.table.insertRow(row)
            item = QTableWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, youth_id)
            self.table.setItem(row, 0, item)
            self.table.setItem(row, 1, QTableWidgetItem(stage))
            if youth_id == selected:
                self.table.selectRow(row)
        self.table.blockSignals(False)

    def _selected(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        youth_id = self.table.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        if youth_id == self.editor.youth_id:
            return
        if self.editor.dirty and not confirm(self, DISCARD, "Modifications non enregistrées"):
            return
        self.editor.load(youth_id)

    def show_youth(self, youth_id: int) -> None:
        """Select a youth from elsewhere (the caseload): listed even when they did not engage."""
        if (
            self.editor.dirty
            and youth_id != self.editor.youth_id
            and not confirm(self, DISCARD, "Modifications non enregistrées")
        ):
            return
        if self._stale:
            self.refresh()
        if all(row[0] != youth_id for row in self.rows):
            self.show_all.setChecked(True)
        self.editor.load(youth_id)
        self._filter()

    def open_allowance(self) -> None:
        """The office's screen of the PFMP allowance; a double-clicked row opens that youth's pathway here."""
        from pae_desktop.ui.allowance import AllowanceDialog

        AllowanceDialog(self.app, self, open_pathway=self.show_youth).exec()

    def export_office_list(self) -> str | None:
        if self.app.campaign_id is None:
            return None
        path, chosen = file_dialogs.save_file_name(
            self, file_dialogs.EXPORT,
            "Liste « À saisir dans SIECLE »",
            "a_saisir_dans_siecle.xlsx",
            "Classeur (*.xlsx);;PDF (*.pdf)",
        )
        if not path:
            return None
        if not path.lower().endswith((".xlsx", ".pdf")):
            path += ".pdf" if "pdf" in chosen.lower() else ".xlsx"
        return write_office_list(self, self.app, path)
