"""Questions before a destructive act: «Annuler» by default and on Échap, the act named on its button, and for
what cannot be undone (erasure, anonymisation, a pathway) the youth's name typed before the button unlocks."""

from __future__ import annotations

import html

from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.text import fold

CANCEL = "Annuler"


def ask(box: QMessageBox) -> QAbstractButton | None:
    """Show a destructive question and return the button clicked (None when closed otherwise): the one place
    they are shown, so that the tests answer them (conftest) and check their default and Échap buttons."""
    box.exec()
    return box.clickedButton()


def confirm_action(parent: QWidget | None, text: str, action: str, title: str = "PAE Desktop") -> bool:
    """A destructive question: two buttons, `action` («Supprimer le parcours») and «Annuler», which is the
    default (Entrée) and the Échap answer. `text` names what will be lost. True when the act is confirmed."""
    box = QMessageBox(QMessageBox.Icon.Warning, title or "PAE Desktop", text, parent=parent)
    act = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(CANCEL, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return ask(box) is act


def names_match(typed: str, expected: str) -> bool:
    """The typed name is the expected one, case, accents and spacing aside («dupont lea» = «DUPONT Léa»)."""
    return bool(fold(expected)) and fold(typed) == fold(expected)


class ConfirmByTypingDialog(QDialog):
    """An irreversible act confirmed by typing `expected` (the youth's name): the act's button stays greyed
    until the typed text matches (case and accents aside); «Annuler» is the default and the Échap answer."""

    def __init__(
        self, parent: QWidget | None, text: str, expected: str, action: str, title: str = "PAE Desktop"
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.expected = expected
        explanation = QLabel(text)
        explanation.setWordWrap(True)
        prompt = QLabel(f"Pour confirmer, tapez le nom : <b>{html.escape(expected)}</b>")
        self.field = QLineEdit()
        self.field.setAccessibleName("Nom à taper pour confirmer")
        prompt.setBuddy(self.field)
        self.buttons = QDialogButtonBox()
        self.ok = self.buttons.addButton(action, QDialogButtonBox.ButtonRole.DestructiveRole)
        self.cancel = self.buttons.addButton(CANCEL, QDialogButtonBox.ButtonRole.RejectRole)
        self.ok.setEnabled(False)
        self.ok.setAutoDefault(False)
        self.cancel.setDefault(True)
        self.ok.clicked.connect(self.accept)
        self.cancel.clicked.connect(self.reject)
        self.field.textChanged.connect(self._typed)
        layout = QVBoxLayout(self)
        layout.addWidget(explanation)
        layout.addWidget(prompt)
        layout.addWidget(self.field)
        layout.addWidget(self.buttons)

    def _typed(self, typed: str) -> None:
        """The act unlocked, and Entrée bound to it, only while the typed name matches."""
        match = names_match(typed, self.expected)
        self.ok.setEnabled(match)
        (self.ok if match else self.cancel).setDefault(True)
        (self.cancel if match else self.ok).setDefault(False)

    def accept(self) -> None:
        if names_match(self.field.text(), self.expected):  # Entrée in the field accepts only a match
            super().accept()


def confirm_by_typing(
    parent: QWidget | None, text: str, expected: str, action: str, title: str = "PAE Desktop"
) -> bool:
    """Ask for `expected` to be typed before an irreversible act; True when typed and confirmed."""
    dialog = ConfirmByTypingDialog(parent, text, expected, action, title)
    return dialog.exec() == QDialog.DialogCode.Accepted
