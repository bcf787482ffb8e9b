"""What the main window reads before its first paint: the school's name and the campaigns.

Written with SQLAlchemy Core over the bare tables, so that the window shows without importing `core.models`:
declaring the 27 mapped classes and configuring them costs a quarter of a second, paid afterwards by the
background load of the lists. `tests/test_storage.py` checks these names against the models.
"""

from __future__ import annotations

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

SCHOOL = table("school", column("name"))
CAMPAIGN = table("campaign", column("id"), column("year"), column("phase1_name"))


def school_name(session: Session) -> str | None:
    """The school's name, None before it is set up."""
    return session.execute(select(SCHOOL.c.name).limit(1)).scalar()


def campaign_years(session: Session) -> list[tuple[int, int]]:
    """(id, year) of every campaign, the most recent first."""
    query = select(CAMPAIGN.c.id, CAMPAIGN.c.year).order_by(CAMPAIGN.c.year.desc())
    return [(row.id, row.year) for row in session.execute(query)]


def campaign_label(year: int) -> str:
    return f"Campagne {year} (rentrée {year})"


def campaign_phase1_name(session: Session, campaign_id: int | None) -> str:
    """The campaign's phase-1 name («AvenirPro»), "" when it has no phase 1 (as `core.scheme.scheme_of` reads
    it: an empty `phase1_name` means no phase 1)."""
    if campaign_id is None:
        return ""
    name = session.execute(select(CAMPAIGN.c.phase1_name).where(CAMPAIGN.c.id == campaign_id)).scalar()
    return (name or "").strip()
