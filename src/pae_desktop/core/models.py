"""The data model of the whole PAE domain (domain.md §5) as SQLAlchemy 2 typed models.

Codes are stored as the strings of `core.vocabulary`; the stage of a case is never stored (see `core.stage`).
Every table carries only recorded facts, each dated, so that reports can say when each step happened.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    Boolean,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


# --- school, settings, campaigns -------------------------------------------------------------------------


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


# --- people and organisations -----------------------------------------------------------------------------


class Partner(Base):
    """A Mission locale, a company or another partner (domain §2)."""

    __tablename__ = "partner"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    type: Mapped[str] = mapped_column(String(30), index=True)  # vocabulary.PartnerType
    address: Mapped[str] = mapped_column(String(300), default="")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    city: Mapped[str] = mapped_column(String(100), default="")
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    siret: Mapped[str] = mapped_column(String(14), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    people: Mapped[list[Person]] = relationship(back_populates="partner")


class Person(Base):
    """A person of the directory: school staff (no partner) or someone working for a partner."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    partner_id: Mapped[int | None] = mapped_column(ForeignKey("partner.id", ondelete="SET NULL"), index=True)
    last_name: Mapped[str] = mapped_column(String(100))
    first_name: Mapped[str] = mapped_column(String(100), default="")
    role: Mapped[str] = mapped_column(String(30))  # vocabulary.PersonRole
    phone: Mapped[str] = mapped_column(String(30), default="")
    email: Mapped[str] = mapped_column(String(200), default="")
    archived: Mapped[bool] = mapped_column(Boolean, default=False)
    # Optimistic concurrency (architecture.md, the operation contract): a stale save is refused.
    version: Mapped[int] = mapped_column(Integer, default=1)

    __mapper_args__ = {"version_id_col": version}

    partner: Mapped[Partner | None] = relationship(back_populates="people")

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


# --- youths ------------------------------------------------------------------------------------------------


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


# --- contact campaign --------------------------------------------------------------------------------------


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


# --- interviews ----------------------------------------------------------------------------------------------


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


# --- pathways -----------------------------------------------------------------------------------------------


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


# --- phase 1 «AvenirPro», during terminale (campaigns from 2026, domain §1 and §3) ---------------------------


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


# --- documents and audit ------------------------------------------------------------------------------------


class GeneratedDocument(Base):
    """A PDF the application printed, for the file's history and the right of access."""

    __tablename__ = "generated_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    youth_id: Mapped[int | None] = mapped_column(ForeignKey("youth.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))  # vocabulary.DocumentKind
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    path: Mapped[str] = mapped_column(String(1000), default="")
    sha256: Mapped[str] = mapped_column(String(64), default="")


class AuditEvent(Base):
    """An append-only audit entry; youths are named by their internal id only (domain §9)."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    os_user: Mapped[str] = mapped_column(String(100), default="")
    staff_id: Mapped[int | None] = mapped_column(Integer)  # no FK: the log outlives the directory
    action: Mapped[str] = mapped_column(String(30))  # create, update, delete, print, export, import…
    entity: Mapped[str] = mapped_column(String(50), default="")
    entity_id: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str] = mapped_column(String(100), default="")
    old_value: Mapped[str] = mapped_column(Text, default="")
    new_value: Mapped[str] = mapped_column(Text, default="")
    nominative: Mapped[bool] = mapped_column(Boolean, default=False)
    detail: Mapped[str] = mapped_column(Text, default="")


def declare_postgresql_options() -> None:
    """The PostgreSQL half of the partial index on active bookings, declared once PostgreSQL is in use: naming
    `postgresql_where` in the class itself imports the whole PostgreSQL dialect, a tenth of a second at every
    start of a SQLite workstation."""
    index = next(i for i in SlotBooking.__table__.indexes if i.name == "uq_slot_booking_active")
    index.dialect_kwargs["postgresql_where"] = text(ACTIVE_BOOKING)
