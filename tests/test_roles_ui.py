"""The window and the staff roles (issue 19 §6): the login asked at start-up, what a role cannot do disabled."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QDialog, QPushButton, QVBoxLayout

from pae_desktop.core.errors import UserError
from pae_desktop.storage import shared
from pae_desktop.storage.database import read_config_url
from pae_desktop.storage.roles import EQUIPE, LECTURE, Access
from pae_desktop.ui import login_dialog
from pae_desktop.ui.role_guard import RESERVED, RoleGuard
from test_roles import _open, server  # noqa: F401 - the module-scoped server with its three logins

SERVER = "postgresql+psycopg://127.0.0.1:5432/pae"


def _opener(accepted_user: str, accepted_password: str, seen: list):
    def opener(_folder, url):
        seen.append(url)
        parsed = shared.server_settings(url) if url else None
        if parsed is None or (parsed.user, parsed.password) != (accepted_user, accepted_password):
            raise shared.LoginRequired(f"Connexion impossible : {shared.AUTH_REFUSED}")
        return "base ouverte"

    return opener


def test_the_login_is_asked_when_the_server_wants_one_and_never_written(tmp_path, monkeypatch):
    shared.write_config_url(tmp_path, SERVER)
    asked = []
    monkeypatch.setattr(
        login_dialog, "ask", lambda where, user, problem, parent=None: asked.append(problem) or ("alice", "s3cret")
    )
    seen: list = []
    assert login_dialog.open_with_login(tmp_path, None, _opener("alice", "s3cret", seen)) == "base ouverte"
    assert seen[0] is None and "alice:s3cret@" in seen[-1]  # config.ini's URL first, then the typed login
    assert asked == [f"Connexion impossible : {shared.AUTH_REFUSED}"]
    assert read_config_url(tmp_path) == SERVER  # nothing written


def test_a_wrong_password_is_asked_again_then_refused(tmp_path, monkeypatch):
    shared.write_config_url(tmp_path, SERVER)
    monkeypatch.setattr(login_dialog, "ask", lambda *a, **k: ("alice", "faux"))
    with pytest.raises(UserError, match="refusé par le serveur"):
        login_dialog.open_with_login(tmp_path, None, _opener("alice", "s3cret", []), attempts=2)


def test_cancelling_the_login_opens_nothing(tmp_path, monkeypatch):
    shared.write_config_url(tmp_path, SERVER)
    monkeypatch.setattr(login_dialog, "ask", lambda *a, **k: None)
    with pytest.raises(UserError, match="Connexion au serveur annulée"):
        login_dialog.open_with_login(tmp_path, None, _opener("alice", "s3cret", []))


def test_the_login_dialog_wants_an_identifier(qtbot):
    dialog = login_dialog.LoginDialog("PostgreSQL serveur:5432/pae", "", "")
    qtbot.addWidget(dialog)
    dialog._accept()
    assert dialog.result() != QDialog.DialogCode.Accepted and "identifiant" in dialog.problem.text()


@pytest.mark.parametrize(
    ("role", "text", "reserved"),
    [
        (EQUIPE, "Exporter le fichier &FOQUALE…", True),
        (EQUIPE, "Effacer les données du jeune…", True),
        (EQUIPE, "&Paramètres…", True),
        (EQUIPE, "Noter une &tentative de contact…", False),
        (EQUIPE, "Supprimer la fiche…", False),
        (LECTURE, "Noter une &tentative de contact…", True),
        (LECTURE, "Enregistrer", True),
        (LECTURE, "Rechercher", False),
    ],
)
def test_what_each_role_cannot_do(qtbot, role, text, reserved):
    guard = RoleGuard(Access("alice", role))
    assert guard.reserved(text) is reserved


def test_a_reserved_button_stays_disabled_even_when_its_screen_enables_it(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    layout = QVBoxLayout(dialog)
    export, note = QPushButton("Exporter en XLSX…"), QPushButton("Noter")
    layout.addWidget(export)
    layout.addWidget(note)
    guard = RoleGuard(Access("alice", EQUIPE), dialog)
    guard.look_over(dialog)
    export.setEnabled(True)  # what a screen does when a row is selected
    assert not export.isEnabled() and export.toolTip() == RESERVED
    assert note.isEnabled()


# --- on the server, with each login ----------------------------------------------------------------------------


def test_the_window_of_an_equipe_login_disables_the_referent_s_acts(qtbot, server):  # noqa: F811
    from pae_desktop.ui.main_window import MainWindow

    login, url = server["equipe"]
    db = _open(url)
    window = MainWindow(db, maintenance=False)
    qtbot.addWidget(window)
    window.resize(1366, 768)
    window.show()
    try:
        assert login in window.windowTitle()
        for action in (window.settings_action, window.import_action, window.new_youth_action):
            assert not action.isEnabled() and action.toolTip() == RESERVED
        assert window.contact_action.isEnabled()
        later = QDialog(window)  # a dialog opened afterwards is looked over when it shows
        button = QPushButton("Exporter en PDF…", later)
        later.show()
        assert not button.isEnabled()
        later.close()
    finally:
        window.close()
        db.close()


def test_the_owner_sees_the_staff_accounts_and_a_staff_login_does_not(qtbot, server):  # noqa: F811
    from pae_desktop.ui.shared_database import SharedDatabasePage

    owner = _open(server["owner"])
    staff = _open(server["referent"][1])
    try:
        page = SharedDatabasePage(owner)
        qtbot.addWidget(page)
        assert page.accounts is not None and server["equipe"][0] in page.accounts.members.text()
        page.accounts.login.setText("Pas Valide")
        page.accounts.add()
        assert "Identifiant « Pas Valide » refusé" in page.accounts.message.text()
        assert SharedDatabasePage(staff).accounts is None
    finally:
        owner.close()
        staff.close()
