"""The records of the data protection officer's pack: the register entry and the impact assessment (AIPD).

`dpo_record(session, storage)` reads what the database holds (settings, volumes, Missions locales, the
application's roles on a shared server); `storage` (a `StorageFacts`, from `storage.security`) says what only the
storage knows: encryption, shared server, automatic backups.
"""

from __future__ import annotations

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from pae_desktop.core import settings
from pae_desktop.core.models import Campaign, Partner, Youth
from pae_desktop.core.records import DpoRecord, SecurityMeasures, StorageFacts
from pae_desktop.core.services.document_records import retention_rules
from pae_desktop.core.vocabulary import PartnerType

APPLICATION_ROLES = ("pae_referent", "pae_equipe", "pae_lecture")


def _server_roles(session: Session) -> tuple[tuple[str, ...], str]:
    """The application's roles found on a PostgreSQL server, and the login in use; nothing on SQLite."""
    if session.get_bind().dialect.name != "postgresql":
        return (), ""
    user = session.execute(text("select current_user")).scalar_one()
    found = session.execute(
        text("select rolname from pg_roles where rolname = any(:names) order by rolname"),
        {"names": list(APPLICATION_ROLES)},
    ).scalars()
    return tuple(found), str(user)


def security_measures(session: Session, storage: StorageFacts) -> SecurityMeasures:
    """The measures actually on: the storage's, the lock's and the audit log's settings, the server's roles."""
    roles, user = _server_roles(session)
    return SecurityMeasures(
        storage=storage,
        lock_minutes=int(settings.get(session, settings.LOCK_AFTER_MINUTES) or 0),
        lock_pin=bool(settings.get(session, settings.LOCK_PIN)),
        audit_days=int(settings.get(session, settings.AUDIT_RETENTION_DAYS)),
        roles=roles,
        database_user=user,
    )


def dpo_record(session: Session, storage: StorageFacts | None = None) -> DpoRecord:
    """The record of the register entry and of the AIPD (`storage` defaults to a plain local file)."""
    youths = session.scalar(select(func.count(Youth.id)).where(Youth.anonymised_at.is_(None))) or 0
    campaigns = session.scalar(select(func.count(Campaign.id))) or 0
    missions = session.scalars(
        select(Partner.name)
        .where(Partner.type == PartnerType.MISSION_LOCALE.value, Partner.archived.is_(False))
        .order_by(Partner.name)
    ).all()
    return DpoRecord(
        measures=security_measures(session, storage or StorageFacts()),
        retention=retention_rules(session),
        youths=int(youths),
        campaigns=int(campaigns),
        mission_locales=tuple(missions),
    )
