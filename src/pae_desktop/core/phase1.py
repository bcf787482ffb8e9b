"""What phase 1 «AvenirPro» gave each youth of a campaign: the one definition used by the youth's file, the
caseload, the home screen, the FOQUALE file (spec §6, columns 43–45) and the indicators."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pae_desktop.core.models import (
    OriginalSchooling,
    Phase1Attendance,
    Phase1Event,
    Phase1EventParticipant,
    Phase1Interview,
    Phase1Workshop,
    Phase1WorkshopClass,
    Youth,
)
from pae_desktop.core.vocabulary import PHASE1_MIN_WORKSHOPS


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
        """«3 ateliers sur 4 · entretien individuel · 1 événement» (the youth's file, the caseload's tooltip)."""
        parts = [
            f"{self.workshops_attended} atelier{'s' if self.workshops_attended > 1 else ''} "
            f"sur {self.workshops_held}"
        ]
        if self.individual_interview:
            parts.append("entretien individuel")
        if self.events_attended:
            parts.append(f"{self.events_attended} événement{'s' if self.events_attended > 1 else ''}")
        return " · ".join(parts)


NOTHING = Phase1Summary()


def phase1_recorded(session: Session, campaign_id: int) -> bool:
    """Whether the school recorded any phase 1 for the campaign (a workshop, an interview or an event): without
    it, the FOQUALE columns 43–45 stay empty rather than saying 0."""
    for model in (Phase1Workshop, Phase1Interview, Phase1Event):
        if session.scalar(select(model.id).where(model.campaign_id == campaign_id).limit(1)) is not None:
            return True
    return False


def phase1_summaries(session: Session, campaign_id: int) -> dict[int, Phase1Summary]:
    """Every youth of the campaign who has a class, an attendance, an interview or an event, by youth id; a
    youth absent from the mapping had nothing (`NOTHING`). A few grouped queries, whatever the campaign's size."""
    attended = Counter(
        dict(
            session.execute(
                select(Phase1Attendance.youth_id, func.count())
                .join(Phase1Workshop, Phase1Workshop.id == Phase1Attendance.workshop_id)
                .where(Phase1Workshop.campaign_id == campaign_id, Phase1Attendance.present.is_(True))
                .group_by(Phase1Attendance.youth_id)
            ).all()
        )
    )
    held_by_class = Counter(
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
    interviewed = set(
        session.scalars(select(Phase1Interview.youth_id).where(Phase1Interview.campaign_id == campaign_id))
    )
    events = Counter(
        dict(
            session.execute(
                select(Phase1EventParticipant.youth_id, func.count())
                .join(Phase1Event, Phase1Event.id == Phase1EventParticipant.event_id)
                .where(Phase1Event.campaign_id == campaign_id)
                .group_by(Phase1EventParticipant.youth_id)
            ).all()
        )
    )
    divisions = dict(
        session.execute(
            select(Youth.id, OriginalSchooling.division)
            .join(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
            .where(Youth.campaign_id == campaign_id)
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
    return phase1_summaries(session, youth.campaign_id).get(youth.id, NOTHING)


def classes_below_minimum(session: Session, campaign_id: int) -> list[tuple[str, int]]:
    """The campaign's classes (divisions of its youths) with fewer than four workshops held, as (class, held),
    by class: the home screen's list during the school year."""
    held = dict(
        session.execute(
            select(Phase1WorkshopClass.division, func.count(func.distinct(Phase1WorkshopClass.workshop_id)))
            .join(Phase1Workshop, Phase1Workshop.id == Phase1WorkshopClass.workshop_id)
            .where(Phase1Workshop.campaign_id == campaign_id)
            .group_by(Phase1WorkshopClass.division)
        ).all()
    )
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
