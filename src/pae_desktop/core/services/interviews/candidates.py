"""The youths the «Entretiens» tab offers to book: the home screen's worklists, never a second definition."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core.models import ContactAttempt, Youth
from pae_desktop.core.text import fold
from pae_desktop.core.vocabulary import NextStep, Stage
from pae_desktop.core.worklist import Worklist

# «Entretien à proposer»; with «Inclure les jeunes pas encore joints», the lists of youths not reached yet.
TO_BOOK = (Worklist.ENTRETIEN_A_PROPOSER,)
NOT_REACHED_YET = (Worklist.A_CONTACTER, Worklist.A_RELANCER, Worklist.INJOIGNABLES)


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """A youth to book: no pending booking, no interview yet."""

    id: int
    name: str
    division: str
    stage: Stage
    proposed: bool  # the latest contact attempt's next step is «Entretien proposé»
    search_key: str


def _latest_next_steps(session: Session, campaign_id: int) -> dict[int, str]:
    latest_step: dict[int, str] = {}
    for youth_id, next_step in session.execute(
        select(ContactAttempt.youth_id, ContactAttempt.next_step)
        .join(Youth, Youth.id == ContactAttempt.youth_id)
        .where(Youth.campaign_id == campaign_id)
        .order_by(ContactAttempt.at, ContactAttempt.id)
    ):
        latest_step[youth_id] = next_step or ""
    return latest_step


def youths_to_book(
    session: Session, campaign_id: int, today: dt.date | None = None, *, everyone_open: bool = False
) -> list[CandidateRow]:
    """«Entretien à proposer»: the very youths of the home screen's list of that name
    (`core.services.contacts.worklists`), those offered an interview first.

    `everyone_open` adds the home screen's lists of youths not reached yet («À contacter», «À relancer
    aujourd'hui», «Injoignables»).
    """
    from pae_desktop.core.services.contacts import worklists

    now = dt.datetime.now()
    if today is not None:
        now = dt.datetime.combine(today, now.time())
    lists = worklists(session, campaign_id, now.date(), now)
    wanted = TO_BOOK + (NOT_REACHED_YET if everyone_open else ())
    latest_step = _latest_next_steps(session, campaign_id)
    rows = [
        CandidateRow(
            item.youth_id,
            item.name,
            item.division,
            item.stage,
            latest_step.get(item.youth_id) == NextStep.ENTRETIEN_PROPOSE,
            item.search_key,
        )
        for name in wanted
        for item in lists.items[name]
    ]
    rows.sort(key=lambda r: (not r.proposed, fold(r.name)))
    return rows
