"""One module of the pathway, edited in place: type, label, carrier, place, typed dates, hours, its messages."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFrame,
    QGridLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from pae_desktop.core.rules import Problem
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.vocabulary import CarrierKind, ModuleType, PartnerType, carrier_kind_of
from pae_desktop.ui.pathway_editor.common import (
    date_field,
    mark_field,
    message_label,
    read_date,
    show_problems,
)
from pae_desktop.ui.screen_fit import shrinkable


class ModuleCard(QFrame):
    """One module of the pathway, edited in place; its rule messages show under its fields."""

    changed = Signal()
    remove_requested = Signal(object)

    def __init__(
        self,
        index: int,
        module: svc.ModuleForm,
        catalogue: list[svc.CatalogItem],
        partners: list[tuple[int, str, str]],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName(f"module_{index}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.module_id = module.id
        self.version = module.version
        self.dates = {"start": module.start_date, "end": module.end_date}  # the last dates typed right
        self.notes = module.notes
        self.partners = partners

        self._build(module, catalogue, partners)

        self._select_kind(module.module_type, module.label)
        index_of_carrier = self.carrier.findData(module.carrier_partner_id)
        self.carrier.setCurrentIndex(max(0, index_of_carrier))

        self._lay_out()

        for widget in (self.label, self.place, self.tutor, self.convention):
            widget.textEdited.connect(self.changed)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.carrier.currentIndexChanged.connect(self._update_kind_info)
        self.carrier.currentIndexChanged.connect(self.changed)
        for edit in (self.start, self.end):
            edit.textChanged.connect(self.changed)
        self.hours.valueChanged.connect(self.changed)
        self.days_done.valueChanged.connect(self.changed)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self._update_kind_info()

    def _build(self, module: svc.ModuleForm, catalogue: list[svc.CatalogItem], partners) -> None:
        """The card's fields, holding the module's values."""
        self.kind = QComboBox()
        self.kind.setObjectName("module_kind")
        self.kind.setAccessibleName("Type de module")
        for item in catalogue:
            self.kind.addItem(item.label, (item.module_type, item.default_carrier_kind, item.label))
        self.label = QLineEdit(module.label)
        self.label.setObjectName("module_label")
        self.label.setAccessibleName("Intitulé du module")
        self.label.setPlaceholderText("Intitulé (facultatif)")
        self.carrier = QComboBox()
        self.carrier.setObjectName("module_carrier")
        self.carrier.setAccessibleName("Porteur du module")
        self.carrier.addItem("L'établissement", None)
        for partner_id, name, ptype in partners:
            kind = carrier_kind_of(ptype).label
            self.carrier.addItem(f"{name} — {PartnerType.label_of(ptype)} ({kind})", partner_id)
        shrinkable(self.kind)  # the card fits a narrow window
        shrinkable(self.carrier, 24)
        self.place = QLineEdit(module.place)
        self.place.setObjectName("module_place")
        self.place.setAccessibleName("Lieu")
        self.start = date_field("module_start", "Début du module", module.start_date)
        self.end = date_field("module_end", "Fin du module", module.end_date)
        self.hours = QDoubleSpinBox()
        self.hours.setObjectName("module_hours")
        self.hours.setAccessibleName("Heures par semaine")
        self.hours.setRange(-1, 60)
        self.hours.setDecimals(1)
        self.hours.setSpecialValueText("—")
        self.hours.setSuffix(" h/sem.")
        self.hours.setValue(module.weekly_hours if module.weekly_hours is not None else -1)
        self.tutor = QLineEdit(module.tutor)
        self.tutor.setObjectName("module_tutor")
        self.tutor.setAccessibleName("Tuteur")
        self.tutor.setPlaceholderText("Tuteur")
        self.convention = QLineEdit(module.convention_ref)
        self.convention.setObjectName("module_convention")
        self.convention.setAccessibleName("Référence de convention")
        self.convention.setPlaceholderText("Référence de convention (PFMP)")
        self.days_done = QSpinBox()
        self.days_done.setObjectName("module_days_done")
        self.days_done.setAccessibleName("Jours réalisés")
        self.days_done.setRange(-1, 400)
        self.days_done.setSpecialValueText("—")
        self.days_done.setSuffix(" j réalisés")
        self.days_done.setValue(module.days_done if module.days_done is not None else -1)
        self.remove = QPushButton("Retirer")
        self.remove.setObjectName("module_remove")
        self.remove.setAccessibleName("Retirer ce module")
        self.kind_info = QLabel()
        self.kind_info.setObjectName("module_kind_info")
        self.kind_info.setStyleSheet("color: #555;")
        self.messages = message_label("module_messages")

    def _lay_out(self) -> None:
        grid = QGridLayout(self)
        grid.setContentsMargins(8, 6, 8, 6)
        grid.addWidget(self.kind, 0, 0, 1, 2)
        grid.addWidget(self.label, 0, 2, 1, 2)
        grid.addWidget(self.remove, 0, 4)
        grid.addWidget(QLabel("Porteur :"), 1, 0)
        grid.addWidget(self.carrier, 1, 1, 1, 2)
        grid.addWidget(self.place, 1, 3, 1, 2)
        self.place.setPlaceholderText("Lieu")
        grid.addWidget(QLabel("Du"), 2, 0, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.start, 2, 1)
        grid.addWidget(QLabel("au"), 2, 2, Qt.AlignmentFlag.AlignRight)
        grid.addWidget(self.end, 2, 3)
        grid.addWidget(self.hours, 2, 4)
        grid.addWidget(self.tutor, 3, 0, 1, 2)
        grid.addWidget(self.convention, 3, 2, 1, 2)
        grid.addWidget(self.days_done, 3, 4)
        grid.addWidget(self.kind_info, 4, 0, 1, 5)
        grid.addWidget(self.messages, 5, 0, 1, 5)

    def _select_kind(self, module_type: str, label: str) -> None:
        for i in range(self.kind.count()):
            item_type, _kind, item_label = self.kind.itemData(i)
            if item_type == module_type and item_label == label:
                self.kind.setCurrentIndex(i)
                return
        for i in range(self.kind.count()):
            if self.kind.itemData(i)[0] == module_type and i < len(ModuleType):
                self.kind.setCurrentIndex(i)
                return

    def _kind_changed(self) -> None:
        """A new type: its label, and a carrier of the type's default kind when the current one is not."""
        module_type, default_kind, label = self.kind.currentData()
        previous = {self.kind.itemData(i)[2] for i in range(self.kind.count())}
        if not self.label.text().strip() or self.label.text() in previous:
            self.label.setText(label)
        if self.current_kind() != default_kind:
            if default_kind == CarrierKind.ETABLISSEMENT:
                self.carrier.setCurrentIndex(0)
            else:
                for i, (_pid, _name, ptype) in enumerate(self.partners, start=1):
                    if carrier_kind_of(ptype) == default_kind:
                        self.carrier.setCurrentIndex(i)
                        break
        self._update_kind_info()
        self.changed.emit()

    def current_kind(self) -> CarrierKind:
        partner_id = self.carrier.currentData()
        types = {pid: ptype for pid, _n, ptype in self.partners}
        return carrier_kind_of(types.get(partner_id) if partner_id is not None else None)

    def _update_kind_info(self) -> None:
        self.kind_info.setText(f"Porteur de type « {self.current_kind().label} »")

    def date_errors(self) -> dict[str, str]:
        """The module's dates that do not read as JJ/MM/AAAA (by field); those that do are kept for `form`."""
        errors: dict[str, str] = {}
        name = self.label.text().strip() or self.kind.currentText()
        for key, edit, label in (("start", self.start, "début"), ("end", self.end, "fin")):
            day = read_date(edit, f"Module « {name} » : date de {label}", errors, key)
            if day is not None:
                self.dates[key] = day
        return errors

    def form(self) -> svc.ModuleForm:
        """The module as typed (a date that does not read keeps its last good value: `date_errors` says so)."""
        self.date_errors()
        module_type = self.kind.currentData()[0]
        hours = self.hours.value()
        done = self.days_done.value()
        return svc.ModuleForm(
            module_type=module_type,
            start_date=self.dates["start"],
            end_date=self.dates["end"],
            label=self.label.text().strip(),
            carrier_partner_id=self.carrier.currentData(),
            place=self.place.text(),
            weekly_hours=None if hours < 0 else hours,
            tutor=self.tutor.text(),
            convention_ref=self.convention.text(),
            days_done=None if done < 0 else done,
            notes=self.notes,
            id=self.module_id,
            version=self.version,
        )

    def set_problems(self, problems: list[Problem]) -> None:
        """The rules' messages under the module, with the dates that do not read; bad dates outlined in red."""
        errors = self.date_errors()
        problems = [Problem(f"module.{key}_date", text) for key, text in errors.items()] + problems
        show_problems(self.messages, problems)
        bad = {p.field.rsplit(".", 1)[-1] for p in problems if p.hard}
        mark_field(self.start, "start_date" in bad)
        mark_field(self.end, "end_date" in bad)
