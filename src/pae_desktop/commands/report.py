"""`pae-desktop report`: the campaign report as the JSON document of the FOQUALE spec §5, a PDF or an XLSX."""

from __future__ import annotations

import argparse
import json
import sys


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser("report", parents=parents, help="bilan de la campagne (JSON, PDF ou XLSX)")
    parser.add_argument("--campaign", type=int, default=None, metavar="N", help="campagne de la rentrée N")
    parser.add_argument("--format", required=True, choices=("json", "pdf", "xlsx"), help="format du bilan")
    parser.add_argument("-o", "--output", default=None, metavar="FICHIER", help="fichier à écrire")
    parser.set_defaults(usage_error=parser.error)


def write_report(report, fmt: str, output: str | None, school=None, options=None) -> None:
    """JSON to standard output without `-o`; PDF and XLSX to `output` (shared with `aggregate`)."""
    if fmt == "json":
        text = json.dumps(report.document(), ensure_ascii=False, indent=2) + "\n"
        if output is None:
            sys.stdout.write(text)
        else:
            from pae_desktop.io.foquale import write_atomic

            write_atomic(output, text.encode("utf-8"))
    elif fmt == "xlsx":
        from pae_desktop.io.report_xlsx import report_workbook, write

        write(output, report_workbook(report))
    else:
        from pae_desktop.documents.bilan import build_bilan

        build_bilan(output, report, school, options)


def run(args: argparse.Namespace) -> int:
    from pae_desktop.commands import say
    from pae_desktop.core.services.reporting import campaign_report
    from pae_desktop.storage.database import open_database

    if args.format != "json" and args.output is None:
        args.usage_error(f"le format {args.format} demande -o FICHIER")
    db = open_database(args.data_dir, args.database_url, write=False, create=False)
    try:
        with db.read() as session:
            report, _rows = campaign_report(session, args.campaign)
            school = options = None
            if args.format == "pdf":
                from pae_desktop.core.operations.printing import document_options
                from pae_desktop.core.services.school import get_school
                from pae_desktop.documents.layout import SchoolInfo

                school = SchoolInfo.of(get_school(session))
                options = document_options(session)
    finally:
        db.close()
    write_report(report, args.format, args.output, school, options)
    if args.output:
        say(f"Bilan de la campagne {report.campagne} écrit : {args.output}")
    return 0
