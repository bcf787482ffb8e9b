"""The phase-1 «AvenirPro» forms: a collective workshop, an individual interview, an event and who went."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QCompleter,
    QDialog,  # noqa: F401 - the dialogs are QDialogs (`GuardedDialog`); tests patch `QDialog.exec` through here
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.errors import UserError
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import PHASE1_MAX_MINUTES, PHASE1_MIN_MINUTES, Phase1EventKind
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.screen_fit import scrolled
from pae_desktop.ui.widgets import (
    NOT_TYPED,
    Button,
    CodeCombo,
    DateField,
    GuardedDialog,
    MessageLabel,
    dialog_buttons,
    labelled,
)

ID_ROLE = Qt.ItemDataRole.UserRole
NOTE_REMINDER = "Pas de détail de santé ni de vie privée : seulement ce qui sert au parcours."


def _note_field() -> QPlainTextEdit:
    note = QPlainTextEdit()
    note.setMaximumHeight(70)
    note.setPlaceholderText(NOTE_REMINDER)
    note.setTabChangesFocus(True)
    return note


def _checked_ids(checklist: QListWidget) -> list:
    return [
        checklist.item(i).data(ID_ROLE)
        for i in range(checklist.count())
        if checklist.item(i).checkState() == Qt.CheckState.Checked
    ]


class OperatorFields:
    """The operator combo (France Travail agencies and Missions locales only) and its advisor combo."""

    def __init__(self, choices) -> None:
        self.operator = QComboBox()
        self.operator.addItem("— Choisir —", None)
        for choice in choices:
            self.operator.addItem(f"{choice.name} ({choice.type_label})", choice.id)
        self.advisor = QComboBox()
        self._advisors = {choice.id: choice.advisors for choice in choices}
        self.operator.currentIndexChanged.connect(lambda _i: self._fill_advisors())
        self._fill_advisors()

    def _fill_advisors(self, keep: int | None = None) -> None:
        self.advisor.clear()
        self.advisor.addItem("— Non précisé(e) —", None)
        for advisor_id, name in self._advisors.get(self.operator.currentData(), ()):
            self.advisor.addItem(name, advisor_id)
        self.advisor.setCurrentIndex(max(self.advisor.findData(keep), 0))

    def set_values(self, operator_id: int | None, advisor_id: int | None) -> None:
        self.operator.setCurrentIndex(max(self.operator.findData(operator_id), 0))
        self._fill_advisors(advisor_id)

    def values(self) -> tuple[int | None, int | None]:
        return self.operator.currentData(), self.advisor.currentData()


class _Phase1Dialog(GuardedDialog):
    """What the three forms share: the campaign, the record edited and its version, save and messages."""

    entity_name = ""

    def __init__(self, context: AppContext, record_id: int | None, parent: QWidget | None) -> None:
        super().__init__(parent)
        self.context = context
        self.record_id = record_id
        self.version: int | None = None
        self.message = MessageLabel()
        self.layout_ = QFormLayout()
        body = QWidget()
        body.setLayout(self.layout_)
        outer = QVBoxLayout(self)
        outer.addWidget(scrolled(body), 1)  # the form scrolls on a small screen, the buttons stay in sight
        outer.addWidget(self.message)
        outer.addWidget(
            dialog_buttons(self, self.save, {Button.Save: "&Enregistrer", Button.Cancel: "Annuler"})
        )

    def load(self, titles: tuple[str, str], empty, stored, read):
        """Title the dialog (new, edit), then in one read: the record's stored form (else `empty`) and its version,
        and what the dialog lists, `read(session, form)`. The form and that."""
        self.setWindowTitle(titles[self.record_id is not None])
        form = empty
        with self.context.db.read() as session:
            if self.record_id is not None:
                form, self.version = stored(session, self.record_id)
            listed = read(session, form)
        return form, listed

    def add_row(self, text: str, field: QWidget) -> None:
        self.layout_.addRow(labelled(text, field), field)

    def form(self):
        raise NotImplementedError

    def write(self, session, form):
        raise NotImplementedError

    def save(self) -> bool:
        try:
            form = self.form()
            with self.context.db.transaction() as session:
                self.change = self.write(session, form)
        except (UserError, ValueError) as error:
            self.message.show_error(str(error))
            return False
        self.context.apply(self.change)
        self.accept()
        return True


class WorkshopDialog(_Phase1Dialog):
    """Create or edit a collective workshop: date, time, duration, theme, operator, advisor, classes."""

    def __init__(
        self, context: AppContext, workshop_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, workshop_id, parent)
        from pae_desktop.core.services import phase1

        form, (choices, classes) = self.load(
            ("Nouvel atelier collectif", "Modifier l'atelier collectif"),
            phase1.WorkshopForm(),
            phase1.workshop_form,
            lambda session, form: (
                phase1.operators(session, keep=(form.operator_id, form.advisor_id)),
                phase1.campaign_classes(session, context.campaign_id),
            ),
        )
        self.held_on = DateField()
        self.held_on.setMaximumWidth(120)
        self.starts_at = QLineEdit()
        self.starts_at.setPlaceholderText("HH:MM")
        self.starts_at.setMaximumWidth(80)
        self.duration = QSpinBox()
        self.duration.setRange(PHASE1_MIN_MINUTES, PHASE1_MAX_MINUTES)
        self.duration.setSingleStep(15)
        self.duration.setSuffix(" min")
        self.theme = QComboBox()
        self.theme.setEditable(True)
        self.theme.addItems(phase1.THEME_SUGGESTIONS)
        self.theme.setMinimumContentsLength(40)
        self.operator = OperatorFields(choices)
        self.classes = QListWidget()
        self.classes.setMaximumHeight(120)
        for division in sorted(set(classes) | set(form.classes), key=fold):
            item = QListWidgetItem(division)
            item.setData(ID_ROLE, division)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if division in form.classes else Qt.CheckState.Unchecked)
            self.classes.addItem(item)
        self.note = _note_field()
        for text, field in (
            ("&Date :", self.held_on),
            ("&Heure de début :", self.starts_at),
            ("D&urée :", self.duration),
            ("&Thème :", self.theme),
            ("&Opérateur :", self.operator.operator),
            ("&Conseiller(ère) :", self.operator.advisor),
            ("C&lasses concernées :", self.classes),
            ("&Note :", self.note),
        ):
            self.add_row(text, field)
        if not classes:
            self.message.show_warning(
                "Aucun élève dans cette campagne : importez d'abord les élèves de terminale."
            )
        self.set_form(form)
        self.setMinimumWidth(560)

    def set_form(self, form) -> None:
        self.held_on.set_value(form.held_on)
        self.starts_at.setText(form.starts_at)
        self.duration.setValue(form.duration_minutes or PHASE1_MIN_MINUTES)
        self.theme.setEditText(form.theme)
        self.operator.set_values(form.operator_id, form.advisor_id)
        self.note.setPlainText(form.note)

    def form(self):
        from pae_desktop.core.services.phase1 import WorkshopForm

        operator_id, advisor_id = self.operator.values()
        return WorkshopForm(
            held_on=self.held_on.value(),
            starts_at=self.starts_at.text(),
            duration_minutes=self.duration.value(),
            theme=self.theme.currentText(),
            operator_id=operator_id,
            advisor_id=advisor_id,
            classes=_checked_ids(self.classes),
            note=self.note.toPlainText(),
        )

    def write(self, session, form):
        from pae_desktop.core.services.phase1 import save_workshop

        return save_workshop(session, self.context.campaign_id, form, self.record_id, self.version)


class InterviewDialog(_Phase1Dialog):
    """Create or edit a volunteer's individual interview with France Travail or the Mission locale."""

    def __init__(
        self, context: AppContext, interview_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, interview_id, parent)
        from pae_desktop.core.services import phase1, phase1_interviews_events

        form, (choices, students) = self.load(
            ("Entretien individuel", "Modifier l'entretien individuel"),
            phase1_interviews_events.InterviewForm(),
            phase1_interviews_events.interview_form,
            lambda session, form: (
                phase1.operators(session, keep=(form.partner_id, form.advisor_id)),
                phase1.campaign_students(session, context.campaign_id),
            ),
        )
        self.student = QComboBox()
        self.student.setEditable(True)
        self.student.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.student.addItem("", None)
        for student in students:
            self.student.addItem(f"{student.name} — {student.division or 'sans classe'}", student.id)
        completer = self.student.completer()
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        self.student.lineEdit().setPlaceholderText("Tapez une partie du nom")
        self.held_on = DateField()
        self.held_on.setMaximumWidth(120)
        self.partner = OperatorFields(choices)
        self.note = _note_field()
        for text, field in (
            ("É&lève :", self.student),
            ("&Date :", self.held_on),
            ("&Structure :", self.partner.operator),
            ("&Conseiller(ère) :", self.partner.advisor),
            ("&Note :", self.note),
        ):
            self.add_row(text, field)
        self.student.setCurrentIndex(max(self.student.findData(form.youth_id), 0))
        self.held_on.set_value(form.held_on)
        self.partner.set_values(form.partner_id, form.advisor_id)
        self.note.setPlainText(form.note)
        self.setMinimumWidth(520)

    def form(self):
        from pae_desktop.core.services.phase1_interviews_events import InterviewForm

        index = self.student.findText(self.student.currentText().strip())
        youth_id = self.student.itemData(index) if index >= 0 else None
        if youth_id is None and self.student.currentText().strip():
            raise ValueError(
                f"Aucun élève « {self.student.currentText().strip()} » : choisissez-le dans la liste."
            )
        partner_id, advisor_id = self.partner.values()
        return InterviewForm(youth_id, self.held_on.value(), partner_id, advisor_id, self.note.toPlainText())

    def write(self, session, form):
        from pae_desktop.core.services.phase1_interviews_events import save_interview

        return save_interview(session, self.context.campaign_id, form, self.record_id, self.version)


class ParticipantsPicker(QWidget):
    """The campaign's students as a check list, filtered by class and by a search on the name."""

    def __init__(self, students, chosen: list[int], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.division = QComboBox()
        self.division.addItem("Toutes les classes", None)
        for division in sorted({s.division for s in students if s.division}, key=fold):
            self.division.addItem(division, division)
        self.search = QLineEdit()
        self.search.setPlaceholderText("Rechercher un nom")
        self.search.setClearButtonEnabled(True)
        for chooser in (self.division, self.search):  # filters of the list, not typed data
            chooser.setProperty(NOT_TYPED, True)
        self.list = QListWidget()
        self.list.setMinimumHeight(200)
        self.count = QLabel()
        self.check_shown = QPushButton("Cocher les élèves &affichés")
        self.uncheck_shown = QPushButton("Déc&ocher les élèves affichés")
        self._keys = []
        for student in students:
            item = QListWidgetItem(f"{student.name} — {student.division or 'sans classe'}")
            item.setData(ID_ROLE, student.id)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if student.id in chosen else Qt.CheckState.Unchecked)
            self.list.addItem(item)
            self._keys.append((student.division, fold(student.name)))
        filters = QHBoxLayout()
        filters.addWidget(labelled("Cla&sse :", self.division))
        filters.addWidget(self.division)
        filters.addWidget(labelled("&Recherche :", self.search))
        filters.addWidget(self.search, 1)
        buttons = QHBoxLayout()
        for button in (self.check_shown, self.uncheck_shown):
            button.setAccessibleName(button.text().replace("&", ""))
            buttons.addWidget(button)
        buttons.addStretch()
        buttons.addWidget(self.count)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(filters)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.list.setAccessibleName("Élèves participants")
        self.division.currentIndexChanged.connect(lambda _i: self.apply_filter())
        self.search.textChanged.connect(lambda _t: self.apply_filter())
        self.list.itemChanged.connect(lambda _item: self._count())
        self.check_shown.clicked.connect(lambda: self._check_shown(Qt.CheckState.Checked))
        self.uncheck_shown.clicked.connect(lambda: self._check_shown(Qt.CheckState.Unchecked))
        self._count()

    def apply_filter(self) -> None:
        division, key = self.division.currentData(), fold(self.search.text())
        for row, (student_division, name) in enumerate(self._keys):
            shown = (division is None or student_division == division) and key in name
            self.list.item(row).setHidden(not shown)

    def _check_shown(self, state: Qt.CheckState) -> None:
        for row in range(self.list.count()):
            if not self.list.item(row).isHidden():
                self.list.item(row).setCheckState(state)

    def _count(self) -> None:
        self.count.setText(f"{len(self.chosen())} participant(s)")

    def chosen(self) -> list[int]:
        return _checked_ids(self.list)


class EventDialog(_Phase1Dialog):
    """Create or edit an event (salon, visite d'entreprise, forum…) and tick the students who went."""

    def __init__(
        self, context: AppContext, event_id: int | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(context, event_id, parent)
        from pae_desktop.core.services import phase1, phase1_interviews_events

        form, students = self.load(
            ("Événement", "Modifier l'événement"),
            phase1_interviews_events.EventForm(),
            phase1_interviews_events.event_form,
            lambda session, _form: phase1.campaign_students(session, context.campaign_id),
        )
        self.held_on = DateField()
        self.held_on.setMaximumWidth(120)
        self.kind = CodeCombo(Phase1EventKind)
        self.title = QLineEdit()
        self.title.setPlaceholderText("Par exemple : Salon de l'apprentissage de Nancy")
        self.place = QLineEdit()
        self.note = _note_field()
        self.participants = ParticipantsPicker(students, form.participants)
        for text, field in (
            ("&Date :", self.held_on),
            ("&Type :", self.kind),
            ("&Intitulé :", self.title),
            ("&Lieu :", self.place),
            ("&Note :", self.note),
        ):
            self.add_row(text, field)
        self.layout_.addRow(QLabel("Participants :"), self.participants)
        self.held_on.set_value(form.held_on)
        self.kind.set_code(form.kind)
        self.title.setText(form.title)
        self.place.setText(form.place)
        self.note.setPlainText(form.note)
        self.setMinimumWidth(620)

    def form(self):
        from pae_desktop.core.services.phase1_interviews_events import EventForm

        return EventForm(
            self.held_on.value(),
            self.kind.code(),
            self.title.text(),
            self.place.text(),
            self.note.toPlainText(),
            self.participants.chosen(),
        )

    def write(self, session, form):
        from pae_desktop.core.services.phase1_interviews_events import save_event

        return save_event(session, self.context.campaign_id, form, self.record_id, self.version)
