"""«Annuler la suppression»: the deletions of one screen, undone for the session (a button and Ctrl+Z)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import QPushButton, QWidget

from pae_desktop.core.errors import UserError
from pae_desktop.core.operations import Changes
from pae_desktop.ui.context import AppContext

UNDO = "Annuler la suppression"
UNDONE = "Suppression annulée : {label} est de retour."
UNDO_HINT = "« Annuler la suppression » (Ctrl+Z) le rétablira pendant cette session."

# How a screen says the outcome: `say(text, error)`, in its own message line.
Say = Callable[[str, bool], None]


def say_in(label) -> Say:
    """Say the outcome in a `MessageLabel`: red for a refusal, green when done."""
    return lambda text, error: label.show_error(text) if error else label.show_info(text)


class DeletionUndo(QObject):
    """The deletions made in `host` during the session, latest last. «Annuler la suppression» — its `button`, or
    Ctrl+Z anywhere in `host` outside a text field (which keeps its own Ctrl+Z) — puts back the latest one
    through the `restore_deleted` operation; a refusal (it can no longer be) is said and the deletion dropped."""

    def __init__(self, context: AppContext, host: QWidget):
        super().__init__(host)
        self.context = context
        self.pending: list[tuple[object, Say, Callable[[], object] | None]] = []
        self.button = QPushButton(UNDO)
        self.button.setObjectName("undo_deletion")
        self.button.setEnabled(False)
        self.button.clicked.connect(self.undo)
        self.shortcut = QShortcut(QKeySequence(QKeySequence.StandardKey.Undo), host)
        self.shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        self.shortcut.activated.connect(self.undo)

    def remember(self, result: Changes | None, say: Say, reload: Callable[[], object] | None = None) -> None:
        """Keep what a delete operation's `result` removed, to be put back on demand: `say` tells how it went,
        `reload` shows it back where the screen does not refresh from the `Changes` alone."""
        if result is not None:
            self.pending.extend((gone, say, reload) for gone in result.deleted)
        self._refresh()

    def undo(self) -> Changes | None:
        """Put back the latest deletion; its result, or None when there was none or it was refused."""
        from pae_desktop.core.services.deletions import restore_deleted

        if not self.pending:
            return None
        gone, say, reload = self.pending.pop()
        try:
            with self.context.db.transaction() as session:
                result = restore_deleted(session, gone)
        except UserError as error:
            self._refresh()
            say(str(error), True)
            return None
        self._refresh()
        self.context.apply(result)
        if reload is not None:
            reload()
        say(UNDONE.format(label=gone.label), False)
        return result

    def _refresh(self) -> None:
        latest = self.pending[-1][0] if self.pending else None
        self.button.setEnabled(latest is not None)
        self.button.setToolTip(f"Rétablir {latest.label} (Ctrl+Z)" if latest is not None else "")
