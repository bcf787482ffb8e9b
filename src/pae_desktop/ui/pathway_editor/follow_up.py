"""The editor's «Suivi et assiduité» tab: dated follow-up events, next actions, absences and the alert."""

from __future__ import annotations

import datetime as dt

from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core import rules
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.vocabulary import FREE_TEXT_REMINDER, DocumentKind, FollowUpKind
from pae_desktop.ui.pathway_editor.attendance_grid import AttendanceGridPanel
from pae_desktop.ui.pathway_editor.common import date_field, message_label, read_date
from pae_desktop.ui.undo import UNDO_HINT, say_in
from pae_desktop.ui.widgets import confirm


class FollowUpSection:
    """The follow-up tab of `PathwayEditor` (a part of it: it reads the editor's youth, context and today)."""

    def _follow_up_tab(self) -> QWidget:
        page = QWidget()
        self.attendance = QLabel()
        self.attendance.setObjectName("attendance")
        self.attendance.setWordWrap(True)
        self.events = QTableWidget(0, 8)
        self.events.setObjectName("follow_ups")
        self.events.setAccessibleName("Événements de suivi")
        self.events.setHorizontalHeaderLabels(
            ["Date", "Type", "Note", "Action suivante", "Échéance", "Fait le", "Demi-journées", "Justifiée"]
        )
        self.events.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.events.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.events.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.event_on = date_field("event_on", "Date de l'événement")
        self.event_kind = QComboBox()
        self.event_kind.setObjectName("event_kind")
        self.event_kind.setAccessibleName("Type d'événement")
        for code, label in FollowUpKind.choices():
            self.event_kind.addItem(label, code)
        self.event_half_days = QSpinBox()
        self.event_half_days.setObjectName("event_half_days")
        self.event_half_days.setAccessibleName("Demi-journées d'absence")
        self.event_half_days.setRange(0, svc.MAX_HALF_DAYS)
        self.event_half_days.setSuffix(" demi-journée(s)")
        self.event_justified = QCheckBox("Absence justifiée")
        self.event_justified.setObjectName("event_justified")
        self.event_note = QLineEdit()
        self.event_note.setObjectName("event_note")
        self.event_note.setAccessibleName("Note de suivi")
        self.event_note.setToolTip(FREE_TEXT_REMINDER)
        self.event_next = QLineEdit()
        self.event_next.setObjectName("event_next_action")
        self.event_next.setAccessibleName("Action suivante")
        self.event_has_due = QCheckBox("Échéance :")
        self.event_has_due.setObjectName("event_has_due")
        self.event_due = date_field("event_due", "Échéance de l'action suivante")
        self.event_due.setEnabled(False)
        self.event_has_due.toggled.connect(self.event_due.setEnabled)
        self.event_kind.currentIndexChanged.connect(self._event_kind_changed)
        self.follow_up_message = message_label("follow_up_message")
        add = QPushButton("Ajouter l'événement")
        add.setObjectName("add_follow_up")
        add.clicked.connect(self.add_follow_up)
        done = QPushButton("Marquer l'action faite")
        done.setObjectName("follow_up_done")
        done.clicked.connect(self.mark_done)
        remove = QPushButton("Supprimer l'événement")
        remove.setObjectName("delete_follow_up")
        remove.clicked.connect(self.delete_follow_up)
        form = QFormLayout()
        row = QHBoxLayout()
        row.addWidget(self.event_on)
        row.addWidget(self.event_kind)
        row.addWidget(self.event_half_days)
        row.addWidget(self.event_justified)
        row.addStretch(1)
        form.addRow("Événement :", row)
        form.addRow("Note :", self.event_note)
        nxt = QHBoxLayout()
        nxt.addWidget(self.event_next, 1)
        nxt.addWidget(self.event_has_due)
        nxt.addWidget(self.event_due)
        form.addRow("Action suivante :", nxt)
        bar = QHBoxLayout()
        bar.addWidget(add)
        bar.addWidget(done)
        bar.addWidget(remove)
        bar.addStretch(1)
        layout = QVBoxLayout(page)
        layout.addWidget(self.events, 1)
        layout.addLayout(form)
        layout.addLayout(bar)
        layout.addWidget(self.follow_up_message)
        self._event_kind_changed()
        return self._with_attendance_grid(page)

    def _with_attendance_grid(self, events_page: QWidget) -> QWidget:
        """The tab: the attendance total above two views, the events and the grid by week."""
        self.attendance_panel = AttendanceGridPanel(
            self.app,
            lambda: self.print_document(DocumentKind.GRILLE_ASSIDUITE),
            self._reload_follow_ups,
        )
        views = QTabWidget()
        views.setObjectName("follow_up_views")
        views.addTab(events_page, "Événements")
        views.addTab(self.attendance_panel, "Grille d'assiduité par semaine")
        outer = QWidget()
        outer_layout = QVBoxLayout(outer)
        outer_layout.addWidget(self.attendance)
        outer_layout.addWidget(views, 1)
        self.follow_up_views = views
        return outer

    def _event_kind_changed(self) -> None:
        absence = self.event_kind.currentData() == FollowUpKind.ABSENCE
        self.event_half_days.setEnabled(absence)
        self.event_justified.setEnabled(absence)
        if not absence:
            self.event_half_days.setValue(0)
            self.event_justified.setChecked(False)
        elif self.event_half_days.value() == 0:
            self.event_half_days.setValue(1)

    def _fill_follow_ups(self, events) -> None:
        self.events.setRowCount(0)
        self.event_ids: list[int] = []
        self.event_versions: list[int] = []
        for event in events:
            row = self.events.rowCount()
            self.events.insertRow(row)
            absence = event.kind == FollowUpKind.ABSENCE
            values = [
                f"{event.on:%d/%m/%Y}",
                FollowUpKind.label_of(event.kind),
                event.note,
                event.next_action,
                f"{event.due_on:%d/%m/%Y}" if event.due_on else "",
                f"{event.done_on:%d/%m/%Y}" if event.done_on else "",
                str(event.absence_half_days) if absence else "",
                ("Oui" if event.absence_justified else "Non") if absence else "",
            ]
            for column, value in enumerate(values):
                self.events.setItem(row, column, QTableWidgetItem(value))
            self.event_ids.append(event.id)
            self.event_versions.append(event.version)
        self.attendance_panel.load(self.youth_id)
        total = self.attendance_panel.overall.unjustified  # the events' and the grid's (core.attendance)
        alert = rules.attendance_warning(total)
        self.attendance.setText(
            alert
            or f"Absences non justifiées (événements et grille) : {total} demi-journée(s) "
            f"(alerte au-delà de {rules.ATTENDANCE_ALERT_HALF_DAYS})."
        )
        self.attendance.setStyleSheet("color: #b00020;" if alert else "")

    def _follow_up_form(self) -> svc.FollowUpForm | None:
        """The event typed, or None with the dates that do not read said under the form."""
        errors: dict[str, str] = {}
        on = read_date(self.event_on, "Date de l'événement", errors, "on")
        due = (
            read_date(self.event_due, "Échéance", errors, "due_on")
            if self.event_has_due.isChecked()
            else None
        )
        if errors:
            self.follow_up_message.show_error("\n".join(errors.values()))
            return None
        return svc.FollowUpForm(
            on=on,
            kind=self.event_kind.currentData(),
            note=self.event_note.text(),
            next_action=self.event_next.text(),
            due_on=due,
            absence_half_days=self.event_half_days.value(),
            absence_justified=self.event_justified.isChecked(),
        )

    def add_follow_up(self) -> None:
        if self.youth_id is None or (form := self._follow_up_form()) is None:
            return
        result = self._write_follow_up(lambda s: svc.save_follow_up(s, self.youth_id, form))
        if result is None:
            return
        self.event_note.clear()
        self.event_next.clear()
        self.event_has_due.setChecked(False)
        if result.alert:
            self.follow_up_message.show_warning(result.alert)
        else:
            self.follow_up_message.show_info("Événement enregistré.")

    def _selected_event(self) -> tuple[int, int] | None:
        row = self.events.currentRow()
        return (self.event_ids[row], self.event_versions[row]) if 0 <= row < len(self.event_ids) else None

    def mark_done(self) -> None:
        if (selected := self._selected_event()) is None:
            self.follow_up_message.show_error("Choisissez d'abord un événement dans la liste.")
            return
        event_id, version = selected
        if self._write_follow_up(lambda s: svc.mark_follow_up_done(s, event_id, self.today, version=version)):
            self.follow_up_message.show_info("Action marquée comme faite.")

    def delete_follow_up(self) -> None:
        if (selected := self._selected_event()) is None:
            self.follow_up_message.show_error("Choisissez d'abord un événement dans la liste.")
            return
        row = self.events.currentRow()
        on, kind = (self.events.item(row, column).text() for column in (0, 1))
        question = f"Supprimer l'événement de suivi « {kind} » du {on} ? {UNDO_HINT}"
        if not confirm(self, question, "Supprimer", action="Supprimer l'événement"):
            return
        event_id, version = selected
        result = self._write_follow_up(lambda s: svc.delete_follow_up(s, event_id, version=version))
        if result:
            self.follow_up_message.show_info("Événement supprimé.")
            self.undo.remember(result, say_in(self.follow_up_message), self._reload_follow_ups)

    def _write_follow_up(self, operation):
        """Run one follow-up operation; its refusal under the form (a conflict reloads the list first)."""
        try:
            with self.app.db.transaction() as session:
                result = operation(session)
        except UserError as error:
            if str(error) == CONFLICT_MESSAGE:
                self._reload_follow_ups()
            self.follow_up_message.show_error(str(error))
            return None
        self._reload_follow_ups()
        self.app.apply(result)
        return result

    def _reload_follow_ups(self) -> None:
        with self.app.db.read() as session:
            events = svc.follow_ups(session, self.youth_id)
        self._fill_follow_ups(events)

    def _reset_follow_up_form(self, today: dt.date) -> None:
        self.event_on.set_value(today)
        self.event_due.set_value(today + dt.timedelta(days=7))
        self.follow_up_message.clear_message()
