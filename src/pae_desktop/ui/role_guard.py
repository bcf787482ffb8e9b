"""The window follows the staff member's role on a shared server: what the role cannot do is disabled and says why.

The server refuses anyway (storage/roles.py); this spares the user a refusal after the fact. Every window the
application shows (the main window's tabs as they are built, dialogs, menus) is looked over: a button or a menu
entry whose label starts with one of the referent's acts is disabled, with the tooltip «Réservé au référent», and
stays so even when its screen enables it again.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

from pae_desktop.storage.roles import Access

RESERVED = "Réservé au référent"
READ_ONLY = "Compte en lecture seule"
# The first words of the labels of what only the referent does: exports, erasure, settings, backups, purge,
# imports, the creation of youths and campaigns.
REFERENT_ACTS = (
    "exporter",
    "effacer",
    "paramètres",
    "sauvegard",
    "restaurer",
    "purger",
    "anonymiser",
    "importer",
    "nouveau jeune",
    "nouvelle campagne",
    "copier les dossiers",
)
# What the read-only role cannot do either: every act that records something.
WRITING_ACTS = (
    "noter",
    "enregistrer",
    "nouvel",
    "nouvelle",
    "nouveau",
    "ajouter",
    "supprimer",
    "modifier",
    "créer",
    "planifier",
    "imprimer",
    "annuler le",
    "valider",
    "tout accepter",
)


def _words(text: str) -> str:
    return text.replace("&", "").strip().lower()


class RoleGuard(QObject):
    """Installed on the application for a login that is not the referent; `look_over(widget)` for a new screen."""

    def __init__(self, access: Access, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.access = access
        self.acts = REFERENT_ACTS + (WRITING_ACTS if not access.can_write else ())
        self.reason = RESERVED if access.can_write else f"{READ_ONLY} : {RESERVED.lower()}"

    def reserved(self, text: str) -> bool:
        return _words(text).startswith(self.acts)

    def look_over(self, root: QWidget) -> None:
        for button in root.findChildren(QAbstractButton):
            if self.reserved(button.text()):
                self._hold(button)
        for action in root.findChildren(QAction):
            if self.reserved(action.text()):
                self._hold(action)

    def _hold(self, item) -> None:
        if item.property("pae_reserved"):
            return
        item.setProperty("pae_reserved", True)
        item.setEnabled(False)
        item.setToolTip(self.reason)
        if isinstance(item, QAction):
            item.changed.connect(lambda: item.isEnabled() and item.setEnabled(False))
        else:
            item.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        kind = event.type()
        if kind == QEvent.Type.EnabledChange and watched.property("pae_reserved") and watched.isEnabled():
            watched.setEnabled(False)
        elif kind == QEvent.Type.Show:
            if isinstance(watched, QAbstractButton) and self.reserved(watched.text()):
                self._hold(watched)  # a button a screen adds later
            elif isinstance(watched, QWidget) and watched.isWindow():
                self.look_over(watched)  # a dialog, a menu
        return False


def install_role_guard(window: QWidget, access: Access) -> RoleGuard | None:
    """For a login that is not the referent: look over the window now and every window shown from now on."""
    if access.is_referent:
        return None
    guard = RoleGuard(access, window)
    app = QApplication.instance()
    if app is not None:
        app.installEventFilter(guard)
    guard.look_over(window)
    return guard
