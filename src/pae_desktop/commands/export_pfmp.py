"""`pae-desktop export pfmp`: the PFMP periods of a campaign with the allowance expected, to enter in APLyPro.

Registered by `commands/export.py` as one of its kinds; the parser sets its own `command_module`, so that
`run` here handles it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pae_desktop.commands import say


def add_parser(kinds, parents) -> None:
    """The `pfmp` kind of `export` (`kinds` is export's subparsers)."""
    parser = kinds.add_parser(
        "pfmp",
        parents=parents,
        help="périodes de PFMP et allocation estimée, à saisir dans APLyPro (CSV ou XLSX, export inscrit au journal)",
        description=(
            "Une ligne par période de PFMP des jeunes de la campagne : entreprise, SIRET, dates, jours prévus et "
            "effectués, forfait journalier et plafond du MEF du parcours (barème APLyPro de l'année scolaire), "
            "montant estimé. Export nominatif, inscrit au journal."
        ),
    )
    parser.add_argument("--campaign", type=int, default=None, metavar="N", help="campagne de la rentrée N")
    parser.add_argument("-o", "--output", required=True, metavar="FICHIER.csv|FICHIER.xlsx", help="fichier à écrire")
    parser.set_defaults(command_module=__name__, usage_error=parser.error)


def run(args: argparse.Namespace) -> int:
    from pae_desktop.core.operations.pfmp_export import PFMP_SUFFIXES, export_pfmp
    from pae_desktop.core.services.campaigns import require_campaign
    from pae_desktop.storage.database import open_database

    target = Path(args.output)
    if target.suffix.lower() not in PFMP_SUFFIXES:
        args.usage_error("le fichier de sortie doit se terminer par .csv ou .xlsx")
    # Names, INE and companies: a nominative export, written to the audit log (the command takes the lock).
    db = open_database(args.data_dir, args.database_url, create=False)
    try:
        with db.transaction() as session:
            campaign = require_campaign(session, args.campaign)
            year = campaign.year
            done = export_pfmp(session, campaign.id, target)
    finally:
        db.close()
    for warning in done.warnings:
        say(warning)
    count = done.count
    say(
        f"Périodes de PFMP de la campagne {year} écrites : {done.file} "
        f"({count} période{'s' if count > 1 else ''}, inscrit au journal)."
    )
    return 0
