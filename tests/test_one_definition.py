"""One definition per derived fact: the latest interview's decision is the same in the caseload's stage, the
pathway builder and the FOQUALE row, whatever the order the interviews were recorded in (issue: two interviews
the same day, «Refus» then «Engagé», showed «Refus» in the caseload and ENGAGE elsewhere)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pae_desktop.core.models import Campaign, Interview, InterviewSlot, OriginalSchooling, Youth
from pae_desktop.core.services.pathways import pathway_context
from pae_desktop.core.services.reporting import foquale_rows
from pae_desktop.core.services.youths import caseload_rows
from pae_desktop.core.stage import interview_order
from pae_desktop.core.vocabulary import Decision, Stage

TODAY = dt.date(2025, 10, 1)


def _youth(session, name: str) -> Youth:
    campaign = session.scalars(select(Campaign).where(Campaign.year == 2025)).one()
    youth = Youth(
        campaign_id=campaign.id,
        pseudonym=f"{abs(hash(name)) % 16**16:016x}",
        last_name=name,
        first_names="Léa",
        birth_date=dt.date(2006, 3, 14),
        search_key=name.lower(),
        schooling=OriginalSchooling(division="TMELEC", diploma="BAC_PRO"),
    )
    session.add(youth)
    session.flush()
    return youth


def _slot(session, at: dt.datetime) -> InterviewSlot:
    campaign = session.scalars(select(Campaign).where(Campaign.year == 2025)).one()
    slot = InterviewSlot(campaign_id=campaign.id, starts_at=at)
    session.add(slot)
    session.flush()
    return slot


def _answers(session, youth_id: int) -> tuple[Stage, str, str]:
    campaign = session.scalars(select(Campaign).where(Campaign.year == 2025)).one()
    stage = next(r.stage for r in caseload_rows(session, campaign.id, TODAY) if r.id == youth_id)
    builder = pathway_context(session, youth_id).latest_decision
    row = dict(foquale_rows(session, campaign))[youth_id]
    return stage, builder, row["decision"]


@pytest.mark.parametrize("engaged_recorded_first", [True, False])
def test_same_day_interviews_without_slots_the_last_recorded_wins(school_db, engaged_recorded_first):
    first, second = (
        (Decision.ENGAGE, Decision.REFUS) if engaged_recorded_first else (Decision.REFUS, Decision.ENGAGE)
    )
    with school_db.transaction() as session:
        youth = _youth(session, "MARTIN")
        for decision in (first, second):
            session.add(Interview(youth_id=youth.id, held_on=dt.date(2025, 9, 10), decision=decision))
        session.flush()
        stage, builder, foquale = _answers(session, youth.id)
    expected_stage = Stage.ENGAGE if second is Decision.ENGAGE else Stage.REFUS
    assert (stage, builder, foquale) == (expected_stage, second.value, second.value)


def test_same_day_interviews_the_later_slot_wins_over_the_later_id(school_db):
    with school_db.transaction() as session:
        youth = _youth(session, "DURAND")
        afternoon = _slot(session, dt.datetime(2025, 9, 10, 16, 0))
        morning = _slot(session, dt.datetime(2025, 9, 10, 9, 0))
        # the afternoon interview was typed first: its id is the smaller one
        session.add(
            Interview(
                youth_id=youth.id, slot_id=afternoon.id, held_on=dt.date(2025, 9, 10), decision="ENGAGE"
            )
        )
        session.flush()
        session.add(
            Interview(youth_id=youth.id, slot_id=morning.id, held_on=dt.date(2025, 9, 10), decision="REFUS")
        )
        session.flush()
        assert _answers(session, youth.id) == (Stage.ENGAGE, "ENGAGE", "ENGAGE")


def test_a_later_day_wins_whatever_the_ids(school_db):
    with school_db.transaction() as session:
        youth = _youth(session, "PETIT")
        session.add(Interview(youth_id=youth.id, held_on=dt.date(2025, 9, 20), decision="REFLEXION"))
        session.flush()
        session.add(Interview(youth_id=youth.id, held_on=dt.date(2025, 9, 12), decision="ENGAGE"))
        session.flush()
        assert _answers(session, youth.id) == (Stage.REFLEXION, "REFLEXION", "REFLEXION")


def test_interview_order_uses_the_slot_time_only_on_its_own_day():
    day = dt.date(2025, 9, 10)
    assert interview_order(day, dt.datetime(2025, 9, 10, 14, 0), 1) > interview_order(day, None, 2)
    # a slot of another day (the interview was held later than booked) says nothing of the time
    assert interview_order(day, dt.datetime(2025, 9, 9, 14, 0), 1) < interview_order(day, None, 2)
