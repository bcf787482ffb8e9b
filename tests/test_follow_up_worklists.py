"""The follow-up worklists of «Accueil» (issue 17 §3): each rule at its edges, then on a database through the
services that write the facts (an abandonment undone, an exit on 31 December), and the home screen's order."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pae_desktop.core import rules
from pae_desktop.core.models import Campaign, FollowUpEvent, OriginalSchooling, Pathway, Youth
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.contacts import worklists
from pae_desktop.core.services.facts import PendingDates
from pae_desktop.core.services.follow_up_facts import ExitFact, FollowUpFacts, PathwayDates
from pae_desktop.core.services.worklists import (
    FollowUpCase,
    absences_to_watch,
    exit_to_enter,
    follow_up_membership,
    overdue_action,
    pathway_ending,
    siecle_to_enter,
    without_solution,
    worklist_items,
)
from pae_desktop.core.vocabulary import FollowUpKind, Stage
from pae_desktop.core.worklist import (
    CONTACT_LISTS,
    FOLLOW_UP_LISTS,
    SLUGS,
    Worklist,
    home_order,
    worklist_by_slug,
)

D = dt.date
TODAY = D(2025, 11, 20)
DEC31 = D(2025, 12, 31)
OCT1 = D(2025, 10, 1)


def case(
    stage=Stage.PARCOURS_EN_COURS,
    *,
    end=DEC31,
    start=OCT1,
    abandoned=None,
    entered=True,
    exit_=None,
    due=None,
    half_days=0,
    pathway=True,
) -> FollowUpCase:
    dates = PathwayDates(start, end, abandoned, entered) if pathway else None
    facts = FollowUpFacts(dates, exit_, half_days)
    return FollowUpCase(stage, PendingDates(follow_up_on=due, follow_up_action="Appeler le tuteur"), facts, DEC31)


# --- the rules, one by one ---------------------------------------------------------------------------------------


def test_an_action_due_yesterday_is_late_one_due_today_is_not():
    assert overdue_action(case(due=TODAY), TODAY) is None
    assert overdue_action(case(due=TODAY + dt.timedelta(days=1)), TODAY) is None
    assert overdue_action(case(due=TODAY - dt.timedelta(days=1)), TODAY) == (
        "Appeler le tuteur (1 jour de retard)",
        TODAY - dt.timedelta(days=1),
    )
    assert overdue_action(case(due=D(2025, 11, 10)), TODAY)[0] == "Appeler le tuteur (10 jours de retard)"
    assert overdue_action(case(due=None), TODAY) is None


@pytest.mark.parametrize(
    ("days_left", "expected"),
    [
        (-1, None),  # past: «Sortie à saisir» now
        (0, "Fin prévue aujourd'hui : préparer la sortie"),
        (1, "Fin prévue demain : préparer la sortie"),
        (14, "Fin prévue dans 14 jours : préparer la sortie"),
        (15, None),  # within 15 days, today included: 0 to 14
    ],
)
def test_a_pathway_ending_within_fifteen_days_today_included(days_left, expected):
    end = TODAY + dt.timedelta(days=days_left)
    member = pathway_ending(case(end=end), TODAY)
    assert (member[0] if member else None) == expected
    if member:
        assert member[1] == end


def test_a_pathway_ending_with_an_exit_or_an_abandonment_is_not_ending():
    end = TODAY + dt.timedelta(days=3)
    assert pathway_ending(case(end=end, exit_=ExitFact(end, "EMPLOI", "CDI")), TODAY) is None
    assert pathway_ending(case(end=end, abandoned=D(2025, 11, 1)), TODAY) is None
    assert pathway_ending(case(pathway=False), TODAY) is None


def test_exit_to_enter_once_the_end_or_31_december_is_past():
    assert exit_to_enter(case(end=TODAY), TODAY) is None  # ends today: not past yet
    yesterday = TODAY - dt.timedelta(days=1)
    assert exit_to_enter(case(end=yesterday), TODAY) == (
        f"Parcours terminé le {yesterday:%d/%m/%Y} : saisir la sortie",
        yesterday,
    )
    # 31 December: on the day the pathway still runs; the day after, its exit is to enter, unless recorded
    assert exit_to_enter(case(end=DEC31), DEC31) is None
    assert exit_to_enter(case(end=DEC31), D(2026, 1, 1)) == ("Parcours terminé le 31/12/2025 : saisir la sortie", DEC31)
    assert exit_to_enter(case(end=DEC31, exit_=ExitFact(DEC31, "AUTRE", "")), D(2026, 1, 1)) is None
    # a planned end after the campaign's latest end (an old record): 31 December past is enough
    assert exit_to_enter(case(end=D(2026, 1, 15)), D(2026, 1, 2))[1] == DEC31


def test_an_abandonment_asks_for_the_exit():
    member = exit_to_enter(case(abandoned=D(2025, 11, 3)), TODAY)
    assert member == ("Abandon le 03/11/2025 : saisir la sortie", D(2025, 11, 3))
    assert exit_to_enter(case(abandoned=D(2025, 11, 3), exit_=ExitFact(TODAY, "EMPLOI", "CDD_PLUS")), TODAY) is None


def test_siecle_to_enter():
    assert siecle_to_enter(case(entered=True), TODAY) is None
    assert siecle_to_enter(case(entered=False), TODAY) == (
        "Parcours commencé le 01/10/2025 : inscription à saisir dans SIECLE",
        D(2025, 10, 1),
    )
    assert siecle_to_enter(case(entered=False, start=D(2025, 12, 1)), TODAY)[0].startswith("Parcours commence le")


def test_absences_from_24_unjustified_half_days_the_30_of_the_bourse_beside():
    assert rules.ATTENDANCE_WATCH_HALF_DAYS == 24 and rules.ATTENDANCE_ALERT_HALF_DAYS == 30
    assert absences_to_watch(case(half_days=23), TODAY) is None
    assert absences_to_watch(case(half_days=24), TODAY) == (
        "24 demi-journées non justifiées (alerte au-delà de 30)",
        None,
    )
    assert absences_to_watch(case(half_days=30), TODAY)[0].endswith("(alerte au-delà de 30)")
    assert absences_to_watch(case(half_days=31), TODAY)[0] == (
        "31 demi-journées non justifiées : plus de 30, la bourse est en jeu"
    )


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        (dict(stage=Stage.REFUS_ENTRETIEN, pathway=False), "Refus d'entretien"),
        (dict(stage=Stage.INJOIGNABLE, pathway=False), "Injoignable"),
        (dict(stage=Stage.DEJA_EN_SOLUTION, pathway=False), None),
        (dict(stage=Stage.NON_CONCERNE, pathway=False), None),
        (dict(stage=Stage.SORTI, exit_=ExitFact(TODAY, "RETOUR_FORMATION", "APPRENTISSAGE")), None),
        (dict(stage=Stage.SORTI, exit_=ExitFact(TODAY, "EMPLOI", "CDI")), None),
        (dict(stage=Stage.SORTI, exit_=ExitFact(TODAY, "ACCOMPAGNEMENT_ML", "CEJ")), None),
        (
            dict(stage=Stage.SORTI, exit_=ExitFact(TODAY, "AUTRE", "SANS_SOLUTION")),
            "Sortie « Autre : Sans solution »",
        ),
        (dict(stage=Stage.PARCOURS_EN_COURS), None),  # in the pathway, under school status
        (dict(stage=Stage.ABANDON, abandoned=D(2025, 11, 3)), "Abandon du parcours le 03/11/2025"),
        (
            dict(stage=Stage.PARCOURS_EN_COURS, end=D(2025, 11, 19)),
            "Parcours terminé le 19/11/2025, sortie non saisie",
        ),
    ],
)
def test_without_a_known_solution(facts, expected):
    member = without_solution(case(**facts), TODAY)
    assert (member[0] if member else None) == expected


def test_a_youth_may_be_in_several_follow_up_lists():
    lists = follow_up_membership(
        case(end=TODAY + dt.timedelta(days=2), entered=False, due=D(2025, 11, 1), half_days=26), TODAY
    )
    assert [name for name, _detail, _due in lists] == [
        Worklist.ACTIONS_EN_RETARD,
        Worklist.PARCOURS_FINISSANT,
        Worklist.A_SAISIR_SIECLE,
        Worklist.ABSENCES,
    ]


# --- names and order -----------------------------------------------------------------------------------------------


def test_the_command_line_names_of_the_lists():
    assert [name.slug for name in Worklist] == [
        "a-contacter",
        "a-relancer",
        "injoignables",
        "entretien-a-proposer",
        "entretien-a-saisir",
        "actions-en-retard",
        "parcours-finissant",
        "sortie-a-saisir",
        "a-saisir-dans-siecle",
        "absences",
        "sans-solution-connue",
    ]
    assert all(worklist_by_slug(slug) is name for name, slug in SLUGS.items())
    assert worklist_by_slug(" Sans-Solution-Connue ") is Worklist.SANS_SOLUTION
    assert worklist_by_slug("sans solution") is None
    assert set(CONTACT_LISTS) | set(FOLLOW_UP_LISTS) == set(Worklist)


def test_home_order_contact_lists_first_until_two_weeks_after_the_target_date():
    deadline = D(2026, 9, 17)
    contact_first = CONTACT_LISTS + FOLLOW_UP_LISTS
    assert home_order(D(2026, 8, 24), deadline) == contact_first
    assert home_order(deadline, deadline) == contact_first
    assert home_order(D(2026, 10, 1), deadline) == contact_first  # target date + 14 days
    assert home_order(D(2026, 10, 2), deadline) == FOLLOW_UP_LISTS + CONTACT_LISTS
    assert home_order(D(2026, 12, 4), deadline)[0] is Worklist.ACTIONS_EN_RETARD


# --- on a database, the facts written by the services ----------------------------------------------------------------


def _youth(session, campaign: Campaign, name: str, **extra) -> int:
    youth = Youth(
        campaign_id=campaign.id,
        pseudonym=f"{name.lower():x<16}"[:16],
        last_name=name,
        first_names="Léa",
        search_key=name.lower(),
        schooling=OriginalSchooling(division="TMELEC", diploma="BAC_PRO"),
        **extra,
    )
    session.add(youth)
    session.flush()
    return youth.id


def _pathway(session, youth_id: int, end: dt.date, entered: bool = True, start=OCT1) -> None:
    session.add(
        Pathway(youth_id=youth_id, mef_code="7044150111", start_date=start, planned_end=end, siecle_entered=entered)
    )
    session.flush()


@pytest.fixture
def follow_db(school_db):
    """Youths of campaign 2025 at the follow-up's edges; returns (db, campaign id, ids by name)."""
    with school_db.transaction() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.year == 2025)).one()
        ids = {name: _youth(session, campaign, name) for name in (
            "FINIT", "DEMAIN", "QUINZE", "FINI", "ABANDON", "DECEMBRE", "SORTIE31", "SIECLE",
            "ABSENT", "JUSTIFIE", "RETARD", "AUJOURDHUI", "REPERE",
        )}
        _pathway(session, ids["FINIT"], TODAY)
        _pathway(session, ids["DEMAIN"], TODAY + dt.timedelta(days=1))
        _pathway(session, ids["QUINZE"], TODAY + dt.timedelta(days=15))
        _pathway(session, ids["FINI"], TODAY - dt.timedelta(days=1))
        _pathway(session, ids["ABANDON"], TODAY + dt.timedelta(days=5))
        _pathway(session, ids["DECEMBRE"], DEC31)
        _pathway(session, ids["SORTIE31"], DEC31)
        _pathway(session, ids["SIECLE"], DEC31, entered=False)
        for name, due in (("RETARD", TODAY - dt.timedelta(days=1)), ("AUJOURDHUI", TODAY)):
            session.add(
                FollowUpEvent(youth_id=ids[name], on=D(2025, 11, 1), kind="APPEL", next_action="Rappeler", due_on=due)
            )
        for name, justified in (("ABSENT", (False, False)), ("JUSTIFIE", (False, True))):
            for flag, half_days in zip(justified, (12, 12), strict=True):
                session.add(
                    FollowUpEvent(
                        youth_id=ids[name],
                        on=D(2025, 11, 3),
                        kind=FollowUpKind.ABSENCE.value,
                        absence_half_days=half_days,
                        absence_justified=flag,
                    )
                )
        session.flush()
        svc.record_abandonment(session, ids["ABANDON"], D(2025, 11, 4), "Déménagement")
        svc.record_exit(session, ids["SORTIE31"], svc.ExitForm(DEC31, "EMPLOI", "CDI"))
        return school_db, campaign.id, ids


def _members(db, campaign_id: int, today: dt.date) -> dict[Worklist, list[str]]:
    with db.read() as session:
        lists = worklists(session, campaign_id, today, dt.datetime.combine(today, dt.time(12)))
    return {name: [item.name.split(" ")[0] for item in lists.items[name]] for name in FOLLOW_UP_LISTS}


def test_follow_up_lists_at_their_edges(follow_db):
    db, campaign_id, _ids = follow_db
    lists = _members(db, campaign_id, TODAY)
    assert lists[Worklist.ACTIONS_EN_RETARD] == ["RETARD"]  # due today is not late yet
    assert lists[Worklist.PARCOURS_FINISSANT] == ["FINIT", "DEMAIN"]  # by planned end; not QUINZE (15 days)
    assert lists[Worklist.SORTIE_A_SAISIR] == ["ABANDON", "FINI"]  # abandoned on 4 November; ended yesterday
    assert lists[Worklist.A_SAISIR_SIECLE] == ["SIECLE"]
    assert lists[Worklist.ABSENCES] == ["ABSENT"]  # 24 unjustified; 12 + 12 justified counts 12
    assert "REPERE" in lists[Worklist.SANS_SOLUTION] and "ABANDON" in lists[Worklist.SANS_SOLUTION]
    assert not {"FINIT", "DECEMBRE", "SORTIE31", "SIECLE"} & set(lists[Worklist.SANS_SOLUTION])


def test_an_undone_abandonment_puts_the_pathway_back(follow_db):
    db, campaign_id, ids = follow_db
    with db.transaction() as session:
        svc.cancel_abandonment(session, ids["ABANDON"])
    lists = _members(db, campaign_id, TODAY)
    assert "ABANDON" not in lists[Worklist.SORTIE_A_SAISIR]
    assert lists[Worklist.PARCOURS_FINISSANT] == ["FINIT", "DEMAIN", "ABANDON"]  # ends in 5 days
    assert "ABANDON" not in lists[Worklist.SANS_SOLUTION]  # in the pathway again


def test_31_december_and_the_day_after(follow_db):
    db, campaign_id, _ids = follow_db
    on_the_day = _members(db, campaign_id, DEC31)
    assert {"DECEMBRE", "SIECLE"} <= set(on_the_day[Worklist.PARCOURS_FINISSANT])
    assert "DECEMBRE" not in on_the_day[Worklist.SORTIE_A_SAISIR]
    after = _members(db, campaign_id, D(2026, 1, 1))
    assert "DECEMBRE" in after[Worklist.SORTIE_A_SAISIR] and "DECEMBRE" in after[Worklist.SANS_SOLUTION]
    assert "SORTIE31" not in after[Worklist.SORTIE_A_SAISIR]  # its exit on 31 December is recorded
    assert "SORTIE31" not in after[Worklist.SANS_SOLUTION]  # an employment
    assert after[Worklist.PARCOURS_FINISSANT] == []


def test_one_list_alone_is_the_home_screens(follow_db):
    db, campaign_id, _ids = follow_db
    now = dt.datetime.combine(TODAY, dt.time(12))
    with db.read() as session:
        every = worklists(session, campaign_id, TODAY, now)
        for name in Worklist:
            assert worklist_items(session, campaign_id, name, TODAY, now) == every.items[name], name


def test_siecle_list_is_the_office_lists(demo_db):
    with demo_db.transaction() as session:
        campaign = session.scalars(select(Campaign)).one()
        pathways = session.scalars(select(Pathway).join(Youth).where(Youth.campaign_id == campaign.id)).all()
        for pathway in pathways[:3]:
            pathway.siecle_entered = False
        session.flush()
        listed = [item.youth_id for item in worklist_items(session, campaign.id, Worklist.A_SAISIR_SIECLE, TODAY)]
        office = svc.office_list(session, campaign.id)
    assert len(listed) == 3 and sorted(listed) == sorted(row.youth_id for row in office)
