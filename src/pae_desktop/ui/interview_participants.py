"""Pieces of the interview record form: one participant's row, and the form's multi-line text boxes."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QPlainTextEdit, QToolButton, QWidget

from pae_desktop.core.vocabulary import Role
from pae_desktop.ui.widgets import CodeCombo


class ParticipantRow(QWidget):
    """One participant: role, person of the directory (or a name typed), remove button. For a minor on the
    interview's date (`minor`), «Représentant légal» comes first in the roles."""

    def __init__(self, people: list, parent: QWidget | None = None, minor: bool = False) -> None:
        super().__init__(parent)
        self.role = CodeCombo(Role)
        if minor:
            index = self.role.findData(Role.REPRESENTANT.value)
            self.role.removeItem(index)
            self.role.insertItem(0, Role.REPRESENTANT.label, Role.REPRESENTANT.value)
            self.role.setCurrentIndex(0)
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
            self.role.set_code(self._roles[person_id])

    def value(self):
        from pae_desktop.core.services.interviews import ParticipantForm

        person_id = self.person.currentData()
        return ParticipantForm(
            role=self.role.code(),
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
        self.role.set_code(participant.role)
        self.name.setText(participant.name)
        self.name.setEnabled(participant.person_id is None)


def text_box(name: str, height: int = 80) -> QPlainTextEdit:
    """A multi-line field of the record: Tab leaves it, its height bounded."""
    box = QPlainTextEdit()
    box.setAccessibleName(name)
    box.setTabChangesFocus(True)
    box.setMinimumHeight(height)
    box.setMaximumHeight(int(height * 1.3))
    return box
