"""Youths an import marked as having left the school: the banner of their file (with the undo) and the home note.

Imported by «Accueil», the first tab painted: the core services are imported where they are used, not above.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from pae_desktop.ui.context import AppContext
from pae_desktop.ui.widgets import MessageLabel, confirm, run_operation

LEFT_COLOUR = "#8a5a00"


class LeftSchoolBanner(QWidget):
    """In the youth's file: «A quitté l'établissement le …» and «Annuler la sortie de l'établissement», which undoes
    the mark (an audited operation on the version the file loaded); hidden for a youth who has not left."""

    undone = Signal(int)

    def __init__(
        self, context: AppContext, message: MessageLabel, before: Callable[[], bool], parent=None
    ) -> None:
        super().__init__(parent)
        self.context = context
        self.message = message
        self.before = before  # the file's «discard unsaved changes?»: False keeps them and undoes nothing
        self.youth: tuple[int, int | None, str] | None = None
        self.label = QLabel()
        self.label.setStyleSheet(f"color: {LEFT_COLOUR}; font-weight: bold;")
        self.label.setAccessibleName("Sortie de l'établissement")
        self.undo_button = QPushButton("Annuler la sortie de l'établissement…")
        self.undo_button.setToolTip(
            "Toujours dans l'établissement : le dossier revient dans les listes de travail, et aucun import ne "
            "le marquera plus comme sorti"
        )
        self.undo_button.clicked.connect(self.undo)
        self.label.setWordWrap(True)
        button_row = QHBoxLayout()
        button_row.addWidget(self.undo_button)
        button_row.addStretch()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addLayout(button_row)
        self.setVisible(False)

    def show_for(self, youth_id: int | None, version: int | None, left_on: dt.date | None, name: str) -> None:
        from pae_desktop.core.services.census import left_school_text

        self.youth = (youth_id, version, name) if youth_id is not None and left_on is not None else None
        self.label.setText(f"{left_school_text(left_on)} : hors des listes de travail" if self.youth else "")
        self.setVisible(self.youth is not None)

    def undo(self) -> None:
        if self.youth is None or not self.before():
            return
        youth_id, version, name = self.youth
        question = (
            f"Annuler la sortie de l'établissement de {name} ? Le dossier revient dans les listes de travail, "
            "et aucun import ne le marquera plus comme sorti."
        )
        if not confirm(self, question):
            return
        from pae_desktop.core.services.census import undo_left_school

        result = run_operation(
            self.context,
            lambda session: undo_left_school(session, youth_id, version),
            self.message,
            on_conflict=lambda: self.undone.emit(youth_id),  # reload the file as it is now
        )
        if result is not None:
            self.undone.emit(youth_id)
            self.message.show_info("Sortie de l'établissement annulée : retour dans les listes de travail.")


class LeftSchoolNote(QLabel):
    """On «Accueil»: how many youths an import marked as having left, out of the lists, and a link to see them
    in «Élèves» (the window's `show_left_school`)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setStyleSheet(f"color: {LEFT_COLOUR};")
        self.setAccessibleName("Jeunes sortis de l'établissement")
        self.linkActivated.connect(lambda _link: self._open())
        self.count = 0
        self.setVisible(False)

    def show_count(self, count: int) -> None:
        """The count of the home lists (`Worklists.left_school`): derived with them, off the GUI thread."""
        self.count = count
        several = self.count > 1
        self.setText(
            f"{self.count} jeune{'s' if several else ''} marqué{'s' if several else ''} « A quitté "
            f"l'établissement » par un import : hors de ces listes. <a href='left'>Voir</a>"
        )
        self.setVisible(self.count > 0)

    def _open(self) -> None:
        window = self.window()
        if hasattr(window, "show_left_school"):
            window.show_left_school()
