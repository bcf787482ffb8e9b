"""The pathways' dialogs: the module catalogue, and the office's list «À saisir dans SIECLE»."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.errors import UserError
from pae_desktop.core.operations import Changes
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.vocabulary import CarrierKind, ModuleType
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.pathway_editor.common import date_field, message_label, read_date, warn
from pae_desktop.ui.widgets import Button, dialog_buttons


class CatalogueDialog(QDialog):
    """Add a module type to the catalogue: a label, the FOQUALE type it counts as, its default carrier."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = context
        self.setWindowTitle("Catalogue des modules")
        self.list = QTableWidget(0, 3)
        self.list.setAccessibleName("Entrées du catalogue des modules")
        self.list.setHorizontalHeaderLabels(["Intitulé", "Compté comme", "Porteur par défaut"])
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.label = QLineEdit()
        self.label.setObjectName("catalog_label")
        self.label.setPlaceholderText("Ex. : Formation SST")
        self.type = QComboBox()
        self.type.setObjectName("catalog_type")
        for code, label in ModuleType.choices():
            self.type.addItem(label, code)
        self.kind = QComboBox()
        self.kind.setObjectName("catalog_kind")
        for code, label in CarrierKind.choices():
            self.kind.addItem(label, code)
        remove = QPushButton("Retirer l'entrée sélectionnée")
        remove.setObjectName("catalog_remove")
        remove.setToolTip(
            "Seules les entrées ajoutées se retirent ; les modules déjà saisis gardent leur type."
        )
        remove.clicked.connect(self.remove_selected)
        add = QPushButton("Ajouter au catalogue")
        add.setObjectName("catalog_add")
        add.clicked.connect(self.add)
        form = QFormLayout()
        form.addRow("Intitulé :", self.label)
        form.addRow("Type (FOQUALE) :", self.type)
        form.addRow("Porteur par défaut :", self.kind)
        form.addRow(add)
        form.addRow(remove)
        self.message = message_label("catalog_message")
        close = dialog_buttons(self, self.reject, {Button.Close: "&Fermer"})
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(640, 420)
        self.refresh()

    def refresh(self) -> None:
        with self.app.db.read() as session:
            items = svc.catalogue(session)
        self.items = items
        self.list.setRowCount(0)
        for item in items:
            row = self.list.rowCount()
            self.list.insertRow(row)
            suffix = "" if item.builtin else " (ajouté)"
            self.list.setItem(row, 0, QTableWidgetItem(item.label + suffix))
            self.list.setItem(row, 1, QTableWidgetItem(ModuleType.label_of(item.module_type)))
            self.list.setItem(row, 2, QTableWidgetItem(CarrierKind.label_of(item.default_carrier_kind)))

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        if item.builtin:
            self.message.show_error(
                f"« {item.label} » fait partie du catalogue national : il ne se retire pas."
            )
            return
        if self._write(lambda s: svc.delete_catalog_entry(s, item.entry_id, version=item.version)):
            self.message.show_info(f"« {item.label} » retiré du catalogue.")

    def add(self) -> None:
        label, module_type, kind = self.label.text(), self.type.currentData(), self.kind.currentData()
        if self._write(lambda s: svc.add_catalog_entry(s, label, module_type, kind)):
            self.message.show_info(f"« {' '.join(label.split())} » ajouté au catalogue.")
            self.label.clear()

    def _write(self, operation) -> bool:
        """Run one catalogue operation; its refusal said in the dialog, the list read again either way."""
        try:
            with self.app.db.transaction() as session:
                result = operation(session)
        except UserError as error:
            self.message.show_error(str(error))
            self.refresh()
            return False
        self.refresh()
        self.app.apply(result)
        return True


# --- the office list ------------------------------------------------------------------------------------


def write_office_list(parent: QWidget, app: AppContext, path: str) -> str | None:
    """Write the campaign's «À saisir dans SIECLE» list to `path` and say how many youths it holds: the path, or
    None when it is refused (the reason said)."""
    from pae_desktop.core.operations.office_list import export_office_list

    try:
        with app.db.transaction() as session:
            result = export_office_list(session, app.campaign_id, path)
    except UserError as error:
        warn(parent, str(error))
        return None
    app.apply(result)
    count = result.count
    QMessageBox.information(parent, "PAE Desktop", f"{count} jeune(s) à saisir dans SIECLE : {path}")
    return path


class OfficeListDialog(QDialog):
    """«À saisir dans SIECLE»: the pathways to enter, exported for the office, then ticked as entered."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.app = context
        self.today = today or dt.date.today()
        self.setWindowTitle("À saisir dans SIECLE")
        self.rows: list[svc.OfficeRow] = []
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("office_rows")
        self.table.setAccessibleName("Parcours à saisir dans SIECLE")
        self.table.setHorizontalHeaderLabels(
            ["Saisie faite", "INE", "Nom", "Né(e) le", "MEF", "Entrée", "Boursier"]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.summary = QLabel()
        self.summary.setObjectName("office_summary")
        self.on = date_field("office_on", "Date de la saisie SIECLE", self.today)
        self.message = message_label("office_message")
        mark = QPushButton("Marquer les lignes cochées comme saisies le")
        mark.setObjectName("office_mark")
        mark.clicked.connect(self.mark_checked)
        xlsx = QPushButton("Exporter en XLSX…")
        xlsx.setObjectName("office_xlsx")
        xlsx.clicked.connect(lambda: self.export(".xlsx"))
        pdf = QPushButton("Exporter en PDF…")
        pdf.setObjectName("office_pdf")
        pdf.clicked.connect(lambda: self.export(".pdf"))
        close = dialog_buttons(self, self.reject, {Button.Close: "&Fermer"})
        marks = QHBoxLayout()
        marks.addWidget(mark)
        marks.addWidget(self.on)
        marks.addStretch(1)
        marks.addWidget(xlsx)
        marks.addWidget(pdf)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(marks)
        layout.addWidget(self.message)
        layout.addWidget(close)
        self.resize(900, 480)
        self.refresh()

    def refresh(self) -> None:
        if self.app.campaign_id is None:
            self.rows = []
        else:
            with self.app.db.read() as session:
                self.rows = svc.office_list(session, self.app.campaign_id)
        self.table.setRowCount(0)
        for row in self.rows:
            index = self.table.rowCount()
            self.table.insertRow(index)
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            tick.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(index, 0, tick)
            values = [
                row.ine,
                row.name,
                f"{row.birth_date:%d/%m/%Y}" if row.birth_date else "",
                f"{row.mef_code} ({row.mef_label})",
                f"{row.start_date:%d/%m/%Y}",
                "Oui" if row.boursier else "Non",
            ]
            for column, value in enumerate(values, start=1):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self.summary.setText(
            f"{len(self.rows)} jeune(s) à inscrire dans SIECLE sous le MEF du parcours."
            if self.rows
            else "Aucun jeune à saisir : toutes les inscriptions sont faites."
        )

    def checked(self) -> list[svc.OfficeRow]:
        return [
            row
            for index, row in enumerate(self.rows)
            if self.table.item(index, 0).checkState() == Qt.CheckState.Checked
        ]

    def mark_checked(self) -> int:
        """Tick «Saisie SIECLE faite» on the rows checked, each pathway as listed (one changed since: refused)."""
        chosen = self.checked()
        if not chosen:
            self.message.show_error("Cochez d'abord les jeunes dont l'inscription est faite dans SIECLE.")
            return 0
        errors: dict[str, str] = {}
        if (on := read_date(self.on, "Date de la saisie SIECLE", errors, "on")) is None:
            self.message.show_error(errors["on"])
            return 0
        result = Changes()
        try:
            with self.app.db.transaction() as session:
                for row in chosen:
                    result |= svc.set_siecle_entered(
                        session, row.pathway_id, True, on, today=max(on, self.today), version=row.version
                    )
        except UserError as error:
            self.message.show_error(str(error))
            self.refresh()
            return 0
        self.refresh()
        self.message.show_info(f"{len(chosen)} inscription(s) marquée(s) comme saisie(s) dans SIECLE.")
        self.app.apply(result)
        return len(chosen)

    def export(self, suffix: str) -> str | None:
        if self.app.campaign_id is None:
            return None
        label = "Classeur (*.xlsx)" if suffix == ".xlsx" else "Documents PDF (*.pdf)"
        path, _chosen = file_dialogs.save_file_name(
            self, file_dialogs.EXPORT,
            "Liste « À saisir dans SIECLE »", f"a_saisir_dans_siecle{suffix}", label
        )
        if not path:
            return None
        if not path.lower().endswith(suffix):
            path += suffix
        return write_office_list(self, self.app, path)
