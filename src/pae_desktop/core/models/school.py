"""The school, its settings and its campaigns (each with the scheme it ran under)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pae_desktop.core.models.base import Base, utcnow

if TYPE_CHECKING:  # annotations only: SQLAlchemy resolves the names through its registry
    from pae_desktop.core.models.youths import Youth


class School(Base):
    """The school whose caseload this database holds (one row)."""

    __tablename__ = "school"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    uai: Mapped[str] = mapped_column(String(8), unique=True)
    address: Mapped[str] = mapped_column(String(300), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    head_name: Mapped[str] = mapped_column(String(200), default="")
    head_title: Mapped[str] = mapped_column(String(100), default="Chef d'établissement")
    logo: Mapped[bytes | None] = mapped_column(LargeBinary)
    # Key of the HMAC that pseudonymises `id_jeune` in FOQUALE exports (spec §2, column 3).
    secret: Mapped[bytes] = mapped_column(LargeBinary(32))
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Setting(Base):
    """A setting declared in `core.settings`, stored as JSON text so that it travels with backups."""

    __tablename__ = "setting"

    key: Mapped[str] = mapped_column(String(100), primary_key=True)
    value: Mapped[str] = mapped_column(Text)
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}


class Campaign(Base):
    """The campaign of rentrée `year` (domain §3)."""

    __tablename__ = "campaign"

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(Integer, unique=True)
    census_cutoff: Mapped[dt.date] = mapped_column(Date)
    rentree: Mapped[dt.date] = mapped_column(Date)
    interview_deadline: Mapped[dt.date] = mapped_column(Date)
    latest_end: Mapped[dt.date] = mapped_column(Date)
    # The scheme as it stood for this campaign (domain §1): documents of campaign N always print N's values.
    # Defaults come from `core.scheme.default_scheme(year)`; the settings page edits them per campaign.
    scheme_name: Mapped[str] = mapped_column(String(100), default="")
    phase1_name: Mapped[str] = mapped_column(String(100), default="")  # empty: no phase 1 (before 2026)
    mef_n3: Mapped[str] = mapped_column(String(10), default="")
    mef_n3_short: Mapped[str] = mapped_column(String(50), default="")
    mef_n3_label: Mapped[str] = mapped_column(String(200), default="")
    mef_n4: Mapped[str] = mapped_column(String(10), default="")
    mef_n4_short: Mapped[str] = mapped_column(String(50), default="")
    mef_n4_label: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    youths: Mapped[list[Youth]] = relationship(back_populates="campaign")


class ImportRecord(Base):
    """One import of a census file: what it was and what it changed."""

    __tablename__ = "import_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(500))
    file_kind: Mapped[str] = mapped_column(String(50))
    sha256: Mapped[str] = mapped_column(String(64), default="")
    uai: Mapped[str] = mapped_column(String(8), default="")
    school_year: Mapped[int | None] = mapped_column(Integer)
    exported_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    added: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    left: Mapped[int] = mapped_column(Integer, default=0)
