"""The home screen's worklists: one rule says which list a youth is in; one function per list gives its members.

`membership` is the one definition of «which contact list» (each youth in one list at most, in order of urgency:
a past slot to enter, a recontact due, then by stage); the follow-up lists have one rule each
(`FOLLOW_UP_RULES`, a youth may be in several). `worklists` builds every list of «Accueil» at once,
`worklist_items` one of them (the command line and the exports);
`to_contact`, `to_recontact_today`, `unreachable`, `interviews_to_propose` and `interviews_to_enter` give one
list each, for the other screens that show it (the «Entretiens» tab shows `interviews_to_propose`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from pae_desktop.core import rules, settings
from pae_desktop.core.dates import day_and_time
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign, OriginalSchooling, Youth
from pae_desktop.core.phase1 import classes_to_watch
from pae_desktop.core.services.facts import PendingDates, load_facts
from pae_desktop.core.services.follow_up_facts import NONE as NO_FACTS
from pae_desktop.core.services.follow_up_facts import FollowUpFacts, load_follow_up_facts
from pae_desktop.core.stage import consecutive_failures, derive_stage
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import ExitCategory, ExitDetail, Stage
from pae_desktop.core.worklist import (
    ENDING_WITHIN_DAYS,
    FOLLOW_UP_LISTS,
    WorkItem,
    Worklist,
    Worklists,
)

PRE_INTERVIEW = frozenset({Stage.REPERE, Stage.INFORME, Stage.CONTACTE, Stage.INJOIGNABLE})


def _attempts_detail(count: int, failures: int) -> str:
    if count == 0:
        return "Jamais contacté(e)"
    if failures:
        return f"{failures} tentative{'s' if failures > 1 else ''} sans réponse"
    return f"{count} tentative{'s' if count > 1 else ''}"


def membership(
    stage: Stage, due: PendingDates, attempts: int, failures: int, today: dt.date, now: dt.datetime
) -> tuple[Worklist, str, dt.date | None] | None:
    """The list a youth belongs to (with the detail shown and the date it is due), or None: the one rule."""
    if stage is Stage.ENTRETIEN_PLANIFIE and due.next_slot is not None and due.next_slot < now:
        return (
            Worklist.ENTRETIEN_A_SAISIR,
            f"Entretien du {day_and_time(due.next_slot)} à saisir",
            due.next_slot.date(),
        )
    if stage in PRE_INTERVIEW and due.recontact_on is not None and due.recontact_on <= today:
        late = "" if due.recontact_on == today else f" (prévue le {due.recontact_on:%d/%m})"
        return Worklist.A_RELANCER, f"Relance{late}", due.recontact_on
    if stage is Stage.INJOIGNABLE:
        return Worklist.INJOIGNABLES, f"{failures} tentatives sans réponse", None
    if due.recontact_on is not None and due.recontact_on > today and stage in PRE_INTERVIEW:
        return None  # a recontact is planned: the youth comes back on that day
    if stage is Stage.CONTACTE:
        return Worklist.ENTRETIEN_A_PROPOSER, "Joint(e) : proposer un créneau d'entretien", None
    if stage in (Stage.REPERE, Stage.INFORME):
        return Worklist.A_CONTACTER, _attempts_detail(attempts, failures), None
    return None


# --- the follow-up lists (after the contact phase): one rule each, a youth may be in several -------------------

SOLUTION_EXITS = frozenset(
    {ExitCategory.RETOUR_FORMATION, ExitCategory.EMPLOI, ExitCategory.ACCOMPAGNEMENT_ML}
)
SOLUTION_STAGES = frozenset({Stage.DEJA_EN_SOLUTION, Stage.NON_CONCERNE})


@dataclass(frozen=True, slots=True)
class FollowUpCase:
    """What the follow-up rules read of one youth: the derived stage, the dates due, the pathway and exit, the
    absences, and the campaign's latest end (31 December)."""

    stage: Stage
    due: PendingDates
    facts: FollowUpFacts
    latest_end: dt.date | None = None


Member = tuple[str, dt.date | None]  # the detail shown («À faire») and the date it is due


def _d(day: dt.date) -> str:
    return f"{day:%d/%m/%Y}"


def _days(count: int) -> str:
    return f"{count} jour{'s' if count > 1 else ''}"


def _ended_on(case: FollowUpCase, today: dt.date) -> dt.date | None:
    """The day the pathway's time ran out when it is past (its planned end, or 31 December), else None."""
    pathway = case.facts.pathway
    ends = [pathway.planned_end] + ([case.latest_end] if case.latest_end is not None else [])
    past = [end for end in ends if end < today]
    return min(past) if past else None


def overdue_action(case: FollowUpCase, today: dt.date) -> Member | None:
    """«Actions en retard»: a follow-up's next action, not done, due before today (due today is not late)."""
    due = case.due.follow_up_on
    if due is None or due >= today:
        return None
    action = case.due.follow_up_action or "Action de suivi"
    return f"{action} ({_days((today - due).days)} de retard)", due


def pathway_ending(case: FollowUpCase, today: dt.date) -> Member | None:
    """«Parcours finissant»: the planned end within 15 days, today included, with no exit nor abandonment."""
    pathway = case.facts.pathway
    if pathway is None or case.facts.exit is not None or pathway.abandoned_on is not None:
        return None
    left = (pathway.planned_end - today).days
    if not 0 <= left < ENDING_WITHIN_DAYS:
        return None
    when = "aujourd'hui" if left == 0 else "demain" if left == 1 else f"dans {left} jours"
    return f"Fin prévue {when} : préparer la sortie", pathway.planned_end


def exit_to_enter(case: FollowUpCase, today: dt.date) -> Member | None:
    """«Sortie à saisir»: no exit recorded, and the youth abandoned, or the planned end (or 31 December) is past."""
    pathway = case.facts.pathway
    if pathway is None or case.facts.exit is not None:
        return None
    if pathway.abandoned_on is not None:
        return f"Abandon le {_d(pathway.abandoned_on)} : saisir la sortie", pathway.abandoned_on
    ended = _ended_on(case, today)
    if ended is None:
        return None
    return f"Parcours terminé le {_d(ended)} : saisir la sortie", ended


def siecle_to_enter(case: FollowUpCase, today: dt.date) -> Member | None:
    """«À saisir dans SIECLE»: a pathway not yet entered (the office list's rule, `pathways.office_list`)."""
    pathway = case.facts.pathway
    if pathway is None or pathway.siecle_entered:
        return None
    start = "commencé" if pathway.start <= today else "commence"
    return f"Parcours {start} le {_d(pathway.start)} : inscription à saisir dans SIECLE", pathway.start


def absences_to_watch(case: FollowUpCase, today: dt.date) -> Member | None:
    """«Absences»: 24 unjustified half-days or more (justified ones do not count), before the 30 of the bourse."""
    total = case.facts.unjustified_half_days
    if not rules.attendance_watch(total):
        return None
    limit = rules.ATTENDANCE_ALERT_HALF_DAYS
    if rules.attendance_alert(total):
        return f"{total} demi-journées non justifiées : plus de {limit}, la bourse est en jeu", None
    return f"{total} demi-journées non justifiées (alerte au-delà de {limit})", None


def without_solution(case: FollowUpCase, today: dt.date) -> Member | None:
    """«Sans solution connue»: the latest known situation is not a solution — no exit in «Retour en formation»,
    «Emploi» or «Accompagnement Mission locale», not «Déjà en solution», not «Non concerné(e)», not in a
    pathway still running (an abandonment, or a pathway over without exit, is not a solution)."""
    if case.stage in SOLUTION_STAGES:
        return None
    exit_ = case.facts.exit
    if exit_ is not None:
        if ExitCategory.from_code(exit_.category) in SOLUTION_EXITS:
            return None
        detail = ExitDetail.label_of(exit_.detail)
        return f"Sortie « {ExitCategory.label_of(exit_.category)}{' : ' + detail if detail else ''} »", None
    pathway = case.facts.pathway
    if pathway is not None:
        if pathway.abandoned_on is not None:
            return f"Abandon du parcours le {_d(pathway.abandoned_on)}", None
        ended = _ended_on(case, today)
        if ended is None:
            return None  # in the pathway, under school status
        return f"Parcours terminé le {_d(ended)}, sortie non saisie", None
    return case.stage.label, None


FOLLOW_UP_RULES = {
    Worklist.ACTIONS_EN_RETARD: overdue_action,
    Worklist.PARCOURS_FINISSANT: pathway_ending,
    Worklist.SORTIE_A_SAISIR: exit_to_enter,
    Worklist.A_SAISIR_SIECLE: siecle_to_enter,
    Worklist.ABSENCES: absences_to_watch,
    Worklist.SANS_SOLUTION: without_solution,
}


def follow_up_membership(case: FollowUpCase, today: dt.date) -> list[tuple[Worklist, str, dt.date | None]]:
    """The follow-up lists a youth is in (several at once), with the detail shown and the date due."""
    found = []
    for name, rule in FOLLOW_UP_RULES.items():
        member = rule(case, today)
        if member is not None:
            found.append((name, *member))
    return found


def _youth_part(row, stage: Stage, attempts: list, divisions: dict[str, str]) -> tuple:
    """What every item of one youth shares, whatever the list: its strings are one object each (16 000 youths
    are in 26 000 items; a class name is one object for the whole list)."""
    youth_id, last, first, phone, phone_raw, email, key, division = row
    division = divisions.setdefault(division or "", division or "")
    at = attempts[-1].at if attempts else None  # in time order (`load_facts`): the latest is the last
    name = f"{last.upper()} {first}".strip()
    return youth_id, name, division, stage, phone or phone_raw, email, at, len(attempts), key


def _item(youth: tuple, detail: str, when: dt.date | None) -> WorkItem:
    youth_id, name, division, stage, phone, email, at, count, key = youth
    return WorkItem(youth_id, name, division, stage, phone, email, when, at, count, detail, key)


def _members(
    session: Session,
    campaign: Campaign,
    today: dt.date,
    now: dt.datetime,
    wanted: frozenset[Worklist] = frozenset(Worklist),
) -> dict[Worklist, tuple[WorkItem, ...]]:
    """The `wanted` lists of the campaign (every one by default), each in its order; the others empty. Youths who
    left the school or were anonymised are in none."""
    threshold = settings.get(session, settings.UNREACHABLE_AFTER)
    facts, pending = load_facts(session, campaign.id)
    follow = (
        load_follow_up_facts(session, campaign.id, today) if wanted.intersection(FOLLOW_UP_LISTS) else None
    )
    lists: dict[Worklist, list[WorkItem]] = {name: [] for name in Worklist}
    divisions: dict[str, str] = {}
    query = (
        select(
            Youth.id,
            Youth.last_name,
            Youth.first_names,
            Youth.phone,
            Youth.phone_raw,
            Youth.email,
            Youth.search_key,
            OriginalSchooling.division,
        )
        .outerjoin(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
        .where(
            Youth.campaign_id == campaign.id, Youth.anonymised_at.is_(None), Youth.left_school_on.is_(None)
        )
    )
    for row in session.connection().execute(query).all():  # Core rows, fetched at once (`load_facts`)
        youth_id = row[0]
        case = facts.get(youth_id)
        if case is None:
            continue
        stage = derive_stage(case, today, threshold)
        attempts = [a for a in case.attempts if a.at.date() <= today]
        targets = []
        contact = membership(
            stage, pending[youth_id], len(attempts), consecutive_failures(attempts), today, now
        )
        if contact is not None:
            targets.append(contact)
        if follow is not None:
            known = follow.get(youth_id, NO_FACTS)
            situation = FollowUpCase(stage, pending[youth_id], known, campaign.latest_end)
            targets += follow_up_membership(situation, today)
        youth = _youth_part(row, stage, attempts, divisions) if targets else None
        for name, detail, when in targets:
            if name in wanted:
                lists[name].append(_item(youth, detail, when))
    return _in_order(lists, today, now, follow or {})


def _in_order(
    lists: dict[Worklist, list[WorkItem]], today: dt.date, now: dt.datetime, follow: dict[int, FollowUpFacts]
) -> dict[Worklist, tuple[WorkItem, ...]]:
    """Each list in its order: by class for «À contacter», the oldest due first, the most absences first…"""
    folded: dict[str, str] = {}  # a class is folded once; a youth's name is its search key (already folded)

    def by_class(w: WorkItem) -> str:
        if w.division not in folded:
            folded[w.division] = fold(w.division)
        return folded[w.division]

    def by_due(w: WorkItem) -> tuple:
        return (w.due or today, w.search_key)

    def by_last_attempt(w: WorkItem) -> tuple:
        return (w.last_attempt or now, w.search_key)

    order = {
        Worklist.A_CONTACTER: lambda w: (by_class(w), w.search_key),
        Worklist.A_RELANCER: by_due,
        Worklist.INJOIGNABLES: by_last_attempt,
        Worklist.ENTRETIEN_A_PROPOSER: by_last_attempt,
        Worklist.ENTRETIEN_A_SAISIR: by_due,
        Worklist.ACTIONS_EN_RETARD: by_due,
        Worklist.PARCOURS_FINISSANT: by_due,
        Worklist.SORTIE_A_SAISIR: by_due,
        Worklist.A_SAISIR_SIECLE: by_due,
        Worklist.ABSENCES: lambda w: (-follow.get(w.youth_id, NO_FACTS).unjustified_half_days, w.search_key),
        Worklist.SANS_SOLUTION: lambda w: w.search_key,
    }
    return {name: tuple(sorted(items, key=order[name])) for name, items in lists.items()}


def _when(today: dt.date | None, now: dt.datetime | None) -> tuple[dt.date, dt.datetime]:
    """The day and the moment of the lists; a day given alone is taken at the present time of day."""
    if now is None:
        now = dt.datetime.now()
        if today is not None:
            now = dt.datetime.combine(today, now.time())
    return today or now.date(), now


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise UserError("Cette campagne n'existe plus.")
    return campaign


def left_school_count(session: Session, campaign_id: int) -> int:
    """The campaign's youths marked as having left the school (anonymised ones apart): out of the to-do lists."""
    return session.scalar(
        select(func.count(Youth.id)).where(
            Youth.campaign_id == campaign_id,
            Youth.anonymised_at.is_(None),
            Youth.left_school_on.is_not(None),
        )
    ) or 0


def worklists(
    session: Session, campaign_id: int, today: dt.date | None = None, now: dt.datetime | None = None
) -> Worklists:
    """Every list of «Accueil»: the contact lists («À contacter», «À relancer aujourd'hui», «Injoignables»,
    «Entretien à proposer», «Entretien à saisir») and the follow-up lists («Actions en retard», «Parcours
    finissant», «Sortie à saisir», «À saisir dans SIECLE», «Absences», «Sans solution connue»); during phase 1's
    school year, the classes with fewer than four workshops (of that year's campaign); how many youths an import
    marked as having left, out of every list."""
    today, now = _when(today, now)
    campaign = _campaign(session, campaign_id)
    return Worklists(
        today,
        campaign.interview_deadline,
        _members(session, campaign, today, now),
        campaign.latest_end,
        classes_to_watch(session, today),
        left_school_count(session, campaign_id),
    )


def worklist_items(
    session: Session,
    campaign_id: int,
    name: Worklist,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> tuple[WorkItem, ...]:
    """The members of one list, as the home screen counts them (the command line and the exports call it)."""
    today, now = _when(today, now)
    campaign = _campaign(session, campaign_id)
    return _members(session, campaign, today, now, frozenset({name}))[name]


def to_contact(session: Session, campaign_id: int, today=None, now=None) -> tuple[WorkItem, ...]:
    """«À contacter»."""
    return worklist_items(session, campaign_id, Worklist.A_CONTACTER, today, now)


def to_recontact_today(session: Session, campaign_id: int, today=None, now=None) -> tuple[WorkItem, ...]:
    """«À relancer aujourd'hui»."""
    return worklist_items(session, campaign_id, Worklist.A_RELANCER, today, now)


def unreachable(session: Session, campaign_id: int, today=None, now=None) -> tuple[WorkItem, ...]:
    """«Injoignables»."""
    return worklist_items(session, campaign_id, Worklist.INJOIGNABLES, today, now)


def interviews_to_propose(
    session: Session, campaign_id: int, today: dt.date | None = None, now: dt.datetime | None = None
) -> tuple[WorkItem, ...]:
    """«Entretien à proposer» (the same youths on «Accueil» and in the «Entretiens» tab)."""
    return worklist_items(session, campaign_id, Worklist.ENTRETIEN_A_PROPOSER, today, now)


def interviews_to_enter(session: Session, campaign_id: int, today=None, now=None) -> tuple[WorkItem, ...]:
    """«Entretien à saisir»: a booked slot is past and its interview is not recorded."""
    return worklist_items(session, campaign_id, Worklist.ENTRETIEN_A_SAISIR, today, now)
