"""The plain records the documents print: dataclasses built by the core's query functions
(`core/services/document_records.py`, `core/services/dossier.py`), read by `documents/` without a session.

Values stay raw (dates, vocabulary codes): the documents turn them into French text. A test can build any record
by hand, without a database.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass
from typing import Any, TypeVar

from pae_desktop.core.grammar import Person, minor_on, person
from pae_desktop.core.scheme import Scheme

Record = TypeVar("Record")


def copied(cls: type[Record], source: Any, **values: Any) -> Record:
    """A `cls` whose fields are read by name from `source` (an ORM row, say), but those given in `values`;
    a field `source` lacks keeps its default."""
    for item in dataclasses.fields(cls):  # type: ignore[arg-type]
        if item.name not in values and hasattr(source, item.name):
            values[item.name] = getattr(source, item.name)
    return cls(**values)


# --- the youth ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Representative:
    """A legal representative or another contact of the youth."""

    full_name: str
    link: str = ""  # vocabulary.ParentLink code
    is_legal: bool = True
    phone: str = ""
    phone_raw: str = ""
    email: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""


@dataclass(frozen=True)
class YouthIdentity:
    """Who the youth is and how to reach them (every document starts with some of it)."""

    id: int = 0
    last_name: str = ""
    usage_name: str = ""
    first_names: str = ""
    sex: str = ""  # vocabulary.Sex code
    birth_date: dt.date | None = None
    ine: str = ""
    boursier: bool = False
    phone: str = ""
    phone_raw: str = ""
    phone2: str = ""
    phone2_raw: str = ""
    email: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    notes: str = ""
    pseudonym: str = ""
    siecle_id: str = ""
    not_concerned_on: dt.date | None = None
    not_concerned_reason: str = ""
    left_school_on: dt.date | None = None
    corrected_fields: str = ""
    created_at: dt.datetime | None = None
    updated_at: dt.datetime | None = None
    anonymised_at: dt.datetime | None = None
    representatives: tuple[Representative, ...] = ()

    @property
    def first_name(self) -> str:
        return self.first_names.split(" ")[0] if self.first_names else ""

    @property
    def display_name(self) -> str:
        """«MARTIN Léa» (as `models.Youth.display_name`)."""
        return f"{self.last_name.upper()} {self.first_name}".strip()

    @property
    def legal_representatives(self) -> tuple[Representative, ...]:
        return tuple(r for r in self.representatives if r.is_legal)

    @property
    def person(self) -> Person:
        """The words that name the youth («la jeune», «inscrite»…), agreeing with their sex."""
        return person(self.sex)

    def minor_on(self, on: dt.date) -> bool:
        """A minor on the document's own date `on` (`grammar.minor_on`)."""
        return minor_on(self.birth_date, on)

    def representatives_on(self, on: dt.date) -> tuple[Representative, ...]:
        """Every legal representative when the youth is a minor on `on`, else none: whom a document dated `on`
        addresses and asks to sign."""
        return self.legal_representatives if self.minor_on(on) else ()


@dataclass(frozen=True)
class Schooling:
    """The final-year class the youth comes from."""

    diploma: str = ""  # vocabulary.Diploma code
    speciality: str = ""
    mef_code: str = ""
    mef_label: str = ""
    division: str = ""
    status: str = ""
    school_year: int | None = None
    exam_result: str = ""  # vocabulary.ExamResult code


# --- interviews and convocations ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Participant:
    name: str
    role: str = ""  # vocabulary.Role code
    structure: str = ""  # the partner they came from
    of_school: bool = False  # no partner: one of the school's staff (the record names the school)


@dataclass(frozen=True)
class InterviewFacts:
    """What was said and decided at one interview."""

    held_on: dt.date
    place: str = ""
    modality: str = ""
    participants: tuple[Participant, ...] = ()
    situation: str = ""
    school_path: str = ""
    pfmp_done: str = ""
    project: str = ""  # vocabulary.Project code
    trades_sought: str = ""
    area_sought: str = ""
    barriers: tuple[str, ...] = ()  # vocabulary.Barrier codes
    other_barrier: str = ""
    proposals: str = ""
    decision: str = ""  # vocabulary.Decision code
    decided_on: dt.date | None = None
    refusal_reason: str = ""
    notice_given_on: dt.date | None = None
    notes: str = ""


@dataclass(frozen=True)
class InterviewRecord:
    """The «fiche d'entretien» of one interview."""

    youth: YouthIdentity
    interview: InterviewFacts
    scheme: Scheme
    schooling: Schooling | None = None
    relance_on: dt.date | None = None  # when the school will call back a youth still thinking it over


@dataclass(frozen=True)
class StaffMember:
    full_name: str
    role: str = ""  # vocabulary.PersonRole code
    partner_name: str = ""
    phone: str = ""


@dataclass(frozen=True)
class ConvocationRecord:
    """The «convocation» of one booking: the slot, who receives, who is invited (and their representatives)."""

    youth: YouthIdentity
    scheme: Scheme
    starts_at: dt.datetime
    duration_minutes: int = 45
    place: str = ""
    advisor: StaffMember | None = None
    partner_name: str = ""
    referent: StaffMember | None = None  # who signs for the school (`document_records.school_referent`)


# --- the information notice ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RetentionRules:
    """The retention settings, as the information notice states them. `pathway_end` is the last day kept for a
    pathway file of the campaign of rentrée 2000 (its month and day are what the notice prints)."""

    no_pathway_at_campaign_end: bool = True
    pathway_months: int = 8
    audit_days: int = 365
    pathway_end: dt.date = dt.date(2001, 8, 31)
    backup_months: int = 13  # manual and before-restore copies of `sauvegardes/`; automatic ones: their rotation


# --- the data protection officer's pack (register entry, impact assessment) ------------------------------------


@dataclass(frozen=True)
class StorageFacts:
    """What only the storage knows of the database's protection (`storage.security.storage_facts`)."""

    encrypted: bool = False  # SQLCipher, and its backups too
    shared_server: bool = False  # PostgreSQL on a server, else a SQLite file on the computer
    automatic_backups: bool = True  # at the window's start and close, into the data folder
    backup_days: int = 7  # the rotation: the latest of each of the last days, weeks and months
    backup_weeks: int = 4
    backup_months: int = 12
    backups_found: int = 0


@dataclass(frozen=True)
class SecurityMeasures:
    """The security measures actually on, as the register entry and the AIPD state them."""

    storage: StorageFacts = StorageFacts()
    lock_minutes: int = 10  # 0: no idle lock
    lock_pin: bool = False  # a PIN is set (else only the passphrase unlocks, when there is one)
    audit_days: int = 365
    roles: tuple[str, ...] = ()  # the application's PostgreSQL roles found on a shared server
    database_user: str = ""  # the login the application uses on a shared server

    @property
    def can_lock(self) -> bool:
        return self.lock_pin or self.storage.encrypted


@dataclass(frozen=True)
class DpoRecord:
    """What the register entry and the AIPD print besides the school: measures, retention, volumes."""

    measures: SecurityMeasures = SecurityMeasures()
    retention: RetentionRules = RetentionRules()
    youths: int = 0  # files not anonymised
    campaigns: int = 0
    mission_locales: tuple[str, ...] = ()


# --- the whole file of one youth (the right of access) ------------------------------------------------------


@dataclass(frozen=True)
class InformationLine:
    on: dt.date | None
    kind: str  # vocabulary.InformationKind code
    division: str = ""  # empty: an action for the youth alone


@dataclass(frozen=True)
class AttemptLine:
    at: dt.datetime | None
    channel: str = ""
    result: str = ""
    next_step: str = ""
    next_date: dt.date | None = None
    staff: str = ""
    note: str = ""


@dataclass(frozen=True)
class BookingLine:
    starts_at: dt.datetime
    place: str = ""
    partner: str = ""
    booked_at: dt.datetime | None = None
    cancelled_at: dt.datetime | None = None
    cancel_reason: str = ""


@dataclass(frozen=True)
class ModuleFacts:
    label: str
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    carrier: str = ""
    place: str = ""
    tutor: str = ""
    days_done: int | None = None
    notes: str = ""


@dataclass(frozen=True)
class PathwayFacts:
    mef: str  # «7034150311 — APRO PLUS 3»
    start_date: dt.date | None = None
    planned_end: dt.date | None = None
    actual_end: dt.date | None = None
    siecle_entered: bool = False
    siecle_entered_on: dt.date | None = None
    referent: str = ""
    mission_locale: str = ""
    non_engaged_note: str = ""
    abandoned_on: dt.date | None = None
    abandon_reason: str = ""
    notes: str = ""
    modules: tuple[ModuleFacts, ...] = ()


@dataclass(frozen=True)
class FollowUpLine:
    on: dt.date | None
    kind: str = ""
    note: str = ""
    next_action: str = ""
    due_on: dt.date | None = None
    done_on: dt.date | None = None
    absence_half_days: int = 0
    absence_justified: bool = False


@dataclass(frozen=True)
class ExitFacts:
    on: dt.date | None
    category: str = ""
    detail: str = ""
    note: str = ""


@dataclass(frozen=True)
class PrintedLine:
    created_at: dt.datetime | None
    kind: str


@dataclass(frozen=True)
class EventLine:
    at: dt.datetime | None
    action: str
    field: str = ""
    old_value: str = ""
    new_value: str = ""
    by: str = ""
    detail: str = ""


@dataclass(frozen=True)
class DossierRecord:
    """Everything the school holds on one youth, section by section."""

    youth: YouthIdentity
    scheme: Scheme
    campaign_year: int
    stage: str = ""  # the stage's French label
    minor: bool = False
    schooling: Schooling | None = None
    information: tuple[InformationLine, ...] = ()
    attempts: tuple[AttemptLine, ...] = ()
    bookings: tuple[BookingLine, ...] = ()
    interviews: tuple[InterviewFacts, ...] = ()
    pathway: PathwayFacts | None = None
    follow_ups: tuple[FollowUpLine, ...] = ()
    exit: ExitFacts | None = None
    documents: tuple[PrintedLine, ...] = ()
    events: tuple[EventLine, ...] = ()
