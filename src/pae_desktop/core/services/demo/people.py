"""The demonstration school's people: its classes, its directory of partners and staff, its students."""

from __future__ import annotations

import datetime as dt
import random

from faker import Faker
from sqlalchemy.orm import Session

from pae_desktop.core.identity import mod23_letter, normalise_phone, rnie_key
from pae_desktop.core.models import (
    Campaign,
    LegalRepresentative,
    OriginalSchooling,
    Partner,
    Person,
    School,
    Youth,
)
from pae_desktop.core.services.youths import pseudonym, youth_search_key
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import ExamResult, ParentLink, PartnerType, PersonRole

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


# What each demo company does, in the words a pathway proposal matches against the trades a youth seeks
# (`core.partner_match`): one company per speciality of the demo's classes.
COMPANY_TRADES = (
    "Restauration traditionnelle : cuisine, commis de cuisine.",
    "Commerce de proximité : équipier de commerce, mise en rayon, caisse.",
    "Maçonnerie générale et gros œuvre.",
    "Électricité du bâtiment, installations connectées.",
    "Services à la personne : accompagnement, soins, aide à domicile.",
    "Magasin spécialisé : vente, conseil client.",
    "Garage : maintenance des véhicules, mécanique automobile.",
    "Atelier de menuiserie et d'ébénisterie.",
)


def weighted(rng: random.Random, pairs: list[tuple[object, float]]):
    items, weights = zip(*pairs, strict=True)
    return rng.choices(items, weights=weights, k=1)[0]


def rnie(rng: random.Random) -> str:
    digits = f"{rng.randrange(10**8, 10**9):09d}"
    return digits + rnie_key(digits)


def mobile(rng: random.Random) -> str:
    return f"0{rng.choice('67')} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)} {rng.randint(10, 99)}"


def at(day: dt.date, rng: random.Random, start_hour: int = 9, end_hour: int = 17) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(rng.randint(start_hour, end_hour - 1), rng.choice((0, 15, 30, 45)))
    )


def moment(day: dt.date, hour: int = 8) -> dt.datetime:
    """A record's creation time on the day its fact happened: the database is the same on every run."""
    return dt.datetime.combine(day, dt.time(hour))


def weekday_on_or_after(day: dt.date) -> dt.date:
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def demo_school(rng: random.Random, set_up_on: dt.date) -> School:
    return School(
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
        created_at=moment(set_up_on),
    )


def new_person(fake: Faker, rng: random.Random, role: PersonRole, partner: Partner | None = None) -> Person:
    return Person(
        last_name=fake.last_name(),
        first_name=fake.first_name(),
        role=role.value,
        partner=partner,
        phone=mobile(rng),
        email=fake.email(),
    )


def directory(session: Session, fake: Faker, rng: random.Random) -> dict[str, list]:
    def person(role: PersonRole, partner: Partner | None = None) -> Person:
        return new_person(fake, rng, role, partner)

    missions = [
        Partner(name="Mission locale du Grand Nancy", type=PartnerType.MISSION_LOCALE.value, city="Nancy"),
        Partner(name="Mission locale Terres de Lorraine", type=PartnerType.MISSION_LOCALE.value, city="Toul"),
    ]
    companies = [
        Partner(
            name=f"{fake.company()}", type=PartnerType.ENTREPRISE.value, city=fake.city(), siret="", notes=trade
        )
        for trade in COMPANY_TRADES
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


def youths(
    session: Session,
    campaign: Campaign,
    school: School,
    fake: Faker,
    rng: random.Random,
    count: int,
    known_since: dt.date,
    results_known: bool,
) -> list[Youth]:
    """The campaign's terminale students, in the file since `known_since` (the census, or the start of phase 1);
    their exam result is «Non renseigné» until the results are out."""
    weights = [(c, c[4]) for c in CLASSES]
    created = moment(known_since)
    people = []
    for _ in range(count):
        division, diploma, speciality, mef, _w = weighted(rng, weights)
        sex = rng.choice("FM")
        first = fake.first_name_female() if sex == "F" else fake.first_name_male()
        last = fake.last_name()
        age = rng.choices((17, 18, 19, 20, 21), weights=(25, 40, 20, 10, 5))[0]
        birth = dt.date(campaign.year - age, rng.randint(1, 12), rng.randint(1, 28))
        phone = normalise_phone(mobile(rng)) if rng.random() < 0.92 else normalise_phone("")
        youth = Youth(
            campaign=campaign,
            pseudonym="",
            ine=rnie(rng) if rng.random() < 0.97 else "",
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
            created_at=created,
            updated_at=created,
            schooling=OriginalSchooling(
                diploma=diploma,
                speciality=speciality,
                mef_code=mef,
                division=division,
                school_year=campaign.year - 1,
                exam_result=_exam_result(rng, results_known),
                detected_by="mefstat",
            ),
        )
        youth.search_key = youth_search_key(youth)
        _representatives(youth, campaign, birth, fake, rng)
        people.append(youth)
    session.add_all(people)
    session.flush()
    for youth in people:
        youth.pseudonym = pseudonym(school.secret, youth.ine, youth.id)
    return people


def _exam_result(rng: random.Random, results_known: bool) -> str:
    drawn = weighted(
        rng,
        [
            (ExamResult.ADMIS.value, 74),
            (ExamResult.AJOURNE.value, 18),
            (ExamResult.ABSENT.value, 5),
            (ExamResult.EN_ATTENTE.value, 1),
            (ExamResult.INCONNU.value, 2),
        ],
    )
    return drawn if results_known else ExamResult.INCONNU.value


def _representatives(
    youth: Youth, campaign: Campaign, birth: dt.date, fake: Faker, rng: random.Random
) -> None:
    minor = (campaign.rentree - birth).days < 18 * 365.25
    representatives = 0 if not minor and rng.random() < 0.5 else (2 if rng.random() < 0.6 else 1)
    for rank in range(1, representatives + 1):
        link = ParentLink.MERE if rank == 1 else ParentLink.PERE
        rep_phone = normalise_phone(mobile(rng))
        youth.representatives.append(
            LegalRepresentative(
                rank=rank,
                last_name=youth.last_name if rng.random() < 0.8 else fake.last_name().upper(),
                first_name=fake.first_name_female() if link is ParentLink.MERE else fake.first_name_male(),
                civility="Mme" if link is ParentLink.MERE else "M.",
                link=link.value,
                phone=rep_phone.normalised,
                phone_raw=rep_phone.raw,
                address=youth.address,
                postal_code=youth.postal_code,
                city=youth.city,
            )
        )
