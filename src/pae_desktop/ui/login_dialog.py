"""The staff member's own login to the shared server, asked at start-up when neither config.ini nor .pgpass opens it.

The password lives in memory only, for this session: it is never written (config.ini holds the server's address
and at most the user's name; a password kept on the workstation belongs in the user's own .pgpass file).
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLabel, QLineEdit, QVBoxLayout, QWidget

from pae_desktop.core.errors import UserError
from pae_desktop.storage import shared
from pae_desktop.ui.widgets import labelled

CANCELLED = "Connexion au serveur annulée : PAE Desktop n'a rien ouvert."


class LoginDialog(QDialog):
    """User and password for the server named; `problem` says why they are asked (a refusal, a missing one)."""

    def __init__(self, server: str, user: str, problem: str = "", parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Connexion à la base partagée")
        self.setMinimumWidth(460)
        self.user = QLineEdit(user)
        self.user.setAccessibleName("Identifiant")
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Mot de passe")
        intro = QLabel(
            f"Connectez-vous à {server} avec votre compte personnel. Le mot de passe n'est pas enregistré "
            "par PAE Desktop (pour ne plus le saisir, l'administrateur peut le placer dans votre fichier .pgpass)."
        )
        intro.setWordWrap(True)
        self.problem = QLabel(problem)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020;")
        self.problem.setVisible(bool(problem))
        form = QFormLayout()
        form.addRow(labelled("&Identifiant :", self.user), self.user)
        form.addRow(labelled("&Mot de passe :", self.password), self.password)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Se &connecter")
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.problem)
        layout.addLayout(form)
        layout.addWidget(buttons)
        (self.password if user else self.user).setFocus()

    def _accept(self) -> None:
        if not self.user.text().strip():
            self.problem.setText("Indiquez votre identifiant.")
            self.problem.setVisible(True)
            return
        self.accept()


def ask(server: str, user: str, problem: str, parent: QWidget | None = None) -> tuple[str, str] | None:
    """The user and password typed, or None when the dialog is cancelled (replaced in tests)."""
    dialog = LoginDialog(server, user, problem, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.user.text().strip(), dialog.password.text()


def open_with_login(data_dir, url: str | None, opener: Callable, parent: QWidget | None = None, attempts: int = 3):
    """`opener(data_dir, url)` (the database); when the server wants a login, ask it (at most `attempts` times)."""
    from pae_desktop.storage.database import database_url
    from pae_desktop.storage.paths import resolve_data_dir

    try:
        return opener(data_dir, url)
    except shared.LoginRequired as refusal:
        problem = str(refusal)
    resolved = database_url(resolve_data_dir(data_dir), url)
    user = shared.server_settings(resolved).user
    for _attempt in range(attempts):
        typed = ask(shared.describe(resolved).replace(f"{user}@", "", 1) if user else shared.describe(resolved),
                    user, problem, parent)
        if typed is None:
            raise UserError(CANCELLED)
        user, password = typed
        try:
            return opener(data_dir, shared.with_login(resolved, user, password))
        except shared.LoginRequired as refusal:
            problem = str(refusal)
    raise UserError(problem)
