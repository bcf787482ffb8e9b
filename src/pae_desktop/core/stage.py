"""The derived stage of a case (domain.md §4): one pure function of the dated facts recorded."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TypeVar

from pae_desktop.core.vocabulary import (
    FAILED_CONTACT_RESULTS,
    STAGE_OF_DECISION,
    ContactResult,
    Decision,
    NextStep,
    Stage,
)

DEFAULT_UNREACHABLE_AFTER = 3
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AttemptFact:
    at: dt.datetime
    result: str  # vocabulary.ContactResult
    next_step: str = ""  # vocabulary.NextStep


@dataclass(frozen=True, slots=True)
class InterviewFact:
    held_on: dt.date
    decision: str = ""  # vocabulary.Decision, empty while undecided
    decided_on: dt.date | None = None
    at: dt.datetime | None = None  # the slot's start, when the interview was held on its slot
    id: int = 0


def interview_order(held_on: dt.date, at: dt.datetime | None = None, interview_id: int | None = None) -> tuple:
    """The one order of a youth's interviews, for «the latest interview» everywhere (the stage, the pathway
    builder, the documents, the FOQUALE file): by date, then time (the slot's, when the interview was held on
    its slot's day; none counts as the start of the day), then id (the one recorded last)."""
    time = at.time() if at is not None and at.date() == held_on else dt.time.min
    return (held_on, time, interview_id or 0)


def latest_interview_of(interviews: Iterable[T], order: Callable[[T], tuple]) -> T | None:
    """The latest of `interviews` under `order` (a function giving each one's `interview_order`)."""
    return max(interviews, key=order, default=None)


@dataclass(frozen=True, slots=True)
class CaseFacts:
    """Everything the stage depends on, each fact with its date.

    `bookings` are the dates on which a still-active booking was made; `information_dates` the dates of the
    information actions that reached the youth or their class.
    """

    information_dates: tuple[dt.date, ...] = ()
    attempts: tuple[AttemptFact, ...] = ()
    not_concerned_on: dt.date | None = None
    bookings: tuple[dt.date, ...] = ()
    interviews: tuple[InterviewFact, ...] = ()
    pathway_start: dt.date | None = None
    abandoned_on: dt.date | None = None
    exit_on: dt.date | None = None


def _on_or_before(day: dt.date | None, on: dt.date) -> bool:
    return day is not None and day <= on


def latest_decision(facts: CaseFacts, on: dt.date) -> str:
    """The decision of the latest interview held on or before `on` (empty when none or undecided)."""
    latest = latest_interview_of(
        (i for i in facts.interviews if i.held_on <= on), lambda i: interview_order(i.held_on, i.at, i.id)
    )
    if latest is None:
        return ""
    if latest.decision and (latest.decided_on is None or latest.decided_on <= on):
        return latest.decision
    return ""


def consecutive_failures(attempts: tuple[AttemptFact, ...] | list[AttemptFact]) -> int:
    """Failed attempts since the last success («Joint» or «Refus d'échanger» ends a run of failures)."""
    count = 0
    for attempt in sorted(attempts, key=lambda a: a.at):
        if attempt.result in FAILED_CONTACT_RESULTS:
            count += 1
        else:
            count = 0
    return count


def derive_stage(
    facts: CaseFacts, on: dt.date | None = None, unreachable_after: int = DEFAULT_UNREACHABLE_AFTER
) -> Stage:
    """The stage on date `on` (today by default): the first rule of domain §4 that holds, top to bottom."""
    on = on or dt.date.today()
    attempts = [a for a in facts.attempts if a.at.date() <= on]

    if _on_or_before(facts.exit_on, on):
        return Stage.SORTI
    if _on_or_before(facts.abandoned_on, on):
        return Stage.ABANDON
    if _on_or_before(facts.pathway_start, on):
        return Stage.PARCOURS_EN_COURS
    if facts.interviews:  # most cases have none: neither rule below can hold (a tenth of the lists' time)
        decision = Decision.from_code(latest_decision(facts, on))
        if decision is not None:
            return STAGE_OF_DECISION[decision]
        if any(i.held_on <= on for i in facts.interviews):
            return Stage.ENTRETIEN_REALISE
    if any(b <= on for b in facts.bookings):
        return Stage.ENTRETIEN_PLANIFIE
    if any(
        a.result == ContactResult.REFUS_ECHANGER or a.next_step == NextStep.REFUSE_ENTRETIEN for a in attempts
    ):
        return Stage.REFUS_ENTRETIEN
    if any(a.next_step == NextStep.DEJA_EN_SOLUTION for a in attempts):
        return Stage.DEJA_EN_SOLUTION
    if _on_or_before(facts.not_concerned_on, on):
        return Stage.NON_CONCERNE
    if unreachable_after > 0 and consecutive_failures(attempts) >= unreachable_after:
        return Stage.INJOIGNABLE
    if any(a.result == ContactResult.JOINT for a in attempts):
        return Stage.CONTACTE
    if any(d <= on for d in facts.information_dates):
        return Stage.INFORME
    return Stage.REPERE
