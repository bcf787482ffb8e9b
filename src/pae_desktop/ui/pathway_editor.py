"""The pathway builder: the pathway and its modules under the rules, proposals, templates, follow-up, exit, PDFs."""

from __future__ import annotations

import datetime as dt
import logging

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)
from sqlalchemy import select

from pae_desktop.core import rules
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Partner, Person
from pae_desktop.core.rules import Problem
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import (
    DEFAULT_CARRIER_KIND,
    FREE_TEXT_REMINDER,
    CarrierKind,
    Decision,
    DocumentKind,
    ExitCategory,
    FollowUpKind,
    ModuleType,
    PartnerType,
    Stage,
    carrier_kind_of,
)
from pae_desktop.ui.context import PATHWAYS, AppContext
from pae_desktop.ui.timeline import TimelineModule, TimelineWidget

log = logging.getLogger(__name__)

HARD_STYLE = "color: #B00020;"
WARN_STYLE = "color: #9A5B00;"
OK_STYLE = "color: #2E7D32;"

# The documents of a pathway: (kind, module under pae_desktop.documents, button text).
DOCUMENTS = (
    (DocumentKind.PLAN_PARCOURS, "plan_parcours", "Plan de parcours"),
    (DocumentKind.ATTESTATION_INSCRIPTION, "attestation_inscription", "Attestation d'inscription"),
    (DocumentKind.ATTESTATION_FIN_PARCOURS, "attestation_fin_parcours", "Attestation de fin de parcours"),
    (
        DocumentKind.INSCRIPTION_ADMINISTRATIVE,
        "inscription_administrative",
        "Fiche d'inscription administrative",
    ),
)
SHOWN_STAGES = {Stage.ENGAGE, Stage.PARCOURS_EN_COURS, Stage.ABANDON, Stage.SORTI}


def to_qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def to_date(value: QDate) -> dt.date:
    return dt.date(value.year(), value.month(), value.day())


def date_edit(name: str, accessible: str, day: dt.date | None = None) -> QDateEdit:
    edit = QDateEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setCalendarPopup(True)
    edit.setDisplayFormat("dd/MM/yyyy")
    edit.setDateRange(QDate(2000, 1, 1), QDate(2100, 12, 31))
    edit.setDate(to_qdate(day or dt.date.today()))
    return edit


def message_label(name: str) -> QLabel:
    label = QLabel()
    label.setObjectName(name)
    label.setWordWrap(True)
    label.setVisible(False)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def show_messages(label: QLabel, problems: list[Problem]) -> None:
    """French reasons next to a field: red for what refuses the save, orange for a warning."""
    if not problems:
        label.clear()
        label.setVisible(False)
        return
    hard = any(p.hard for p in problems)
    label.setStyleSheet(HARD_STYLE if hard else WARN_STYLE)
    label.setText("\n".join(("✖ " if p.hard else "⚠ ") + p.message for p in problems))
    label.setVisible(True)


def warn(parent: QWidget, message: str) -> None:
    QMessageBox.warning(parent, "PAE Desktop", message)


# --- one module -----------------------------------------------------------------------------------------


class ModuleCard(QFrame):
    """One module of the pathway, edited in place; its rule messages show under its fields."""

    changed = Signal()
    remove_requested = Signal(object)

    FIELDS = ("module_type", "label", "carrier_partner_id", "place", "start_date", "end_date", "weekly_hours")

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
        self.notes = module.notes
        self.partners = partners

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
        self.place = QLineEdit(module.place)
        self.place.setObjectName("module_place")
        self.place.setAccessibleName("Lieu")
        self.start = date_edit("module_start", "Début du module", module.start_date)
        self.end = date_edit("module_end", "Fin du module", module.end_date)
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

        self._select_kind(module.module_type, module.label)
        index_of_carrier = self.carrier.findData(module.carrier_partner_id)
        self.carrier.setCurrentIndex(max(0, index_of_carrier))

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

        for widget in (self.label, self.place, self.tutor, self.convention):
            widget.textEdited.connect(self.changed)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self.carrier.currentIndexChanged.connect(self._update_kind_info)
        self.carrier.currentIndexChanged.connect(self.changed)
        for edit in (self.start, self.end):
            edit.dateChanged.connect(self.changed)
        self.hours.valueChanged.connect(self.changed)
        self.days_done.valueChanged.connect(self.changed)
        self.remove.clicked.connect(lambda: self.remove_requested.emit(self))
        self._update_kind_info()

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

    def form(self) -> svc.ModuleForm:
        module_type = self.kind.currentData()[0]
        hours = self.hours.value()
        done = self.days_done.value()
        return svc.ModuleForm(
            module_type=module_type,
            start_date=to_date(self.start.date()),
            end_date=to_date(self.end.date()),
            label=self.label.text().strip(),
            carrier_partner_id=self.carrier.currentData(),
            place=self.place.text(),
            weekly_hours=None if hours < 0 else hours,
            tutor=self.tutor.text(),
            convention_ref=self.convention.text(),
            days_done=None if done < 0 else done,
            notes=self.notes,
            id=self.module_id,
        )

    def set_problems(self, problems: list[Problem]) -> None:
        show_messages(self.messages, problems)
        bad = {p.field.rsplit(".", 1)[-1] for p in problems if p.hard}
        self.start.setStyleSheet("border: 1px solid #B00020;" if "start_date" in bad else "")
        self.end.setStyleSheet("border: 1px solid #B00020;" if "end_date" in bad else "")


# --- the editor of one youth's pathway -----------------------------------------------------------------


class PathwayEditor(QWidget):
    """The whole pathway of one youth: pathway tab (modules, rules, timeline), follow-up tab, exit tab."""

    saved = Signal(int)

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = context
        self.youth_id: int | None = None
        self.pathway_id: int | None = None
        self.rule_context: svc.PathwayContext | None = None
        self.catalogue: list[svc.CatalogItem] = []
        self.partners: list[tuple[int, str, str]] = []
        self.cards: list[ModuleCard] = []
        self.dismissed: set[str] = set()
        self.evaluation: svc.Evaluation | None = None
        self.dirty = False
        self._loading = False
        self.today = dt.date.today()

        self.title = QLabel("Choisissez un jeune dans la liste.")
        self.title.setObjectName("pathway_title")
        self.title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        self.decision_message = message_label("decision_message")
        self.tabs = QTabWidget()
        self.tabs.addTab(self._pathway_tab(), "Parcours")
        self.tabs.addTab(self._follow_up_tab(), "Suivi et assiduité")
        self.tabs.addTab(self._exit_tab(), "Abandon et sortie")
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.decision_message)
        layout.addWidget(self.tabs)
        self.setEnabled(False)

    # --- building -------------------------------------------------------------------------------------

    def _pathway_tab(self) -> QWidget:
        page = QWidget()
        self.mef = QComboBox()
        self.mef.setObjectName("mef_code")
        self.mef.setAccessibleName("MEF du parcours")
        self.start = date_edit("start_date", "Date de début du parcours")
        self.end = date_edit("planned_end", "Date de fin prévue")
        self.referent = QComboBox()
        self.referent.setObjectName("referent")
        self.referent.setAccessibleName("Référent du parcours")
        self.mission_locale = QComboBox()
        self.mission_locale.setObjectName("mission_locale")
        self.mission_locale.setAccessibleName("Mission locale de référence")
        self.non_engaged_note = QLineEdit()
        self.non_engaged_note.setObjectName("non_engaged_note")
        self.non_engaged_note.setAccessibleName("Pourquoi ce parcours sans engagement")
        self.non_engaged_note.setPlaceholderText("Pourquoi ouvrir le parcours malgré la décision d'entretien")
        self.notes = QLineEdit()
        self.notes.setObjectName("pathway_notes")
        self.notes.setAccessibleName("Note du parcours")
        self.notes.setToolTip(FREE_TEXT_REMINDER)
        self.messages: dict[str, QLabel] = {
            key: message_label(f"msg_{key}")
            for key in (
                "mef_code",
                "start_date",
                "planned_end",
                "modules",
                "non_engaged_note",
                "notes",
                "other",
            )
        }

        form = QFormLayout()
        form.addRow("MEF :", self._with_message(self.mef, "mef_code"))
        dates = QHBoxLayout()
        dates.addWidget(QLabel("Du"))
        dates.addWidget(self.start)
        dates.addWidget(QLabel("au"))
        dates.addWidget(self.end)
        self.duration = QLabel()
        self.duration.setObjectName("duration")
        dates.addWidget(self.duration)
        dates.addStretch(1)
        box = QVBoxLayout()
        box.addLayout(dates)
        box.addWidget(self.messages["start_date"])
        box.addWidget(self.messages["planned_end"])
        form.addRow("Dates :", box)
        form.addRow("Référent :", self.referent)
        form.addRow("Mission locale :", self.mission_locale)
        self.non_engaged_row = QLabel("Note (sans engagement) :")
        form.addRow(self.non_engaged_row, self._with_message(self.non_engaged_note, "non_engaged_note"))
        form.addRow("Note :", self._with_message(self.notes, "notes"))

        self.derived = QLabel()
        self.derived.setObjectName("derived")
        self.derived.setStyleSheet("font-weight: bold;")
        self.partnership = QLabel()
        self.partnership.setObjectName("partnership")

        # proposals from the interview
        self.proposals_box = QGroupBox("Proposé d'après l'entretien")
        self.proposals_layout = QVBoxLayout(self.proposals_box)

        # modules
        self.cards_host = QWidget()
        self.cards_layout = QVBoxLayout(self.cards_host)
        self.cards_layout.setContentsMargins(0, 0, 0, 0)
        self.add_module_button = QPushButton("Ajouter un module")
        self.add_module_button.setObjectName("add_module")
        self.add_module_button.clicked.connect(lambda: self.add_module())
        self.templates = QComboBox()
        self.templates.setObjectName("templates")
        self.templates.setAccessibleName("Modèles de parcours")
        self.apply_template_button = QPushButton("Appliquer le modèle")
        self.apply_template_button.setObjectName("apply_template")
        self.apply_template_button.clicked.connect(self.apply_template)
        self.save_template_button = QPushButton("Enregistrer comme modèle…")
        self.save_template_button.setObjectName("save_template")
        self.save_template_button.clicked.connect(self.save_as_template)
        self.delete_template_button = QPushButton("Supprimer le modèle")
        self.delete_template_button.setObjectName("delete_template")
        self.delete_template_button.clicked.connect(self.delete_template)
        module_bar = QHBoxLayout()
        module_bar.addWidget(self.add_module_button)
        module_bar.addStretch(1)
        module_bar.addWidget(QLabel("Modèle :"))
        module_bar.addWidget(self.templates)
        module_bar.addWidget(self.apply_template_button)
        module_bar.addWidget(self.save_template_button)
        module_bar.addWidget(self.delete_template_button)

        self.timeline = TimelineWidget()

        self.save_button = QPushButton("Enregistrer le parcours")
        self.save_button.setObjectName("save_pathway")
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        self.revert_button = QPushButton("Annuler les modifications")
        self.revert_button.setObjectName("revert_pathway")
        self.revert_button.clicked.connect(lambda: self.load(self.youth_id))
        self.status = QLabel()
        self.status.setObjectName("status")
        self.status.setWordWrap(True)
        self.print_buttons: dict[DocumentKind, QPushButton] = {}
        prints = QHBoxLayout()
        prints.addWidget(QLabel("Imprimer :"))
        for kind, _module, text in DOCUMENTS:
            button = QPushButton(text)
            button.setObjectName(f"print_{kind.value}")
            button.clicked.connect(lambda _checked=False, k=kind: self.print_document(k))
            self.print_buttons[kind] = button
            prints.addWidget(button)
        prints.addStretch(1)
        self.delete_button = QPushButton("Supprimer le parcours")
        self.delete_button.setObjectName("delete_pathway")
        self.delete_button.clicked.connect(self.delete_pathway)
        buttons = QHBoxLayout()
        buttons.addWidget(self.status, 1)
        buttons.addWidget(self.delete_button)
        buttons.addWidget(self.revert_button)
        buttons.addWidget(self.save_button)

        layout = QVBoxLayout(page)
        layout.addLayout(form)
        layout.addWidget(self.derived)
        layout.addWidget(self.partnership)
        layout.addWidget(self.proposals_box)
        modules_title = QLabel("Modules")
        modules_title.setStyleSheet("font-weight: bold;")
        layout.addWidget(modules_title)
        layout.addLayout(module_bar)
        layout.addWidget(self.messages["modules"])
        layout.addWidget(self.cards_host)
        layout.addWidget(self.timeline)
        layout.addWidget(self.messages["other"])
        layout.addStretch(1)
        layout.addLayout(buttons)
        layout.addLayout(prints)

        for edit in (self.start, self.end):
            edit.dateChanged.connect(self._changed)
        for combo in (self.mef, self.referent, self.mission_locale):
            combo.currentIndexChanged.connect(self._changed)
        for line in (self.non_engaged_note, self.notes):
            line.textEdited.connect(self._changed)
        return page

    def _with_message(self, widget: QWidget, key: str) -> QWidget:
        host = QWidget()
        box = QVBoxLayout(host)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(widget)
        box.addWidget(self.messages[key])
        return host

    def _follow_up_tab(self) -> QWidget:
        page = QWidget()
        self.attendance = QLabel()
        self.attendance.setObjectName("attendance")
        self.attendance.setWordWrap(True)
        self.events = QTableWidget(0, 8)
        self.events.setObjectName("follow_ups")
        self.events.setHorizontalHeaderLabels(
            ["Date", "Type", "Note", "Action suivante", "Échéance", "Fait le", "Demi-journées", "Justifiée"]
        )
        self.events.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.events.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.events.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.event_on = date_edit("event_on", "Date de l'événement")
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
        self.event_due = date_edit("event_due", "Échéance de l'action suivante")
        self.event_due.setEnabled(False)
        self.event_has_due.toggled.connect(self.event_due.setEnabled)
        self.event_kind.currentIndexChanged.connect(self._event_kind_changed)
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
        layout.addWidget(self.attendance)
        layout.addWidget(self.events, 1)
        layout.addLayout(form)
        layout.addLayout(bar)
        self._event_kind_changed()
        return page

    def _exit_tab(self) -> QWidget:
        page = QWidget()
        siecle = QGroupBox("Inscription dans SIECLE")
        self.siecle_done = QCheckBox("Saisie SIECLE faite le")
        self.siecle_done.setObjectName("siecle_done")
        self.siecle_on = date_edit("siecle_on", "Date de la saisie SIECLE")
        siecle_save = QPushButton("Enregistrer")
        siecle_save.setObjectName("save_siecle")
        siecle_save.clicked.connect(self.save_siecle)
        row = QHBoxLayout(siecle)
        row.addWidget(self.siecle_done)
        row.addWidget(self.siecle_on)
        row.addWidget(siecle_save)
        row.addStretch(1)

        abandon = QGroupBox("Abandon")
        self.abandon_state = QLabel()
        self.abandon_state.setObjectName("abandon_state")
        self.abandon_on = date_edit("abandon_on", "Date de l'abandon")
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

        exit_box = QGroupBox("Sortie du parcours")
        self.exit_state = QLabel()
        self.exit_state.setObjectName("exit_state")
        self.exit_on = date_edit("exit_on", "Date de sortie")
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
        self.exit_on.dateChanged.connect(self._check_exit)
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

        layout = QVBoxLayout(page)
        layout.addWidget(siecle)
        layout.addWidget(abandon)
        layout.addWidget(exit_box)
        layout.addStretch(1)
        return page

    # --- loading --------------------------------------------------------------------------------------

    def load(self, youth_id: int | None, today: dt.date | None = None) -> None:
        """Show one youth's pathway (a new form when there is none yet), reading everything once."""
        self.today = today or self.today
        self.youth_id = youth_id
        self.dismissed = set()
        if youth_id is None:
            self.rule_context = None
            self.pathway_id = None
            self.dirty = False
            self._set_modules([])
            self.timeline.set_pathway(None, None, [], today=self.today)
            self.setEnabled(False)
            self.title.setText("Choisissez un jeune dans la liste.")
            return
        self._loading = True
        try:
            with self.app.db.read() as session:
                self.rule_context = svc.pathway_context(session, youth_id)
                pathway = svc.get_pathway(session, youth_id)
                self.pathway_id = pathway.id if pathway else None
                form = (
                    svc.pathway_form(pathway)
                    if pathway
                    else svc.new_pathway_form(self.rule_context, self.today)
                )
                self.catalogue = svc.catalogue(session)
                self.partners = [
                    (p.id, p.name, p.type)
                    for p in session.scalars(
                        select(Partner)
                        .where(Partner.archived.is_(False))
                        .order_by(Partner.type, Partner.name)
                    )
                ]
                people = [
                    (p.id, p.full_name, p.partner_id)
                    for p in session.scalars(
                        select(Person).where(Person.archived.is_(False)).order_by(Person.last_name)
                    )
                ]
                templates = svc.list_templates(session)
                choices = svc.mef_choices(self.rule_context.scheme)
                events = svc.follow_ups(session, youth_id)
                youth = svc.load_youth_for_pathway(session, youth_id)
                exit_row = youth.exit
                siecle = (pathway.siecle_entered, pathway.siecle_entered_on) if pathway else (False, None)
                abandon = (pathway.abandoned_on, pathway.abandon_reason) if pathway else (None, "")
                self.campaign_year = youth.campaign.year
            self.setEnabled(True)
            state = "parcours enregistré" if pathway else "nouveau parcours"
            self.title.setText(f"{self.rule_context.youth_name} — {state}")
            self.mef.clear()
            for code, label in choices:
                self.mef.addItem(label, code)
            if self.mef.findData(form.mef_code) < 0 and form.mef_code:
                saved = f"{form.mef_code} (code enregistré, absent du dispositif de la campagne)"
                self.mef.addItem(saved, form.mef_code)
            self.mef.setCurrentIndex(max(0, self.mef.findData(form.mef_code)))
            self.start.setDate(to_qdate(form.start_date))
            self.end.setDate(to_qdate(form.planned_end))
            self.referent.clear()
            self.referent.addItem("—", None)
            for pid, name, partner_id in people:
                if partner_id is None:
                    self.referent.addItem(name, pid)
            self.referent.setCurrentIndex(max(0, self.referent.findData(form.referent_id)))
            self.mission_locale.clear()
            self.mission_locale.addItem("—", None)
            for pid, name, ptype in self.partners:
                if ptype == PartnerType.MISSION_LOCALE:
                    self.mission_locale.addItem(name, pid)
            self.mission_locale.setCurrentIndex(max(0, self.mission_locale.findData(form.mission_locale_id)))
            self.non_engaged_note.setText(form.non_engaged_note)
            self.notes.setText(form.notes)
            engaged = self.rule_context.latest_decision == Decision.ENGAGE
            self.non_engaged_row.setVisible(not engaged or bool(form.non_engaged_note))
            self.non_engaged_note.setVisible(not engaged or bool(form.non_engaged_note))
            self._fill_templates(templates)
            self._set_modules(form.modules)
            self.event_on.setDate(to_qdate(self.today))
            self.event_due.setDate(to_qdate(self.today + dt.timedelta(days=7)))
            self._fill_follow_ups(events)
            self._fill_exit(exit_row, siecle, abandon, form.start_date, form.planned_end)
            self.dirty = False
        finally:
            self._loading = False
        self.revalidate()

    def _set_modules(self, modules: list[svc.ModuleForm]) -> None:
        for card in self.cards:
            card.setParent(None)
            card.deleteLater()
        self.cards = []
        for module in modules:
            self._append_card(module)

    def _append_card(self, module: svc.ModuleForm) -> ModuleCard:
        card = ModuleCard(len(self.cards), module, self.catalogue, self.partners)
        card.changed.connect(self._changed)
        card.remove_requested.connect(self.remove_module)
        self.cards_layout.addWidget(card)
        card.show()  # at once, not at the layout's next pass: its rule messages must be seen now
        self.cards.append(card)
        return card

    # --- the form and its rules -------------------------------------------------------------------------

    def form(self) -> svc.PathwayForm:
        return svc.PathwayForm(
            mef_code=self.mef.currentData() or "",
            start_date=to_date(self.start.date()),
            planned_end=to_date(self.end.date()),
            referent_id=self.referent.currentData(),
            mission_locale_id=self.mission_locale.currentData(),
            non_engaged_note=self.non_engaged_note.text(),
            notes=self.notes.text(),
            modules=[card.form() for card in self.cards],
        )

    def _changed(self, *_args) -> None:
        if self._loading:
            return
        self.dirty = True
        self.revalidate()

    def revalidate(self) -> None:
        """Apply the rules to what is typed now: messages next to the fields, derived values, timeline."""
        if self.rule_context is None or self.youth_id is None:
            return
        form = self.form()
        evaluation = svc.evaluate(form, self.rule_context)
        self.evaluation = evaluation
        everything = evaluation.problems + evaluation.warnings
        by_field: dict[str, list[Problem]] = {}
        for problem in everything:
            key = problem.field
            if key.startswith("module."):
                by_field.setdefault(key.split(".")[1], []).append(problem)
            elif key in self.messages:
                by_field.setdefault(key, []).append(problem)
            elif key == rules.F_DECISION:
                by_field.setdefault("decision", []).append(problem)
            else:
                by_field.setdefault("other", []).append(problem)
        for key, label in self.messages.items():
            show_messages(label, by_field.get(key, []))
        show_messages(self.decision_message, by_field.get("decision", []))
        for index, card in enumerate(self.cards):
            card.set_problems(by_field.get(str(index), []))
        days = evaluation.pathway_days
        limit = rules.latest_end_for_start(form.start_date)
        self.duration.setText(f"{days} jour(s) — au plus tard le {limit:%d/%m/%Y} pour 4 mois")
        self.derived.setText(
            f"{evaluation.module_count} module(s) · {evaluation.pfmp_days} jour(s) de PFMP "
            f"({evaluation.pfmp_calendar_days} jours calendaires sur {rules.max_pfmp_days(days)} au plus)"
        )
        kinds = ", ".join(k.label for k in CarrierKind if k in evaluation.carrier_kinds) or "aucun porteur"
        if evaluation.partnership:
            self.partnership.setText(f"✔ Parcours partenarial (porteurs : {kinds})")
            self.partnership.setStyleSheet(OK_STYLE)
        else:
            self.partnership.setText(
                f"Parcours non partenarial (porteurs : {kinds}) : il faut au moins deux types de porteurs."
            )
            self.partnership.setStyleSheet("color: #555;")
        self.save_button.setEnabled(evaluation.ok)
        self.save_button.setToolTip("" if evaluation.ok else "Corrigez d'abord ce qui est signalé en rouge.")
        self._fill_proposals(form)
        self.timeline.set_pathway(
            form.start_date,
            form.planned_end,
            [
                TimelineModule(
                    m.name,
                    m.module_type,
                    m.start_date,
                    m.end_date,
                    carrier_kind_of(self.rule_context.partner_types.get(m.carrier_partner_id))
                    if m.carrier_partner_id is not None
                    else CarrierKind.ETABLISSEMENT,
                )
                for m in form.modules
            ],
            today=self.today,
            campaign_year=getattr(self, "campaign_year", None),
        )
        self.print_buttons_state()

    def print_buttons_state(self) -> None:
        saved = self.pathway_id is not None and not self.dirty
        self.delete_button.setEnabled(self.pathway_id is not None)
        for button in self.print_buttons.values():
            button.setEnabled(saved)
            button.setToolTip("" if saved else "Enregistrez d'abord le parcours.")
        ended = self.rule_context is not None and (
            self.rule_context.exit_on is not None or self.rule_context.abandoned_on is not None
        )
        fin = self.print_buttons[DocumentKind.ATTESTATION_FIN_PARCOURS]
        fin.setEnabled(saved and ended)
        if saved and not ended:
            fin.setToolTip("Après un abandon ou une sortie seulement.")

    # --- proposals --------------------------------------------------------------------------------------

    def _fill_proposals(self, form: svc.PathwayForm) -> None:
        while self.proposals_layout.count():
            item = self.proposals_layout.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        proposals = svc.proposals_for(self.rule_context, form, self.dismissed)
        self.proposals_box.setVisible(bool(proposals))
        for proposal in proposals:
            row = QWidget()
            row.setObjectName(f"proposal_{proposal.module_type.value}")
            line = QHBoxLayout(row)
            line.setContentsMargins(0, 0, 0, 0)
            text = QLabel(f"<b>{proposal.label}</b> — {proposal.explanation}")
            text.setWordWrap(True)
            accept = QPushButton("Ajouter")
            accept.setObjectName("accept")
            accept.setAccessibleName(f"Ajouter le module {proposal.label}")
            dismiss = QPushButton("Écarter")
            dismiss.setObjectName("dismiss")
            dismiss.setAccessibleName(f"Écarter la proposition {proposal.label}")
            accept.clicked.connect(lambda _c=False, p=proposal: self.accept_proposal(p))
            dismiss.clicked.connect(lambda _c=False, p=proposal: self.dismiss_proposal(p))
            line.addWidget(text, 1)
            line.addWidget(accept)
            line.addWidget(dismiss)
            self.proposals_layout.addWidget(row)

    def accept_proposal(self, proposal) -> None:
        form = self.form()
        default_kind = DEFAULT_CARRIER_KIND[proposal.module_type]
        partner_id = None
        if default_kind != CarrierKind.ETABLISSEMENT:
            preferred = (
                form.mission_locale_id if proposal.module_type is ModuleType.ACCOMPAGNEMENT_ML else None
            )
            candidates = [pid for pid, _n, ptype in self.partners if carrier_kind_of(ptype) == default_kind]
            partner_id = preferred if preferred in candidates else (candidates[0] if candidates else None)
        self._append_card(svc.module_from_proposal(proposal, form, self.rule_context, partner_id))
        self._changed()

    def dismiss_proposal(self, proposal) -> None:
        self.dismissed.add(proposal.module_type.value)
        self.revalidate()

    # --- modules and templates ------------------------------------------------------------------------

    def add_module(self, module_type: ModuleType = ModuleType.IMMERSION_CLASSE) -> ModuleCard:
        form = self.form()
        card = self._append_card(
            svc.ModuleForm(module_type.value, form.start_date, form.planned_end, label=module_type.label)
        )
        self._changed()
        return card

    def remove_module(self, card: ModuleCard) -> None:
        if card in self.cards:
            self.cards.remove(card)
            card.setParent(None)
            card.deleteLater()
            for index, other in enumerate(self.cards):
                other.setObjectName(f"module_{index}")
            self._changed()

    def apply_template(self) -> None:
        template_id = self.templates.currentData()
        if template_id is None or self.rule_context is None:
            return
        try:
            with self.app.db.read() as session:
                form = svc.apply_template(session, template_id, self.form(), self.rule_context.limits)
        except UserError as error:
            warn(self, str(error))
            return
        self._loading = True
        try:
            self.end.setDate(to_qdate(form.planned_end))
            self._set_modules(form.modules)
        finally:
            self._loading = False
        self._changed()

    def save_as_template(self) -> None:
        name, ok = QInputDialog.getText(self, "Modèle de parcours", "Nom du modèle :")
        if not ok or not name.strip():
            return
        try:
            with self.app.db.transaction() as session:
                svc.save_template(session, name, self.form())
        except UserError as error:
            warn(self, str(error))
            return
        self.status.setText(f"Modèle « {name.strip()} » enregistré.")
        self._fill_templates()

    def delete_template(self) -> None:
        template_id = self.templates.currentData()
        if template_id is None:
            return
        name = self.templates.currentText()
        if (
            QMessageBox.question(self, "Supprimer", f"Supprimer le modèle « {name} » ?")
            != QMessageBox.StandardButton.Yes
        ):
            return
        try:
            with self.app.db.transaction() as session:
                svc.delete_template(session, template_id)
        except UserError as error:
            warn(self, str(error))
        self._fill_templates()

    def _fill_templates(self, templates: list[svc.TemplateRow] | None = None) -> None:
        if templates is None:
            with self.app.db.read() as session:
                templates = svc.list_templates(session)
        self.templates.clear()
        for row in templates:
            self.templates.addItem(f"{row.name} ({len(row.module_labels)} modules)", row.id)
        self.apply_template_button.setEnabled(bool(templates))
        self.delete_template_button.setEnabled(bool(templates))

    # --- saving -----------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Save the pathway; a youth who did not engage is asked why first (the answer becomes the note)."""
        if self.youth_id is None or self.rule_context is None:
            return False
        self.revalidate()
        if self.evaluation is not None and not self.evaluation.ok:
            warn(self, "\n".join(p.message for p in self.evaluation.problems))
            return False
        warning = rules.not_engaged_warning(self.rule_context.latest_decision)
        if warning and not self.non_engaged_note.text().strip():
            note, ok = QInputDialog.getMultiLineText(
                self,
                "Parcours sans engagement",
                f"{warning}\n\nPourquoi ouvrir ce parcours ?",
            )
            if not ok or not note.strip():
                self.status.setText("Parcours non enregistré : la note est nécessaire.")
                return False
            self.non_engaged_note.setText(note.strip())
        try:
            with self.app.db.transaction() as session:
                result = svc.save_pathway(session, self.youth_id, self.form())
        except UserError as error:
            warn(self, str(error))
            return False
        self.load(self.youth_id)
        self.status.setStyleSheet(OK_STYLE if not result.warnings else WARN_STYLE)
        self.status.setText(
            ("Parcours créé." if result.created else "Parcours enregistré.")
            + ("" if not result.warnings else " Attention : " + " ".join(result.warnings))
        )
        self.saved.emit(self.youth_id)
        self.app.changed(PATHWAYS)
        return True

    def delete_pathway(self) -> bool:
        """Delete a pathway opened by mistake (refused while an exit is recorded), after confirmation."""
        if self.youth_id is None or self.pathway_id is None:
            return False
        answer = QMessageBox.question(
            self,
            "Supprimer le parcours",
            "Supprimer ce parcours et tous ses modules ? Cette action est définitive.",
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        try:
            with self.app.db.transaction() as session:
                svc.delete_pathway(session, self.youth_id)
        except UserError as error:
            warn(self, str(error))
            return False
        self.load(self.youth_id)
        self.status.setText("Parcours supprimé.")
        self.app.changed(PATHWAYS)
        return True

    # --- follow-up ------------------------------------------------------------------------------------

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
        total = svc.unjustified_half_days(events)
        alert = rules.attendance_warning(total)
        self.attendance.setText(
            alert or f"Absences non justifiées : {total} demi-journée(s) (alerte au-delà de 30)."
        )
        self.attendance.setStyleSheet(HARD_STYLE if alert else "")

    def add_follow_up(self) -> None:
        if self.youth_id is None:
            return
        form = svc.FollowUpForm(
            on=to_date(self.event_on.date()),
            kind=self.event_kind.currentData(),
            note=self.event_note.text(),
            next_action=self.event_next.text(),
            due_on=to_date(self.event_due.date()) if self.event_has_due.isChecked() else None,
            absence_half_days=self.event_half_days.value(),
            absence_justified=self.event_justified.isChecked(),
        )
        try:
            with self.app.db.transaction() as session:
                result = svc.save_follow_up(session, self.youth_id, form)
        except UserError as error:
            warn(self, str(error))
            return
        self.event_note.clear()
        self.event_next.clear()
        self.event_has_due.setChecked(False)
        self._reload_follow_ups()
        if result.alert:
            warn(self, result.alert)
        self.app.changed(PATHWAYS)

    def _selected_event(self) -> int | None:
        row = self.events.currentRow()
        return self.event_ids[row] if 0 <= row < len(self.event_ids) else None

    def mark_done(self) -> None:
        event_id = self._selected_event()
        if event_id is None:
            return
        try:
            with self.app.db.transaction() as session:
                svc.mark_follow_up_done(session, event_id, self.today)
        except UserError as error:
            warn(self, str(error))
            return
        self._reload_follow_ups()
        self.app.changed(PATHWAYS)

    def delete_follow_up(self) -> None:
        event_id = self._selected_event()
        if event_id is None:
            return
        if (
            QMessageBox.question(self, "Supprimer", "Supprimer cet événement de suivi ?")
            != QMessageBox.StandardButton.Yes
        ):
            return
        with self.app.db.transaction() as session:
            svc.delete_follow_up(session, event_id)
        self._reload_follow_ups()
        self.app.changed(PATHWAYS)

    def _reload_follow_ups(self) -> None:
        with self.app.db.read() as session:
            self._fill_follow_ups(svc.follow_ups(session, self.youth_id))

    # --- SIECLE, abandonment, exit --------------------------------------------------------------------

    def _fill_exit(self, exit_row, siecle, abandon, start: dt.date, end: dt.date) -> None:
        default_day = min(max(start, self.today), max(start, end))
        has_pathway = self.pathway_id is not None
        entered, entered_on = siecle
        self.siecle_done.setChecked(entered)
        self.siecle_on.setDate(to_qdate(entered_on or self.today))
        abandoned_on, reason = abandon
        if abandoned_on:
            self.abandon_state.setText(f"Abandon enregistré le {abandoned_on:%d/%m/%Y} : {reason}")
        else:
            self.abandon_state.setText(
                "Aucun abandon." if has_pathway else "Enregistrez d'abord le parcours."
            )
        self.abandon_on.setDate(to_qdate(abandoned_on or default_day))
        self.abandon_reason.setText(reason)
        self.cancel_abandon_button.setEnabled(abandoned_on is not None)
        if exit_row is not None:
            self.exit_state.setText(
                f"Sortie enregistrée le {exit_row.on:%d/%m/%Y} : {ExitCategory.label_of(exit_row.category)}"
            )
            self.exit_on.setDate(to_qdate(exit_row.on))
            self.exit_category.setCurrentIndex(max(0, self.exit_category.findData(exit_row.category)))
            self._exit_category_changed()
            self.exit_detail.setCurrentIndex(max(0, self.exit_detail.findData(exit_row.detail)))
            self.exit_note.setText(exit_row.note)
        else:
            self.exit_state.setText(
                "Aucune sortie enregistrée." if has_pathway else "Enregistrez d'abord le parcours."
            )
            self.exit_on.setDate(to_qdate(abandoned_on or default_day))
            self.exit_note.clear()
        self.delete_exit_button.setEnabled(exit_row is not None)
        self._check_exit()

    def _exit_category_changed(self) -> None:
        self.exit_detail.clear()
        self.exit_detail.addItem("—", "")
        for detail in svc.exit_details(self.exit_category.currentData() or ""):
            self.exit_detail.addItem(detail.label, detail.value)

    def _check_exit(self) -> None:
        if self.rule_context is None:
            return
        start = to_date(self.start.date()) if self.pathway_id is None else self._saved_start()
        message = rules.exit_before_start_error(to_date(self.exit_on.date()), start)
        show_messages(self.exit_message, [Problem(rules.F_EXIT_ON, message)] if message else [])

    def _saved_start(self) -> dt.date:
        with self.app.db.read() as session:
            pathway = svc.get_pathway(session, self.youth_id)
            return pathway.start_date if pathway else to_date(self.start.date())

    def _write(self, action, success: str) -> None:
        try:
            with self.app.db.transaction() as session:
                action(session)
        except UserError as error:
            warn(self, str(error))
            return
        self.load(self.youth_id)
        self.status.setStyleSheet(OK_STYLE)
        self.status.setText(success)
        self.app.changed(PATHWAYS)

    def save_siecle(self) -> None:
        if self.pathway_id is None:
            warn(self, "Enregistrez d'abord le parcours.")
            return
        entered, on = self.siecle_done.isChecked(), to_date(self.siecle_on.date())
        self._write(
            lambda s: svc.set_siecle_entered(
                s, self.pathway_id, entered, on if entered else None, today=max(on, self.today)
            ),
            "Saisie SIECLE enregistrée." if entered else "Saisie SIECLE décochée.",
        )

    def record_abandonment(self) -> None:
        on, reason = to_date(self.abandon_on.date()), self.abandon_reason.text()
        self._write(lambda s: svc.record_abandonment(s, self.youth_id, on, reason), "Abandon enregistré.")

    def cancel_abandonment(self) -> None:
        self._write(lambda s: svc.cancel_abandonment(s, self.youth_id), "Abandon annulé.")

    def record_exit(self) -> None:
        form = svc.ExitForm(
            on=to_date(self.exit_on.date()),
            category=self.exit_category.currentData(),
            detail=self.exit_detail.currentData() or "",
            note=self.exit_note.text(),
        )
        self._write(lambda s: svc.record_exit(s, self.youth_id, form), "Sortie enregistrée.")

    def delete_exit(self) -> None:
        if (
            QMessageBox.question(self, "Supprimer", "Supprimer la sortie enregistrée ?")
            != QMessageBox.StandardButton.Yes
        ):
            return
        self._write(lambda s: svc.delete_exit(s, self.youth_id), "Sortie supprimée.")

    # --- printing ---------------------------------------------------------------------------------------

    def print_document(self, kind: DocumentKind) -> str | None:
        """Ask where to save the PDF, build it (recorded in the audit log), say where it went."""
        if self.youth_id is None or self.pathway_id is None:
            return None
        name = fold(self.rule_context.youth_name).replace(" ", "_") if self.rule_context else "jeune"
        path, _filter = QFileDialog.getSaveFileName(
            self, f"Enregistrer — {kind.label}", f"{kind.value}_{name}.pdf", "Documents PDF (*.pdf)"
        )
        if not path:
            return None
        if not path.lower().endswith(".pdf"):
            path += ".pdf"
        from pae_desktop.core.operations.printing import print_document

        try:
            with self.app.db.transaction() as session:
                result = print_document(session, kind.value, self.youth_id, path)
        except UserError as error:
            warn(self, str(error))
            return None
        self.app.apply(result)
        self.status.setStyleSheet(OK_STYLE)
        self.status.setText(f"{kind.label} enregistré(e) : {path}")
        return path


# --- the catalogue dialog -------------------------------------------------------------------------------


class CatalogueDialog(QDialog):
    """Add a module type to the catalogue: a label, the FOQUALE type it counts as, its default carrier."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = context
        self.setWindowTitle("Catalogue des modules")
        self.list = QTableWidget(0, 3)
        self.list.setHorizontalHeaderLabels(["Intitulé", "Compté comme", "Porteur par défaut"])
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.list.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.label = QLineEdit()
        self.label.setObjectName("catalog_label")
        self.label.setPlaceholderText("Ex. : Formation SST")
        self.type = QComboBox()
        self.type.setObjectName("catalog_type")
        for code, label in ModuleType.choices():
            self.type.addItem(label, code)
        self.kind = QComboBox()
        self.kind.setObjectName("catalog_kind")
        for code, label in CarrierKind.choices():
            self.kind.addItem(label, code)
        remove = QPushButton("Retirer l'entrée sélectionnée")
        remove.setObjectName("catalog_remove")
        remove.setToolTip(
            "Seules les entrées ajoutées se retirent ; les modules déjà saisis gardent leur type."
        )
        remove.clicked.connect(self.remove_selected)
        add = QPushButton("Ajouter au catalogue")
        add.setObjectName("catalog_add")
        add.clicked.connect(self.add)
        form = QFormLayout()
        form.addRow("Intitulé :", self.label)
        form.addRow("Type (FOQUALE) :", self.type)
        form.addRow("Porteur par défaut :", self.kind)
        form.addRow(add)
        form.addRow(remove)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.list)
        layout.addLayout(form)
        layout.addWidget(close)
        self.resize(640, 420)
        self.refresh()

    def refresh(self) -> None:
        with self.app.db.read() as session:
            items = svc.catalogue(session)
        self.items = items
        self.list.setRowCount(0)
        for item in items:
            row = self.list.rowCount()
            self.list.insertRow(row)
            suffix = "" if item.builtin else " (ajouté)"
            self.list.setItem(row, 0, QTableWidgetItem(item.label + suffix))
            self.list.setItem(row, 1, QTableWidgetItem(ModuleType.label_of(item.module_type)))
            self.list.setItem(row, 2, QTableWidgetItem(CarrierKind.label_of(item.default_carrier_kind)))

    def remove_selected(self) -> None:
        row = self.list.currentRow()
        if not 0 <= row < len(self.items):
            return
        item = self.items[row]
        if item.builtin:
            warn(self, f"« {item.label} » fait partie du catalogue national : il ne se retire pas.")
            return
        with self.app.db.transaction() as session:
            svc.delete_catalog_entry(session, item.entry_id)
        self.refresh()
        self.app.changed(PATHWAYS)

    def add(self) -> None:
        try:
            with self.app.db.transaction() as session:
                svc.add_catalog_entry(
                    session, self.label.text(), self.type.currentData(), self.kind.currentData()
                )
        except UserError as error:
            warn(self, str(error))
            return
        self.label.clear()
        self.refresh()
        self.app.changed(PATHWAYS)


# --- the office list ------------------------------------------------------------------------------------


class OfficeListDialog(QDialog):
    """«À saisir dans SIECLE»: the pathways to enter, exported for the office, then ticked as entered."""

    def __init__(
        self, context: AppContext, parent: QWidget | None = None, today: dt.date | None = None
    ) -> None:
        super().__init__(parent)
        self.app = context
        self.today = today or dt.date.today()
        self.setWindowTitle("À saisir dans SIECLE")
        self.rows: list[svc.OfficeRow] = []
        self.table = QTableWidget(0, 7)
        self.table.setObjectName("office_rows")
        self.table.setHorizontalHeaderLabels(
            ["Saisie faite", "INE", "Nom", "Né(e) le", "MEF", "Entrée", "Boursier"]
        )
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.summary = QLabel()
        self.summary.setObjectName("office_summary")
        self.on = date_edit("office_on", "Date de la saisie SIECLE", self.today)
        mark = QPushButton("Marquer les lignes cochées comme saisies le")
        mark.setObjectName("office_mark")
        mark.clicked.connect(self.mark_checked)
        xlsx = QPushButton("Exporter en XLSX…")
        xlsx.setObjectName("office_xlsx")
        xlsx.clicked.connect(lambda: self.export(".xlsx"))
        pdf = QPushButton("Exporter en PDF…")
        pdf.setObjectName("office_pdf")
        pdf.clicked.connect(lambda: self.export(".pdf"))
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        marks = QHBoxLayout()
        marks.addWidget(mark)
        marks.addWidget(self.on)
        marks.addStretch(1)
        marks.addWidget(xlsx)
        marks.addWidget(pdf)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(marks)
        layout.addWidget(close)
        self.resize(900, 480)
        self.refresh()

    def refresh(self) -> None:
        if self.app.campaign_id is None:
            self.rows = []
        else:
            with self.app.db.read() as session:
                self.rows = svc.office_list(session, self.app.campaign_id)
        self.table.setRowCount(0)
        for row in self.rows:
            index = self.table.rowCount()
            self.table.insertRow(index)
            tick = QTableWidgetItem()
            tick.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
            tick.setCheckState(Qt.CheckState.Unchecked)
            self.table.setItem(index, 0, tick)
            values = [
                row.ine,
                row.name,
                f"{row.birth_date:%d/%m/%Y}" if row.birth_date else "",
                f"{row.mef_code} ({row.mef_label})",
                f"{row.start_date:%d/%m/%Y}",
                "Oui" if row.boursier else "Non",
            ]
            for column, value in enumerate(values, start=1):
                self.table.setItem(index, column, QTableWidgetItem(value))
        self.summary.setText(
            f"{len(self.rows)} jeune(s) à inscrire dans SIECLE sous le MEF du parcours."
            if self.rows
            else "Aucun jeune à saisir : toutes les inscriptions sont faites."
        )

    def checked(self) -> list[svc.OfficeRow]:
        return [
            row
            for index, row in enumerate(self.rows)
            if self.table.item(index, 0).checkState() == Qt.CheckState.Checked
        ]

    def mark_checked(self) -> int:
        chosen = self.checked()
        if not chosen:
            warn(self, "Cochez d'abord les jeunes dont l'inscription est faite dans SIECLE.")
            return 0
        on = to_date(self.on.date())
        try:
            with self.app.db.transaction() as session:
                for row in chosen:
                    svc.set_siecle_entered(session, row.pathway_id, True, on, today=max(on, self.today))
        except UserError as error:
            warn(self, str(error))
            return 0
        self.refresh()
        self.app.changed(PATHWAYS)
        return len(chosen)

    def export(self, suffix: str) -> str | None:
        if self.app.campaign_id is None:
            return None
        label = "Classeur (*.xlsx)" if suffix == ".xlsx" else "Documents PDF (*.pdf)"
        path, _chosen = QFileDialog.getSaveFileName(
            self, "Liste « À saisir dans SIECLE »", f"a_saisir_dans_siecle{suffix}", label
        )
        if not path:
            return None
        if not path.lower().endswith(suffix):
            path += suffix
        from pae_desktop.core.operations.office_list import export_office_list

        try:
            with self.app.db.transaction() as session:
                result = export_office_list(session, self.app.campaign_id, path)
        except UserError as error:
            warn(self, str(error))
            return None
        self.app.apply(result)
        count = result.count
        QMessageBox.information(self, "PAE Desktop", f"{count} jeune(s) à saisir dans SIECLE : {path}")
        return path


# --- the tab --------------------------------------------------------------------------------------------


class PathwaysView(QWidget):
    """The «Parcours» tab: youths who engaged or have a pathway, and the builder of the one selected."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = context
        self.rows: list[tuple[int, str, str, str]] = []
        self.search = QLineEdit()
        self.search.setObjectName("pathway_search")
        self.search.setPlaceholderText("Rechercher un jeune")
        self.search.setClearButtonEnabled(True)
        self.show_all = QCheckBox("Tous les jeunes")
        self.show_all.setObjectName("show_all")
        self.show_all.setToolTip(
            "Aussi les jeunes qui ne se sont pas engagés (un parcours demandera une note)"
        )
        self.table = QTableWidget(0, 2)
        self.table.setObjectName("pathway_youths")
        self.table.setHorizontalHeaderLabels(["Jeune", "Situation"])
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        office = QPushButton("Liste « À saisir dans SIECLE »…")
        office.setObjectName("office_list")
        office.clicked.connect(lambda: OfficeListDialog(self.app, self).exec())
        catalogue = QPushButton("Catalogue des modules…")
        catalogue.setObjectName("catalogue")
        catalogue.clicked.connect(lambda: CatalogueDialog(self.app, self).exec())
        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.show_all)
        left_layout.addLayout(top)
        left_layout.addWidget(self.table, 1)
        left_layout.addWidget(office)
        left_layout.addWidget(catalogue)
        self.editor = PathwayEditor(context)
        editor_scroll = QScrollArea()
        editor_scroll.setWidgetResizable(True)
        editor_scroll.setWidget(self.editor)
        splitter = QSplitter()
        splitter.addWidget(left)
        splitter.addWidget(editor_scroll)
        splitter.setStretchFactor(1, 3)
        splitter.setSizes([280, 900])
        layout = QVBoxLayout(self)
        layout.addWidget(splitter)

        self.search.textChanged.connect(self._filter)
        self.show_all.toggled.connect(self.refresh)
        self.table.itemSelectionChanged.connect(self._selected)
        context.data_changed.connect(self._data_changed)
        context.campaign_changed.connect(self._campaign_changed)
        self._stale = True  # filled when first shown
        self._reload_editor = False

    def _campaign_changed(self, _campaign_id: int) -> None:
        self.editor.load(None)
        self._refresh_when_shown()

    def _data_changed(self, touched) -> None:
        if not touched & {PATHWAYS, "youths", "interviews", "campaigns", "directory"} or self.editor.dirty:
            return
        if not self.isVisible():  # the list of stages costs a query per campaign: computed when shown
            self._stale = True
            self._reload_editor = self._reload_editor or bool(touched - {PATHWAYS})
            return
        selected = self.editor.youth_id
        self.refresh()
        if selected is not None and touched - {PATHWAYS}:
            self.editor.load(selected)

    def _refresh_when_shown(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event) -> None:  # noqa: N802 - Qt's name
        super().showEvent(event)
        if self._stale:
            self.refresh()
            if self._reload_editor and self.editor.youth_id is not None and not self.editor.dirty:
                self.editor.load(self.editor.youth_id)
            self._reload_editor = False

    def refresh(self) -> None:
        from pae_desktop.core.services.youths import caseload_rows

        self._stale = False
        if self.app.campaign_id is None:
            self.rows = []
        else:
            with self.app.db.read() as session:
                rows = caseload_rows(session, self.app.campaign_id)
            every = self.show_all.isChecked()
            self.rows = [
                (r.id, r.name, r.stage.label, r.search_key)
                for r in sorted(rows, key=lambda r: (r.last_name, r.first_names))
                if every or r.stage in SHOWN_STAGES
            ]
        self._filter()

    def _filter(self) -> None:
        needle = fold(self.search.text())
        selected = self.editor.youth_id
        self.table.blockSignals(True)
        self.table.setRowCount(0)
        for youth_id, name, stage, key in self.rows:
            if needle and needle not in key:
                continue
            row = self.table.rowCount()
            self.table.insertRow(row)
            item = QTableWidgetItem(name)
            item.setData(Qt.ItemDataRole.UserRole, youth_id)
            self.table.setItem(row, 0, item)
            self.table.setItem(row, 1, QTableWidgetItem(stage))
            if youth_id == selected:
                self.table.selectRow(row)
        self.table.blockSignals(False)

    def _selected(self) -> None:
        items = self.table.selectedItems()
        if not items:
            return
        youth_id = self.table.item(items[0].row(), 0).data(Qt.ItemDataRole.UserRole)
        if youth_id == self.editor.youth_id:
            return
        if self.editor.dirty:
            answer = QMessageBox.question(
                self, "Modifications non enregistrées", "Abandonner les modifications du parcours en cours ?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        self.editor.load(youth_id)

    def show_youth(self, youth_id: int) -> None:
        """Select a youth from elsewhere (the caseload): listed even when they did not engage."""
        if self.editor.dirty and youth_id != self.editor.youth_id:
            answer = QMessageBox.question(
                self, "Modifications non enregistrées", "Abandonner les modifications du parcours en cours ?"
            )
            if answer != QMessageBox.StandardButton.Yes:
                return
        if self._stale:
            self.refresh()
        if all(row[0] != youth_id for row in self.rows):
            self.show_all.setChecked(True)
        self.editor.load(youth_id)
        self._filter()

    def export_office_list(self) -> str | None:
        if self.app.campaign_id is None:
            return None
        path, chosen = QFileDialog.getSaveFileName(
            self,
            "Liste « À saisir dans SIECLE »",
            "a_saisir_dans_siecle.xlsx",
            "Classeur (*.xlsx);;PDF (*.pdf)",
        )
        if not path:
            return None
        if not path.lower().endswith((".xlsx", ".pdf")):
            path += ".pdf" if "pdf" in chosen.lower() else ".xlsx"
        from pae_desktop.core.operations.office_list import export_office_list

        try:
            with self.app.db.transaction() as session:
                result = export_office_list(session, self.app.campaign_id, path)
        except UserError as error:
            warn(self, str(error))
            return None
        self.app.apply(result)
        count = result.count
        QMessageBox.information(self, "PAE Desktop", f"{count} jeune(s) à saisir dans SIECLE : {path}")
        return path
