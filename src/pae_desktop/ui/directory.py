"""The «Annuaire» tab: partners (Missions locales, companies, others) and people, the school's staff included."""

from __future__ import annotations

from dataclasses import replace

from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.services.directory import PartnerRow, PersonRow
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import PartnerType, PersonRole
from pae_desktop.ui import context as topics
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.flow_layout import FlowLayout
from pae_desktop.ui.interview_form import code_combo, message, set_combo_data
from pae_desktop.ui.keyboard import on_enter
from pae_desktop.ui.table_model import GREY, RIGHT, Column, TableModel, record_table, selected_row
from pae_desktop.ui.undo import UNDO_HINT, DeletionUndo
from pae_desktop.ui.widgets import Button, GuardedDialog, confirm, dialog_buttons

STAFF = -1  # the pseudo-partner «Personnel de l'établissement»


def _grey(row) -> object:
    return GREY if row.archived else None


PARTNER_COLUMNS = (
    Column("Partenaire", lambda r: r.name, sort=lambda r: fold(r.name), foreground=_grey),
    Column("Type", lambda r: r.type_label, sort=lambda r: fold(r.type_label), foreground=_grey),
    Column("Ville", lambda r: r.city, sort=lambda r: fold(r.city), foreground=_grey),
    Column("Téléphone", lambda r: r.phone, foreground=_grey),
    Column("Personnes", lambda r: str(r.people), sort=lambda r: r.people, align=RIGHT, foreground=_grey),
)
PEOPLE_COLUMNS = (
    Column("Nom", lambda r: r.last_name, sort=lambda r: fold(r.last_name), foreground=_grey),
    Column("Prénom", lambda r: r.first_name, sort=lambda r: fold(r.first_name), foreground=_grey),
    Column("Fonction", lambda r: r.role_label, sort=lambda r: fold(r.role_label), foreground=_grey),
    Column("Téléphone", lambda r: r.phone, foreground=_grey),
    Column("Courriel", lambda r: r.email, tooltip=lambda r: r.email or None, foreground=_grey),
)
_STAFF_ROW = PartnerRow(STAFF, "Personnel de l'établissement", "", "Établissement", "", "", "", 0, False)


def _select(table, key) -> bool:
    """Select the row of `key` in a `record_table`; False when it is not shown."""
    number = table.model().row_of(key)
    if number < 0:
        return False
    table.selectionModel().select(
        table.model().index(number, 0),
        QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
    )
    return True


def _lay_out_form(dialog, *rows: tuple[str, QWidget]) -> None:
    """Lay out a directory dialog: its labelled rows, a hidden message label (``dialog.message``), Save/Cancel."""
    layout = QFormLayout()
    for label, widget in rows:
        layout.addRow(label, widget)
        widget.setAccessibleName(label.replace("&", "").rstrip(" :"))
    dialog.message = QLabel()
    dialog.message.setWordWrap(True)
    dialog.message.hide()
    buttons = dialog_buttons(dialog, dialog.save, {Button.Save: "Enregistrer", Button.Cancel: "Annuler"})
    outer = QVBoxLayout(dialog)
    outer.addLayout(layout)
    outer.addWidget(dialog.message)
    outer.addWidget(buttons)


class PartnerDialog(GuardedDialog):
    """Create or edit a partner."""

    def __init__(self, context: AppContext, partner_id: int | None = None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        from pae_desktop.core.services import directory

        self.context = context
        self.partner_id = partner_id
        self.version: int | None = None
        self.setWindowTitle("Partenaire" if partner_id is None else "Modifier le partenaire")
        form = directory.PartnerForm()
        if partner_id is not None:
            with context.db.read() as session:
                partner = directory.get_partner(session, partner_id)
                form, self.version = directory.partner_form(partner), partner.version
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
        self.siret.setPlaceholderText("14 chiffres : entreprise d'accueil des PFMP (allocation APLyPro)")
        self.notes = QPlainTextEdit(form.notes)
        self.notes.setMaximumHeight(90)
        _lay_out_form(
            self,
            ("&Nom :", self.name),
            ("&Type :", self.type),
            ("&Adresse :", self.address),
            ("Code &postal :", self.postal_code),
            ("&Ville :", self.city),
            ("&Téléphone :", self.phone),
            ("&Courriel :", self.email),
            ("&SIRET :", self.siret),
            ("N&otes :", self.notes),
        )

    def set_form(self, form) -> None:
        for name in ("name", "address", "postal_code", "city", "phone", "email", "siret"):
            getattr(self, name).setText(getattr(form, name))
        set_combo_data(self.type, form.type)
        self.notes.setPlainText(form.notes)

    def reload(self) -> None:
        """The partner as the database holds it now (someone else saved it meanwhile)."""
        from pae_desktop.core.services import directory

        with self.context.db.read() as session:
            partner = directory.get_partner(session, self.partner_id)
            self.set_form(directory.partner_form(partner))
            self.version = partner.version

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
                result = save_partner(session, self.form(), self.partner_id, self.version)
        except UserError as error:
            if str(error) == CONFLICT_MESSAGE:
                self.reload()
            message(self.message, str(error))
            return
        self.partner_id, self.version = result.id, result.version
        self.context.apply(result)
        self.accept()


class PersonDialog(GuardedDialog):
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
        self.version: int | None = None
        self.setWindowTitle("Personne" if person_id is None else "Modifier la personne")
        form = directory.PersonForm(partner_id=partner_id)
        with context.db.read() as session:
            if person_id is not None:
                person = directory.get_person(session, person_id)
                form, self.version = directory.person_form(person), person.version
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
        _lay_out_form(
            self,
            ("&Nom :", self.last_name),
            ("&Prénom :", self.first_name),
            ("&Fonction :", self.role),
            ("&Structure :", self.partner),
            ("&Téléphone :", self.phone),
            ("&Courriel :", self.email),
        )
        self._warned = False

    def reload(self) -> None:
        """The person as the database holds them now (someone else saved them meanwhile)."""
        from pae_desktop.core.services import directory

        with self.context.db.read() as session:
            person = directory.get_person(session, self.person_id)
            form, self.version = directory.person_form(person), person.version
        for name in ("last_name", "first_name", "phone", "email"):
            getattr(self, name).setText(getattr(form, name))
        set_combo_data(self.role, form.role)
        set_combo_data(self.partner, form.partner_id)

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
                result = save_person(session, form, self.person_id, self.version)
        except _Warn as warning:
            message(self.message, str(warning), "warning")
            return
        except UserError as error:
            if str(error) == CONFLICT_MESSAGE:
                self.reload()
            message(self.message, str(error))
            return
        self.person_id, self.version = result.id, result.version
        self.context.apply(result)
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
        self.partner_model = TableModel(PARTNER_COLUMNS, parent=self)
        self.partners = record_table(self.partner_model, "Partenaires", self)
        self.partners.setSortingEnabled(False)  # «Personnel de l'établissement» stays first, then by type
        self.new_partner_button = QPushButton("Nouveau partenaire…")
        self.edit_partner_button = QPushButton("Modifier…")
        self.archive_partner_button = QPushButton("Archiver / réactiver")
        self.delete_partner_button = QPushButton("Supprimer")
        partner_buttons = FlowLayout()  # wraps on a narrow window
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
        self.people_model = TableModel(PEOPLE_COLUMNS, parent=self)
        self.people = record_table(self.people_model, "Personnes", self)
        self.new_person_button = QPushButton("Nouvelle personne…")
        self.edit_person_button = QPushButton("Modifier…")
        self.archive_person_button = QPushButton("Archiver / réactiver")
        self.delete_person_button = QPushButton("Supprimer")
        people_buttons = FlowLayout()  # wraps on a narrow window
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
        self.undo = DeletionUndo(context, self)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 3)
        bottom.addStretch(1)
        bottom.addWidget(self.undo.button)
        layout = QVBoxLayout(self)
        layout.addWidget(splitter, 1)
        layout.addLayout(bottom)

        self.type_filter.currentIndexChanged.connect(lambda _i: self.reload())
        self.search.textChanged.connect(lambda _t: self.reload())
        self.archived.toggled.connect(lambda _on: self.reload())
        self.partners.selectionModel().selectionChanged.connect(lambda *_args: self.reload_people())
        self.partners.doubleClicked.connect(lambda _index: self.edit_partner())
        self.people.doubleClicked.connect(lambda _index: self.edit_person())
        on_enter(self.partners, lambda: self.edit_partner())
        on_enter(self.people, lambda: self.edit_person())
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
        self.partners.selectionModel().blockSignals(True)
        self.partner_model.set_rows([replace(_STAFF_ROW, people=staff), *rows])
        self.partners.selectionModel().blockSignals(False)
        self.select_partner(selected if selected is not None else STAFF)

    def select_partner(self, partner_id: int) -> None:
        if not _select(self.partners, partner_id):
            _select(self.partners, STAFF)
        self.reload_people()

    def selected_partner(self) -> int | None:
        row = selected_row(self.partners)
        return None if row is None else row.id

    def selected_person(self) -> int | None:
        row = selected_row(self.people)
        return None if row is None else row.id

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
        self.people_model.set_rows(rows)
        is_partner = partner not in (None, STAFF)
        for button in (self.edit_partner_button, self.archive_partner_button, self.delete_partner_button):
            button.setEnabled(is_partner)

    # --- actions -----------------------------------------------------------------------------------------------

    def _run(self, action):
        """Run one directory operation; its `Changes` refresh the screens (and are returned), a refusal shows
        inline, None returned (a conflict reloads the lists first, so that what is shown is what the database
        holds)."""
        try:
            with self.context.db.transaction() as session:
                result = action(session)
        except UserError as error:
            if str(error) == CONFLICT_MESSAGE:
                self.reload()
            message(self.message, str(error))
            return None
        message(self.message, "")
        self.context.apply(result)
        return result

    def _say(self, text: str, error: bool) -> None:
        message(self.message, text, "error" if error else "info")

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

        row = selected_row(self.partners)
        if row is None or row.id == STAFF:
            return
        self._run(lambda s: set_partner_archived(s, row.id, not row.archived, row.version))

    def delete_partner(self) -> None:
        from pae_desktop.core.services.directory import delete_partner

        row = selected_row(self.partners)
        if row is None or row.id == STAFF:
            return
        question = f"Supprimer le partenaire « {row.name} » de l'annuaire ? {UNDO_HINT}"
        if confirm(self, question, "Supprimer", action="Supprimer le partenaire"):
            self.undo.remember(self._run(lambda s: delete_partner(s, row.id, row.version)), self._say)

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
        from pae_desktop.core.services.directory import set_person_archived

        row: PersonRow | None = selected_row(self.people)
        if row is not None:
            self._run(lambda s: set_person_archived(s, row.id, not row.archived, row.version))

    def delete_person(self) -> None:
        from pae_desktop.core.services.directory import delete_person

        row = selected_row(self.people)
        question = f"Supprimer {row.label} de l'annuaire ? {UNDO_HINT}" if row is not None else ""
        if row is not None and confirm(self, question, "Supprimer", action="Supprimer la personne"):
            self.undo.remember(self._run(lambda s: delete_person(s, row.id, row.version)), self._say)
