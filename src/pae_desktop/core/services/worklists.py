"""The home screen's worklists: one rule says which list a youth is in; one function per list gives its members.

`membership` is the one definition of «which list» (each youth in one list at most, in order of urgency: a past
slot to enter, a recontact due, then by stage). `worklists` builds the five lists of «Accueil» at once;
`to_contact`, `to_recontact_today`, `unreachable`, `interviews_to_propose` and `interviews_to_enter` give one
list each, for the other screens that show it (the «Entretiens» tab shows `interviews_to_propose`).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign, OriginalSchooling, Youth
from pae_desktop.core.phase1 import classes_to_watch
from pae_desktop.core.services.facts import PendingDates, load_facts
from pae_desktop.core.stage import consecutive_failures, derive_stage
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import Stage
from pae_desktop.core.worklist import WorkItem, Worklist, Worklists

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
            f"Entretien du {due.next_slot:%d/%m à %Hh%M} à saisir",
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


def _members(
    session: Session, campaign_id: int, today: dt.date, now: dt.datetime
) -> dict[Worklist, tuple[WorkItem, ...]]:
    """Every list of the campaign, each in its order. Youths who left the school or were anonymised are in none."""
    threshold = settings.get(session, settings.UNREACHABLE_AFTER)
    facts, pending = load_facts(session, campaign_id)
    lists: dict[Worklist, list[WorkItem]] = {name: [] for name in Worklist}
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
            Youth.campaign_id == campaign_id, Youth.anonymised_at.is_(None), Youth.left_school_on.is_(None)
        )
    )
    for youth_id, last, first, phone, phone_raw, email, key, division in session.execute(query):
        case = facts.get(youth_id)
        if case is None:
            continue
        stage = derive_stage(case, today, threshold)
        attempts = [a for a in case.attempts if a.at.date() <= today]
        target = membership(
            stage, pending[youth_id], len(attempts), consecutive_failures(attempts), today, now
        )
        if target is None:
            continue
        name, detail, when = target
        lists[name].append(
            WorkItem(
                youth_id,
                f"{last.upper()} {first}".strip(),
                division or "",
                stage,
                phone or phone_raw,
                email,
                when,
                max((a.at for a in attempts), default=None),
                len(attempts),
                detail,
                key,
            )
        )
    folded: dict[
        str, str
    ] = {}  # a class name is folded once, a youth's name is its search key (already folded)

    def by_class(w: WorkItem) -> str:
        if w.division not in folded:
            folded[w.division] = fold(w.division)
        return folded[w.division]

    order = {
        Worklist.A_CONTACTER: lambda w: (by_class(w), w.search_key),
        Worklist.A_RELANCER: lambda w: (w.due or today, w.search_key),
        Worklist.INJOIGNABLES: lambda w: (w.last_attempt or now, w.search_key),
        Worklist.ENTRETIEN_A_PROPOSER: lambda w: (w.last_attempt or now, w.search_key),
        Worklist.ENTRETIEN_A_SAISIR: lambda w: (w.due or today, w.search_key),
    }
    return {name: tuple(sorted(items, key=order[name])) for name, items in lists.items()}


def _when(today: dt.date | None, now: dt.datetime | None) -> tuple[dt.date, dt.datetime]:
    now = now or dt.datetime.now()
    return today or now.date(), now


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise UserError("Cette campagne n'existe plus.")
    return campaign


def worklists(
    session: Session, campaign_id: int, today: dt.date | None = None, now: dt.datetime | None = None
) -> Worklists:
    """«À contacter», «À relancer aujourd'hui», «Injoignables», «Entretien à proposer», «Entretien à saisir»;
    during phase 1's school year, the classes with fewer than four workshops (of that year's campaign)."""
    today, now = _when(today, now)
    campaign = _campaign(session, campaign_id)
    return Worklists(
        today,
        campaign.interview_deadline,
        _members(session, campaign_id, today, now),
        campaign.latest_end,
        classes_to_watch(session, today),
    )


def worklist_items(
    session: Session,
    campaign_id: int,
    name: Worklist,
    today: dt.date | None = None,
    now: dt.datetime | None = None,
) -> tuple[WorkItem, ...]:
    """The members of one list, as the home screen counts them."""
    today, now = _when(today, now)
    _campaign(session, campaign_id)
    return _members(session, campaign_id, today, now)[name]


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
