"""«Entretien à proposer» has one membership: the Entretiens tab lists exactly the home screen's youths.

Before, the home screen counted 38 youths and the tab 42 on the same database: the tab had its own rule (it
kept youths who left the school, youths with a recontact planned, and youths offered an interview but not
reached). Edge cases: a cancelled booking, a cancelled slot, an undone «Injoignable», a past slot without
interview, and the cases where the two definitions used to part.
"""

from __future__ import annotations

import datetime as dt

import pytest

from pae_desktop.core.models import ContactAttempt, InterviewSlot, SlotBooking, Youth
from pae_desktop.core.services import interviews as iv
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.contacts import worklists
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import ContactChannel, ContactResult, NextStep
from pae_desktop.core.worklist import Worklist

TODAY = dt.date(2025, 9, 5)
NOW = dt.datetime(2025, 9, 5, 10)
FAILED = ContactResult.PAS_DE_REPONSE.value


def _attempt(session, youth_id, day, result, next_step="", next_date=None):
    session.add(
        ContactAttempt(
            youth_id=youth_id,
            at=dt.datetime.combine(day, dt.time(10)),
            channel=ContactChannel.TELEPHONE.value,
            result=result,
            next_step=next_step,
            next_date=next_date,
        )
    )


def _booked(session, campaign_id, youth_id, at, *, booking_cancelled=False, slot_cancelled=False):
    slot = InterviewSlot(campaign_id=campaign_id, starts_at=at, place="Lycée")
    session.add(slot)
    session.flush()
    cancelled = dt.datetime(2025, 9, 1, 8) if booking_cancelled or slot_cancelled else None
    if slot_cancelled:
        slot.cancelled_at = cancelled
    session.add(
        SlotBooking(
            slot_id=slot.id, youth_id=youth_id, booked_at=dt.datetime(2025, 8, 28), cancelled_at=cancelled
        )
    )


@pytest.fixture
def cases(school_db):
    """One youth per edge case, named after it; returns the database, the campaign id and the ids by name."""
    ids = {}
    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)

        def youth(name):
            ids[name] = save_youth(session, campaign, YouthForm(last_name=name, first_names="Léa")).youth_id
            return ids[name]

        joined = dt.date(2025, 8, 27)
        _attempt(session, youth("JOINT"), joined, ContactResult.JOINT.value, NextStep.ENTRETIEN_PROPOSE.value)
        _attempt(session, youth("RESERVATION-ANNULEE"), joined, ContactResult.JOINT.value)
        _booked(
            session,
            campaign.id,
            ids["RESERVATION-ANNULEE"],
            dt.datetime(2025, 9, 9, 9),
            booking_cancelled=True,
        )
        _attempt(session, youth("CRENEAU-ANNULE"), joined, ContactResult.JOINT.value)
        _booked(session, campaign.id, ids["CRENEAU-ANNULE"], dt.datetime(2025, 9, 9, 10), slot_cancelled=True)
        for day in (1, 2, 3):  # three failures, then reached: «Injoignable» undone
            _attempt(
                session,
                youth("INJOIGNABLE-LEVE") if day == 1 else ids["INJOIGNABLE-LEVE"],
                dt.date(2025, 8, day + 20),
                FAILED,
            )
        _attempt(session, ids["INJOIGNABLE-LEVE"], dt.date(2025, 8, 29), ContactResult.JOINT.value)
        for day in (1, 2, 3):  # still unreachable, although an interview was offered in a message
            youth_id = youth("INJOIGNABLE-PROPOSE") if day == 1 else ids["INJOIGNABLE-PROPOSE"]
            _attempt(session, youth_id, dt.date(2025, 8, day + 20), FAILED, NextStep.ENTRETIEN_PROPOSE.value)
        _attempt(session, youth("CRENEAU-PASSE"), joined, ContactResult.JOINT.value)
        _booked(
            session, campaign.id, ids["CRENEAU-PASSE"], dt.datetime(2025, 9, 2, 9)
        )  # no interview entered
        _attempt(session, youth("PARTI"), joined, ContactResult.JOINT.value, NextStep.ENTRETIEN_PROPOSE.value)
        session.get(Youth, ids["PARTI"]).left_school_on = dt.date(2025, 8, 30)
        _attempt(
            session,
            youth("RELANCE-PREVUE"),
            joined,
            ContactResult.JOINT.value,
            NextStep.A_RELANCER.value,
            dt.date(2025, 9, 12),
        )
        youth("JAMAIS-CONTACTE")
        campaign_id = campaign.id
    return school_db, campaign_id, ids


def _home(session, campaign_id, *names):
    lists = worklists(session, campaign_id, TODAY, NOW)
    return {item.youth_id for name in names for item in lists.items[name]}


def test_the_tab_lists_the_home_screens_youths(cases):
    db, campaign_id, ids = cases
    with db.read() as session:
        home = _home(session, campaign_id, Worklist.ENTRETIEN_A_PROPOSER)
        tab = {row.id for row in iv.youths_to_book(session, campaign_id, TODAY)}
        home_open = _home(session, campaign_id, Worklist.ENTRETIEN_A_PROPOSER, *iv.NOT_REACHED_YET)
        tab_open = {row.id for row in iv.youths_to_book(session, campaign_id, TODAY, everyone_open=True)}
    expected = {ids[n] for n in ("JOINT", "RESERVATION-ANNULEE", "CRENEAU-ANNULE", "INJOIGNABLE-LEVE")}
    assert home == expected
    assert tab == home
    # the checkbox «Inclure les jeunes pas encore joints» adds the home screen's lists of youths not reached
    assert tab_open == home_open
    assert {ids["INJOIGNABLE-PROPOSE"], ids["JAMAIS-CONTACTE"]} <= tab_open
    # in none of them: a past slot to enter, a youth who left, a recontact planned later
    for name in ("CRENEAU-PASSE", "PARTI", "RELANCE-PREVUE"):
        assert ids[name] not in tab_open
    with db.read() as session:
        assert ids["CRENEAU-PASSE"] in _home(session, campaign_id, Worklist.ENTRETIEN_A_SAISIR)


def test_the_tabs_panel_shows_the_same_youths(qtbot, cases, monkeypatch):
    from pae_desktop.ui.context import AppContext
    from pae_desktop.ui.slots import SlotsView

    db, campaign_id, ids = cases
    real = iv.youths_to_book
    monkeypatch.setattr(iv, "youths_to_book", lambda *a, **k: real(*a, **{**k, "today": TODAY}))
    view = SlotsView(AppContext(db, campaign_id))
    qtbot.addWidget(view)
    with db.read() as session:
        home = _home(session, campaign_id, Worklist.ENTRETIEN_A_PROPOSER)
    assert set(view.candidates_panel.youth_ids()) == home
    assert view.candidates_panel.title.text() == f"<b>Entretien à proposer</b> ({len(home)})"
