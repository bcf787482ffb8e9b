"""The lock screen: it takes the keyboard (nothing behind it receives a key, a shortcut or a click), it unlocks
with the lock's PIN (stored as a salted hash only) or the passphrase, it works on a plain database too."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QApplication, QDialog, QLineEdit, QMainWindow, QTabWidget
from sqlalchemy import select

from pae_desktop.core import settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.lock_code import hash_pin, pin_matches
from pae_desktop.core.models import Setting
from pae_desktop.ui.context import AppContext

PIN = "4827"


def _window(qtbot):
    """A main window with two tabs, a text field, and a Ctrl+N action that counts its triggers."""
    window = QMainWindow()
    tabs = QTabWidget()
    first, second = QLineEdit(), QLineEdit()
    tabs.addTab(first, "Accueil")
    tabs.addTab(second, "Élèves")
    window.setCentralWidget(tabs)
    triggered: list[bool] = []
    action = QAction("Nouveau jeune", window)
    action.setShortcut(QKeySequence("Ctrl+N"))
    action.triggered.connect(lambda: triggered.append(True))
    window.addAction(action)
    window.resize(900, 600)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    first.setFocus()
    return window, tabs, first, action, triggered


def _set_pin(db, pin: str = PIN) -> None:
    with db.transaction() as session:
        settings.put(session, settings.LOCK_PIN, hash_pin(pin))


def _type(qtbot, lock, text: str) -> None:
    qtbot.keyClicks(lock.screen.passphrase, text)
    qtbot.keyClick(lock.screen.passphrase, Qt.Key.Key_Return)


def test_while_locked_nothing_behind_the_lock_receives_keys_shortcuts_or_clicks(school_db, qtbot):
    from pae_desktop.ui.lock_screen import install_idle_lock

    _set_pin(school_db)
    window, tabs, field, action, triggered = _window(qtbot)
    lock = install_idle_lock(window, school_db, minutes=0)  # a plain database: the PIN unlocks
    assert lock.lock() and lock.locked
    screen = lock.screen
    assert screen.windowModality() == Qt.WindowModality.ApplicationModal
    assert screen.geometry() == window.geometry()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is screen.passphrase, timeout=3000)
    # Tab and Ctrl+Tab from the lock stay in the lock
    for _ in range(4):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
        assert QApplication.focusWidget().window() is screen
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab, Qt.KeyboardModifier.ControlModifier)
    assert tabs.currentIndex() == 0
    # the window's shortcut does nothing, and keys sent to the window itself change nothing
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert not action.isEnabled() and not triggered
    for target in (window, tabs, tabs.tabBar(), field):
        for key in (Qt.Key.Key_Tab, Qt.Key.Key_Right, Qt.Key.Key_A):
            QApplication.sendEvent(target, QKeyEvent(QEvent.Type.KeyPress, key, Qt.KeyboardModifier.NoModifier, "a"))
    qtbot.mouseClick(tabs.tabBar(), Qt.MouseButton.LeftButton, pos=tabs.tabBar().tabRect(1).center())
    assert tabs.currentIndex() == 0 and field.text() == ""
    assert not window.isEnabled()
    _type(qtbot, lock, PIN)
    assert not lock.locked and window.isEnabled() and action.isEnabled()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is field, timeout=3000)  # the focus is back
    qtbot.keyClick(field, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert triggered  # the shortcut works again once unlocked


def test_open_dialogs_stay_open_but_covered_while_locked(school_db, qtbot):
    from pae_desktop.ui.lock_screen import install_idle_lock

    _set_pin(school_db)
    window, *_ = _window(qtbot)
    dialog = QDialog(window)  # a youth's file open in a dialog, with what was typed in it
    typed = QLineEdit(dialog)
    typed.setText("en cours de saisie")
    dialog.setModal(True)
    dialog.show()
    lock = install_idle_lock(window, school_db, minutes=0)
    lock.lock()
    covers = lock._covers
    assert {cover.parentWidget() for cover in covers} >= {window, dialog}
    assert all(cover.isVisible() and cover.geometry() == cover.parentWidget().rect() for cover in covers)
    assert QApplication.activeModalWidget() is lock.screen
    _type(qtbot, lock, PIN)
    assert dialog.isVisible() and typed.text() == "en cours de saisie"
    assert not any(cover.isVisible() for cover in covers)


def test_a_wrong_pin_is_refused_in_french_and_tries_wait_longer_and_longer(school_db, qtbot):
    from pae_desktop.ui.lock_screen import install_idle_lock, wait_after

    _set_pin(school_db)
    window, *_ = _window(qtbot)
    lock = install_idle_lock(window, school_db, minutes=0)
    lock.lock()
    _type(qtbot, lock, "0000")
    assert lock.locked and lock.screen.error.text() == "Code de verrouillage incorrect."
    assert lock.screen.passphrase.isEnabled()
    _type(qtbot, lock, "1111")
    _type(qtbot, lock, "2222")
    assert lock.failures == 3
    assert "Nouvel essai possible dans 5 secondes" in lock.screen.error.text()
    assert not lock.screen.passphrase.isEnabled()  # the next try waits
    assert not lock.try_unlock(PIN) and lock.locked  # even the right PIN waits
    lock.retry.stop()
    lock._allow_retry()
    assert lock.screen.passphrase.isEnabled() and lock.screen.error.text() == "Vous pouvez réessayer."
    assert [wait_after(n) for n in range(1, 8)] == [0, 0, 5, 10, 20, 40, 80] and wait_after(30) == 300
    _type(qtbot, lock, PIN)
    assert not lock.locked and lock.failures == 0


def test_the_pin_is_stored_as_a_salted_hash_never_in_clear(school_db, qtbot):
    from pae_desktop.ui.data_protection import DataProtectionPage

    page = DataProtectionPage(AppContext(school_db))
    qtbot.addWidget(page)
    assert "Aucun code" in page.pin_state.text()
    page.pin.setText("12345678")
    page.pin_again.setText("12345678")
    page.save()
    with school_db.read() as session:
        stored = session.scalars(select(Setting.value).where(Setting.key == "lock_pin")).one()
        everything = " ".join(session.scalars(select(Setting.value)))
    assert "12345678" not in everything and stored.startswith('"scrypt$')
    hashed = settings.BY_KEY["lock_pin"].decode(stored)
    assert pin_matches(hashed, "12345678") and not pin_matches(hashed, "12345679")
    assert hash_pin("12345678") != hash_pin("12345678")  # salted: never the same text twice
    assert page.pin.text() == "" and "Un code de verrouillage est défini" in page.pin_state.text()
    # a PIN that breaks the rule or differs from its second typing: refused, nothing written
    for typed, again in (("12a4", "12a4"), ("123", "123"), ("1234", "4321")):
        page.pin.setText(typed)
        page.pin_again.setText(again)
        with pytest.raises(UserError):
            page.save()
    with school_db.read() as session:
        assert session.scalars(select(Setting.value).where(Setting.key == "lock_pin")).one() == stored
    with school_db.transaction() as session, pytest.raises(UserError):
        settings.put(session, settings.LOCK_PIN, "1234")  # the setting refuses a PIN in clear
    page.pin.clear()
    page.pin_again.clear()
    page.remove_pin.setChecked(True)
    page.save()
    with school_db.read() as session:
        assert settings.get(session, settings.LOCK_PIN) == ""


def test_lock_without_encryption_needs_a_pin_and_the_passphrase_also_unlocks(school_db, qtbot, monkeypatch):
    from pae_desktop.ui import data_protection

    told: list[str] = []
    monkeypatch.setattr(data_protection.QMessageBox, "information", lambda _p, _t, text: told.append(text))
    window, *_ = _window(qtbot)
    hooks = data_protection.install_data_protection(window, AppContext(school_db), maintenance=False)
    lock_action = hooks.actions[-1]
    assert lock_action.text() == "&Verrouiller" and lock_action.shortcut() == QKeySequence("Ctrl+L")
    lock_action.trigger()  # no PIN, plain database: nothing could unlock it, so it says so
    assert not hooks.idle_lock.locked and "code de verrouillage" in told[0]
    _set_pin(school_db)
    lock_action.trigger()
    assert hooks.idle_lock.locked and hooks.idle_lock.screen.passphrase.placeholderText() == "Code de verrouillage"
    _type(qtbot, hooks.idle_lock, PIN)
    assert not hooks.idle_lock.locked
    school_db.passphrase = "phrase-secrete"  # an encrypted database: its passphrase unlocks too
    hooks.idle_lock.lock()
    _type(qtbot, hooks.idle_lock, "phrase-secrete")
    assert not hooks.idle_lock.locked


def test_the_idle_timer_locks_a_plain_database_with_a_pin(school_db, qtbot):
    from pae_desktop.ui.lock_screen import install_idle_lock

    _set_pin(school_db)
    window, *_ = _window(qtbot)
    lock = install_idle_lock(window, school_db, minutes=0.002)  # 120 ms
    qtbot.waitUntil(lambda: lock.locked, timeout=5000)
    _type(qtbot, lock, PIN)
    assert not lock.locked


def test_the_window_takes_the_idle_delay_of_the_settings_off_the_gui_thread(school_db, qtbot, monkeypatch):
    from pae_desktop.ui import data_protection, tasks

    with school_db.transaction() as session:
        settings.put(session, settings.LOCK_AFTER_MINUTES, 7)
    ran: list[str] = []
    real = tasks.run_now

    def runner(parent, title, *args, **kwargs):
        ran.append(title)
        return real(parent, title, *args, **kwargs)

    monkeypatch.setattr(tasks, "_runner", runner)
    window, *_ = _window(qtbot)
    context = AppContext(school_db)
    hooks = data_protection.install_data_protection(window, context, maintenance=False)
    qtbot.waitUntil(lambda: hooks.idle_lock.minutes == 7, timeout=3000)
    assert ran == ["Délai de verrouillage"]  # a background task, not a read on the GUI thread
    with school_db.transaction() as session:
        settings.put(session, settings.LOCK_AFTER_MINUTES, 3)
    context.changed("settings")  # the settings saved: the new delay
    qtbot.waitUntil(lambda: hooks.idle_lock.minutes == 3, timeout=3000)
    failed = []
    monkeypatch.setattr(data_protection.log, "warning", lambda *args: failed.append(args))
    monkeypatch.setattr(settings, "get", lambda *_args: (_ for _ in ()).throw(OSError("disque indisponible")))
    context.changed("settings")
    assert hooks.idle_lock.minutes == 3 and failed  # unread: the delay kept, the log says why
