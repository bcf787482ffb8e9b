"""The contact attempt dialog: a few keystrokes (channel, result, next step, note), Enter saves, Escape cancels."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDateTime, Qt
from PySide6.QtWidgets import (
    QDateTimeEdit,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.errors import UserError
from pae_desktop.core.services import contacts
from pae_desktop.core.services.contacts import AttemptForm, AttemptResult
from pae_desktop.core.vocabulary import ContactChannel, ContactResult, NextStep, Stage
from pae_desktop.ui import context as topics
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.widgets import Button, CodeCombo, DateField, MessageLabel, dialog_buttons, labelled

HISTORY_COLUMNS = ("Date", "Canal", "Résultat", "Suite", "Note")


class ContactDialog(QDialog):
    """Record one contact attempt for a youth; the youth's history of attempts below the form."""

    def __init__(self, context: AppContext, youth_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self.result: AttemptResult | None = None
        self.setWindowTitle("Tentative de contact")
        self.setMinimumWidth(620)
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
        self.when.setDisplayFormat("dd/MM/yyyy HH:mm")
        self.when.setCalendarPopup(True)
        self.channel = CodeCombo(ContactChannel)
        self.channel.set_code(form.channel)
        self.outcome = CodeCombo(ContactResult)
        self.outcome.set_code(form.result)
        self.next_step = CodeCombo(NextStep, empty="(aucune)")
        self.next_date = DateField()
        self.next_date.setToolTip("Date de relance, pour « À relancer le … »")
        in_two_days = QPushButton("+2 jours")
        in_a_week = QPushButton("+7 jours")
        for button, days in ((in_two_days, 2), (in_a_week, 7)):
            button.setAutoDefault(False)
            button.clicked.connect(lambda _checked=False, d=days: self._relance_in(d))
        self.note = QLineEdit()
        self.note.setMaxLength(contacts.MAX_NOTE)
        self.note.setPlaceholderText("Ce qui a été dit, en quelques mots (pas de détail de santé)")
        self.message = MessageLabel()

        relance = QHBoxLayout()
        relance.addWidget(self.next_date)
        relance.addWidget(in_two_days)
        relance.addWidget(in_a_week)
        relance.addStretch()
        fields = QFormLayout()
        fields.addRow(labelled("&Quand :", self.when, "Date et heure de la tentative"), self.when)
        fields.addRow(labelled("&Canal :", self.channel), self.channel)
        fields.addRow(labelled("&Résultat :", self.outcome), self.outcome)
        fields.addRow(labelled("&Suite :", self.next_step), self.next_step)
        fields.addRow(labelled("Relancer &le :", self.next_date, "Date de relance"), relance)
        fields.addRow(labelled("&Note :", self.note), self.note)

        self.table = QTableWidget(0, len(HISTORY_COLUMNS))
        self.table.setHorizontalHeaderLabels(HISTORY_COLUMNS)
        self.table.setAccessibleName("Tentatives précédentes")
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(
            len(HISTORY_COLUMNS) - 1, QHeaderView.ResizeMode.Stretch
        )
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self._fill_history()
        history_title = QLabel(
            f"<b>Historique</b> ({len(self.history)} tentative{'s' if len(self.history) > 1 else ''})"
        )

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
        layout.addWidget(history_title)
        layout.addWidget(self.table)

        self.next_step.currentIndexChanged.connect(self._next_step_changed)
        self.next_date.textEdited.connect(self._date_typed)
        self._next_step_changed()
        self.outcome.setFocus()

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
        self.table.setRowCount(len(self.history))
        for row, attempt in enumerate(self.history):
            values = (
                f"{attempt.at:%d/%m/%Y %H:%M}",
                attempt.channel_label,
                attempt.result_label,
                attempt.next_step_label,
                attempt.note,
            )
            for column, value in enumerate(values):
                item = QTableWidgetItem(value)
                if column == 2 and attempt.failed:
                    item.setForeground(Qt.GlobalColor.darkRed)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()

    def _relance_in(self, days: int) -> None:
        self.next_step.set_code(NextStep.A_RELANCER.value)
        self.next_date.set_value(self.when.dateTime().toPython().date() + dt.timedelta(days=days))

    def _date_typed(self, text: str) -> None:
        if text.strip() and self.next_step.code() != NextStep.A_RELANCER:
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
        try:
            with self.context.db.transaction() as session:
                self.result = contacts.record_attempt(session, self.youth_id, form)
        except UserError as error:
            self.message.show_error(str(error))
            return
        self.context.changed(topics.CONTACTS, topics.YOUTHS)
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
