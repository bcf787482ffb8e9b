"""What the follow-up worklists read beyond the stage: each pathway's dates, the exit, the unjustified absences."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import attendance
from pae_desktop.core.models import Exit, Pathway, Youth


@dataclass(frozen=True, slots=True)
class PathwayDates:
    start: dt.date
    planned_end: dt.date
    abandoned_on: dt.date | None
    siecle_entered: bool


@dataclass(frozen=True, slots=True)
class ExitFact:
    on: dt.date
    category: str  # vocabulary.ExitCategory
    detail: str  # vocabulary.ExitDetail


@dataclass(frozen=True, slots=True)
class FollowUpFacts:
    """One youth's facts for the follow-up lists (the stage and the next follow-up due come with the case's)."""

    pathway: PathwayDates | None = None
    exit: ExitFact | None = None
    unjustified_half_days: int = 0


NONE = FollowUpFacts()


def load_follow_up_facts(session: Session, campaign_id: int, today: dt.date) -> dict[int, FollowUpFacts]:
    """The pathways, exits and unjustified absences (events and grid, on or before `today`) of a campaign's youths; a
    youth with none of them is absent from the result (`NONE` stands for them)."""
    conn = session.connection()
    pathways = {
        youth_id: PathwayDates(start, end, abandoned, bool(entered))
        for youth_id, start, end, abandoned, entered in conn.execute(
            select(
                Pathway.youth_id,
                Pathway.start_date,
                Pathway.planned_end,
                Pathway.abandoned_on,
                Pathway.siecle_entered,
            )
            .join(Youth, Youth.id == Pathway.youth_id)
            .where(Youth.campaign_id == campaign_id)
        )
    }
    exits = {
        youth_id: ExitFact(on, category or "", detail or "")
        for youth_id, on, category, detail in conn.execute(
            select(Exit.youth_id, Exit.on, Exit.category, Exit.detail)
            .join(Youth, Youth.id == Exit.youth_id)
            .where(Youth.campaign_id == campaign_id)
        )
    }
    absences = attendance.unjustified_by_youth(conn, campaign_id, until=today)
    return {
        youth_id: FollowUpFacts(pathways.get(youth_id), exits.get(youth_id), int(absences.get(youth_id) or 0))
        for youth_id in pathways.keys() | exits.keys() | absences.keys()
    }
