"""The demo's PFMP as the office would find them: companies with a SIRET, days done recorded for the periods
ended by the demo's today (a few not yet), so that the allowance's screen and export have something to show.

Deterministic without the demo's random generator (drawing from it would move every later fact of the demo).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core.models import Partner, Pathway, PathwayModule
from pae_desktop.core.vocabulary import ModuleType, PartnerType


def luhn_completed(digits: str) -> str:
    """`digits` followed by the one digit that makes the whole pass the Luhn check (SIREN, SIRET)."""
    for last in "0123456789":
        total = 0
        for index, char in enumerate(reversed(digits + last)):
            n = int(char) * (2 if index % 2 else 1)
            total += n - 9 if n > 9 else n
        if total % 10 == 0:
            return digits + last
    raise AssertionError("unreachable")


def demo_siret(number: int) -> str:
    """A SIRET of valid keys (its SIREN's and its own) for the demo's company `number`."""
    siren = luhn_completed(f"{84 + number % 7}{number * 7919 % 1_000_000:06d}")
    return luhn_completed(f"{siren}{number % 9 + 1:04d}")


def _weekdays(start: dt.date, end: dt.date) -> int:
    return sum(1 for n in range((end - start).days + 1) if (start + dt.timedelta(days=n)).weekday() < 5)


def record_pfmp_facts(session: Session, today: dt.date) -> None:
    """SIRETs for the demo's companies (the last one left to complete) and the days done of ended PFMP."""
    companies = session.scalars(
        select(Partner).where(Partner.type == PartnerType.ENTREPRISE.value).order_by(Partner.id)
    ).all()
    for number, company in enumerate(companies[:-1], start=1):
        company.siret = demo_siret(number)
    modules = session.execute(
        select(PathwayModule, Pathway.abandoned_on)
        .join(Pathway, PathwayModule.pathway_id == Pathway.id)
        .where(PathwayModule.module_type == ModuleType.PFMP.value, PathwayModule.end_date < today)
        .order_by(PathwayModule.id)
    ).all()
    for module, abandoned_on in modules:
        if module.id % 7 == 0:
            continue  # the company's attendance sheet is not back yet
        end = min(module.end_date, abandoned_on) if abandoned_on else module.end_date
        if end >= module.start_date:
            module.days_done = max(0, _weekdays(module.start_date, end) - module.id % 3)
