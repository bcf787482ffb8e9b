"""«Base partagée»: point this workstation at a PostgreSQL server (config.ini), test the connection first."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from pae_desktop.core.errors import UserError
from pae_desktop.storage import paths, shared
from pae_desktop.storage.database import Database, read_config_url
from pae_desktop.ui import tasks
from pae_desktop.ui.widgets import MessageLabel, confirm, labelled

RESTART = "Le changement prendra effet au prochain démarrage de PAE Desktop."


class SharedDatabasePage(QWidget):
    """Local file or PostgreSQL server. Written to `config.ini` of the data folder, never into the database."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.local = QRadioButton("Base &locale : un fichier sur ce poste (un seul poste de travail)")
        self.server = QRadioButton("&Serveur PostgreSQL partagé (plusieurs postes du lycée)")
        self.host = QLineEdit()
        self.host.setPlaceholderText("ex. serveur-lycee ou 192.168.1.20")
        self.port = QSpinBox()
        self.port.setRange(1, 65535)
        self.port.setValue(shared.DEFAULT_PORT)
        self.database = QLineEdit("pae")
        self.user = QLineEdit()
        self.user.setPlaceholderText("vide : chacun saisit son identifiant au démarrage")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("pour le test seulement : jamais enregistré")
        self.password.setToolTip(
            "Le mot de passe n'est jamais enregistré : chacun le saisit au démarrage, ou le place dans son fichier "
            ".pgpass"
        )
        self.test_button = QPushButton("&Tester la connexion")
        self.apply_button = QPushButton("&Utiliser ce réglage")
        self.apply_button.setToolTip("Enregistre le réglage dans config.ini (dossier des données de ce poste)")
        self.copy_button = QPushButton("&Copier les dossiers de ce poste vers le serveur…")
        self.copy_button.setToolTip(
            "Pour passer à la base partagée sans ressaisir les dossiers : la base du serveur doit être vide"
        )
        self.message = MessageLabel()

        current = QLabel(f"Base utilisée actuellement : {shared.describe(db.url) if not db.is_sqlite else db.file}")
        current.setWordWrap(True)
        current.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        note = QLabel(
            "Avec un serveur, plusieurs personnes (référent, CPE, DDFPT…) travaillent sur les mêmes dossiers, "
            "chacune avec son propre compte PostgreSQL et son rôle. Le réglage est enregistré dans le fichier "
            "config.ini du dossier des données de ce poste, sans le mot de passe : il est demandé au démarrage "
            "(ou lu dans le fichier .pgpass de la personne). Les sauvegardes automatiques et le journal restent sur "
            "ce poste ; la sauvegarde du serveur relève de son administrateur."
        )
        note.setWordWrap(True)
        note.setStyleSheet("color: #555;")

        self.server_form = QWidget()
        form = QFormLayout(self.server_form)
        form.addRow(labelled("Ser&veur :", self.host), self.host)
        form.addRow(labelled("&Port :", self.port), self.port)
        form.addRow(labelled("&Base :", self.database), self.database)
        form.addRow(labelled("Utilisat&eur :", self.user), self.user)
        form.addRow(labelled("&Mot de passe :", self.password), self.password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.test_button)
        buttons.addStretch()
        buttons.addWidget(self.apply_button)

        layout = QVBoxLayout(self)
        layout.addWidget(current)
        layout.addWidget(self.local)
        layout.addWidget(self.server)
        layout.addWidget(self.server_form)
        layout.addLayout(buttons)
        layout.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.message)
        layout.addWidget(note)
        self.accounts: StaffAccountsBox | None = None
        if not db.is_sqlite and db.access.is_admin:  # «Administrer la base partagée»: its owner only
            self.accounts = StaffAccountsBox(db)
            layout.addWidget(self.accounts)
        elif not db.is_sqlite:
            layout.addWidget(QLabel(f"Connecté en tant que {db.access.login} (rôle {db.access.label})."))
        layout.addStretch()

        self.server.toggled.connect(self._mode_changed)
        self.test_button.clicked.connect(self.test)
        self.apply_button.clicked.connect(self.apply)
        self.copy_button.clicked.connect(self.copy_to_server)
        self._load()

    def _load(self) -> None:
        configured = read_config_url(self.db.data_dir)
        url = configured if shared.is_server_url(configured) else (None if self.db.is_sqlite else self.db.url)
        if url:
            values = shared.server_settings(url)
            self.host.setText(values.host)
            self.port.setValue(values.port)
            self.database.setText(values.database)
            self.user.setText(values.user)
            self.password.setText(values.password)
        self.server.setChecked(bool(url))
        self.local.setChecked(not url)
        self._mode_changed(bool(url))

    def _mode_changed(self, server: bool) -> None:
        self.server_form.setEnabled(server)
        self.test_button.setEnabled(server)
        self.copy_button.setEnabled(server and self.db.is_sqlite)

    def settings(self) -> shared.ServerSettings:
        return shared.ServerSettings(
            host=self.host.text(),
            port=self.port.value(),
            database=self.database.text(),
            user=self.user.text(),
            password=self.password.text(),
        )

    def test(self) -> bool:
        self.message.show_info("Connexion en cours…")
        self.repaint()
        try:
            report = shared.check_connection(self.settings().url())
        except UserError as error:
            self.message.show_error(str(error))
            return False
        self.message.show_info(report.message())
        return True

    def apply(self) -> bool:
        """Write config.ini: the server's URL after a successful test, or no URL for the local file."""
        if self.server.isChecked():
            if not self.test():
                return False
            url = self.settings().url()
        else:
            url = None
            local = self.db.data_dir / paths.DATABASE_FILE
            if not confirm(self, f"Revenir à la base locale de ce poste ({local}) ? {RESTART}"):
                return False
        try:
            shared.write_config_url(self.db.data_dir, url)
        except OSError as error:
            self.message.show_error(f"Impossible d'écrire {paths.CONFIG_FILE} : {error}")
            return False
        where = shared.describe(url) if url else "la base locale"
        self.message.show_info(f"Réglage enregistré : {where}. {RESTART}")
        return True

    def copy_to_server(self) -> None:
        """Move this workstation's files to an empty server database, then use the server from the next start."""
        try:
            url = self.settings().url()
        except UserError as error:
            self.message.show_error(str(error))
            return
        if not confirm(
            self,
            f"Copier tous les dossiers de ce poste vers {shared.describe(url)} ? La base du serveur doit être vide. "
            f"Ensuite ce poste utilisera le serveur ; la base locale reste intacte dans le dossier des données. {RESTART}",
        ):
            return
        engine = self.db.engine

        def work(progress) -> dict[str, int]:
            progress(0, 0, "Copie des dossiers vers le serveur…")
            return shared.copy_to_server(engine, url, progress)

        def done(counts: dict[str, int]) -> None:
            try:
                shared.write_config_url(self.db.data_dir, url)
            except OSError as error:
                self.message.show_error(f"Dossiers copiés, mais impossible d'écrire {paths.CONFIG_FILE} : {error}")
                return
            youths = counts.get("youth", 0)
            self.message.show_info(
                f"{youths} dossier{'s' if youths > 1 else ''} de jeune{'s' if youths > 1 else ''} copié"
                f"{'s' if youths > 1 else ''} vers le serveur. {RESTART}"
            )

        def failed(error: BaseException) -> None:
            self.message.show_error(str(error) if isinstance(error, UserError) else f"La copie a échoué : {error}")

        tasks.run_task(self, "Copie vers le serveur…", work, done, failed)


ROLE_CHOICES = (
    ("equipe", "pae_equipe : consulter, noter contacts, entretiens et suivi"),
    ("lecture", "pae_lecture : consulter seulement"),
    ("referent", "pae_referent : tout, exports, effacement et réglages compris"),
)


class StaffAccountsBox(QGroupBox):
    """«Administrer la base partagée»: the three roles and the staff's own logins (storage/roles.py)."""

    def __init__(self, db: Database, parent: QWidget | None = None) -> None:
        super().__init__("Administrer la base partagée : comptes du personnel", parent)
        self.db = db
        self.install_button = QPushButton("Créer ou mettre à jour les &rôles")
        self.install_button.setToolTip("pae_referent, pae_equipe, pae_lecture : droits appliqués par le serveur")
        self.login = QLineEdit()
        self.login.setPlaceholderText("ex. m.durand")
        self.role = QComboBox()
        for code, label in ROLE_CHOICES:
            self.role.addItem(label, code)
        self.new_password = QLineEdit()
        self.new_password.setEchoMode(QLineEdit.EchoMode.Password)
        self.new_password.setPlaceholderText("transmis au serveur seulement ; vide : inchangé")
        self.add_button = QPushButton("&Donner ce rôle au compte")
        self.remove_button = QPushButton("Retirer l'&accès")
        self.members = QLabel()
        self.members.setWordWrap(True)
        self.members.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.message = MessageLabel()
        form = QFormLayout()
        form.addRow(labelled("Ide&ntifiant PostgreSQL :", self.login), self.login)
        form.addRow(labelled("Rô&le :", self.role), self.role)
        form.addRow(labelled("Mot de passe du &compte :", self.new_password), self.new_password)
        buttons = QHBoxLayout()
        buttons.addWidget(self.install_button)
        buttons.addStretch()
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.add_button)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(self.members)
        layout.addWidget(self.message)
        self.install_button.clicked.connect(self.install)
        self.add_button.clicked.connect(self.add)
        self.remove_button.clicked.connect(self.remove)
        self.refresh()

    def refresh(self) -> None:
        from pae_desktop.storage import roles

        try:
            installed = roles.installed(self.db.engine)
            members = roles.members(self.db.engine) if installed else []
        except UserError as error:
            self.members.setText(str(error))
            return
        if not installed:
            self.members.setText("Les rôles n'existent pas encore : tout compte connecté a tous les droits.")
        else:
            lines = [f"{role} : {', '.join(login for login, r in members if r == role) or '(aucun compte)'}"
                     for role in (roles.REFERENT, roles.EQUIPE, roles.LECTURE)]
            self.members.setText("\n".join(lines))
        self.add_button.setEnabled(installed)
        self.remove_button.setEnabled(installed)

    def _run(self, work, done: str) -> None:
        try:
            work()
        except UserError as error:
            self.message.show_error(str(error))
            return
        self.new_password.clear()
        self.message.show_info(done)
        self.refresh()

    def install(self) -> None:
        from pae_desktop.storage import roles

        self._run(lambda: roles.install_roles(self.db.engine), "Rôles créés ou mis à jour ; le serveur applique leurs droits.")

    def add(self) -> None:
        from pae_desktop.storage import roles

        login, role = self.login.text().strip(), self.role.currentData()
        self._run(
            lambda: roles.set_login(self.db.engine, login, role, self.new_password.text() or None),
            f"Le compte {login} a le rôle {roles.role_name(role) if role else ''}.",
        )

    def remove(self) -> None:
        from pae_desktop.storage import roles

        login = self.login.text().strip()
        if not confirm(
            self,
            f"Retirer à {login} l'accès à la base partagée ? Son compte reste sur le serveur.",
            action="Retirer l'accès",
        ):
            return
        self._run(lambda: roles.remove_login(self.db.engine, login), f"{login} n'a plus accès à cette base.")
