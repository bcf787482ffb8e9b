"""The «Annuaire» tab: partners (Missions locales, companies, others) and people, the school's staff included."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.errors import UserError
from pae_desktop.core.vocabulary import PartnerType, PersonRole
from pae_desktop.ui import context as topics
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.interview_form import code_combo, message, set_combo_data
from pae_desktop.ui.widgets import Button, dialog_buttons

ID_ROLE = Qt.ItemDataRole.UserRole
STAFF = -1  # the pseudo-partner «Personnel de l'établissement»


def _table(headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(24)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    table.setSortingEnabled(False)
    return table


def _fill(table: QTableWidget, rows: list[tuple[int, list[str], bool]]) -> None:
    table.setRowCount(0)
    for item_id, values, archived in rows:
        row = table.rowCount()
        table.insertRow(row)
        for column, value in enumerate(values):
            item = QTableWidgetItem(value)
            item.setData(ID_ROLE, item_id)
            if archived:
                item.setForeground(Qt.GlobalColor.gray)
            table.setItem(row, column, item)


def _selected_id(table: QTableWidget) -> int | None:
    items = table.selectedItems()
    return items[0].data(ID_ROLE) if items else None


class PartnerDialog(QDialog):
    """Create or edit a partner."""

    def __init__(self, context: AppContext, partner_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from pae_desktop.core.services import directory

        self.context = context
        self.partner_id = partner_id
        self.setWindowTitle("Partenaire" if partner_id is None else "Modifier le partenaire")
        form = directory.PartnerForm()
        if partner_id is not None:
            with context.db.read() as session:
                form = directory.partner_form(directory.get_partner(session, partner_id))
        self.name = QLineEdit(form.name)
        self.type = code_combo(PartnerType.choices())
        set_combo_data(self.type, form.type)
        self.address = QLineEdit(form.address)
        self.postal_code = QLineEdit(form.postal_code)
        self.postal_code.setMaximumWidth(90)
        self.city = QLineEdit(form.city)
        self.phone = QLineEdit(form.phone)
        self.email = QLineEdit(form.email)
        self.siret = QLineEdit(form.siret)
        self.notes = QPlainTextEdit(form.notes)
        self.notes.setMaximumHeight(90)
        layout = QFormLayout()
        for label, widget in (
            ("&Nom :", self.name),
            ("&Type :", self.type),
            ("&Adresse :", self.address),
            ("Code &postal :", self.postal_code),
            ("&Ville :", self.city),
            ("&Téléphone :", self.phone),
            ("&Courriel :", self.email),
            ("&SIRET :", self.siret),
            ("N&otes :", self.notes),
        ):
            layout.addRow(label, widget)
            widget.setAccessibleName(label.replace("&", "").rstrip(" :"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = dialog_buttons(self, self.save, {Button.Save: "Enregistrer", Button.Cancel: "Annuler"})
        outer = QVBoxLayout(self)
        outer.addLayout(layout)
        outer.addWidget(self.message)
        outer.addWidget(buttons)

    def form(self):
        from pae_desktop.core.services.directory import PartnerForm

        return PartnerForm(
            name=self.name.text(),
            type=self.type.currentData(),
            address=self.address.text(),
            postal_code=self.postal_code.text(),
            city=self.city.text(),
            phone=self.phone.text(),
            email=self.email.text(),
            siret=self.siret.text(),
            notes=self.notes.toPlainText(),
        )

    def save(self) -> None:
        from pae_desktop.core.services.directory import save_partner

        try:
            with self.context.db.transaction() as session:
                self.partner_id = save_partner(session, self.form(), self.partner_id).id
        except UserError as error:
            message(self.message, str(error))
            return
        self.context.changed(topics.DIRECTORY)
        self.accept()


class PersonDialog(QDialog):
    """Create or edit a person: school staff (no partner) or someone working for a partner."""

    def __init__(
        self,
        context: AppContext,
        person_id: int | None = None,
        partner_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        from pae_desktop.core.services import directory

        self.context = context
        self.person_id = person_id
        self.setWindowTitle("Personne" if person_id is None else "Modifier la personne")
        form = directory.PersonForm(partner_id=partner_id)
        with context.db.read() as session:
            if person_id is not None:
                form = directory.person_form(directory.get_person(session, person_id))
            partners = directory.list_partners(session)
        if person_id is None and partner_id is not None:
            kind = next((p.type for p in partners if p.id == partner_id), "")
            defaults = {"MISSION_LOCALE": PersonRole.ML, "FRANCE_TRAVAIL": PersonRole.FT, "ENTREPRISE": PersonRole.TUTEUR}
            if kind in defaults:
                form.role = defaults[kind].value
        self.last_name = QLineEdit(form.last_name)
        self.first_name = QLineEdit(form.first_name)
        self.role = code_combo(PersonRole.choices())
        set_combo_data(self.role, form.role)
        self.partner = QComboBox()
        self.partner.addItem("— Personnel de l'établissement —", None)
        for row in partners:
            self.partner.addItem(f"{row.name} ({row.type_label})", row.id)
        set_combo_data(self.partner, form.partner_id)
        self.phone = QLineEdit(form.phone)
        self.email = QLineEdit(form.email)
        layout = QFormLayout()
        for label, widget in (
            ("&Nom :", self.last_name),
            ("&Prénom :", self.first_name),
            ("&Fonction :", self.role),
            ("&Structure :", self.partner),
            ("&Téléphone :", self.phone),
            ("&Courriel :", self.email),
        ):
            layout.addRow(label, widget)
            widget.setAccessibleName(label.replace("&", "").rstrip(" :"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        buttons = dialog_buttons(self, self.save, {Button.Save: "Enregistrer", Button.Cancel: "Annuler"})
        outer = QVBoxLayout(self)
        outer.addLayout(layout)
        outer.addWidget(self.message)
        outer.addWidget(buttons)
        self._warned = False

    def form(self):
        from pae_desktop.core.services.directory import PersonForm

        return PersonForm(
            last_name=self.last_name.text(),
            first_name=self.first_name.text(),
            role=self.role.currentData(),
            partner_id=self.partner.currentData(),
            phone=self.phone.text(),
            email=self.email.text(),
        )

    def save(self) -> None:
        from pae_desktop.core.services.directory import person_warnings, save_person

        form = self.form()
        try:
            with self.context.db.transaction() as session:
                warnings = person_warnings(session, form)
                if warnings and not self._warned:  # shown once; a second click saves anyway
                    self._warned = True
                    raise _Warn("\n".join(warnings.values()) + "\nCliquez à nouveau sur « Enregistrer » pour confirmer.")
                self.person_id = save_person(session, form, self.person_id).id
        except _Warn as warning:
            message(self.message, str(warning), "warning")
            return
        except UserError as error:
            message(self.message, str(error))
            return
        self.context.changed(topics.DIRECTORY)
        self.accept()


class _Warn(Exception):
    pass


class DirectoryView(QWidget):
    """Partners on the left, the selected partner's people (or the school's staff) on the right."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.type_filter = code_combo(PartnerType.choices(), empty="Tous les types")
        self.type_filter.setAccessibleName("Type de partenaire")
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher un partenaire…")
        self.search.setAccessibleName("Rechercher un partenaire")
        self.archived = QCheckBox("Afficher les archivés")
        self.partners = _table(["Partenaire", "Type", "Ville", "Téléphone", "Personnes"])
        self.partners.setAccessibleName("Partenaires")
        self.new_partner_button = QPushButton("Nouveau partenaire…")
        self.edit_partner_button = QPushButton("Modifier…")
        self.archive_partner_button = QPushButton("Archiver / réactiver")
        self.delete_partner_button = QPushButton("Supprimer")
        partner_buttons = QHBoxLayout()
        for button in (
            self.new_partner_button,
            self.edit_partner_button,
            self.archive_partner_button,
            self.delete_partner_button,
        ):
            partner_buttons.addWidget(button)
        partner_buttons.addStretch(1)
        filters = QHBoxLayout()
        filters.addWidget(self.type_filter)
        filters.addWidget(self.search, 1)
        filters.addWidget(self.archived)
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addLayout(filters)
        left_layout.addWidget(self.partners, 1)
        left_layout.addLayout(partner_buttons)

        self.people_title = QLabel()
        self.people_title.setStyleSheet("font-weight: bold;")
        self.people = _table(["Nom", "Prénom", "Fonction", "Téléphone", "Courriel"])
        self.people.setAccessibleName("Personnes")
        self.new_person_button = QPushButton("Nouvelle personne…")
        self.edit_person_button = QPushButton("Modifier…")
        self.archive_person_button = QPushButton("Archiver / réactiver")
        self.delete_person_button = QPushButton("Supprimer")
        people_buttons = QHBoxLayout()
        for button in (
            self.new_person_button,
            self.edit_person_button,
            self.archive_person_button,
            self.delete_person_button,
        ):
            people_buttons.addWidget(button)
        people_buttons.addStretch(1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.people_title)
        right_layout.addWidget(self.people, 1)
        right_layout.addLayout(people_buttons)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addWidget(self.message)

        self.type_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(lambda _t: self.reload())
        self.archived.toggled.connect(lambda _on: self.reload())
        self.partners.itemSelectionChanged.connect(self.reload_people)
        self.partners.itemDoubleClicked.connect(lambda _item: self.edit_partner())
        self.people.itemDoubleClicked.connect(lambda _item: self.edit_person())
        self.new_partner_button.clicked.connect(self.new_partner)
        self.edit_partner_button.clicked.connect(self.edit_partner)
        self.archive_partner_button.clicked.connect(self.toggle_partner_archived)
        self.delete_partner_button.clicked.connect(self.delete_partner)
        self.new_person_button.clicked.connect(self.new_person)
        self.edit_person_button.clicked.connect(self.edit_person)
        self.archive_person_button.clicked.connect(self.toggle_person_archived)
        self.delete_person_button.clicked.connect(self.delete_person)
        context.data_changed.connect(lambda changed: self.reload() if topics.DIRECTORY in changed else None)
        self.reload()

    # --- loading -----------------------------------------------------------------------------------------------

    def reload(self) -> None:
        from pae_desktop.core.services import directory

        selected = self.selected_partner()
        with self.context.db.read() as session:
            rows = directory.list_partners(
                session,
                self.type_filter.currentData() or None,
                include_archived=self.archived.isChecked(),
                search=self.search.text(),
            )
            staff = len(directory.staff(session))
        self._archived_partners = {r.id for r in rows if r.archived}
        table_rows = [(STAFF, ["Personnel de l'établissement", "Établissement", "", "", str(staff)], False)]
        table_rows += [
            (r.id, [r.name, r.type_label, r.city, r.phone, str(r.people)], r.archived) for r in rows
        ]
        self.partners.blockSignals(True)
        _fill(self.partners, table_rows)
        self.partners.blockSignals(False)
        self.select_partner(selected if selected is not None else STAFF)

    def select_partner(self, partner_id: int) -> None:
        for row in range(self.partners.rowCount()):
            if self.partners.item(row, 0).data(ID_ROLE) == partner_id:
                self.partners.selectRow(row)
                break
        else:
            self.partners.selectRow(0)
        self.reload_people()

    def selected_partner(self) -> int | None:
        return _selected_id(self.partners)

    def selected_person(self) -> int | None:
        return _selected_id(self.people)

    def reload_people(self) -> None:
        from pae_desktop.core.services import directory

        partner = self.selected_partner()
        with self.context.db.read() as session:
            if partner in (None, STAFF):
                rows = directory.list_people(session, staff_only=True, include_archived=self.archived.isChecked())
                title = "Personnel de l'établissement"
            else:
                rows = directory.list_people(session, partner_id=partner, include_archived=True)
                if not self.archived.isChecked():
                    rows = [r for r in rows if not r.archived]
                title = directory.get_partner(session, partner).name
        self.people_title.setText(title)
        _fill(
            self.people,
            [(r.id, [r.last_name, r.first_name, r.role_label, r.phone, r.email], r.archived) for r in rows],
        )
        is_partner = partner not in (None, STAFF)
        for button in (self.edit_partner_button, self.archive_partner_button, self.delete_partner_button):
            button.setEnabled(is_partner)

    # --- actions -----------------------------------------------------------------------------------------------

    def _run(self, action) -> bool:
        try:
            with self.context.db.transaction() as session:
                action(session)
        except UserError as error:
            message(self.message, str(error))
            return False
        message(self.message, "")
        self.context.changed(topics.DIRECTORY)
        return True

    def new_partner(self) -> PartnerDialog:
        dialog = PartnerDialog(self.context, None, self)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.select_partner(dialog.partner_id)
        return dialog

    def edit_partner(self) -> None:
        partner = self.selected_partner()
        if partner in (None, STAFF):
            return
        PartnerDialog(self.context, partner, self).exec()

    def toggle_partner_archived(self) -> None:
        from pae_desktop.core.services.directory import set_partner_archived

        partner = self.selected_partner()
        if partner in (None, STAFF):
            return
        archived = partner not in self._archived_partners
        self._run(lambda s: set_partner_archived(s, partner, archived))

    def delete_partner(self) -> None:
        from pae_desktop.core.services.directory import delete_partner

        partner = self.selected_partner()
        if partner in (None, STAFF):
            return
        answer = QMessageBox.question(self, "Supprimer", "Supprimer ce partenaire de l'annuaire ?")
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda s: delete_partner(s, partner))

    def new_person(self) -> PersonDialog:
        partner = self.selected_partner()
        dialog = PersonDialog(self.context, None, None if partner in (None, STAFF) else partner, self)
        dialog.exec()
        return dialog

    def edit_person(self) -> None:
        person = self.selected_person()
        if person is not None:
            PersonDialog(self.context, person, None, self).exec()

    def toggle_person_archived(self) -> None:
        from pae_desktop.core.services.directory import get_person, set_person_archived

        person = self.selected_person()
        if person is None:
            return

        def action(session):
            set_person_archived(session, person, not get_person(session, person).archived)

        self._run(action)

    def delete_person(self) -> None:
        from pae_desktop.core.services.directory import delete_person

        person = self.selected_person()
        if person is None:
            return
        answer = QMessageBox.question(self, "Supprimer", "Supprimer cette personne de l'annuaire ?")
        if answer == QMessageBox.StandardButton.Yes:
            self._run(lambda s: delete_person(s, person))
