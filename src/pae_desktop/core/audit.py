"""The append-only audit log, written from this one place (domain.md §9)."""

from __future__ import annotations

import getpass

from sqlalchemy import text
from sqlalchemy.orm import Session

from pae_desktop.core.models import AuditEvent

# Values of these fields identify a person: the log records that they changed, not what they became, so
# that it names youths by their internal id only.
IDENTIFYING_FIELDS = frozenset(
    {
        "last_name",
        "usage_name",
        "first_names",
        "birth_date",
        "ine",
        "phone",
        "phone2",
        "email",
        "address",
        "postal_code",
        "city",
        "notes",
    }
)
MASK = "(donnée personnelle)"


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name on some service accounts
        return ""


def user_of(session: Session) -> str:
    """Who acts: the PostgreSQL login on a shared server (each staff member has their own, and the server checks
    that the audit names it), the operating system's session name on this workstation's file."""
    if session.get_bind().dialect.name != "postgresql":
        return os_user()
    info = session.connection().info  # one login per pooled connection: asked once
    if "pae_user" not in info:
        info["pae_user"] = session.execute(text("SELECT current_user")).scalar() or ""
    return info["pae_user"]


def record(
    session: Session,
    action: str,
    entity: str = "",
    entity_id: int | None = None,
    *,
    field: str = "",
    old: object = "",
    new: object = "",
    nominative: bool = False,
    detail: str = "",
    staff_id: int | None = None,
) -> None:
    if field in IDENTIFYING_FIELDS:
        old, new = (MASK if old else ""), (MASK if new else "")
    session.add(
        AuditEvent(
            os_user=user_of(session),
            staff_id=staff_id,
            action=action,
            entity=entity,
            entity_id=entity_id,
            field=field,
            old_value="" if old is None else str(old),
            new_value="" if new is None else str(new),
            nominative=nominative,
            detail=detail,
        )
    )


def require_allowed(session: Session, action: str) -> None:
    """Before an operation writes a file: ask the server whether this login may record `action` (an export…),
    so that a refused export leaves no file behind. On a shared server whose roles forbid it (storage/roles.py),
    the probe event is refused and the French refusal raised; the probe itself is always rolled back. A no-op on
    this workstation's file."""
    if session.get_bind().dialect.name != "postgresql":
        return
    probe = AuditEvent(os_user=user_of(session), action=action, detail="vérification des droits")
    with session.begin_nested() as savepoint:
        session.add(probe)
        session.flush()
        savepoint.rollback()
