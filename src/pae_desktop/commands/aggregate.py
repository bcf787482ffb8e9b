"""`pae-desktop aggregate`: the network's consolidation of its schools' FOQUALE files (spec §5)."""

from __future__ import annotations

import argparse
import sys

from pae_desktop.commands import iso_date


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "aggregate", parents=parents, help="consolide les fichiers FOQUALE des établissements d'un réseau"
    )
    parser.add_argument("files", nargs="+", metavar="FICHIER.csv", help="fichiers FOQUALE, un par établissement")
    parser.add_argument("--format", required=True, choices=("json", "pdf", "xlsx"), help="format du bilan")
    parser.add_argument("-o", "--output", default=None, metavar="FICHIER", help="fichier à écrire")
    parser.add_argument(
        "--deadline",
        type=iso_date,
        default=None,
        metavar="AAAA-MM-JJ",
        help="date cible des entretiens imposée",
    )
    parser.set_defaults(usage_error=parser.error)


def run(args: argparse.Namespace) -> int:
    from pae_desktop.commands import say
    from pae_desktop.core.operations.exports import report_data, save_network_report
    from pae_desktop.core.services.consolidation import InvalidFiles, consolidate

    if args.format != "json" and args.output is None:
        args.usage_error(f"le format {args.format} demande -o FICHIER")
    try:
        report = consolidate(args.files, deadline=args.deadline)
    except InvalidFiles as error:
        say(f"Consolidation refusée, rien n'a été écrit : {len(error.problems)} problème(s).")
        for problem in error.problems:
            print(f"{problem.file}, ligne {problem.line}, colonne {problem.column or '-'} : {problem.message}", file=sys.stderr)
        return 1
    if args.output is None:
        sys.stdout.write(report_data(report, "json").decode("utf-8"))
        return 0
    save_network_report(report, args.format, args.output)
    say(f"Consolidation de {len(args.files)} fichier(s) écrite : {args.output}")
    return 0
