"""What phase 1 «AvenirPro» gave each youth of a campaign: the one definition used by the youth's file, the
caseload, the home screen, the FOQUALE file (spec §6, columns 43–45) and the indicators."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pae_desktop.core.models import (
    Campaign,
    OriginalSchooling,
    Phase1Attendance,
    Phase1Event,
    Phase1EventParticipant,
    Phase1Interview,
    Phase1Workshop,
    Phase1WorkshopClass,
    Youth,
)
from pae_desktop.core.scheme import scheme_of
from pae_desktop.core.vocabulary import PHASE1_MIN_WORKSHOPS
from pae_desktop.core.worklist import ClassesBelowMinimum


@dataclass(frozen=True, slots=True)
class Phase1Summary:
    """One youth's phase 1: workshops attended out of those held for their class, interview, events."""

    workshops_attended: int = 0
    workshops_held: int = 0  # held for the youth's class
    individual_interview: bool = False
    events_attended: int = 0

    @property
    def below_minimum(self) -> bool:
        """Fewer than the four workshops phase 1 plans («moins de 4 ateliers»)."""
        return self.workshops_attended < PHASE1_MIN_WORKSHOPS

    @property
    def text(self) -> str:
        """«3 ateliers suivis sur 4 tenus pour sa classe · entretien individuel · 1 événement» (the youth's
        file, the caseload's tooltip)."""
        parts = [_workshops_text(self.workshops_attended, self.workshops_held)]
        if self.individual_interview:
            parts.append("entretien individuel")
        if self.events_attended:
            parts.append(f"{self.events_attended} événement{_plural(self.events_attended)}")
        return " · ".join(parts)


def _plural(count: int) -> str:
    return "s" if count > 1 else ""


def _workshops_text(attended: int, held: int) -> str:
    """«3 ateliers suivis sur 4 tenus pour sa classe»; a youth may have attended another class's workshops (a
    change of class during the year), so `attended` can exceed `held`, even when `held` is 0."""
    attended_text = f"{attended} atelier{_plural(attended)} suivi{_plural(attended)}" if attended else ""
    if not held:
        return (
            f"{attended_text} (aucun tenu pour sa classe)"
            if attended
            else "Aucun atelier tenu pour sa classe"
        )
    held_text = f"{held} tenu{_plural(held)} pour sa classe"
    return f"{attended_text} sur {held_text}" if attended else f"Aucun atelier suivi sur {held_text}"


NOTHING = Phase1Summary()


def phase1_recorded(session: Session, campaign_id: int) -> bool:
    """Whether the school recorded any phase 1 for the campaign (a workshop, an interview or an event): without
    it, the FOQUALE columns 43–45 stay empty rather than saying 0."""
    for model in (Phase1Workshop, Phase1Interview, Phase1Event):
        if session.scalar(select(model.id).where(model.campaign_id == campaign_id).limit(1)) is not None:
            return True
    return False


def workshops_held_by_class(session: Session, campaign_id: int) -> Counter[str]:
    """How many of the campaign's workshops were held for each class (a class absent: none)."""
    return Counter(
        dict(
            session.execute(
                select(
                    Phase1WorkshopClass.division, func.count(func.distinct(Phase1WorkshopClass.workshop_id))
                )
                .join(Phase1Workshop, Phase1Workshop.id == Phase1WorkshopClass.workshop_id)
                .where(Phase1Workshop.campaign_id == campaign_id)
                .group_by(Phase1WorkshopClass.division)
            ).all()
        )
    )


def phase1_summaries(
    session: Session, campaign_id: int, youth_ids: Collection[int] | None = None
) -> dict[int, Phase1Summary]:
    """Every youth of the campaign who has a class, an attendance, an interview or an event, by youth id; a
    youth absent from the mapping had nothing (`NOTHING`). A few grouped queries, whatever the campaign's size;
    `youth_ids` narrows them to some youths (one youth's file)."""

    def only_wanted(query, youth_column):
        return query if youth_ids is None else query.where(youth_column.in_(list(youth_ids)))

    attended = Counter(
        dict(
            session.execute(
                only_wanted(
                    select(Phase1Attendance.youth_id, func.count())
                    .join(Phase1Workshop, Phase1Workshop.id == Phase1Attendance.workshop_id)
                    .where(Phase1Workshop.campaign_id == campaign_id, Phase1Attendance.present.is_(True))
                    .group_by(Phase1Attendance.youth_id),
                    Phase1Attendance.youth_id,
                )
            ).all()
        )
    )
    held_by_class = workshops_held_by_class(session, campaign_id)
    interviewed = set(
        session.scalars(
            only_wanted(
                select(Phase1Interview.youth_id).where(Phase1Interview.campaign_id == campaign_id),
                Phase1Interview.youth_id,
            )
        )
    )
    events = Counter(
        dict(
            session.execute(
                only_wanted(
                    select(Phase1EventParticipant.youth_id, func.count())
                    .join(Phase1Event, Phase1Event.id == Phase1EventParticipant.event_id)
                    .where(Phase1Event.campaign_id == campaign_id)
                    .group_by(Phase1EventParticipant.youth_id),
                    Phase1EventParticipant.youth_id,
                )
            ).all()
        )
    )
    divisions = dict(
        session.execute(
            only_wanted(
                select(Youth.id, OriginalSchooling.division)
                .join(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
                .where(Youth.campaign_id == campaign_id),
                Youth.id,
            )
        ).all()
    )
    summaries = {}
    for youth_id in (
        set(attended) | interviewed | set(events) | {y for y, d in divisions.items() if d in held_by_class}
    ):
        summaries[youth_id] = Phase1Summary(
            workshops_attended=attended.get(youth_id, 0),
            workshops_held=held_by_class.get(divisions.get(youth_id, ""), 0),
            individual_interview=youth_id in interviewed,
            events_attended=events.get(youth_id, 0),
        )
    return summaries


def phase1_summary(session: Session, youth: Youth) -> Phase1Summary:
    """One youth's phase 1 (the youth's file)."""
    return phase1_summaries(session, youth.campaign_id, [youth.id]).get(youth.id, NOTHING)


def classes_below_minimum(session: Session, campaign_id: int) -> list[tuple[str, int]]:
    """The campaign's classes (divisions of its youths) with fewer than four workshops held, as (class, held),
    by class: the home screen's list during the school year."""
    held = workshops_held_by_class(session, campaign_id)
    classes = session.scalars(
        select(OriginalSchooling.division)
        .join(Youth, Youth.id == OriginalSchooling.youth_id)
        .where(
            Youth.campaign_id == campaign_id, OriginalSchooling.division != "", Youth.anonymised_at.is_(None)
        )
        .distinct()
    )
    return sorted(
        (
            (division, held.get(division, 0))
            for division in classes
            if held.get(division, 0) < PHASE1_MIN_WORKSHOPS
        ),
        key=lambda item: item[0],
    )


# --- the home screen during the school year ------------------------------------------------------------------


def phase1_school_year(year: int) -> tuple[dt.date, dt.date]:
    """When the home screen watches campaign N's phase 1: from 1 September N−1 to 30 June N, the terminale year
    of the students who make campaign N (the workshops run from October; July and August belong to the exams
    and to the contact campaign)."""
    return dt.date(year - 1, 9, 1), dt.date(year, 6, 30)


def phase1_campaign_year(today: dt.date) -> int | None:
    """The campaign whose phase 1 runs on `today` (this school year's terminale), None in July and August.

    On 4 December 2026 it is campaign 2027, while the window may well show campaign 2026, whose pathways run."""
    year = today.year + 1 if today.month >= 9 else today.year
    start, end = phase1_school_year(year)
    return year if start <= today <= end else None


def classes_to_watch(session: Session, today: dt.date) -> ClassesBelowMinimum | None:
    """The home screen's «Classes avec moins de 4 ateliers»: for the campaign whose phase 1 runs on `today`, if
    that campaign is in the database and has a phase 1; None otherwise (the list is not shown)."""
    year = phase1_campaign_year(today)
    if year is None:
        return None
    campaign = session.scalars(select(Campaign).where(Campaign.year == year)).first()
    if campaign is None:
        return None
    scheme = scheme_of(campaign)
    if not scheme.has_phase1:
        return None
    return ClassesBelowMinimum(
        campaign.id, year, scheme.phase1_name, tuple(classes_below_minimum(session, campaign.id))
    )


def youth_phase1(session: Session, youth: Youth) -> tuple[str, Phase1Summary] | None:
    """The youth's file: the campaign's phase-1 name and the youth's summary; None for a campaign without phase 1."""
    scheme = scheme_of(youth.campaign)
    return (scheme.phase1_name, phase1_summary(session, youth)) if scheme.has_phase1 else None
