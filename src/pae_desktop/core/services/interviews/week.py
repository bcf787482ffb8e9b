"""The week view of the slots: each slot with its partner, advisor, booked youth and recorded interview."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core.dates import french_time
from pae_desktop.core.models import Campaign, Interview, InterviewSlot, SlotBooking
from pae_desktop.core.services.interviews.slots import active_booking


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
    # the versions the user acts on (core.operations): the slot's, and its active booking's
    version: int = 0
    booking_version: int | None = None
    ever_booked: bool = False  # a booking, even cancelled, was made: the slot can be cancelled, not deleted

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
                slot.version,
                booking.version if booking else None,
                bool(slot.bookings),
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
