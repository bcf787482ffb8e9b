"""The «Entretiens» tab: slot series with the Missions locales, a week view, booking in two clicks, convocations.

The dialogs live in `ui/slot_dialogs.py`, the «Entretien à proposer» panel in `ui/slot_candidates.py`. Every
act calls one operation of `core.services.interviews` with the versions of the slot and booking the week shows,
and refreshes from the `Changes` it returns; a conflict reloads the week and says so in French.
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QGridLayout,
    QInputDialog,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QMessageBox,
    QPushButton,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.dates import WEEKDAYS, french_datetime, monday_of, week_label
from pae_desktop.core.text import fold
from pae_desktop.ui import context as topics
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.flow_layout import FlowLayout
from pae_desktop.ui.interview_form import message, print_document
from pae_desktop.ui.slot_candidates import CandidatesPanel
from pae_desktop.ui.slot_dialogs import ChooseSlotDialog, SlotEditDialog, SlotSeriesDialog
from pae_desktop.ui.widgets import MessageLabel, confirm, run_operation

__all__ = ["ChooseSlotDialog", "SlotEditDialog", "SlotSeriesDialog", "SlotsView"]

ROW_ROLE = Qt.ItemDataRole.UserRole
FREE = QColor("#E3F4E6")
BOOKED = QColor("#DDEBFA")
DONE = QColor("#ECECEC")
LATE = QColor("#FFF1D6")
WATCHED = frozenset({topics.SLOTS, topics.INTERVIEWS, topics.YOUTHS, topics.CONTACTS, topics.DIRECTORY})
LEGEND = (
    "<span style='background-color:#E3F4E6'>&nbsp;Libre&nbsp;</span>&nbsp; "
    "<span style='background-color:#DDEBFA'>&nbsp;<b>Réservé</b>&nbsp;</span>&nbsp; "
    "<span style='background-color:#ECECEC'>&nbsp;Entretien saisi&nbsp;</span>&nbsp; "
    "<span style='background-color:#FFF1D6'>&nbsp;⚠ après la date cible&nbsp;</span>&nbsp; "
    "Un clic sur un jeune à droite, puis un double-clic sur un créneau libre : le rendez-vous est pris."
)


def _short_name(full_name: str) -> str:
    """«Claire Durand» → «C. Durand»."""
    parts = full_name.split(" ", 1)
    return f"{parts[0][:1]}. {parts[1]}" if len(parts) == 2 and parts[0] else full_name


class SlotsView(QWidget):
    """Week view of the slots (free, booked, recorded), the «Entretien à proposer» list, and the actions."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.monday = monday_of(dt.date.today())
        self._selected_slot: int | None = None
        self.rows: dict = {}
        self.message = MessageLabel()
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(self._week(), 1)
        legend = QLabel(LEGEND)
        legend.setWordWrap(True)
        left_layout.addWidget(legend)
        self.slot_info = QLabel("Choisissez un créneau.")
        self.slot_info.setWordWrap(True)
        left_layout.addWidget(self.slot_info)
        left_layout.addLayout(self._actions())
        left_layout.addWidget(self.message)
        self.candidates_panel = CandidatesPanel()
        self.candidates = self.candidates_panel.list
        self.search = self.candidates_panel.search
        self.everyone = self.candidates_panel.everyone
        self.candidates.itemActivated.connect(lambda _item: self.book_selected())
        self.everyone.toggled.connect(lambda _on: self.refresh_candidates())
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(self.candidates_panel)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(self._top_bar())
        layout.addWidget(splitter, 1)
        context.data_changed.connect(self._data_changed)
        context.campaign_changed.connect(lambda _id: self.reload(choose_week=True))
        self.reload(choose_week=True)

    # --- building ----------------------------------------------------------------------------------------------

    def _top_bar(self) -> FlowLayout:
        self.partner = QComboBox()
        self.partner.setAccessibleName("Mission locale affichée")
        self.partner.setMinimumWidth(220)
        self.previous_button = QPushButton("◀")
        self.next_button = QPushButton("▶")
        # arrows carry no letter: a key each, and a name a screen reader can say
        for button, name, key in (
            (self.previous_button, "Semaine précédente", "Alt+PgUp"),
            (self.next_button, "Semaine suivante", "Alt+PgDown"),
        ):
            button.setAccessibleName(name)
            button.setShortcut(QKeySequence(key))
            button.setToolTip(f"{name} ({QKeySequence(key).toString(QKeySequence.SequenceFormat.NativeText)})")
        self.today_button = QPushButton("Cette semaine")
        self.week_title = QLabel()
        self.week_title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.new_series_button = QPushButton("Nouvelle série de créneaux…")
        # The day's documents under one button (the tab fits 1366 pixels): its main part prepares the day.
        self.prepare_button = QToolButton()
        self.prepare_button.setPopupMode(QToolButton.ToolButtonPopupMode.MenuButtonPopup)
        self.prepare_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
        menu = QMenu(self.prepare_button)
        self.prepare_action = menu.addAction("Préparer la journée…")
        self.prepare_action.setIconText("Préparer la journée…")  # a tool button drops the «…» of the text
        self.prepare_action.setToolTip("Agenda, fiches pré-remplies et convocations d'un jour d'entretiens")
        self.ics_button = menu.addAction("Exporter pour l'agenda (.ics)…")
        self.batch_button = menu.addAction("Imprimer les fiches d'un jour…")
        self.prepare_button.setMenu(menu)
        self.prepare_button.setDefaultAction(self.prepare_action)
        self.previous_button.clicked.connect(lambda: self.show_week(self.monday - dt.timedelta(days=7)))
        self.next_button.clicked.connect(lambda: self.show_week(self.monday + dt.timedelta(days=7)))
        self.today_button.clicked.connect(lambda: self.show_week(monday_of(dt.date.today())))
        self.partner.currentIndexChanged.connect(lambda _i: self.refresh_week())
        self.new_series_button.clicked.connect(self.new_series)
        self.ics_button.triggered.connect(self.export_ics)
        self.batch_button.triggered.connect(self.print_day)
        self.prepare_action.triggered.connect(self.prepare_day)
        top = FlowLayout()  # wraps on a narrow window
        top.addWidget(QLabel("Partenaire :"))
        top.addWidget(self.partner)
        top.addSpacing(12)
        for widget in (self.previous_button, self.week_title, self.next_button, self.today_button):
            top.addWidget(widget)
        top.addStretch(1)
        for widget in (self.new_series_button, self.prepare_button):
            top.addWidget(widget)
        return top

    def _week(self) -> QWidget:
        """One list per day, Monday to Sunday (the weekend shows only when it has slots)."""
        week = QWidget()
        self.week_grid = QGridLayout(week)
        self.week_grid.setContentsMargins(0, 0, 0, 0)
        self.day_titles: list[QLabel] = []
        self.day_lists: list[QListWidget] = []
        for index in range(7):
            title = QLabel()
            title.setAlignment(Qt.AlignmentFlag.AlignCenter)
            title.setStyleSheet("font-weight: bold;")
            day_list = QListWidget()
            day_list.setAccessibleName(f"Créneaux du {WEEKDAYS[index]}")
            day_list.setSpacing(2)
            day_list.setWordWrap(True)
            day_list.setMinimumWidth(120)
            day_list.currentItemChanged.connect(lambda current, _prev: self._slot_selected(current))
            day_list.itemActivated.connect(self._slot_double_clicked)  # double-click or Enter
            self.week_grid.addWidget(title, 0, index)
            self.week_grid.addWidget(day_list, 1, index)
            self.day_titles.append(title)
            self.day_lists.append(day_list)
        return week

    def _actions(self) -> FlowLayout:
        self.book_button = QPushButton("&Réserver pour le jeune choisi")
        self.move_button = QPushButton("&Déplacer…")
        self.cancel_booking_button = QPushButton("Annuler la réservation")
        self.edit_slot_button = QPushButton("&Modifier le créneau…")
        self.cancel_slot_button = QPushButton("Annuler le créneau")
        self.delete_slot_button = QPushButton("Supprimer le créneau")
        self.delete_slot_button.setToolTip("Un créneau jamais réservé, créé par erreur")
        self.convocation_button = QPushButton("&Convocation (PDF)")
        self.record_button = QPushButton("&Fiche d'entretien…")
        actions = FlowLayout()  # wraps on a narrow window
        for button, slot in (
            (self.book_button, self.book_selected),
            (self.move_button, self.move_selected),
            (self.cancel_booking_button, self.cancel_booking),
            (self.edit_slot_button, self.edit_slot),
            (self.cancel_slot_button, self.cancel_slot),
            (self.delete_slot_button, self.delete_slot),
            (self.convocation_button, self.print_convocation),
            (self.record_button, self.open_record),
        ):
            button.clicked.connect(slot)
            actions.addWidget(button)
        actions.addStretch(1)
        return actions

    # --- loading -----------------------------------------------------------------------------------------------

    def _campaign_id(self) -> int | None:
        if self.context.campaign_id is not None:
            return self.context.campaign_id
        from pae_desktop.core.services.campaigns import get_campaign

        with self.context.db.read() as session:
            campaign = get_campaign(session)
            return campaign.id if campaign else None

    def reload(self, choose_week: bool = False) -> None:
        from pae_desktop.core.services import directory
        from pae_desktop.core.services.interviews import first_week_with_slots

        campaign_id = self._campaign_id()
        with self.context.db.read() as session:
            partners = directory.list_partners(session)
            if choose_week and campaign_id is not None:
                monday = first_week_with_slots(session, campaign_id)
                if monday is not None:
                    self.monday = monday
        current = self.partner.currentData()
        self.partner.blockSignals(True)
        self.partner.clear()
        self.partner.addItem("Tous les partenaires", None)
        for row in sorted(partners, key=lambda p: (p.type != "MISSION_LOCALE", fold(p.name))):
            self.partner.addItem(row.name, row.id)
        self.partner.setCurrentIndex(max(self.partner.findData(current), 0))
        self.partner.blockSignals(False)
        self.refresh_week()
        self.refresh_candidates()

    def _data_changed(self, changed: frozenset) -> None:
        if changed & WATCHED:
            self.reload()

    def show_week(self, monday: dt.date) -> None:
        self.monday = monday_of(monday)
        self.refresh_week()

    def refresh_week(self) -> None:
        from pae_desktop.core.services.interviews import week_rows

        campaign_id = self._campaign_id()
        self.week_title.setText(week_label(self.monday))
        rows = []
        if campaign_id is not None:
            with self.context.db.read() as session:
                rows = week_rows(session, campaign_id, self.monday, partner_id=self.partner.currentData())
        self.rows = {row.id: row for row in rows}
        weekend = any(row.starts_at.weekday() >= 5 for row in rows)
        for index, (title, day_list) in enumerate(zip(self.day_titles, self.day_lists, strict=True)):
            day = self.monday + dt.timedelta(days=index)
            visible = index < 5 or weekend
            title.setVisible(visible)
            day_list.setVisible(visible)
            title.setText(f"{WEEKDAYS[index].capitalize()} {day.day}/{day.month:02d}")
            day_list.blockSignals(True)
            day_list.clear()
            for row in rows:
                if row.starts_at.date() == day:
                    day_list.addItem(self._item(row))
            day_list.blockSignals(False)
        self._select_slot(self._selected_slot if self._selected_slot in self.rows else None)

    def _item(self, row) -> QListWidgetItem:
        who = row.youth_name if row.booking_id else "Libre"
        advisor = _short_name(row.advisor_name) or row.partner_name
        late = " ⚠" if row.after_deadline else ""
        item = QListWidgetItem(f"{row.time_label}{late}\n{who}\n{advisor}")
        item.setData(ROW_ROLE, row.id)
        colour = DONE if row.interview_id else BOOKED if row.booking_id else FREE
        if row.after_deadline and not row.interview_id:
            colour = LATE
        item.setBackground(QBrush(colour))
        if row.booking_id and not row.interview_id:
            font = item.font()
            font.setBold(True)
            item.setFont(font)
        tip = f"{row.status} — {row.place} — {row.partner_name}"
        if row.after_deadline:
            tip += " — après la date cible des entretiens"
        item.setToolTip(tip)
        return item

    def refresh_candidates(self) -> None:
        self.candidates_panel.load(self.context.db, self._campaign_id())

    # --- selection -------------------------------------------------------------------------------------------

    def selected_youth(self) -> int | None:
        return self.candidates_panel.selected_youth() if hasattr(self, "candidates_panel") else None

    def select_youth(self, youth_id: int) -> bool:
        return self.candidates_panel.select_youth(youth_id)

    def selected_slot(self):
        return self.rows.get(self._selected_slot) if self._selected_slot is not None else None

    def slot_item(self, slot_id: int) -> QListWidgetItem | None:
        for day_list in self.day_lists:
            for index in range(day_list.count()):
                if day_list.item(index).data(ROW_ROLE) == slot_id:
                    return day_list.item(index)
        return None

    def _select_slot(self, slot_id: int | None) -> None:
        self._selected_slot = slot_id
        for day_list in self.day_lists:
            day_list.blockSignals(True)
            day_list.setCurrentItem(None)
            for index in range(day_list.count()):
                if day_list.item(index).data(ROW_ROLE) == slot_id:
                    day_list.setCurrentRow(index)
            day_list.blockSignals(False)
        self._update_actions()

    def _slot_selected(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self._select_slot(item.data(ROW_ROLE))

    def _slot_double_clicked(self, item: QListWidgetItem) -> None:
        self._select_slot(item.data(ROW_ROLE))
        row = self.selected_slot()
        if row is None:
            return
        if row.free and self.selected_youth() is not None:
            self.book_selected()
        elif row.booking_id is not None:
            self.open_record()

    def _update_actions(self) -> None:
        row = self.selected_slot()
        booked = row is not None and row.booking_id is not None
        live = row is not None and not row.cancelled and row.interview_id is None
        self.book_button.setEnabled(row is not None and row.free)
        self.move_button.setEnabled(booked and row.interview_id is None)
        self.cancel_booking_button.setEnabled(booked and row.interview_id is None)
        self.edit_slot_button.setEnabled(row is not None and not row.cancelled)
        self.cancel_slot_button.setEnabled(live)
        self.delete_slot_button.setEnabled(row is not None and not row.ever_booked)
        self.convocation_button.setEnabled(booked)
        self.record_button.setEnabled(booked)
        if row is None:
            self.slot_info.setText("Choisissez un créneau.")
            return
        who = f" — {row.youth_name}" if row.booking_id else ""
        advisor = f" avec {row.advisor_name}" if row.advisor_name else ""
        self.slot_info.setText(
            f"<b>{french_datetime(row.starts_at)}</b> ({row.time_label}){advisor}, {row.place} — "
            f"{row.partner_name} — <i>{row.status}</i>{who}"
        )

    # --- actions -----------------------------------------------------------------------------------------------

    def _run(self, action) -> object | None:
        """Run one operation in one transaction and refresh from its changes; a refusal shows in red and
        nothing changes; a conflict (changed elsewhere meanwhile) reloads the week first."""
        return run_operation(self.context, action, self.message, self.reload)

    def _show_result(self, text: str, result) -> None:
        if result.warnings:
            self.message.show_warning("\n".join((text, *result.warnings)))
        else:
            self.message.show_info(text)

    def book_selected(self) -> None:
        from pae_desktop.core.services.interviews import book

        row, youth_id = self.selected_slot(), self.selected_youth()
        if row is None or not row.free:
            self.message.show_error("Choisissez d'abord un créneau libre dans la semaine.")
            return
        if youth_id is None:
            self.message.show_error("Choisissez d'abord un jeune dans la liste « Entretien à proposer ».")
            return
        slot_id, version = row.id, row.version
        result = self._run(lambda s: book(s, slot_id, youth_id, slot_version=version))
        if result is None:
            return
        self._select_slot(slot_id)
        text = f"Rendez-vous pris : {self.rows[slot_id].youth_name}, {french_datetime(row.starts_at)}."
        self._show_result(text if result.warnings else text + " Imprimez la convocation.", result)

    def move_selected(self) -> None:
        from pae_desktop.core.services.interviews import move_booking, slot_rows

        row = self.selected_slot()
        if row is None or row.booking_id is None:
            return
        today = dt.date.today()
        with self.context.db.read() as session:
            free = [
                r
                for r in slot_rows(
                    session,
                    self._campaign_id(),
                    min(today, row.starts_at.date()),
                    today + dt.timedelta(days=365),
                )
                if r.free and r.id != row.id
            ]
        dialog = ChooseSlotDialog(free, self)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.slot_row() is None:
            return
        new, booking_id, version = dialog.slot_row(), row.booking_id, row.booking_version
        result = self._run(
            lambda s: move_booking(s, booking_id, new.id, version=version, slot_version=new.version)
        )
        if result is not None:
            self._selected_slot = new.id
            if new.id in self.rows:
                self._select_slot(new.id)
            self._show_result("Rendez-vous déplacé.", result)

    def cancel_booking(self) -> None:
        from pae_desktop.core.services.interviews import cancel_booking

        row = self.selected_slot()
        if row is None or row.booking_id is None:
            return
        reason, ok = QInputDialog.getText(
            self, "Annuler la réservation", f"Motif de l'annulation ({row.youth_name}) :"
        )
        if not ok:
            return
        booking_id, version = row.booking_id, row.booking_version
        if self._run(lambda s: cancel_booking(s, booking_id, reason, version)) is not None:
            self.message.show_info("Réservation annulée (elle reste dans l'historique).")

    def edit_slot(self) -> SlotEditDialog | None:
        row = self.selected_slot()
        if row is None:
            return None
        dialog = SlotEditDialog(self.context, row.id, self)
        if dialog.exec() == QDialog.DialogCode.Accepted and dialog.changes is not None:
            self._show_result("Créneau modifié.", dialog.changes)
        return dialog

    def cancel_slot(self) -> None:
        from pae_desktop.core.services.interviews import cancel_slot

        row = self.selected_slot()
        if row is None:
            return
        reason, ok = QInputDialog.getText(self, "Annuler le créneau", "Motif de l'annulation :")
        if not ok:
            return
        slot_id, version = row.id, row.version
        result = self._run(lambda s: cancel_slot(s, slot_id, reason, version))
        if result is not None and result.youth_id is not None:
            self.message.show_warning(
                f"Créneau annulé : prévenez {row.youth_name} et proposez un autre rendez-vous."
            )

    def delete_slot(self) -> None:
        from pae_desktop.core.services.interviews import delete_slot

        row = self.selected_slot()
        if row is None or not confirm(
            self, f"Supprimer le créneau du {french_datetime(row.starts_at)} ? Il n'a jamais été réservé.",
            action="Supprimer le créneau",
        ):
            return
        slot_id, version = row.id, row.version
        if self._run(lambda s: delete_slot(s, slot_id, version)) is not None:
            self.message.show_info("Créneau supprimé.")

    def print_convocation(self) -> None:
        from pae_desktop.core.models import Youth

        row = self.selected_slot()
        if row is None or row.booking_id is None:
            return
        from pae_desktop.core.operations import printing
        from pae_desktop.documents.layout import document_file_name

        with self.context.db.read() as session:
            youth = session.get(Youth, row.youth_id)
            name = document_file_name("convocation", youth.last_name, youth.first_names, youth.pseudonym)
        youth_id, booking_id = row.youth_id, row.booking_id

        def build(session, path):  # under the scheme of the youth's campaign
            return printing.print_document(session, "convocation", youth_id, path, source_id=booking_id)

        if print_document(self, self.context, name, build) is not None:
            message(self.message, f"Convocation prête : {name}", "info")

    def open_record(self) -> None:
        from pae_desktop.ui.interview_form import InterviewFormDialog

        row = self.selected_slot()
        if row is None or row.youth_id is None:
            return
        dialog = InterviewFormDialog(self.context, row.youth_id, row.interview_id, row.id, self)
        dialog.exec()

    def new_series(self) -> SlotSeriesDialog | None:
        dialog = SlotSeriesDialog(self.context, self, self.partner.currentData())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        self.after_series(dialog)
        return dialog

    def after_series(self, dialog: SlotSeriesDialog) -> None:
        count = len(dialog.result_ids)
        text = f"{count} créneau{'x' if count > 1 else ''} créé{'s' if count > 1 else ''}."
        days = dialog.selected_days()
        if days:
            self.show_week(days[0])
        if dialog.warnings:
            self.message.show_warning("\n".join((text, *dialog.warnings)))
        else:
            self.message.show_info(text)

    def export_ics(self) -> None:
        """The partner's slots for its advisors' calendars; with the youths' names only if the user says so,
        and the export written to the audit log either way (core operation `export_partner_calendar`)."""
        from pae_desktop.core.models import Partner
        from pae_desktop.core.services.interviews import export_partner_calendar

        partner_id = self.partner.currentData()
        if partner_id is None:
            self.message.show_error("Choisissez d'abord la Mission locale dont exporter les créneaux.")
            return
        with self.context.db.read() as session:
            name = session.get(Partner, partner_id).name
        path, _filter = file_dialogs.save_file_name(
            self, file_dialogs.EXPORT,
            "Exporter les créneaux", f"creneaux-{fold(name).replace(' ', '-')}.ics", "Agenda (*.ics)"
        )
        if not path:
            return
        names = QMessageBox.question(
            self,
            "Exporter les créneaux",
            "Inclure les noms des jeunes convoqués ? (La Mission locale en a besoin pour les recevoir ; "
            "l'export est inscrit au journal.)",
        )
        with_names = names == QMessageBox.StandardButton.Yes
        campaign_id = self._campaign_id()
        result = self._run(
            lambda s: export_partner_calendar(s, partner_id, campaign_id, path, with_names=with_names)
        )
        if result is not None:
            self.message.show_info(f"{result.count} créneaux exportés dans {path}.")

    def print_day(self) -> None:
        """«Imprimer les fiches d'un jour»: the interview records held that day (ui/interview_day.py)."""
        from pae_desktop.ui.interview_day import print_records_of_day

        print_records_of_day(self)

    def prepare_day(self):
        """«Préparer la journée…» for the day of the selected slot (else the week's first booked day)."""
        from pae_desktop.ui.interview_day import PrepareDayDialog, default_day

        campaign_id = self._campaign_id()
        if campaign_id is None:
            self.message.show_error("Aucune campagne : importez d'abord des élèves.")
            return None
        dialog = PrepareDayDialog(self.context, campaign_id, default_day(self), self.partner.currentData(), self)
        dialog.exec()
        return dialog
