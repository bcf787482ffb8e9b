"""`pae-desktop report`: the campaign report as the JSON document of the FOQUALE spec §5, a PDF or an XLSX."""

from __future__ import annotations

import argparse
import sys


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser("report", parents=parents, help="bilan de la campagne (JSON, PDF ou XLSX)")
    parser.add_argument("--campaign", type=int, default=None, metavar="N", help="campagne de la rentrée N")
    parser.add_argument("--format", required=True, choices=("json", "pdf", "xlsx"), help="format du bilan")
    parser.add_argument(
        "-o", "--output", default=None, metavar="FICHIER", help="fichier à écrire (le PDF est inscrit au journal)"
    )
    parser.set_defaults(usage_error=parser.error)


def run(args: argparse.Namespace) -> int:
    from pae_desktop.commands import say
    from pae_desktop.core.operations.exports import campaign_year, export_report, report_data
    from pae_desktop.storage.database import open_database

    if args.format != "json" and args.output is None:
        args.usage_error(f"le format {args.format} demande -o FICHIER")
    if args.output is None:  # the JSON document on standard output: a read, nothing recorded
        from pae_desktop.core.services.reporting import campaign_report

        db = open_database(args.data_dir, args.database_url, write=False, create=False)
        try:
            with db.read() as session:
                report, _rows = campaign_report(session, args.campaign)
        finally:
            db.close()
        sys.stdout.write(report_data(report, "json").decode("utf-8"))
        return 0
    # A PDF is a print, written to the audit log: the command takes the lock (the other formats only read).
    db = open_database(args.data_dir, args.database_url, write=args.format == "pdf", create=False)
    try:
        year = campaign_year(db, args.campaign)
        export_report(db, year, args.format, args.output)
    finally:
        db.close()
    say(f"Bilan de la campagne {year} écrit : {args.output}")
    return 0
