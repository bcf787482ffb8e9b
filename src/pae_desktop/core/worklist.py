"""The home screen's worklists as values: which list, its items, the days left before the interview target,
the order of the lists by phase of the campaign, and the kebab-case names of the command line.

Apart from `core.services.contacts`, which derives them, so that the «Accueil» view imports no ORM model
before the window's first paint (`core.services.first_paint`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from pae_desktop.core.vocabulary import Stage


class Worklist(StrEnum):
    # the contact phase (August–September)
    A_CONTACTER = "À contacter"
    A_RELANCER = "À relancer aujourd'hui"
    INJOIGNABLES = "Injoignables"
    ENTRETIEN_A_PROPOSER = "Entretien à proposer"
    ENTRETIEN_A_SAISIR = "Entretien à saisir"
    # the follow-up, once the interviews are done (to 31 December and after)
    ACTIONS_EN_RETARD = "Actions en retard"
    PARCOURS_FINISSANT = "Parcours finissant"
    SORTIE_A_SAISIR = "Sortie à saisir"
    A_SAISIR_SIECLE = "À saisir dans SIECLE"
    ABSENCES = "Absences"
    SANS_SOLUTION = "Sans solution connue"

    @property
    def slug(self) -> str:
        """The list's name on the command line (kebab-case, no accents): `a-contacter`, `sans-solution-connue`."""
        return SLUGS[self]


# The one mapping of the command line's list names (`pae-desktop worklist NAME`, `--liste NAME`).
SLUGS: dict[Worklist, str] = {
    Worklist.A_CONTACTER: "a-contacter",
    Worklist.A_RELANCER: "a-relancer",
    Worklist.INJOIGNABLES: "injoignables",
    Worklist.ENTRETIEN_A_PROPOSER: "entretien-a-proposer",
    Worklist.ENTRETIEN_A_SAISIR: "entretien-a-saisir",
    Worklist.ACTIONS_EN_RETARD: "actions-en-retard",
    Worklist.PARCOURS_FINISSANT: "parcours-finissant",
    Worklist.SORTIE_A_SAISIR: "sortie-a-saisir",
    Worklist.A_SAISIR_SIECLE: "a-saisir-dans-siecle",
    Worklist.ABSENCES: "absences",
    Worklist.SANS_SOLUTION: "sans-solution-connue",
}
_BY_SLUG = {slug: name for name, slug in SLUGS.items()}


def worklist_by_slug(slug: str) -> Worklist | None:
    """The list of a command-line name (`sans-solution-connue`), None when no list has it."""
    return _BY_SLUG.get(slug.strip().lower())


CONTACT_LISTS = (
    Worklist.A_CONTACTER,
    Worklist.A_RELANCER,
    Worklist.INJOIGNABLES,
    Worklist.ENTRETIEN_A_PROPOSER,
    Worklist.ENTRETIEN_A_SAISIR,
)
FOLLOW_UP_LISTS = (
    Worklist.ACTIONS_EN_RETARD,
    Worklist.PARCOURS_FINISSANT,
    Worklist.SORTIE_A_SAISIR,
    Worklist.A_SAISIR_SIECLE,
    Worklist.ABSENCES,
    Worklist.SANS_SOLUTION,
)
# After the interview target date, the contact lists stay first for two more weeks: the late interviews of the
# second half of September are still the news; from then on the follow-up lists come first.
LATE_INTERVIEWS_DAYS = 14
ENDING_WITHIN_DAYS = 15  # «Parcours finissant»: a planned end within 15 days, today included


def contact_phase(today: dt.date, interview_deadline: dt.date) -> bool:
    """True until two weeks after the interview target date (the contact lists first on «Accueil»)."""
    return (today - interview_deadline).days <= LATE_INTERVIEWS_DAYS


def home_order(today: dt.date, interview_deadline: dt.date) -> tuple[Worklist, ...]:
    """Every list, the current phase's first: contact lists in August–September, follow-up lists after."""
    if contact_phase(today, interview_deadline):
        return CONTACT_LISTS + FOLLOW_UP_LISTS
    return FOLLOW_UP_LISTS + CONTACT_LISTS


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
    left_school: int = 0  # youths an import marked as having left the school: out of every list

    @property
    def days_left(self) -> int:
        """Days before the campaign's interview target date (negative once it is past)."""
        return (self.interview_deadline - self.today).days

    @property
    def contact_phase(self) -> bool:
        return contact_phase(self.today, self.interview_deadline)

    @property
    def home_order(self) -> tuple[Worklist, ...]:
        return home_order(self.today, self.interview_deadline)

    @property
    def counts(self) -> dict[Worklist, int]:
        return {name: len(items) for name, items in self.items.items()}
