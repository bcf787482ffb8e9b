"""The contact attempt dialog: a few keystrokes (channel, result, next step, note), Enter saves, Escape cancels."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.dates import QT_DATETIME_FORMAT, short_datetime
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.services import contacts
from pae_desktop.core.services.contacts import AttemptForm, AttemptResult, AttemptRow
from pae_desktop.core.vocabulary import ContactChannel, ContactResult, NextStep, Stage
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.keyboard import on_enter
from pae_desktop.ui.table_model import DARK_RED, Column, TableModel, record_table, selected_row
from pae_desktop.ui.widgets import (
    Button,
    CodeCombo,
    DateField,
    GuardedDialog,
    MessageLabel,
    confirm,
    dialog_buttons,
    labelled,
)

HISTORY = (
    Column("Date", lambda a: short_datetime(a.at), sort=lambda a: a.at),
    Column("Canal", lambda a: a.channel_label),
    Column("Résultat", lambda a: a.result_label, foreground=lambda a: DARK_RED if a.failed else None),
    Column("Suite", lambda a: a.next_step_label, sort=lambda a: (a.next_date or dt.date.min, a.next_step)),
    Column("Note", lambda a: a.note, tooltip=lambda a: a.note or None),
)
HISTORY_COLUMNS = tuple(column.header for column in HISTORY)


def _form_of(row: AttemptRow) -> AttemptForm:
    return AttemptForm(row.at, row.channel, row.result, row.next_step, row.next_date, row.note)


# What typed alone in the recontact date gives the date at once (the buttons' keys, without leaving the field).
QUICK_DATES = {
    "+2": lambda dialog: dialog._relance_in(2),
    "+7": lambda dialog: dialog._relance_in(7),
    "l": lambda dialog: dialog._relance_monday(),
}


class ContactDialog(GuardedDialog):
    """Record one contact attempt for a youth; the youth's history of attempts below the form."""

    def __init__(self, context: AppContext, youth_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self.result: AttemptResult | None = None
        self.editing: AttemptRow | None = None  # the attempt being corrected (with the version it was read at)
        self.setWindowTitle("Tentative de contact")
        self.setMinimumWidth(700)
        with context.db.read() as session:
            self.card = contacts.contact_card(session, youth_id)
            form = contacts.new_attempt_form(session, youth_id)
            self.history = contacts.attempt_history(session, youth_id)

        self.title = title = QLabel(
            f"<b>{self.card.name}</b>" + (f" — {self.card.division}" if self.card.division else "")
        )
        title.setStyleSheet("font-size: 13pt;")
        reach = (
            " · ".join(self.card.phones + ((self.card.email,) if self.card.email else ()))
            or "Aucune coordonnée"
        )
        details = [f"Coordonnées : {reach}"]
        if self.card.representatives:
            details.append("Représentants : " + " ; ".join(self.card.representatives))
        details.append(self._stage_text())
        self.info = info = QLabel("<br>".join(details))
        info.setWordWrap(True)
        info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        self.when = QDateTimeEdit(QDateTime(form.at.date(), form.at.time()))
        self.when.setDisplayFormat(QT_DATETIME_FORMAT)
        self.when.setCalendarPopup(True)
        self.channel = CodeCombo(ContactChannel)
        self.channel.set_code(form.channel)
        self.outcome = CodeCombo(ContactResult)
        self.outcome.set_code(form.result)
        self.next_step = CodeCombo(NextStep, empty="(aucune)")
        self.next_date = DateField()
        self.next_date.setToolTip(
            "Date de relance, pour « À relancer le … » : 27/08/2025 ou 27082025 ; +2, +7 ou l (lundi)"
        )
        in_two_days = QPushButton("+&2 j")
        in_a_week = QPushButton("+&7 j")
        monday = QPushButton("l&undi")
        in_two_days.setToolTip("Relancer dans 2 jours (Alt+2, ou +2 tapé dans la date)")
        in_a_week.setToolTip("Relancer dans 7 jours (Alt+7, ou +7 tapé dans la date)")
        monday.setToolTip("Relancer lundi prochain (Alt+U, ou l tapé dans la date)")
        for button, action in (
            (in_two_days, lambda: self._relance_in(2)),
            (in_a_week, lambda: self._relance_in(7)),
            (monday, self._relance_monday),
        ):
            button.setAutoDefault(False)
            button.clicked.connect(action)
        self.note = QLineEdit()
        self.note.setMaxLength(contacts.MAX_NOTE)
        self.note.setPlaceholderText("Ce qui a été dit, en quelques mots (pas de détail de santé)")
        self.message = MessageLabel()

        relance = QHBoxLayout()
        relance.addWidget(self.next_date)
        relance.addWidget(in_two_days)
        relance.addWidget(in_a_week)
        relance.addWidget(monday)
        typed = QLabel("ou tapez +2, +7, l")
        typed.setStyleSheet("color: #666;")
        typed.setToolTip("Dans la date : +2, +7 ou l (lundi) ; une date se tape aussi sans barres (27082025)")
        relance.addWidget(typed)
        relance.addStretch()
        fields = QFormLayout()
        fields.addRow(labelled("&Quand :", self.when, "Date et heure de la tentative"), self.when)
        fields.addRow(labelled("&Canal :", self.channel), self.channel)
        fields.addRow(labelled("&Résultat :", self.outcome), self.outcome)
        fields.addRow(labelled("&Suite :", self.next_step), self.next_step)
        fields.addRow(labelled("Relancer &le :", self.next_date, "Date de relance"), relance)
        fields.addRow(labelled("&Note :", self.note), self.note)

        history_buttons = self._build_history()

        buttons = dialog_buttons(self, self.save, {Button.Save: "&Enregistrer", Button.Cancel: "Annuler"})
        self.save_button = buttons.button(Button.Save)
        self.save_button.setDefault(True)

        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(info)
        layout.addLayout(fields)
        keys = QLabel("Entrée : enregistrer · Échap : annuler · Alt + lettre soulignée : aller au champ")
        keys.setStyleSheet("color: #666;")
        footer = QHBoxLayout()
        footer.addWidget(keys)
        footer.addStretch()
        footer.addWidget(buttons)
        layout.addWidget(self.message)
        layout.addLayout(footer)
        layout.addLayout(history_buttons)
        layout.addWidget(self.table)

        self.next_step.currentIndexChanged.connect(self._next_step_changed)
        self.next_date.textEdited.connect(self._date_typed)
        self._next_step_changed()
        self.outcome.setFocus()

    def _build_history(self) -> QHBoxLayout:
        """The youth's previous attempts, with «Modifier» and «Supprimer» above them."""
        self.history_model = TableModel(HISTORY, parent=self)
        self.table = record_table(self.history_model, "Tentatives précédentes", self)
        self.table.doubleClicked.connect(lambda _index: self.edit_selected())
        on_enter(self.table, lambda: self.edit_selected())
        self.history_title = history_title = QLabel()
        self.edit_button = QPushButton("&Modifier la tentative")
        self.delete_button = QPushButton("Su&pprimer la tentative")
        for button, action in ((self.edit_button, self.edit_selected), (self.delete_button, self.delete_selected)):
            button.setAutoDefault(False)
            button.clicked.connect(action)
        history_buttons = QHBoxLayout()
        history_buttons.addWidget(history_title)
        history_buttons.addStretch()
        history_buttons.addWidget(self.edit_button)
        history_buttons.addWidget(self.delete_button)
        self._fill_history()
        return history_buttons

    def _stage_text(self) -> str:
        card = self.card
        text = f"Étape : {card.stage.label}"
        if card.stage is Stage.INJOIGNABLE:
            text += f" ({card.failures} tentatives sans réponse)"
        elif card.failures:
            text += (
                f" — {card.failures} tentative{'s' if card.failures > 1 else ''} sans réponse "
                f"(« Injoignable » à {card.unreachable_after})"
            )
        return text

    def _fill_history(self) -> None:
        self.history_model.set_rows(self.history)
        count = len(self.history)
        self.history_title.setText(f"<b>Historique</b> ({count} tentative{'s' if count > 1 else ''})")
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(bool(self.history))

    def _reload_history(self) -> None:
        """The youth's attempts and stage as the database holds them now (after a save, a delete or a conflict)."""
        with self.context.db.read() as session:
            self.card = contacts.contact_card(session, self.youth_id)
            self.history = contacts.attempt_history(session, self.youth_id)
        self._fill_history()

    def _fill_form(self, form: AttemptForm) -> None:
        self.when.setDateTime(QDateTime(form.at.date(), form.at.time()))
        self.channel.set_code(form.channel)
        self.outcome.set_code(form.result)
        self.next_step.set_code(form.next_step or None)
        self.next_date.set_value(form.next_date)
        self.note.setText(form.note)

    def edit_selected(self) -> None:
        """Load the selected attempt into the form: «Enregistrer» then corrects it."""
        row = selected_row(self.table)
        if row is None:
            self.message.show_error("Choisissez d'abord une tentative dans l'historique.")
            return
        self.editing = row
        self._fill_form(_form_of(row))
        self.mark_clean()  # the attempt as recorded: only what is typed now is asked about on Échap
        self.setWindowTitle("Corriger une tentative de contact")
        self.message.show_info(f"Correction de la tentative du {short_datetime(row.at, joiner=' à ')}.")

    def delete_selected(self) -> None:
        """Delete the selected attempt (recorded by mistake) after a confirmation whose default is «Non»."""
        row = selected_row(self.table)
        if row is None:
            self.message.show_error("Choisissez d'abord une tentative dans l'historique.")
            return
        if not confirm(
            self,
            f"Supprimer la tentative du {short_datetime(row.at, joiner=' à ')} ({row.result_label}) ?",
            action="Supprimer la tentative",
        ):
            return
        try:
            with self.context.db.transaction() as session:
                changes = contacts.delete_attempt(session, row.id, row.version)
        except UserError as error:
            self._reload_history()
            self.message.show_error(str(error))
            return
        if self.editing is not None and self.editing.id == row.id:
            self.editing = None
        self._reload_history()
        self.context.apply(changes)
        self.message.show_info("Tentative supprimée.")

    def _relance_in(self, days: int) -> None:
        self.next_step.set_code(NextStep.A_RELANCER.value)
        self.next_date.set_value(self.when.dateTime().toPython().date() + dt.timedelta(days=days))

    def _relance_monday(self) -> None:
        """Next Monday after the attempt's day (a week later when the attempt is on a Monday)."""
        day = self.when.dateTime().toPython().date()
        self._relance_in(7 - day.weekday())

    def _date_typed(self, text: str) -> None:
        quick = text.strip().lower()
        if quick in QUICK_DATES:  # «+2», «+7», «l»: the date itself, at once
            QUICK_DATES[quick](self)
            return
        if quick and self.next_step.code() != NextStep.A_RELANCER:
            self.next_step.set_code(NextStep.A_RELANCER.value)

    def _next_step_changed(self, *_args) -> None:
        relance = self.next_step.code() == NextStep.A_RELANCER
        if not relance and self.next_date.text():
            self.next_date.clear()

    def form(self) -> AttemptForm:
        """The form as typed; a badly typed date raises ValueError with a French message."""
        return AttemptForm(
            at=self.when.dateTime().toPython().replace(second=0, microsecond=0),
            channel=self.channel.code(),
            result=self.outcome.code(),
            next_step=self.next_step.code(),
            next_date=self.next_date.value(),
            note=self.note.text(),
        )

    def save(self) -> None:
        try:
            form = self.form()
        except ValueError as error:
            self.message.show_error(str(error))
            self.next_date.setFocus()
            return
        problems = form.errors()
        if problems:
            self.message.show_error("\n".join(problems.values()))
            return
        editing = self.editing
        try:
            with self.context.db.transaction() as session:
                if editing is None:
                    self.result = contacts.record_attempt(session, self.youth_id, form)
                else:
                    self.result = contacts.update_attempt(session, editing.id, form, editing.version)
        except UserError as error:
            if editing is not None and str(error) in (CONFLICT_MESSAGE, contacts.ATTEMPT_GONE):
                # changed or deleted elsewhere meanwhile: show what is there now, never overwrite it
                self._reload_history()
                fresh = next((a for a in self.history if editing and a.id == editing.id), None)
                self.editing = fresh
                if fresh is not None:
                    self._fill_form(_form_of(fresh))
            self.message.show_error(str(error))
            return
        self.context.apply(self.result)
        self.accept()

    def summary(self) -> str:
        """One line for the status bar after saving."""
        if self.result is None:
            return ""
        text = f"Tentative enregistrée pour {self.card.name} : {self.result.stage.label}."
        if self.result.became_unreachable:
            text += (
                f" {self.card.name} passe « Injoignable » ({self.result.failures} tentatives sans réponse)."
            )
        return text
