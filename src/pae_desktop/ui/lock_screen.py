"""The idle lock of an encrypted database's window, and the passphrase prompt at start-up."""

from __future__ import annotations

import hmac
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QApplication,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.storage import encryption

_ACTIVITY = {
    QEvent.Type.KeyPress,
    QEvent.Type.MouseButtonPress,
    QEvent.Type.MouseMove,
    QEvent.Type.Wheel,
    QEvent.Type.TouchBegin,
}


class LockOverlay(QWidget):
    """Covers the whole window with an opaque panel: no data shows until the passphrase is typed."""

    unlock_requested = Signal(str)

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lock_overlay")
        self.setAutoFillBackground(True)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#lock_overlay { background: #1f3b73; } QLabel { color: white; }")
        title = QLabel("PAE Desktop est verrouillé")
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        hint = QLabel("Après une période d'inactivité, la fenêtre se verrouille pour protéger les données.")
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText("Phrase de passe de la base")
        self.passphrase.setMaximumWidth(360)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #ffd5cc;")
        button = QPushButton("&Déverrouiller")
        button.setMaximumWidth(200)
        button.clicked.connect(self._submit)
        self.passphrase.returnPressed.connect(self._submit)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (title, hint, self.passphrase, button, self.error):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def _submit(self) -> None:
        self.unlock_requested.emit(self.passphrase.text())


class IdleLock(QObject):
    """Locks `window` after `minutes` without keyboard or mouse activity; `check(typed)` unlocks it."""

    locked_changed = Signal(bool)

    def __init__(self, window: QWidget, check: Callable[[str], bool], minutes: float) -> None:
        super().__init__(window)
        self.window = window
        self.check = check
        self.overlay: LockOverlay | None = None
        self._disabled: list[QAction] = []
        self._hidden: list[QWidget] = []
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.setInterval(max(1, int(minutes * 60_000)))
        self.timer.timeout.connect(self.lock)
        window.installEventFilter(self)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)
        self.timer.start()

    @property
    def locked(self) -> bool:
        return self.overlay is not None

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if watched is self.window and event.type() == QEvent.Type.Resize and self.overlay is not None:
            self.overlay.setGeometry(self.window.rect())
        if event.type() in _ACTIVITY and not self.locked:
            self.timer.start()
        return False

    def lock(self) -> None:
        if self.locked:
            return
        self.timer.stop()
        # shortcuts would still reach the window's actions behind the panel
        self._disabled = [a for a in self.window.findChildren(QAction) if a.isEnabled()]
        for action in self._disabled:
            action.setEnabled(False)
        # open dialogs show data too: hidden (which also lifts their modality) and shown again on unlock
        self._hidden = [
            widget
            for widget in QApplication.topLevelWidgets()
            if widget.isWindow() and widget.isVisible() and widget is not self.window
        ]
        for child in self._hidden:
            child.hide()
        self.overlay = LockOverlay(self.window)
        self.overlay.setGeometry(self.window.rect())
        self.overlay.unlock_requested.connect(self.try_unlock)
        self.overlay.show()
        self.overlay.raise_()
        self.overlay.passphrase.setFocus()
        self.locked_changed.emit(True)

    def try_unlock(self, typed: str) -> bool:
        if self.overlay is None:
            return True
        if not self.check(typed):
            self.overlay.error.setText("Phrase de passe incorrecte.")
            self.overlay.passphrase.clear()
            return False
        self.overlay.hide()
        self.overlay.deleteLater()
        self.overlay = None
        for action in self._disabled:
            action.setEnabled(True)
        self._disabled = []
        for child in self._hidden:
            child.show()
        self._hidden = []
        self.timer.start()
        self.locked_changed.emit(False)
        return True


def install_idle_lock(window: QWidget, db, minutes: float | None = None) -> IdleLock | None:
    """The idle lock for an encrypted database (setting «Verrouiller la fenêtre après»; 0 turns it off)."""
    if db.passphrase is None:
        return None
    if minutes is None:
        from pae_desktop.core import settings

        with db.read() as session:
            minutes = float(settings.get(session, settings.LOCK_AFTER_MINUTES) or 0)
    if minutes <= 0:
        return None
    secret = db.passphrase

    def check(typed: str) -> bool:
        return hmac.compare_digest(typed.encode("utf-8"), secret.encode("utf-8"))

    return IdleLock(window, check, minutes)


def passphrase_dialog(parent: QWidget | None = None) -> Callable[[Path], str]:
    """A provider for `encryption.set_passphrase_provider`: asks in a dialog; «Annuler» refuses the opening."""

    def ask(path: Path) -> str:
        typed, ok = QInputDialog.getText(
            parent,
            "Base chiffrée",
            f"Phrase de passe de la base de données\n{path}",
            QLineEdit.EchoMode.Password,
        )
        if not ok or not typed:
            raise encryption.PassphraseRequired()
        return typed

    return ask


def open_database_with_prompt(
    data_dir=None, url: str | None = None, parent: QWidget | None = None, attempts: int = 3
):
    """`open_database` for the window: an encrypted base asks its passphrase in a dialog, again after a wrong
    one (at most `attempts` times); «Annuler» or too many wrong ones raise the French refusal."""
    from PySide6.QtWidgets import QMessageBox

    from pae_desktop.storage.database import open_database

    encryption.set_passphrase_provider(passphrase_dialog(parent))
    for attempt in range(1, attempts + 1):
        try:
            return open_database(data_dir, url)
        except encryption.WrongPassphrase:
            if attempt == attempts:
                raise
            QMessageBox.warning(parent, "Base chiffrée", "Phrase de passe incorrecte : réessayez.")
    raise AssertionError("unreachable")
