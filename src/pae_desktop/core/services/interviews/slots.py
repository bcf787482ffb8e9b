"""Interview slots agreed with a Mission locale: a series created at once, one slot edited, cancelled, deleted."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.dates import french_date, french_datetime
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign, Interview, InterviewSlot, Partner, Person, SlotBooking
from pae_desktop.core.operations import SLOTS, YOUTHS, Changes, changes, load_for_update
from pae_desktop.core.vocabulary import PartnerType

MIN_LENGTH = 10
MAX_LENGTH = 240
MAX_SLOTS_PER_SERIES = 500
MAX_PLACE = 200
SLOT_GONE = "Ce créneau n'existe plus."


def _now(today: dt.date | None = None) -> dt.datetime:
    """Now, to the minute; on `today` when a caller (a test, the demo) fixes the day."""
    now = dt.datetime.now().replace(second=0, microsecond=0)
    return dt.datetime.combine(today, now.time()) if today is not None else now


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def _place_error(place: str) -> str | None:
    if not place.strip():
        return "Indiquez le lieu des entretiens."
    if len(place.strip()) > MAX_PLACE:
        return f"Le lieu est limité à {MAX_PLACE} caractères."
    return None


# --- a series ----------------------------------------------------------------------------------------------


@dataclass
class SlotSeriesForm:
    """Slots agreed with a Mission locale: every `length_minutes` from `start` to `end` on each of `days`."""

    days: list[dt.date] = field(default_factory=list)
    start: dt.time = dt.time(9, 0)
    end: dt.time = dt.time(12, 0)
    length_minutes: int = 45
    place: str = ""
    partner_id: int | None = None
    advisor_id: int | None = None
    note: str = ""

    def errors(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if not self.days:
            problems["days"] = "Choisissez au moins un jour."
        if not MIN_LENGTH <= self.length_minutes <= MAX_LENGTH:
            problems["length_minutes"] = (
                f"La durée d'un créneau doit être comprise entre {MIN_LENGTH} et {MAX_LENGTH} minutes."
            )
        elif self.end <= self.start:
            problems["end"] = "L'heure de fin doit suivre l'heure de début."
        elif _minutes(self.end) - _minutes(self.start) < self.length_minutes:
            problems["end"] = "La plage horaire est plus courte qu'un créneau."
        if self.partner_id is None:
            problems["partner_id"] = "Choisissez la Mission locale (ou le partenaire) qui reçoit."
        place = _place_error(self.place)
        if place:
            problems["place"] = place
        if not problems and len(self.starts()) > MAX_SLOTS_PER_SERIES:
            problems["days"] = f"Une série est limitée à {MAX_SLOTS_PER_SERIES} créneaux."
        return problems

    def starts(self) -> list[dt.datetime]:
        """The start of every slot of the series, in order."""
        result = []
        if self.length_minutes < MIN_LENGTH:
            return result
        for day in sorted(set(self.days)):
            at = dt.datetime.combine(day, self.start)
            last = dt.datetime.combine(day, self.end)
            while at + dt.timedelta(minutes=self.length_minutes) <= last:
                result.append(at)
                at += dt.timedelta(minutes=self.length_minutes)
        return result


def days_between(first: dt.date, last: dt.date, weekdays: Iterable[int] = (0, 1, 2, 3, 4)) -> list[dt.date]:
    """The days from `first` to `last` (inclusive) that fall on `weekdays` (0 = Monday): Monday–Friday by default."""
    wanted = set(weekdays)
    return [
        first + dt.timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + dt.timedelta(days=i)).weekday() in wanted
    ]


@dataclass(frozen=True)
class SeriesResult(Changes):
    """The changes of a series, with the ids of the slots created in time order."""

    slot_ids: tuple[int, ...] = ()


def _overlapping(
    session: Session, advisor_id: int, start: dt.datetime, end: dt.datetime, exclude: int | None = None
):
    """Live slots of an advisor that overlap [start, end)."""
    query = select(InterviewSlot).where(
        InterviewSlot.advisor_id == advisor_id,
        InterviewSlot.cancelled_at.is_(None),
        InterviewSlot.starts_at < end,
        InterviewSlot.starts_at > start - dt.timedelta(minutes=MAX_LENGTH),
    )
    return [
        s
        for s in session.scalars(query)
        if s.id != exclude and s.starts_at + dt.timedelta(minutes=s.duration_minutes) > start
    ]


def _partner_and_advisor(
    session: Session, partner_id: int | None, advisor_id: int | None
) -> tuple[Partner, Person | None]:
    partner = session.get(Partner, partner_id) if partner_id is not None else None
    if partner is None:
        raise UserError("Ce partenaire n'existe plus dans l'annuaire.")
    advisor = session.get(Person, advisor_id) if advisor_id is not None else None
    if advisor_id is not None and advisor is None:
        raise UserError("Ce conseiller n'existe plus dans l'annuaire.")
    if advisor is not None and advisor.partner_id not in (None, partner.id):
        raise UserError(f"{advisor.full_name} ne travaille pas pour « {partner.name} ».")
    return partner, advisor


def _refuse_clashes(
    session: Session, advisor: Person, starts: list[dt.datetime], minutes: int, exclude: int | None = None
) -> None:
    clashes = []
    for start in starts:
        end = start + dt.timedelta(minutes=minutes)
        clashes += _overlapping(session, advisor.id, start, end, exclude)
    if clashes:
        shown = "\n".join(f"– {french_datetime(s.starts_at)} ({s.place})" for s in clashes[:5])
        more = f"\n… et {len(clashes) - 5} autre(s)." if len(clashes) > 5 else ""
        raise UserError(f"{advisor.full_name} a déjà un créneau à ces heures :\n{shown}{more}")


def _day_warnings(campaign: Campaign, days: Iterable[dt.date]) -> list[str]:
    days = sorted(set(days))
    warnings = []
    late = [d for d in days if d > campaign.interview_deadline]
    if late:
        warnings.append(
            f"{len(late)} jour(s) après la date cible des entretiens ({french_date(campaign.interview_deadline)})."
        )
    outside = [d for d in days if not campaign.census_cutoff <= d <= campaign.latest_end]
    if outside:
        warnings.append(
            f"{len(outside)} jour(s) hors de la campagne {campaign.year} "
            f"(du {french_date(campaign.census_cutoff)} au {french_date(campaign.latest_end)})."
        )
    weekend = [d for d in days if d.weekday() >= 5]
    if weekend:
        warnings.append(f"{len(weekend)} jour(s) tombent un samedi ou un dimanche.")
    return warnings


def create_slot_series(session: Session, campaign: Campaign, form: SlotSeriesForm) -> SeriesResult:
    """Create every slot of a series, or none: refused when the advisor already has a slot at one of those times."""
    problems = form.errors()
    if problems:
        raise UserError("\n".join(problems.values()))
    partner, advisor = _partner_and_advisor(session, form.partner_id, form.advisor_id)
    starts = form.starts()
    if advisor is not None:
        _refuse_clashes(session, advisor, starts, form.length_minutes)
    warnings = _day_warnings(campaign, form.days)
    if partner.type != PartnerType.MISSION_LOCALE:
        warnings.insert(0, f"« {partner.name} » n'est pas une Mission locale.")
    slots = [
        InterviewSlot(
            campaign_id=campaign.id,
            starts_at=start,
            duration_minutes=form.length_minutes,
            place=form.place.strip(),
            partner_id=partner.id,
            advisor_id=advisor.id if advisor else None,
            note=form.note.strip(),
        )
        for start in starts
    ]
    session.add_all(slots)
    session.flush()
    audit.record(
        session, "create", "interview_slot", slots[0].id if slots else None, detail=f"{len(slots)} créneaux"
    )
    ids = tuple(s.id for s in slots)
    return SeriesResult(
        topics=frozenset({SLOTS}), ids={"interview_slot": ids}, warnings=tuple(warnings), slot_ids=ids
    )


# --- one slot ----------------------------------------------------------------------------------------------


@dataclass
class SlotForm:
    """One slot as the user edits it: its time, length, place, advisor and note (the partner stays)."""

    starts_at: dt.datetime | None = None
    length_minutes: int = 45
    place: str = ""
    advisor_id: int | None = None
    note: str = ""

    def errors(self) -> dict[str, str]:
        problems: dict[str, str] = {}
        if self.starts_at is None:
            problems["starts_at"] = "Indiquez le jour et l'heure du créneau."
        if not MIN_LENGTH <= self.length_minutes <= MAX_LENGTH:
            problems["length_minutes"] = (
                f"La durée d'un créneau doit être comprise entre {MIN_LENGTH} et {MAX_LENGTH} minutes."
            )
        place = _place_error(self.place)
        if place:
            problems["place"] = place
        if len(self.note) > 300:
            problems["note"] = "La remarque est limitée à 300 caractères."
        return problems


def get_slot(session: Session, slot_id: int) -> InterviewSlot:
    slot = session.get(InterviewSlot, slot_id)
    if slot is None:
        raise UserError(SLOT_GONE)
    return slot


def active_booking(slot: InterviewSlot) -> SlotBooking | None:
    return next((b for b in slot.bookings if b.cancelled_at is None), None)


def slot_form(slot: InterviewSlot) -> SlotForm:
    return SlotForm(slot.starts_at, slot.duration_minutes, slot.place, slot.advisor_id, slot.note)


def _has_interview(session: Session, slot_id: int) -> bool:
    return session.scalar(select(Interview.id).where(Interview.slot_id == slot_id).limit(1)) is not None


def update_slot(session: Session, slot_id: int, version: int | None, form: SlotForm) -> Changes:
    """Change one slot's time, length, place, advisor or note; refused when it was changed elsewhere meanwhile,
    is cancelled, or its interview is recorded (and when the advisor is busy then). A booked slot warns."""
    problems = form.errors()
    if problems:
        raise UserError("\n".join(problems.values()))
    slot = load_for_update(session, InterviewSlot, slot_id, version, SLOT_GONE)
    if slot.cancelled_at is not None:
        raise UserError("Ce créneau est annulé : il ne peut plus être modifié.")
    moved = (form.starts_at, form.length_minutes) != (slot.starts_at, slot.duration_minutes)
    if moved and _has_interview(session, slot.id):
        raise UserError("L'entretien de ce créneau est déjà saisi : son horaire ne peut plus changer.")
    _partner, advisor = _partner_and_advisor(session, slot.partner_id, form.advisor_id)
    if advisor is not None:
        _refuse_clashes(session, advisor, [form.starts_at], form.length_minutes, exclude=slot.id)
    values = {
        "starts_at": form.starts_at,
        "duration_minutes": form.length_minutes,
        "place": form.place.strip(),
        "advisor_id": advisor.id if advisor else None,
        "note": form.note.strip(),
    }
    for name, value in values.items():
        if getattr(slot, name) != value:
            old = getattr(slot, name)
            audit.record(session, "update", "interview_slot", slot.id, field=name, old=old, new=value)
            setattr(slot, name, value)
    session.flush()
    warnings = _day_warnings(session.get(Campaign, slot.campaign_id), [form.starts_at.date()])
    booking = active_booking(slot)
    if booking is not None and moved:
        warnings.append("Ce créneau est réservé : prévenez le jeune et imprimez une nouvelle convocation.")
    return changes(
        SLOTS,
        *((YOUTHS,) if booking is not None else ()),
        ids={"interview_slot": [slot.id]},
        versions={"interview_slot": slot.version},
        warnings=warnings,
    )


@dataclass(frozen=True)
class SlotCancelResult(Changes):
    """The changes of a cancelled slot, and the youth who was booked on it (to warn), if any."""

    youth_id: int | None = None


def cancel_slot(
    session: Session, slot_id: int, reason: str = "", version: int | None = None
) -> SlotCancelResult:
    """Cancel a slot; its booking, if any, is kept as cancelled. `youth_id` says who was booked, if any."""
    slot = load_for_update(session, InterviewSlot, slot_id, version, SLOT_GONE)
    if slot.cancelled_at is not None:
        return SlotCancelResult()
    if _has_interview(session, slot.id):
        raise UserError("L'entretien de ce créneau est déjà saisi : le créneau ne peut plus être annulé.")
    now = _now()
    slot.cancelled_at = now
    booking = active_booking(slot)
    youth_id = None
    if booking is not None:
        booking.cancelled_at = now
        booking.cancel_reason = (reason.strip() or "Créneau annulé")[:300]
        youth_id = booking.youth_id
    audit.record(session, "cancel", "interview_slot", slot.id, detail=reason.strip()[:300])
    session.flush()
    return SlotCancelResult(
        topics=frozenset({SLOTS, YOUTHS}),
        ids={"interview_slot": (slot.id,), **({"youth": (youth_id,)} if youth_id else {})},
        youth_id=youth_id,
    )


def delete_slot(session: Session, slot_id: int, version: int | None = None) -> Changes:
    """Delete a slot never booked (a booking once made counts, so a booked slot is cancelled instead)."""
    slot = load_for_update(session, InterviewSlot, slot_id, version, SLOT_GONE)
    if slot.bookings:
        raise UserError("Ce créneau a été réservé : annulez-le plutôt que de le supprimer.")
    audit.record(session, "delete", "interview_slot", slot.id)
    session.delete(slot)
    session.flush()
    return changes(SLOTS, ids={"interview_slot": [slot_id]})
