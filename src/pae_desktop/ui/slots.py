"""The «Entretiens» tab: slot series with the Missions locales, a week view, booking in two clicks, convocations."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTime
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.dates import (
    SHORT_WEEKDAYS,
    WEEKDAYS,
    french_date,
    french_datetime,
    monday_of,
    week_label,
)
from pae_desktop.core.errors import UserError
from pae_desktop.core.text import fold
from pae_desktop.ui import context as topics
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.interview_form import DateLine, message, print_document
from pae_desktop.ui.widgets import Button, dialog_buttons

ROW_ROLE = Qt.ItemDataRole.UserRole
FREE = QColor("#E3F4E6")
BOOKED = QColor("#DDEBFA")
DONE = QColor("#ECECEC")
LATE = QColor("#FFF1D6")
WATCHED = frozenset({topics.SLOTS, topics.INTERVIEWS, topics.YOUTHS, topics.CONTACTS, topics.DIRECTORY})


def _short_name(full_name: str) -> str:
    """«Claire Durand» → «C. Durand»."""
    parts = full_name.split(" ", 1)
    return f"{parts[0][:1]}. {parts[1]}" if len(parts) == 2 and parts[0] else full_name


# --- the slot series dialog ------------------------------------------------------------------------------------


class SlotSeriesDialog(QDialog):
    """«Nouvelle série de créneaux»: a Mission locale, an advisor, days, hours, length and place, in one step."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, partner_id: int | None = None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.result_ids: tuple[int, ...] = ()
        self.warnings: tuple[str, ...] = ()
        self.setWindowTitle("Nouvelle série de créneaux")
        from pae_desktop.core.services import directory

        with context.db.read() as session:
            partners = directory.list_partners(session)
            self._people = directory.list_people(session)
        partners.sort(key=lambda p: (p.type != "MISSION_LOCALE", fold(p.name)))
        self.partner = QComboBox()
        self.partner.setAccessibleName("Mission locale")
        for row in partners:
            label = row.name if row.type == "MISSION_LOCALE" else f"{row.name} ({row.type_label})"
            self.partner.addItem(label, row.id)
        if partner_id is not None:
            self.partner.setCurrentIndex(max(self.partner.findData(partner_id), 0))
        self.advisor = QComboBox()
        self.advisor.setAccessibleName("Conseiller(ère)")
        self.partner.currentIndexChanged.connect(self._fill_advisors)
        self._fill_advisors()

        self.first = DateLine()
        self.first.setAccessibleName("Premier jour")
        self.last = DateLine()
        self.last.setAccessibleName("Dernier jour")
        self.weekday_boxes = []
        weekdays = QHBoxLayout()
        for index, name in enumerate(SHORT_WEEKDAYS):
            box = QCheckBox(name)
            box.setChecked(index < 5)
            self.weekday_boxes.append(box)
            weekdays.addWidget(box)
        add_days = QPushButton("Ajouter ces jours")
        add_days.clicked.connect(self.add_range)
        self.days = QListWidget()
        self.days.setAccessibleName("Jours retenus")
        self.days.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.days.setMaximumHeight(130)
        remove_days = QPushButton("Retirer les jours sélectionnés")
        remove_days.clicked.connect(self._remove_days)
        range_row = QHBoxLayout()
        range_row.addWidget(QLabel("du"))
        range_row.addWidget(self.first)
        range_row.addWidget(QLabel("au"))
        range_row.addWidget(self.last)
        range_row.addWidget(add_days)
        range_row.addStretch(1)

        self.start = QTimeEdit(QTime(9, 0))
        self.start.setDisplayFormat("HH:mm")
        self.start.setAccessibleName("Heure de début")
        self.end = QTimeEdit(QTime(12, 0))
        self.end.setDisplayFormat("HH:mm")
        self.end.setAccessibleName("Heure de fin")
        self.length = QSpinBox()
        self.length.setRange(10, 240)
        self.length.setSingleStep(5)
        self.length.setValue(45)
        self.length.setSuffix(" min")
        self.length.setAccessibleName("Durée d'un créneau")
        hours = QHBoxLayout()
        for widget in (QLabel("de"), self.start, QLabel("à"), self.end, QLabel("créneaux de"), self.length):
            hours.addWidget(widget)
        hours.addStretch(1)
        self.place = QLineEdit()
        self.place.setAccessibleName("Lieu")
        self.place.setPlaceholderText("Au lycée, salle 104 — ou l'adresse de la Mission locale")
        self.note = QLineEdit()
        self.note.setAccessibleName("Remarque")
        self.preview = QLabel()
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()

        form = QFormLayout()
        form.addRow("&Partenaire :", self.partner)
        form.addRow("&Conseiller(ère) :", self.advisor)
        form.addRow("Jours :", range_row)
        form.addRow("", weekdays)
        form.addRow("", self.days)
        form.addRow("", remove_days)
        form.addRow("Horaires :", hours)
        form.addRow("&Lieu :", self.place)
        form.addRow("&Remarque :", self.note)
        buttons = dialog_buttons(self, self.create, {Button.Ok: "Créer les créneaux", Button.Cancel: "Annuler"})
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.preview)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        for signal in (self.start.timeChanged, self.end.timeChanged, self.length.valueChanged):
            signal.connect(self._update_preview)
        self._update_preview()

    def _fill_advisors(self) -> None:
        partner_id = self.partner.currentData()
        self.advisor.clear()
        self.advisor.addItem("— non précisé —", None)
        for person in self._people:
            if person.partner_id == partner_id:
                self.advisor.addItem(f"{person.full_name} ({person.role_label})", person.id)
        if self.advisor.count() > 1:
            self.advisor.setCurrentIndex(1)

    def add_range(self) -> None:
        from pae_desktop.core.services.interviews import days_between

        try:
            first, last = self.first.value(), self.last.value() or self.first.value()
        except ValueError as error:
            message(self.message, str(error))
            return
        if first is None:
            message(self.message, "Indiquez le premier jour.")
            return
        if last < first:
            message(self.message, "Le dernier jour précède le premier.")
            return
        wanted = [i for i, box in enumerate(self.weekday_boxes) if box.isChecked()]
        self.add_days(days_between(first, last, wanted))
        message(self.message, "")

    def add_days(self, days: list[dt.date]) -> None:
        current = set(self.selected_days())
        for day in sorted(set(days) - current):
            item = QListWidgetItem(french_date(day, weekday=True))
            item.setData(ROW_ROLE, day)
            self.days.addItem(item)
        self.days.sortItems()
        items = sorted(
            (self.days.takeItem(0) for _ in range(self.days.count())), key=lambda i: i.data(ROW_ROLE)
        )
        for item in items:
            self.days.addItem(item)
        self._update_preview()

    def _remove_days(self) -> None:
        for item in self.days.selectedItems():
            self.days.takeItem(self.days.row(item))
        self._update_preview()

    def selected_days(self) -> list[dt.date]:
        return [self.days.item(i).data(ROW_ROLE) for i in range(self.days.count())]

    def series_form(self):
        from pae_desktop.core.services.interviews import SlotSeriesForm

        start, end = self.start.time(), self.end.time()
        return SlotSeriesForm(
            days=self.selected_days(),
            start=dt.time(start.hour(), start.minute()),
            end=dt.time(end.hour(), end.minute()),
            length_minutes=self.length.value(),
            place=self.place.text(),
            partner_id=self.partner.currentData(),
            advisor_id=self.advisor.currentData(),
            note=self.note.text(),
        )

    def _update_preview(self) -> None:
        count = len(self.series_form().starts())
        days = len(self.selected_days())
        self.preview.setText(
            f"{count} créneau{'x' if count > 1 else ''} sur {days} jour{'s' if days > 1 else ''}."
        )

    def create(self) -> None:
        from pae_desktop.core.models import Campaign
        from pae_desktop.core.services.campaigns import require_campaign
        from pae_desktop.core.services.interviews import create_slot_series

        try:
            with self.context.db.transaction() as session:
                campaign = (
                    session.get(Campaign, self.context.campaign_id)
                    if self.context.campaign_id
                    else require_campaign(session)
                )
                result = create_slot_series(session, campaign, self.series_form())
        except UserError as error:
            message(self.message, str(error))
            return
        self.result_ids = result.slot_ids
        self.warnings = result.warnings
        self.context.changed(topics.SLOTS)
        self.accept()


# --- moving a booking ----------------------------------------------------------------------------------------------


class ChooseSlotDialog(QDialog):
    """Choose a free slot (to move a booking into)."""

    def __init__(self, rows: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choisir un créneau libre")
        self.list = QListWidget()
        self.list.setAccessibleName("Créneaux libres")
        for row in rows:
            item = QListWidgetItem(
                f"{french_datetime(row.starts_at)} — {row.advisor_name or row.partner_name} — {row.place}"
            )
            item.setData(ROW_ROLE, row.id)
            self.list.addItem(item)
        if rows:
            self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _item: self.accept())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Annuler")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Créneaux libres à venir :"))
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(620, 420)

    def slot_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(ROW_ROLE) if item else None


# --- the week view -----------------------------------------------------------------------------------------------


class SlotsView(QWidget):
    """Week view of the slots (free, booked, recorded), the «Entretien à proposer» list, and the actions."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.monday = monday_of(dt.date.today())
        self._week_chosen = False
        self._selected_slot: int | None = None

        # top bar
        self.partner = QComboBox()
        self.partner.setAccessibleName("Mission locale affichée")
        self.partner.setMinimumWidth(220)
        self.previous_button = QPushButton("◀")
        self.previous_button.setToolTip("Semaine précédente")
        self.next_button = QPushButton("▶")
        self.next_button.setToolTip("Semaine suivante")
        self.today_button = QPushButton("Cette semaine")
        self.week_title = QLabel()
        self.week_title.setStyleSheet("font-weight: bold; font-size: 12pt;")
        self.new_series_button = QPushButton("Nouvelle série de créneaux…")
        self.ics_button = QPushButton("Exporter pour l'agenda (.ics)…")
        self.batch_button = QPushButton("Imprimer les fiches d'un jour…")
        top = QHBoxLayout()
        top.addWidget(QLabel("Partenaire :"))
        top.addWidget(self.partner)
        top.addSpacing(12)
        top.addWidget(self.previous_button)
        top.addWidget(self.week_title)
        top.addWidget(self.next_button)
        top.addWidget(self.today_button)
        top.addStretch(1)
        top.addWidget(self.new_series_button)
        top.addWidget(self.ics_button)
        top.addWidget(self.batch_button)

        # the week: one list per day
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
            day_list.setMinimumWidth(150)
            day_list.currentItemChanged.connect(
                lambda current, _prev, i=index: self._slot_selected(i, current)
            )
            day_list.itemActivated.connect(self._slot_double_clicked)  # double-click or Enter
            self.week_grid.addWidget(title, 0, index)
            self.week_grid.addWidget(day_list, 1, index)
            self.day_titles.append(title)
            self.day_lists.append(day_list)
        legend = QLabel(
            "<span style='background-color:#E3F4E6'>&nbsp;Libre&nbsp;</span>&nbsp; "
            "<span style='background-color:#DDEBFA'>&nbsp;<b>Réservé</b>&nbsp;</span>&nbsp; "
            "<span style='background-color:#ECECEC'>&nbsp;Entretien saisi&nbsp;</span>&nbsp; "
            "<span style='background-color:#FFF1D6'>&nbsp;⚠ après la date cible&nbsp;</span>&nbsp; "
            "Un clic sur un jeune à droite, puis un double-clic sur un créneau libre : le rendez-vous est pris."
        )
        legend.setWordWrap(True)

        # selected slot and actions
        self.slot_info = QLabel("Choisissez un créneau.")
        self.slot_info.setWordWrap(True)
        self.book_button = QPushButton("&Réserver pour le jeune choisi")
        self.move_button = QPushButton("&Déplacer…")
        self.cancel_booking_button = QPushButton("Annuler la réservation")
        self.cancel_slot_button = QPushButton("Annuler le créneau")
        self.convocation_button = QPushButton("&Convocation (PDF)")
        self.record_button = QPushButton("&Fiche d'entretien…")
        actions = QHBoxLayout()
        for button in (
            self.book_button,
            self.move_button,
            self.cancel_booking_button,
            self.cancel_slot_button,
            self.convocation_button,
            self.record_button,
        ):
            actions.addWidget(button)
        actions.addStretch(1)
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(week, 1)
        left_layout.addWidget(legend)
        left_layout.addWidget(self.slot_info)
        left_layout.addLayout(actions)
        left_layout.addWidget(self.message)

        # «Entretien à proposer»
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher un jeune…")
        self.search.setAccessibleName("Rechercher un jeune à convoquer")
        self.everyone = QCheckBox("Inclure les jeunes pas encore joints")
        self.candidates = QListWidget()
        self.candidates.setAccessibleName("Entretien à proposer")
        self.candidates.itemActivated.connect(lambda _item: self.book_selected())
        self.candidates_title = QLabel("<b>Entretien à proposer</b>")
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(self.candidates_title)
        right_layout.addWidget(self.search)
        right_layout.addWidget(self.everyone)
        right_layout.addWidget(self.candidates, 1)

        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 4)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(splitter, 1)

        self.previous_button.clicked.connect(lambda: self.show_week(self.monday - dt.timedelta(days=7)))
        self.next_button.clicked.connect(lambda: self.show_week(self.monday + dt.timedelta(days=7)))
        self.today_button.clicked.connect(lambda: self.show_week(monday_of(dt.date.today())))
        self.partner.currentIndexChanged.connect(lambda _i: self.refresh_week())
        self.new_series_button.clicked.connect(self.new_series)
        self.ics_button.clicked.connect(self.export_ics)
        self.batch_button.clicked.connect(self.print_day)
        self.book_button.clicked.connect(self.book_selected)
        self.move_button.clicked.connect(self.move_selected)
        self.cancel_booking_button.clicked.connect(self.cancel_booking)
        self.cancel_slot_button.clicked.connect(self.cancel_slot)
        self.convocation_button.clicked.connect(self.print_convocation)
        self.record_button.clicked.connect(self.open_record)
        self.search.textChanged.connect(self._filter_candidates)
        self.everyone.toggled.connect(lambda _on: self.refresh_candidates())
        context.data_changed.connect(self._data_changed)
        context.campaign_changed.connect(lambda _id: self.reload(choose_week=True))
        self.reload(choose_week=True)

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
        from pae_desktop.core.services.interviews import youths_to_book

        campaign_id = self._campaign_id()
        self._candidates = []
        if campaign_id is not None:
            with self.context.db.read() as session:
                self._candidates = youths_to_book(
                    session, campaign_id, everyone_open=self.everyone.isChecked()
                )
        self._filter_candidates()

    def _filter_candidates(self) -> None:
        selected = self.selected_youth()
        words = fold(self.search.text()).split()
        self.candidates.clear()
        for row in self._candidates:
            if all(w in row.search_key or w in fold(row.division) for w in words):
                label = f"{row.name} — {row.division}" if row.division else row.name
                if row.proposed:
                    label += " (entretien proposé)"
                item = QListWidgetItem(label)
                item.setData(ROW_ROLE, row.id)
                item.setToolTip(row.stage.label)
                self.candidates.addItem(item)
                if row.id == selected:
                    self.candidates.setCurrentItem(item)
        self.candidates_title.setText(f"<b>Entretien à proposer</b> ({self.candidates.count()})")

    # --- selection -------------------------------------------------------------------------------------------

    def selected_youth(self) -> int | None:
        item = self.candidates.currentItem() if hasattr(self, "candidates") else None
        return item.data(ROW_ROLE) if item else None

    def select_youth(self, youth_id: int) -> bool:
        for index in range(self.candidates.count()):
            if self.candidates.item(index).data(ROW_ROLE) == youth_id:
                self.candidates.setCurrentRow(index)
                return True
        return False

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

    def _slot_selected(self, list_index: int, item: QListWidgetItem | None) -> None:
        if item is None:
            return
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
        self.book_button.setEnabled(row is not None and row.free)
        self.move_button.setEnabled(booked and row.interview_id is None)
        self.cancel_booking_button.setEnabled(booked and row.interview_id is None)
        self.cancel_slot_button.setEnabled(row is not None and not row.cancelled and row.interview_id is None)
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

    def _run(self, action, *topic_names: str) -> object | None:
        """Run a service in one transaction; a refusal shows in red and nothing changes."""
        try:
            with self.context.db.transaction() as session:
                result = action(session)
        except UserError as error:
            message(self.message, str(error))
            return None
        self.context.changed(*(topic_names or (topics.SLOTS,)))
        return result

    def book_selected(self) -> None:
        from pae_desktop.core.services.interviews import book

        row, youth_id = self.selected_slot(), self.selected_youth()
        if row is None or not row.free:
            message(self.message, "Choisissez d'abord un créneau libre dans la semaine.")
            return
        if youth_id is None:
            message(self.message, "Choisissez d'abord un jeune dans la liste « Entretien à proposer ».")
            return
        slot_id = row.id
        result = self._run(lambda s: book(s, slot_id, youth_id), topics.SLOTS, topics.YOUTHS)
        if result is None:
            return
        self._select_slot(slot_id)
        text = f"Rendez-vous pris : {self.rows[slot_id].youth_name}, {french_datetime(row.starts_at)}."
        if result.warnings:
            message(self.message, text + "\n" + "\n".join(result.warnings), "warning")
        else:
            message(self.message, text + " Imprimez la convocation.", "info")

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
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.slot_id() is None:
            return
        new_id, booking_id = dialog.slot_id(), row.booking_id
        result = self._run(lambda s: move_booking(s, booking_id, new_id), topics.SLOTS, topics.YOUTHS)
        if result is not None:
            self._selected_slot = new_id
            if new_id in self.rows:
                self._select_slot(new_id)
            message(
                self.message,
                "\n".join(("Rendez-vous déplacé.", *result.warnings)),
                "warning" if result.warnings else "info",
            )

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
        booking_id = row.booking_id
        try:
            with self.context.db.transaction() as session:
                cancel_booking(session, booking_id, reason)
        except UserError as error:
            message(self.message, str(error))
            return
        self.context.changed(topics.SLOTS, topics.YOUTHS)
        message(self.message, "Réservation annulée (elle reste dans l'historique).", "info")

    def cancel_slot(self) -> None:
        from pae_desktop.core.services.interviews import cancel_slot

        row = self.selected_slot()
        if row is None:
            return
        reason, ok = QInputDialog.getText(self, "Annuler le créneau", "Motif de l'annulation :")
        if not ok:
            return
        slot_id = row.id
        self._run(lambda s: cancel_slot(s, slot_id, reason), topics.SLOTS, topics.YOUTHS)
        if row.booking_id:
            message(
                self.message,
                f"Créneau annulé : prévenez {row.youth_name} et proposez un autre rendez-vous.",
                "warning",
            )

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
        message(self.message, "\n".join((text, *dialog.warnings)), "warning" if dialog.warnings else "info")

    def export_ics(self) -> None:
        from pae_desktop.core.models import Partner
        from pae_desktop.io.icalendar import export_partner_slots

        partner_id = self.partner.currentData()
        if partner_id is None:
            message(self.message, "Choisissez d'abord la Mission locale dont exporter les créneaux.")
            return
        with self.context.db.read() as session:
            name = session.get(Partner, partner_id).name
        path, _filter = QFileDialog.getSaveFileName(
            self, "Exporter les créneaux", f"creneaux-{fold(name).replace(' ', '-')}.ics", "Agenda (*.ics)"
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
        count = self._run(
            lambda s: export_partner_slots(s, partner_id, campaign_id, path, with_names=with_names),
            topics.SLOTS,
        )
        if count is not None:
            message(self.message, f"{count} créneaux exportés dans {path}.", "info")

    def print_day(self) -> None:
        from pae_desktop.ui.tasks import run_task

        row = self.selected_slot()
        default = (row.starts_at.date() if row else dt.date.today()).strftime("%d/%m/%Y")
        text, ok = QInputDialog.getText(
            self, "Fiches d'entretien d'un jour", "Date des entretiens (JJ/MM/AAAA) :", text=default
        )
        if not ok:
            return
        from pae_desktop.core.dates import parse_french_date

        try:
            day = parse_french_date(text)
        except ValueError:
            message(self.message, f"« {text} » n'est pas une date au format JJ/MM/AAAA.")
            return
        from pae_desktop.ui.interview_form import documents_dir, open_file

        path = documents_dir(self.context) / f"fiches-entretien_{day:%Y-%m-%d}.pdf"
        campaign_id = self._campaign_id()
        db = self.context.db

        def work(progress):  # the print operation records each youth's print; a cancel rolls it back
            from pae_desktop.core.operations.printing import print_day

            with db.transaction() as session:
                return print_day(session, campaign_id, day, path, progress=progress)

        def done(result):
            self.context.apply(result)
            count = result.count
            message(
                self.message,
                f"{count} fiche{'s' if count > 1 else ''} du {french_date(day)} prête{'s' if count > 1 else ''}.",
                "info",
            )
            open_file(path)

        def failed(error):
            message(
                self.message,
                str(error) if isinstance(error, UserError) else f"Impression impossible : {error}",
            )

        run_task(self, "Préparation des fiches d'entretien…", work, done, failed)
