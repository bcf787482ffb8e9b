"""The data model of the whole PAE domain (domain.md §5) as SQLAlchemy 2 typed models.

Codes are stored as the strings of `core.vocabulary`; the stage of a case is never stored (see `core.stage`).
Every table carries only recorded facts, each dated, so that reports can say when each step happened.
"""

from __future__ import annotations

from sqlalchemy import text

from pae_desktop.core.models.base import NAMING_CONVENTION, Base, utcnow
from pae_desktop.core.models.contacts import ContactAttempt, InformationAction, InformationTarget
from pae_desktop.core.models.interviews import (
    ACTIVE_BOOKING,
    Interview,
    InterviewBarrier,
    InterviewParticipant,
    InterviewSlot,
    SlotBooking,
)
from pae_desktop.core.models.journal import AuditEvent, GeneratedDocument
from pae_desktop.core.models.pathways import (
    AttendanceHalfDay,
    Exit,
    FollowUpEvent,
    ModuleCatalogEntry,
    Pathway,
    PathwayModule,
    PathwayTemplate,
    PathwayTemplateModule,
)
from pae_desktop.core.models.people import Partner, Person
from pae_desktop.core.models.phase1 import (
    Phase1Attendance,
    Phase1Event,
    Phase1EventParticipant,
    Phase1Interview,
    Phase1Workshop,
    Phase1WorkshopClass,
)
from pae_desktop.core.models.school import Campaign, ImportRecord, School, Setting
from pae_desktop.core.models.youths import LegalRepresentative, OriginalSchooling, Youth

__all__ = [
    "NAMING_CONVENTION",
    "Base",
    "utcnow",
    "School",
    "Setting",
    "Campaign",
    "ImportRecord",
    "Partner",
    "Person",
    "Youth",
    "OriginalSchooling",
    "LegalRepresentative",
    "InformationAction",
    "InformationTarget",
    "ContactAttempt",
    "InterviewSlot",
    "SlotBooking",
    "Interview",
    "InterviewParticipant",
    "InterviewBarrier",
    "ACTIVE_BOOKING",
    "Pathway",
    "ModuleCatalogEntry",
    "PathwayModule",
    "PathwayTemplate",
    "PathwayTemplateModule",
    "FollowUpEvent",
    "AttendanceHalfDay",
    "Exit",
    "Phase1Workshop",
    "Phase1WorkshopClass",
    "Phase1Attendance",
    "Phase1Interview",
    "Phase1Event",
    "Phase1EventParticipant",
    "GeneratedDocument",
    "AuditEvent",
    "declare_postgresql_options",
]


def declare_postgresql_options() -> None:
    """The PostgreSQL half of the partial index on active bookings, declared once PostgreSQL is in use: naming
    `postgresql_where` in the class itself imports the whole PostgreSQL dialect, a tenth of a second at every
    start of a SQLite workstation."""
    index = next(i for i in SlotBooking.__table__.indexes if i.name == "uq_slot_booking_active")
    index.dialect_kwargs["postgresql_where"] = text(ACTIVE_BOOKING)
