"""Reading the audit log with filters, as plain rows for the viewer (writing stays in `core.audit`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core.models import AuditEvent, Person

ACTION_LABELS = {
    "create": "Création",
    "update": "Modification",
    "delete": "Suppression",
    "print": "Impression",
    "export": "Export",
    "import": "Import",
    "anonymise": "Anonymisation",
    "erase": "Effacement",
    "purge": "Purge du journal",
    "restore": "Restauration",
}
ENTITY_LABELS = {
    "youth": "Jeune",
    "campaign": "Campagne",
    "document": "Document",
    "audit_event": "Journal",
    "school": "Établissement",
    "partner": "Partenaire",
    "person": "Personne",
    "pathway": "Parcours",
    "interview": "Entretien",
    "database": "Base de données",
    "follow_up_event": "Événement de suivi",
    "exit": "Sortie",
    "pathway_template": "Modèle de parcours",
}


@dataclass(frozen=True)
class AuditFilter:
    since: dt.date | None = None
    until: dt.date | None = None  # inclusive
    action: str = ""
    entity: str = ""
    entity_id: int | None = None
    nominative_only: bool = False
    text: str = ""  # found in the OS user, the field or the detail


@dataclass(frozen=True, slots=True)
class AuditRow:
    id: int
    at: dt.datetime
    who: str
    action: str
    entity: str
    entity_id: int | None
    field: str
    old_value: str
    new_value: str
    nominative: bool
    detail: str

    @property
    def action_label(self) -> str:
        return ACTION_LABELS.get(self.action, self.action)

    @property
    def entity_label(self) -> str:
        label = ENTITY_LABELS.get(self.entity, self.entity)
        return f"{label} n° {self.entity_id}" if self.entity_id is not None else label


def audit_rows(session: Session, where: AuditFilter | None = None, limit: int | None = 5000) -> list[AuditRow]:
    """The newest entries first, at most `limit` (None: all), under the filter."""
    where = where or AuditFilter()
    query = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
    if where.since is not None:
        query = query.where(AuditEvent.at >= dt.datetime.combine(where.since, dt.time()))
    if where.until is not None:
        query = query.where(
            AuditEvent.at < dt.datetime.combine(where.until + dt.timedelta(days=1), dt.time())
        )
    if where.action:
        query = query.where(AuditEvent.action == where.action)
    if where.entity:
        query = query.where(AuditEvent.entity == where.entity)
    if where.entity_id is not None:
        query = query.where(AuditEvent.entity_id == where.entity_id)
    if where.nominative_only:
        query = query.where(AuditEvent.nominative.is_(True))
    if where.text.strip():
        pattern = f"%{where.text.strip()}%"
        query = query.where(
            AuditEvent.os_user.ilike(pattern)
            | AuditEvent.field.ilike(pattern)
            | AuditEvent.detail.ilike(pattern)
        )
    staff = {p.id: p.full_name for p in session.scalars(select(Person))}
    rows = []
    for event in session.scalars(query.limit(limit)):
        who = " / ".join(p for p in (event.os_user, staff.get(event.staff_id, "")) if p)
        rows.append(
            AuditRow(
                event.id,
                event.at,
                who,
                event.action,
                event.entity,
                event.entity_id,
                event.field,
                event.old_value,
                event.new_value,
                event.nominative,
                event.detail,
            )
        )
    return rows


def actions_in_use(session: Session) -> list[str]:
    return sorted(set(session.scalars(select(AuditEvent.action).distinct())))


# --- the log for the data protection officer (`pae-desktop audit`) ---------------------------------------------

AUDIT_HEADERS = ("Date (UTC)", "Utilisateur", "Action", "Objet", "N° interne", "Champ", "Nominatif", "Détail")


def _fields(row: AuditRow) -> tuple:
    return (
        row.at.replace(microsecond=0).isoformat(sep=" "),
        row.who,
        row.action_label,
        ENTITY_LABELS.get(row.entity, row.entity),
        row.entity_id,
        row.field,
        "Oui" if row.nominative else "Non",
        row.detail,
    )


def audit_table(rows: list[AuditRow]) -> list[tuple]:
    """One line per event under AUDIT_HEADERS, oldest first: date, user, action, object and its internal id."""
    return [_fields(row) for row in sorted(rows, key=lambda r: (r.at, r.id))]


def audit_document(rows: list[AuditRow]) -> dict:
    """`{"evenements": [...]}`, one object per event, oldest first (the JSON of `pae-desktop audit`)."""
    keys = ("date", "utilisateur", "action", "objet", "id_objet", "champ", "nominatif", "detail")
    events = []
    for row in sorted(rows, key=lambda r: (r.at, r.id)):
        event = dict(zip(keys, _fields(row), strict=True))
        event.update(date=row.at.replace(microsecond=0).isoformat() + "Z", code_action=row.action)
        event["nominatif"] = row.nominative
        events.append(event)
    return {"evenements": events}
