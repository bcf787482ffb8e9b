"""The attendance grid of a pathway (issue 21 §5): one row per week (Monday's date), the morning and afternoon of
each weekday, saved cell by cell at the version each was loaded; its record also prints for the bourse file."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import attendance, audit
from pae_desktop.core.attendance import STATUSES, WEEKDAYS, AttendanceGrid, GridCell, GridWeek, Key
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import AttendanceHalfDay, FollowUpEvent, Pathway, Youth
from pae_desktop.core.operations import PATHWAYS, Changes
from pae_desktop.core.services.pathways.context import _d
from pae_desktop.core.services.pathways.follow_up import record_attendance_alert

NO_PATHWAY = "Ce jeune n'a pas de parcours : pas de grille d'assiduité."


def pathway_days(pathway: Pathway) -> tuple[dt.date, dt.date]:
    """The first and last day of a pathway: its start, and its abandonment, actual or planned end."""
    end = pathway.abandoned_on or pathway.actual_end or pathway.planned_end
    return pathway.start_date, max(end, pathway.start_date)


def _pathway_of(session: Session, youth_id: int) -> tuple[Youth, Pathway]:
    youth = session.get(Youth, youth_id)
    if youth is None:
        raise UserError("Ce jeune n'existe plus dans la base (supprimé ou anonymisé entre-temps).")
    pathway = session.scalars(select(Pathway).where(Pathway.youth_id == youth_id)).first()
    if pathway is None:
        raise UserError(NO_PATHWAY)
    return youth, pathway


def attendance_grid(session: Session, youth_id: int) -> AttendanceGrid:
    """The grid of the youth's pathway, week by week, with its totals."""
    youth, pathway = _pathway_of(session, youth_id)
    start, end = pathway_days(pathway)
    rows = {
        (r.on, r.afternoon): r
        for r in session.scalars(select(AttendanceHalfDay).where(AttendanceHalfDay.youth_id == youth_id))
    }
    weeks = []
    monday = start - dt.timedelta(days=start.weekday())
    while monday <= end:
        cells = []
        for offset in range(len(WEEKDAYS)):
            day = monday + dt.timedelta(days=offset)
            for afternoon in (False, True):
                row = rows.get((day, afternoon))
                status, version = (row.status, row.version) if row is not None else ("", None)
                cells.append(GridCell(day, afternoon, status, version, start <= day <= end))
        weeks.append(GridWeek(monday, tuple(cells), attendance.grid_totals(c.status for c in cells)))
        monday += dt.timedelta(days=7)
    events = session.scalars(select(FollowUpEvent).where(FollowUpEvent.youth_id == youth_id))
    schooling = youth.schooling
    return AttendanceGrid(
        youth_id=youth.id,
        full_name=f"{youth.last_name.upper()} {youth.first_names}".strip(),
        ine=youth.ine,
        division=schooling.division if schooling else "",
        boursier=bool(youth.boursier),
        start=start,
        end=end,
        weeks=tuple(weeks),
        grid=attendance.grid_totals(r.status for r in rows.values()),
        events=attendance.absence_totals(events),
        overall=attendance.youth_totals(session, youth_id),
    )


def attendance_record(session: Session, youth_id: int, source_id: int | None = None, today=None) -> AttendanceGrid:
    """The grid's printable record (document kind «grille-assiduite»)."""
    return attendance_grid(session, youth_id)


def _check(marks: Mapping[Key, str | None], start: dt.date, end: dt.date) -> None:
    """Every cell typed is a weekday of the pathway and a known status: else the French reason, nothing saved."""
    problems = []
    for (day, afternoon), status in sorted(marks.items()):
        half = "après-midi" if afternoon else "matin"
        if day.weekday() >= len(WEEKDAYS):
            problems.append(f"Le {_d(day)} ({half}) tombe un week-end : la grille ne compte que les jours de classe.")
        elif not start <= day <= end:
            problems.append(
                f"Le {_d(day)} ({half}) est hors du parcours (du {_d(start)} au {_d(end)}) : case non modifiable."
            )
        if status and status not in STATUSES:
            problems.append(f"Le {_d(day)} ({half}) : « {status} » n'est pas P, J ni A.")
    if problems:
        raise UserError("\n".join(problems))


def save_attendance(
    session: Session,
    youth_id: int,
    marks: Mapping[Key, str | None],
    versions: Mapping[Key, int | None],
) -> Changes:
    """Write the cells typed (`marks`: (day, afternoon) → P, J, A, or None/"" to clear), each at the version
    the user loaded it (`versions`, None for an empty cell): a cell changed since is refused with the conflict
    message, nothing saved. Crossing 30 unjustified half-days records the «Alerte» as an event would."""
    _, pathway = _pathway_of(session, youth_id)
    start, end = pathway_days(pathway)
    _check(marks, start, end)
    rows = {
        (r.on, r.afternoon): r
        for r in session.scalars(
            select(AttendanceHalfDay).where(
                AttendanceHalfDay.youth_id == youth_id, AttendanceHalfDay.on.in_({k[0] for k in marks})
            )
        )
    }
    for key in marks:
        row = rows.get(key)
        if (row.version if row is not None else None) != versions.get(key):
            raise UserError(CONFLICT_MESSAGE)
    before = attendance.youth_totals(session, youth_id).unjustified
    written: list[int] = []
    for key, status in sorted(marks.items()):
        row = rows.get(key)
        if not status:
            if row is not None:
                written.append(row.id)
                session.delete(row)
        elif row is None:
            row = AttendanceHalfDay(youth_id=youth_id, on=key[0], afternoon=key[1], status=status)
            session.add(row)
            session.flush()
            written.append(row.id)
        elif row.status != status:
            row.status = status
            written.append(row.id)
    session.flush()
    if not written:
        return Changes()
    audit.record(
        session, "update", "attendance", youth_id, detail=f"jeune {youth_id}, grille : {len(written)} demi-journée(s)"
    )
    total = attendance.youth_totals(session, youth_id).unjustified
    alert, alert_ids = record_attendance_alert(session, youth_id, before, total, max(k[0] for k in marks))
    ids = {"attendance_half_day": tuple(written)}
    if alert_ids:
        ids["follow_up_event"] = tuple(alert_ids)
    return Changes(
        topics=frozenset({PATHWAYS}), ids=ids, warnings=(alert,) if alert else (), count=len(written)
    )
