"""The SIECLE office list: the pathways to enter in SIECLE under their MEF, and the «Saisie SIECLE faite» flag."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign, Pathway, Youth
from pae_desktop.core.operations import PATHWAYS, Changes, changes, load_for_update
from pae_desktop.core.scheme import scheme_of

# --- the SIECLE office list -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OfficeRow:
    """One line of «À saisir dans SIECLE»."""

    pathway_id: int
    youth_id: int
    ine: str
    last_name: str
    first_names: str
    birth_date: dt.date | None
    mef_code: str
    mef_label: str  # the short label in the campaign's scheme («APRO PLUS 3»)
    start_date: dt.date
    boursier: bool
    siecle_entered: bool
    siecle_entered_on: dt.date | None
    version: int | None = None  # the pathway's, as listed

    @property
    def name(self) -> str:
        return f"{self.last_name.upper()} {self.first_names}".strip()


def office_list(session: Session, campaign_id: int, *, pending_only: bool = True) -> list[OfficeRow]:
    """The pathways of a campaign to enter in SIECLE under its scheme's MEF (all with `pending_only=False`)."""
    scheme = scheme_of(session.get(Campaign, campaign_id))
    query = (
        select(Pathway, Youth)
        .join(Youth, Youth.id == Pathway.youth_id)
        .where(Youth.campaign_id == campaign_id)
        .order_by(Youth.last_name, Youth.first_names)
    )
    if pending_only:
        query = query.where(Pathway.siecle_entered.is_(False))
    rows = []
    for pathway, youth in session.execute(query):
        rows.append(
            OfficeRow(
                pathway.id,
                youth.id,
                youth.ine,
                youth.last_name,
                youth.first_names,
                youth.birth_date,
                pathway.mef_code,
                scheme.mef_short(pathway.mef_code),
                pathway.start_date,
                youth.boursier,
                pathway.siecle_entered,
                pathway.siecle_entered_on,
                pathway.version,
            )
        )
    return rows


def set_siecle_entered(
    session: Session,
    pathway_id: int,
    entered: bool = True,
    on: dt.date | None = None,
    today: dt.date | None = None,
    version: int | None = None,
) -> Changes:
    """Tick (or untick) «Saisie SIECLE faite», with its date (today by default), on the pathway as loaded."""
    today = today or dt.date.today()
    pathway = load_for_update(session, Pathway, pathway_id, version, "Ce parcours n'existe plus.")
    on = (on or today) if entered else None
    if on is not None and on > today:
        raise UserError("Date de saisie SIECLE : elle ne peut être dans le futur.")
    if pathway.siecle_entered != entered or pathway.siecle_entered_on != on:
        audit.record(
            session,
            "update",
            "pathway",
            pathway.id,
            field="siecle_entered",
            old=pathway.siecle_entered_on,
            new=on,
        )
    pathway.siecle_entered = entered
    pathway.siecle_entered_on = on
    session.flush()
    return changes(PATHWAYS, ids={"pathway": (pathway.id,)}, versions={"pathway": pathway.version})
