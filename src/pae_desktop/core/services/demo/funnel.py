"""One demonstration campaign's funnel as it stands on a date: slots, information, contacts, interviews,
pathways, abandonments and exits, in the proportions of the académie's 2023 figures.

Each fact is drawn whole, then recorded only when it happened on or before the demo's today (`Timeline.until`):
a campaign under way shows what its referent would have recorded by then, a closed one shows everything.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, replace
from itertools import islice

from sqlalchemy.orm import Session

from pae_desktop.core.models import (
    Campaign,
    ContactAttempt,
    Exit,
    FollowUpEvent,
    InformationAction,
    InformationTarget,
    Interview,
    InterviewBarrier,
    InterviewParticipant,
    InterviewSlot,
    Partner,
    Pathway,
    PathwayModule,
    SlotBooking,
    Youth,
)
from pae_desktop.core.scheme import scheme_of
from pae_desktop.core.services.demo.people import CLASSES, at, moment, weekday_on_or_after, weighted
from pae_desktop.core.vocabulary import (
    EXIT_DETAILS,
    Barrier,
    ContactChannel,
    ContactResult,
    Decision,
    ExitCategory,
    FollowUpKind,
    InformationKind,
    ModuleType,
    NextStep,
    Project,
    Role,
)

LATE_SHARE = 0.15  # under way after the interviews: youths signalled or reached only in the last weeks
SLOT_TIMES = ((9, 0), (9, 45), (10, 30), (11, 15), (14, 0), (14, 45), (15, 30))


@dataclass(frozen=True)
class Timeline:
    """The demo's today (`until`: nothing recorded after it) and, for a campaign under way well past its
    interviews, the first day of the recent weeks in which a few youths are reached late (`late_from`)."""

    until: dt.date
    late_from: dt.date | None = None

    def happened(self, day: dt.date) -> bool:
        return day <= self.until


def slots(
    session: Session, campaign: Campaign, directory: dict, rng: random.Random, timeline: Timeline
) -> list[InterviewSlot]:
    """Every 45 minutes, 9h to 12h and 14h to 16h30, on weekdays from 28 August to the target date + 10 days,
    once the census is done; a campaign reaching youths late also has a few around its today."""
    if not timeline.happened(campaign.census_cutoff):
        return []
    made = []
    day = dt.date(campaign.year, 8, 28)
    while day <= campaign.interview_deadline + dt.timedelta(days=10):
        made += _day_slots(campaign, day, directory["advisors"], rng, every=2)
        day += dt.timedelta(days=1)
    if timeline.late_from is not None:
        day = timeline.late_from
        while day <= min(timeline.until + dt.timedelta(days=21), campaign.latest_end - dt.timedelta(days=7)):
            made += _day_slots(campaign, day, directory["advisors"], rng, every=4)
            day += dt.timedelta(days=1)
    session.add_all(made)
    return made


def _day_slots(campaign: Campaign, day: dt.date, advisors: list, rng: random.Random, every: int) -> list:
    """The slots of one weekday: each advisor holds them one day in `every`."""
    if day.weekday() >= 5:
        return []
    made = []
    for index, advisor in enumerate(advisors):
        if (day.toordinal() + index) % every:
            continue
        for hour, minute in SLOT_TIMES:
            made.append(
                InterviewSlot(
                    campaign=campaign,
                    starts_at=dt.datetime.combine(day, dt.time(hour, minute)),
                    duration_minutes=45,
                    place=rng.choice(("Au lycée, salle 104", f"{advisor.partner.name}, accueil")),
                    partner=advisor.partner,
                    advisor=advisor,
                )
            )
    return made


def information(
    session: Session, campaign: Campaign, youths: list[Youth], rng: random.Random, timeline: Timeline
) -> None:
    """The collective information of June in most classes, and the leaflet given with the exam results."""
    for division, *_ in CLASSES:
        if rng.random() < 0.85:
            on = weekday_on_or_after(dt.date(campaign.year, 6, rng.randint(2, 20)))
            if timeline.happened(on):
                session.add(
                    InformationAction(
                        campaign=campaign,
                        on=on,
                        kind=InformationKind.INFORMATION_COLLECTIVE.value,
                        division=division,
                        note="Présentation du parcours en classe avec le professeur principal.",
                        created_at=moment(on, 17),
                    )
                )
    on = weekday_on_or_after(dt.date(campaign.year, 7, 4))
    results_day = InformationAction(
        campaign=campaign,
        on=on,
        kind=InformationKind.REMISE_RESULTATS.value,
        note="Dépliant remis avec les relevés de notes.",
        created_at=moment(on, 17),
    )
    results_day.targets = [InformationTarget(youth_id=y.id) for y in youths if rng.random() < 0.3]
    if timeline.happened(on):
        session.add(results_day)


FATES = [
    ("never", 8),
    ("unreachable", 14),
    ("already", 8),
    ("refuses", 10),
    ("not_concerned", 3),
    ("contacted", 20),
    ("interview", 37),
]


def campaign_facts(
    session: Session,
    campaign: Campaign,
    youths: list[Youth],
    slots: list[InterviewSlot],
    directory: dict,
    rng: random.Random,
    timeline: Timeline,
) -> int:
    """Walk each youth through the funnel: contact, interview, decision, pathway, abandonment, exit.
    Returns the number of pathways started."""
    free_slots = sorted(slots, key=lambda s: s.starts_at)
    pathways = 0
    for youth in youths:
        contact_day = weekday_on_or_after(dt.date(campaign.year, 8, rng.randint(22, 31)))
        fate = weighted(rng, FATES)
        if fate == "never":
            continue
        late = timeline.late_from is not None and rng.random() < LATE_SHARE
        seen = timeline  # what the referent recorded of this youth by the demo's today
        if late:
            span = (timeline.until - timeline.late_from).days
            contact_day = weekday_on_or_after(timeline.late_from + dt.timedelta(days=rng.randint(0, span)))
            # some recontacts fall due today, or are a few days behind: «À relancer aujourd'hui»
            seen = replace(timeline, until=timeline.until - dt.timedelta(days=rng.choice((0, 2, 3, 4))))
        if fate == "unreachable":
            _unreachable(session, youth, contact_day, rng, seen)
            continue
        contact_day = _reached(session, youth, fate, contact_day, rng, seen)
        if fate != "interview" or contact_day is None:
            continue
        if (
            not late and rng.random() < 0.15
        ):  # reached after the rentrée: some interviews miss the target date
            contact_day = weekday_on_or_after(dt.date(campaign.year, 9, rng.randint(8, 18)))
        if not seen.happened(contact_day):
            continue
        candidates = list(islice((s for s in free_slots if s.starts_at.date() > contact_day), 40))
        if not candidates:
            continue
        slot = rng.choice(candidates)
        free_slots.remove(slot)
        session.add(SlotBooking(slot=slot, youth=youth, booked_at=at(contact_day, rng)))
        if rng.random() < 0.12:  # did not come: the slot stays booked, the interview is to record
            continue
        if seen.happened(slot.starts_at.date()):
            pathways += _interview_and_pathway(session, campaign, youth, slot, directory, rng, seen)
    return pathways


def _attempt(session: Session, timeline: Timeline, attempt: ContactAttempt) -> None:
    if timeline.happened(attempt.at.date()):
        session.add(attempt)


def _unreachable(session, youth: Youth, contact_day: dt.date, rng: random.Random, timeline: Timeline) -> None:
    tries = rng.randint(3, 5)
    for index in range(tries):
        last = index == tries - 1  # the referent gave up: no recontact planned after the last one
        _attempt(
            session,
            timeline,
            ContactAttempt(
                youth_id=youth.id,
                at=at(contact_day + dt.timedelta(days=3 * index), rng),
                channel=rng.choice((ContactChannel.TELEPHONE, ContactChannel.SMS)).value,
                result=rng.choice(
                    (
                        ContactResult.PAS_DE_REPONSE,
                        ContactResult.MESSAGE_LAISSE,
                        ContactResult.COORDONNEES_ERRONEES,
                    )
                ).value,
                next_step="" if last else NextStep.A_RELANCER.value,
                next_date=None if last else contact_day + dt.timedelta(days=3 * index + 3),
            ),
        )


def _reached(
    session, youth: Youth, fate: str, contact_day: dt.date, rng: random.Random, timeline: Timeline
) -> dt.date | None:
    """A youth reached (after a first failed call, sometimes): the day they were reached, None when that
    is still to come or they are «Non concerné(e)»."""
    if rng.random() < 0.4:  # a first failed call before reaching them
        _attempt(
            session,
            timeline,
            ContactAttempt(
                youth_id=youth.id,
                at=at(contact_day, rng),
                channel=ContactChannel.TELEPHONE.value,
                result=ContactResult.MESSAGE_LAISSE.value,
                next_step=NextStep.A_RELANCER.value,
                next_date=contact_day + dt.timedelta(days=2),
            ),
        )
        contact_day = weekday_on_or_after(contact_day + dt.timedelta(days=2))
    if fate == "not_concerned":
        reason = rng.choice(("Poursuite d'études en BTS", "Contrat d'apprentissage signé"))
        if timeline.happened(contact_day):
            youth.not_concerned_on = contact_day
            youth.not_concerned_reason = reason
        return None
    result, next_step = {
        "already": (ContactResult.JOINT, NextStep.DEJA_EN_SOLUTION),
        "refuses": (ContactResult.JOINT, NextStep.REFUSE_ENTRETIEN),
        "contacted": (ContactResult.JOINT, None),
        "interview": (ContactResult.JOINT, NextStep.ENTRETIEN_PROPOSE),
    }[fate]
    if fate == "refuses" and rng.random() < 0.3:
        result, next_step = ContactResult.REFUS_ECHANGER, None
    _attempt(
        session,
        timeline,
        ContactAttempt(
            youth_id=youth.id,
            at=at(contact_day, rng),
            channel=rng.choice(
                (ContactChannel.TELEPHONE, ContactChannel.TELEPHONE, ContactChannel.RENCONTRE)
            ).value,
            result=result.value,
            next_step=next_step.value if next_step else "",
            note="Jeune joint, situation expliquée." if result is ContactResult.JOINT else "",
        ),
    )
    return contact_day if timeline.happened(contact_day) else None


def _interview_and_pathway(session, campaign, youth, slot, directory, rng, timeline: Timeline) -> int:
    held = slot.starts_at.date()
    decision = weighted(
        rng,
        [
            (Decision.ENGAGE, 66),
            (Decision.REFUS, 12),
            (Decision.REFLEXION, 8),
            (Decision.AUTRE_SOLUTION, 10),
            (Decision.NON_ELIGIBLE, 2),
            (None, 2),
        ],
    )
    ml_present = rng.random() < 0.6
    interview = Interview(
        youth=youth,
        slot=slot,
        held_on=held,
        place=slot.place,
        modality="En présentiel",
        situation="Sans emploi ni formation depuis la fin de l'année scolaire.",
        school_path=f"Terminale {youth.schooling.division}, PFMP réalisées en entreprise.",
        pfmp_done="Trois PFMP de quatre semaines.",
        project=weighted(rng, [(p.value, w) for p, w in zip(Project, (35, 25, 15, 25), strict=True)]),
        trades_sought=youth.schooling.speciality,
        area_sought="Métropole du Grand Nancy",
        proposals="Parcours combinant accompagnement Mission locale et stage en entreprise.",
        decision=decision.value if decision else "",
        decided_on=held if decision else None,
        refusal_reason="Souhaite travailler tout de suite" if decision is Decision.REFUS else "",
        notice_given_on=held,
        created_at=moment(held, 18),
    )
    _participants(interview, slot, directory, ml_present, rng)
    for barrier in rng.sample(list(Barrier), rng.randint(0, 3)):
        interview.barriers.append(InterviewBarrier(barrier=barrier.value))
    session.add(interview)
    if decision is Decision.REFLEXION:
        session.add(
            FollowUpEvent(
                youth=youth,
                on=held,
                kind=FollowUpKind.RELANCE.value,
                next_action="Rappeler pour connaître sa décision",
                due_on=held + dt.timedelta(days=7),
            )
        )
    if decision is not Decision.ENGAGE or rng.random() < 0.08:
        return 0
    return _pathway(session, campaign, youth, held, slot, directory, rng, timeline)


def _participants(interview: Interview, slot: InterviewSlot, directory: dict, ml_present: bool, rng) -> None:
    interview.participants.append(InterviewParticipant(role=Role.RDS.value, person=directory["staff"][0]))
    if ml_present:
        interview.participants.append(
            InterviewParticipant(role=Role.ML.value, person=slot.advisor, partner=slot.partner)
        )
    if rng.random() < 0.5:
        interview.participants.append(
            InterviewParticipant(role=Role.PP.value, person=rng.choice(directory["staff"][6:]))
        )
    if rng.random() < 0.3:
        interview.participants.append(InterviewParticipant(role=Role.BDE.value, person=directory["staff"][3]))


def _pathway(session, campaign, youth, held, slot, directory, rng, timeline: Timeline) -> int:
    start = max(campaign.rentree, weekday_on_or_after(held + dt.timedelta(days=rng.randint(2, 10))))
    if not timeline.happened(start):
        return 0  # engaged: the pathway starts later
    end = campaign.latest_end
    entered_in_siecle = start + dt.timedelta(days=3)
    pathway = Pathway(
        youth=youth,
        mef_code=scheme_of(campaign).mef_for_diploma(youth.schooling.diploma),
        start_date=start,
        planned_end=end,
        siecle_entered=timeline.happened(entered_in_siecle),
        siecle_entered_on=entered_in_siecle if timeline.happened(entered_in_siecle) else None,
        referent=directory["staff"][0],
        mission_locale=slot.partner,
        created_at=moment(held + dt.timedelta(days=1), 10),
    )
    _modules(pathway, start, end, slot.partner, directory["companies"], rng)
    session.add(pathway)
    _follow_ups(session, youth, start, end, rng, timeline)
    _ending(session, youth, pathway, start, end, rng, timeline)
    return 1


def _modules(pathway: Pathway, start: dt.date, end: dt.date, mission: Partner, companies: list, rng) -> None:
    days = (end - start).days + 1
    shape = weighted(rng, [("single", 55), ("ml_pfmp", 25), ("partner3", 20)])
    company = rng.choice(companies)
    if shape == "single":
        kind = rng.choice((ModuleType.IMMERSION_CLASSE, ModuleType.PFMP, ModuleType.ACCOMPAGNEMENT_ML))
        if kind is ModuleType.PFMP:  # PFMP ≤ 2/3 of the pathway even alone
            pathway.modules.append(
                _module(kind, start, start + dt.timedelta(days=days * 3 // 5), company, rng)
            )
        else:
            carrier = mission if kind is ModuleType.ACCOMPAGNEMENT_ML else None
            pathway.modules.append(_module(kind, start, end, carrier, rng))
        return
    pathway.modules.append(_module(ModuleType.ACCOMPAGNEMENT_ML, start, end, mission, rng))
    pfmp_start = start + dt.timedelta(days=14)
    pathway.modules.append(
        _module(ModuleType.PFMP, pfmp_start, pfmp_start + dt.timedelta(days=34), company, rng)
    )
    if shape == "partner3":
        pathway.modules.append(
            _module(ModuleType.IMMERSION_CLASSE, start, start + dt.timedelta(days=13), None, rng)
        )


def _follow_ups(session, youth: Youth, start: dt.date, end: dt.date, rng, timeline: Timeline) -> None:
    """A point every three weeks; under way, the latest one done names the next, due on its day."""
    latest = None
    for week in range(1, 4):
        on = weekday_on_or_after(start + dt.timedelta(days=21 * week))
        if on >= end:
            continue
        kind = rng.choice(
            (FollowUpKind.POINT_ETAPE, FollowUpKind.APPEL, FollowUpKind.VISITE_ENTREPRISE)
        ).value
        if not timeline.happened(on):
            if latest is not None and latest.due_on is None:
                latest.next_action = "Prochain point d'étape"
                latest.due_on = on
            continue
        latest = FollowUpEvent(
            youth=youth, on=on, kind=kind, note="Point sur l'assiduité et les démarches.", done_on=on
        )
        session.add(latest)
    if rng.random() < 0.2:
        on = weekday_on_or_after(start + dt.timedelta(days=30))
        half_days, justified = rng.randint(1, 6), rng.random() < 0.5
        if timeline.happened(on):
            session.add(
                FollowUpEvent(
                    youth=youth,
                    on=on,
                    kind=FollowUpKind.ABSENCE.value,
                    absence_half_days=half_days,
                    absence_justified=justified,
                )
            )


def _ending(session, youth: Youth, pathway: Pathway, start, end, rng, timeline: Timeline) -> None:
    """The abandonment (41 %) and the exit, each only once its day has come."""
    days = (end - start).days + 1
    abandons = rng.random() < 0.41
    if abandons:
        abandoned = start + dt.timedelta(days=rng.randint(15, max(16, days - 10)))
        reason = rng.choice(
            ("A trouvé un emploi saisonnier", "Ne se présente plus", "Déménagement", "Raisons personnelles")
        )
        if timeline.happened(abandoned):
            pathway.abandoned_on = abandoned
            pathway.actual_end = abandoned
            pathway.abandon_reason = reason
        exit_on = abandoned
    else:
        if timeline.happened(end):
            pathway.actual_end = end
        exit_on = end
    if rng.random() < (0.75 if abandons else 0.95):
        category = weighted(
            rng,
            [
                (ExitCategory.RETOUR_FORMATION, 45),
                (ExitCategory.EMPLOI, 30),
                (ExitCategory.ACCOMPAGNEMENT_ML, 15),
                (ExitCategory.AUTRE, 10),
            ],
        )
        detail = rng.choice(EXIT_DETAILS[category])
        if timeline.happened(exit_on):
            session.add(Exit(youth=youth, on=exit_on, category=category.value, detail=detail.value))


def _module(kind: ModuleType, start: dt.date, end: dt.date, carrier: Partner | None, rng) -> PathwayModule:
    return PathwayModule(
        module_type=kind.value,
        label=kind.label,
        carrier=carrier,
        place=carrier.city if carrier is not None else "Au lycée",
        start_date=start,
        end_date=end,
        weekly_hours=rng.choice((12.0, 20.0, 35.0))
        if kind is ModuleType.PFMP
        else rng.choice((4.0, 6.0, 8.0)),
        tutor="Tuteur désigné par l'entreprise" if kind is ModuleType.PFMP else "",
        convention_ref=f"CONV-{rng.randint(1000, 9999)}" if kind is ModuleType.PFMP else "",
    )
