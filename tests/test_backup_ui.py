"""The window's side of data protection: audit viewer, backup dialog, start-up maintenance, idle lock screen."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QLabel, QMainWindow, QMessageBox
from sqlalchemy import func, select

from pae_desktop.core import audit
from pae_desktop.core.models import AuditEvent, Pathway, School, Youth
from pae_desktop.storage.backup import automatic_backups
from pae_desktop.ui import tasks
from pae_desktop.ui.context import AppContext


@pytest.fixture(autouse=True)
def immediate_tasks():
    tasks.use_runner(tasks.run_now)
    yield
    tasks.use_runner(tasks.run_in_thread)


def test_the_audit_viewer_filters(school_db, qtbot):
    from pae_desktop.ui.audit_view import AuditView

    with school_db.transaction() as session:
        audit.record(session, "print", "youth", 12, nominative=True, detail="dossier")
        audit.record(session, "update", "youth", 7, field="division", old="TBP-A", new="TBP-B")
        audit.record(session, "export", "campaign", 1, nominative=False, detail="foquale")
    view = AuditView(AppContext(school_db))
    qtbot.addWidget(view)
    assert view.model.rowCount() == 3
    view.nominative.setChecked(True)
    assert [r.entity_id for r in view.model.rows] == [12]
    view.nominative.setChecked(False)
    qtbot.keyClicks(view.youth_id, "7")
    assert [(r.field, r.old_value, r.new_value) for r in view.model.rows] == [("division", "TBP-A", "TBP-B")]
    assert view.proxy.index(0, 3).data() == "Jeune n° 7"
    view.youth_id.clear()
    view.action.setCurrentIndex(view.action.findData("export"))
    assert [r.action_label for r in view.model.rows] == ["Export"]
    assert view.count.text() == "1 entrée"


def test_backup_dialog_backs_up_and_restores_after_a_preview(demo_db, qtbot, tmp_path, monkeypatch):
    from pae_desktop.ui import backup_dialog

    usb = tmp_path / "usb"
    usb.mkdir()
    monkeypatch.setattr(backup_dialog.QFileDialog, "getExistingDirectory", lambda *a, **k: str(usb))
    shown: list[str] = []
    monkeypatch.setattr(backup_dialog.QMessageBox, "information", lambda _p, _t, text: shown.append(text))
    context = AppContext(demo_db)
    changes: list = []
    context.data_changed.connect(changes.append)
    dialog = backup_dialog.BackupDialog(context)
    qtbot.addWidget(dialog)
    assert str(demo_db.file) in dialog.findChild(QLabel).text()

    qtbot.mouseClick(dialog.backup_button, Qt.MouseButton.LeftButton)
    saved = list(usb.glob("*.db"))
    assert len(saved) == 1 and str(saved[0]) in shown[-1]

    with demo_db.transaction() as session:
        session.scalars(select(Youth).order_by(Youth.id).limit(1)).one().last_name = "CHANGÉ"
    questions: list[str] = []

    def answer(_parent, _title, text, *_args):
        questions.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(backup_dialog.QMessageBox, "question", answer)
    monkeypatch.setattr(backup_dialog.QFileDialog, "getOpenFileName", lambda *a, **k: (str(saved[0]), ""))
    qtbot.mouseClick(dialog.restore_file_button, Qt.MouseButton.LeftButton)
    assert "Campagne 2025 : 150 jeunes" in questions[0] and "sauvegardée" in questions[0]
    with demo_db.read() as session:
        assert session.scalar(select(func.count()).where(Youth.last_name == "CHANGÉ")) == 0
    assert changes and "restaurée" in shown[-1]
    # the safety copy is listed and can be chosen
    names = [dialog.table.item(row, 2).text() for row in range(dialog.table.rowCount())]
    assert any(name.startswith("avant-restauration-") for name in names)


def test_startup_maintenance_backs_up_and_offers_retention(demo_db, qtbot, monkeypatch):
    from pae_desktop.ui import backup_dialog

    with demo_db.transaction() as session:
        session.scalars(select(School)).one().is_demo = False
    asked: list[str] = []

    def answer(_parent, _title, text, *_args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(backup_dialog.QMessageBox, "question", answer)
    window = QMainWindow()
    qtbot.addWidget(window)
    backup_dialog.run_startup_maintenance(window, AppContext(demo_db), today=dt.date(2026, 1, 15))
    assert len(automatic_backups(demo_db.data_dir)) == 1
    assert "sans parcours à anonymiser" in asked[0]
    with demo_db.read() as session:
        without_pathway = 150 - session.scalar(select(func.count()).select_from(Pathway))
        assert session.scalar(select(func.count()).where(Youth.anonymised_at.is_not(None))) == without_pathway
        assert session.scalar(select(func.count()).where(AuditEvent.action == "anonymise")) == without_pathway


def test_startup_maintenance_reports_a_damaged_database(demo_db, qtbot, monkeypatch):
    from pae_desktop.storage.backup import automatic_backup
    from pae_desktop.ui import backup_dialog
    from test_backup import corrupt

    good = automatic_backup(demo_db, now=dt.datetime(2026, 11, 20, 8, 0))
    demo_db.engine.dispose()
    corrupt(demo_db.file)
    texts: list[str] = []
    monkeypatch.setattr(backup_dialog.QMessageBox, "exec", lambda box: texts.append(box.text()) or 0)
    window = QMainWindow()
    qtbot.addWidget(window)
    backup_dialog.run_startup_maintenance(window, AppContext(demo_db))
    assert texts and "endommagée" in texts[0] and str(good) in texts[0]
    assert automatic_backups(demo_db.data_dir) == [(dt.datetime(2026, 11, 20, 8, 0), good)]


def test_the_window_locks_when_idle_and_unlocks_with_the_passphrase(qtbot):
    from pae_desktop.ui.lock_screen import IdleLock

    window = QMainWindow()
    window.setCentralWidget(QLabel("Données confidentielles"))
    action = QAction("Nouveau jeune", window)
    window.addAction(action)
    window.resize(600, 400)
    qtbot.addWidget(window)
    window.show()
    from PySide6.QtWidgets import QDialog

    dialog = QDialog(window)  # a youth's file open in a dialog
    dialog.setModal(True)
    dialog.show()
    lock = IdleLock(window, lambda typed: typed == "phrase-secrete", minutes=0.002)  # 120 ms
    qtbot.waitUntil(lambda: lock.locked, timeout=5000)
    overlay = lock.overlay
    assert overlay.isVisible() and overlay.geometry() == window.geometry()
    assert not action.isEnabled()
    assert any(cover.parentWidget() is dialog and cover.isVisible() for cover in lock._covers)
    qtbot.keyClicks(overlay.passphrase, "mauvaise")
    qtbot.keyClick(overlay.passphrase, Qt.Key.Key_Return)
    assert lock.locked and overlay.error.text() == "Phrase de passe incorrecte."
    qtbot.keyClicks(overlay.passphrase, "phrase-secrete")
    qtbot.keyClick(overlay.passphrase, Qt.Key.Key_Return)
    assert not lock.locked and action.isEnabled()
    assert dialog.isVisible()  # back as it was
    qtbot.waitUntil(lambda: lock.locked, timeout=5000)  # and it locks again after the next idle period


def test_the_idle_lock_engages_only_when_something_unlocks_it(school_db, qtbot):
    from pae_desktop.ui.lock_screen import install_idle_lock

    window = QMainWindow()
    qtbot.addWidget(window)
    lock = install_idle_lock(window, school_db)
    assert lock.timer.interval() == 10 * 60_000  # the setting's default
    assert not lock.lock() and not lock.locked  # a plain database without a PIN: nothing could unlock it
    school_db.passphrase = "une phrase de passe"
    assert lock.check("une phrase de passe") and not lock.check("autre")


def test_the_data_protection_page_saves_the_settings_and_encrypts(school_db, qtbot, monkeypatch):
    from pae_desktop.core import settings
    from pae_desktop.storage.encryption import is_encrypted
    from pae_desktop.ui import data_protection

    page = data_protection.DataProtectionPage(AppContext(school_db))
    qtbot.addWidget(page)
    assert page.encrypt_button.text() == "Chiffrer la base…" and not page.rekey_button.isEnabled()
    page.pathway_months.setValue(10)
    page.lock_minutes.setValue(5)
    page.dpo.setText("dpo@ac-test.fr")
    page.save()
    with school_db.read() as session:
        assert settings.get(session, settings.RETENTION_PATHWAY_MONTHS) == 10
        assert settings.get(session, settings.LOCK_AFTER_MINUTES) == 5
        assert settings.get(session, settings.DPO_CONTACT) == "dpo@ac-test.fr"

    def typed(new: str, again: str, current: str = ""):
        def run(dialog):
            if dialog.current is not None:
                dialog.current.setText(current)
            dialog.new.setText(new)
            dialog.again.setText(again)
            dialog._check()
            return dialog.result()

        return run

    told: list[str] = []
    monkeypatch.setattr(data_protection.QMessageBox, "information", lambda _p, _t, text: told.append(text))
    monkeypatch.setattr(data_protection.QMessageBox, "warning", lambda _p, _t, text: told.append(text))
    monkeypatch.setattr(data_protection.PassphraseDialog, "exec", typed("phrase-longue", "phrase-autre"))
    page.toggle_encryption()  # two different entries: refused, nothing done
    assert school_db.passphrase is None and not is_encrypted(school_db.file)
    monkeypatch.setattr(data_protection.PassphraseDialog, "exec", typed("phrase-longue", "phrase-longue"))
    page.toggle_encryption()
    assert school_db.passphrase == "phrase-longue" and is_encrypted(school_db.file)
    assert "La base est chiffrée" in told[-1] and page.rekey_button.isEnabled()
    monkeypatch.setattr(
        data_protection.PassphraseDialog,
        "exec",
        typed("nouvelle-phrase", "nouvelle-phrase", current="fausse"),
    )
    page.change_passphrase()
    assert school_db.passphrase == "phrase-longue" and "incorrecte" in told[-1]
    monkeypatch.setattr(
        data_protection.PassphraseDialog,
        "exec",
        typed("nouvelle-phrase", "nouvelle-phrase", current="phrase-longue"),
    )
    page.change_passphrase()
    assert school_db.passphrase == "nouvelle-phrase"
    with school_db.read() as session:  # the open database follows
        assert settings.get(session, settings.DPO_CONTACT) == "dpo@ac-test.fr"


def test_erasure_on_request_from_the_window(demo_db, qtbot, monkeypatch):
    from pae_desktop.ui import data_protection

    with demo_db.read() as session:
        youth_id = session.scalars(select(Youth.id).order_by(Youth.id)).first()

    def click(label: str):
        def run(box):
            next(b for b in box.buttons() if b.text() == label).click()
            return 0

        return run

    context = AppContext(demo_db)
    monkeypatch.setattr(data_protection.QMessageBox, "exec", click("Annuler"))
    assert not data_protection.erase_youth_on_request(None, context, youth_id)
    monkeypatch.setattr(data_protection.QMessageBox, "exec", click("Anonymiser"))
    assert data_protection.erase_youth_on_request(None, context, youth_id)
    with demo_db.read() as session:
        assert session.get(Youth, youth_id).anonymised_at is not None
        assert session.scalars(select(AuditEvent.action).where(AuditEvent.entity_id == youth_id)).all() == [
            "erase"
        ]
    monkeypatch.setattr(data_protection.QMessageBox, "exec", click("Supprimer le dossier"))
    assert data_protection.erase_youth_on_request(None, context, youth_id)
    with demo_db.read() as session:
        assert session.get(Youth, youth_id) is None


def test_one_call_wires_data_protection_into_a_window(school_db, qtbot, monkeypatch):
    from pae_desktop.ui import backup_dialog, data_protection

    closing: list = []
    monkeypatch.setattr(backup_dialog, "backup_on_close", lambda context: closing.append(context))
    window = QMainWindow()
    qtbot.addWidget(window)
    context = AppContext(school_db)
    hooks = data_protection.install_data_protection(window, context)
    window.show()
    qtbot.waitUntil(lambda: len(automatic_backups(school_db.data_dir)) == 1, timeout=5000)  # after the show
    menu = window.menuBar().actions()[-1]
    assert menu.text() == "Protection des &données"
    assert [a.text() for a in menu.menu().actions()] == [
        "&Sauvegardes et restauration…",
        "&Journal des accès et des modifications…",
        "&Dossiers à anonymiser…",
        "",
        "&Verrouiller",
    ]
    assert not hooks.idle_lock.lock()  # a plain database without a PIN: the lock cannot engage
    window.close()
    assert closing == [context]


def test_the_window_asks_the_passphrase_again_after_a_wrong_one(school_db, qtbot, monkeypatch):
    from pae_desktop.storage import encryption
    from pae_desktop.ui import lock_screen

    encryption.change_encryption(school_db, "phrase-secrete")
    school_db.close()
    typed = iter([("mauvaise", True), ("phrase-secrete", True)])
    monkeypatch.setattr(lock_screen.QInputDialog, "getText", lambda *a, **k: next(typed))
    warned: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _p, _t, text: warned.append(text))
    try:
        db = lock_screen.open_database_with_prompt(school_db.data_dir)
        try:
            assert db.passphrase == "phrase-secrete"
            window = QMainWindow()
            qtbot.addWidget(window)
            from pae_desktop.ui.data_protection import install_data_protection

            hooks = install_data_protection(window, AppContext(db), maintenance=False)
            assert hooks.idle_lock is not None  # an encrypted database: the lock screen is on
        finally:
            db.close()
        assert warned == ["Phrase de passe incorrecte : réessayez."]
        monkeypatch.setattr(lock_screen.QInputDialog, "getText", lambda *a, **k: ("", False))
        with pytest.raises(encryption.PassphraseRequired):
            lock_screen.open_database_with_prompt(school_db.data_dir)
    finally:
        encryption.set_passphrase_provider(None)


def test_encryption_is_offered_at_setup(school_db, qtbot, monkeypatch):
    from pae_desktop.storage.encryption import is_encrypted
    from pae_desktop.ui import data_protection

    context = AppContext(school_db)
    monkeypatch.setattr(data_protection.QMessageBox, "question", lambda *a: QMessageBox.StandardButton.No)
    assert not data_protection.offer_encryption(None, context) and not is_encrypted(school_db.file)
    monkeypatch.setattr(data_protection.QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)

    def accept(dialog):
        dialog.new.setText("une longue phrase")
        dialog.again.setText("une longue phrase")
        dialog._check()
        return dialog.result()

    monkeypatch.setattr(data_protection.PassphraseDialog, "exec", accept)
    assert data_protection.offer_encryption(None, context)
    assert is_encrypted(school_db.file) and school_db.passphrase == "une longue phrase"
    assert not data_protection.offer_encryption(None, context)  # asked once: already encrypted
