"""Phase 1 «AvenirPro» of a demonstration campaign, during its youths' terminale (October N−1 → May N):
collective workshops per class with attendance per student, individual interviews, events; as on the demo's
today, so that a class or two sits below the four workshops planned and some students missed some."""

from __future__ import annotations

import datetime as dt
import random
from collections import defaultdict

from faker import Faker
from sqlalchemy import insert
from sqlalchemy.orm import Session

from pae_desktop.core.models import (
    Campaign,
    Phase1Attendance,
    Phase1Event,
    Phase1EventParticipant,
    Phase1Interview,
    Phase1Workshop,
    Phase1WorkshopClass,
    Youth,
)
from pae_desktop.core.services.demo.funnel import Timeline
from pae_desktop.core.services.demo.people import moment, new_person, weekday_on_or_after
from pae_desktop.core.vocabulary import PersonRole, Phase1EventKind

THEMES = (
    "Les services de la Mission locale et le contrat d'engagement jeune",
    "Chercher un emploi avec France Travail",
    "Rédiger son CV et sa lettre de motivation",
    "Se préparer à un entretien d'embauche",
    "Découvrir l'apprentissage et l'alternance",
    "Mobilité, permis de conduire et aides",
    "Connaître ses droits de jeune salarié",
)
PLANNED = 6  # workshops per class over the year; a few classes get fewer
MONTHS = (10, 11, 12, 1, 2, 3, 4, 5)  # October N−1 to May N


def record_phase1(
    session: Session,
    campaign: Campaign,
    youths: list[Youth],
    directory: dict,
    fake: Faker,
    rng: random.Random,
    timeline: Timeline,
) -> None:
    """Record phase 1 for the campaign's terminale classes: what happened on or before the demo's today."""
    france_travail = directory["others"][0]
    operators = [(advisor.partner, advisor) for advisor in directory["advisors"]]
    operators.append((france_travail, new_person(fake, rng, PersonRole.FT, france_travail)))
    by_class: dict[str, list[Youth]] = defaultdict(list)
    for youth in youths:
        by_class[youth.schooling.division].append(youth)
    classes = sorted(by_class)
    short = set(rng.sample(classes, min(2, len(classes) - 1))) if len(classes) > 1 else set()
    workshops = []
    for division in classes:
        held = rng.randint(2, 3) if division in short else PLANNED
        workshops += _class_workshops(campaign, division, held, operators, rng, timeline)
    session.add_all(workshops)
    session.flush()
    _attendance(session, workshops, by_class, rng)
    _interviews(session, campaign, youths, operators, rng, timeline)
    _events(session, campaign, youths, directory, rng, timeline)


def _class_workshops(campaign, division, count, operators, rng, timeline: Timeline) -> list[Phase1Workshop]:
    """`count` workshops for one class, spread over the months of phase 1, the first one in October."""
    made = []
    months = [0, *sorted(rng.sample(range(1, len(MONTHS)), count - 1))]
    for rank, (month_index, theme) in enumerate(zip(months, rng.sample(THEMES, count), strict=True)):
        month = MONTHS[month_index]
        year = campaign.year - 1 if month >= 9 else campaign.year
        day = weekday_on_or_after(dt.date(year, month, rng.randint(3, 24)))
        operator, advisor = rng.choice(operators)
        hour = rng.choice(("09:00", "10:00", "14:00", "15:00"))
        minutes = rng.choice((60, 90, 120))
        if not timeline.happened(day):
            continue
        workshop = Phase1Workshop(
            campaign=campaign,
            held_on=day,
            starts_at=hour,
            duration_minutes=minutes,
            theme=theme if rank else f"Présentation d'AvenirPro · {theme}",
            operator=operator,
            advisor=advisor,
            created_at=moment(day, 18),
        )
        workshop.classes.append(Phase1WorkshopClass(division=division))
        made.append(workshop)
    return made


def _attendance(
    session: Session, workshops: list[Phase1Workshop], by_class: dict, rng: random.Random
) -> None:
    """Present or absent, per student of the class: most come, a few often miss (one bulk insert)."""
    assiduity = {}
    rows = []
    for workshop in workshops:
        for youth in by_class[workshop.classes[0].division]:
            if youth.id not in assiduity:
                assiduity[youth.id] = rng.choices((0.95, 0.75, 0.35), weights=(70, 20, 10))[0]
            rows.append(
                {
                    "workshop_id": workshop.id,
                    "youth_id": youth.id,
                    "present": rng.random() < assiduity[youth.id],
                }
            )
    if rows:
        session.execute(insert(Phase1Attendance), rows)


def _interviews(session, campaign, youths, operators, rng, timeline: Timeline) -> None:
    """About one student in eight asked for an individual interview with an advisor."""
    for youth in youths:
        if rng.random() >= 0.12:
            continue
        month = rng.choice(MONTHS[1:])
        year = campaign.year - 1 if month >= 9 else campaign.year
        day = weekday_on_or_after(dt.date(year, month, rng.randint(1, 24)))
        partner, advisor = rng.choice(operators)
        if timeline.happened(day):
            session.add(
                Phase1Interview(
                    campaign_id=campaign.id,
                    youth_id=youth.id,
                    held_on=day,
                    partner=partner,
                    advisor=advisor,
                    note="Entretien individuel demandé par l'élève après un atelier.",
                    created_at=moment(day, 18),
                )
            )


def _events(session, campaign, youths, directory, rng, timeline: Timeline) -> None:
    """A salon in January, a recruitment forum in February, a company visit for one class in March."""
    company = directory["companies"][0]
    visited = youths[0].schooling.division if youths else ""
    plans = (
        (1, Phase1EventKind.SALON, "Salon de l'apprentissage et de l'alternance", "Parc des expositions, Nancy",
         lambda youth: rng.random() < 0.2),
        (2, Phase1EventKind.FORUM, "Forum de recrutement des jeunes", "Centre des congrès Prouvé, Nancy",
         lambda youth: youth.schooling.diploma != "CAP" and rng.random() < 0.3),
        (3, Phase1EventKind.VISITE_ENTREPRISE, f"Visite de l'entreprise {company.name}", company.city,
         lambda youth: youth.schooling.division == visited and rng.random() < 0.85),
    )  # fmt: skip
    for month, kind, title, place, goes in plans:
        day = weekday_on_or_after(dt.date(campaign.year, month, rng.randint(8, 20)))
        who = [youth for youth in youths if goes(youth)]
        if not timeline.happened(day):
            continue
        event = Phase1Event(
            campaign_id=campaign.id,
            held_on=day,
            kind=kind.value,
            title=title,
            place=place,
            created_at=moment(day, 18),
        )
        event.participants = [Phase1EventParticipant(youth_id=youth.id) for youth in who]
        session.add(event)
