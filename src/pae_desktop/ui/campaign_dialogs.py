"""The two quick dialogs of the campaign reached from «Accueil»: an information action for classes or youths in
one step, and the exam results class by class."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.dates import short_date
from pae_desktop.core.errors import UserError
from pae_desktop.core.services import contacts
from pae_desktop.core.vocabulary import ExamResult, InformationKind
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.keyboard import tab_after
from pae_desktop.ui.table_model import Column, TableModel, record_table, selected_row
from pae_desktop.ui.widgets import (
    Button,
    CodeCombo,
    DateField,
    GuardedDialog,
    MessageLabel,
    confirm,
    dialog_buttons,
    labelled,
    show_error,
)

# The information actions already recorded, listed under the form so that one recorded by mistake can go.
RECORDED_COLUMNS = (
    Column("Date", lambda r: short_date(r.on), sort=lambda r: r.on),
    Column("Type", lambda r: r.kind_label),
    Column("Pour", lambda r: r.target),
    Column("Note", lambda r: r.note),
)


class InformationDialog(GuardedDialog):
    """One information action for whole classes and/or the youths selected, in one step."""

    def __init__(self, context: AppContext, youth_ids: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_ids = youth_ids
        self.setWindowTitle("Action d'information")
        with context.db.read() as session:
            classes = contacts.class_counts(session, context.campaign_id)
        self.on = DateField()
        self.on.set_value(dt.date.today())
        self.kind = CodeCombo(InformationKind)
        self.note = QLineEdit()
        self.note.setMaxLength(contacts.MAX_NOTE)
        self.classes = QListWidget()
        self.classes.setAccessibleName("Classes informées")
        for division, count in classes:
            item = QListWidgetItem(f"{division} ({count} élève{'s' if count > 1 else ''})")
            item.setData(Qt.ItemDataRole.UserRole, division)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Unchecked)
            self.classes.addItem(item)
        self.selection = QLabel(
            f"Et les {len(youth_ids)} jeune(s) sélectionné(s) dans la liste."
            if youth_ids
            else "Aucun jeune sélectionné."
        )
        self.message = MessageLabel()
        form = QFormLayout()
        form.addRow(labelled("&Date :", self.on), self.on)
        form.addRow(labelled("&Type :", self.kind), self.kind)
        form.addRow(labelled("&Note :", self.note), self.note)
        form.addRow(labelled("&Classes :", self.classes), self.classes)
        form.addRow("", self.selection)
        buttons = dialog_buttons(self, self.save, {Button.Save: "&Enregistrer", Button.Cancel: "Annuler"})
        self.recorded = TableModel(RECORDED_COLUMNS, parent=self)
        self.recorded_table = record_table(self.recorded, "Actions d'information déjà enregistrées", self)
        self.recorded_table.setMaximumHeight(160)
        delete = QPushButton("Su&pprimer l'action sélectionnée…")
        delete.clicked.connect(self.delete_selected)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(QLabel("Actions déjà enregistrées pour cette campagne :"))
        layout.addWidget(self.recorded_table)
        layout.addWidget(delete, alignment=Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(buttons)
        tab_after(self.classes, self.recorded_table, delete, buttons)  # built after the buttons, shown above
        self.load_recorded()

    def load_recorded(self) -> None:
        with self.context.db.read() as session:
            self.recorded.set_rows(contacts.information_actions(session, self.context.campaign_id))

    def delete_selected(self) -> None:
        """Delete an action recorded by mistake (with the version listed: refused if it changed meanwhile)."""
        row = selected_row(self.recorded_table)
        if row is None:
            self.message.show_error("Choisissez d'abord l'action à supprimer dans la liste.")
            return
        question = (
            f"Supprimer l'action « {row.kind_label} » du {short_date(row.on)} ({row.target}) ? "
            "Les jeunes qu'elle seule avait informés redeviennent « Repéré(e) »."
        )
        if not confirm(self, question, action="Supprimer l'action"):
            return
        try:
            with self.context.db.transaction() as session:
                result = contacts.delete_information(session, row.id, row.version)
        except UserError as error:
            self.message.show_error(str(error))
            self.load_recorded()
            return
        self.context.apply(result)
        self.message.show_info("Action d'information supprimée.")
        self.load_recorded()

    def checked_classes(self) -> list[str]:
        return [
            self.classes.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(self.classes.count())
            if self.classes.item(i).checkState() == Qt.CheckState.Checked
        ]

    def save(self) -> None:
        try:
            on = self.on.value()
        except ValueError as error:
            self.message.show_error(str(error))
            return
        if on is None:
            self.message.show_error("Indiquez la date de l'action d'information.")
            return
        form = contacts.InformationForm(on=on, kind=self.kind.code(), note=self.note.text())
        try:
            with self.context.db.transaction() as session:
                result = contacts.record_information(
                    session,
                    self.context.campaign_id,
                    form,
                    divisions=self.checked_classes(),
                    youth_ids=self.youth_ids,
                )
        except UserError as error:
            self.message.show_error(str(error))
            return
        self.context.apply(result)
        self.accept()


RESULT_COLUMNS = ("Nom", "Classe", "Diplôme", "Résultat")


class ExamResultsDialog(GuardedDialog):
    """The exam results of a class in a quick grid (a combo per youth), or read from a results spreadsheet;
    «Fermer» with results chosen and not saved asks before discarding them."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Résultats d'examen")
        self.resize(640, 560)
        self.changes: dict[int, str] = {}  # the results chosen, by youth, saved by «Enregistrer»
        self.stored: dict[int, str] = {}  # the results the database holds, of the classes shown
        with context.db.read() as session:
            classes = contacts.class_counts(session, context.campaign_id)
        self.division = QComboBox()
        for division, count in classes:
            self.division.addItem(f"{division} ({count})", division)
        self.all_admitted = QPushButton("Tous « &Admis »")
        self.from_file = QPushButton("Depuis un &fichier de résultats…")
        self.all_admitted.setAutoDefault(False)
        self.from_file.setAutoDefault(False)
        self.table = QTableWidget(0, len(RESULT_COLUMNS))
        self.table.setAccessibleName("Résultats aux examens de la classe")
        self.table.setHorizontalHeaderLabels(RESULT_COLUMNS)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.message = MessageLabel()
        top = QHBoxLayout()
        top.addWidget(labelled("&Classe :", self.division))
        top.addWidget(self.division, 1)
        top.addWidget(self.all_admitted)
        top.addWidget(self.from_file)
        buttons = dialog_buttons(self, self.save, {Button.Save: "&Enregistrer", Button.Close: "Fermer"})
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.table)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.division.currentIndexChanged.connect(lambda _i: self.load())
        self.all_admitted.clicked.connect(self.set_all_admitted)
        self.from_file.clicked.connect(self.read_file)
        self.load()

    def load(self) -> None:
        division = self.division.currentData()
        if division is None:
            self.table.setRowCount(0)
            return
        with self.context.db.read() as session:
            rows = contacts.class_results(session, self.context.campaign_id, division)
        self.table.setRowCount(len(rows))
        for index, row in enumerate(rows):
            self.stored[row.youth_id] = row.exam_result
            for column, value in enumerate((row.name, row.division, row.diploma)):
                self.table.setItem(index, column, QTableWidgetItem(value))
            combo = CodeCombo(ExamResult)
            combo.set_code(self.changes.get(row.youth_id, row.exam_result))
            combo.setAccessibleName(f"Résultat de {row.name}")
            combo.currentIndexChanged.connect(
                lambda _i, youth_id=row.youth_id, box=combo: self.changes.__setitem__(youth_id, box.code())
            )
            self.table.setCellWidget(index, 3, combo)
            tab_after(self.table.cellWidget(index - 1, 3) if index else self.table, combo)
        self.table.resizeColumnsToContents()

    def has_unsaved_changes(self) -> bool:
        """A result chosen (in the grid or from a file) that is not the one saved: choosing a class is not one."""
        return any(self.stored.get(youth_id) != code for youth_id, code in self.changes.items())

    def set_all_admitted(self) -> None:
        for row in range(self.table.rowCount()):
            self.table.cellWidget(row, 3).set_code(ExamResult.ADMIS.value)

    def read_file(self) -> None:
        path, _filter = file_dialogs.open_file_name(
            self, file_dialogs.IMPORT,
            "Fichier de résultats", "", "Tableurs (*.csv *.xlsx *.xls);;Tous les fichiers (*)"
        )
        if not path:
            return
        try:
            from pae_desktop.core.services.census import max_import_bytes, read_sources

            with self.context.db.read() as session:
                max_bytes = max_import_bytes(session)
            (source,) = [f for f in read_sources([path], None, max_bytes).files if f.table is not None] or [None]
            if source is None:
                raise UserError("Ce fichier n'est pas un tableur de résultats.")
            with self.context.db.read() as session:
                found = contacts.results_from_table(session, self.context.campaign_id, source.table)
        except UserError as error:
            self.message.show_error(str(error))
            return
        self.changes.update(found.matched)
        self.load()
        text = f"{len(found.matched)} résultat(s) lu(s), à enregistrer."
        if found.unmatched:
            text += f" {len(found.unmatched)} ligne(s) sans jeune correspondant : " + ", ".join(
                found.unmatched[:5]
            )
        if found.unreadable:
            text += f" {len(found.unreadable)} résultat(s) illisible(s) : " + ", ".join(found.unreadable[:5])
        if found.unmatched or found.unreadable:
            self.message.show_warning(text)
        else:
            self.message.show_info(text)

    def save(self) -> None:
        try:
            with self.context.db.transaction() as session:
                result = contacts.save_exam_results(session, self.context.campaign_id, self.changes)
        except UserError as error:
            show_error(self, str(error))
            return
        self.stored.update(self.changes)
        self.changes.clear()
        self.context.apply(result)
        self.message.show_info(f"{result.count} résultat(s) enregistré(s).")
