"""The interview day (issue 17 §2), read from the database: the bookings of a day (or of a series of days) with
a Mission locale or all of them, the day's agenda, each booked youth's pre-filled interview sheet, and the pack
that gathers them. The print operations (`core/operations/interview_day.py`, `core/operations/printing.py`)
render and record them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core.day_records import AgendaLine, AgendaRecord, InterviewDayRecord, PreparationRecord
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import is_minor
from pae_desktop.core.models import Campaign, InterviewSlot, Partner, Person, SlotBooking, Youth
from pae_desktop.core.phase1 import NOTHING, phase1_summaries
from pae_desktop.core.records import AttemptLine, copied
from pae_desktop.core.scheme import scheme_of
from pae_desktop.core.services.document_records import (
    convocation_record,
    latest_booking_id,
    school_referent,
    schooling_of,
    youth_identity,
)
from pae_desktop.core.services.interviews.slots import active_booking
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import PartnerType

NO_BOOKING = "Aucun entretien réservé ce jour-là"
Progress = Callable[[int, int, str], None]


# --- which slots and bookings -------------------------------------------------------------------------------


def _bounds(first: dt.date, last: dt.date | None) -> tuple[dt.datetime, dt.datetime]:
    last = last or first
    if last < first:
        raise UserError("La date de fin précède la date de début.")
    return dt.datetime.combine(first, dt.time()), dt.datetime.combine(last + dt.timedelta(days=1), dt.time())


def day_slots(
    session: Session,
    campaign_id: int,
    first: dt.date,
    last: dt.date | None = None,
    partner_id: int | None = None,
    *,
    include_cancelled: bool = False,
) -> list[InterviewSlot]:
    """The live slots (and the cancelled ones when asked) from `first` to `last` (default: the one day `first`)
    of one partner or of all, in time order, with their bookings, youths, partner and advisor loaded."""
    start, end = _bounds(first, last)
    query = (
        select(InterviewSlot)
        .where(
            InterviewSlot.campaign_id == campaign_id,
            InterviewSlot.starts_at >= start,
            InterviewSlot.starts_at < end,
        )
        .options(
            selectinload(InterviewSlot.partner),
            selectinload(InterviewSlot.advisor),
            selectinload(InterviewSlot.bookings)
            .selectinload(SlotBooking.youth)
            .selectinload(Youth.schooling),
            selectinload(InterviewSlot.bookings)
            .selectinload(SlotBooking.youth)
            .selectinload(Youth.representatives),
        )
        .order_by(InterviewSlot.starts_at, InterviewSlot.id)
    )
    if partner_id is not None:
        query = query.where(InterviewSlot.partner_id == partner_id)
    if not include_cancelled:
        query = query.where(InterviewSlot.cancelled_at.is_(None))
    return list(session.scalars(query))


def day_bookings(
    session: Session,
    campaign_id: int,
    first: dt.date,
    last: dt.date | None = None,
    partner_id: int | None = None,
) -> list[SlotBooking]:
    """The bookings still standing on those slots (anonymised files left out), in slot order then by name."""
    bookings = [
        booking
        for slot in day_slots(session, campaign_id, first, last, partner_id)
        if (booking := active_booking(slot)) is not None and booking.youth.anonymised_at is None
    ]
    bookings.sort(key=lambda b: (b.slot.starts_at, fold(b.youth.last_name), fold(b.youth.first_names), b.id))
    return bookings


def find_partner(session: Session, text: str) -> Partner:
    """The partner named by `text` (its number, its exact name, or the one name that contains it, accents and
    case ignored): the command line's `--mission-locale NOM|ID`. UserError (French) when none or several."""
    wanted = text.strip()
    if not wanted:
        raise UserError("Précisez la Mission locale (son nom ou son numéro).")
    if wanted.isdigit() and (partner := session.get(Partner, int(wanted))) is not None:
        return partner
    partners = list(session.scalars(select(Partner)))
    key = fold(wanted)
    exact = [p for p in partners if fold(p.name) == key]
    found = exact or [p for p in partners if key in fold(p.name)]
    if len(found) > 1:  # «nancy»: the Mission locale rather than France Travail Nancy Nord
        found = [p for p in found if p.type == PartnerType.MISSION_LOCALE] or found
    if not found:
        raise UserError(f"Aucune Mission locale ni aucun partenaire ne s'appelle « {wanted} ».")
    if len(found) > 1:
        names = ", ".join(sorted(p.name for p in found))
        raise UserError(
            f"« {wanted} » désigne plusieurs partenaires ({names}) : précisez le nom ou le numéro."
        )
    return found[0]


# --- the agenda ---------------------------------------------------------------------------------------------


def _phone(youth: Youth, on: dt.date) -> str:
    """The youth's number; without one, a minor's legal representative's, said as such."""
    own = youth.phone or youth.phone_raw
    if own or not is_minor(youth.birth_date, on):
        return own
    for rep in youth.representatives:
        if rep.is_legal and (rep.phone or rep.phone_raw):
            return f"{rep.phone or rep.phone_raw} (représentant légal)"
    return ""


def _agenda_line(slot: InterviewSlot) -> AgendaLine:
    booking = active_booking(slot)
    youth = booking.youth if booking is not None and booking.youth.anonymised_at is None else None
    line = AgendaLine(
        slot.starts_at,
        slot.duration_minutes,
        slot.place,
        slot.partner.name if slot.partner is not None else "",
        slot.advisor.full_name if slot.advisor is not None else "",
    )
    if youth is None:
        return line
    day = slot.starts_at.date()
    return replace(
        line,
        youth_name=youth.display_name,
        division=youth.schooling.division if youth.schooling is not None else "",
        phone=_phone(youth, day),
        minor=is_minor(youth.birth_date, day),
        sex=youth.sex,
    )


def agenda_record(
    session: Session, campaign_id: int, day: dt.date, partner_id: int | None = None
) -> AgendaRecord:
    """The day's slots, free ones included (the advisor may receive a youth who comes without an appointment)."""
    partner = session.get(Partner, partner_id) if partner_id is not None else None
    return AgendaRecord(
        day,
        scheme_of(session.get(Campaign, campaign_id)),
        partner.name if partner is not None else "",
        tuple(_agenda_line(slot) for slot in day_slots(session, campaign_id, day, None, partner_id)),
    )


# --- the pre-filled sheet -----------------------------------------------------------------------------------


def _referent_name(session: Session) -> str:
    person = school_referent(session)
    return person.full_name if person is not None else ""


def _attempts(session: Session, youth: Youth) -> tuple[AttemptLine, ...]:
    staff = {p.id: p.full_name for p in session.scalars(select(Person))}
    return tuple(
        copied(AttemptLine, a, staff=staff.get(a.staff_id, ""))
        for a in sorted(youth.contact_attempts, key=lambda a: (a.at, a.id))
    )


def _sheet(session: Session, booking: SlotBooking, referent: str, phase1: str) -> PreparationRecord:
    slot, youth = booking.slot, booking.youth
    return PreparationRecord(
        youth=youth_identity(youth),
        scheme=scheme_of(youth.campaign),
        starts_at=slot.starts_at,
        duration_minutes=slot.duration_minutes,
        place=slot.place,
        partner_name=slot.partner.name if slot.partner is not None else "",
        advisor_name=slot.advisor.full_name if slot.advisor is not None else "",
        referent_name=referent,
        schooling=schooling_of(youth),
        attempts=_attempts(session, youth),
        phase1=phase1,
    )


def _phase1_texts(session: Session, campaign_id: int, youth_ids: Sequence[int]) -> dict[int, str]:
    """Each youth's phase-1 summary, or nothing when the campaign has no phase 1."""
    if not youth_ids or not scheme_of(session.get(Campaign, campaign_id)).has_phase1:
        return {}
    summaries = phase1_summaries(session, campaign_id, youth_ids)
    return {youth_id: summaries.get(youth_id, NOTHING).text for youth_id in youth_ids}


def preparation_record(
    session: Session, youth_id: int, booking_id: int | None = None, today: dt.date | None = None
) -> PreparationRecord:
    """The pre-filled sheet of `booking_id`, by default of the youth's latest booking still standing (the print
    operation's record of the kind «fiche-preparation»)."""
    booking_id = booking_id or latest_booking_id(session, youth_id)
    booking = session.get(SlotBooking, booking_id) if booking_id is not None else None
    if booking is None or booking.youth_id != youth_id:
        raise UserError("Ce jeune n'a aucun entretien réservé : pas de fiche pré-remplie à imprimer.")
    if booking.cancelled_at is not None or booking.slot.cancelled_at is not None:
        raise UserError("Cette réservation est annulée : pas de fiche pré-remplie à imprimer.")
    campaign_id = booking.youth.campaign_id
    phase1 = _phase1_texts(session, campaign_id, [youth_id]).get(youth_id, "")
    return _sheet(session, booking, _referent_name(session), phase1)


# --- the day's pack -----------------------------------------------------------------------------------------


def interview_day_record(
    session: Session,
    campaign_id: int,
    day: dt.date,
    partner_id: int | None = None,
    *,
    agenda: bool = True,
    sheets: bool = True,
    convocations: bool = False,
    progress: Progress | None = None,
) -> InterviewDayRecord:
    """The agenda, the sheet of every booking of the day and their convocations, each when asked. UserError
    «Aucun entretien réservé ce jour-là» when the day has no booking. `progress(done, total, message)` once per
    booking (the window's background task cancels there)."""
    if not (agenda or sheets or convocations):
        raise UserError("Choisissez au moins un document : l'agenda, les fiches ou les convocations.")
    bookings = day_bookings(session, campaign_id, day, None, partner_id)
    if not bookings:
        raise UserError(NO_BOOKING)
    referent = _referent_name(session)
    phase1 = _phase1_texts(session, campaign_id, [b.youth_id for b in bookings])
    built, letters = [], []
    for index, booking in enumerate(bookings):
        if progress is not None:
            progress(index, len(bookings), f"Fiche {index + 1} sur {len(bookings)}…")
        if sheets:
            built.append(_sheet(session, booking, referent, phase1.get(booking.youth_id, "")))
        if convocations:
            letters.append(convocation_record(session, booking.youth_id, booking.id))
    return InterviewDayRecord(
        day,
        agenda_record(session, campaign_id, day, partner_id) if agenda else None,
        tuple(built),
        tuple(letters),
        tuple(dict.fromkeys(b.youth_id for b in bookings)),
    )
