"""The dialogs of the «Entretiens» tab: a new series of slots, one slot edited, a free slot chosen."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import Qt, QTime
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTimeEdit,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.dates import QT_TIME_FORMAT, SHORT_WEEKDAYS, french_date, french_datetime
from pae_desktop.core.text import fold
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.widgets import (
    Button,
    DateField,
    GuardedDialog,
    MessageLabel,
    dialog_buttons,
    run_operation,
)

ROW_ROLE = Qt.ItemDataRole.UserRole


def _time_edit(value: dt.time, name: str) -> QTimeEdit:
    edit = QTimeEdit(QTime(value.hour, value.minute))
    edit.setDisplayFormat(QT_TIME_FORMAT)
    edit.setAccessibleName(name)
    return edit


def _length_box(minutes: int) -> QSpinBox:
    box = QSpinBox()
    box.setRange(10, 240)
    box.setSingleStep(5)
    box.setValue(minutes)
    box.setSuffix(" min")
    box.setAccessibleName("Durée d'un créneau")
    return box


def _time_of(edit: QTimeEdit) -> dt.time:
    value = edit.time()
    return dt.time(value.hour(), value.minute())


def fill_advisors(combo: QComboBox, people: list, partner_id: int | None, current: int | None = None) -> None:
    """The advisors of a partner, «non précisé» first; `current` chosen, else the first advisor."""
    combo.clear()
    combo.addItem("— non précisé —", None)
    for person in people:
        if person.partner_id == partner_id:
            combo.addItem(f"{person.full_name} ({person.role_label})", person.id)
    if current is not None:
        combo.setCurrentIndex(max(combo.findData(current), 0))
    elif combo.count() > 1:
        combo.setCurrentIndex(1)


# --- the slot series dialog ------------------------------------------------------------------------------------


class SlotSeriesDialog(GuardedDialog):
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
        self.start = _time_edit(dt.time(9), "Heure de début")
        self.end = _time_edit(dt.time(12), "Heure de fin")
        self.length = _length_box(45)
        self.place = QLineEdit()
        self.place.setAccessibleName("Lieu")
        self.place.setPlaceholderText("Au lycée, salle 104 — ou l'adresse de la Mission locale")
        self.note = QLineEdit()
        self.note.setAccessibleName("Remarque")
        self.preview = QLabel()
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addLayout(self._form())
        layout.addWidget(self.preview)
        layout.addWidget(self.message)
        layout.addWidget(
            dialog_buttons(self, self.create, {Button.Ok: "Créer les créneaux", Button.Cancel: "Annuler"})
        )
        for signal in (self.start.timeChanged, self.end.timeChanged, self.length.valueChanged):
            signal.connect(self._update_preview)
        self._update_preview()

    def _days_rows(self) -> tuple[QHBoxLayout, QHBoxLayout, QPushButton]:
        """The range of days to add, the weekdays it keeps, and the button removing chosen days."""
        self.first = DateField()
        self.first.setAccessibleName("Premier jour")
        self.last = DateField()
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
        for widget in (QLabel("du"), self.first, QLabel("au"), self.last, add_days):
            range_row.addWidget(widget)
        range_row.addStretch(1)
        return range_row, weekdays, remove_days

    def _form(self) -> QFormLayout:
        range_row, weekdays, remove_days = self._days_rows()
        hours = QHBoxLayout()
        for widget in (QLabel("de"), self.start, QLabel("à"), self.end, QLabel("créneaux de"), self.length):
            hours.addWidget(widget)
        hours.addStretch(1)
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
        return form

    def _fill_advisors(self) -> None:
        fill_advisors(self.advisor, self._people, self.partner.currentData())

    def add_range(self) -> None:
        from pae_desktop.core.services.interviews import days_between

        try:
            first, last = self.first.value(), self.last.value() or self.first.value()
        except ValueError as error:
            self.message.show_error(str(error))
            return
        if first is None:
            self.message.show_error("Indiquez le premier jour.")
            return
        if last < first:
            self.message.show_error("Le dernier jour précède le premier.")
            return
        wanted = [i for i, box in enumerate(self.weekday_boxes) if box.isChecked()]
        self.add_days(days_between(first, last, wanted))
        self.message.clear_message()

    def add_days(self, days: list[dt.date]) -> None:
        current = set(self.selected_days())
        for day in sorted(set(days) - current):
            item = QListWidgetItem(french_date(day, weekday=True))
            item.setData(ROW_ROLE, day)
            self.days.addItem(item)
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

        return SlotSeriesForm(
            days=self.selected_days(),
            start=_time_of(self.start),
            end=_time_of(self.end),
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

        campaign_id, form = self.context.campaign_id, self.series_form()

        def create(session):
            campaign = session.get(Campaign, campaign_id) if campaign_id else require_campaign(session)
            return create_slot_series(session, campaign, form)

        result = run_operation(self.context, create, self.message)
        if result is None:
            return
        self.result_ids = result.slot_ids
        self.warnings = result.warnings
        self.accept()


# --- one slot ------------------------------------------------------------------------------------------------------


class SlotEditDialog(GuardedDialog):
    """«Modifier le créneau»: its day and time, length, place, advisor and note. The slot's version is read with
    it: a slot changed elsewhere meanwhile is refused, and the dialog reloads what is there now."""

    def __init__(self, context: AppContext, slot_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.slot_id = slot_id
        self.changes = None
        self.setWindowTitle("Modifier le créneau")
        self.day = DateField()
        self.day.setAccessibleName("Jour du créneau")
        self.start = _time_edit(dt.time(9), "Heure de début")
        self.length = _length_box(45)
        self.place = QLineEdit()
        self.place.setAccessibleName("Lieu")
        self.advisor = QComboBox()
        self.advisor.setAccessibleName("Conseiller(ère)")
        self.note = QLineEdit()
        self.note.setAccessibleName("Remarque")
        self.message = MessageLabel()
        form = QFormLayout()
        form.addRow("&Jour :", self.day)
        form.addRow("&Heure :", self.start)
        form.addRow("&Durée :", self.length)
        form.addRow("&Lieu :", self.place)
        form.addRow("&Conseiller(ère) :", self.advisor)
        form.addRow("&Remarque :", self.note)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(
            dialog_buttons(self, self.save, {Button.Ok: "Enregistrer", Button.Cancel: "Annuler"})
        )
        self.load()

    def load(self) -> None:
        """The slot as it is in the database now, with its version."""
        from pae_desktop.core.services import directory
        from pae_desktop.core.services.interviews import get_slot, slot_form

        with self.context.db.read() as session:
            slot = get_slot(session, self.slot_id)
            form, self.version, partner_id = slot_form(slot), slot.version, slot.partner_id
            people = directory.list_people(session)
        self.day.set_value(form.starts_at.date())
        self.start.setTime(QTime(form.starts_at.hour, form.starts_at.minute))
        self.length.setValue(form.length_minutes)
        self.place.setText(form.place)
        fill_advisors(self.advisor, people, partner_id, form.advisor_id)
        self.note.setText(form.note)

    def slot_form(self):
        """The slot as typed; ValueError (French) for a day that cannot be read."""
        from pae_desktop.core.services.interviews import SlotForm

        day = self.day.value()
        return SlotForm(
            starts_at=dt.datetime.combine(day, _time_of(self.start)) if day else None,
            length_minutes=self.length.value(),
            place=self.place.text(),
            advisor_id=self.advisor.currentData(),
            note=self.note.text(),
        )

    def save(self) -> bool:
        from pae_desktop.core.services.interviews import update_slot

        try:
            form = self.slot_form()
        except ValueError as error:
            self.message.show_error(str(error))
            return False
        slot_id, version = self.slot_id, self.version
        self.changes = run_operation(
            self.context,
            lambda session: update_slot(session, slot_id, version, form),
            self.message,
            self.load,
        )
        if self.changes is None:
            return False
        self.accept()
        return True


# --- moving a booking ----------------------------------------------------------------------------------------------


class ChooseSlotDialog(QDialog):
    """Choose a free slot (to move a booking into)."""

    def __init__(self, rows: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Choisir un créneau libre")
        self._rows = {row.id: row for row in rows}
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
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Créneaux libres à venir :"))
        layout.addWidget(self.list)
        layout.addWidget(dialog_buttons(self, self.accept, {Button.Ok: "OK", Button.Cancel: "Annuler"}))
        self.resize(620, 420)

    def slot_id(self) -> int | None:
        item = self.list.currentItem()
        return item.data(ROW_ROLE) if item else None

    def slot_row(self):
        """The chosen slot's row (with the version the user saw), or None."""
        return self._rows.get(self.slot_id())
