"""Retention (domain.md §9): anonymise youths when the settings' periods end, purge the old audit log, erase on request.

Anonymising keeps every fact the indicators are computed from (dates, codes, decisions, modules, exits, the
pseudonym of the FOQUALE file, the year of birth) and wipes what names or locates a person, and free text.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from pae_desktop.core import audit, settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    AuditEvent,
    Campaign,
    ContactAttempt,
    Exit,
    FollowUpEvent,
    GeneratedDocument,
    Interview,
    InterviewParticipant,
    LegalRepresentative,
    Pathway,
    PathwayModule,
    SlotBooking,
    Youth,
    utcnow,
)
from pae_desktop.core.services.school import get_school

ANONYMOUS_NAME = "ANONYMISÉ"
# The detail of an erasure event: a restore applies the erasures recorded since its backup again, reading it.
ERASE_REQUESTED = "à la demande de la personne"
ERASE_DELETED = "(dossier supprimé)"
ERASE_ANONYMISED = "(dossier anonymisé)"

# Columns of `youth` emptied (the name becomes ANONYMOUS_NAME; the pseudonym, sex and schooling stay).
_YOUTH_WIPED = (
    "ine",
    "siecle_id",
    "usage_name",
    "first_names",
    "phone",
    "phone_raw",
    "phone2",
    "phone2_raw",
    "email",
    "address",
    "postal_code",
    "city",
    "notes",
    "not_concerned_reason",
    "corrected_fields",
    "search_key",
)

# Columns wiped on the tables that hang off a youth (free text, names, places of a person).
_WIPED = {
    ContactAttempt: ("note",),
    SlotBooking: ("cancel_reason",),
    Interview: (
        "situation",
        "school_path",
        "pfmp_done",
        "trades_sought",
        "area_sought",
        "other_barrier",
        "proposals",
        "refusal_reason",
        "notes",
    ),
    Pathway: ("non_engaged_note", "abandon_reason", "notes"),
    FollowUpEvent: ("note", "next_action"),
    Exit: ("note",),
    GeneratedDocument: ("path",),
}


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


def _end_of_month_after(year: int, months: int) -> dt.date:
    """31 December of `year` plus `months` months, at the end of that month (8 → 31 August `year`+1)."""
    index = 12 + max(0, int(months)) - 1
    y, m = year + index // 12, index % 12 + 1
    return dt.date(y, m, calendar.monthrange(y, m)[1])


def campaign_deadlines(session: Session, year: int) -> tuple[dt.date, dt.date]:
    """(last day kept for youths who never entered a pathway, last day kept for pathway files)."""
    pathway_end = _end_of_month_after(year, settings.get(session, settings.RETENTION_PATHWAY_MONTHS))
    if settings.get(session, settings.RETENTION_NO_PATHWAY):
        return dt.date(year, 12, 31), pathway_end
    return pathway_end, pathway_end


@dataclass
class CampaignDue:
    year: int
    no_pathway: list[int] = field(default_factory=list)
    with_pathway: list[int] = field(default_factory=list)
    no_pathway_until: dt.date | None = None
    pathway_until: dt.date | None = None

    @property
    def youth_ids(self) -> list[int]:
        return self.no_pathway + self.with_pathway


@dataclass
class RetentionPlan:
    """What the rules make due on `today`; shown for confirmation, then applied by `apply_retention`."""

    today: dt.date
    demo: bool = False
    campaigns: list[CampaignDue] = field(default_factory=list)
    audit_before: dt.datetime | None = None
    audit_entries: int = 0

    @property
    def youth_ids(self) -> list[int]:
        return [i for c in self.campaigns for i in c.youth_ids]

    @property
    def empty(self) -> bool:
        return not self.youth_ids and not self.audit_entries

    def lines(self) -> list[str]:
        if self.demo:
            return [
                "Établissement de démonstration : exempté de la durée de conservation, rien n'est à anonymiser."
            ]
        out = []
        for c in self.campaigns:
            if c.no_pathway:
                out.append(
                    f"Campagne {c.year} : {len(c.no_pathway)} jeune(s) sans parcours à anonymiser "
                    f"(conservés jusqu'au {c.no_pathway_until:%d/%m/%Y})"
                )
            if c.with_pathway:
                out.append(
                    f"Campagne {c.year} : {len(c.with_pathway)} dossier(s) de parcours à anonymiser "
                    f"(conservés jusqu'au {c.pathway_until:%d/%m/%Y})"
                )
        if self.audit_entries:
            out.append(
                f"Journal : {self.audit_entries} entrée(s) antérieure(s) au {self.audit_before:%d/%m/%Y} à supprimer"
            )
        return out or ["Rien n'est à anonymiser ni à supprimer aujourd'hui."]


def plan_retention(session: Session, today: dt.date | None = None) -> RetentionPlan:
    """The youths and audit entries due under the settings' rules on `today` (a demo school is exempt)."""
    today = today or dt.date.today()
    plan = RetentionPlan(today)
    school = get_school(session)
    if school is not None and school.is_demo:
        plan.demo = True
        return plan
    with_pathway = set(session.scalars(select(Pathway.youth_id)))
    for campaign in session.scalars(select(Campaign).order_by(Campaign.year)):
        no_pathway_until, pathway_until = campaign_deadlines(session, campaign.year)
        due = CampaignDue(campaign.year, no_pathway_until=no_pathway_until, pathway_until=pathway_until)
        ids = session.scalars(
            select(Youth.id)
            .where(Youth.campaign_id == campaign.id, Youth.anonymised_at.is_(None))
            .order_by(Youth.id)
        )
        for youth_id in ids:
            if youth_id in with_pathway:
                if today > pathway_until:
                    due.with_pathway.append(youth_id)
            elif today > no_pathway_until:
                due.no_pathway.append(youth_id)
        if due.youth_ids:
            plan.campaigns.append(due)
    days = int(settings.get(session, settings.AUDIT_RETENTION_DAYS))
    plan.audit_before = dt.datetime.combine(today - dt.timedelta(days=days), dt.time())
    plan.audit_entries = session.scalar(
        select(func.count()).select_from(AuditEvent).where(AuditEvent.at < plan.audit_before)
    )
    return plan


@dataclass(frozen=True)
class RetentionResult:
    anonymised: int
    audit_purged: int


def apply_retention(session: Session, plan: RetentionPlan, *, staff_id: int | None = None) -> RetentionResult:
    """Apply a plan (inside the caller's one transaction): anonymise, purge the old log, record both."""
    if plan.demo:
        return RetentionResult(0, 0)
    purged = 0
    if plan.audit_entries and plan.audit_before is not None:
        purged = session.execute(delete(AuditEvent).where(AuditEvent.at < plan.audit_before)).rowcount or 0
    ids = plan.youth_ids
    anonymise_youths(session, ids)
    for campaign in plan.campaigns:
        for youth_id in campaign.youth_ids:
            audit.record(
                session, "anonymise", "youth", youth_id, detail="durée de conservation", staff_id=staff_id
            )
    if purged:
        audit.record(
            session,
            "purge",
            "audit_event",
            detail=f"{purged} entrée(s) du journal antérieure(s) au {plan.audit_before:%d/%m/%Y}",
            staff_id=staff_id,
        )
    session.flush()
    return RetentionResult(len(ids), purged)


def anonymise_youths(session: Session, youth_ids: list[int], now: dt.datetime | None = None) -> None:
    """Wipe what identifies each youth and their free text; keep the facts the indicators count."""
    now = now or utcnow()
    session.flush()  # pending changes first: the updates below go straight to the database
    wiped = dict.fromkeys(_YOUTH_WIPED, "")
    for chunk in _chunks(list(youth_ids)):
        session.execute(
            update(Youth)
            .where(Youth.id.in_(chunk))
            .values(last_name=ANONYMOUS_NAME, anonymised_at=now, version=Youth.version + 1, **wiped)
            .execution_options(synchronize_session=False)
        )
        # the day and month of birth go, the year stays (FOQUALE's `annee_naissance`)
        by_year: dict[int, list[int]] = {}
        for youth_id, born in session.execute(
            select(Youth.id, Youth.birth_date).where(Youth.id.in_(chunk), Youth.birth_date.is_not(None))
        ):
            by_year.setdefault(born.year, []).append(youth_id)
        for year, ids in by_year.items():
            session.execute(
                update(Youth)
                .where(Youth.id.in_(ids))
                .values(birth_date=dt.date(year, 1, 1))
                .execution_options(synchronize_session=False)
            )
        session.execute(delete(LegalRepresentative).where(LegalRepresentative.youth_id.in_(chunk)))
        for model, columns in _WIPED.items():
            session.execute(
                update(model).where(model.youth_id.in_(chunk)).values(**dict.fromkeys(columns, ""))
            )
        interviews = select(Interview.id).where(Interview.youth_id.in_(chunk))
        session.execute(
            update(InterviewParticipant)
            .where(InterviewParticipant.interview_id.in_(interviews))
            .values(name="")
        )
        pathways = select(Pathway.id).where(Pathway.youth_id.in_(chunk))
        session.execute(
            update(PathwayModule)
            .where(PathwayModule.pathway_id.in_(pathways))
            .values(place="", tutor="", convention_ref="", notes="")
        )
    session.expire_all()


def erase_youth(
    session: Session, youth_id: int, *, delete_record: bool = False, staff_id: int | None = None
) -> None:
    """The person's erasure on request: anonymised at once (statistics kept) or, with `delete_record`, the
    whole file deleted. Either way the audit log records it, naming the youth by its internal id only."""
    youth = session.get(Youth, youth_id)
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base (supprimé ou anonymisé entre-temps).")
    if delete_record:
        audit.record(
            session, "erase", "youth", youth_id, detail=f"{ERASE_REQUESTED} {ERASE_DELETED}", staff_id=staff_id
        )
        session.delete(youth)
    else:
        if youth.anonymised_at is not None:
            raise UserError("Ce dossier est déjà anonymisé.")
        anonymise_youths(session, [youth_id])
        audit.record(
            session, "erase", "youth", youth_id, detail=f"{ERASE_REQUESTED} {ERASE_ANONYMISED}", staff_id=staff_id
        )
    session.flush()
