"""The home screen's worklists as values: which list, its items, the days left before the interview target.

Apart from `core.services.contacts`, which derives them, so that the «Accueil» view imports no ORM model
before the window's first paint (`core.services.first_paint`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from pae_desktop.core.vocabulary import Stage


class Worklist(StrEnum):
    A_CONTACTER = "À contacter"
    A_RELANCER = "À relancer aujourd'hui"
    INJOIGNABLES = "Injoignables"
    ENTRETIEN_A_PROPOSER = "Entretien à proposer"
    ENTRETIEN_A_SAISIR = "Entretien à saisir"

    @property
    def slug(self) -> str:
        """The list's name on the command line: kebab-case without accents (`a-contacter`, `a-relancer`…)."""
        return self.name.lower().replace("_", "-")


def worklist_by_slug(name: str) -> Worklist | None:
    """The list named `name` on the command line (`Worklist.slug`), or None when no list has that name."""
    wanted = name.strip().lower()
    return next((worklist for worklist in Worklist if worklist.slug == wanted), None)


@dataclass(frozen=True, slots=True)
class WorkItem:
    youth_id: int
    name: str
    division: str
    stage: Stage
    phone: str
    email: str
    due: dt.date | None  # the recontact date, the booked slot's date
    last_attempt: dt.datetime | None
    attempts: int
    detail: str
    search_key: str


@dataclass(frozen=True, slots=True)
class ClassesBelowMinimum:
    """The classes of a campaign's phase 1 with fewer than four workshops held so far, as (class, held)."""

    campaign_id: int
    campaign_year: int
    phase1_name: str
    classes: tuple[tuple[str, int], ...]


@dataclass(frozen=True)
class Worklists:
    today: dt.date
    interview_deadline: dt.date
    items: dict[Worklist, tuple[WorkItem, ...]]
    latest_end: dt.date | None = None  # the campaign's last day of pathways (31 December)
    # during phase 1's school year only (`core.phase1.classes_to_watch`), whatever campaign the window shows
    phase1_classes: ClassesBelowMinimum | None = None

    @property
    def days_left(self) -> int:
        """Days before the campaign's interview target date (negative once it is past)."""
        return (self.interview_deadline - self.today).days

    @property
    def counts(self) -> dict[Worklist, int]:
        return {name: len(items) for name, items in self.items.items()}
