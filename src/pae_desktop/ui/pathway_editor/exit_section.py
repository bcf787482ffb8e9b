"""The editor's «Abandon et sortie» tab: the SIECLE entry, an abandonment, the exit outcome."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core import rules
from pae_desktop.core.rules import Problem
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.vocabulary import FREE_TEXT_REMINDER, ExitCategory
from pae_desktop.ui.pathway_editor.common import date_field, message_label, read_date, show_problems
from pae_desktop.ui.undo import UNDO_HINT, say_in
from pae_desktop.ui.widgets import confirm


class ExitSection:
    """The end-of-pathway tab of `PathwayEditor` (a part of it: it reads the editor's youth and versions)."""

    def _exit_tab(self) -> QWidget:
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(self._siecle_box())
        layout.addWidget(self._abandon_box())
        layout.addWidget(self._exit_box())
        self.end_message = message_label("end_message")
        layout.addWidget(self.end_message)
        layout.addStretch(1)
        return page

    def _siecle_box(self) -> QGroupBox:
        siecle = QGroupBox("Inscription dans SIECLE")
        self.siecle_done = QCheckBox("Saisie SIECLE faite le")
        self.siecle_done.setObjectName("siecle_done")
        self.siecle_on = date_field("siecle_on", "Date de la saisie SIECLE")
        siecle_save = QPushButton("Enregistrer")
        siecle_save.setObjectName("save_siecle")
        siecle_save.clicked.connect(self.save_siecle)
        row = QHBoxLayout(siecle)
        row.addWidget(self.siecle_done)
        row.addWidget(self.siecle_on)
        row.addWidget(siecle_save)
        row.addStretch(1)
        return siecle

    def _abandon_box(self) -> QGroupBox:
        abandon = QGroupBox("Abandon")
        self.abandon_state = QLabel()
        self.abandon_state.setObjectName("abandon_state")
        self.abandon_on = date_field("abandon_on", "Date de l'abandon")
        self.abandon_reason = QLineEdit()
        self.abandon_reason.setObjectName("abandon_reason")
        self.abandon_reason.setAccessibleName("Motif de l'abandon")
        self.abandon_reason.setToolTip(FREE_TEXT_REMINDER)
        record_abandon = QPushButton("Enregistrer l'abandon")
        record_abandon.setObjectName("record_abandon")
        record_abandon.clicked.connect(self.record_abandonment)
        self.cancel_abandon_button = QPushButton("Annuler l'abandon")
        self.cancel_abandon_button.setObjectName("cancel_abandon")
        self.cancel_abandon_button.clicked.connect(self.cancel_abandonment)
        form = QFormLayout(abandon)
        form.addRow(self.abandon_state)
        form.addRow("Date :", self.abandon_on)
        form.addRow("Motif :", self.abandon_reason)
        buttons = QHBoxLayout()
        buttons.addWidget(record_abandon)
        buttons.addWidget(self.cancel_abandon_button)
        buttons.addStretch(1)
        form.addRow(buttons)
        return abandon

    def _exit_box(self) -> QGroupBox:
        exit_box = QGroupBox("Sortie du parcours")
        self.exit_state = QLabel()
        self.exit_state.setObjectName("exit_state")
        self.exit_on = date_field("exit_on", "Date de sortie")
        self.exit_category = QComboBox()
        self.exit_category.setObjectName("exit_category")
        self.exit_category.setAccessibleName("Catégorie de sortie")
        for code, label in ExitCategory.choices():
            self.exit_category.addItem(label, code)
        self.exit_detail = QComboBox()
        self.exit_detail.setObjectName("exit_detail")
        self.exit_detail.setAccessibleName("Précision de la sortie")
        self.exit_note = QLineEdit()
        self.exit_note.setObjectName("exit_note")
        self.exit_note.setToolTip(FREE_TEXT_REMINDER)
        self.exit_message = message_label("exit_message")
        self.exit_category.currentIndexChanged.connect(self._exit_category_changed)
        self.exit_on.textChanged.connect(self._check_exit)
        record_exit = QPushButton("Enregistrer la sortie")
        record_exit.setObjectName("record_exit")
        record_exit.clicked.connect(self.record_exit)
        self.delete_exit_button = QPushButton("Supprimer la sortie")
        self.delete_exit_button.setObjectName("delete_exit")
        self.delete_exit_button.clicked.connect(self.delete_exit)
        exit_form = QFormLayout(exit_box)
        exit_form.addRow(self.exit_state)
        exit_form.addRow("Date :", self.exit_on)
        exit_form.addRow("Catégorie :", self.exit_category)
        exit_form.addRow("Précision :", self.exit_detail)
        exit_form.addRow("Note :", self.exit_note)
        exit_form.addRow(self.exit_message)
        exit_buttons = QHBoxLayout()
        exit_buttons.addWidget(record_exit)
        exit_buttons.addWidget(self.delete_exit_button)
        exit_buttons.addStretch(1)
        exit_form.addRow(exit_buttons)
        self._exit_category_changed()
        return exit_box

    def _fill_exit(self, exit_row, siecle, abandon, start: dt.date, end: dt.date) -> None:
        default_day = min(max(start, self.today), max(start, end))
        has_pathway = self.pathway_id is not None
        self.exit_version = exit_row.version if exit_row is not None else svc.NEW
        entered, entered_on = siecle
        self.siecle_done.setChecked(entered)
        self.siecle_on.set_value(entered_on or self.today)
        abandoned_on, reason = abandon
        if abandoned_on:
            self.abandon_state.setText(f"Abandon enregistré le {abandoned_on:%d/%m/%Y} : {reason}")
        else:
            self.abandon_state.setText(
                "Aucun abandon." if has_pathway else "Enregistrez d'abord le parcours."
            )
        self.abandon_on.set_value(abandoned_on or default_day)
        self.abandon_reason.setText(reason)
        self.cancel_abandon_button.setEnabled(abandoned_on is not None)
        if exit_row is not None:
            self.exit_state.setText(
                f"Sortie enregistrée le {exit_row.on:%d/%m/%Y} : {ExitCategory.label_of(exit_row.category)}"
            )
            self.exit_on.set_value(exit_row.on)
            self.exit_category.setCurrentIndex(max(0, self.exit_category.findData(exit_row.category)))
            self._exit_category_changed()
            self.exit_detail.setCurrentIndex(max(0, self.exit_detail.findData(exit_row.detail)))
            self.exit_note.setText(exit_row.note)
        else:
            self.exit_state.setText(
                "Aucune sortie enregistrée." if has_pathway else "Enregistrez d'abord le parcours."
            )
            self.exit_on.set_value(abandoned_on or default_day)
            self.exit_note.clear()
        self.delete_exit_button.setEnabled(exit_row is not None)
        self._check_exit()

    def _exit_category_changed(self) -> None:
        self.exit_detail.clear()
        self.exit_detail.addItem("—", "")
        for detail in svc.exit_details(self.exit_category.currentData() or ""):
            self.exit_detail.addItem(detail.label, detail.value)

    def _check_exit(self) -> None:
        """The exit date said wrong as it is typed: unreadable, or before the (saved) pathway's start."""
        if self.rule_context is None:
            return
        errors: dict[str, str] = {}
        day = read_date(self.exit_on, "Date de sortie", errors, rules.F_EXIT_ON)
        start = self.saved_start or self.form().start_date
        if day is not None and (message := rules.exit_before_start_error(day, start)):
            errors[rules.F_EXIT_ON] = message
        show_problems(self.exit_message, [Problem(key, text) for key, text in errors.items()])

    def _write(self, operation, success: str) -> bool:
        """Run one operation of the tab (`PathwayEditor._write_pathway`: reloaded after it, also after a
        conflict), its result or refusal said under the tab."""
        if self._write_pathway(operation, self.end_message) is None:
            return False
        self.end_message.show_info(success)
        return True

    def _tab_date(self, field, label: str) -> dt.date | None:
        errors: dict[str, str] = {}
        day = read_date(field, label, errors, "on")
        if day is None:
            self.end_message.show_error(errors["on"])
        return day

    def save_siecle(self) -> None:
        if self.pathway_id is None:
            self.end_message.show_error("Enregistrez d'abord le parcours.")
            return
        entered = self.siecle_done.isChecked()
        if (on := self._tab_date(self.siecle_on, "Date de la saisie SIECLE")) is None:
            return
        version = self.pathway_version
        self._write(
            lambda s: svc.set_siecle_entered(
                s,
                self.pathway_id,
                entered,
                on if entered else None,
                today=max(on, self.today),
                version=version,
            ),
            "Saisie SIECLE enregistrée." if entered else "Saisie SIECLE décochée.",
        )

    def record_abandonment(self) -> None:
        if (on := self._tab_date(self.abandon_on, "Date de l'abandon")) is None:
            return
        reason, version = self.abandon_reason.text(), self.pathway_version
        self._write(
            lambda s: svc.record_abandonment(s, self.youth_id, on, reason, version=version),
            "Abandon enregistré.",
        )

    def cancel_abandonment(self) -> None:
        version = self.pathway_version
        self._write(lambda s: svc.cancel_abandonment(s, self.youth_id, version=version), "Abandon annulé.")

    def record_exit(self) -> None:
        if (on := self._tab_date(self.exit_on, "Date de sortie")) is None:
            return
        form = svc.ExitForm(
            on=on,
            category=self.exit_category.currentData(),
            detail=self.exit_detail.currentData() or "",
            note=self.exit_note.text(),
        )
        version = self.exit_version
        self._write(lambda s: svc.record_exit(s, self.youth_id, form, version=version), "Sortie enregistrée.")

    def delete_exit(self) -> None:
        what = f"« {self.exit_category.currentText()} » du {self.exit_on.text()}"
        question = f"Supprimer la sortie enregistrée ({what}) ? {UNDO_HINT}"
        if not confirm(self, question, "Supprimer", action="Supprimer la sortie"):
            return
        version, youth_id = self.exit_version, self.youth_id
        result = self._write_pathway(lambda s: svc.delete_exit(s, youth_id, version=version), self.end_message)
        if result is not None:
            self.end_message.show_info("Sortie supprimée.")
            self.undo.remember(result, say_in(self.end_message), self._reload_after_undo)

    def _reload_after_undo(self) -> None:
        """The exit back (`DeletionUndo`): shown again, unless the pathway holds unsaved changes."""
        if self.youth_id is not None and not self.dirty:
            self.load(self.youth_id)
