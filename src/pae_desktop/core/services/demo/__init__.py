"""A fictional lycée professionnel as a referent would find it on a given day: the last closed campaign and the
current one, in the proportions of the académie's 2023 funnel.

The current campaign on a date (`current_demo_year`): from 1 June, the campaign of the year's rentrée (census,
contacts, interviews, pathways until 31 December); before June, the year's campaign as well when it has a
phase 1 «AvenirPro» (its workshops run from October of the year before), else last year's, closed, whose report
is being written. Every fact is dated on or before that day; the same seed and day give the same database.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from faker import Faker
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from pae_desktop.core import settings
from pae_desktop.core.dates import french_date
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign, Youth
from pae_desktop.core.scheme import default_scheme, scheme_of
from pae_desktop.core.services.campaigns import MIN_YEAR, CampaignDates, create_campaign
from pae_desktop.core.services.demo import funnel, people
from pae_desktop.core.services.demo.pfmp import record_pfmp_facts
from pae_desktop.core.services.demo.phase1 import record_phase1
from pae_desktop.core.services.school import get_school

RESULTS_DAY = (7, 4)  # early July: the exam results (domain §3)
LATE_WEEKS = 2  # a campaign under way shows youths reached in its last two weeks


@dataclass(frozen=True)
class DemoCampaign:
    year: int
    students: int
    pathways: int
    closed: bool  # its 31 December is past


@dataclass(frozen=True)
class DemoSummary:
    today: dt.date
    campaigns: tuple[DemoCampaign, ...]

    @property
    def year(self) -> int:
        """The current campaign: the one the window opens on."""
        return self.campaigns[-1].year

    @property
    def students(self) -> int:
        return sum(campaign.students for campaign in self.campaigns)

    @property
    def pathways(self) -> int:
        return sum(campaign.pathways for campaign in self.campaigns)


def current_demo_year(today: dt.date) -> int:
    """The campaign a referent is running on `today` (see the module's docstring)."""
    if today.month >= 6 or default_scheme(today.year).has_phase1:
        return today.year
    return today.year - 1


def demo_years(today: dt.date) -> tuple[int, int]:
    """The last closed campaign and the current one."""
    current = current_demo_year(today)
    return current - 1, current


def known_since(year: int) -> dt.date:
    """When the campaign's youths enter the file: the start of phase 1 (October of the year before) when the
    campaign has one, else the census (1 June)."""
    return dt.date(year - 1, 10, 1) if default_scheme(year).has_phase1 else dt.date(year, 6, 1)


def generate_demo(
    session: Session,
    students: int = 150,
    seed: int = 0,
    year: int | None = None,
    today: dt.date | None = None,
) -> DemoSummary:
    """Fill an empty database with the demonstration school as it stands on `today` (default: today): the last
    closed campaign and the current one, `students` youths each; with `year`, that campaign alone."""
    if (
        get_school(session) is not None
        or session.scalars(select(Campaign.id).limit(1)).first() is not None
    ):
        raise UserError(
            "La base contient déjà des données : la démonstration ne s'installe que dans une base vide."
        )
    today = today or dt.date.today()
    years = _checked_years(today, year)
    rng = random.Random(seed)
    fake = Faker("fr_FR")
    fake.seed_instance(seed)

    school = people.demo_school(rng, set_up_on=known_since(years[0]) - dt.timedelta(days=14))
    session.add(school)
    campaigns = [create_campaign(session, CampaignDates.defaults(y)) for y in years]
    for campaign in campaigns:
        campaign.created_at = people.moment(known_since(campaign.year))
    settings.put(session, settings.UNREACHABLE_AFTER, 3)
    directory = people.directory(session, fake, rng)
    built = tuple(
        _campaign(session, campaign, school, directory, fake, rng, students, today) for campaign in campaigns
    )
    session.flush()
    record_pfmp_facts(session, today)
    # Facts recorded after a youth was first written set its «modified» time to the clock's: the demo's own.
    session.execute(
        update(Youth).values(updated_at=Youth.created_at).execution_options(synchronize_session=False)
    )
    return DemoSummary(today, built)


def _checked_years(today: dt.date, year: int | None) -> tuple[int, ...]:
    if year is None:
        years = demo_years(today)
        if years[0] < MIN_YEAR:
            raise UserError(
                f"La démonstration commence à la campagne {MIN_YEAR} : choisissez une date à partir du "
                f"{french_date(dt.date(MIN_YEAR + 1, 6, 1))}."
            )
        return years
    if MIN_YEAR <= year and today < known_since(year):
        latest = today.year + 1
        while known_since(latest) > today:
            latest -= 1
        raise UserError(
            f"La campagne {year} n'a pas encore commencé le {french_date(today)} : choisissez une année "
            f"jusqu'à {latest}."
        )
    return (year,)


def _campaign(session, campaign, school, directory, fake, rng, students: int, today: dt.date) -> DemoCampaign:
    """One campaign's youths and facts, as on `today`."""
    late_from = None
    if campaign.interview_deadline + dt.timedelta(weeks=LATE_WEEKS) < today < campaign.latest_end:
        late_from = max(
            today - dt.timedelta(weeks=LATE_WEEKS), campaign.interview_deadline + dt.timedelta(days=11)
        )
    timeline = funnel.Timeline(today, late_from)
    slots = funnel.slots(session, campaign, directory, rng, timeline)
    results_known = today >= dt.date(campaign.year, *RESULTS_DAY)
    youths = people.youths(
        session, campaign, school, fake, rng, students, known_since(campaign.year), results_known
    )
    if scheme_of(campaign).has_phase1:
        record_phase1(session, campaign, youths, directory, fake, rng, timeline)
    funnel.information(session, campaign, youths, rng, timeline)
    pathways = funnel.campaign_facts(session, campaign, youths, slots, directory, rng, timeline)
    return DemoCampaign(campaign.year, students, pathways, closed=campaign.latest_end < today)
