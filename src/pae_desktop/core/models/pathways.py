"""Pathways: modules, catalogue, templates, follow-up, attendance and exit."""

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
    from pae_desktop.core.models.youths import Youth


class Pathway(Base):
    """The youth's pathway («parcours»); the partnership flag and PFMP days are derived (core.rules)."""

    __tablename__ = "pathway"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), unique=True)
    mef_code: Mapped[str] = mapped_column(String(11))
    start_date: Mapped[dt.date] = mapped_column(Date)
    planned_end: Mapped[dt.date] = mapped_column(Date)
    actual_end: Mapped[dt.date | None] = mapped_column(Date)
    siecle_entered: Mapped[bool] = mapped_column(Boolean, default=False)
    siecle_entered_on: Mapped[dt.date | None] = mapped_column(Date)
    referent_id: Mapped[int | None] = mapped_column(ForeignKey("person.id", ondelete="SET NULL"))
    mission_locale_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    # Why a pathway was opened for a youth whose latest decision is not «S'engage» (soft rule, domain §6.3).
    non_engaged_note: Mapped[str] = mapped_column(Text, default="")
    abandoned_on: Mapped[dt.date | None] = mapped_column(Date)
    abandon_reason: Mapped[str] = mapped_column(String(300), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    youth: Mapped[Youth] = relationship(back_populates="pathway")
    referent: Mapped[Person | None] = relationship()
    mission_locale: Mapped[Partner | None] = relationship()
    modules: Mapped[list[PathwayModule]] = relationship(
        back_populates="pathway", cascade="all, delete-orphan", order_by="PathwayModule.start_date"
    )


class ModuleCatalogEntry(Base):
    """A module type the user added to the built-in catalogue, mapped onto a FOQUALE module code."""

    __tablename__ = "module_catalog_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200), unique=True)
    module_type: Mapped[str] = mapped_column(String(30))  # vocabulary.ModuleType
    default_carrier_kind: Mapped[str] = mapped_column(String(20))  # vocabulary.CarrierKind
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class PathwayModule(Base):
    """One module of a pathway."""

    __tablename__ = "pathway_module"

    id: Mapped[int] = mapped_column(primary_key=True)
    pathway_id: Mapped[int] = mapped_column(ForeignKey("pathway.id", ondelete="CASCADE"), index=True)
    module_type: Mapped[str] = mapped_column(String(30))  # vocabulary.ModuleType
    label: Mapped[str] = mapped_column(String(200), default="")  # the catalogue entry's label
    carrier_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    place: Mapped[str] = mapped_column(String(300), default="")
    start_date: Mapped[dt.date] = mapped_column(Date)
    end_date: Mapped[dt.date] = mapped_column(Date)
    weekly_hours: Mapped[float | None] = mapped_column()
    tutor: Mapped[str] = mapped_column(String(200), default="")
    convention_ref: Mapped[str] = mapped_column(String(100), default="")
    days_done: Mapped[int | None] = mapped_column(Integer)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    pathway: Mapped[Pathway] = relationship(back_populates="modules")
    carrier: Mapped[Partner | None] = relationship()


class PathwayTemplate(Base):
    """A saved combination of modules, reused with dates shifted to a new start."""

    __tablename__ = "pathway_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    length_days: Mapped[int] = mapped_column(Integer)

    modules: Mapped[list[PathwayTemplateModule]] = relationship(
        back_populates="template", cascade="all, delete-orphan", order_by="PathwayTemplateModule.offset_days"
    )
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class PathwayTemplateModule(Base):
    __tablename__ = "pathway_template_module"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        ForeignKey("pathway_template.id", ondelete="CASCADE"), index=True
    )
    module_type: Mapped[str] = mapped_column(String(30))
    label: Mapped[str] = mapped_column(String(200), default="")
    carrier_partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"))
    place: Mapped[str] = mapped_column(String(300), default="")
    offset_days: Mapped[int] = mapped_column(Integer)
    length_days: Mapped[int] = mapped_column(Integer)
    weekly_hours: Mapped[float | None] = mapped_column()

    template: Mapped[PathwayTemplate] = relationship(back_populates="modules")


class FollowUpEvent(Base):
    """A dated follow-up event («suivi»), with a next action; also the follow-up of «Souhaite réfléchir»."""

    __tablename__ = "follow_up_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(30))  # vocabulary.FollowUpKind
    note: Mapped[str] = mapped_column(Text, default="")
    next_action: Mapped[str] = mapped_column(String(300), default="")
    due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    done_on: Mapped[dt.date | None] = mapped_column(Date)
    absence_half_days: Mapped[int] = mapped_column(Integer, default=0)
    absence_justified: Mapped[bool] = mapped_column(Boolean, default=False)
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    youth: Mapped[Youth] = relationship(back_populates="follow_ups")


class AttendanceHalfDay(Base):
    """One half-day of the attendance grid (issue 21 §5): present, absent justified or absent unjustified. Its
    absences count with those of the «Absence» follow-up events (`core.attendance`, the one sum)."""

    __tablename__ = "attendance_half_day"
    __table_args__ = (UniqueConstraint("youth_id", "on", "afternoon"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    on: Mapped[dt.date] = mapped_column(Date)
    afternoon: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(1))  # core.attendance: P, J or A
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Exit(Base):
    """The exit outcome («sortie»), in the académie's categories (spec §3.3)."""

    __tablename__ = "exit"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), unique=True)
    on: Mapped[dt.date] = mapped_column(Date)
    category: Mapped[str] = mapped_column(String(30))  # vocabulary.ExitCategory
    detail: Mapped[str] = mapped_column(String(40), default="")  # vocabulary.ExitDetail
    note: Mapped[str] = mapped_column(Text, default="")
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    youth: Mapped[Youth] = relationship(back_populates="exit")
