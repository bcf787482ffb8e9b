"""The phase-1 tab («AvenirPro»): collective workshops, the attendance grid by class, individual interviews and
events of the current campaign; a campaign without phase 1 shows a sentence instead."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.dates import french_time, short_date
from pae_desktop.core.errors import UserError
from pae_desktop.core.vocabulary import PHASE1_MIN_WORKSHOPS
from pae_desktop.ui import context as topics
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.keyboard import on_enter
from pae_desktop.ui.phase1_dialogs import EventDialog, InterviewDialog, WorkshopDialog
from pae_desktop.ui.widgets import MessageLabel, confirm, labelled

ID_ROLE = Qt.ItemDataRole.UserRole
VERSION_ROLE = Qt.ItemDataRole.UserRole + 1
REFRESHED_BY = {topics.PHASE1, topics.YOUTHS, topics.DIRECTORY, topics.CAMPAIGNS}


def duration_text(minutes: int) -> str:
    """90 → «1 h 30», 60 → «1 h»."""
    hours, rest = divmod(minutes, 60)
    return f"{hours} h {rest:02d}" if rest else f"{hours} h"


def _button(text: str) -> QPushButton:
    button = QPushButton(text)
    button.setAccessibleName(text.replace("&", ""))
    return button


def _table(headers: list[str], accessible: str) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.setAccessibleName(accessible)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setStretchLastSection(True)
    return table


class RecordListPage(QWidget):
    """A list of one kind of phase-1 record with «Nouveau…», «Modifier», «Supprimer» (confirmed, default «Non»)."""

    headers: list[str] = []
    accessible = ""
    new_text = ""
    delete_question = ""
    delete_action = "Supprimer"
    dialog_class = None

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.table = _table(self.headers, self.accessible)
        self.new_button = _button(self.new_text)
        self.edit_button = _button("&Modifier")
        self.delete_button = _button("&Supprimer")
        self.message = MessageLabel()
        self.buttons = QHBoxLayout()
        for button in (self.new_button, self.edit_button, self.delete_button):
            self.buttons.addWidget(button)
        self.buttons.addStretch()
        self.top = QVBoxLayout(self)
        self.top.addLayout(self.buttons)
        self.top.addWidget(self.table, 1)
        self.top.addWidget(self.message)
        self.new_button.clicked.connect(lambda: self.open_dialog(None))
        self.edit_button.clicked.connect(self.edit)
        self.delete_button.clicked.connect(self.delete)
        self.table.itemDoubleClicked.connect(lambda _item: self.edit())
        on_enter(self.table, lambda: self.edit())
        self.table.itemSelectionChanged.connect(self._selection_changed)

    def rows(self, session) -> list[tuple[int, int, list[str]]]:
        """(id, version, cells) of each record of the current campaign."""
        raise NotImplementedError

    def remove(self, session, record_id: int, version: int):
        raise NotImplementedError

    def reload(self) -> None:
        selected = self.selected()
        with self.context.db.read() as session:
            rows = self.rows(session)
        self.table.setRowCount(len(rows))
        for row, (record_id, version, cells) in enumerate(rows):
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(ID_ROLE, record_id)
                item.setData(VERSION_ROLE, version)
                self.table.setItem(row, column, item)
        self.select(selected[0] if selected else None)
        self._selection_changed()

    def select(self, record_id: int | None) -> None:
        for row in range(self.table.rowCount()):
            if self.table.item(row, 0).data(ID_ROLE) == record_id:
                self.table.selectRow(row)
                return
        if self.table.rowCount():
            self.table.selectRow(0)

    def selected(self) -> tuple[int, int] | None:
        items = self.table.selectedItems()
        return (items[0].data(ID_ROLE), items[0].data(VERSION_ROLE)) if items else None

    def _delete_text(self) -> str:
        """The question, and the selected record as the list shows it (its first cells), so that it is named."""
        row = self.table.currentRow()
        cells = (self.table.item(row, column) for column in range(min(3, self.table.columnCount())))
        shown = " — ".join(item.text() for item in cells if item is not None and item.text())
        return f"{self.delete_question}\n\n{shown}" if shown else self.delete_question

    def _selection_changed(self) -> None:
        for button in (self.edit_button, self.delete_button):
            button.setEnabled(self.selected() is not None)

    def open_dialog(self, record_id: int | None):
        try:
            dialog = self.dialog_class(self.context, record_id, self)
        except UserError as error:  # deleted meanwhile by a colleague
            self.message.show_error(str(error))
            self.context.changed(topics.PHASE1)
            return None
        if dialog.exec():
            self.message.clear_message()
            self.select(dialog.change.entity_id)
        return dialog

    def edit(self) -> None:
        if (selected := self.selected()) is not None:
            self.open_dialog(selected[0])

    def delete(self) -> None:
        selected = self.selected()
        if selected is None or not confirm(self, self._delete_text(), action=self.delete_action):
            return
        try:
            with self.context.db.transaction() as session:
                result = self.remove(session, *selected)
        except UserError as error:
            self.message.show_error(str(error))
            self.context.changed(topics.PHASE1)  # no operation ran: show what the database holds now
            return
        self.message.clear_message()
        self.context.apply(result)


class WorkshopsPage(RecordListPage):
    headers = ["Date", "Heure", "Durée", "Thème", "Opérateur", "Classes", "Présents/inscrits"]
    accessible = "Ateliers collectifs"
    new_text = "&Nouvel atelier"
    delete_question = "Supprimer cet atelier et les présences notées pour ses élèves ?"
    delete_action = "Supprimer l'atelier"
    dialog_class = WorkshopDialog
    attendance_requested = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(context, parent)
        self.attendance_button = _button("Saisir les &présences")
        self.buttons.insertWidget(3, self.attendance_button)
        self.attendance_button.clicked.connect(self._attendance)
        self.minimum = QLabel()
        self.minimum.setWordWrap(True)
        self.top.insertWidget(0, self.minimum)

    def rows(self, session):
        from pae_desktop.core.phase1 import classes_below_minimum
        from pae_desktop.core.services.phase1 import list_workshops

        below = classes_below_minimum(session, self.context.campaign_id)
        if below:
            listed = ", ".join(f"{division} ({held})" for division, held in below)
            self.minimum.setText(f"Classes avec moins de {PHASE1_MIN_WORKSHOPS} ateliers : {listed}.")
        else:
            self.minimum.setText(f"Chaque classe a eu au moins {PHASE1_MIN_WORKSHOPS} ateliers.")
        return [
            (
                r.id,
                r.version,
                [
                    short_date(r.held_on),
                    french_time(r.starts_at),
                    duration_text(r.duration_minutes),
                    r.theme,
                    f"{r.operator} ({r.advisor})" if r.advisor else r.operator,
                    ", ".join(r.classes),
                    r.attendance_text,
                ],
            )
            for r in list_workshops(session, self.context.campaign_id)
        ]

    def remove(self, session, record_id, version):
        from pae_desktop.core.services.phase1 import delete_workshop

        return delete_workshop(session, record_id, version)

    def _selection_changed(self) -> None:
        super()._selection_changed()
        if hasattr(self, "attendance_button"):
            self.attendance_button.setEnabled(self.selected() is not None)

    def _attendance(self) -> None:
        if (selected := self.selected()) is not None:
            self.attendance_requested.emit(selected[0])


class InterviewsPage(RecordListPage):
    headers = ["Date", "Élève", "Classe", "Structure", "Conseiller(ère)"]
    accessible = "Entretiens individuels"
    new_text = "&Nouvel entretien"
    delete_question = "Supprimer cet entretien individuel ?"
    delete_action = "Supprimer l'entretien"
    dialog_class = InterviewDialog

    def rows(self, session):
        from pae_desktop.core.services.phase1_interviews_events import list_interviews

        return [
            (r.id, r.version, [short_date(r.held_on), r.student, r.division, r.partner, r.advisor])
            for r in list_interviews(session, self.context.campaign_id)
        ]

    def remove(self, session, record_id, version):
        from pae_desktop.core.services.phase1_interviews_events import delete_interview

        return delete_interview(session, record_id, version)


class EventsPage(RecordListPage):
    headers = ["Date", "Type", "Intitulé", "Lieu", "Participants"]
    accessible = "Événements"
    new_text = "&Nouvel événement"
    delete_question = "Supprimer cet événement et la liste de ses participants ?"
    delete_action = "Supprimer l'événement"
    dialog_class = EventDialog

    def rows(self, session):
        from pae_desktop.core.services.phase1_interviews_events import list_events

        return [
            (r.id, r.version, [short_date(r.held_on), r.kind_label, r.title, r.place, str(r.participants)])
            for r in list_events(session, self.context.campaign_id)
        ]

    def remove(self, session, record_id, version):
        from pae_desktop.core.services.phase1_interviews_events import delete_event

        return delete_event(session, record_id, version)


class AttendanceTable(QTableWidget):
    """One row per student; Space ticks or unticks the current row's «Présent(e)», whatever column has focus."""

    PRESENT = 0
    NAME = 1

    def keyPressEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if event.key() in (Qt.Key.Key_Space, Qt.Key.Key_Select) and self.currentRow() >= 0:
            item = self.item(self.currentRow(), self.PRESENT)
            checked = item.checkState() == Qt.CheckState.Checked
            item.setCheckState(Qt.CheckState.Unchecked if checked else Qt.CheckState.Checked)
            return
        super().keyPressEvent(event)


class AttendancePage(QWidget):
    """The attendance grid: a workshop, one of its classes, a «Présent(e)» box per student, «Enregistrer»."""

    STATUS = {None: "non saisie", True: "présent(e)", False: "absent(e)"}

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.workshop = QComboBox()
        self.workshop.setMinimumContentsLength(40)
        self.division = QComboBox()
        self.division.setMinimumContentsLength(12)
        self.table = AttendanceTable(0, 3)
        self.table.setHorizontalHeaderLabels(["Présent(e)", "Élève", "Déjà enregistré"])
        self.table.setAccessibleName("Feuille de présence")
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().hide()
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.all_present = _button("Tous &présents")
        self.all_absent = _button("Tous a&bsents")
        self.save_button = _button("&Enregistrer")
        self.save_button.setDefault(True)
        self.summary = QLabel()
        self.help = QLabel(
            "Flèches haut et bas pour passer d'un élève à l'autre, Espace pour cocher ou décocher «\u00a0Présent(e)\u00a0». "
            "«\u00a0Enregistrer\u00a0» note chaque élève de la classe présent(e) ou absent(e)."
        )
        self.help.setWordWrap(True)
        self.help.setStyleSheet("color: #555;")
        self.message = MessageLabel()
        self.dirty = False
        self._shown: tuple[int | None, str | None] = (None, None)

        choose = QHBoxLayout()
        choose.addWidget(labelled("Ate&lier :", self.workshop))
        choose.addWidget(self.workshop, 1)
        choose.addWidget(labelled("&Classe :", self.division))
        choose.addWidget(self.division)
        ticks = QHBoxLayout()
        for button in (self.all_present, self.all_absent):
            ticks.addWidget(button)
        ticks.addStretch()
        side = QVBoxLayout()
        side.addWidget(self.details)
        side.addWidget(self.help)
        side.addLayout(ticks)
        side.addWidget(self.summary)
        side.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignLeft)
        side.addWidget(self.message)
        side.addStretch()
        grid = QHBoxLayout()
        grid.addWidget(self.table, 3)
        grid.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addLayout(choose)
        layout.addLayout(grid, 1)
        self.workshop.currentIndexChanged.connect(lambda _i: self._workshop_chosen())
        self.division.currentIndexChanged.connect(lambda _i: self._class_chosen())
        self.table.itemChanged.connect(self._touched)
        self.all_present.clicked.connect(lambda: self.set_all(True))
        self.all_absent.clicked.connect(lambda: self.set_all(False))
        self.save_button.clicked.connect(lambda: self.save())

    # --- choosing ------------------------------------------------------------------------------------------

    def reload(self, workshop_id: int | None = None) -> None:
        """The campaign's workshops in the combo; `workshop_id` (or the one shown) selected again."""
        from pae_desktop.core.services.phase1 import list_workshops

        keep = workshop_id if workshop_id is not None else self._shown[0]
        with self.context.db.read() as session:
            rows = list_workshops(session, self.context.campaign_id)
        self.workshop.blockSignals(True)
        self.workshop.clear()
        for row in rows:
            text = f"{short_date(row.held_on)} {french_time(row.starts_at)} — {row.theme} ({', '.join(row.classes)})"
            details = (
                f"{duration_text(row.duration_minutes)} avec {row.operator or 'un opérateur non précisé'}"
            )
            details += f" ({row.advisor})" if row.advisor else ""
            self.workshop.addItem(" ".join(text.split()), (row.id, row.classes, details))
        self.workshop.setCurrentIndex(max(next((i for i, r in enumerate(rows) if r.id == keep), 0), 0))
        self.workshop.blockSignals(False)
        self._fill_classes()

    def show_workshop(self, workshop_id: int) -> None:
        if self.maybe_discard():
            self.reload(workshop_id)
            self.table.setFocus()

    def _fill_classes(self) -> None:
        data = self.workshop.currentData()
        keep = self._shown[1]
        self.division.blockSignals(True)
        self.division.clear()
        for division in data[1] if data else ():
            self.division.addItem(division, division)
        self.division.setCurrentIndex(max(self.division.findData(keep), 0))
        self.division.blockSignals(False)
        self._load_sheet()

    def _workshop_chosen(self) -> None:
        if self.maybe_discard(revert=self.workshop):
            self._fill_classes()

    def _class_chosen(self) -> None:
        if self.maybe_discard(revert=self.division):
            self._load_sheet()

    def maybe_discard(self, revert: QComboBox | None = None) -> bool:
        """True when nothing is pending or the user agrees to drop the unsaved ticks."""
        if not self.dirty or confirm(
            self, "Les présences cochées n'ont pas été enregistrées. Les abandonner ?", "Présences"
        ):
            return True
        if revert is not None:  # put back the workshop or class whose ticks are pending
            revert.blockSignals(True)
            if revert is self.workshop:
                ids = [self.workshop.itemData(i)[0] for i in range(self.workshop.count())]
                revert.setCurrentIndex(ids.index(self._shown[0]) if self._shown[0] in ids else 0)
            else:
                revert.setCurrentIndex(max(revert.findData(self._shown[1]), 0))
            revert.blockSignals(False)
        return False

    # --- the grid ------------------------------------------------------------------------------------------

    def _load_sheet(self) -> None:
        from pae_desktop.core.services.phase1 import attendance_sheet

        data, division = self.workshop.currentData(), self.division.currentData()
        rows = []
        if data and division:
            try:
                with self.context.db.read() as session:
                    rows = attendance_sheet(session, data[0], division)
            except UserError as error:
                self.message.show_error(str(error))
        self._shown = (data[0] if data else None, division)
        self.details.setText(f"Atelier de {data[2]}." if data else "Aucun atelier dans cette campagne.")
        self.table.blockSignals(True)
        self.table.setRowCount(len(rows))
        for row, sheet_row in enumerate(rows):
            name = QTableWidgetItem(sheet_row.name)
            name.setData(ID_ROLE, sheet_row.youth_id)
            present = QTableWidgetItem("")
            present.setData(ID_ROLE, sheet_row.youth_id)
            present.setFlags(
                Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsUserCheckable
            )
            present.setCheckState(Qt.CheckState.Checked if sheet_row.present else Qt.CheckState.Unchecked)
            present.setData(Qt.ItemDataRole.AccessibleTextRole, sheet_row.name)
            status = QTableWidgetItem(self.STATUS[sheet_row.present])
            if sheet_row.present is None:
                font = QFont(status.font())
                font.setItalic(True)
                status.setFont(font)
                status.setForeground(Qt.GlobalColor.darkGray)
            for column, item in enumerate((present, name, status)):
                self.table.setItem(row, column, item)
        self.table.blockSignals(False)
        if rows:
            self.table.setCurrentCell(0, AttendanceTable.PRESENT)
        self.dirty = False
        for widget in (self.all_present, self.all_absent, self.save_button):
            widget.setEnabled(bool(rows))
        self._update_summary()

    def _touched(self, _item) -> None:
        self.dirty = True
        self._update_summary()

    def checks(self) -> dict[int, bool]:
        return {
            self.table.item(row, AttendanceTable.NAME).data(ID_ROLE): self.table.item(
                row, AttendanceTable.PRESENT
            ).checkState()
            == Qt.CheckState.Checked
            for row in range(self.table.rowCount())
        }

    def _update_summary(self) -> None:
        checks = self.checks()
        if not checks:
            self.summary.setText("Aucun atelier ou aucun élève dans cette classe." if self._shown[0] else "")
            return
        present = sum(checks.values())
        pending = " — non enregistré" if self.dirty else ""
        self.summary.setText(f"{present} présent(s) sur {len(checks)}{pending}")

    def set_all(self, present: bool) -> None:
        state = Qt.CheckState.Checked if present else Qt.CheckState.Unchecked
        for row in range(self.table.rowCount()):
            self.table.item(row, AttendanceTable.PRESENT).setCheckState(state)
        self.table.setFocus()

    def save(self, today: dt.date | None = None) -> bool:
        from pae_desktop.core.services.phase1 import set_attendance

        workshop_id, division = self._shown
        if workshop_id is None or not division:
            return False
        try:
            with self.context.db.transaction() as session:
                change = set_attendance(session, workshop_id, division, self.checks(), today)
        except UserError as error:
            self.message.show_error(str(error))
            return False
        self.dirty = False
        self.message.show_info(f"Présences enregistrées ({change.detail}).")
        self.context.apply(change)
        return True


class Phase1View(QWidget):
    """Built as `Phase1View(context)`; follows the current campaign and the changes it is told of."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.absent = QLabel()
        self.absent.setWordWrap(True)
        self.absent.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.absent.setAccessibleName("Pas de phase 1")
        self.title = QLabel()
        self.title.setStyleSheet("font-size: 13pt; font-weight: bold;")
        self.workshops = WorkshopsPage(context)
        self.attendance = AttendancePage(context)
        self.interviews = InterviewsPage(context)
        self.events = EventsPage(context)
        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Phase 1")
        for page, text in (
            (self.workshops, "A&teliers collectifs"),
            (self.attendance, "P&résences"),
            (self.interviews, "Entretiens &individuels"),
            (self.events, "É&vénements"),
        ):
            self.tabs.addTab(page, text)
        content = QWidget()
        content_layout = QVBoxLayout(content)
        content_layout.setContentsMargins(0, 0, 0, 0)
        content_layout.addWidget(self.title)
        content_layout.addWidget(self.tabs, 1)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.absent)
        self.stack.addWidget(content)
        layout = QVBoxLayout(self)
        layout.addWidget(self.stack)
        self.workshops.attendance_requested.connect(self.show_attendance)
        context.campaign_changed.connect(lambda _id: self.reload())
        context.data_changed.connect(lambda changed: self.reload() if changed & REFRESHED_BY else None)
        self.reload()

    def reload(self) -> None:
        from pae_desktop.core.models import Campaign
        from pae_desktop.core.scheme import scheme_of

        with self.context.db.read() as session:
            campaign = session.get(Campaign, self.context.campaign_id) if self.context.campaign_id else None
            scheme = scheme_of(campaign) if campaign is not None else None
        if scheme is None or not scheme.has_phase1:
            self.absent.setText(
                "Aucune campagne n'est ouverte."
                if campaign is None
                else f"La campagne {campaign.year} ({scheme.name}) n'a pas de phase 1 en terminale : les ateliers "
                "collectifs, entretiens individuels et événements s'enregistrent à partir de la campagne 2026. "
                "Choisissez une campagne plus récente dans la barre d'outils."
            )
            self.stack.setCurrentIndex(0)
            return
        self.title.setText(
            f"Phase 1 « {scheme.phase1_name} » — terminales {campaign.year - 1}-{campaign.year} "
            f"(campagne {campaign.year})"
        )
        self.stack.setCurrentIndex(1)
        for page in (self.workshops, self.interviews, self.events):
            page.reload()
        if not self.attendance.dirty:
            self.attendance.reload()

    def show_attendance(self, workshop_id: int) -> None:
        self.tabs.setCurrentWidget(self.attendance)
        self.attendance.show_workshop(workshop_id)
