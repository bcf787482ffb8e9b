"""Campaigns: one per rentrée year N, with its dates (domain.md §3), all editable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign
from pae_desktop.core.scheme import default_scheme, store_scheme

MIN_YEAR = 2023  # the scheme opened at the rentrée 2023
MAX_YEAR = 2100


@dataclass
class CampaignDates:
    year: int
    census_cutoff: dt.date
    rentree: dt.date
    interview_deadline: dt.date
    latest_end: dt.date

    @classmethod
    def defaults(cls, year: int) -> CampaignDates:
        return cls(
            year=year,
            census_cutoff=dt.date(year, 6, 1),
            rentree=dt.date(year, 9, 1),
            interview_deadline=dt.date(year, 9, 17),
            latest_end=dt.date(year, 12, 31),
        )

    def errors(self) -> list[str]:
        problems = []
        if not MIN_YEAR <= self.year <= MAX_YEAR:
            return [f"L'année de campagne doit être comprise entre {MIN_YEAR} et {MAX_YEAR}."]
        if self.census_cutoff.year != self.year:
            problems.append(f"La date de recensement doit tomber en {self.year}.")
        if self.rentree.year != self.year:
            problems.append(f"La rentrée de la campagne {self.year} doit tomber en {self.year}.")
        if self.interview_deadline < self.census_cutoff:
            problems.append("La date cible des entretiens ne peut précéder la date de recensement.")
        if self.latest_end <= self.rentree:
            problems.append("La fin au plus tard des parcours doit suivre la rentrée.")
        if self.latest_end.year > self.year + 1:
            problems.append("La fin au plus tard des parcours ne peut dépasser l'année suivant la rentrée.")
        return problems


def default_campaign_year(today: dt.date | None = None) -> int:
    """The campaign being prepared or run: from June on, this year's rentrée; before, last year's."""
    today = today or dt.date.today()
    return today.year if today.month >= 6 else today.year - 1


def get_campaign(session: Session, year: int | None = None) -> Campaign | None:
    """The campaign of rentrée `year`, or the most recent one."""
    if year is not None:
        return session.scalars(select(Campaign).where(Campaign.year == year)).first()
    return session.scalars(select(Campaign).order_by(Campaign.year.desc()).limit(1)).first()


def require_campaign(session: Session, year: int | None = None) -> Campaign:
    campaign = get_campaign(session, year)
    if campaign is None:
        if year is None:
            raise UserError("Aucune campagne dans la base : importez des élèves ou créez une campagne.")
        raise UserError(f"Aucune campagne {year} dans la base.")
    return campaign


def create_campaign(session: Session, dates: CampaignDates) -> Campaign:
    problems = dates.errors()
    if problems:
        raise UserError("\n".join(problems))
    if get_campaign(session, dates.year) is not None:
        raise UserError(f"La campagne {dates.year} existe déjà.")
    campaign = Campaign(
        year=dates.year,
        census_cutoff=dates.census_cutoff,
        rentree=dates.rentree,
        interview_deadline=dates.interview_deadline,
        latest_end=dates.latest_end,
    )
    store_scheme(campaign, default_scheme(dates.year))
    session.add(campaign)
    session.flush()
    return campaign


def ensure_campaign(session: Session, year: int) -> Campaign:
    return get_campaign(session, year) or create_campaign(session, CampaignDates.defaults(year))


def update_campaign_dates(session: Session, campaign: Campaign, dates: CampaignDates) -> None:
    if dates.year != campaign.year:
        raise UserError("L'année d'une campagne ne se modifie pas : créez une autre campagne.")
    problems = dates.errors()
    if problems:
        raise UserError("\n".join(problems))
    campaign.census_cutoff = dates.census_cutoff
    campaign.rentree = dates.rentree
    campaign.interview_deadline = dates.interview_deadline
    campaign.latest_end = dates.latest_end


def campaign_dates(campaign: Campaign) -> CampaignDates:
    return CampaignDates(
        campaign.year,
        campaign.census_cutoff,
        campaign.rentree,
        campaign.interview_deadline,
        campaign.latest_end,
    )
