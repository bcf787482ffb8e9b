"""`pae-desktop export foquale|caseload|contacts|courriels`: the FOQUALE exchange file, the caseload table as XLSX
or CSV, a list's contact list and e-mail drafts (`commands/export_contacts.py`)."""

from __future__ import annotations

import argparse
from pathlib import Path

from pae_desktop.commands import export_contacts, export_pfmp, say


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "export",
        parents=parents,
        help="exporte le fichier FOQUALE, la liste des jeunes, une liste de contacts ou des brouillons de courriels",
    )
    kinds = parser.add_subparsers(dest="export_kind", metavar="TYPE", parser_class=type(parser), required=True)
    foquale = kinds.add_parser(
        "foquale", parents=parents, help="fichier d'échange PAE-FOQUALE (CSV, pseudonymisé par défaut)"
    )
    foquale.add_argument("--campaign", type=int, default=None, metavar="N", help="campagne de la rentrée N")
    foquale.add_argument(
        "--nominative", action="store_true", help="remplit les colonnes nominatives (export inscrit au journal)"
    )
    foquale.add_argument("-o", "--output", required=True, metavar="FICHIER.csv", help="fichier (ou dossier) à écrire")
    caseload = kinds.add_parser(
        "caseload", parents=parents, help="liste nominative des jeunes de la campagne (XLSX ou CSV, export inscrit au journal)"
    )
    caseload.add_argument("--campaign", type=int, default=None, metavar="N", help="campagne de la rentrée N")
    caseload.add_argument("-o", "--output", required=True, metavar="FICHIER.xlsx|FICHIER.csv", help="fichier à écrire")
    caseload.set_defaults(usage_error=caseload.error)
    export_pfmp.add_parser(kinds, parents)  # `export pfmp`, run by its own module
    export_contacts.add_parsers(kinds, parents)


def run(args: argparse.Namespace) -> int:
    if hasattr(args, "export_run"):
        return args.export_run(args)
    if args.export_kind == "foquale":
        return _foquale(args)
    return _caseload(args)


def _foquale(args: argparse.Namespace) -> int:
    from pae_desktop.core.operations.exports import export_foquale
    from pae_desktop.storage.database import open_database

    # Only a nominative export writes (to the audit log): a pseudonymised one takes no lock.
    db = open_database(args.data_dir, args.database_url, write=args.nominative, create=False)
    try:
        done = export_foquale(db, args.campaign, Path(args.output), nominative=args.nominative)
    finally:
        db.close()
    mode = "nominatif (inscrit au journal)" if args.nominative else "pseudonymisé"
    count = done.count
    say(f"Fichier FOQUALE {mode} écrit : {done.file} ({count} jeune{'s' if count > 1 else ''}).")
    return 0


def _caseload(args: argparse.Namespace) -> int:
    from pae_desktop.core.operations.exports import CASELOAD_SUFFIXES, campaign_year, export_caseload
    from pae_desktop.storage.database import open_database

    target = Path(args.output)
    if target.suffix.lower() not in CASELOAD_SUFFIXES:
        args.usage_error("le fichier de sortie doit se terminer par .xlsx ou .csv")
    # Names, classes and stages: a nominative export, written to the audit log (the command takes the lock).
    db = open_database(args.data_dir, args.database_url, create=False)
    try:
        year = campaign_year(db, args.campaign)
        done = export_caseload(db, year, target)
    finally:
        db.close()
    say(f"Liste des jeunes de la campagne {year} écrite : {done.file} ({done.count} jeunes, inscrite au journal).")
    return 0
