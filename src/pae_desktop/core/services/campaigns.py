"""Campaigns: one per rentrée year N, with its dates (domain.md §3) and its scheme (§1), all editable."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core import scheme as schemes
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign, GeneratedDocument, Youth
from pae_desktop.core.operations import CAMPAIGNS, CONTACTS, PHASE1, YOUTHS, Changes, changes, load_for_update
from pae_desktop.core.operations.saved import saved
from pae_desktop.core.scheme import Scheme, default_scheme, scheme_of, store_scheme

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


CAMPAIGN_GONE = "Cette campagne n'existe plus."
_DATE_FIELDS = ("census_cutoff", "rentree", "interview_deadline", "latest_end")


def update_campaign_dates(
    session: Session, campaign: Campaign | int, dates: CampaignDates, version: int | None = None
) -> Changes:
    """Change a campaign's dates (the form loaded it at `version`: a stale save is refused); each changed
    date is audited."""
    campaign_id = campaign if isinstance(campaign, int) else campaign.id
    campaign = load_for_update(session, Campaign, campaign_id, version, CAMPAIGN_GONE)
    if dates.year != campaign.year:
        raise UserError("L'année d'une campagne ne se modifie pas : créez une autre campagne.")
    problems = dates.errors()
    if problems:
        raise UserError("\n".join(problems))
    changed = False
    for field in _DATE_FIELDS:
        old, new = getattr(campaign, field), getattr(dates, field)
        if old != new:
            audit.record(session, "update", "campaign", campaign.id, field=field, old=old, new=new)
            setattr(campaign, field, new)
            changed = True
    session.flush()
    # the interview target date is counted down on «Accueil»
    return saved("campaign", campaign, CAMPAIGNS, CONTACTS, YOUTHS) if changed else changes()


def campaign_dates(campaign: Campaign) -> CampaignDates:
    return CampaignDates(
        campaign.year,
        campaign.census_cutoff,
        campaign.rentree,
        campaign.interview_deadline,
        campaign.latest_end,
    )


# --- the scheme of a campaign (domain §1) ------------------------------------------------------------------

# The widths of the campaign's scheme columns (models.Campaign): a longer value is refused, never cut.
_MAX_LENGTHS = (
    ("Le nom du dispositif", "name", 100),
    ("Le nom de la phase 1", "phase1_name", 100),
)
_MEF_MAX_LENGTHS = (("code", 10), ("short", 50), ("label", 200))
_MEF_FIELD_NAMES = {
    "code": "Le code MEF",
    "short": "Le libellé court du MEF",
    "label": "Le libellé long du MEF",
}


def known_mef_codes() -> frozenset[str]:
    """The codes a campaign's MEF may take without a warning: every MEF of the bundled national tables and
    every code the scheme ever had."""
    from pae_desktop.core.census import national_mefs

    return frozenset(national_mefs()) | schemes.ALL_SCHEME_CODES


def scheme_codes_in_use(session: Session) -> frozenset[str]:
    """The codes under which a student is «already in the scheme»: every code the scheme ever had and every
    code a campaign of this database was given."""
    from pae_desktop.core.census import mef10

    stored = session.execute(select(Campaign.mef_n3, Campaign.mef_n4)).all()
    return schemes.ALL_SCHEME_CODES | {mef10(code) for row in stored for code in row if code and code.strip()}


def scheme_errors(scheme: Scheme) -> list[str]:
    """`core.scheme.errors` and the widths the database holds: saving such a scheme is refused."""
    problems = schemes.errors(scheme)
    for label, attribute, limit in _MAX_LENGTHS:
        if len(getattr(scheme, attribute).strip()) > limit:
            problems.append(f"{label} compte {limit} caractères au plus.")
    for level, mef in (("3", scheme.n3), ("4", scheme.n4)):
        for attribute, limit in _MEF_MAX_LENGTHS:
            value = getattr(mef, attribute).strip()
            if len(value) > limit:
                what = _MEF_FIELD_NAMES[attribute]
                shown = f" « {value} »" if attribute == "code" else ""
                problems.append(f"{what} de niveau {level}{shown} compte {limit} caractères au plus.")
    return problems


def scheme_warnings(scheme: Scheme) -> list[str]:
    """Codes saved with a warning that names them (not 10 digits, in no bundled national table)."""
    return schemes.code_warnings(scheme, known_mef_codes())


def printed_documents(session: Session, campaign: Campaign) -> int:
    """How many documents were printed for youths of the campaign: they keep the values they were printed with."""
    return (
        session.scalar(
            select(func.count(GeneratedDocument.id))
            .join(Youth, Youth.id == GeneratedDocument.youth_id)
            .where(Youth.campaign_id == campaign.id)
        )
        or 0
    )


def update_campaign_scheme(session: Session, year: int, scheme: Scheme, version: int | None = None) -> Changes:
    """Give campaign `year` this scheme (name, phase 1, codes and labels); the `Changes` carry the warnings
    to show.

    Refused (UserError, nothing written) when the scheme is unusable or the campaign changed since the form
    loaded it at `version`; every changed value is audited.
    """
    campaign = load_for_update(session, Campaign, require_campaign(session, year).id, version, CAMPAIGN_GONE)
    problems = scheme_errors(scheme)
    if problems:
        raise UserError("\n".join(problems))
    before = schemes.stored_values(scheme_of(campaign))
    store_scheme(campaign, scheme)
    after = schemes.stored_values(scheme_of(campaign))
    for column, old in before.items():
        if after[column] != old:
            audit.record(session, "update", "campaign", campaign.id, field=column, old=old, new=after[column])
    session.flush()
    warnings = scheme_warnings(scheme)
    if after == before:
        return changes(warnings=warnings)
    # the scheme's name and phase 1 show on the caseload, phase 1 and every document
    return saved("campaign", campaign, CAMPAIGNS, YOUTHS, PHASE1, warnings=warnings)
