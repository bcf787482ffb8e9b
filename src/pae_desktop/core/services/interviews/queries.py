"""Queries other use cases ask of the interviews: a youth's latest interview and booking, a day's records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from pae_desktop.core.models import Interview, InterviewSlot, SlotBooking, Youth
from pae_desktop.core.services.interviews.bookings import live_bookings
from pae_desktop.core.stage import interview_order, latest_interview_of
from pae_desktop.core.text import fold


def latest_interview(session: Session, youth_id: int) -> Interview | None:
    """The youth's latest interview, in the one order of `core.stage.interview_order` (date, slot time, id)."""
    interviews = session.scalars(
        select(Interview).where(Interview.youth_id == youth_id).options(selectinload(Interview.slot))
    ).all()
    return latest_interview_of(
        interviews, lambda i: interview_order(i.held_on, i.slot.starts_at if i.slot else None, i.id)
    )


def latest_booking(session: Session, youth_id: int) -> SlotBooking | None:
    """The youth's latest active booking on a live slot (by slot time, then booking), past or future: the one
    a convocation is printed for."""
    query = live_bookings(youth_id).order_by(InterviewSlot.starts_at.desc(), SlotBooking.id.desc())
    return session.scalars(query.limit(1)).first()


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
