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
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.dates import french_date, french_datetime
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
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.interview_participants import ParticipantRow, text_box
from pae_desktop.ui.widgets import CodeCombo, DateField, MessageLabel, confirm, run_operation

log = logging.getLogger(__name__)


# --- small shared helpers (printing also used by ui/slots.py; the combo helpers and `message` by ui/directory.py) ---------------------------------------------------------


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


class InterviewFormDialog(QDialog):
    """Create or edit one interview record. `saved` interview id in `self.interview_id` after a save.

    The record's `version` is read with it and handed to the save: a record saved elsewhere meanwhile is
    refused with the conflict message, and the form reloads with what is there now."""

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
        self.version: int | None = None
        self._dirty = False
        self._loading = True
        self.rows: list[ParticipantRow] = []
        self.setWindowTitle("Fiche d'entretien")
        self.resize(900, 820)
        form, division, slot_text = self._read(slot_id)
        self.slot_id = form.slot_id

        title = QLabel(f"<b>{_html(self.youth_name)}</b>" + (f" — {_html(division)}" if division else ""))
        title.setStyleSheet("font-size: 14pt;")
        reminder = QLabel(FREE_TEXT_REMINDER)
        reminder.setWordWrap(True)
        reminder.setStyleSheet("color: #555;")
        content = QWidget()
        content_layout = QVBoxLayout(content)
        for widget in (
            title,
            reminder,
            self._meeting_box(slot_text),
            self._participants_box(),
            self._situation_box(),
            self._project_box(),
            self._barriers_box(),
            self._proposals_box(),
            self._decision_box(),
            self._notes_box(),
        ):
            content_layout.addWidget(widget)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(content)
        self.message = MessageLabel()
        layout = QVBoxLayout(self)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.message)
        layout.addLayout(self._buttons())

        self.set_form(form)
        self._watch(content)
        self._loading = False
        self._dirty = interview_id is None  # a new record is unsaved until saved

    # --- building ----------------------------------------------------------------------------------------

    def _read(self, slot_id: int | None):
        """The youth, the directory, and the record (with its version) or a new one prefilled from the slot."""
        from pae_desktop.core.services import directory
        from pae_desktop.core.services import interviews as iv
        from pae_desktop.core.services.youths import load_youth

        with self.context.db.read() as session:
            youth = load_youth(session, self.youth_id)
            self.youth_name = youth.display_name
            self.birth_date = youth.birth_date
            self.youth_file_parts = (youth.last_name, youth.first_names, youth.pseudonym)
            division = youth.schooling.division if youth.schooling else ""
            self.people = directory.list_people(session)
            if self.interview_id is not None:
                interview = iv.load_interview(session, self.interview_id)
                form, self.version = iv.interview_form(interview), interview.version
            else:
                form = iv.new_interview_form(session, self.youth_id, slot_id)
            slot_text = ""
            if form.slot_id is not None:
                slot = iv.get_slot(session, form.slot_id)
                if self.interview_id is None:  # opened from a booking: the interview's day is the slot's
                    form.held_on = slot.starts_at.date()
                slot_text = f"Créneau du {french_datetime(slot.starts_at)}"
                if slot.partner is not None:
                    slot_text += f" — {slot.partner.name}"
        return form, division, slot_text

    def _meeting_box(self, slot_text: str) -> QGroupBox:
        from pae_desktop.core.services.interviews import MODALITIES

        self.held_on = _date_field("Date de l'entretien")
        self.place = QLineEdit()
        self.place.setAccessibleName("Lieu")
        self.modality = QComboBox()
        self.modality.addItems(MODALITIES)
        box = QGroupBox("Entretien")
        form = QFormLayout(box)
        form.addRow("&Date :", self.held_on)
        form.addRow("&Lieu :", self.place)
        form.addRow("&Modalité :", self.modality)
        if slot_text:
            form.addRow("Créneau :", QLabel(slot_text))
        return box

    def _participants_box(self) -> QGroupBox:
        self.participants_box = QVBoxLayout()
        add_participant = QPushButton("Ajouter un participant")
        add_participant.clicked.connect(lambda: self.add_participant())
        self.ml_label = QLabel()
        box = QGroupBox("Participants et rôles")
        layout = QVBoxLayout(box)
        layout.addLayout(self.participants_box)
        bottom = QHBoxLayout()
        bottom.addWidget(add_participant)
        bottom.addStretch(1)
        bottom.addWidget(self.ml_label)
        layout.addLayout(bottom)
        return box

    def _situation_box(self) -> QGroupBox:
        self.situation = text_box("Situation actuelle")
        self.school_path = text_box("Parcours scolaire")
        self.pfmp_done = text_box("PFMP réalisées")
        box = QGroupBox("Situation et parcours")
        form = QFormLayout(box)
        form.addRow("Situation &actuelle :", self.situation)
        form.addRow("Parcours &scolaire :", self.school_path)
        form.addRow("&PFMP réalisées :", self.pfmp_done)
        return box

    def _project_box(self) -> QGroupBox:
        self.project = CodeCombo(Project, empty="— à préciser —")
        self.project.setAccessibleName("Projet")
        self.trades = QLineEdit()
        self.trades.setAccessibleName("Métiers recherchés")
        self.area = QLineEdit()
        self.area.setAccessibleName("Secteur géographique")
        box = QGroupBox("Projet")
        form = QFormLayout(box)
        form.addRow("P&rojet :", self.project)
        form.addRow("Métiers &recherchés :", self.trades)
        form.addRow("Secteur &géographique :", self.area)
        return box

    def _barriers_box(self) -> QGroupBox:
        box = QGroupBox("Besoins et freins")
        grid = QGridLayout(box)
        self.barrier_boxes: dict[str, QCheckBox] = {}
        for index, barrier in enumerate(Barrier):
            check = QCheckBox(barrier.label)
            if barrier is Barrier.SANTE:
                check.setToolTip(HEALTH_BARRIER_TOOLTIP)
            self.barrier_boxes[barrier.value] = check
            grid.addWidget(check, index // 3, index % 3)
        self.other_barrier = QLineEdit()
        self.other_barrier.setPlaceholderText("Précisez l'autre frein")
        self.other_barrier.setAccessibleName("Autre frein")
        self.other_barrier.setEnabled(False)
        grid.addWidget(self.other_barrier, (len(Barrier) + 2) // 3, 0, 1, 3)
        self.barrier_boxes[Barrier.AUTRE.value].toggled.connect(self.other_barrier.setEnabled)
        return box

    def _proposals_box(self) -> QGroupBox:
        self.proposals, box = _text_group("Propositions")
        return box

    def _decision_box(self) -> QGroupBox:
        self.decision = CodeCombo(Decision, empty="Pas encore de décision")
        self.decision.setAccessibleName("Décision")
        self.decided_on = _date_field("Date de la décision")
        self.refusal_reason = text_box("Motif du refus", height=60)
        self.follow_up_on = _date_field("Date de relance")
        self.notice_given_on = _date_field("Notice d'information remise le")
        box = QGroupBox("Décision")
        self.decision_form = QFormLayout(box)
        self.decision_form.addRow("Dé&cision :", self.decision)
        self.decision_form.addRow("Date de la décision :", self.decided_on)
        self.decision_form.addRow("Motif du re&fus :", self.refusal_reason)
        self.decision_form.addRow("À relancer le :", self.follow_up_on)
        self.decision_form.addRow("Notice d'information (RGPD) remise le :", self.notice_given_on)
        self.decision.currentIndexChanged.connect(self._decision_changed)
        return box

    def _notes_box(self) -> QGroupBox:
        self.notes, box = _text_group("Observations")
        return box

    def _buttons(self) -> QHBoxLayout:
        self.save_button = QPushButton("&Enregistrer")
        self.save_button.setDefault(True)
        self.print_button = QPushButton("&Imprimer la fiche (PDF)")
        self.delete_button = QPushButton("Supprimer la fiche…")
        self.delete_button.setToolTip("Supprimer une fiche saisie par erreur (inscrit au journal)")
        self.delete_button.setEnabled(self.interview_id is not None)
        self.close_button = QPushButton("Fermer")
        self.save_button.clicked.connect(self.save)
        self.print_button.clicked.connect(self.print_pdf)
        self.delete_button.clicked.connect(self.delete)
        self.close_button.clicked.connect(self.close)
        buttons = QHBoxLayout()
        buttons.addWidget(self.print_button)
        buttons.addWidget(self.delete_button)
        buttons.addStretch(1)
        buttons.addWidget(self.close_button)
        buttons.addWidget(self.save_button)
        return buttons

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

    def _minor(self) -> bool:
        """Whether the youth is a minor on the interview's date (today while the date is not typed)."""
        from pae_desktop.core.grammar import minor_on

        held_on = _safe_date(self.held_on) if hasattr(self, "held_on") else None
        return minor_on(getattr(self, "birth_date", None), held_on or dt.date.today())

    def add_participant(self, participant=None) -> ParticipantRow:
        row = ParticipantRow(self.people, self, minor=self._minor())
        if participant is not None:
            row.set_value(participant)
        row.remove.clicked.connect(lambda: self._remove_participant(row))
        row.role.currentIndexChanged.connect(self._update_ml_label)
        for widget in (row.role, row.person):
            widget.currentIndexChanged.connect(self._touched)
        row.name.textEdited.connect(self._touched)
        if not self._loading:
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
        present = any(r.role.code() == Role.ML.value for r in self.rows)
        self.ml_label.setText("Mission locale présente : oui" if present else "Mission locale présente : non")

    def _decision_changed(self) -> None:
        code = self.decision.code()
        self.refusal_reason.setEnabled(bool(code))
        reflecting = code == Decision.REFLEXION.value
        self.follow_up_on.setEnabled(reflecting)
        if reflecting and not self.follow_up_on.text().strip():
            from pae_desktop.core.services.interviews import DEFAULT_REFLECTION_DAYS

            base = _safe_date(self.held_on) or dt.date.today()
            self.follow_up_on.set_value(base + dt.timedelta(days=DEFAULT_REFLECTION_DAYS))

    def set_form(self, form) -> None:
        loading, self._loading = self._loading, True
        self.held_on.set_value(form.held_on)
        self.place.setText(form.place)
        self.modality.setCurrentIndex(max(self.modality.findText(form.modality), 0))
        for row in list(self.rows):
            self._remove_participant(row)
        for participant in form.participants:
            self.add_participant(participant)
        self.situation.setPlainText(form.situation)
        self.school_path.setPlainText(form.school_path)
        self.pfmp_done.setPlainText(form.pfmp_done)
        self.project.set_code(form.project)
        self.trades.setText(form.trades_sought)
        self.area.setText(form.area_sought)
        for code, box in self.barrier_boxes.items():
            box.setChecked(code in form.barriers)
        self.other_barrier.setText(form.other_barrier)
        self.proposals.setPlainText(form.proposals)
        self.decision.set_code(form.decision)
        self.decided_on.set_value(form.decided_on)
        self.refusal_reason.setPlainText(form.refusal_reason)
        self.follow_up_on.set_value(form.follow_up_on)
        self.notice_given_on.set_value(form.notice_given_on)
        self.notes.setPlainText(form.notes)
        self._decision_changed()
        self._loading = loading

    def reload(self) -> None:
        """Show the record as it is in the database now (after a conflict), with its current version."""
        from pae_desktop.core.services import interviews as iv

        if self.interview_id is None:
            return
        with self.context.db.read() as session:
            interview = iv.load_interview(session, self.interview_id)
            form, self.version = iv.interview_form(interview), interview.version
        self.set_form(form)
        self._dirty = False

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
            project=self.project.code(),
            trades_sought=self.trades.text(),
            area_sought=self.area.text(),
            barriers={code for code, box in self.barrier_boxes.items() if box.isChecked()},
            other_barrier=self.other_barrier.text(),
            proposals=self.proposals.toPlainText(),
            decision=self.decision.code(),
            decided_on=self.decided_on.value(),
            refusal_reason=self.refusal_reason.toPlainText(),
            notice_given_on=self.notice_given_on.value(),
            notes=self.notes.toPlainText(),
            follow_up_on=self.follow_up_on.value() if self.decision.code() == Decision.REFLEXION else None,
        )

    # --- actions -----------------------------------------------------------------------------------------------

    def save(self) -> bool:
        """Validate and save; the red message says why it was refused, the amber one what to notice."""
        from pae_desktop.core.services.interviews import save_interview

        try:
            form = self.form()
        except ValueError as error:
            self.message.show_error(str(error))
            return False
        interview_id, version = self.interview_id, self.version
        result = run_operation(
            self.context,
            lambda session: save_interview(session, form, interview_id, version=version),
            self.message,
            self.reload,  # saved elsewhere meanwhile: show what is there now, never overwrite it
        )
        if result is None:
            return False
        self.interview_id = result.interview_id
        self.version = result.versions["interview"]
        self.delete_button.setEnabled(True)
        self._dirty = False
        text = "Fiche enregistrée."
        if result.follow_up_id is not None:
            text += (
                f" Relance prévue le {french_date(form.follow_up_on)} (visible dans les listes de travail)."
            )
        if result.warnings:
            self.message.show_warning(text + "\n" + "\n".join(result.warnings))
        else:
            self.message.show_info(text)
        return True

    def delete(self) -> bool:
        """Delete a record typed by mistake, after a confirmation whose default answer is «Non»."""
        from pae_desktop.core.services.interviews import delete_interview

        if self.interview_id is None or not confirm(
            self,
            f"Supprimer la fiche d'entretien de {self.youth_name} ? La suppression est inscrite au journal.",
            action="Supprimer la fiche",
        ):
            return False
        interview_id, version = self.interview_id, self.version
        result = run_operation(
            self.context,
            lambda session: delete_interview(session, interview_id, version),
            self.message,
            self.reload,
        )
        if result is None:
            return False
        self._dirty = False
        self.accept()
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


def _text_group(title: str) -> tuple[QPlainTextEdit, QGroupBox]:
    """A multi-line field alone in a group box, both named `title`."""
    text = text_box(title)
    box = QGroupBox(title)
    QVBoxLayout(box).addWidget(text)
    return text, box


def _date_field(name: str) -> DateField:
    field = DateField()
    field.setMaximumWidth(120)
    field.setAccessibleName(name)
    return field


def _safe_date(field: DateField) -> dt.date | None:
    try:
        return field.value()
    except ValueError:
        return None


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


__all__ = ["InterviewFormDialog", "ParticipantRow", "print_document", "open_file", "documents_dir"]
