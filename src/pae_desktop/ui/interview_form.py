"""The interview record form («fiche d'entretien»): every field, validation, unsaved-changes guard, one-click PDF."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.dates import french_date, french_datetime, parse_french_date
from pae_desktop.core.errors import UserError
from pae_desktop.core.vocabulary import (
    FREE_TEXT_REMINDER,
    HEALTH_BARRIER_TOOLTIP,
    Barrier,
    Decision,
    Project,
    Role,
)
from pae_desktop.storage import paths
from pae_desktop.ui import context as topics
from pae_desktop.ui.context import AppContext

log = logging.getLogger(__name__)


# --- small shared helpers (also used by ui/slots.py) ---------------------------------------------------------


def open_file(path: Path) -> None:
    """Open a file with the system's viewer (tests replace this function)."""
    QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))


def documents_dir(context: AppContext) -> Path:
    """`<data folder>/documents`: where printed PDFs are written (readable by the owner only)."""
    return paths.ensure_private_dir(Path(context.db.data_dir) / "documents")


def print_document(parent: QWidget, context: AppContext, file_name: str, build) -> Path | None:
    """Print with `build(session, path)` (the print operation, which records the print) in one transaction,
    refresh the screens from the `Changes` it returns, then open the PDF.

    Returns the path, or None after showing the French reason of a refusal.
    """
    path = documents_dir(context) / file_name
    try:
        with context.db.transaction() as session:
            result = build(session, path)
    except UserError as error:
        QMessageBox.warning(parent, "PAE Desktop", str(error))
        return None
    context.apply(result)
    open_file(path)
    return path


class DateLine(QLineEdit):
    """A date typed JJ/MM/AAAA, possibly empty; `value()` raises ValueError with a French message."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setPlaceholderText("JJ/MM/AAAA")
        self.setMaxLength(10)
        self.setMaximumWidth(120)

    def value(self) -> dt.date | None:
        text = self.text().strip()
        if not text:
            return None
        try:
            return parse_french_date(text)
        except ValueError:
            raise ValueError(f"« {text} » n'est pas une date au format JJ/MM/AAAA.") from None

    def set_value(self, value: dt.date | None) -> None:
        self.setText(value.strftime("%d/%m/%Y") if value else "")


def code_combo(choices: list[tuple[str, str]], empty: str | None = None) -> QComboBox:
    combo = QComboBox()
    if empty is not None:
        combo.addItem(empty, "")
    for code, label in choices:
        combo.addItem(label, code)
    return combo


def set_combo_data(combo: QComboBox, value) -> None:
    index = combo.findData(value)
    combo.setCurrentIndex(max(index, 0))


def message(label: QLabel, text: str, kind: str = "error") -> None:
    colours = {"error": "#b00020", "warning": "#8a5a00", "info": "#1b5e20"}
    label.setText(text)
    label.setStyleSheet(f"color: {colours[kind]};")
    label.setVisible(bool(text))


# --- the form ---------------------------------------------------------------------------------------------


class ParticipantRow(QWidget):
    """One participant: role, person of the directory (or a name typed), remove button."""

    def __init__(self, people: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.role = code_combo(Role.choices())
        self.role.setAccessibleName("Rôle du participant")
        self.person = QComboBox()
        self.person.setAccessibleName("Participant")
        for combo in (self.role, self.person):
            combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            combo.setMinimumContentsLength(14)
        self.person.addItem("— hors annuaire —", None)
        self._roles: dict[int, str] = {}
        self._partners: dict[int, int | None] = {}
        for row in people:
            self.person.addItem(row.label, row.id)
            self._roles[row.id] = row.role
            self._partners[row.id] = row.partner_id
        self.name = QLineEdit()
        self.name.setPlaceholderText("Nom (si hors annuaire)")
        self.name.setAccessibleName("Nom du participant hors annuaire")
        self.remove = QToolButton()
        self.remove.setText("✕")
        self.remove.setToolTip("Retirer ce participant")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.role, 2)
        layout.addWidget(self.person, 4)
        layout.addWidget(self.name, 2)
        layout.addWidget(self.remove)
        self.person.currentIndexChanged.connect(self._person_changed)

    def _person_changed(self) -> None:
        person_id = self.person.currentData()
        self.name.setEnabled(person_id is None)
        if person_id is not None and Role.from_code(self._roles.get(person_id)) is not None:
            set_combo_data(self.role, self._roles[person_id])

    def value(self):
        from pae_desktop.core.services.interviews import ParticipantForm

        person_id = self.person.currentData()
        return ParticipantForm(
            role=self.role.currentData(),
            person_id=person_id,
            name="" if person_id is not None else self.name.text(),
            partner_id=self._partners.get(person_id) if person_id is not None else None,
        )

    def set_value(self, participant) -> None:
        index = self.person.findData(participant.person_id) if participant.person_id is not None else 0
        if participant.person_id is not None and index < 0:  # an archived person: keep them
            self.person.addItem(f"(archivé) n° {participant.person_id}", participant.person_id)
            index = self.person.count() - 1
        self.person.setCurrentIndex(max(index, 0))
        set_combo_data(self.role, participant.role)
        self.name.setText(participant.name)
        self.name.setEnabled(participant.person_id is None)


class InterviewFormDialog(QDialog):
    """Create or edit one interview record. `saved` interview id in `self.interview_id` after a save."""

    def __init__(
        self,
        context: AppContext,
        youth_id: int,
        interview_id: int | None = None,
        slot_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.youth_id = youth_id
        self.interview_id = interview_id
        self._dirty = False
        self._loading = True
        self.setWindowTitle("Fiche d'entretien")
        self.resize(900, 820)

        from pae_desktop.core.services import directory
        from pae_desktop.core.services import interviews as iv
        from pae_desktop.core.services.youths import load_youth

        with context.db.read() as session:
            youth = load_youth(session, youth_id)
            self.youth_name = youth.display_name
            self.youth_file_parts = (youth.last_name, youth.first_names, youth.pseudonym)
            division = youth.schooling.division if youth.schooling else ""
            self.people = directory.list_people(session)
            if interview_id is not None:
                form = iv.interview_form(iv.load_interview(session, interview_id))
            else:
                form = iv.new_interview_form(session, youth_id, slot_id)
            slot_text = ""
            if form.slot_id is not None:
                slot = iv.get_slot(session, form.slot_id)
                slot_text = f"Créneau du {french_datetime(slot.starts_at)}"
                if slot.partner is not None:
                    slot_text += f" — {slot.partner.name}"
        self.slot_id = form.slot_id

        title = QLabel(f"<b>{_html(self.youth_name)}</b>" + (f" — {_html(division)}" if division else ""))
        title.setStyleSheet("font-size: 14pt;")
        reminder = QLabel(FREE_TEXT_REMINDER)
        reminder.setWordWrap(True)
        reminder.setStyleSheet("color: #555;")

        # the interview
        self.held_on = DateLine()
        self.place = QLineEdit()
        self.modality = QComboBox()
        self.modality.addItems(iv.MODALITIES)
        meeting = QGroupBox("Entretien")
        meeting_form = QFormLayout(meeting)
        meeting_form.addRow("&Date :", self.held_on)
        meeting_form.addRow("&Lieu :", self.place)
        meeting_form.addRow("&Modalité :", self.modality)
        if slot_text:
            meeting_form.addRow("Créneau :", QLabel(slot_text))
        self.held_on.setAccessibleName("Date de l'entretien")
        self.place.setAccessibleName("Lieu")

        # participants
        self.participants_box = QVBoxLayout()
        add_participant = QPushButton("Ajouter un participant")
        add_participant.clicked.connect(lambda: self.add_participant())
        self.ml_label = QLabel()
        participants = QGroupBox("Participants et rôles")
        participants_layout = QVBoxLayout(participants)
        participants_layout.addLayout(self.participants_box)
        bottom = QHBoxLayout()
        bottom.addWidget(add_participant)
        bottom.addStretch(1)
        bottom.addWidget(self.ml_label)
        participants_layout.addLayout(bottom)
        self.rows: list[ParticipantRow] = []

        # situation
        self.situation = _text_box("Situation actuelle")
        self.school_path = _text_box("Parcours scolaire")
        self.pfmp_done = _text_box("PFMP réalisées")
        situation = QGroupBox("Situation et parcours")
        situation_form = QFormLayout(situation)
        situation_form.addRow("Situation &actuelle :", self.situation)
        situation_form.addRow("Parcours &scolaire :", self.school_path)
        situation_form.addRow("&PFMP réalisées :", self.pfmp_done)

        # project
        self.project = code_combo(Project.choices(), empty="— à préciser —")
        self.project.setAccessibleName("Projet")
        self.trades = QLineEdit()
        self.trades.setAccessibleName("Métiers recherchés")
        self.area = QLineEdit()
        self.area.setAccessibleName("Secteur géographique")
        project = QGroupBox("Projet")
        project_form = QFormLayout(project)
        project_form.addRow("P&rojet :", self.project)
        project_form.addRow("Métiers &recherchés :", self.trades)
        project_form.addRow("Secteur &géographique :", self.area)

        # barriers
        barriers = QGroupBox("Besoins et freins")
        grid = QGridLayout(barriers)
        self.barrier_boxes: dict[str, QCheckBox] = {}
        for index, barrier in enumerate(Barrier):
            box = QCheckBox(barrier.label)
            if barrier is Barrier.SANTE:
                box.setToolTip(HEALTH_BARRIER_TOOLTIP)
            self.barrier_boxes[barrier.value] = box
            grid.addWidget(box, index // 3, index % 3)
        self.other_barrier = QLineEdit()
        self.other_barrier.setPlaceholderText("Précisez l'autre frein")
        self.other_barrier.setAccessibleName("Autre frein")
        self.other_barrier.setEnabled(False)
        grid.addWidget(self.other_barrier, (len(Barrier) + 2) // 3, 0, 1, 3)
        self.barrier_boxes[Barrier.AUTRE.value].toggled.connect(self.other_barrier.setEnabled)

        self.proposals = _text_box("Propositions")
        proposals = QGroupBox("Propositions")
        QVBoxLayout(proposals).addWidget(self.proposals)

        # decision
        self.decision = code_combo(Decision.choices(), empty="Pas encore de décision")
        self.decision.setAccessibleName("Décision")
        self.decided_on = DateLine()
        self.decided_on.setAccessibleName("Date de la décision")
        self.refusal_reason = _text_box("Motif du refus", height=60)
        self.follow_up_on = DateLine()
        self.follow_up_on.setAccessibleName("Date de relance")
        self.notice_given_on = DateLine()
        self.notice_given_on.setAccessibleName("Notice d'information remise le")
        decision = QGroupBox("Décision")
        self.decision_form = QFormLayout(decision)
        self.decision_form.addRow("Dé&cision :", self.decision)
        self.decision_form.addRow("Date de la décision :", self.decided_on)
        self.decision_form.addRow("Motif du re&fus :", self.refusal_reason)
        self.decision_form.addRow("À relancer le :", self.follow_up_on)
        self.decision_form.addRow("Notice d'information (RGPD) remise le :", self.notice_given_on)
        self.decision.currentIndexChanged.connect(self._decision_changed)

        self.notes = _text_box("Observations")
        notes = QGroupBox("Observations")
        QVBoxLayout(notes).addWidget(self.notes)

        content = QWidget()
        content_layout = QVBoxLayout(content)
        for widget in (
            title,
            reminder,
            meeting,
            participants,
            situation,
            project,
            barriers,
            proposals,
            decision,
            notes,
        ):
            content_layout.addWidget(widget)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)

        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.hide()
        self.save_button = QPushButton("&Enregistrer")
        self.save_button.setDefault(True)
        self.print_button = QPushButton("&Imprimer la fiche (PDF)")
        self.close_button = QPushButton("Fermer")
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_pdf)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(buttons)

        self.set_form(form)
        self._watch(content)
        self._loading = False
        self._dirty = interview_id is None  # a new record is unsaved until saved

    # --- loading and reading -------------------------------------------------------------------------------

    def _watch(self, root: QWidget) -> None:
        for widget in root.findChildren(QLineEdit):
            widget.textEdited.connect(self._touched)
        for widget in root.findChildren(QPlainTextEdit):
            widget.textChanged.connect(self._touched)
        for widget in root.findChildren(QComboBox):
            widget.currentIndexChanged.connect(self._touched)
        for widget in root.findChildren(QCheckBox):
            widget.toggled.connect(self._touched)

    def _touched(self, *_args) -> None:
        if not self._loading:
            self._dirty = True

    @property
    def dirty(self) -> bool:
        return self._dirty

    def add_participant(self, participant=None) -> ParticipantRow:
        row = ParticipantRow(self.people, self)
        if participant is not None:
            row.set_value(participant)
        row.remove.clicked.connect(lambda: self._remove_participant(row))
        row.role.currentIndexChanged.connect(self._update_ml_label)
        if not self._loading:
            for widget in (row.role, row.person):
                widget.currentIndexChanged.connect(self._touched)
            row.name.textEdited.connect(self._touched)
            self._dirty = True
        self.participants_box.addWidget(row)
        self.rows.append(row)
        self._update_ml_label()
        return row

    def _remove_participant(self, row: ParticipantRow) -> None:
        self.rows.remove(row)
        row.setParent(None)
        row.deleteLater()
        self._dirty = True
        self._update_ml_label()

    def _update_ml_label(self) -> None:
        present = any(r.role.currentData() == Role.ML.value for r in self.rows)
        self.ml_label.setText("Mission locale présente : oui" if present else "Mission locale présente : non")

    def _decision_changed(self) -> None:
        code = self.decision.currentData()
        self.refusal_reason.setEnabled(bool(code))
        reflecting = code == Decision.REFLEXION.value
        self.follow_up_on.setEnabled(reflecting)
        if reflecting and not self.follow_up_on.text().strip():
            from pae_desktop.core.services.interviews import DEFAULT_REFLECTION_DAYS

            base = _safe_date(self.held_on) or dt.date.today()
            self.follow_up_on.set_value(base + dt.timedelta(days=DEFAULT_REFLECTION_DAYS))

    def set_form(self, form) -> None:
        self.held_on.set_value(form.held_on)
        self.place.setText(form.place)
        index = self.modality.findText(form.modality)
        self.modality.setCurrentIndex(max(index, 0))
        for row in list(self.rows):
            self._remove_participant(row)
        for participant in form.participants:
            self.add_participant(participant)
        self.situation.setPlainText(form.situation)
        self.school_path.setPlainText(form.school_path)
        self.pfmp_done.setPlainText(form.pfmp_done)
        set_combo_data(self.project, form.project)
        self.trades.setText(form.trades_sought)
        self.area.setText(form.area_sought)
        for code, box in self.barrier_boxes.items():
            box.setChecked(code in form.barriers)
        self.other_barrier.setText(form.other_barrier)
        self.proposals.setPlainText(form.proposals)
        set_combo_data(self.decision, form.decision)
        self.decided_on.set_value(form.decided_on)
        self.refusal_reason.setPlainText(form.refusal_reason)
        self.follow_up_on.set_value(form.follow_up_on)
        self.notice_given_on.set_value(form.notice_given_on)
        self.notes.setPlainText(form.notes)
        self._decision_changed()

    def form(self):
        """The form as typed; raises ValueError (French) for a date that cannot be read."""
        from pae_desktop.core.services.interviews import InterviewForm

        return InterviewForm(
            youth_id=self.youth_id,
            held_on=self.held_on.value(),
            slot_id=self.slot_id,
            place=self.place.text(),
            modality=self.modality.currentText(),
            participants=[row.value() for row in self.rows],
            situation=self.situation.toPlainText(),
            school_path=self.school_path.toPlainText(),
            pfmp_done=self.pfmp_done.toPlainText(),
            project=self.project.currentData() or "",
            trades_sought=self.trades.text(),
            area_sought=self.area.text(),
            barriers={code for code, box in self.barrier_boxes.items() if box.isChecked()},
            other_barrier=self.other_barrier.text(),
            proposals=self.proposals.toPlainText(),
            decision=self.decision.currentData() or "",
            decided_on=self.decided_on.value(),
            refusal_reason=self.refusal_reason.toPlainText(),
            notice_given_on=self.notice_given_on.value(),
            notes=self.notes.toPlainText(),
            follow_up_on=self.follow_up_on.value()
            if self.decision.currentData() == Decision.REFLEXION
            else None,
        )

    # --- actions -----------------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Validate and save; the red message says why it was refused, the amber one what to notice."""
        from pae_desktop.core.services.interviews import save_interview

        try:
            form = self.form()
        except ValueError as error:
            message(self.message, str(error))
            return False
        try:
            with self.context.db.transaction() as session:
                result = save_interview(session, form, self.interview_id)
        except UserError as error:
            message(self.message, str(error))
            return False
        self.interview_id = result.interview_id
        self._dirty = False
        text = "Fiche enregistrée."
        if result.follow_up_id is not None:
            text += (
                f" Relance prévue le {french_date(form.follow_up_on)} (visible dans les listes de travail)."
            )
        if result.warnings:
            message(self.message, text + "\n" + "\n".join(result.warnings.values()), "warning")
        else:
            message(self.message, text, "info")
        self.context.changed(topics.INTERVIEWS, topics.YOUTHS, topics.SLOTS)
        return True

    def print_pdf(self) -> Path | None:
        """One click: save if needed, write the PDF (recorded as printed) and open it."""
        if (self._dirty or self.interview_id is None) and not self.save():
            return None
        from pae_desktop.core.operations import printing
        from pae_desktop.documents.layout import document_file_name

        youth_id, interview_id = self.youth_id, self.interview_id
        name = document_file_name("fiche-entretien", *self.youth_file_parts)

        def build(session, path):  # under the scheme of the youth's campaign
            return printing.print_document(session, "fiche-entretien", youth_id, path, source_id=interview_id)

        return print_document(self, self.context, name, build)

    def _confirm_close(self) -> bool:
        if not self._dirty:
            return True
        answer = QMessageBox.question(
            self,
            "Fiche d'entretien",
            "La fiche a des modifications non enregistrées. Les enregistrer avant de fermer ?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Save,
        )
        if answer == QMessageBox.StandardButton.Cancel:
            return False
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return True

    def reject(self) -> None:  # Escape and the window's close button
        if self._confirm_close():
            self._dirty = False
            super().reject()

    def closeEvent(self, event) -> None:  # noqa: N802 - Qt's name
        if self._confirm_close():
            self._dirty = False
            event.accept()
        else:
            event.ignore()


def _text_box(name: str, height: int = 80) -> QPlainTextEdit:
    box = QPlainTextEdit()
    box.setAccessibleName(name)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    box.setMaximumHeight(int(height * 1.3))
    return box


def _safe_date(field: DateLine) -> dt.date | None:
    try:
        return field.value()
    except ValueError:
        return None


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["InterviewFormDialog", "print_document", "open_file", "documents_dir", "DateLine"]
