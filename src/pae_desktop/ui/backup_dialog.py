"""Backups in the window: manual backup to a chosen folder, restore with a preview, and the start-up checks.

`run_startup_maintenance` (after the window is shown) runs the integrity check, the automatic backup and the
retention scan in the background; `backup_on_close` takes the closing backup.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFileDialog,  # noqa: F401 - the tests patch its static methods here
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.dates import short_datetime
from pae_desktop.core.errors import UserError
from pae_desktop.core.operations import protection
from pae_desktop.storage import backup as backups
from pae_desktop.storage import paths
from pae_desktop.ui import file_dialogs
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.tasks import run_task
from pae_desktop.ui.widgets import confirm

log = logging.getLogger(__name__)


def _error(parent: QWidget | None, error: BaseException) -> None:
    if isinstance(error, UserError):
        QMessageBox.warning(parent, "PAE Desktop", str(error))
    else:
        log.exception("Échec d'une opération de sauvegarde", exc_info=error)
        QMessageBox.critical(parent, "PAE Desktop", f"L'opération a échoué : {error}")


def confirm_restore(parent: QWidget | None, plan) -> bool:
    """Show what the backup holds and what becomes of the audit trail (a `RestorePlan`), and ask; refusals
    (another school, newer schema, damaged) are said and answered «non»."""
    preview = plan.preview
    text = "\n".join(plan.lines()[:-1] if plan.refusal else plan.lines())
    if plan.other_school:
        QMessageBox.warning(parent, "Restaurer une sauvegarde", text + "\n\n" + plan.other_school)
        return False
    if preview.compatibility() == "newer":
        QMessageBox.warning(
            parent,
            "Restaurer une sauvegarde",
            text
            + "\n\nCette sauvegarde vient d'une version plus récente de PAE Desktop : installez la dernière "
            "version pour la restaurer.",
        )
        return False
    if not preview.sound:
        QMessageBox.warning(parent, "Restaurer une sauvegarde", text + "\n\nCette sauvegarde est endommagée.")
        return False
    return confirm(
        parent,
        text + "\n\nLa base actuelle sera remplacée par cette sauvegarde ; elle est d'abord sauvegardée dans "
        "le dossier des sauvegardes. Restaurer ?",
        "Restaurer une sauvegarde",
        action="Restaurer la sauvegarde",
    )


def backup_kind(name: str) -> str:
    """«automatique», «manuelle», «avant restauration», «avant mise à jour», from a backup's file name."""
    for prefix, label in (
        (backups.MANUAL_PREFIX, "manuelle"),
        (backups.AUTO_PREFIX, "automatique"),
        ("avant-restauration", "avant restauration"),
        ("avant-migration", "avant mise à jour"),
    ):
        if name.startswith(prefix):
            return label
    return "manuelle"


class BackupDialog(QDialog):
    """Where the data lives, the backups kept, «Sauvegarder maintenant…» and «Restaurer…»."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.setWindowTitle("Sauvegardes")
        self.resize(760, 440)
        db = context.db
        where = QLabel(
            f"Vos données sont dans : {db.file or db.url}\n"
            f"Sauvegardes automatiques (au démarrage et à la fermeture) : {Path(db.data_dir) / paths.BACKUP_DIR}\n"
            + ("Base chiffrée : les sauvegardes le sont aussi." if db.passphrase else "Base non chiffrée.")
        )
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setWordWrap(True)
        self.table = QTableWidget(0, 4)
        self.table.setAccessibleName("Sauvegardes disponibles")
        self.table.setHorizontalHeaderLabels(["Date", "Type", "Fichier", "Taille"])
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.backup_button = QPushButton("&Sauvegarder maintenant…")
        self.restore_button = QPushButton("&Restaurer la sauvegarde choisie…")
        self.restore_file_button = QPushButton("Restaurer depuis un &fichier…")
        self.backup_button.clicked.connect(self.backup_now)
        self.restore_button.clicked.connect(self.restore_selected)
        self.restore_file_button.clicked.connect(self.restore_from_file)
        self.table.itemSelectionChanged.connect(self._selection_changed)
        buttons = QHBoxLayout()
        for button in (self.backup_button, self.restore_button, self.restore_file_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(where)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addWidget(close)
        self.reload()

    def reload(self) -> None:
        files = backups.candidate_backups(self.context.db.data_dir)
        self.table.setRowCount(len(files))
        for row, file in enumerate(files):
            stamp = dt.datetime.fromtimestamp(file.stat().st_mtime)
            kind = backup_kind(file.name)
            cells = (short_datetime(stamp), kind, file.name, f"{file.stat().st_size / 1_048_576:.1f} Mo")
            for column, value in enumerate(cells):
                item = QTableWidgetItem(value)
                item.setData(Qt.ItemDataRole.UserRole, str(file))
                self.table.setItem(row, column, item)
        self._selection_changed()

    def _selection_changed(self) -> None:
        self.restore_button.setEnabled(bool(self.table.selectedItems()))

    def selected_file(self) -> Path | None:
        items = self.table.selectedItems()
        return Path(items[0].data(Qt.ItemDataRole.UserRole)) if items else None

    def backup_now(self) -> None:
        folder = file_dialogs.existing_directory(
            self, file_dialogs.BACKUP, "Dossier de la sauvegarde (une clé USB, par exemple)", str(Path.home())
        )
        if not folder:
            return
        db = self.context.db

        def done(result) -> None:
            self.reload()
            self.context.apply(result)
            QMessageBox.information(
                self, "Sauvegarde", "\n".join((f"Sauvegarde écrite : {result.file}", *result.warnings))
            )

        run_task(
            self,
            "Sauvegarde en cours…",
            lambda _progress: protection.backup(db, folder),
            done,
            lambda error: _error(self, error),
        )

    def restore_selected(self) -> None:
        file = self.selected_file()
        if file is not None:
            self.restore(file)

    def restore_from_file(self) -> None:
        name, _ = file_dialogs.open_file_name(
            self, file_dialogs.BACKUP,
            "Sauvegarde à restaurer",
            str(Path.home()),
            "Sauvegardes PAE Desktop (*.db);;Tous les fichiers (*)",
        )
        if name:
            self.restore(Path(name))

    def restore(self, file: Path) -> None:
        db = self.context.db
        try:
            plan = protection.plan_restore(db, file)
        except UserError as error:
            _error(self, error)
            return
        if not confirm_restore(self, plan):
            return

        def done(result) -> None:
            self.reload()
            self.context.apply(result)
            lines = ["La sauvegarde a été restaurée."]
            if result.file:
                lines.append(f"L'ancienne base a été sauvegardée dans {result.file}.")
            lines.append(
                f"Journal conservé : {result.count} événement(s) reporté(s), "
                f"{len(result.ids.get('youth', ()))} effacement(s) ou anonymisation(s) appliqué(s) à nouveau."
            )
            QMessageBox.information(self, "Restauration", "\n".join((*lines, *result.warnings)))

        run_task(
            self,
            "Restauration en cours…",
            lambda _progress: protection.restore(db, file),
            done,
            lambda error: _error(self, error),
        )


# --- start-up and closing -------------------------------------------------------------------------------------------


def run_startup_maintenance(window: QWidget, context: AppContext, today: dt.date | None = None) -> None:
    """After the window is shown: `quick_check`, then the automatic backup, then the retention scan, in the
    background; a damaged database is reported with the way to the last good backup, due retention shown for
    confirmation."""
    from pae_desktop.core.services.retention import plan_retention

    db = context.db

    def work(_progress):
        problem = backups.startup_check(db)
        copy = None if problem else backups.automatic_backup(db)
        with db.read() as session:
            plan = plan_retention(session, today)
        return problem, copy, plan

    def done(result) -> None:
        problem, _copy, plan = result
        if problem:
            box = QMessageBox(QMessageBox.Icon.Critical, "Base de données endommagée", problem, parent=window)
            restore = box.addButton("Restaurer une sauvegarde…", QMessageBox.ButtonRole.AcceptRole)
            box.addButton("Fermer", QMessageBox.ButtonRole.RejectRole)
            box.exec()
            if box.clickedButton() is restore:
                BackupDialog(context, window).exec()
            return
        if plan.empty or plan.demo:
            return
        from pae_desktop.ui.data_protection import confirm_purge

        if not confirm_purge(window, plan, "Ces dossiers ont atteint la fin de leur durée de conservation :\n\n"):
            return
        context.apply(protection.purge(db, plan.today))

    run_task(
        window, "Vérification de la base et sauvegarde…", work, done, lambda error: _error(window, error)
    )


def backup_on_close(context: AppContext) -> None:
    """The closing backup (never blocks the closing: a failure is logged)."""
    try:
        backups.automatic_backup(context.db)
    except Exception:  # noqa: BLE001 - closing goes on
        log.exception("Sauvegarde automatique à la fermeture impossible")
