"""Bookings of interview slots: book a youth, cancel, move; each checks the versions the user saw."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.dates import french_date, french_datetime
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign, Interview, InterviewSlot, SlotBooking, Youth
from pae_desktop.core.operations import SLOTS, YOUTHS, Changes, bump, load_for_update
from pae_desktop.core.services.interviews.slots import SLOT_GONE, _now, active_booking

BOOKING_GONE = "Cette réservation n'existe plus."


def _youth_name(youth: Youth) -> str:
    return f"{youth.first_names.split(' ')[0] if youth.first_names else ''} {youth.last_name.upper()}".strip()


@dataclass(frozen=True)
class BookingResult(Changes):
    """The changes of a booking made (or moved), with the new booking's id."""

    booking_id: int = 0


def _booking_changes(
    booking: SlotBooking, warnings: list[str] | tuple[str, ...] = (), moved_from: SlotBooking | None = None
) -> BookingResult:
    before = (moved_from,) if moved_from is not None else ()
    return BookingResult(
        topics=frozenset({SLOTS, YOUTHS}),
        ids={
            "slot_booking": tuple(b.id for b in (*before, booking)),
            "interview_slot": tuple(b.slot_id for b in (*before, booking)),
            "youth": (booking.youth_id,),
        },
        versions={"slot_booking": booking.version},
        warnings=tuple(warnings),
        booking_id=booking.id,
    )


def live_bookings(youth_id: int) -> Select:
    """The query of a youth's active bookings on live (not cancelled) slots."""
    return (
        select(SlotBooking)
        .join(InterviewSlot, InterviewSlot.id == SlotBooking.slot_id)
        .where(
            SlotBooking.youth_id == youth_id,
            SlotBooking.cancelled_at.is_(None),
            InterviewSlot.cancelled_at.is_(None),
        )
    )


def _pending_booking(
    session: Session, youth_id: int, exclude_booking: int | None = None
) -> SlotBooking | None:
    """The youth's active booking with no interview recorded for it yet (one youth, one pending interview)."""
    bookings = session.scalars(live_bookings(youth_id)).all()
    recorded = set(session.scalars(select(Interview.slot_id).where(Interview.youth_id == youth_id)))
    for booking in bookings:
        if booking.id != exclude_booking and booking.slot_id not in recorded:
            return booking
    return None


def _check_bookable(
    session: Session, slot: InterviewSlot, youth: Youth, today: dt.date, exclude_booking: int | None = None
) -> list[str]:
    if slot.cancelled_at is not None:
        raise UserError("Ce créneau est annulé : choisissez-en un autre.")
    taken = active_booking(slot)
    if taken is not None and taken.id != exclude_booking:
        raise UserError(
            f"Ce créneau est déjà réservé pour {_youth_name(taken.youth)} : choisissez un créneau libre."
        )
    if youth.campaign_id != slot.campaign_id:
        raise UserError("Ce jeune et ce créneau n'appartiennent pas à la même campagne.")
    if youth.anonymised_at is not None:
        raise UserError("Ce dossier est anonymisé : il ne peut plus recevoir de rendez-vous.")
    pending = _pending_booking(session, youth.id, exclude_booking)
    if pending is not None:
        raise UserError(
            f"{_youth_name(youth)} a déjà un entretien réservé le {french_datetime(pending.slot.starts_at)} : "
            "déplacez-le ou annulez-le d'abord."
        )
    warnings = []
    campaign = session.get(Campaign, slot.campaign_id)
    if campaign is not None and slot.starts_at.date() > campaign.interview_deadline:
        warnings.append(
            f"Entretien après la date cible du {french_date(campaign.interview_deadline)} : "
            "le maintien de la bourse peut être compromis."
        )
    if slot.starts_at.date() < today:
        warnings.append("Ce créneau est déjà passé : la réservation est enregistrée après coup.")
    if youth.exit is not None:
        warnings.append(f"{_youth_name(youth)} est déjà sorti(e) du parcours.")
    return warnings


def _interview_recorded(session: Session, booking: SlotBooking) -> bool:
    return bool(
        session.scalar(
            select(Interview.id).where(
                Interview.slot_id == booking.slot_id, Interview.youth_id == booking.youth_id
            )
        )
    )


def book(
    session: Session,
    slot_id: int,
    youth_id: int,
    today: dt.date | None = None,
    *,
    slot_version: int | None = None,
) -> BookingResult:
    """Book a youth into a free slot. Refused: a cancelled or taken slot, a youth with a pending interview, a
    slot changed elsewhere since the user saw it (`slot_version`).

    Allowed with a warning: a slot after the campaign's target date, a past slot.
    """
    today = today or dt.date.today()
    slot = load_for_update(session, InterviewSlot, slot_id, slot_version, SLOT_GONE)
    youth = session.get(Youth, youth_id)
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base.")
    warnings = _check_bookable(session, slot, youth, today)
    booking = SlotBooking(slot_id=slot.id, youth_id=youth.id, booked_at=_now(today))
    session.add(booking)
    bump(slot)  # two people booking the same slot at once: the second is refused by the slot's version
    session.flush()
    audit.record(session, "create", "slot_booking", booking.id, detail=f"jeune {youth.id}")
    return _booking_changes(booking, warnings)


def get_booking(session: Session, booking_id: int) -> SlotBooking:
    booking = session.get(SlotBooking, booking_id)
    if booking is None:
        raise UserError(BOOKING_GONE)
    return booking


def cancel_booking(
    session: Session, booking_id: int, reason: str = "", version: int | None = None
) -> BookingResult:
    """Cancel a booking; it is kept, marked cancelled, since a booking once made counts."""
    booking = load_for_update(session, SlotBooking, booking_id, version, BOOKING_GONE)
    if booking.cancelled_at is not None:
        raise UserError("Cette réservation est déjà annulée.")
    if _interview_recorded(session, booking):
        raise UserError(
            "L'entretien de ce créneau est déjà saisi : la réservation ne peut plus être annulée."
        )
    booking.cancelled_at = _now()
    booking.cancel_reason = (reason.strip() or "Annulé")[:300]
    bump(booking.slot)
    audit.record(session, "cancel", "slot_booking", booking.id, detail=booking.cancel_reason)
    session.flush()
    return _booking_changes(booking)


def move_booking(
    session: Session,
    booking_id: int,
    new_slot_id: int,
    today: dt.date | None = None,
    *,
    version: int | None = None,
    slot_version: int | None = None,
) -> BookingResult:
    """Move a booking to another free slot: the old booking is kept as cancelled («Déplacé»), a new one is made.
    `version` is the booking's as the user saw it, `slot_version` the new slot's."""
    today = today or dt.date.today()
    booking = load_for_update(session, SlotBooking, booking_id, version, BOOKING_GONE)
    if booking.cancelled_at is not None:
        raise UserError("Cette réservation est annulée : réservez un nouveau créneau.")
    if booking.slot_id == new_slot_id:
        raise UserError("Choisissez un autre créneau que l'actuel.")
    slot = load_for_update(session, InterviewSlot, new_slot_id, slot_version, SLOT_GONE)
    warnings = _check_bookable(session, slot, booking.youth, today, exclude_booking=booking.id)
    if _interview_recorded(session, booking):
        raise UserError(
            "L'entretien de ce créneau est déjà saisi : la réservation ne peut plus être déplacée."
        )
    booking.cancelled_at = _now()
    booking.cancel_reason = f"Déplacé au {french_datetime(slot.starts_at)}"[:300]
    bump(booking.slot)
    session.flush()  # the partial unique index allows one active booking per slot
    new = SlotBooking(slot_id=slot.id, youth_id=booking.youth_id, booked_at=_now(today))
    session.add(new)
    bump(slot)
    session.flush()
    audit.record(
        session, "update", "slot_booking", new.id, detail=f"déplacé depuis la réservation {booking.id}"
    )
    return _booking_changes(new, warnings, moved_from=booking)
