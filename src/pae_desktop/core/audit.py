"""The append-only audit log, written from this one place (domain.md §9)."""

from __future__ import annotations

import getpass

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
            os_user=os_user(),
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
