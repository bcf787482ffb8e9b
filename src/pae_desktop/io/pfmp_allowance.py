"""The PFMP periods to declare in APLyPro, as CSV (BOM, `;`, formula-protected cells) or XLSX: one row per
period, built from `core.allowance.AllowanceLine` records."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from pae_desktop.core.allowance import AllowanceLine

HEADERS = (
    "id_jeune",
    "ine",
    "nom",
    "prenom",
    "date_naissance",
    "division",
    "mef",
    "libelle_mef",
    "entreprise",
    "siret",
    "date_debut",
    "date_fin",
    "jours_prevus",
    "jours_effectues",
    "forfait_journalier",
    "plafond",
    "montant_estime",
    "montant_total_jeune",
    "observation",
)
SUFFIXES = (".csv", ".xlsx")


def table(lines: Iterable[AllowanceLine]) -> list[list[Any]]:
    """The rows under `HEADERS`: dates and numbers raw (the writers format them), None for unknown values."""
    return [
        [
            line.pseudonym,
            line.ine,
            line.last_name,
            line.first_names,
            line.birth_date,
            line.division,
            line.mef,
            line.mef_label,
            line.company,
            line.siret,
            line.start,
            line.end,
            line.planned_days,
            line.days_done,
            line.daily_rate,
            line.cap,
            line.amount,
            line.youth_amount,
            line.note,
        ]
        for line in lines
    ]


def encode_csv(lines: Sequence[AllowanceLine]) -> bytes:
    """The CSV file's bytes, in the FOQUALE file's conventions (every text cell protected against formulas)."""
    from pae_desktop.io.foquale import encode_table

    return encode_table(HEADERS, table(lines))


def encode_xlsx(lines: Sequence[AllowanceLine], title: str) -> bytes:
    """A one-sheet workbook: dates as dates, days and euros as numbers, text protected against formulas."""
    from pae_desktop.io.report_xlsx import table_workbook

    return table_workbook(title, HEADERS, table(lines))
