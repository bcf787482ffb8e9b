"""The records the documents print, read from the database: the interview record, the convocation, the retention
rules of the notice, and who each kind of document concerns (`core/operations/printing.py` uses them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload, selectinload

from pae_desktop.core import settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    Campaign,
    Exit,
    Interview,
    InterviewParticipant,
    InterviewSlot,
    Pathway,
    Person,
    SlotBooking,
    Youth,
)
from pae_desktop.core.records import (
    ConvocationRecord,
    InterviewFacts,
    InterviewRecord,
    Participant,
    Representative,
    RetentionRules,
    Schooling,
    StaffMember,
    YouthIdentity,
    copied,
)
from pae_desktop.core.scheme import scheme_of
from pae_desktop.core.stage import interview_order, latest_interview_of
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import FollowUpKind, Role

# --- the youth ----------------------------------------------------------------------------------------------


def youth_identity(youth: Youth) -> YouthIdentity:
    """The youth's identity and every representative (documents pick the legal ones when they need to)."""
    representatives = tuple(copied(Representative, r, full_name=r.full_name) for r in youth.representatives)
    return copied(YouthIdentity, youth, representatives=representatives)


def schooling_of(youth: Youth) -> Schooling | None:
    return copied(Schooling, youth.schooling) if youth.schooling is not None else None


# --- the interview record ---------------------------------------------------------------------------------


def participant_of(p: InterviewParticipant) -> Participant:
    """A participant's name, role and structure (their partner; none for the school's staff)."""
    name = p.person.full_name if p.person is not None else p.name
    if p.partner is not None:
        return Participant(name, p.role, p.partner.name)
    if p.person is not None and p.person.partner is not None:
        return Participant(name, p.role, p.person.partner.name)
    return Participant(name, p.role, of_school=p.person is not None or p.role not in (Role.ML, Role.FT))


def interview_facts(interview: Interview) -> InterviewFacts:
    participants = tuple(participant_of(p) for p in interview.participants)
    barriers = tuple(b.barrier for b in interview.barriers)
    return copied(InterviewFacts, interview, participants=participants, barriers=barriers)


def _relance_on(youth: Youth) -> dt.date | None:
    """The due date of the youth's open reminder (else of their last one)."""
    relances = [f for f in youth.follow_ups if f.kind == FollowUpKind.RELANCE]
    open_ = [f for f in relances if f.done_on is None]
    chosen = (open_ or relances or [None])[-1]
    return chosen.due_on if chosen is not None else None


def interview_record(session: Session, interview_id: int) -> InterviewRecord:
    """The record of one interview, in two queries: the interview joined with its youth, the youth's schooling
    and the barriers; then the participants (with their person and structure)."""
    interview = (
        session.scalars(
            select(Interview)
            .where(Interview.id == interview_id)
            .options(
                selectinload(Interview.participants)
                .joinedload(InterviewParticipant.person)
                .joinedload(Person.partner),
                selectinload(Interview.participants).joinedload(InterviewParticipant.partner),
                joinedload(Interview.barriers),
                joinedload(Interview.youth).joinedload(Youth.schooling),
                joinedload(Interview.youth).joinedload(Youth.campaign),
            )
        )
        .unique()
        .one_or_none()
    )
    if interview is None:
        raise UserError("Cette fiche d'entretien n'existe plus.")
    youth = interview.youth
    return InterviewRecord(
        youth=youth_identity(youth),
        interview=interview_facts(interview),
        scheme=scheme_of(youth.campaign),
        schooling=schooling_of(youth),
        relance_on=_relance_on(youth),
    )


def latest_interview_id(session: Session, youth_id: int) -> int | None:
    """The youth's latest interview, in the one order of interviews (`core.stage.interview_order`)."""
    rows = session.execute(
        select(Interview.id, Interview.held_on, InterviewSlot.starts_at)
        .outerjoin(InterviewSlot, InterviewSlot.id == Interview.slot_id)
        .where(Interview.youth_id == youth_id)
    ).all()
    latest = latest_interview_of(rows, lambda r: interview_order(r.held_on, r.starts_at, r.id))
    return latest.id if latest is not None else None


def youth_interview_record(
    session: Session, youth_id: int, interview_id: int | None = None
) -> InterviewRecord:
    """The record of `interview_id`, by default of the youth's latest interview; UserError when none."""
    interview_id = interview_id or latest_interview_id(session, youth_id)
    if interview_id is None:
        raise UserError("Aucun entretien n'est enregistré pour ce jeune : pas de fiche à imprimer.")
    return interview_record(session, interview_id)


# --- the convocation --------------------------------------------------------------------------------------


def staff_member(person: Person | None) -> StaffMember | None:
    if person is None:
        return None
    partner = person.partner.name if person.partner is not None else ""
    return StaffMember(person.full_name, person.role, partner, person.phone)


def school_referent(session: Session) -> Person | None:
    """Who signs for the school: the current staff member (the setting), else the directory's first «Référent
    décrochage scolaire» of the school (not archived, by name); None: the school itself signs."""
    staff_id = settings.get(session, settings.CURRENT_STAFF_ID)
    person = session.get(Person, staff_id) if staff_id else None
    if person is not None:
        return person
    return session.scalars(
        select(Person)
        .where(Person.role == Role.RDS.value, Person.partner_id.is_(None), Person.archived.is_(False))
        .order_by(Person.id)
        .limit(1)
    ).first()


def _live_bookings(*columns):
    """`select(*columns)` of the bookings still standing on a slot still standing."""
    return (
        select(*columns)
        .join(InterviewSlot, InterviewSlot.id == SlotBooking.slot_id)
        .where(SlotBooking.cancelled_at.is_(None), InterviewSlot.cancelled_at.is_(None))
    )


def latest_booking_id(session: Session, youth_id: int) -> int | None:
    """The youth's latest active booking (past or future): the one a convocation is printed for."""
    return session.scalar(
        _live_bookings(SlotBooking.id)
        .where(SlotBooking.youth_id == youth_id)
        .order_by(InterviewSlot.starts_at.desc(), SlotBooking.id.desc())
        .limit(1)
    )


def convocation_record(session: Session, youth_id: int, booking_id: int | None = None) -> ConvocationRecord:
    """The convocation of `booking_id`, by default of the youth's latest active booking."""
    booking_id = booking_id or latest_booking_id(session, youth_id)
    if booking_id is None:
        raise UserError("Ce jeune n'a aucun entretien réservé : pas de convocation à imprimer.")
    booking = session.get(SlotBooking, booking_id)
    if booking is None:
        raise UserError("Cette réservation n'existe plus.")
    if booking.cancelled_at is not None:
        raise UserError("Cette réservation est annulée : pas de convocation à imprimer.")
    slot, youth = booking.slot, booking.youth
    return ConvocationRecord(
        youth=youth_identity(youth),
        scheme=scheme_of(youth.campaign),
        starts_at=slot.starts_at,
        duration_minutes=slot.duration_minutes,
        place=slot.place,
        advisor=staff_member(slot.advisor),
        partner_name=slot.partner.name if slot.partner is not None else "",
        referent=staff_member(school_referent(session)),
    )


# --- the information notice ---------------------------------------------------------------------------------


def retention_rules(session: Session) -> RetentionRules:
    """The retention settings as the notice states them."""
    from pae_desktop.core.services.retention import _end_of_month_after

    months = int(settings.get(session, settings.RETENTION_PATHWAY_MONTHS))
    return RetentionRules(
        bool(settings.get(session, settings.RETENTION_NO_PATHWAY)),
        months,
        int(settings.get(session, settings.AUDIT_RETENTION_DAYS)),
        _end_of_month_after(2000, months),
        int(settings.get(session, settings.BACKUP_RETENTION_MONTHS)),
    )


# --- who each kind of document concerns ---------------------------------------------------------------------


def in_name_order(session: Session, ids: Iterable[int]) -> list[int]:
    """`ids` of youths sorted by name (accents and case folded), then id."""
    rows = session.execute(
        select(Youth.id, Youth.last_name, Youth.first_names).where(Youth.id.in_(list(ids)))
    ).all()
    rows.sort(key=lambda r: (fold(r[1]), fold(r[2]), r[0]))
    return [r[0] for r in rows]


def youths_with_interview(session: Session, campaign: Campaign) -> list[int]:
    """Youths of the campaign with an interview recorded."""
    ids = session.scalars(
        select(Interview.youth_id)
        .join(Youth, Youth.id == Interview.youth_id)
        .where(Youth.campaign_id == campaign.id, Youth.anonymised_at.is_(None))
        .distinct()
    )
    return in_name_order(session, ids)


def youths_with_booking(session: Session, campaign: Campaign) -> list[int]:
    """Youths of the campaign with a live booking (past or future)."""
    ids = session.scalars(
        _live_bookings(SlotBooking.youth_id)
        .join(Youth, Youth.id == SlotBooking.youth_id)
        .where(Youth.campaign_id == campaign.id, Youth.anonymised_at.is_(None))
        .distinct()
    )
    return in_name_order(session, ids)


def youths_not_anonymised(session: Session, campaign: Campaign) -> list[int]:
    """Every youth of the campaign whose file is not anonymised (the right of access covers them all)."""
    ids = session.scalars(
        select(Youth.id).where(Youth.campaign_id == campaign.id, Youth.anonymised_at.is_(None))
    )
    return in_name_order(session, ids)


# The same memberships, for one youth (a single print asks only about its youth; tests hold both together).


def _exists(session: Session, query) -> bool:
    return session.scalar(query.limit(1)) is not None


def has_interview(session: Session, youth_id: int) -> bool:
    return _exists(session, select(Interview.id).where(Interview.youth_id == youth_id))


def has_booking(session: Session, youth_id: int) -> bool:
    return _exists(session, _live_bookings(SlotBooking.id).where(SlotBooking.youth_id == youth_id))


def has_pathway(session: Session, youth_id: int) -> bool:
    return _exists(session, select(Pathway.id).where(Pathway.youth_id == youth_id))


def has_ended_pathway(session: Session, youth_id: int) -> bool:
    """A pathway with an exit or an abandonment."""
    return _exists(
        session,
        select(Pathway.id)
        .outerjoin(Exit, Exit.youth_id == Pathway.youth_id)
        .where(Pathway.youth_id == youth_id, Exit.id.is_not(None) | Pathway.abandoned_on.is_not(None)),
    )


def is_youth(session: Session, youth_id: int) -> bool:
    return session.get(Youth, youth_id) is not None
