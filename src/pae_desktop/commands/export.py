"""`pae-desktop export foquale|caseload`: the FOQUALE exchange file, or the caseload table as XLSX or CSV."""

from __future__ import annotations

import argparse
from pathlib import Path

from pae_desktop.commands import say


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser("export", parents=parents, help="exporte le fichier FOQUALE ou la liste des jeunes")
    kinds = parser.add_subparsers(dest="export_kind", metavar="TYPE", parser_class=type(parser), required=True)
    foquale = kinds.add_parser(
        "foquale", parents=parents, help="fichier d'échange PAE-FOQUALE (CSV, pseudonymisé par défaut)"
    )
    foquale.add_argument("--campaign", type=int, default=None, metavar="N", help="campagne de la rentrée N")
    foquale.add_argument(
        "--nominative", action="store_true", help="remplit les colonnes nominatives (export inscrit au journal)"
    )
    foquale.add_argument("-o", "--output", required=True, metavar="FICHIER.csv", help="fichier (ou dossier) à écrire")
    caseload = kinds.add_parser("caseload", parents=parents, help="liste des jeunes de la campagne (XLSX ou CSV)")
    caseload.add_argument("--campaign", type=int, default=None, metavar="N", help="campagne de la rentrée N")
    caseload.add_argument("-o", "--output", required=True, metavar="FICHIER.xlsx|FICHIER.csv", help="fichier à écrire")
    caseload.set_defaults(usage_error=caseload.error)


def run(args: argparse.Namespace) -> int:
    if args.export_kind == "foquale":
        return _foquale(args)
    return _caseload(args)


def _foquale(args: argparse.Namespace) -> int:
    from pae_desktop.core.services.campaigns import require_campaign
    from pae_desktop.core.services.school import get_school
    from pae_desktop.io import foquale
    from pae_desktop.storage.database import open_database

    target = Path(args.output)
    # Only a nominative export writes (to the audit log): a pseudonymised one takes no lock.
    db = open_database(args.data_dir, args.database_url, write=args.nominative, create=False)
    try:
        with db.transaction() as session:
            campaign = require_campaign(session, args.campaign)
            school = get_school(session)
            if target.is_dir():
                target = target / foquale.file_name(school.uai if school else "", campaign.year)
            count = foquale.export_campaign(session, campaign, target, nominative=args.nominative)
    finally:
        db.close()
    mode = "nominatif (inscrit au journal)" if args.nominative else "pseudonymisé"
    say(f"Fichier FOQUALE {mode} écrit : {target} ({count} jeune{'s' if count > 1 else ''}).")
    return 0


def _caseload(args: argparse.Namespace) -> int:
    from pae_desktop.core.services.reporting import CASELOAD_HEADERS, caseload_table
    from pae_desktop.io.foquale import encode_table, write_atomic
    from pae_desktop.storage.database import open_database

    target = Path(args.output)
    suffix = target.suffix.lower()
    if suffix not in (".xlsx", ".csv"):
        args.usage_error("le fichier de sortie doit se terminer par .xlsx ou .csv")
    db = open_database(args.data_dir, args.database_url, write=False, create=False)
    try:
        with db.read() as session:
            year, rows = caseload_table(session, args.campaign)
    finally:
        db.close()
    if suffix == ".xlsx":
        from pae_desktop.io.report_xlsx import table_workbook

        data = table_workbook(f"Jeunes {year}", CASELOAD_HEADERS, rows)
    else:
        data = encode_table(CASELOAD_HEADERS, rows)
    write_atomic(target, data)
    say(f"Liste des jeunes de la campagne {year} écrite : {target} ({len(rows)} jeunes).")
    return 0
