"""The caseload as a table for export (`pae-desktop export caseload`): French labels, typed dates, by name."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from pae_desktop.core.services.campaigns import require_campaign
from pae_desktop.core.vocabulary import Diploma, ExamResult

CASELOAD_HEADERS = (
    "Nom",
    "Prénom(s)",
    "Classe",
    "Diplôme préparé",
    "Résultat à l'examen",
    "Étape",
    "Dernier contact",
    "Prochaine action",
    "Échéance",
)


def caseload_table(
    session: Session, year: int | None = None, today: dt.date | None = None
) -> tuple[int, list[list]]:
    """The campaign's caseload as the table shows it (French labels, typed dates), sorted by name."""
    from pae_desktop.core.services.youths import caseload_rows

    campaign = require_campaign(session, year)
    rows = sorted(
        caseload_rows(session, campaign.id, today), key=lambda r: (r.last_name.upper(), r.first_names)
    )
    return campaign.year, [
        [
            r.last_name.upper(),
            r.first_names,
            r.division,
            Diploma.label_of(r.diploma),
            ExamResult.label_of(r.exam_result),
            r.stage.label,
            r.last_contact,
            r.next_action,
            r.next_action_on,
        ]
        for r in rows
    ]
