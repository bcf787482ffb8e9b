"""A fictional lycée professionnel with a whole campaign, in the proportions of the académie's 2023 funnel.

Same seed, same database. Every fact is dated in the past, and youths reach every stage, exits included.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from itertools import islice

from faker import Faker
from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.identity import mod23_letter, normalise_phone, rnie_key
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
    LegalRepresentative,
    OriginalSchooling,
    Partner,
    Pathway,
    PathwayModule,
    Person,
    School,
    SlotBooking,
    Youth,
)
from pae_desktop.core.services.campaigns import CampaignDates, create_campaign
from pae_desktop.core.services.school import get_school
from pae_desktop.core.services.youths import pseudonym, youth_search_key
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import (
    EXIT_DETAILS,
    Barrier,
    ContactChannel,
    ContactResult,
    Decision,
    ExamResult,
    ExitCategory,
    FollowUpKind,
    InformationKind,
    ModuleType,
    NextStep,
    ParentLink,
    PartnerType,
    PersonRole,
    Project,
    Role,
)

# (division, diploma, speciality, MEF code, weight)
CLASSES = (
    ("TCAP-CUI", "CAP", "Cuisine", "24122146220", 3),
    ("TCAP-EPC", "CAP", "Équipier polyvalent du commerce", "24131224220", 3),
    ("TCAP-MBC", "CAP", "Maçon", "24123220220", 2),
    ("TBP-MELEC", "BAC_PRO", "Métiers de l'électricité et de ses environnements connectés", "24725520330", 3),
    ("TBP-ASSP", "BAC_PRO", "Accompagnement, soins et services à la personne", "24733007330", 3),
    ("TBP-MCV", "BAC_PRO", "Métiers du commerce et de la vente", "24731221330", 3),
    ("TBP-MV", "BAC_PRO", "Maintenance des véhicules", "24725204330", 2),
    ("TBMA-EB", "BMA", "Ébéniste", "25122012220", 1),
)


@dataclass(frozen=True)
class DemoSummary:
    year: int
    students: int
    pathways: int


def default_demo_year(today: dt.date) -> int:
    """The latest campaign whose 31 December is past."""
    return today.year - 1


def _weighted(rng: random.Random, pairs: list[tuple[object, float]]):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def _rnie(rng: random.Random) -> str:
    digits = f"{rng.randrange(10**8, 10**9):09d}"
    return digits + rnie_key(digits)


def _mobile(rng: random.Random) -> str:
    return f"0{rng.choice('67')} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def _at(day: dt.date, rng: random.Random, start_hour: int = 9, end_hour: int = 17) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(rng.randint(start_hour, end_hour - 1), rng.choice((0, 15, 30, 45)))
    )


def _weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def generate_demo(
    session: Session,
    students: int = 150,
    seed: int = 0,
    year: int | None = None,
    today: dt.date | None = None,
) -> DemoSummary:
    if (
        get_school(session) is not None
        or session.scalars(select(Campaign.id).limit(1)).first() is not None
    ):
        raise UserError(
            "La base contient déjà des données : la démonstration ne s'installe que dans une base vide."
        )
    today = today or dt.date.today()
    year = year or default_demo_year(today)
    if dt.date(year, 12, 31) >= today:
        raise UserError(
            f"La campagne de démonstration doit être terminée : choisissez une année avant {today.year}."
        )
    rng = random.Random(seed)
    fake = Faker("fr_FR")
    fake.seed_instance(seed)

    school = School(
        name="Lycée professionnel Jean-Prouvé (démonstration)",
        uai="0549999" + mod23_letter("0549999"),
        address="12 rue des Ateliers",
        postal_code="54000",
        city="Nancy",
        phone="03 83 00 00 00",
        email="ce.0549999@ac-demo.fr",
        head_name="Mme Claire Martin",
        head_title="Proviseure",
        secret=rng.randbytes(32),  # the same seed gives the same database, pseudonyms included
        is_demo=True,
    )
    session.add(school)
    campaign = create_campaign(session, CampaignDates.defaults(year))
    settings.put(session, settings.UNREACHABLE_AFTER, 3)

    directory = _directory(session, fake, rng)
    slots = _slots(session, campaign, directory, rng)
    youths = _youths(session, campaign, school, fake, rng, students)
    _information(session, campaign, youths, rng)
    pathways = _campaign_facts(session, campaign, youths, slots, directory, rng)
    session.flush()
    return DemoSummary(year, students, pathways)


def _directory(session: Session, fake: Faker, rng: random.Random) -> dict[str, list]:
    def person(role: PersonRole, partner: Partner | None = None) -> Person:
        return Person(
            last_name=fake.last_name(),
            first_name=fake.first_name(),
            role=role.value,
            partner=partner,
            phone=_mobile(rng),
            email=fake.email(),
        )

    missions = [
        Partner(name="Mission locale du Grand Nancy", type=PartnerType.MISSION_LOCALE.value, city="Nancy"),
        Partner(name="Mission locale Terres de Lorraine", type=PartnerType.MISSION_LOCALE.value, city="Toul"),
    ]
    companies = [
        Partner(name=f"{fake.company()}", type=PartnerType.ENTREPRISE.value, city=fake.city(), siret="")
        for _ in range(8)
    ]
    others = [
        Partner(name="France Travail Nancy Nord", type=PartnerType.FRANCE_TRAVAIL.value, city="Nancy"),
        Partner(name="CFA des métiers de Meurthe-et-Moselle", type=PartnerType.CFA.value, city="Laxou"),
        Partner(name="GRETA Lorraine Centre", type=PartnerType.GRETA.value, city="Nancy"),
        Partner(name="MLDS du bassin de Nancy", type=PartnerType.MLDS.value, city="Nancy"),
        Partner(name="Association Mobilité 54", type=PartnerType.ASSOCIATION.value, city="Nancy"),
    ]
    session.add_all(missions + companies + others)
    advisors = [person(PersonRole.ML, ml) for ml in missions for _ in range(2)]
    staff = [
        person(PersonRole.RDS),
        person(PersonRole.CPE),
        person(PersonRole.DDFPT),
        person(PersonRole.BDE),
        person(PersonRole.PSYEN),
        person(PersonRole.CMLDS, others[3]),
    ] + [person(PersonRole.PP) for _ in range(4)]
    tutors = [person(PersonRole.TUTEUR, company) for company in companies]
    session.add_all(advisors + staff + tutors)
    return {
        "missions": missions,
        "companies": companies,
        "others": others,
        "advisors": advisors,
        "staff": staff,
    }


def _slots(session: Session, campaign: Campaign, directory: dict, rng: random.Random) -> list[InterviewSlot]:
    """Every 45 minutes, 9h to 12h and 14h to 16h30, on weekdays from 28 August to the target date + 10 days."""
    slots = []
    day = dt.date(campaign.year, 8, 28)
    last = campaign.interview_deadline + dt.timedelta(days=10)
    while day <= last:
        if day.weekday() < 5:
            for index, advisor in enumerate(directory["advisors"]):
                if (day.toordinal() + index) % 2:
                    continue
                for start in ("09:00", "09:45", "10:30", "11:15", "14:00", "14:45", "15:30"):
                    hour, minute = map(int, start.split(":"))
                    slots.append(
                        InterviewSlot(
                            campaign=campaign,
                            starts_at=dt.datetime.combine(day, dt.time(hour, minute)),
                            duration_minutes=45,
                            place=rng.choice(("Au lycée, salle 104", f"{advisor.partner.name}, accueil")),
                            partner=advisor.partner,
                            advisor=advisor,
                        )
                    )
        day += dt.timedelta(days=1)
    session.add_all(slots)
    return slots


def _youths(
    session: Session, campaign: Campaign, school: School, fake: Faker, rng: random.Random, count: int
) -> list[Youth]:
    weights = [(c, c[4]) for c in CLASSES]
    youths = []
    for _ in range(count):
        division, diploma, speciality, mef, _w = _weighted(rng, weights)
        sex = rng.choice("FM")
        first = fake.first_name_female() if sex == "F" else fake.first_name_male()
        last = fake.last_name()
        age = rng.choices((17, 18, 19, 20, 21), weights=(25, 40, 20, 10, 5))[0]
        birth = dt.date(campaign.year - age, rng.randint(1, 12), rng.randint(1, 28))
        phone = normalise_phone(_mobile(rng)) if rng.random() < 0.92 else normalise_phone("")
        youth = Youth(
            campaign=campaign,
            pseudonym="",
            ine=_rnie(rng) if rng.random() < 0.97 else "",
            siecle_id=str(rng.randint(100000, 999999)),
            last_name=last.upper(),
            first_names=first + (f" {fake.first_name()}" if rng.random() < 0.3 else ""),
            sex=sex,
            birth_date=birth,
            phone=phone.normalised,
            phone_raw=phone.raw,
            email=f"{fold(first)}.{fold(last)}@example.org".replace(" ", "") if rng.random() < 0.7 else "",
            address=fake.street_address(),
            postal_code=fake.postcode(),
            city=fake.city(),
            boursier=rng.random() < 0.45,
            schooling=OriginalSchooling(
                diploma=diploma,
                speciality=speciality,
                mef_code=mef,
                division=division,
                school_year=campaign.year - 1,
                exam_result=_weighted(
                    rng,
                    [
                        (ExamResult.ADMIS.value, 74),
                        (ExamResult.AJOURNE.value, 18),
                        (ExamResult.ABSENT.value, 5),
                        (ExamResult.EN_ATTENTE.value, 1),
                        (ExamResult.INCONNU.value, 2),
                    ],
                ),
                detected_by="mefstat",
            ),
        )
        youth.search_key = youth_search_key(youth)
        minor = (campaign.rentree - birth).days < 18 * 365.25
        representatives = 0 if not minor and rng.random() < 0.5 else (2 if rng.random() < 0.6 else 1)
        for rank in range(1, representatives + 1):
            link = ParentLink.MERE if rank == 1 else ParentLink.PERE
            rep_phone = normalise_phone(_mobile(rng))
            youth.representatives.append(
                LegalRepresentative(
                    rank=rank,
                    last_name=last.upper() if rng.random() < 0.8 else fake.last_name().upper(),
                    first_name=fake.first_name_female()
                    if link is ParentLink.MERE
                    else fake.first_name_male(),
                    civility="Mme" if link is ParentLink.MERE else "M.",
                    link=link.value,
                    phone=rep_phone.normalised,
                    phone_raw=rep_phone.raw,
                    address=youth.address,
                    postal_code=youth.postal_code,
                    city=youth.city,
                )
            )
        youths.append(youth)
    session.add_all(youths)
    session.flush()
    for youth in youths:
        youth.pseudonym = pseudonym(school.secret, youth.ine, youth.id)
    return youths


def _information(session: Session, campaign: Campaign, youths: list[Youth], rng: random.Random) -> None:
    for division, *_ in CLASSES:
        if rng.random() < 0.85:
            session.add(
                InformationAction(
                    campaign=campaign,
                    on=_weekday_on_or_after(dt.date(campaign.year, 6, rng.randint(2, 20))),
                    kind=InformationKind.INFORMATION_COLLECTIVE.value,
                    division=division,
                    note="Présentation du parcours en classe avec le professeur principal.",
                )
            )
    results_day = InformationAction(
        campaign=campaign,
        on=_weekday_on_or_after(dt.date(campaign.year, 7, 4)),
        kind=InformationKind.REMISE_RESULTATS.value,
        note="Dépliant remis avec les relevés de notes.",
    )
    results_day.targets = [InformationTarget(youth_id=y.id) for y in youths if rng.random() < 0.3]
    session.add(results_day)


def _campaign_facts(
    session: Session,
    campaign: Campaign,
    youths: list[Youth],
    slots: list[InterviewSlot],
    directory: dict,
    rng: random.Random,
) -> int:
    """Walk each youth through the funnel: contact, interview, decision, pathway, abandonment, exit."""
    free_slots = sorted(slots, key=lambda s: s.starts_at)
    referent = directory["staff"][0]
    pathways = 0
    for youth in youths:
        contact_day = _weekday_on_or_after(dt.date(campaign.year, 8, rng.randint(22, 31)))
        fate = _weighted(
            rng,
            [
                ("never", 8),
                ("unreachable", 14),
                ("already", 8),
                ("refuses", 10),
                ("not_concerned", 3),
                ("contacted", 20),
                ("interview", 37),
            ],
        )
        if fate == "never":
            continue
        if fate == "unreachable":
            tries = rng.randint(3, 5)
            for attempt in range(tries):
                last = attempt == tries - 1  # the referent gave up: no recontact planned after the last one
                session.add(
                    ContactAttempt(
                        youth=youth,
                        at=_at(contact_day + dt.timedelta(days=3 * attempt), rng),
                        channel=rng.choice((ContactChannel.TELEPHONE, ContactChannel.SMS)).value,
                        result=rng.choice(
                            (
                                ContactResult.PAS_DE_REPONSE,
                                ContactResult.MESSAGE_LAISSE,
                                ContactResult.COORDONNEES_ERRONEES,
                            )
                        ).value,
                        next_step="" if last else NextStep.A_RELANCER.value,
                        next_date=None if last else contact_day + dt.timedelta(days=3 * attempt + 3),
                    )
                )
            continue
        if rng.random() < 0.4:  # a first failed call before reaching them
            session.add(
                ContactAttempt(
                    youth=youth,
                    at=_at(contact_day, rng),
                    channel=ContactChannel.TELEPHONE.value,
                    result=ContactResult.MESSAGE_LAISSE.value,
                    next_step=NextStep.A_RELANCER.value,
                    next_date=contact_day + dt.timedelta(days=2),
                )
            )
            contact_day = _weekday_on_or_after(contact_day + dt.timedelta(days=2))
        if fate == "not_concerned":
            youth.not_concerned_on = contact_day
            youth.not_concerned_reason = rng.choice(
                ("Poursuite d'études en BTS", "Contrat d'apprentissage signé")
            )
            continue
        result, next_step = {
            "already": (ContactResult.JOINT, NextStep.DEJA_EN_SOLUTION),
            "refuses": (ContactResult.JOINT, NextStep.REFUSE_ENTRETIEN),
            "contacted": (ContactResult.JOINT, None),
            "interview": (ContactResult.JOINT, NextStep.ENTRETIEN_PROPOSE),
        }[fate]
        if fate == "refuses" and rng.random() < 0.3:
            result, next_step = ContactResult.REFUS_ECHANGER, None
        session.add(
            ContactAttempt(
                youth=youth,
                at=_at(contact_day, rng),
                channel=rng.choice(
                    (ContactChannel.TELEPHONE, ContactChannel.TELEPHONE, ContactChannel.RENCONTRE)
                ).value,
                result=result.value,
                next_step=next_step.value if next_step else "",
                note="Jeune joint, situation expliquée." if result is ContactResult.JOINT else "",
            )
        )
        if fate != "interview":
            continue
        if rng.random() < 0.15:  # reached late, after the rentrée: some interviews miss the target date
            contact_day = _weekday_on_or_after(dt.date(campaign.year, 9, rng.randint(8, 18)))
        candidates = list(islice((s for s in free_slots if s.starts_at.date() > contact_day), 40))
        if not candidates:
            continue
        slot = rng.choice(candidates)
        free_slots.remove(slot)
        session.add(SlotBooking(slot=slot, youth=youth, booked_at=_at(contact_day, rng)))
        if rng.random() < 0.12:  # did not come: the slot stays booked, the interview is to record
            continue
        pathways += _interview_and_pathway(session, campaign, youth, slot, directory, referent, rng)
    return pathways


def _interview_and_pathway(session, campaign, youth, slot, directory, referent, rng) -> int:
    held = slot.starts_at.date()
    decision = _weighted(
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
        project=_weighted(rng, [(p.value, w) for p, w in zip(Project, (35, 25, 15, 25), strict=True)]),
        trades_sought=youth.schooling.speciality,
        area_sought="Métropole du Grand Nancy",
        proposals="Parcours combinant accompagnement Mission locale et stage en entreprise.",
        decision=decision.value if decision else "",
        decided_on=held if decision else None,
        refusal_reason="Souhaite travailler tout de suite" if decision is Decision.REFUS else "",
        notice_given_on=held,
    )
    interview.participants.append(InterviewParticipant(role=Role.RDS.value, person=referent))
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
    return _pathway(session, campaign, youth, held, slot, directory, referent, rng)


def _pathway(session, campaign, youth, held, slot, directory, referent, rng) -> int:
    start = max(campaign.rentree, _weekday_on_or_after(held + dt.timedelta(days=rng.randint(2, 10))))
    end = campaign.latest_end
    mef = "7034150211" if youth.schooling.diploma == "CAP" else "7044150111"
    pathway = Pathway(
        youth=youth,
        mef_code=mef,
        start_date=start,
        planned_end=end,
        siecle_entered=True,
        siecle_entered_on=start + dt.timedelta(days=3),
        referent=referent,
        mission_locale=slot.partner,
    )
    days = (end - start).days + 1
    shape = _weighted(rng, [("single", 55), ("ml_pfmp", 25), ("partner3", 20)])
    company = rng.choice(directory["companies"])
    if shape == "single":
        kind = rng.choice((ModuleType.IMMERSION_CLASSE, ModuleType.PFMP, ModuleType.ACCOMPAGNEMENT_ML))
        if kind is ModuleType.PFMP:  # PFMP ≤ 2/3 of the pathway even alone
            pathway.modules.append(
                _module(kind, start, start + dt.timedelta(days=days * 3 // 5), company, rng)
            )
        else:
            carrier = slot.partner if kind is ModuleType.ACCOMPAGNEMENT_ML else None
            pathway.modules.append(_module(kind, start, end, carrier, rng))
    else:
        pathway.modules.append(_module(ModuleType.ACCOMPAGNEMENT_ML, start, end, slot.partner, rng))
        pfmp_start = start + dt.timedelta(days=14)
        pathway.modules.append(
            _module(ModuleType.PFMP, pfmp_start, pfmp_start + dt.timedelta(days=34), company, rng)
        )
        if shape == "partner3":
            pathway.modules.append(
                _module(ModuleType.IMMERSION_CLASSE, start, start + dt.timedelta(days=13), None, rng)
            )
    session.add(pathway)
    for week in range(1, 4):
        on = _weekday_on_or_after(start + dt.timedelta(days=21 * week))
        if on < end:
            session.add(
                FollowUpEvent(
                    youth=youth,
                    on=on,
                    kind=rng.choice(
                        (FollowUpKind.POINT_ETAPE, FollowUpKind.APPEL, FollowUpKind.VISITE_ENTREPRISE)
                    ).value,
                    note="Point sur l'assiduité et les démarches.",
                    done_on=on,
                )
            )
    if rng.random() < 0.2:
        session.add(
            FollowUpEvent(
                youth=youth,
                on=_weekday_on_or_after(start + dt.timedelta(days=30)),
                kind=FollowUpKind.ABSENCE.value,
                absence_half_days=rng.randint(1, 6),
                absence_justified=rng.random() < 0.5,
            )
        )
    if rng.random() < 0.41:
        abandoned = start + dt.timedelta(days=rng.randint(15, max(16, days - 10)))
        pathway.abandoned_on = abandoned
        pathway.actual_end = abandoned
        pathway.abandon_reason = rng.choice(
            ("A trouvé un emploi saisonnier", "Ne se présente plus", "Déménagement", "Raisons personnelles")
        )
        exit_on = abandoned
    else:
        pathway.actual_end = end
        exit_on = end
    if rng.random() < (0.75 if pathway.abandoned_on else 0.95):
        category = _weighted(
            rng,
            [
                (ExitCategory.RETOUR_FORMATION, 45),
                (ExitCategory.EMPLOI, 30),
                (ExitCategory.ACCOMPAGNEMENT_ML, 15),
                (ExitCategory.AUTRE, 10),
            ],
        )
        detail = rng.choice(EXIT_DETAILS[category])
        session.add(Exit(youth=youth, on=exit_on, category=category.value, detail=detail.value))
    return 1


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
