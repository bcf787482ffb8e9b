"""Staff accounts on the shared server (issue 19 §6): the roles, enforced by PostgreSQL itself, logged per login.

The PostgreSQL tests run on the throwaway server of PAE_TEST_DATABASE_URL (a superuser URL): they create the roles
and three logins, connect as each, and check that the SERVER refuses what the role may not do, that the
application says it in French, and that the audit names the login. Without a server they skip (fail with CI=true).
"""

from __future__ import annotations

import datetime as dt
import uuid

import psycopg
import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

import pg_server
from pae_desktop import cli
from pae_desktop.core import settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import AuditEvent, ContactAttempt, Youth
from pae_desktop.storage import roles, shared
from pae_desktop.storage.database import normalise_url, open_database, read_config_url

TODAY = dt.date(2026, 12, 4)


def _as(url: str, login: str) -> str:
    return make_url(normalise_url(url)).set(username=login).render_as_string(hide_password=False)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@pytest.fixture(scope="module")
def server():
    """A demo database with the roles and one login per role: {"owner": url, "referent": (login, url), …}."""
    from pae_desktop.core.services.demo import generate_demo

    suffix = uuid.uuid4().hex[:8]
    logins = {role: f"q4_{role}_{suffix}" for role in roles.ROLES}
    with pg_server.throwaway_database() as url, pg_server_logins(logins):
        owner = open_database(_data_dir(), url)
        with owner.transaction() as session:
            generate_demo(session, students=12, seed=0, year=2025, today=TODAY)
        roles.install_roles(owner.engine)
        for role, login in logins.items():
            roles.set_login(owner.engine, login, role)
        owner.close()
        yield {"owner": url, **{role: (login, _as(url, login)) for role, login in logins.items()}}


class pg_server_logins:  # noqa: N801 - a context manager used like a function
    """Drop the test's logins when done (after their database is gone: they then hold no privilege)."""

    def __init__(self, logins: dict[str, str]) -> None:
        self.logins = logins

    def __enter__(self):
        return self

    def __exit__(self, *_exc) -> None:
        from sqlalchemy import text

        pg_server.require_server()
        admin = pg_server._admin_engine()
        with admin.connect() as conn:
            for login in self.logins.values():
                conn.execute(text(f'DROP ROLE IF EXISTS "{login}"'))
        admin.dispose()


_folders: list = []


def _data_dir():
    import tempfile
    from pathlib import Path

    folder = Path(tempfile.mkdtemp(prefix="pae-roles-"))
    _folders.append(folder)
    return folder


def _open(url: str):
    return open_database(_data_dir(), url)


def _refused(url: str, statement: str) -> None:
    """The server itself refuses the statement for lack of privilege (SQLSTATE 42501)."""
    with psycopg.connect(_libpq(url)) as conn, pytest.raises(psycopg.errors.InsufficientPrivilege):
        conn.execute(statement)


def _audit_insert(user: str, action: str) -> str:
    """An audit event complete in every column: only the server's rules can refuse it."""
    return (
        "INSERT INTO audit_event (at, os_user, action, entity, field, old_value, new_value, nominative, detail) "
        f"VALUES (now() AT TIME ZONE 'UTC', {user}, '{action}', '', '', '', '', false, '')"
    )


def _youth_id(db) -> int:
    with db.read() as session:
        return session.scalars(select(Youth.id).order_by(Youth.id)).first()


# --- what the server refuses ----------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["referent", "equipe", "lecture"])
def test_nobody_may_update_the_audit_log(server, role):
    _login, url = server[role]
    _refused(url, "UPDATE audit_event SET detail = 'effacé'")


def test_the_referent_cannot_delete_recent_audit_events(server):
    _login, url = server["referent"]
    with psycopg.connect(_libpq(url)) as conn:
        before = conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]
        deleted = conn.execute("DELETE FROM audit_event WHERE at > now() - interval '1 day'").rowcount
        assert deleted == 0  # the policy lets it delete events older than 30 days only (the journal's retention)
        assert conn.execute("SELECT count(*) FROM audit_event").fetchone()[0] == before


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO setting (key, value, version) VALUES ('x', '1', 1)",
        "UPDATE youth SET notes = 'x'",
        "DELETE FROM contact_attempt",
        _audit_insert("current_user", "print"),
    ],
)
def test_lecture_writes_nothing(server, statement):
    _login, url = server["lecture"]
    _refused(url, statement)


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE setting SET value = '1'",
        "INSERT INTO setting (key, value, version) VALUES ('x', '1', 1)",
        "DELETE FROM youth",
        "UPDATE school SET name = 'x'",
        _audit_insert("current_user", "export"),
        _audit_insert("current_user", "erase"),
        _audit_insert("'quelqu''un'", "update"),
    ],
)
def test_equipe_writes_no_setting_deletes_no_youth_exports_nothing_and_signs_its_own_name(server, statement):
    _login, url = server["equipe"]
    _refused(url, statement)


def test_equipe_reads_its_own_audit_events_only(server):
    login, url = server["equipe"]
    with psycopg.connect(_libpq(server["owner"])) as conn:
        conn.execute(_audit_insert("'quelqu''un'", "update"))
        total = conn.execute("SELECT count(*) FROM audit_event").fetchone()[0]
    with psycopg.connect(_libpq(url)) as conn:
        conn.execute(_audit_insert("current_user", "print"))
        users = {row[0] for row in conn.execute("SELECT os_user FROM audit_event")}
    assert total >= 1 and users == {login}  # the event of «quelqu'un» is hidden from it


# --- the application on each login -----------------------------------------------------------------------------


def test_each_login_opens_with_its_role(server):
    for role in roles.ROLES:
        login, url = server[role]
        db = _open(url)
        try:
            assert (db.access.login, db.access.role) == (login, roles.ROLES[role])
        finally:
            db.close()
    owner = _open(server["owner"])
    assert owner.access.is_admin
    owner.close()


def test_equipe_records_a_contact_and_the_audit_names_its_login(server):
    from pae_desktop.core.services import contacts

    login, url = server["equipe"]
    db = _open(url)
    try:
        youth_id = _youth_id(db)
        form = contacts.AttemptForm(at=dt.datetime(2026, 12, 1, 10, 0), channel="SMS", result="JOINT")
        with db.transaction() as session:
            contacts.record_attempt(session, youth_id, form, now=dt.datetime(2026, 12, 1, 11, 0))
        with db.read() as session:
            users = session.scalars(
                select(AuditEvent.os_user).where(AuditEvent.entity == "contact_attempt").order_by(AuditEvent.id.desc())
            ).first()
            assert users == login
            assert session.scalar(select(func.count()).select_from(ContactAttempt).where(ContactAttempt.youth_id == youth_id))
    finally:
        db.close()


def test_equipe_settings_write_is_refused_in_french(server):
    db = _open(server["equipe"][1])
    try:
        with pytest.raises(UserError) as refusal, db.transaction() as session:
            settings.save_settings(session, {settings.UNREACHABLE_AFTER: 7})
        assert str(refusal.value) == "Votre compte (rôle pae_equipe) ne permet pas cette action."
        with db.read() as session:
            assert settings.get(session, settings.UNREACHABLE_AFTER) != 7
    finally:
        db.close()


def test_equipe_export_is_refused_and_writes_no_file(server, tmp_path):
    from pae_desktop.core.operations.exports import export_caseload

    db = _open(server["equipe"][1])
    try:
        target = tmp_path / "jeunes.csv"
        with pytest.raises(UserError, match=r"rôle pae_equipe\) ne permet pas cette action"):
            export_caseload(db, None, target)
        assert not target.exists()
    finally:
        db.close()


def test_lecture_cannot_record_a_contact(server):
    from pae_desktop.core.services import contacts

    db = _open(server["lecture"][1])
    try:
        youth_id = _youth_id(db)
        form = contacts.AttemptForm(at=dt.datetime(2026, 12, 1, 10, 0))
        with pytest.raises(UserError, match="rôle pae_lecture"), db.transaction() as session:
            contacts.record_attempt(session, youth_id, form, now=dt.datetime(2026, 12, 1, 11, 0))
    finally:
        db.close()


def test_the_referent_exports_and_the_audit_names_it(server, tmp_path):
    from pae_desktop.core.operations.exports import export_caseload

    login, url = server["referent"]
    db = _open(url)
    try:
        result = export_caseload(db, None, tmp_path / "jeunes.csv")
        assert result.file.exists() and result.count == 12
        with db.read() as session:
            last = session.scalars(select(AuditEvent).order_by(AuditEvent.id.desc())).first()
            assert (last.action, last.os_user) == ("export", login)
    finally:
        db.close()


# --- the command line ------------------------------------------------------------------------------------------


def test_admin_roles_creates_a_login_idempotently(server, capsys):
    login = f"q4_cli_{uuid.uuid4().hex[:8]}"
    with pg_server_logins({"cli": login}):
        for _ in range(2):  # run twice: the same result
            assert cli.main(["--data-dir", str(_data_dir()), "--database-url", server["owner"], "admin", "roles",
                             "--create-user", login, "--role", "lecture"]) == 0
        assert f"pae_lecture\t{login}" in capsys.readouterr().out
        assert cli.main(["--data-dir", str(_data_dir()), "--database-url", server["owner"], "admin", "roles",
                         "--remove-user", login]) == 0
        assert login not in capsys.readouterr().out


def test_admin_roles_is_refused_to_a_staff_login(server, capsys):
    _login, url = server["referent"]
    assert cli.main(["--data-dir", str(_data_dir()), "--database-url", url, "admin", "roles"]) == 1
    err = capsys.readouterr().err
    assert "Seul le propriétaire de la base" in err and "Traceback" not in err


def test_export_by_equipe_on_the_command_line_exits_1_in_french(server, tmp_path, capsys):
    target = tmp_path / "jeunes.csv"
    code = cli.main(["--data-dir", str(_data_dir()), "--database-url", server["equipe"][1], "export", "caseload",
                     "-o", str(target)])
    assert code == 1 and not target.exists()
    assert "Votre compte (rôle pae_equipe) ne permet pas cette action." in capsys.readouterr().err


# --- without a server ------------------------------------------------------------------------------------------


def test_bad_admin_arguments_are_refused_in_french(tmp_path, capsys):
    assert cli.main(["--data-dir", str(tmp_path), "admin", "roles", "--create-user", "alice"]) == 1
    assert "Précisez le rôle" in capsys.readouterr().err
    assert cli.main(["--data-dir", str(tmp_path), "admin", "roles", "--create-user", "Pae_X!", "--role", "equipe"]) == 1
    assert "Identifiant « Pae_X! » refusé" in capsys.readouterr().err
    assert cli.main(["--data-dir", str(tmp_path), "admin", "roles"]) == 1
    assert "base partagée PostgreSQL" in capsys.readouterr().err


@pytest.mark.parametrize("login", ["pae_alice", "pg_x", "Alice", "a b", "", "x" * 64, "public"])
def test_logins_that_are_refused(login):
    with pytest.raises(UserError, match="Identifiant"):
        roles.check_login(login)


def test_config_ini_never_holds_a_password(tmp_path):
    shared.write_config_url(tmp_path, "postgresql+psycopg://alice:s3cret@serveur:5432/pae")
    assert "s3cret" not in (tmp_path / "config.ini").read_text(encoding="utf-8")
    assert read_config_url(tmp_path) == "postgresql+psycopg://alice@serveur:5432/pae"


def test_a_missing_password_asks_for_a_login():
    class Refused(Exception):
        pass

    refusal = shared.connection_refused(Refused('connection failed: fe_sendauth: no password supplied'))
    assert isinstance(refusal, shared.LoginRequired)
    wrong = shared.connection_refused(Refused('FATAL:  password authentication failed for user "alice"'))
    assert isinstance(wrong, shared.LoginRequired) and "refusé" in str(wrong)
    assert not isinstance(shared.connection_refused(Refused("connection refused")), shared.LoginRequired)


def test_a_local_file_allows_everything_and_audits_the_os_session(data_dir):
    from pae_desktop.core import audit

    db = open_database(data_dir)
    try:
        assert db.access == roles.LOCAL and db.access.is_referent
        with db.transaction() as session:
            audit.record(session, "update", "school", 1)
        with db.read() as session:
            assert session.scalars(select(AuditEvent.os_user)).one() == audit.os_user()
    finally:
        db.close()


def test_the_role_sql_never_grants_update_on_the_audit_log():
    sql = roles.role_statements(["youth", "setting", "audit_event", "contact_attempt"], "pae")
    audit_grants = [s for s in sql if s.startswith("GRANT") and "audit_event" in s]
    assert audit_grants and not any("UPDATE" in s for s in audit_grants)
    assert not any("setting" in s and roles.EQUIPE in s and "INSERT" in s for s in sql)
