"""The whole file of one youth, read from the database as a `DossierRecord` (the right of access, domain.md §9):
`documents/dossier.py` lays it out."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import is_minor
from pae_desktop.core.models import (
    AuditEvent,
    GeneratedDocument,
    InformationAction,
    InformationTarget,
    Interview,
    InterviewParticipant,
    InterviewSlot,
    Pathway,
    Person,
    SlotBooking,
    Youth,
)
from pae_desktop.core.records import (
    AttemptLine,
    BookingLine,
    DossierRecord,
    EventLine,
    ExitFacts,
    FollowUpLine,
    InformationLine,
    ModuleFacts,
    PathwayFacts,
    PrintedLine,
    copied,
)
from pae_desktop.core.scheme import scheme_of
from pae_desktop.core.services.document_records import interview_facts, schooling_of, youth_identity
from pae_desktop.core.vocabulary import ModuleType


def _name(person: Person | None) -> str:
    return person.full_name if person is not None else ""


def load_youth(session: Session, youth_id: int) -> Youth:
    youth = session.scalars(
        select(Youth)
        .where(Youth.id == youth_id)
        .options(
            selectinload(Youth.campaign),
            selectinload(Youth.schooling),
            selectinload(Youth.representatives),
            selectinload(Youth.contact_attempts),
            selectinload(Youth.bookings).selectinload(SlotBooking.slot).selectinload(InterviewSlot.partner),
            selectinload(Youth.interviews)
            .selectinload(Interview.participants)
            .selectinload(InterviewParticipant.person),
            selectinload(Youth.interviews).selectinload(Interview.barriers),
            selectinload(Youth.pathway).selectinload(Pathway.modules),
            selectinload(Youth.follow_ups),
            selectinload(Youth.exit),
        )
    ).first()
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base (supprimé ou anonymisé entre-temps).")
    return youth


def _information(session: Session, youth: Youth) -> tuple[InformationLine, ...]:
    """The information actions that reached the youth or their class."""
    division = youth.schooling.division if youth.schooling is not None else ""
    actions = session.scalars(
        select(InformationAction)
        .where(
            InformationAction.campaign_id == youth.campaign_id,
            or_(
                InformationAction.id.in_(
                    select(InformationTarget.action_id).where(InformationTarget.youth_id == youth.id)
                ),
                (InformationAction.division == division) & (InformationAction.division != ""),
            ),
        )
        .order_by(InformationAction.on)
    ).all()
    return tuple(InformationLine(a.on, a.kind, a.division) for a in actions)


def _pathway(youth: Youth) -> PathwayFacts | None:
    pathway = youth.pathway
    if pathway is None:
        return None
    short = scheme_of(youth.campaign).mef_short(pathway.mef_code)
    mef = f"{pathway.mef_code} — {short}" if short and short != pathway.mef_code else pathway.mef_code
    modules = tuple(
        copied(
            ModuleFacts,
            m,
            label=m.label or ModuleType.label_of(m.module_type),
            carrier=m.carrier.name if m.carrier else "",
        )
        for m in pathway.modules
    )
    return copied(
        PathwayFacts,
        pathway,
        mef=mef,
        referent=_name(pathway.referent),
        mission_locale=pathway.mission_locale.name if pathway.mission_locale else "",
        modules=modules,
    )


def _history(session: Session, youth_id: int, staff: dict[int, Person]) -> tuple[tuple, tuple]:
    """The documents printed for the youth and the audit events about them."""
    documents = session.scalars(
        select(GeneratedDocument)
        .where(GeneratedDocument.youth_id == youth_id)
        .order_by(GeneratedDocument.created_at)
    ).all()
    events = session.scalars(
        select(AuditEvent)
        .where(AuditEvent.entity == "youth", AuditEvent.entity_id == youth_id)
        .order_by(AuditEvent.at, AuditEvent.id)
    ).all()
    by = [" / ".join(p for p in (e.os_user, _name(staff.get(e.staff_id))) if p) for e in events]
    return (
        tuple(PrintedLine(d.created_at, d.kind) for d in documents),
        tuple(copied(EventLine, e, by=who) for e, who in zip(events, by, strict=True)),
    )


def dossier_record(session: Session, youth_id: int, today: dt.date | None = None) -> DossierRecord:
    """Everything held on the youth: identity, schooling, contacts, interviews, pathway, follow-up, exit, the
    documents printed and the audit log about them."""
    from pae_desktop.core.services.youths import stage_of

    youth = load_youth(session, youth_id)
    staff = {p.id: p for p in session.scalars(select(Person))}
    documents, events = _history(session, youth.id, staff)
    attempts = tuple(
        copied(AttemptLine, a, staff=_name(staff.get(a.staff_id))) for a in youth.contact_attempts
    )
    bookings = tuple(
        copied(
            BookingLine,
            b,
            starts_at=b.slot.starts_at,
            place=b.slot.place,
            partner=b.slot.partner.name if b.slot.partner else "",
        )
        for b in sorted(youth.bookings, key=lambda b: b.slot.starts_at)
    )
    return DossierRecord(
        youth=youth_identity(youth),
        scheme=scheme_of(youth.campaign),
        campaign_year=youth.campaign.year,
        stage=stage_of(session, youth, today).label,
        minor=is_minor(youth.birth_date, today or dt.date.today()),
        schooling=schooling_of(youth),
        information=_information(session, youth),
        attempts=attempts,
        bookings=bookings,
        interviews=tuple(interview_facts(i) for i in youth.interviews),
        pathway=_pathway(youth),
        follow_ups=tuple(copied(FollowUpLine, f) for f in youth.follow_ups),
        exit=copied(ExitFacts, youth.exit) if youth.exit is not None else None,
        documents=documents,
        events=events,
    )
