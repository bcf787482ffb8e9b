"""The recovery screen: the data folder's database fails the start-up check (empty, truncated, damaged, foreign,
newer). It names the problem, lists the backups of `sauvegardes/` and restores the chosen one through the restore
operation, the damaged file set aside (renamed, never deleted). Never a welcome screen beside backups."""

from __future__ import annotations

import os
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMainWindow,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.dates import short_datetime
from pae_desktop.core.errors import UserError
from pae_desktop.storage import diagnosis, encryption
from pae_desktop.ui.keyboard import on_enter
from pae_desktop.ui.table_model import CENTER, GREY, RIGHT, Column, TableModel
from pae_desktop.ui.widgets import MessageLabel, confirm


def _when(entry: diagnosis.BackupEntry) -> str:
    return short_datetime(entry.taken_at, "date inconnue", joiner=" à ")


COLUMNS = (
    Column("Date", _when, sort=lambda e: e.taken_at),
    Column(
        "Jeunes",
        lambda e: "—" if e.youths is None else str(e.youths),
        sort=lambda e: -1 if e.youths is None else e.youths,
        align=RIGHT,
    ),
    Column("Chiffrée", lambda e: "oui" if e.encrypted else "non", align=CENTER),
    Column(
        "État",
        lambda e: ("utilisable" if not e.note else f"utilisable ({e.note})") if e.usable else e.note,
        foreground=lambda e: None if e.usable else GREY,
    ),
    Column("Fichier", lambda e: e.path.name, tooltip=lambda e: str(e.path)),
)


class RecoveryPage(QWidget):
    """The page itself: the problem, the backups, «Restaurer» (and «Commencer une base vide» without backups)."""

    recovered = Signal()

    def __init__(
        self, data_dir: Path, damage: diagnosis.Damage, url: str | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.data_dir, self.damage, self.url = Path(data_dir), damage, url
        title = QLabel("La base de données ne peut pas être ouverte")
        title.setStyleSheet("font-size: 18pt; font-weight: bold;")
        self.problem = QLabel(damage.message())
        self.problem.setWordWrap(True)
        self.problem.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.problem.setStyleSheet("color: #b00020;")
        advice = QLabel(
            "Choisissez une sauvegarde à restaurer. Le fichier actuel sera mis de côté sous le nom "
            f"« {damage.file.name}{diagnosis.DAMAGED_SUFFIX}AAAAMMJJ-HHMMSS » dans le dossier des données : "
            "il n'est jamais effacé (un technicien pourra tenter d'en extraire des données)."
        )
        advice.setWordWrap(True)
        self.model = TableModel(COLUMNS)
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.table.setAccessibleName("Sauvegardes disponibles")
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setStretchLastSection(True)
        self.table.doubleClicked.connect(lambda _index: self.restore_selected())
        on_enter(self.table, lambda: self.restore_selected())
        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.restore_button = QPushButton("&Restaurer la sauvegarde choisie")
        self.restore_button.clicked.connect(self.restore_selected)
        self.fresh_button = QPushButton("Mettre le fichier de côté et commencer une base &vide")
        self.fresh_button.clicked.connect(self.start_fresh)
        self.message = MessageLabel()
        where = QLabel(f"Dossier des données : {self.data_dir}")
        where.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        where.setStyleSheet("color: #555;")

        card = QWidget()
        card.setMaximumWidth(900)
        layout = QVBoxLayout(card)
        for widget in (title, self.problem, advice, self.table, self.empty_label, self.message):
            layout.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addStretch()
        buttons.addWidget(self.fresh_button)
        buttons.addWidget(self.restore_button)
        layout.addLayout(buttons)
        layout.addWidget(where)
        outer = QVBoxLayout(self)
        outer.addWidget(card, 0, Qt.AlignmentFlag.AlignHCenter)
        self.reload()

    def reload(self) -> None:
        key = os.environ.get(encryption.PASSPHRASE_ENV) or None
        entries = diagnosis.list_backups(self.data_dir, key)
        self.model.set_rows(entries)
        usable = [e for e in entries if e.usable]
        self.table.resizeColumnsToContents()
        self.restore_button.setEnabled(bool(usable))
        # a new database is offered only when there is no backup to restore: never a welcome screen beside them
        self.fresh_button.setVisible(not usable)
        if usable:
            self.table.selectRow(max(self.model.row_of(usable[0].id), 0))
            self.empty_label.hide()
        else:
            self.empty_label.setText(
                f"Aucune sauvegarde utilisable dans {self.data_dir / 'sauvegardes'}. Si vous avez une copie "
                "ailleurs (clé USB), copiez-la dans ce dossier puis relancez l'application."
            )
            self.empty_label.show()

    def selected(self) -> diagnosis.BackupEntry | None:
        rows = self.table.selectionModel().selectedRows()
        return self.model.row_at(rows[0].row()) if rows else None

    def restore_selected(self) -> None:
        entry = self.selected()
        if entry is None or not entry.usable:
            self.message.show_error("Choisissez une sauvegarde utilisable dans la liste.")
            return
        youths = "" if entry.youths is None else f" ({entry.youths} jeunes)"
        if not confirm(self, f"Restaurer la sauvegarde du {_when(entry)}{youths} ? Le fichier endommagé sera "
                       "mis de côté, jamais effacé.", action="Restaurer la sauvegarde"):
            return
        key = None
        if entry.encrypted:
            key = os.environ.get(encryption.PASSPHRASE_ENV) or self._ask_passphrase(entry.path)
            if key is None:
                return
        self._restore(entry.path, key)

    def _ask_passphrase(self, path: Path) -> str | None:
        typed, ok = QInputDialog.getText(
            self, "Sauvegarde chiffrée", f"Phrase de passe de la sauvegarde\n{path.name}", QLineEdit.EchoMode.Password
        )
        return typed if ok and typed else None

    def _restore(self, source: Path, key: str | None) -> None:
        from pae_desktop.core.operations.protection import restore
        from pae_desktop.storage.restore import open_for_restore

        try:
            db = open_for_restore(self.data_dir, self.url)
            try:
                restore(db, source, backup_passphrase=key)
            finally:
                db.close()
        except UserError as error:
            self.message.show_error(str(error))
            self.reload()
            return
        self.recovered.emit()

    def start_fresh(self) -> None:
        if not confirm(
            self,
            "Mettre le fichier actuel de côté (jamais effacé) et commencer une base vide ?",
            action="Commencer une base vide",
        ):
            return
        from pae_desktop.storage.lock import WriterLock
        from pae_desktop.storage.paths import LOCK_FILE

        lock = WriterLock(self.data_dir / LOCK_FILE)
        try:
            lock.acquire()
            try:
                if diagnosis.diagnose(self.damage.file) is not None:
                    diagnosis.set_aside(self.damage.file)
            finally:
                lock.release()
        except (UserError, OSError) as error:
            self.message.show_error(str(error))
            return
        self.recovered.emit()


class RecoveryWindow(QMainWindow):
    """The recovery page in its own window; once a backup is restored, the main window opens in its place."""

    def __init__(self, data_dir: Path, damage: diagnosis.Damage, url: str | None = None) -> None:
        super().__init__()
        self.setWindowTitle("PAE Desktop — récupération de la base de données")
        self.resize(1100, 700)
        self.page = RecoveryPage(data_dir, damage, url, self)
        self.setCentralWidget(self.page)
        self.page.recovered.connect(self.open_main_window)
        self.data_dir, self.url = Path(data_dir), url
        self.main_window = None

    def open_main_window(self) -> None:
        from pae_desktop.ui.lock_screen import open_database_with_prompt
        from pae_desktop.ui.main_window import MainWindow

        try:
            db = open_database_with_prompt(self.data_dir, self.url)  # the prompt outlives this window
        except diagnosis.DamagedDatabase as error:
            self.page.damage = error.damage
            self.page.problem.setText(error.damage.message())
            self.page.reload()
            return
        except UserError as error:
            self.page.message.show_error(str(error))
            return
        self.main_window = MainWindow(db)
        self.main_window.show()
        self.close()
