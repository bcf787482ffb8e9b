"""The lock screen (idle timer and «Verrouiller», Ctrl+L), and the passphrase prompt at start-up.

Locked, the application shows one frameless, application-modal window over the main window; every other window
of the application is covered by an opaque panel (its dialogs stay open, with what was typed in them), the main
window is disabled and its actions too, so no key, shortcut or click reaches anything behind the lock. It unlocks
with the lock's PIN (Paramètres → Protection des données, kept as a salted hash) or, for an encrypted database,
its passphrase; after a few wrong tries each new try waits longer.
"""

from __future__ import annotations

import hmac
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QShortcut
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
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
FREE_TRIES = 3  # wrong tries before the waits begin
_STYLE = "background: #1f3b73;"
_ASK = {
    "Phrase de passe de la base": "la phrase de passe de la base",
    "Code de verrouillage": "le code de verrouillage",
    "Code de verrouillage ou phrase de passe": "le code de verrouillage ou la phrase de passe de la base",
}
_WRONG = {
    "Phrase de passe de la base": "Phrase de passe incorrecte.",
    "Code de verrouillage": "Code de verrouillage incorrect.",
    "Code de verrouillage ou phrase de passe": "Ni le code de verrouillage ni la phrase de passe ne conviennent.",
}


def wait_after(failures: int) -> int:
    """Seconds to wait before the next try after `failures` wrong ones: none for the first tries, then 5, 10,
    20… up to 5 minutes."""
    if failures < FREE_TRIES:
        return 0
    return min(300, 5 * 2 ** (failures - FREE_TRIES))


class _Cover(QWidget):
    """An opaque panel over one window of the application while it is locked."""

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("lock_cover")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#lock_cover {{ {_STYLE} }}")
        self.setGeometry(parent.rect())
        self.show()
        self.raise_()


class LockScreen(QDialog):
    """The frameless, application-modal window of the lock; Escape and closing do nothing."""

    unlock_requested = Signal(str)

    def __init__(self, hint: str, secret_name: str) -> None:
        super().__init__(None, Qt.WindowType.FramelessWindowHint | Qt.WindowType.Dialog)
        self.setObjectName("lock_screen")
        self.setWindowTitle("PAE Desktop est verrouillé")
        self.setWindowModality(Qt.WindowModality.ApplicationModal)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet(f"#lock_screen {{ {_STYLE} }} QLabel {{ color: white; }}")
        title = QLabel("PAE Desktop est verrouillé")
        title.setStyleSheet("font-size: 20px; font-weight: bold;")
        explanation = QLabel(hint)
        explanation.setWordWrap(True)
        explanation.setFixedWidth(460)
        explanation.setMinimumHeight(explanation.heightForWidth(460))
        explanation.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.passphrase = QLineEdit()
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.passphrase.setPlaceholderText(secret_name)
        self.passphrase.setAccessibleName(secret_name)
        self.passphrase.setFixedWidth(320)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #ffd5cc;")
        self.error.setWordWrap(True)
        self.error.setFixedWidth(460)
        self.error.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        self.button = QPushButton("&Déverrouiller")
        self.button.setMaximumWidth(200)
        self.button.setAutoDefault(False)
        self.button.clicked.connect(self._submit)
        self.passphrase.returnPressed.connect(self._submit)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        for widget in (title, explanation, self.passphrase, self.button, self.error):
            layout.addWidget(widget, 0, Qt.AlignmentFlag.AlignHCenter)
        layout.addStretch(2)

    def _submit(self) -> None:
        if self.passphrase.isEnabled():
            self.unlock_requested.emit(self.passphrase.text())

    def reject(self) -> None:  # Escape does not unlock
        pass

    def closeEvent(self, event) -> None:  # noqa: N802
        event.ignore()


class IdleLock(QObject):
    """Locks the application after `minutes` without keyboard or mouse activity (0: only on demand, `lock()`);
    `check(typed)` says whether what was typed unlocks it. `secret_name` is what the field asks for."""

    locked_changed = Signal(bool)

    def __init__(
        self,
        window: QWidget,
        check: Callable[[str], bool],
        minutes: float,
        secret_name: str = "Phrase de passe de la base",
        wait: Callable[[int], int] = wait_after,
        ready: Callable[[], str | None] | None = None,
    ) -> None:
        """`ready()`, asked at each lock, gives what unlocks it now (the field's name), or None when nothing
        can unlock it (no PIN, no passphrase): the lock then does not engage."""
        super().__init__(window)
        self.window = window
        self.check = check
        self.secret_name = secret_name
        self.wait = wait
        self.ready = ready
        self.screen: LockScreen | None = None
        self.failures = 0
        self._disabled: list[QObject] = []
        self._covers: list[_Cover] = []
        self._focus: QWidget | None = None
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.lock)
        self.retry = QTimer(self)
        self.retry.setSingleShot(True)
        self.retry.timeout.connect(self._allow_retry)
        self.set_minutes(minutes)
        app = QApplication.instance()
        if app is not None:
            app.installEventFilter(self)

    @property
    def locked(self) -> bool:
        return self.screen is not None

    @property
    def overlay(self) -> LockScreen | None:  # the former name
        return self.screen

    def set_minutes(self, minutes: float) -> None:
        """The idle delay (0 or less: no idle lock, «Verrouiller» only)."""
        self.timer.stop()
        self.minutes = minutes
        if minutes > 0:
            self.timer.setInterval(max(1, int(minutes * 60_000)))
            if not self.locked:
                self.timer.start()

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        kind = event.type()
        if kind == QEvent.Type.Close and watched is self.window:
            # once the close is done (the window may refuse it: unsaved changes kept), a closed window has
            # nothing left to lock and the application nothing more to watch
            QTimer.singleShot(0, self._stop_if_closed)
        elif kind in _ACTIVITY and not self.locked and self.minutes > 0:
            self.timer.start()
        elif kind == QEvent.Type.Resize and self.locked and watched is self.window:
            self._place()
        return False

    def _stop_if_closed(self) -> None:
        if not self.window.isVisible():
            self.stop()

    def stop(self) -> None:
        """Stop watching the application and stop the timers (its window closed)."""
        self.timer.stop()
        self.retry.stop()
        app = QApplication.instance()
        if app is not None:
            app.removeEventFilter(self)

    def _place(self) -> None:
        if self.screen is not None:
            self.screen.setGeometry(self.window.geometry())
            for cover in self._covers:
                cover.setGeometry(cover.parentWidget().rect())

    def _hold(self) -> None:
        """Disable what could act behind the lock: the window's actions and shortcuts, then the window itself;
        cover every visible window of the application so that no data shows."""
        focus = QApplication.focusWidget()
        self._focus = focus if focus is not None and focus.window() is self.window else self.window.focusWidget()
        enabled = [a for a in self.window.findChildren(QAction) if a.isEnabled()]
        enabled += [s for s in self.window.findChildren(QShortcut) if s.isEnabled()]
        for item in enabled:
            item.setEnabled(False)
        self._disabled = enabled
        windows = [w for w in QApplication.topLevelWidgets() if w.isWindow() and w.isVisible()]
        self._covers = [_Cover(w) for w in windows if not isinstance(w, LockScreen)]
        self.window.setEnabled(False)

    def _release(self) -> None:
        self.window.setEnabled(True)
        for item in self._disabled:
            item.setEnabled(True)
        self._disabled = []
        for cover in self._covers:
            cover.hide()
            cover.deleteLater()
        self._covers = []
        focus, self._focus = self._focus, None
        self.window.activateWindow()
        if focus is not None and focus.isVisible():
            focus.setFocus()

    def lock(self) -> bool:
        """Lock now; False when nothing could unlock it (see `ready`)."""
        if self.locked:
            return True
        if self.ready is not None:
            name = self.ready()
            if name is None:
                return False
            self.secret_name = name
        self.timer.stop()
        self._hold()
        self.screen = LockScreen(
            "Pour protéger les données des élèves, l'application est verrouillée.\n"
            f"Saisissez {_ASK.get(self.secret_name, 'le code')} pour reprendre.",
            self.secret_name,
        )
        self.screen.unlock_requested.connect(self.try_unlock)
        self._place()
        self.screen.show()
        self.screen.raise_()
        self.screen.activateWindow()
        self.screen.passphrase.setFocus()
        self.locked_changed.emit(True)
        return True

    def try_unlock(self, typed: str) -> bool:
        if self.screen is None:
            return True
        if self.retry.isActive():  # a try during the wait is not even checked
            return False
        if not self.check(typed):
            self.failures += 1
            self.screen.passphrase.clear()
            seconds = self.wait(self.failures)
            message = _WRONG.get(self.secret_name, "Saisie incorrecte.")
            if seconds:
                message += f" Nouvel essai possible dans {seconds} secondes."
                self.screen.passphrase.setEnabled(False)
                self.screen.button.setEnabled(False)
                self.retry.start(seconds * 1000)
            self.screen.error.setText(message)
            return False
        self.failures = 0
        self.retry.stop()
        screen, self.screen = self.screen, None
        screen.hide()
        screen.deleteLater()
        self._release()
        if self.minutes > 0:
            self.timer.start()
        self.locked_changed.emit(False)
        return True

    def _allow_retry(self) -> None:
        if self.screen is not None:
            self.screen.passphrase.setEnabled(True)
            self.screen.button.setEnabled(True)
            self.screen.error.setText("Vous pouvez réessayer.")
            self.screen.passphrase.setFocus()


def unlock_check(db) -> Callable[[str], bool]:
    """What unlocks the application: the lock's PIN (read from the settings at each try, so a PIN set
    meanwhile counts) or the passphrase of an encrypted database."""

    def check(typed: str) -> bool:
        from pae_desktop.core import settings
        from pae_desktop.core.lock_code import pin_matches

        secret = db.passphrase
        if secret is not None and hmac.compare_digest(typed.encode("utf-8"), secret.encode("utf-8")):
            return True
        with db.read() as session:
            stored = settings.get(session, settings.LOCK_PIN)
        return pin_matches(stored, typed)

    return check


def unlock_secret(db) -> str | None:
    """The name of what unlocks the application now, or None when nothing can (no PIN, plain database)."""
    from pae_desktop.core import settings

    with db.read() as session:
        with_pin = bool(settings.get(session, settings.LOCK_PIN))
    if db.passphrase is None:
        return "Code de verrouillage" if with_pin else None
    return "Code de verrouillage ou phrase de passe" if with_pin else "Phrase de passe de la base"


def install_idle_lock(window: QWidget, db, minutes: float | None = None) -> IdleLock:
    """The application's lock (setting «Verrouiller la fenêtre après»; 0: no idle lock, «Verrouiller» only).
    It engages only when something can unlock it: a PIN, or the passphrase of an encrypted database."""
    if minutes is None:
        from pae_desktop.core import settings

        with db.read() as session:
            minutes = float(settings.get(session, settings.LOCK_AFTER_MINUTES) or 0)
    return IdleLock(window, unlock_check(db), minutes, ready=lambda: unlock_secret(db))


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
