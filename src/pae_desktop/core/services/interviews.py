"""Interviews with the Missions locales: slot series, week view, bookings, and the interview record form."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core import audit, settings
from pae_desktop.core.dates import french_date, french_datetime, french_time
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    Campaign,
    ContactAttempt,
    FollowUpEvent,
    Interview,
    InterviewBarrier,
    InterviewParticipant,
    InterviewSlot,
    Partner,
    Person,
    SlotBooking,
    Youth,
)
from pae_desktop.core.services.facts import load_facts
from pae_desktop.core.stage import derive_stage
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import (
    Barrier,
    Decision,
    Diploma,
    ExamResult,
    FollowUpKind,
    NextStep,
    PartnerType,
    Project,
    Role,
    Stage,
)

MIN_LENGTH = 10
MAX_LENGTH = 240
MAX_SLOTS_PER_SERIES = 500
MAX_TEXT = 10_000
MAX_SHORT = 300
MODALITIES = ("En présentiel", "Par téléphone", "En visioconférence")
DEFAULT_REFLECTION_DAYS = 7
RELANCE_ACTION = "Relancer après réflexion : connaître sa décision"


def _now(today: dt.date | None = None) -> dt.datetime:
    """Now, to the minute; on `today` when a caller (a test, the demo) fixes the day."""
    now = dt.datetime.now().replace(second=0, microsecond=0)
    return dt.datetime.combine(today, now.time()) if today is not None else now


def _youth_name(youth: Youth) -> str:
    return f"{youth.first_names.split(' ')[0] if youth.first_names else ''} {youth.last_name.upper()}".strip()


# --- slot series --------------------------------------------------------------------------------------------


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
        if not self.place.strip():
            problems["place"] = "Indiquez le lieu des entretiens."
        elif len(self.place.strip()) > 200:
            problems["place"] = "Le lieu est limité à 200 caractères."
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


def _minutes(value: dt.time) -> int:
    return value.hour * 60 + value.minute


def days_between(first: dt.date, last: dt.date, weekdays: Iterable[int] = (0, 1, 2, 3, 4)) -> list[dt.date]:
    """The days from `first` to `last` (inclusive) that fall on `weekdays` (0 = Monday): Monday–Friday by default."""
    wanted = set(weekdays)
    return [
        first + dt.timedelta(days=i)
        for i in range((last - first).days + 1)
        if (first + dt.timedelta(days=i)).weekday() in wanted
    ]


@dataclass(frozen=True)
class SeriesResult:
    slot_ids: tuple[int, ...]
    warnings: tuple[str, ...]


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


def create_slot_series(session: Session, campaign: Campaign, form: SlotSeriesForm) -> SeriesResult:
    """Create every slot of a series, or none: refused when the advisor already has a slot at one of those times."""
    problems = form.errors()
    if problems:
        raise UserError("\n".join(problems.values()))
    partner = session.get(Partner, form.partner_id)
    if partner is None:
        raise UserError("Ce partenaire n'existe plus dans l'annuaire.")
    advisor = session.get(Person, form.advisor_id) if form.advisor_id is not None else None
    if form.advisor_id is not None and advisor is None:
        raise UserError("Ce conseiller n'existe plus dans l'annuaire.")
    if advisor is not None and advisor.partner_id not in (None, partner.id):
        raise UserError(f"{advisor.full_name} ne travaille pas pour « {partner.name} ».")
    starts = form.starts()
    if advisor is not None:
        clashes = []
        for start in starts:
            end = start + dt.timedelta(minutes=form.length_minutes)
            clashes += [(start, s) for s in _overlapping(session, advisor.id, start, end)]
        if clashes:
            shown = "\n".join(f"– {french_datetime(s.starts_at)} ({s.place})" for _, s in clashes[:5])
            more = f"\n… et {len(clashes) - 5} autre(s)." if len(clashes) > 5 else ""
            raise UserError(f"{advisor.full_name} a déjà un créneau à ces heures :\n{shown}{more}")
    warnings = []
    if partner.type != PartnerType.MISSION_LOCALE:
        warnings.append(f"« {partner.name} » n'est pas une Mission locale.")
    late = [d for d in sorted(set(form.days)) if d > campaign.interview_deadline]
    if late:
        warnings.append(
            f"{len(late)} jour(s) après la date cible des entretiens ({french_date(campaign.interview_deadline)})."
        )
    outside = [d for d in sorted(set(form.days)) if not campaign.census_cutoff <= d <= campaign.latest_end]
    if outside:
        warnings.append(
            f"{len(outside)} jour(s) hors de la campagne {campaign.year} "
            f"(du {french_date(campaign.census_cutoff)} au {french_date(campaign.latest_end)})."
        )
    weekend = [d for d in sorted(set(form.days)) if d.weekday() >= 5]
    if weekend:
        warnings.append(f"{len(weekend)} jour(s) tombent un samedi ou un dimanche.")
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
    return SeriesResult(tuple(s.id for s in slots), tuple(warnings))


def get_slot(session: Session, slot_id: int) -> InterviewSlot:
    slot = session.get(InterviewSlot, slot_id)
    if slot is None:
        raise UserError("Ce créneau n'existe plus.")
    return slot


def active_booking(slot: InterviewSlot) -> SlotBooking | None:
    return next((b for b in slot.bookings if b.cancelled_at is None), None)


def cancel_slot(session: Session, slot_id: int, reason: str = "") -> int | None:
    """Cancel a slot; its booking, if any, is kept as cancelled. Returns the youth who was booked, if any."""
    slot = get_slot(session, slot_id)
    if slot.cancelled_at is not None:
        return None
    if session.scalar(select(Interview.id).where(Interview.slot_id == slot.id).limit(1)) is not None:
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
    return youth_id


def delete_slot(session: Session, slot_id: int) -> None:
    """Delete a slot never booked (a booking once made counts, so a booked slot is cancelled instead)."""
    slot = get_slot(session, slot_id)
    if slot.bookings:
        raise UserError("Ce créneau a été réservé : annulez-le plutôt que de le supprimer.")
    audit.record(session, "delete", "interview_slot", slot.id)
    session.delete(slot)


# --- the week view -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SlotRow:
    """One slot as the week view shows it."""

    id: int
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    partner_id: int | None
    partner_name: str
    advisor_id: int | None
    advisor_name: str
    cancelled: bool
    booking_id: int | None
    youth_id: int | None
    youth_name: str
    interview_id: int | None
    after_deadline: bool

    @property
    def free(self) -> bool:
        return not self.cancelled and self.booking_id is None

    @property
    def status(self) -> str:
        if self.cancelled:
            return "Annulé"
        if self.interview_id is not None:
            return "Entretien saisi"
        if self.booking_id is not None:
            return "Réservé"
        return "Libre"

    @property
    def time_label(self) -> str:
        return f"{french_time(self.starts_at)} – {french_time(self.ends_at)}"


def slot_rows(
    session: Session,
    campaign_id: int,
    first: dt.date,
    last: dt.date,
    *,
    partner_id: int | None = None,
    include_cancelled: bool = False,
) -> list[SlotRow]:
    """The slots from `first` to `last` inclusive, in time order, with who is booked."""
    campaign = session.get(Campaign, campaign_id)
    query = (
        select(InterviewSlot)
        .where(
            InterviewSlot.campaign_id == campaign_id,
            InterviewSlot.starts_at >= dt.datetime.combine(first, dt.time()),
            InterviewSlot.starts_at < dt.datetime.combine(last + dt.timedelta(days=1), dt.time()),
        )
        .options(
            selectinload(InterviewSlot.partner),
            selectinload(InterviewSlot.advisor),
            selectinload(InterviewSlot.bookings).selectinload(SlotBooking.youth),
        )
        .order_by(InterviewSlot.starts_at, InterviewSlot.id)
    )
    if partner_id is not None:
        query = query.where(InterviewSlot.partner_id == partner_id)
    if not include_cancelled:
        query = query.where(InterviewSlot.cancelled_at.is_(None))
    slots = list(session.scalars(query))
    interviews = dict(
        session.execute(
            select(Interview.slot_id, Interview.id).where(Interview.slot_id.in_([s.id for s in slots]))
        ).all()
    )
    rows = []
    for slot in slots:
        booking = active_booking(slot)
        youth = booking.youth if booking else None
        rows.append(
            SlotRow(
                slot.id,
                slot.starts_at,
                slot.starts_at + dt.timedelta(minutes=slot.duration_minutes),
                slot.place,
                slot.partner_id,
                slot.partner.name if slot.partner else "",
                slot.advisor_id,
                slot.advisor.full_name if slot.advisor else "",
                slot.cancelled_at is not None,
                booking.id if booking else None,
                youth.id if youth else None,
                youth.display_name if youth else "",
                interviews.get(slot.id) if booking else None,
                campaign is not None and slot.starts_at.date() > campaign.interview_deadline,
            )
        )
    return rows


def week_rows(session: Session, campaign_id: int, monday: dt.date, **kwargs) -> list[SlotRow]:
    """The slots of the week starting on `monday` (Monday to Sunday)."""
    return slot_rows(session, campaign_id, monday, monday + dt.timedelta(days=6), **kwargs)


def first_week_with_slots(session: Session, campaign_id: int, today: dt.date | None = None) -> dt.date | None:
    """The Monday of the week to show first: this week if it has slots, else the next one that has, else the last."""
    today = today or dt.date.today()
    monday = today - dt.timedelta(days=today.weekday())
    start = dt.datetime.combine(monday, dt.time())
    upcoming = session.scalar(
        select(InterviewSlot.starts_at)
        .where(InterviewSlot.campaign_id == campaign_id, InterviewSlot.starts_at >= start)
        .order_by(InterviewSlot.starts_at)
        .limit(1)
    )
    if upcoming is None:
        upcoming = session.scalar(
            select(InterviewSlot.starts_at)
            .where(InterviewSlot.campaign_id == campaign_id)
            .order_by(InterviewSlot.starts_at.desc())
            .limit(1)
        )
    if upcoming is None:
        return None
    day = upcoming.date()
    return day - dt.timedelta(days=day.weekday())


# --- booking -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class BookingResult:
    booking_id: int
    warnings: tuple[str, ...]


def _pending_booking(
    session: Session, youth_id: int, exclude_booking: int | None = None
) -> SlotBooking | None:
    """The youth's active booking with no interview recorded for it yet (one youth, one pending interview)."""
    bookings = session.scalars(
        select(SlotBooking)
        .join(InterviewSlot, InterviewSlot.id == SlotBooking.slot_id)
        .where(
            SlotBooking.youth_id == youth_id,
            SlotBooking.cancelled_at.is_(None),
            InterviewSlot.cancelled_at.is_(None),
        )
    ).all()
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


def book(session: Session, slot_id: int, youth_id: int, today: dt.date | None = None) -> BookingResult:
    """Book a youth into a free slot. Refused: a cancelled or taken slot, a youth with a pending interview.

    Allowed with a warning: a slot after the campaign's target date, a past slot.
    """
    today = today or dt.date.today()
    slot = get_slot(session, slot_id)
    youth = session.get(Youth, youth_id)
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base.")
    warnings = _check_bookable(session, slot, youth, today)
    booking = SlotBooking(slot_id=slot.id, youth_id=youth.id, booked_at=_now(today))
    session.add(booking)
    session.flush()
    audit.record(session, "create", "slot_booking", booking.id, detail=f"jeune {youth.id}")
    return BookingResult(booking.id, tuple(warnings))


def get_booking(session: Session, booking_id: int) -> SlotBooking:
    booking = session.get(SlotBooking, booking_id)
    if booking is None:
        raise UserError("Cette réservation n'existe plus.")
    return booking


def cancel_booking(session: Session, booking_id: int, reason: str = "") -> None:
    """Cancel a booking; it is kept, marked cancelled, since a booking once made counts."""
    booking = get_booking(session, booking_id)
    if booking.cancelled_at is not None:
        raise UserError("Cette réservation est déjà annulée.")
    if session.scalar(
        select(Interview.id).where(
            Interview.slot_id == booking.slot_id, Interview.youth_id == booking.youth_id
        )
    ):
        raise UserError(
            "L'entretien de ce créneau est déjà saisi : la réservation ne peut plus être annulée."
        )
    booking.cancelled_at = _now()
    booking.cancel_reason = (reason.strip() or "Annulé")[:300]
    audit.record(session, "cancel", "slot_booking", booking.id, detail=booking.cancel_reason)


def move_booking(
    session: Session, booking_id: int, new_slot_id: int, today: dt.date | None = None
) -> BookingResult:
    """Move a booking to another free slot: the old booking is kept as cancelled («Déplacé»), a new one is made."""
    today = today or dt.date.today()
    booking = get_booking(session, booking_id)
    if booking.cancelled_at is not None:
        raise UserError("Cette réservation est annulée : réservez un nouveau créneau.")
    if booking.slot_id == new_slot_id:
        raise UserError("Choisissez un autre créneau que l'actuel.")
    slot = get_slot(session, new_slot_id)
    warnings = _check_bookable(session, slot, booking.youth, today, exclude_booking=booking.id)
    if session.scalar(
        select(Interview.id).where(
            Interview.slot_id == booking.slot_id, Interview.youth_id == booking.youth_id
        )
    ):
        raise UserError(
            "L'entretien de ce créneau est déjà saisi : la réservation ne peut plus être déplacée."
        )
    booking.cancelled_at = _now()
    booking.cancel_reason = f"Déplacé au {french_datetime(slot.starts_at)}"[:300]
    session.flush()  # the partial unique index allows one active booking per slot
    new = SlotBooking(slot_id=slot.id, youth_id=booking.youth_id, booked_at=_now(today))
    session.add(new)
    session.flush()
    audit.record(
        session, "update", "slot_booking", new.id, detail=f"déplacé depuis la réservation {booking.id}"
    )
    return BookingResult(new.id, tuple(warnings))


# --- the worklist «Entretien à proposer» ---------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """A youth to book: no pending booking, no interview yet."""

    id: int
    name: str
    division: str
    stage: Stage
    proposed: bool  # the latest contact attempt's next step is «Entretien proposé»
    search_key: str


TO_PROPOSE_STAGES = frozenset({Stage.CONTACTE})
OTHER_OPEN_STAGES = frozenset({Stage.REPERE, Stage.INFORME, Stage.INJOIGNABLE})


def youths_to_book(
    session: Session, campaign_id: int, today: dt.date | None = None, *, everyone_open: bool = False
) -> list[CandidateRow]:
    """«Entretien à proposer»: youths reached («Contacté(e)») or offered an interview, with no slot booked.

    `everyone_open` adds the youths not reached yet («Repéré(e)», «Informé(e)», «Injoignable»).
    """
    today = today or dt.date.today()
    facts, _pending = load_facts(session, campaign_id)
    unreachable_after = int(settings.get(session, settings.UNREACHABLE_AFTER))
    latest_step: dict[int, str] = {}
    for youth_id, next_step in session.execute(
        select(ContactAttempt.youth_id, ContactAttempt.next_step)
        .join(Youth, Youth.id == ContactAttempt.youth_id)
        .where(Youth.campaign_id == campaign_id)
        .order_by(ContactAttempt.at)
    ):
        latest_step[youth_id] = next_step or ""
    wanted = TO_PROPOSE_STAGES | (OTHER_OPEN_STAGES if everyone_open else frozenset())
    rows = []
    youths = session.execute(
        select(Youth.id, Youth.last_name, Youth.first_names, Youth.search_key).where(
            Youth.campaign_id == campaign_id, Youth.anonymised_at.is_(None)
        )
    ).all()
    from pae_desktop.core.models import OriginalSchooling

    divisions = dict(
        session.execute(
            select(OriginalSchooling.youth_id, OriginalSchooling.division)
            .join(Youth, Youth.id == OriginalSchooling.youth_id)
            .where(Youth.campaign_id == campaign_id)
        ).all()
    )
    for youth_id, last, first, key in youths:
        case = facts.get(youth_id)
        if case is None:
            continue
        stage = derive_stage(case, today, unreachable_after)
        proposed = latest_step.get(youth_id) == NextStep.ENTRETIEN_PROPOSE
        if stage in wanted or (proposed and stage in TO_PROPOSE_STAGES | OTHER_OPEN_STAGES):
            rows.append(
                CandidateRow(
                    youth_id,
                    f"{last.upper()} {first}".strip(),
                    divisions.get(youth_id) or "",
                    stage,
                    proposed,
                    key,
                )
            )
    rows.sort(key=lambda r: (not r.proposed, fold(r.name)))
    return rows


# --- the interview record form -------------------------------------------------------------------------------


@dataclass
class ParticipantForm:
    role: str = Role.RDS.value
    person_id: int | None = None
    name: str = ""  # when the person is not in the directory
    partner_id: int | None = None


@dataclass
class InterviewForm:
    """Every field of the «fiche d'entretien» (domain.md §5). `errors()` refuses the save, `warnings()` shows."""

    youth_id: int
    held_on: dt.date | None = None
    slot_id: int | None = None
    place: str = ""
    modality: str = MODALITIES[0]
    participants: list[ParticipantForm] = field(default_factory=list)
    situation: str = ""
    school_path: str = ""
    pfmp_done: str = ""
    project: str = ""
    trades_sought: str = ""
    area_sought: str = ""
    barriers: set[str] = field(default_factory=set)
    other_barrier: str = ""
    proposals: str = ""
    decision: str = ""
    decided_on: dt.date | None = None
    refusal_reason: str = ""
    notice_given_on: dt.date | None = None
    notes: str = ""
    # «Souhaite réfléchir»: the date on which to call the youth back (a follow-up in the worklists).
    follow_up_on: dt.date | None = None

    @property
    def ml_present(self) -> bool:
        return any(p.role == Role.ML for p in self.participants)

    def errors(self, today: dt.date | None = None) -> dict[str, str]:
        today = today or dt.date.today()
        problems: dict[str, str] = {}
        if self.held_on is None:
            problems["held_on"] = "La date de l'entretien est obligatoire."
        elif self.held_on > today:
            problems["held_on"] = (
                "La date de l'entretien est dans le futur : la fiche se remplit après l'entretien."
            )
        elif self.held_on.year < 2023:
            problems["held_on"] = "La date de l'entretien est antérieure à la création du dispositif (2023)."
        if self.modality and self.modality not in MODALITIES:
            problems["modality"] = "Modalité inconnue."
        if not self.participants:
            problems["participants"] = "Indiquez au moins un participant."
        for index, p in enumerate(self.participants, start=1):
            if Role.from_code(p.role) is None:
                problems["participants"] = f"Participant {index} : choisissez son rôle."
            elif p.person_id is None and not p.name.strip():
                problems["participants"] = f"Participant {index} : choisissez une personne ou tapez son nom."
            elif len(p.name) > 200:
                problems["participants"] = f"Participant {index} : le nom est limité à 200 caractères."
        if self.project and Project.from_code(self.project) is None:
            problems["project"] = "Projet inconnu."
        unknown = [b for b in self.barriers if Barrier.from_code(b) is None]
        if unknown:
            problems["barriers"] = "Frein inconnu : " + ", ".join(sorted(unknown))
        if self.other_barrier.strip() and Barrier.AUTRE.value not in self.barriers:
            problems["other_barrier"] = (
                "Cochez « Autre » pour préciser un autre frein, ou effacez la précision."
            )
        if self.decision and Decision.from_code(self.decision) is None:
            problems["decision"] = "Décision inconnue."
        if self.decision == Decision.REFUS and not self.refusal_reason.strip():
            problems["refusal_reason"] = "Indiquez le motif du refus."
        if not self.decision and self.decided_on is not None:
            problems["decided_on"] = "Une date de décision sans décision : choisissez la décision."
        if self.decided_on and self.held_on and self.decided_on < self.held_on:
            problems["decided_on"] = "La décision ne peut précéder l'entretien."
        if self.decided_on and self.decided_on > today:
            problems["decided_on"] = "La date de décision est dans le futur."
        if self.decision == Decision.REFLEXION:
            if self.follow_up_on is None:
                problems["follow_up_on"] = "« Souhaite réfléchir » : indiquez la date à laquelle le relancer."
            elif self.held_on and self.follow_up_on < self.held_on:
                problems["follow_up_on"] = "La date de relance ne peut précéder l'entretien."
        if self.notice_given_on and self.notice_given_on > today:
            problems["notice_given_on"] = "La date de remise de la notice est dans le futur."
        for name in ("place", "trades_sought", "area_sought", "other_barrier"):
            if len(getattr(self, name).strip()) > MAX_SHORT:
                problems[name] = f"Ce champ est limité à {MAX_SHORT} caractères."
        for name in ("situation", "school_path", "pfmp_done", "proposals", "refusal_reason", "notes"):
            value = getattr(self, name)
            if len(value) > MAX_TEXT:
                problems[name] = f"Ce champ est limité à {MAX_TEXT} caractères."
            elif "\x00" in value:
                problems[name] = "Ce champ contient un caractère nul : retapez-le."
        return problems

    def warnings(self, campaign: Campaign | None) -> dict[str, str]:
        notes: dict[str, str] = {}
        if campaign is not None and self.held_on and self.held_on > campaign.interview_deadline:
            notes["held_on"] = f"Entretien après la date cible du {french_date(campaign.interview_deadline)}."
        if self.participants and not self.ml_present:
            notes["participants"] = "La Mission locale n'était pas présente à cet entretien."
        if self.decision == Decision.ENGAGE and self.notice_given_on is None:
            notes["notice_given_on"] = "Pensez à remettre la notice d'information (RGPD) au jeune."
        return notes


@dataclass(frozen=True)
class InterviewSaveResult:
    interview_id: int
    created: bool
    warnings: dict[str, str]
    follow_up_id: int | None


def _schooling_summary(youth: Youth) -> str:
    schooling = youth.schooling
    if schooling is None:
        return ""
    parts = []
    if schooling.division:
        parts.append(f"Terminale {schooling.division}")
    diploma = Diploma.label_of(schooling.diploma)
    if diploma:
        parts.append(f"{diploma} {schooling.speciality}".strip())
    if schooling.exam_result and schooling.exam_result != ExamResult.INCONNU:
        parts.append(f"résultat à l'examen : {ExamResult.label_of(schooling.exam_result)}")
    return ", ".join(parts)


def new_interview_form(
    session: Session, youth_id: int, slot_id: int | None = None, today: dt.date | None = None
) -> InterviewForm:
    """A form prefilled from the booked slot (date, place, advisor), the current staff member and the schooling."""
    today = today or dt.date.today()
    youth = session.get(Youth, youth_id)
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base.")
    if slot_id is None:
        pending = _pending_booking(session, youth_id)
        slot_id = pending.slot_id if pending else None
    form = InterviewForm(youth_id=youth_id, held_on=today, school_path=_schooling_summary(youth))
    staff_id = settings.get(session, settings.CURRENT_STAFF_ID)
    if staff_id and session.get(Person, staff_id) is not None:
        form.participants.append(ParticipantForm(Role.RDS.value, person_id=int(staff_id)))
    if slot_id is not None:
        slot = get_slot(session, slot_id)
        form.slot_id = slot.id
        form.held_on = min(slot.starts_at.date(), today)
        form.place = slot.place
        if slot.advisor_id is not None:
            form.participants.append(
                ParticipantForm(Role.ML.value, slot.advisor_id, partner_id=slot.partner_id)
            )
    return form


def interview_form(interview: Interview) -> InterviewForm:
    follow = _open_relance(interview.youth)
    return InterviewForm(
        youth_id=interview.youth_id,
        held_on=interview.held_on,
        slot_id=interview.slot_id,
        place=interview.place,
        modality=interview.modality,
        participants=[
            ParticipantForm(p.role, p.person_id, p.name, p.partner_id) for p in interview.participants
        ],
        situation=interview.situation,
        school_path=interview.school_path,
        pfmp_done=interview.pfmp_done,
        project=interview.project,
        trades_sought=interview.trades_sought,
        area_sought=interview.area_sought,
        barriers={b.barrier for b in interview.barriers},
        other_barrier=interview.other_barrier,
        proposals=interview.proposals,
        decision=interview.decision,
        decided_on=interview.decided_on,
        refusal_reason=interview.refusal_reason,
        notice_given_on=interview.notice_given_on,
        notes=interview.notes,
        follow_up_on=follow.due_on
        if follow is not None and interview.decision == Decision.REFLEXION
        else None,
    )


def load_interview(session: Session, interview_id: int) -> Interview:
    interview = session.scalars(
        select(Interview)
        .where(Interview.id == interview_id)
        .options(
            selectinload(Interview.participants).selectinload(InterviewParticipant.person),
            selectinload(Interview.participants).selectinload(InterviewParticipant.partner),
            selectinload(Interview.barriers),
            selectinload(Interview.youth),
            selectinload(Interview.slot),
        )
    ).first()
    if interview is None:
        raise UserError("Cette fiche d'entretien n'existe plus.")
    return interview


def _open_relance(youth: Youth) -> FollowUpEvent | None:
    return next(
        (f for f in youth.follow_ups if f.kind == FollowUpKind.RELANCE and f.done_on is None),
        None,
    )


_SCALARS = (
    "held_on",
    "slot_id",
    "place",
    "modality",
    "situation",
    "school_path",
    "pfmp_done",
    "project",
    "trades_sought",
    "area_sought",
    "other_barrier",
    "proposals",
    "decision",
    "decided_on",
    "refusal_reason",
    "notice_given_on",
    "notes",
)


def save_interview(
    session: Session, form: InterviewForm, interview_id: int | None = None, today: dt.date | None = None
) -> InterviewSaveResult:
    """Create or update an interview record; refused whole (UserError) on errors.

    The decision feeds the derived stage (core.stage); «Souhaite réfléchir» opens (or moves) a follow-up of
    kind «Relance après réflexion» due on `follow_up_on`, which the worklists show; another decision closes it.
    """
    today = today or dt.date.today()
    problems = form.errors(today)
    if problems:
        raise UserError("\n".join(problems.values()))
    youth = session.get(Youth, form.youth_id)
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base.")
    if youth.anonymised_at is not None:
        raise UserError("Ce dossier est anonymisé : il ne peut plus être modifié.")
    campaign = session.get(Campaign, youth.campaign_id)
    if form.slot_id is not None:
        slot = get_slot(session, form.slot_id)
        if slot.campaign_id != youth.campaign_id:
            raise UserError("Ce créneau appartient à une autre campagne.")
        others = [b for b in slot.bookings if b.cancelled_at is None and b.youth_id != youth.id]
        if others:
            raise UserError("Ce créneau est réservé pour un autre jeune.")
    for p in form.participants:
        if p.person_id is not None and session.get(Person, p.person_id) is None:
            raise UserError("Un participant n'existe plus dans l'annuaire : choisissez-le à nouveau.")
        if p.partner_id is not None and session.get(Partner, p.partner_id) is None:
            raise UserError("Un partenaire participant n'existe plus dans l'annuaire.")
    created = interview_id is None
    if created:
        interview = Interview(youth_id=youth.id, held_on=form.held_on)
        session.add(interview)
    else:
        interview = load_interview(session, interview_id)
        if interview.youth_id != youth.id:
            raise UserError("Cette fiche appartient à un autre jeune.")
    decided_on = form.decided_on or (form.held_on if form.decision else None)
    values = {
        "held_on": form.held_on,
        "slot_id": form.slot_id,
        "place": form.place.strip(),
        "modality": form.modality,
        "situation": form.situation.strip(),
        "school_path": form.school_path.strip(),
        "pfmp_done": form.pfmp_done.strip(),
        "project": form.project,
        "trades_sought": form.trades_sought.strip(),
        "area_sought": form.area_sought.strip(),
        "other_barrier": form.other_barrier.strip() if Barrier.AUTRE.value in form.barriers else "",
        "proposals": form.proposals.strip(),
        "decision": form.decision,
        "decided_on": decided_on,
        "refusal_reason": form.refusal_reason.strip(),
        "notice_given_on": form.notice_given_on,
        "notes": form.notes.strip(),
    }
    for name in _SCALARS:
        if (
            not created
            and getattr(interview, name) != values[name]
            and name in ("decision", "decided_on", "held_on")
        ):
            audit.record(
                session,
                "update",
                "interview",
                interview.id,
                field=name,
                old=getattr(interview, name),
                new=values[name],
            )
        setattr(interview, name, values[name])
    wanted_participants = [(p.role, p.person_id, p.name.strip(), p.partner_id) for p in form.participants]
    current = [(p.role, p.person_id, p.name, p.partner_id) for p in interview.participants]
    if wanted_participants != current:
        interview.participants.clear()
        for role, person_id, name, partner_id in wanted_participants:
            if partner_id is None and person_id is not None:
                partner_id = session.get(Person, person_id).partner_id
            interview.participants.append(
                InterviewParticipant(role=role, person_id=person_id, name=name, partner_id=partner_id)
            )
    wanted_barriers = set(form.barriers)
    current_barriers = {b.barrier for b in interview.barriers}
    if wanted_barriers != current_barriers:
        for barrier in list(interview.barriers):
            if barrier.barrier not in wanted_barriers:
                interview.barriers.remove(barrier)
        for code in sorted(wanted_barriers - current_barriers):
            interview.barriers.append(InterviewBarrier(barrier=code))
    session.flush()
    if created:
        audit.record(session, "create", "interview", interview.id, detail=f"jeune {youth.id}")
    follow_up_id = _sync_relance(session, youth, form, decided_on or form.held_on, today)
    return InterviewSaveResult(interview.id, created, form.warnings(campaign), follow_up_id)


def _sync_relance(
    session: Session, youth: Youth, form: InterviewForm, on: dt.date, today: dt.date
) -> int | None:
    session.refresh(youth, ["follow_ups"])
    open_relance = _open_relance(youth)
    if form.decision == Decision.REFLEXION:
        if open_relance is None:
            open_relance = FollowUpEvent(
                youth_id=youth.id,
                on=on,
                kind=FollowUpKind.RELANCE.value,
                next_action=RELANCE_ACTION,
                due_on=form.follow_up_on,
            )
            session.add(open_relance)
            session.flush()
            audit.record(session, "create", "follow_up_event", open_relance.id, detail=f"jeune {youth.id}")
        elif open_relance.due_on != form.follow_up_on:
            open_relance.due_on = form.follow_up_on
        return open_relance.id
    if open_relance is not None:  # the youth decided: the reminder is done
        open_relance.done_on = today
    return None


def delete_interview(session: Session, interview_id: int) -> None:
    interview = load_interview(session, interview_id)
    audit.record(session, "delete", "interview", interview.id, detail=f"jeune {interview.youth_id}")
    session.delete(interview)


def latest_interview(session: Session, youth_id: int) -> Interview | None:
    return session.scalars(
        select(Interview)
        .where(Interview.youth_id == youth_id)
        .order_by(Interview.held_on.desc(), Interview.id.desc())
        .limit(1)
    ).first()


def latest_booking(session: Session, youth_id: int) -> SlotBooking | None:
    """The youth's latest active booking (by slot time), past or future."""
    return session.scalars(
        select(SlotBooking)
        .join(InterviewSlot, InterviewSlot.id == SlotBooking.slot_id)
        .where(SlotBooking.youth_id == youth_id, SlotBooking.cancelled_at.is_(None))
        .order_by(InterviewSlot.starts_at.desc())
        .limit(1)
    ).first()


def interviews_held_on(session: Session, campaign_id: int, day: dt.date) -> list[int]:
    """Ids of the interviews held on `day`, in the order of their slots (for printing a day's records)."""
    rows = session.execute(
        select(Interview.id, InterviewSlot.starts_at, Youth.last_name)
        .join(Youth, Youth.id == Interview.youth_id)
        .outerjoin(InterviewSlot, InterviewSlot.id == Interview.slot_id)
        .where(Youth.campaign_id == campaign_id, Interview.held_on == day)
    ).all()
    rows.sort(key=lambda r: (r[1] or dt.datetime.combine(day, dt.time(23, 59)), fold(r[2])))
    return [r[0] for r in rows]
