"""Interviews: slots, bookings, interview records, participants and barriers."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pae_desktop.core.models.base import Base, utcnow

if TYPE_CHECKING:  # annotations only: SQLAlchemy resolves the names through its registry
    from pae_desktop.core.models.people import Partner, Person
    from pae_desktop.core.models.school import Campaign
    from pae_desktop.core.models.youths import Youth


class InterviewSlot(Base):
    """A slot agreed with a Mission locale («créneau d'entretien»)."""

    __tablename__ = "interview_slot"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    starts_at: Mapped[dt.datetime] = mapped_column(DateTime, index=True)
    duration_minutes: Mapped[int] = mapped_column(Integer, default=45)
    place: Mapped[str] = mapped_column(String(200), default="")
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"), index=True)
    advisor_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"), index=True)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    note: Mapped[str] = mapped_column(Text, default="")
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    campaign: Mapped[Campaign] = relationship()
    partner: Mapped[Partner | None] = relationship()
    advisor: Mapped[Person | None] = relationship()
    bookings: Mapped[list[SlotBooking]] = relationship(back_populates="slot", cascade="all, delete-orphan")


ACTIVE_BOOKING = "cancelled_at IS NULL"


class SlotBooking(Base):
    """A youth booked into a slot; kept when cancelled, since a booking once made counts (spec column 20)."""

    __tablename__ = "slot_booking"
    __table_args__ = (
        Index("uq_slot_booking_active", "slot_id", unique=True, sqlite_where=text(ACTIVE_BOOKING)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("interview_slot.id", ondelete="CASCADE"), index=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    booked_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    cancelled_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    cancel_reason: Mapped[str] = mapped_column(String(300), default="")
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    slot: Mapped[InterviewSlot] = relationship(back_populates="bookings")
    youth: Mapped[Youth] = relationship(back_populates="bookings")


class Interview(Base):
    """The interview record («fiche d'entretien»)."""

    __tablename__ = "interview"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    slot_id: Mapped[int | None] = mapped_column(ForeignKey("interview_slot.id", ondelete="SET NULL"))
    held_on: Mapped[dt.date] = mapped_column(Date)
    place: Mapped[str] = mapped_column(String(200), default="")
    modality: Mapped[str] = mapped_column(String(50), default="")  # en présentiel, au téléphone, en visio
    situation: Mapped[str] = mapped_column(Text, default="")
    school_path: Mapped[str] = mapped_column(Text, default="")
    pfmp_done: Mapped[str] = mapped_column(Text, default="")
    project: Mapped[str] = mapped_column(String(30), default="")  # vocabulary.Project
    trades_sought: Mapped[str] = mapped_column(String(300), default="")
    area_sought: Mapped[str] = mapped_column(String(300), default="")
    other_barrier: Mapped[str] = mapped_column(String(300), default="")
    proposals: Mapped[str] = mapped_column(Text, default="")
    decision: Mapped[str] = mapped_column(String(20), default="")  # vocabulary.Decision, empty: not yet
    decided_on: Mapped[dt.date | None] = mapped_column(Date)
    refusal_reason: Mapped[str] = mapped_column(Text, default="")
    notice_given_on: Mapped[dt.date | None] = mapped_column(Date)  # RGPD information notice
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    youth: Mapped[Youth] = relationship(back_populates="interviews")
    slot: Mapped[InterviewSlot | None] = relationship()
    participants: Mapped[list[InterviewParticipant]] = relationship(
        back_populates="interview", cascade="all, delete-orphan"
    )
    barriers: Mapped[list[InterviewBarrier]] = relationship(
        back_populates="interview", cascade="all, delete-orphan"
    )


class InterviewParticipant(Base):
    __tablename__ = "interview_participant"

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))  # vocabulary.Role
    person_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    name: Mapped[str] = mapped_column(String(200), default="")  # when the person is not in the directory
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))

    interview: Mapped[Interview] = relationship(back_populates="participants")
    person: Mapped[Person | None] = relationship()
    partner: Mapped[Partner | None] = relationship()


class InterviewBarrier(Base):
    __tablename__ = "interview_barrier"
    __table_args__ = (UniqueConstraint("interview_id", "barrier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    interview_id: Mapped[int] = mapped_column(ForeignKey("interview.id", ondelete="CASCADE"), index=True)
    barrier: Mapped[str] = mapped_column(String(30))  # vocabulary.Barrier

    interview: Mapped[Interview] = relationship(back_populates="barriers")
