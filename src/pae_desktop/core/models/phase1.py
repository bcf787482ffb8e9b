"""Phase 1 «AvenirPro» during terminale: workshops and attendance, interviews, events."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pae_desktop.core.models.base import Base, utcnow

if TYPE_CHECKING:  # annotations only: SQLAlchemy resolves the names through its registry
    from pae_desktop.core.models.people import Partner, Person
    from pae_desktop.core.models.school import Campaign


class Phase1Workshop(Base):
    """A collective workshop of phase 1, held in the school by France Travail or a Mission locale."""

    __tablename__ = "phase1_workshop"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    starts_at: Mapped[str] = mapped_column(String(5), default="")  # «HH:MM», empty when unknown
    duration_minutes: Mapped[int] = mapped_column(Integer, default=60)  # 60 to 120 (1 to 2 hours)
    theme: Mapped[str] = mapped_column(String(200), default="")
    operator_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    campaign: Mapped[Campaign] = relationship()
    operator: Mapped[Partner | None] = relationship()
    advisor: Mapped[Person | None] = relationship()
    classes: Mapped[list[Phase1WorkshopClass]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan", order_by="Phase1WorkshopClass.division"
    )
    attendance: Mapped[list[Phase1Attendance]] = relationship(
        back_populates="workshop", cascade="all, delete-orphan"
    )


class Phase1WorkshopClass(Base):
    """A class (SIECLE division) a workshop was held for."""

    __tablename__ = "phase1_workshop_class"
    __table_args__ = (UniqueConstraint("workshop_id", "division"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("phase1_workshop.id", ondelete="CASCADE"), index=True)
    division: Mapped[str] = mapped_column(String(50))

    workshop: Mapped[Phase1Workshop] = relationship(back_populates="classes")


class Phase1Attendance(Base):
    """Whether one student of a class concerned attended a workshop (no row: not recorded yet)."""

    __tablename__ = "phase1_attendance"
    __table_args__ = (UniqueConstraint("workshop_id", "youth_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    workshop_id: Mapped[int] = mapped_column(ForeignKey("phase1_workshop.id", ondelete="CASCADE"), index=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    present: Mapped[bool] = mapped_column(Boolean, default=True)

    workshop: Mapped[Phase1Workshop] = relationship(back_populates="attendance")


class Phase1Interview(Base):
    """A phase-1 individual interview of a volunteer student with a France Travail or Mission locale advisor."""

    __tablename__ = "phase1_interview"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    partner: Mapped[Partner | None] = relationship()
    advisor: Mapped[Person | None] = relationship()


class Phase1Event(Base):
    """A phase-1 event (salon professionnel, visite d'entreprise, forum de recrutement…) and who went."""

    __tablename__ = "phase1_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    held_on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))  # vocabulary.Phase1EventKind
    title: Mapped[str] = mapped_column(String(200), default="")
    place: Mapped[str] = mapped_column(String(300), default="")
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    participants: Mapped[list[Phase1EventParticipant]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )


class Phase1EventParticipant(Base):
    __tablename__ = "phase1_event_participant"
    __table_args__ = (UniqueConstraint("event_id", "youth_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("phase1_event.id", ondelete="CASCADE"), index=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)

    event: Mapped[Phase1Event] = relationship(back_populates="participants")
