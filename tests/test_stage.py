"""The derived stage: one table row per stage of domain.md §4, plus the order between rules."""

from __future__ import annotations

import datetime as dt

import pytest

from pae_desktop.core.stage import AttemptFact, CaseFacts, InterviewFact, consecutive_failures, derive_stage
from pae_desktop.core.vocabulary import ContactResult as R
from pae_desktop.core.vocabulary import Decision as D
from pae_desktop.core.vocabulary import NextStep as N
from pae_desktop.core.vocabulary import Stage as S

ON = dt.date(2025, 10, 1)
AUG = dt.date(2025, 8, 28)


def at(day: int, month: int = 8) -> dt.datetime:
    return dt.datetime(2025, month, day, 10, 0)


def attempt(day: int, result: R, step: N | None = None) -> AttemptFact:
    return AttemptFact(at(day), result.value, step.value if step else "")


def interview(decision: D | None, day: int = 5) -> InterviewFact:
    return InterviewFact(dt.date(2025, 9, day), decision.value if decision else "")


CASES = [
    ("census only", CaseFacts(), S.REPERE),
    ("informed", CaseFacts(information_dates=(dt.date(2025, 6, 10),)), S.INFORME),
    ("reached", CaseFacts(attempts=(attempt(25, R.JOINT),)), S.CONTACTE),
    (
        "three failures",
        CaseFacts(
            attempts=(
                attempt(25, R.PAS_DE_REPONSE),
                attempt(26, R.MESSAGE_LAISSE),
                attempt(27, R.COORDONNEES_ERRONEES),
            )
        ),
        S.INJOIGNABLE,
    ),
    ("not concerned", CaseFacts(not_concerned_on=AUG), S.NON_CONCERNE),
    (
        "already in a solution",
        CaseFacts(attempts=(attempt(25, R.JOINT, N.DEJA_EN_SOLUTION),)),
        S.DEJA_EN_SOLUTION,
    ),
    ("refuses to talk", CaseFacts(attempts=(attempt(25, R.REFUS_ECHANGER),)), S.REFUS_ENTRETIEN),
    (
        "refuses the interview",
        CaseFacts(attempts=(attempt(25, R.JOINT, N.REFUSE_ENTRETIEN),)),
        S.REFUS_ENTRETIEN,
    ),
    ("slot booked", CaseFacts(attempts=(attempt(25, R.JOINT),), bookings=(AUG,)), S.ENTRETIEN_PLANIFIE),
    (
        "interview, no decision",
        CaseFacts(bookings=(AUG,), interviews=(interview(None),)),
        S.ENTRETIEN_REALISE,
    ),
    ("engaged", CaseFacts(interviews=(interview(D.ENGAGE),)), S.ENGAGE),
    ("refusal", CaseFacts(interviews=(interview(D.REFUS),)), S.REFUS),
    ("thinking", CaseFacts(interviews=(interview(D.REFLEXION),)), S.REFLEXION),
    ("other solution", CaseFacts(interviews=(interview(D.AUTRE_SOLUTION),)), S.AUTRE_SOLUTION),
    ("not eligible", CaseFacts(interviews=(interview(D.NON_ELIGIBLE),)), S.NON_ELIGIBLE),
    (
        "pathway started",
        CaseFacts(interviews=(interview(D.ENGAGE),), pathway_start=dt.date(2025, 9, 15)),
        S.PARCOURS_EN_COURS,
    ),
    (
        "abandoned",
        CaseFacts(pathway_start=dt.date(2025, 9, 15), abandoned_on=dt.date(2025, 9, 30)),
        S.ABANDON,
    ),
    (
        "exit after abandonment",
        CaseFacts(
            pathway_start=dt.date(2025, 9, 15),
            abandoned_on=dt.date(2025, 9, 30),
            exit_on=dt.date(2025, 9, 30),
        ),
        S.SORTI,
    ),
    # order between rules
    (
        "the latest interview's decision wins",
        CaseFacts(interviews=(interview(D.REFLEXION, 5), interview(D.ENGAGE, 20))),
        S.ENGAGE,
    ),
    (
        "a later success ends a run of failures",
        CaseFacts(
            attempts=(
                attempt(20, R.PAS_DE_REPONSE),
                attempt(21, R.PAS_DE_REPONSE),
                attempt(22, R.PAS_DE_REPONSE),
                attempt(23, R.JOINT),
            )
        ),
        S.CONTACTE,
    ),
    (
        "two failures are not enough",
        CaseFacts(attempts=(attempt(20, R.PAS_DE_REPONSE), attempt(21, R.PAS_DE_REPONSE))),
        S.REPERE,
    ),
    (
        "an interview outranks a refusal on the phone",
        CaseFacts(attempts=(attempt(20, R.REFUS_ECHANGER),), interviews=(interview(None),)),
        S.ENTRETIEN_REALISE,
    ),
    (
        "a pathway not yet started",
        CaseFacts(interviews=(interview(D.ENGAGE),), pathway_start=dt.date(2025, 11, 3)),
        S.ENGAGE,
    ),
]


@pytest.mark.parametrize(("facts", "expected"), [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_stage_table(facts, expected):
    assert derive_stage(facts, ON) is expected


def test_every_stage_is_covered_by_the_table():
    assert {case[2] for case in CASES} == set(S)


def test_facts_after_the_date_are_ignored():
    facts = CaseFacts(
        attempts=(attempt(25, R.JOINT),),
        interviews=(interview(D.ENGAGE, 20),),
        pathway_start=dt.date(2025, 10, 6),
    )
    assert derive_stage(facts, dt.date(2025, 8, 20)) is S.REPERE
    assert derive_stage(facts, dt.date(2025, 9, 1)) is S.CONTACTE
    assert derive_stage(facts, dt.date(2025, 9, 20)) is S.ENGAGE
    assert derive_stage(facts, dt.date(2025, 10, 6)) is S.PARCOURS_EN_COURS


def test_unreachable_threshold_is_a_setting():
    facts = CaseFacts(attempts=(attempt(20, R.PAS_DE_REPONSE), attempt(21, R.MESSAGE_LAISSE)))
    assert derive_stage(facts, ON, unreachable_after=2) is S.INJOIGNABLE
    assert derive_stage(facts, ON, unreachable_after=3) is S.REPERE
    assert consecutive_failures(list(facts.attempts)) == 2
