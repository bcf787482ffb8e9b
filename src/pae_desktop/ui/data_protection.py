"""The data-protection page of the settings: encryption, retention periods, lock delay, DPO, notice, log, erasure."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,  # noqa: F401 - the tests patch its static methods here
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.errors import UserError
from pae_desktop.storage import encryption
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.confirmations import confirm_by_typing
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.flow_layout import FlowLayout
from pae_desktop.ui.tasks import after_first_paint, run_task
from pae_desktop.ui.widgets import confirm

log = logging.getLogger(__name__)


class PassphraseDialog(QDialog):
    """A new passphrase typed twice (with the current one first when `ask_current`)."""

    def __init__(self, parent: QWidget | None = None, *, title: str, ask_current: bool = False) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.current = QLineEdit() if ask_current else None
        self.new = QLineEdit()
        self.again = QLineEdit()
        form = QFormLayout()
        if self.current is not None:
            form.addRow("Phrase de passe actuelle :", self.current)
        form.addRow("Nouvelle phrase de passe :", self.new)
        form.addRow("Retapez-la :", self.again)
        for edit in filter(None, (self.current, self.new, self.again)):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
        self.error = QLabel("")
        self.error.setStyleSheet("color: #b00020;")
        note = QLabel(
            "Sans cette phrase de passe, les données et leurs sauvegardes sont illisibles : "
            "conservez-la en lieu sûr (le secrétariat ne peut pas la retrouver)."
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._check)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(self.error)
        layout.addWidget(buttons)

    def _check(self) -> None:
        try:
            encryption.check_passphrase(self.new.text(), self.again.text())
        except UserError as error:
            self.error.setText(str(error))
            return
        self.accept()


class DataProtectionPage(QWidget):
    """Built as `DataProtectionPage(context)`; `save()` writes the settings in one transaction."""

    encryption_changed = Signal()

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        from pae_desktop.core import settings

        super().__init__(parent)
        self.context = context
        db = context.db
        with db.read() as session:
            values = settings.get_all(session)

        where = QLabel()
        where.setWordWrap(True)
        self.where = where
        self.encrypt_button = QPushButton()
        self.encrypt_button.clicked.connect(self.toggle_encryption)
        self.rekey_button = QPushButton("Changer la phrase de passe…")
        self.rekey_button.clicked.connect(self.change_passphrase)
        storage_box = QGroupBox("Chiffrement de la base")
        storage_layout = QVBoxLayout(storage_box)
        storage_layout.addWidget(where)
        row = QHBoxLayout()
        row.addWidget(self.encrypt_button)
        row.addWidget(self.rekey_button)
        row.addStretch(1)
        storage_layout.addLayout(row)

        self.no_pathway = QCheckBox(settings.RETENTION_NO_PATHWAY.label)
        self.no_pathway.setChecked(bool(values[settings.RETENTION_NO_PATHWAY.key]))
        self.pathway_months = QSpinBox()
        self.pathway_months.setRange(0, 24)
        self.pathway_months.setSuffix(" mois")
        self.pathway_months.setValue(int(values[settings.RETENTION_PATHWAY_MONTHS.key]))
        self.audit_days = QSpinBox()
        self.audit_days.setRange(30, 3650)
        self.audit_days.setSuffix(" jours")
        self.audit_days.setValue(int(values[settings.AUDIT_RETENTION_DAYS.key]))
        self.backup_months = QSpinBox()
        self.backup_months.setRange(1, 120)
        self.backup_months.setSuffix(" mois")
        self.backup_months.setValue(int(values[settings.BACKUP_RETENTION_MONTHS.key]))
        self.backup_months.setToolTip(
            "Les sauvegardes automatiques sont gardées au plus 13 mois ; après chaque anonymisation, celles qui "
            "contenaient encore les données anonymisées sont supprimées."
        )
        self.lock_minutes = QSpinBox()
        self.lock_minutes.setRange(0, 240)
        self.lock_minutes.setSpecialValueText("jamais")
        self.lock_minutes.setSuffix(" min")
        self.lock_minutes.setValue(int(values[settings.LOCK_AFTER_MINUTES.key] or 0))
        self.dpo = QLineEdit(values[settings.DPO_CONTACT.key] or "")
        self.dpo.setPlaceholderText("ex. : dpo@ac-academie.fr")
        self.has_pin = bool(values[settings.LOCK_PIN.key])
        self.pin = QLineEdit()
        self.pin_again = QLineEdit()
        for edit, name in ((self.pin, "Nouveau code de verrouillage"), (self.pin_again, "Retapez le code")):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setMaxLength(8)
            edit.setMaximumWidth(140)
            edit.setAccessibleName(name)
        self.pin_state = QLabel()
        self.pin_state.setWordWrap(True)
        self.remove_pin = QCheckBox("Supprimer le code de verrouillage")
        self._refresh_pin()
        rules = QGroupBox("Durées de conservation et accès")
        form = QFormLayout(rules)
        form.addRow(self.no_pathway)
        form.addRow("Dossiers de parcours conservés après le 31 décembre :", self.pathway_months)
        form.addRow(settings.AUDIT_RETENTION_DAYS.label + " :", self.audit_days)
        form.addRow("Sauvegardes manuelles et copies avant restauration conservées :", self.backup_months)
        form.addRow("Verrouiller l'application après :", self.lock_minutes)
        form.addRow(settings.DPO_CONTACT.label + " :", self.dpo)
        lock_box = QGroupBox("Verrouillage (Ctrl+L)")
        lock_form = QFormLayout(lock_box)
        lock_form.addRow(self.pin_state)
        lock_form.addRow("Nouveau code (4 à 8 chiffres) :", self.pin)
        lock_form.addRow("Retapez-le :", self.pin_again)
        lock_form.addRow(self.remove_pin)

        self.notice_button = QPushButton("Imprimer la notice d'information (RGPD)…")
        self.notice_button.clicked.connect(self.print_notice)
        self.dpo_button = QPushButton("Documents pour le DPO…")
        self.dpo_button.setToolTip(
            "Fiche du registre des activités de traitement, analyse d'impact (AIPD) pré-remplie et notice "
            "d'information, en PDF dans le dossier choisi"
        )
        self.dpo_button.clicked.connect(self.print_dpo_pack)
        self.retention_button = QPushButton("Dossiers à anonymiser…")
        self.retention_button.clicked.connect(self.review_retention)
        self.audit_button = QPushButton("Journal des accès et des modifications…")
        self.audit_button.clicked.connect(self.open_audit)
        self.backup_button = QPushButton("Sauvegardes…")
        self.backup_button.clicked.connect(self.open_backups)
        tools = FlowLayout()  # wraps on a narrow screen
        for button in (
            self.notice_button,
            self.dpo_button,
            self.retention_button,
            self.audit_button,
            self.backup_button,
        ):
            tools.addWidget(button)
        tools.addStretch(1)

        layout = QVBoxLayout(self)
        layout.addWidget(storage_box)
        layout.addWidget(rules)
        layout.addWidget(lock_box)
        layout.addLayout(tools)
        layout.addStretch(1)
        self._refresh_encryption()

    # --- settings ---------------------------------------------------------------------------------------------

    def save(self, session=None) -> None:
        """Write the page's settings, in the caller's transaction when one is given."""
        from pae_desktop.core import settings

        if session is None:
            with self.context.db.transaction() as session:
                self.save(session)
            return
        settings.put(session, settings.RETENTION_NO_PATHWAY, self.no_pathway.isChecked())
        settings.put(session, settings.RETENTION_PATHWAY_MONTHS, self.pathway_months.value())
        settings.put(session, settings.AUDIT_RETENTION_DAYS, self.audit_days.value())
        settings.put(session, settings.BACKUP_RETENTION_MONTHS, self.backup_months.value())
        settings.put(session, settings.LOCK_AFTER_MINUTES, self.lock_minutes.value())
        settings.put(session, settings.DPO_CONTACT, self.dpo.text().strip())
        new_pin = self.pin_to_store()
        if new_pin is not None:
            settings.put(session, settings.LOCK_PIN, new_pin)
            self.has_pin = bool(new_pin)
            self.pin.clear()
            self.pin_again.clear()
            self.remove_pin.setChecked(False)
            self._refresh_pin()

    def pin_to_store(self) -> str | None:
        """What the PIN fields ask to store: a new PIN's hash, "" to remove the PIN, None to keep it as it is.
        A PIN that breaks the rule or differs from its second typing is refused (UserError, nothing written)."""
        from pae_desktop.core.lock_code import hash_pin

        typed, again = self.pin.text(), self.pin_again.text()
        if typed or again:
            if typed != again:
                raise UserError("Les deux saisies du code de verrouillage diffèrent : rien n'a été enregistré.")
            return hash_pin(typed)
        return "" if self.remove_pin.isChecked() else None

    def _refresh_pin(self) -> None:
        if self.has_pin:
            text = "Un code de verrouillage est défini : il déverrouille l'application."
        elif self.context.db.passphrase is not None:
            text = "Aucun code : l'application se déverrouille avec la phrase de passe de la base."
        else:
            text = (
                "Aucun code : l'application ne peut pas se verrouiller tant qu'aucun code n'est défini "
                "(ou que la base n'est pas chiffrée)."
            )
        self.pin_state.setText(text)
        self.remove_pin.setEnabled(self.has_pin)

    # --- encryption -----------------------------------------------------------------------------------------------

    def _refresh_encryption(self) -> None:
        db = self.context.db
        encrypted = db.passphrase is not None
        location = db.file or db.url
        if encrypted:
            self.where.setText(
                f"La base {location} est chiffrée (SQLCipher) ; ses sauvegardes le sont aussi."
            )
            self.encrypt_button.setText("Retirer le chiffrement…")
        else:
            self.where.setText(
                f"La base {location} n'est pas chiffrée : toute personne qui accède à ce poste ou à ses "
                "sauvegardes peut lire les données. Le chiffrement est recommandé."
            )
            self.encrypt_button.setText("Chiffrer la base…")
        self.rekey_button.setEnabled(encrypted)
        self.encrypt_button.setEnabled(db.file is not None)

    def _apply(self, new: str | None, done: str) -> None:
        try:
            encryption.change_encryption(self.context.db, new)
        except UserError as error:
            QMessageBox.warning(self, "Chiffrement", str(error))
            return
        self._refresh_encryption()
        self.encryption_changed.emit()
        QMessageBox.information(self, "Chiffrement", done)

    def toggle_encryption(self) -> None:
        if self.context.db.passphrase is None:
            dialog = PassphraseDialog(self, title="Chiffrer la base")
            if dialog.exec() == QDialog.DialogCode.Accepted:
                self._apply(
                    dialog.new.text(),
                    "La base est chiffrée. Les sauvegardes faites à partir de maintenant le sont aussi ; "
                    "les anciennes sauvegardes restent en clair : supprimez-les si elles ne servent plus.",
                )
            return
        if confirm(
            self,
            "Les données seront lisibles par toute personne qui accède à ce poste. Retirer le chiffrement ?",
            "Retirer le chiffrement",
            action="Retirer le chiffrement",
        ):
            self._apply(None, "Le chiffrement de la base a été retiré.")

    def change_passphrase(self) -> None:
        dialog = PassphraseDialog(self, title="Changer la phrase de passe", ask_current=True)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        current = self.context.db.passphrase or ""
        if dialog.current is None or dialog.current.text() != current:
            QMessageBox.warning(
                self, "Chiffrement", "La phrase de passe actuelle est incorrecte : rien n'a changé."
            )
            return
        self._apply(dialog.new.text(), "La phrase de passe a été changée.")

    # --- tools ------------------------------------------------------------------------------------------------

    def print_notice(self) -> None:
        name, _ = file_dialogs.save_file_name(
            self, file_dialogs.PDF,
            "Notice d'information (RGPD)", str(Path.home() / "notice-rgpd.pdf"), "PDF (*.pdf)"
        )
        if not name:
            return
        from pae_desktop.core.operations.printing import print_document

        self.save()
        try:
            with self.context.db.transaction() as session:
                result = print_document(session, "notice-rgpd", None, name)
        except UserError as error:
            QMessageBox.warning(self, "Notice d'information", str(error))
            return
        self.context.apply(result)
        QMessageBox.information(self, "Notice d'information", f"Notice écrite : {name}")

    def print_dpo_pack(self) -> None:
        """The register entry, the AIPD and the notice, as three PDFs in a folder the user picks."""
        folder = file_dialogs.existing_directory(
            self, file_dialogs.PDF, "Documents pour le DPO", str(Path.home())
        )
        if not folder:
            return
        from pae_desktop.core.operations.printing import DPO_PACK, print_document
        from pae_desktop.storage.security import storage_facts

        self.save()
        written = []
        try:
            with self.context.db.transaction() as session:
                for kind, file in DPO_PACK:
                    target = Path(folder) / file
                    result = print_document(session, kind, None, target, storage=storage_facts(self.context.db))
                    written.append(str(target))
        except (UserError, OSError) as error:
            QMessageBox.warning(self, "Documents pour le DPO", str(error))
            return
        self.context.apply(result)
        QMessageBox.information(self, "Documents pour le DPO", "Documents écrits :\n" + "\n".join(written))

    def review_retention(self) -> None:
        self.save()
        review_retention(self, self.context)

    def open_audit(self) -> None:
        from pae_desktop.ui.audit_view import AuditDialog

        AuditDialog(self.context, self).exec()

    def open_backups(self) -> None:
        from pae_desktop.ui.backup_dialog import BackupDialog

        BackupDialog(self.context, self).exec()


def offer_encryption(parent: QWidget | None, context: AppContext) -> bool:
    """At setup: recommend encrypting the new database, and do it when accepted. True when encrypted."""
    db = context.db
    if db.passphrase is not None or db.file is None:
        return False
    answer = QMessageBox.question(
        parent,
        "Protéger les données des élèves",
        "Cette base contiendra des données personnelles de mineurs. Il est recommandé de la chiffrer : "
        "sans la phrase de passe, ni la base ni ses sauvegardes ne peuvent être lues, même si le poste ou une "
        f"clé USB est perdu.\n\nLes données sont enregistrées dans : {db.file}\n\nChiffrer la base maintenant ?",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.Yes,
    )
    if answer != QMessageBox.StandardButton.Yes:
        return False
    dialog = PassphraseDialog(parent, title="Chiffrer la base")
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return False
    try:
        encryption.change_encryption(db, dialog.new.text())
    except UserError as error:
        QMessageBox.warning(parent, "Chiffrement", str(error))
        return False
    return True


def review_retention(parent: QWidget | None, context: AppContext) -> None:
    """On demand: what the retention rules make due today, shown for confirmation, then anonymised."""
    from pae_desktop.core.operations.protection import purge
    from pae_desktop.core.services.retention import plan_retention

    with context.db.read() as session:
        plan = plan_retention(session)
    text = "\n".join(plan.lines())
    if plan.empty or plan.demo:
        QMessageBox.information(parent, "Durée de conservation", text)
        return
    if not confirm_purge(parent, plan):
        return
    result = purge(context.db, plan.today)
    context.apply(result)
    QMessageBox.information(
        parent,
        "Durée de conservation",
        f"{result.count} jeune(s) anonymisé(s), "
        f"{len(result.ids.get('audit_event', ()))} entrée(s) du journal supprimée(s).",
    )


def confirm_purge(parent: QWidget | None, plan, intro: str = "") -> bool:
    """What the retention rules make due (`plan`), then a second, explicit confirmation: anonymising cannot be
    undone. «Annuler» is the default of both questions."""
    title = "Durée de conservation"
    text = intro + "\n".join(plan.lines())
    question = text + "\n\nAnonymiser maintenant ? Les indicateurs des campagnes ne changent pas."
    if not confirm(parent, question, title, action="Anonymiser…"):
        return False
    count = len(plan.youth_ids)
    acts = [f"anonymiser définitivement {count} dossier(s) (noms, INE, coordonnées et textes libres effacés)"]
    if plan.audit_entries:
        acts.append(f"supprimer {plan.audit_entries} entrée(s) ancienne(s) du journal")
    return confirm(
        parent,
        f"Confirmez-vous : {' et '.join(acts[0 if count else 1 :])} ? Cette action ne peut pas être annulée.",
        title,
        action=f"Anonymiser {count} dossier(s)" if count else "Supprimer les entrées du journal",
    )


def erase_youth_on_request(
    parent: QWidget | None, context: AppContext, youth_id: int, version: int | None = None
) -> bool:
    """«Effacer les données de ce jeune» (the person's request): anonymise, or delete the whole file, after the
    preview of what goes; the operation `pae-desktop erase` calls, audited alike."""
    from pae_desktop.core.operations.protection import erase, erasure_lines

    title = "Effacer les données du jeune"
    try:
        with context.db.read() as session:
            removed = erasure_lines(session, youth_id, anonymise=False)
            name = _typed_name(session, youth_id)
    except UserError as error:
        QMessageBox.warning(parent, title, str(error))
        return False
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        title,
        "À la demande de la personne, ses données peuvent être anonymisées (les statistiques de la campagne "
        "restent justes) ou son dossier supprimé entièrement. L'opération est inscrite au journal et ne peut "
        "pas être annulée.",
        parent=parent,
    )
    box.setInformativeText("\n".join(removed[:2]))
    anonymise = box.addButton("Anonymiser", QMessageBox.ButtonRole.DestructiveRole)
    delete = box.addButton("Supprimer le dossier", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton("Annuler", QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(cancel)  # Entrée and Échap keep the file
    box.setEscapeButton(cancel)
    box.exec()
    clicked = box.clickedButton()
    if clicked not in (anonymise, delete):
        return False
    act = "Anonymiser" if clicked is anonymise else "Supprimer le dossier"
    what = "anonymisé" if clicked is anonymise else "supprimé entièrement"
    text = f"{removed[0]}\n\nLe dossier sera {what}. Cette action ne peut pas être annulée."
    if not confirm_by_typing(parent, text, name, act, title):
        return False
    try:
        result = erase(context.db, youth_id, anonymise=clicked is anonymise, version=version)
    except UserError as error:
        QMessageBox.warning(parent, title, str(error))
        return False
    context.apply(result)
    return True


def _typed_name(session, youth_id: int) -> str:
    """The name typed to confirm an erasure: «DURAND Léa» (the file's number when it has no name left)."""
    from pae_desktop.core.models import Youth

    youth = session.get(Youth, youth_id)
    return youth.display_name or f"n° {youth_id}"


# --- wiring into the main window --------------------------------------------------------------------------------------


class _CloseBackup(QObject):
    """Takes the closing backup when the window receives its close event (before it closes the database)."""

    def __init__(self, window: QWidget, context: AppContext) -> None:
        super().__init__(window)
        self.window = window
        self.context = context

    def eventFilter(self, watched, event) -> bool:  # noqa: N802
        if watched is self.window and event.type() == QEvent.Type.Close:
            from pae_desktop.ui.backup_dialog import backup_on_close

            backup_on_close(self.context)
        return False


@dataclass
class DataProtection:
    """What `install_data_protection` added to a window."""

    actions: list[QAction]
    idle_lock: object
    close_backup: _CloseBackup


def _idle_delay_unread(error: BaseException) -> None:
    """The idle delay could not be read (the base busy, damaged): the lock keeps its delay, the log says why."""
    log.warning("Délai de verrouillage non lu : %s", error)


def install_data_protection(
    window: QMainWindow, context: AppContext, *, maintenance: bool = True
) -> DataProtection:
    """One call from the main window: a «Protection des données» menu (backups, audit log, retention review),
    the idle lock of an encrypted database, the closing backup, and — once the event loop runs, so after the
    window is shown — the start-up integrity check, automatic backup and retention scan in the background."""
    # The dialogs are imported when opened, the maintenance started once the window is painted: start-up
    # pays for neither before the window shows.
    from pae_desktop.ui.lock_screen import install_idle_lock

    def open_backups() -> None:
        from pae_desktop.ui.backup_dialog import BackupDialog

        BackupDialog(context, window).exec()

    def open_audit_log() -> None:
        from pae_desktop.ui.audit_view import AuditDialog

        AuditDialog(context, window).exec()

    def maintain() -> None:
        from pae_desktop.ui.backup_dialog import run_startup_maintenance

        run_startup_maintenance(window, context)

    menu = window.menuBar().addMenu("Protection des &données")
    actions = []
    for text, slot in (
        ("&Sauvegardes et restauration…", open_backups),
        ("&Journal des accès et des modifications…", open_audit_log),
        ("&Dossiers à anonymiser…", lambda: review_retention(window, context)),
    ):
        action = QAction(text, window)
        action.triggered.connect(slot)
        menu.addAction(action)
        actions.append(action)
    # the idle delay is read once the window is painted: start-up does not wait for the settings
    idle_lock = install_idle_lock(window, context.db, minutes=0)

    def read_idle_delay(_progress) -> float:
        from pae_desktop.core import settings

        with context.db.read() as session:
            return float(settings.get(session, settings.LOCK_AFTER_MINUTES) or 0)

    def start_idle_lock() -> None:
        # On a worker thread: the first read of a setting declares the ORM models, a sixth of a second that
        # froze the window just painted and held back the loading of its lists.
        run_task(window, "Délai de verrouillage", read_idle_delay, idle_lock.set_minutes, _idle_delay_unread, quiet=True)

    lock_action = QAction("&Verrouiller", window)
    lock_action.setShortcut(QKeySequence("Ctrl+L"))
    lock_action.setStatusTip("Masquer les données jusqu'à la saisie du code ou de la phrase de passe")

    def lock_now() -> None:
        if not idle_lock.lock():
            QMessageBox.information(
                window,
                "Verrouiller",
                "Définissez d'abord un code de verrouillage dans Paramètres → Protection des données "
                "(ou chiffrez la base) : sans lui, l'application ne pourrait pas être déverrouillée.",
            )

    lock_action.triggered.connect(lock_now)
    menu.addSeparator()
    menu.addAction(lock_action)
    actions.append(lock_action)
    close_backup = _CloseBackup(window, context)
    window.installEventFilter(close_backup)
    QTimer.singleShot(0, lambda: after_first_paint(window, start_idle_lock))
    context.data_changed.connect(lambda _topics: start_idle_lock())  # the settings saved: the new delay
    if maintenance:  # after the first lists when a child derives them (`pae_desktop.first_lists`)
        from pae_desktop.first_lists import after_first_lists

        QTimer.singleShot(0, lambda: after_first_paint(window, lambda: after_first_lists(window, maintain)))
    return DataProtection(actions, idle_lock, close_backup)
