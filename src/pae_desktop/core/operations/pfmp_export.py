"""The PFMP allowance's periods exported for APLyPro (CSV or XLSX): one operation for the office's screen and
`pae-desktop export pfmp`, which writes the file and audits the nominative export in the same transaction."""

from __future__ import annotations

import os
from pathlib import Path

from sqlalchemy.orm import Session

from pae_desktop.core import audit, settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.operations import AUDIT, Changes, changes

PFMP_SUFFIXES = (".csv", ".xlsx")
SUFFIX_REFUSED = "Le fichier des périodes de PFMP doit se terminer par .csv ou .xlsx."


def export_pfmp(session: Session, campaign_id: int, target: str | os.PathLike) -> Changes:
    """Write the campaign's PFMP periods (`core.services.allowance`) to `target`, .csv or .xlsx by its suffix,
    and audit it; `Changes.count` is the number of periods, its warnings the note on the APLyPro table used."""
    from pae_desktop.core.services.allowance import allowance_report
    from pae_desktop.io import pfmp_allowance
    from pae_desktop.io.foquale import write_atomic

    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in PFMP_SUFFIXES:
        raise UserError(SUFFIX_REFUSED)
    report = allowance_report(session, campaign_id)
    audit.require_allowed(session, "export")  # a refused export writes no file
    if suffix == ".xlsx":
        data = pfmp_allowance.encode_xlsx(report.lines, f"PFMP {report.campaign_year}")
    else:
        data = pfmp_allowance.encode_csv(report.lines)
    written = write_atomic(target, data)
    periods, youths = len(report.lines), len(report.totals)
    audit.record(
        session,
        "export",
        "campaign",
        campaign_id,
        nominative=True,
        detail=(
            f"Allocation PFMP (APLyPro), campagne {report.campaign_year}, {periods} période(s) de "
            f"{youths} jeune(s) : {written.name}"
        ),
        staff_id=settings.get(session, settings.CURRENT_STAFF_ID),
    )
    warnings = [report.table_note] if report.table_note else []
    return changes(AUDIT, ids={"campaign": [campaign_id]}, file=written, count=periods, warnings=warnings)
