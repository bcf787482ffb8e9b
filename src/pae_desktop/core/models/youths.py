"""The youths of a campaign, their original schooling and legal representatives."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from pae_desktop.core.models.base import Base, utcnow

if TYPE_CHECKING:  # annotations only: SQLAlchemy resolves the names through its registry
    from pae_desktop.core.models.contacts import ContactAttempt
    from pae_desktop.core.models.interviews import Interview, SlotBooking
    from pae_desktop.core.models.pathways import Exit, FollowUpEvent, Pathway
    from pae_desktop.core.models.school import Campaign


class Youth(Base):
    """A youth («jeune») of one campaign's census: one case per person and campaign."""

    __tablename__ = "youth"
    __table_args__ = (Index("ix_youth_campaign_search", "campaign_id", "search_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    campaign_id: Mapped[int] = mapped_column(ForeignKey("campaign.id", ondelete="CASCADE"), index=True)
    # Pseudonymous id of the FOQUALE exchange file, computed once at creation (spec §2, column 3).
    pseudonym: Mapped[str] = mapped_column(String(16), index=True)
    ine: Mapped[str] = mapped_column(String(11), default="", index=True)
    siecle_id: Mapped[str] = mapped_column(String(20), default="")  # ELEVE_ID of the last import
    last_name: Mapped[str] = mapped_column(String(100))
    usage_name: Mapped[str] = mapped_column(String(100), default="")
    first_names: Mapped[str] = mapped_column(String(200), default="")
    sex: Mapped[str] = mapped_column(String(1), default="")  # vocabulary.Sex
    birth_date: Mapped[dt.date | None] = mapped_column(Date)
    phone: Mapped[str] = mapped_column(String(30), default="")  # normalised
    phone_raw: Mapped[str] = mapped_column(String(60), default="")  # as typed or imported
    phone2: Mapped[str] = mapped_column(String(30), default="")
    phone2_raw: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    boursier: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")
    # Folded name, first names and INE: the accent- and case-insensitive search of the caseload.
    search_key: Mapped[str] = mapped_column(String(500), default="")
    # «Non concerné(e)»: a dated fact with its reason (domain §4, row 9).
    not_concerned_on: Mapped[dt.date | None] = mapped_column(Date)
    not_concerned_reason: Mapped[str] = mapped_column(String(300), default="")
    # Set by an import when the youth left the school or vanished from a newer export; never a deletion.
    left_school_on: Mapped[dt.date | None] = mapped_column(Date)
    # Fields the user corrected by hand, which a later import must not overwrite (comma-separated names).
    corrected_fields: Mapped[str] = mapped_column(String(500), default="")
    anonymised_at: Mapped[dt.datetime | None] = mapped_column(DateTime)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)
    # Optimistic concurrency: two people saving the same youth never silently overwrite each other.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    campaign: Mapped[Campaign] = relationship(back_populates="youths")
    schooling: Mapped[OriginalSchooling | None] = relationship(
        back_populates="youth", cascade="all, delete-orphan", uselist=False
    )
    representatives: Mapped[list[LegalRepresentative]] = relationship(
        back_populates="youth", cascade="all, delete-orphan", order_by="LegalRepresentative.rank"
    )
    contact_attempts: Mapped[list[ContactAttempt]] = relationship(
        back_populates="youth", cascade="all, delete-orphan", order_by="ContactAttempt.at"
    )
    bookings: Mapped[list[SlotBooking]] = relationship(back_populates="youth", cascade="all, delete-orphan")
    interviews: Mapped[list[Interview]] = relationship(
        back_populates="youth", cascade="all, delete-orphan", order_by="Interview.held_on"
    )
    pathway: Mapped[Pathway | None] = relationship(
        back_populates="youth", cascade="all, delete-orphan", uselist=False
    )
    exit: Mapped[Exit | None] = relationship(
        back_populates="youth", cascade="all, delete-orphan", uselist=False
    )
    follow_ups: Mapped[list[FollowUpEvent]] = relationship(
        back_populates="youth", cascade="all, delete-orphan", order_by="FollowUpEvent.on"
    )

    @property
    def display_name(self) -> str:
        first = self.first_names.split(" ")[0] if self.first_names else ""
        return f"{self.last_name.upper()} {first}".strip()


class OriginalSchooling(Base):
    """Where the youth comes from: the final-year class of the census (domain §5)."""

    __tablename__ = "original_schooling"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), unique=True)
    diploma: Mapped[str] = mapped_column(String(10), default="")  # vocabulary.Diploma
    speciality: Mapped[str] = mapped_column(String(200), default="")
    mef_code: Mapped[str] = mapped_column(String(11), default="")
    mef_label: Mapped[str] = mapped_column(String(200), default="")
    division: Mapped[str] = mapped_column(String(50), default="", index=True)
    status: Mapped[str] = mapped_column(String(2), default="ST")  # SIECLE CODE_STATUT
    school_year: Mapped[int | None] = mapped_column(Integer)  # ANNEE_SCOLAIRE of the census export
    exam_result: Mapped[str] = mapped_column(String(12), default="INCONNU")  # vocabulary.ExamResult
    # How the final year was recognised: «mefstat», «mef», «libellé», «saisie».
    detected_by: Mapped[str] = mapped_column(String(20), default="")

    youth: Mapped[Youth] = relationship(back_populates="schooling")


class LegalRepresentative(Base):
    """A legal representative or contact person of a youth (SIECLE «responsable»)."""

    __tablename__ = "legal_representative"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int] = mapped_column(Integer, default=1)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    civility: Mapped[str] = mapped_column(String(10), default="")
    link: Mapped[str] = mapped_column(String(2), default="")  # vocabulary.ParentLink
    is_legal: Mapped[bool] = mapped_column(Boolean, default=True)  # NIVEAU_RESPONSABILITE 1 / RESP_LEGAL 1-2
    phone: Mapped[str] = mapped_column(String(30), default="")
    phone_raw: Mapped[str] = mapped_column(String(60), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    address: Mapped[str] = mapped_column(String(300), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")

    youth: Mapped[Youth] = relationship(back_populates="representatives")

    @property
    def full_name(self) -> str:
        return f"{self.civility} {self.first_name} {self.last_name.upper()}".strip()
