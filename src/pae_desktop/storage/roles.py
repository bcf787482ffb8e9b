"""Staff accounts on a shared PostgreSQL database: three roles the server itself enforces, and who is connected.

The roles (created by the database's owner, «Administrer la base partagée» or `pae-desktop admin roles`):

- `pae_referent`: everything the application does (imports, exports, erasure, settings, purge).
- `pae_equipe`: reads the caseload and records contacts, slots, interviews, pathways, follow-up and phase 1;
  may correct a youth's details (UPDATE), never creates nor deletes a youth, writes no setting, no school, no
  campaign, no directory; its audit events can never be an export, an erasure, an anonymisation, an import or a
  restore, so the server refuses these operations whole (each writes its audit event in its own transaction).
- `pae_lecture`: reads only; writes nothing, not even the audit log.

The audit table `audit_event` is INSERT-only: no role may UPDATE it; row-level security makes every role write
its own login in `os_user` (the application cannot forge another name), lets `pae_equipe` and `pae_lecture` read
their own events only (the log is the referent's control tool), and lets `pae_referent` DELETE only events older
than 30 days (the journal's retention, whose setting cannot go below 30 days). The database's owner (the
administrator's account) is not bound by these rules: it runs the migrations and this step.

Every statement is idempotent: the step is run again after each migration that adds a table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from pae_desktop.core.errors import UserError

REFERENT, EQUIPE, LECTURE = "pae_referent", "pae_equipe", "pae_lecture"
ROLES = {"referent": REFERENT, "equipe": EQUIPE, "lecture": LECTURE}
ROLE_LABELS = {REFERENT: "référent", EQUIPE: "équipe", LECTURE: "lecture seule"}
OWNER = "owner"  # the database's owner or a superuser: everything, and the administration of the roles
NONE = "none"  # a login in none of the three roles, on a database where they exist

# What pae_equipe writes (INSERT, UPDATE, DELETE): the follow-up of the caseload.
EQUIPE_WRITES = (
    "contact_attempt",
    "interview_slot",
    "slot_booking",
    "interview",
    "interview_participant",
    "interview_barrier",
    "pathway",
    "pathway_module",
    "follow_up_event",
    "attendance_half_day",  # the attendance grid (issue 21 §5), filled like the follow-up events
    "exit",
    "information_target",
    "phase1_workshop",
    "phase1_workshop_class",
    "phase1_attendance",
    "phase1_interview",
    "phase1_event",
    "phase1_event_participant",
)
EQUIPE_UPDATES = ("youth", "legal_representative")  # correct a phone number, never create or delete a youth
EQUIPE_INSERTS = ("generated_document",)  # the prints of its interviews and convocations
AUDIT_TABLE = "audit_event"
# Audit actions whose operation pae_equipe may not run: the server refuses the event, hence the operation.
REFERENT_ACTIONS = ("export", "erase", "anonymise", "import", "restore", "purge")
AUDIT_DELETE_AFTER_DAYS = 30

LOGIN_PATTERN = re.compile(r"^[a-z_][a-z0-9_.\-]{0,62}$")


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _create_role(role: str) -> str:
    return (
        f"DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{role}') "
        f"THEN CREATE ROLE {role} NOLOGIN; END IF; END $$"
    )


def role_statements(tables: list[str], database: str) -> list[str]:
    """The SQL of the roles, their privileges and the audit log's policies (idempotent, in order)."""
    everyone = f"{REFERENT}, {EQUIPE}, {LECTURE}"
    data = [t for t in tables if t != AUDIT_TABLE]
    sql = [_create_role(role) for role in (REFERENT, EQUIPE, LECTURE)]
    sql += [
        f"REVOKE CONNECT, TEMPORARY ON DATABASE {_quote(database)} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {_quote(database)} TO {everyone}",
        f"GRANT USAGE ON SCHEMA public TO {everyone}",
        f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM PUBLIC, {everyone}",
        f"REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM PUBLIC, {everyone}",
        f"GRANT SELECT ON ALL TABLES IN SCHEMA public TO {everyone}",
        f"GRANT USAGE ON ALL SEQUENCES IN SCHEMA public TO {REFERENT}, {EQUIPE}",
    ]
    if data:
        sql.append(f"GRANT INSERT, UPDATE, DELETE ON {', '.join(map(_quote, data))} TO {REFERENT}")
    for names, rights in ((EQUIPE_WRITES, "INSERT, UPDATE, DELETE"), (EQUIPE_UPDATES, "UPDATE"), (EQUIPE_INSERTS, "INSERT")):
        present = [t for t in names if t in tables]
        if present:
            sql.append(f"GRANT {rights} ON {', '.join(map(_quote, present))} TO {EQUIPE}")
    if AUDIT_TABLE in tables:
        sql += _audit_statements()
    return sql


def _audit_statements() -> list[str]:
    table = AUDIT_TABLE
    forbidden = ", ".join(f"'{action}'" for action in REFERENT_ACTIONS)
    policies = {
        "pae_audit_read_all": f"FOR SELECT TO {REFERENT} USING (true)",
        "pae_audit_read_own": f"FOR SELECT TO {EQUIPE}, {LECTURE} USING (os_user = current_user)",
        "pae_audit_insert_referent": f"FOR INSERT TO {REFERENT} WITH CHECK (os_user = current_user)",
        "pae_audit_insert_equipe": (
            f"FOR INSERT TO {EQUIPE} WITH CHECK (os_user = current_user AND action NOT IN ({forbidden}))"
        ),
        "pae_audit_delete_old": (
            f"FOR DELETE TO {REFERENT} USING "
            f"(at < (now() AT TIME ZONE 'UTC') - interval '{AUDIT_DELETE_AFTER_DAYS} days')"
        ),
    }
    sql = [
        f"GRANT INSERT ON {table} TO {REFERENT}, {EQUIPE}",
        f"GRANT DELETE ON {table} TO {REFERENT}",
        f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
    ]
    for name, body in policies.items():
        sql.append(f"DROP POLICY IF EXISTS {name} ON {table}")
        sql.append(f"CREATE POLICY {name} ON {table} {body}")
    return sql


@dataclass(frozen=True)
class Access:
    """Who is connected and what their role lets the window offer."""

    login: str
    role: str  # OWNER, REFERENT, EQUIPE, LECTURE or NONE

    @property
    def label(self) -> str:
        if self.role == OWNER:
            return "propriétaire de la base"
        return self.role if self.role != NONE else "aucun rôle PAE Desktop"

    @property
    def is_admin(self) -> bool:
        return self.role == OWNER

    @property
    def is_referent(self) -> bool:
        """Exports, erasure, settings, backups, purge, imports, the directory, the audit log."""
        return self.role in (OWNER, REFERENT)

    @property
    def can_write(self) -> bool:
        return self.role in (OWNER, REFERENT, EQUIPE)


LOCAL = Access("", OWNER)  # a SQLite file on this workstation: its user may do everything

ACCESS_QUERY = """
SELECT current_user,
       (SELECT rolsuper FROM pg_roles WHERE rolname = current_user)
           OR pg_get_userbyid(d.datdba) = current_user,
       EXISTS (SELECT FROM pg_roles WHERE rolname = 'pae_referent'),
       {members}
FROM pg_database d WHERE d.datname = current_database()
"""


def access_of(connection) -> Access:
    """The connected login and its role (a SQLAlchemy connection to PostgreSQL)."""
    from sqlalchemy import text

    members = ", ".join(
        f"EXISTS (SELECT FROM pg_roles WHERE rolname = '{r}') AND pg_has_role(current_user, "
        f"(SELECT oid FROM pg_roles WHERE rolname = '{r}'), 'MEMBER')"
        for r in (REFERENT, EQUIPE, LECTURE)
    )
    row = connection.execute(text(ACCESS_QUERY.format(members=members))).one()
    login, owner, installed, *member = row
    if owner:
        return Access(login, OWNER)
    if not installed:
        return Access(login, REFERENT)  # one shared login, before the roles were set up: as it always was
    for role, is_member in zip((REFERENT, EQUIPE, LECTURE), member, strict=True):
        if is_member:
            return Access(login, role)
    return Access(login, NONE)


def installed(engine) -> bool:
    from sqlalchemy import text

    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = :r)"), {"r": REFERENT}).scalar())


def _run_as_owner(engine, statements) -> None:
    """Run statements in one transaction; the server's refusal said in French."""
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.begin() as conn:
            if not access_of(conn).is_admin:
                raise UserError(
                    "Seul le propriétaire de la base (ou un administrateur du serveur) peut gérer les comptes."
                )
            for statement in statements(conn):
                conn.exec_driver_sql(statement)
    except DBAPIError as error:
        detail = str(getattr(error, "orig", error)).strip().splitlines()[0]
        if getattr(getattr(error, "orig", None), "sqlstate", "") == "42501":
            raise UserError(
                "Le serveur refuse de créer les rôles : le propriétaire de la base doit avoir le droit CREATEROLE "
                f"(ALTER ROLE … CREATEROLE, par l'administrateur du serveur). Détail : {detail}"
            ) from error
        raise UserError(f"Le serveur a refusé l'opération, rien n'a été modifié : {detail}") from error


def install_roles(engine) -> list[str]:
    """Create (or bring up to date) the three roles and their privileges; returns the tables covered."""
    from sqlalchemy import inspect, text

    covered: list[str] = []

    def statements(conn):
        covered.extend(sorted(inspect(conn).get_table_names()))
        database = conn.execute(text("SELECT current_database()")).scalar()
        return role_statements(covered, database)

    _run_as_owner(engine, statements)
    return covered


def check_login(login: str) -> str:
    login = (login or "").strip()
    if not LOGIN_PATTERN.match(login) or login.startswith(("pae_", "pg_")) or login == "public":
        raise UserError(
            f"Identifiant « {login} » refusé : lettres minuscules sans accent, chiffres, « _ », « . » ou « - » "
            "(63 caractères au plus), sans commencer par « pae_ » ni « pg_ »."
        )
    return login


def role_name(choice: str) -> str:
    if choice in ROLES:
        return ROLES[choice]
    if choice in ROLES.values():
        return choice
    raise UserError(f"Rôle « {choice} » inconnu : referent, equipe ou lecture.")


def set_login(engine, login: str, role: str, password: str | None = None) -> None:
    """Create the staff login if needed (with its password when given) and make it a member of one role only."""
    login, role = check_login(login), role_name(role)

    def statements(conn):
        from psycopg import sql

        raw = conn.connection.dbapi_connection
        exists = conn.exec_driver_sql("SELECT 1 FROM pg_roles WHERE rolname = %s", (login,)).scalar()
        if exists and conn.exec_driver_sql(
            "SELECT rolsuper FROM pg_roles WHERE rolname = %s", (login,)
        ).scalar():
            raise UserError(f"« {login} » est un administrateur du serveur : choisissez un compte personnel.")
        verb = "ALTER" if exists else "CREATE"
        password_sql = sql.SQL(" PASSWORD {}").format(sql.Literal(password)) if password else sql.SQL("")
        out = [sql.SQL(verb + " ROLE {} LOGIN").format(sql.Identifier(login)) + password_sql]
        for other in (REFERENT, EQUIPE, LECTURE):
            if other != role:
                out.append(sql.SQL("REVOKE {} FROM {}").format(sql.Identifier(other), sql.Identifier(login)))
        out.append(sql.SQL("GRANT {} TO {}").format(sql.Identifier(role), sql.Identifier(login)))
        return [statement.as_string(raw) for statement in out]

    _require_installed(engine)
    _run_as_owner(engine, statements)


def remove_login(engine, login: str) -> None:
    """Take the login out of the three roles: it can no longer connect to this database (the role stays on the
    server, which may use it elsewhere; its audit events stay)."""
    login = check_login(login)

    def statements(conn):
        return [f"REVOKE {role} FROM {_quote(login)}" for role in (REFERENT, EQUIPE, LECTURE)]

    _require_installed(engine)
    _run_as_owner(engine, statements)


def _require_installed(engine) -> None:
    if not installed(engine):
        raise UserError("Les rôles PAE Desktop n'existent pas encore sur ce serveur : créez-les d'abord (admin roles).")


def members(engine) -> list[tuple[str, str]]:
    """(login, role) of every member of the three roles, by role then login."""
    from sqlalchemy import text

    query = text(
        "SELECT m.rolname, r.rolname FROM pg_auth_members a JOIN pg_roles r ON r.oid = a.roleid "
        "JOIN pg_roles m ON m.oid = a.member WHERE r.rolname IN (:a, :b, :c) ORDER BY r.rolname, m.rolname"
    )
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(query, {"a": REFERENT, "b": EQUIPE, "c": LECTURE})]


def refused_message(access: Access | None) -> str:
    role = access.role if access is not None and access.role != OWNER else "inconnu"
    return f"Votre compte (rôle {role}) ne permet pas cette action."


def map_refusals(engine, access: Access) -> None:
    """Every refusal of the server for lack of privilege (SQLSTATE 42501: a GRANT missing or a row-level policy)
    becomes the French `UserError` naming the role, whatever the statement (a read or a write)."""
    from sqlalchemy import event

    def handle(context) -> None:
        if getattr(context.original_exception, "sqlstate", "") == "42501":
            raise UserError(refused_message(access)) from context.original_exception

    event.listen(engine, "handle_error", handle)


def connect_access(engine) -> Access:
    """Connect once: the login's access, or the French reason the server refused the connection."""
    from sqlalchemy.exc import DBAPIError

    from pae_desktop.storage.shared import connection_refused

    try:
        with engine.connect() as conn:
            return access_of(conn)
    except DBAPIError as error:
        raise connection_refused(error) from error
