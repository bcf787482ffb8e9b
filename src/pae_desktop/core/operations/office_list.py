"""The office list «À saisir dans SIECLE» exported (XLSX or PDF): which youths, the file, the audit of a nominative
export — one operation for every screen that offers it."""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign
from pae_desktop.core.operations import AUDIT, Changes, changes
from pae_desktop.core.scheme import scheme_of


def export_office_list(
    session: Session,
    campaign_id: int,
    target: str | os.PathLike,
    *,
    pending_only: bool = True,
    printed_on: dt.date | None = None,
) -> Changes:
    """Write the campaign's office list to `target` (.xlsx or .pdf, by its suffix) and audit the nominative
    export; `Changes.count` is the number of youths listed."""
    from pae_desktop.core.services.pathways import office_list

    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise UserError("Liste SIECLE : choisissez un fichier .xlsx ou .pdf.")
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise UserError("Cette campagne n'existe plus.")
    rows = office_list(session, campaign_id, pending_only=pending_only)
    audit.require_allowed(session, "export")  # a refused export writes no file
    if suffix == ".xlsx":
        from pae_desktop.io.siecle_office_list import write_xlsx

        write_xlsx(target, rows, scheme_name=scheme_of(campaign).name)
    else:
        from pae_desktop.core.operations.printing import document_options, school_info
        from pae_desktop.documents.office_list import render

        options = document_options(session, campaign, printed_on=printed_on)
        render(target, school_info(session), rows, campaign_year=campaign.year, options=options)
    audit.record(
        session,
        "export",
        "office_list",
        campaign_id,
        nominative=True,
        detail=f"{len(rows)} jeune(s), {suffix}",
    )
    return changes(AUDIT, file=target, count=len(rows))
