"""The contact campaign: information actions and contact attempts."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
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
    from pae_desktop.core.models.school import Campaign
    from pae_desktop.core.models.youths import Youth


class InformationAction(Base):
    """An information action for a whole class (`division`) or for the youths linked to it."""

    __tablename__ = "information_action"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))  # vocabulary.InformationKind
    division: Mapped[str] = mapped_column(String(50), default="")  # empty: the youths linked below
    note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    campaign: Mapped[Campaign] = relationship()
    targets: Mapped[list[InformationTarget]] = relationship(
        back_populates="action", cascade="all, delete-orphan"
    )


class InformationTarget(Base):
    __tablename__ = "information_target"
    __table_args__ = (UniqueConstraint("action_id", "youth_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("information_action.id", ondelete="CASCADE"))
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)

    action: Mapped[InformationAction] = relationship(back_populates="targets")


class ContactAttempt(Base):
    """A contact attempt («tentative de contact»)."""

    __tablename__ = "contact_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime)
    channel: Mapped[str] = mapped_column(String(20))  # vocabulary.ContactChannel
    result: Mapped[str] = mapped_column(String(30))  # vocabulary.ContactResult
    next_step: Mapped[str] = mapped_column(String(30), default="")  # vocabulary.NextStep
    next_date: Mapped[dt.date | None] = mapped_column(Date)  # «À relancer le …»
    note: Mapped[str] = mapped_column(Text, default="")
    staff_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    youth: Mapped[Youth] = relationship(back_populates="contact_attempts")
