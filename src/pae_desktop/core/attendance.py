"""Attendance, one source of truth: the unjustified half-days of a youth are those of the «Absence» follow-up
events plus those of the attendance grid (`AttendanceHalfDay`); every total (the follow-up tab, the grid, the
«Absences» worklist, the 30-half-day alert, the grid's PDF) reads `half_day_totals` or `absence_totals`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import func, select

from pae_desktop.core import rules
from pae_desktop.core.models import AttendanceHalfDay, FollowUpEvent, Youth
from pae_desktop.core.vocabulary import FollowUpKind

PRESENT, JUSTIFIED, UNJUSTIFIED = "P", "J", "A"
STATUSES = (PRESENT, JUSTIFIED, UNJUSTIFIED)
# What a cell shows and what the keyboard types (lower case): p, j, a.
STATUS_LETTERS = {PRESENT: "P", JUSTIFIED: "J", UNJUSTIFIED: "A"}
HALVES = ("matin", "après-midi")
WEEKDAYS = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi")
Key = tuple[dt.date, bool]  # a grid cell: (day, afternoon)


@dataclass(frozen=True, slots=True)
class Totals:
    """Half-days present, absent justified and absent unjustified."""

    present: int = 0
    justified: int = 0
    unjustified: int = 0

    def __add__(self, other: Totals) -> Totals:
        return Totals(
            self.present + other.present,
            self.justified + other.justified,
            self.unjustified + other.unjustified,
        )

    @property
    def alert(self) -> str | None:
        """The attendance alert (more than 30 unjustified half-days), else None."""
        return rules.attendance_warning(self.unjustified)


def grid_totals(statuses: Iterable[str]) -> Totals:
    """The totals of grid cells (their statuses)."""
    statuses = list(statuses)
    return Totals(statuses.count(PRESENT), statuses.count(JUSTIFIED), statuses.count(UNJUSTIFIED))


def event_totals(events: Iterable[tuple[int, bool]]) -> Totals:
    """The totals of «Absence» events, as (half_days, justified) pairs."""
    events = list(events)
    unjustified = rules.unjustified_half_days(events)
    return Totals(0, sum(h for h, _ in events) - unjustified, unjustified)


def absence_totals(events: Iterable, cells: Iterable[str] = ()) -> Totals:
    """The one sum over loaded records: follow-up events (only «Absence» ones count) and grid statuses."""
    pairs = [
        (e.absence_half_days or 0, bool(e.absence_justified)) for e in events if e.kind == FollowUpKind.ABSENCE
    ]
    return event_totals(pairs) + grid_totals(cells)


def half_day_totals(
    session, *, youth_id: int | None = None, campaign_id: int | None = None, until: dt.date | None = None
) -> dict[int, Totals]:
    """The one sum in the database: each youth's totals (of one youth, or of a campaign's youths), from the
    «Absence» events and the grid's half-days, those on or before `until` when given. A youth with neither is
    absent from the result. `session` may be a Session or a Connection."""
    event_query = (
        select(FollowUpEvent.youth_id, FollowUpEvent.absence_justified, func.sum(FollowUpEvent.absence_half_days))
        .join(Youth, Youth.id == FollowUpEvent.youth_id)
        .where(FollowUpEvent.kind == FollowUpKind.ABSENCE.value)
        .group_by(FollowUpEvent.youth_id, FollowUpEvent.absence_justified)
    )
    grid_query = (
        select(AttendanceHalfDay.youth_id, AttendanceHalfDay.status, func.count())
        .join(Youth, Youth.id == AttendanceHalfDay.youth_id)
        .group_by(AttendanceHalfDay.youth_id, AttendanceHalfDay.status)
    )
    if youth_id is not None:
        event_query = event_query.where(Youth.id == youth_id)
        grid_query = grid_query.where(Youth.id == youth_id)
    if campaign_id is not None:
        event_query = event_query.where(Youth.campaign_id == campaign_id)
        grid_query = grid_query.where(Youth.campaign_id == campaign_id)
    if until is not None:
        event_query = event_query.where(FollowUpEvent.on <= until)
        grid_query = grid_query.where(AttendanceHalfDay.on <= until)
    totals: dict[int, Totals] = {}
    for youth, justified, half_days in session.execute(event_query):
        found = event_totals([(int(half_days or 0), bool(justified))])
        totals[youth] = totals.get(youth, Totals()) + found
    for youth, status, count in session.execute(grid_query):
        totals[youth] = totals.get(youth, Totals()) + grid_totals([status] * int(count))
    return totals


def youth_totals(session, youth_id: int, until: dt.date | None = None) -> Totals:
    """One youth's totals (`half_day_totals` of one youth)."""
    return half_day_totals(session, youth_id=youth_id, until=until).get(youth_id, Totals())


def unjustified_by_youth(session, campaign_id: int, until: dt.date | None = None) -> dict[int, int]:
    """A campaign's youths with unjustified half-days → their number (the worklists and the alert)."""
    totals = half_day_totals(session, campaign_id=campaign_id, until=until)
    return {youth: t.unjustified for youth, t in totals.items() if t.unjustified}


# --- the grid's records (built by `core.services.pathways.attendance_grid`, printed by documents/) ----------


@dataclass(frozen=True, slots=True)
class GridCell:
    on: dt.date
    afternoon: bool
    status: str  # attendance.PRESENT, JUSTIFIED, UNJUSTIFIED or "" (not entered)
    version: int | None  # None: no row (not entered)
    enabled: bool  # within the pathway's dates

    @property
    def key(self) -> Key:
        return self.on, self.afternoon


@dataclass(frozen=True, slots=True)
class GridWeek:
    monday: dt.date
    cells: tuple[GridCell, ...]  # 10: Monday morning, Monday afternoon, … Friday afternoon
    totals: Totals


@dataclass(frozen=True)
class AttendanceGrid:
    """A youth's grid with its totals: `grid` (the cells), `events` (the «Absence» follow-up events) and
    `overall`, the one sum of `core.attendance` that the worklists and the alert read."""

    youth_id: int
    full_name: str
    ine: str
    division: str
    boursier: bool
    start: dt.date
    end: dt.date
    weeks: tuple[GridWeek, ...]
    grid: Totals
    events: Totals
    overall: Totals

    @property
    def alert(self) -> str | None:
        return self.overall.alert
