"""`pae-desktop worklist --list | NAME [--campaign N] [--today AAAA-MM-JJ] [--format csv|json] [-o FILE]`: the home
screen's lists, their counts and their youths (the same function as «Accueil», `worklist_items`).

On standard output the rows are pseudonymised (`id_jeune`, class, stage, due date, what to do) and nothing is
written to the database; with `-o FILE` they name the youths (name, phone, e-mail), and the export is audited.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from pae_desktop.commands import iso_date, say
from pae_desktop.core.worklist import SLUGS, Worklist, worklist_by_slug


def _names_text() -> str:
    return "\n".join(f"  {slug:<24} {name.value}" for name, slug in SLUGS.items())


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "worklist",
        parents=parents,
        help="listes de travail de l'accueil : leurs effectifs et leurs jeunes",
        description=(
            "Les listes de travail de l'accueil, calculées comme dans la fenêtre. Sur la sortie standard, les "
            "lignes sont pseudonymisées (id_jeune) ; avec -o FICHIER, elles nomment les jeunes (nom, "
            "téléphone, courriel) et l'export est inscrit au journal.\n\nListes :\n" + _names_text()
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("name", nargs="?", metavar="LISTE", help="nom de la liste (voir --list)")
    parser.add_argument("--list", action="store_true", help="les listes, leur libellé et leur effectif")
    parser.add_argument("--campaign", type=int, default=None, metavar="N", help="campagne de la rentrée N")
    parser.add_argument(
        "--today", type=iso_date, default=None, metavar="AAAA-MM-JJ", help="les listes vues ce jour-là"
    )
    parser.add_argument(
        "--format",
        choices=("csv", "json"),
        default=None,
        help="csv (par défaut : UTF-8 avec BOM, « ; ») ou json (une liste d'objets)",
    )
    parser.add_argument(
        "--psad",
        action="store_true",
        help="avec sans-solution-connue et -o FICHIER.csv|.xlsx : la liste demandée par la PSAD",
    )
    parser.add_argument(
        "-o", "--output", default=None, metavar="FICHIER", help="fichier nominatif à écrire (inscrit au journal)"
    )
    parser.set_defaults(usage_error=parser.error)


def _chosen(args: argparse.Namespace) -> Worklist | None:
    """The list asked for, None with --list; a usage error (exit 2) names the lists."""
    if args.list:
        if args.name or args.output or args.psad:
            args.usage_error("--list s'emploie seul (avec --campaign, --today et --format)")
        return None
    if not args.name:
        args.usage_error("précisez une liste ou --list\nListes :\n" + _names_text())
    name = worklist_by_slug(args.name)
    if name is None:
        args.usage_error(f"liste inconnue « {args.name} »\nListes :\n" + _names_text())
    if args.psad:
        if name is not Worklist.SANS_SOLUTION or not args.output:
            args.usage_error("--psad : seulement avec sans-solution-connue et -o FICHIER.csv|.xlsx")
        if Path(args.output).suffix.lower() not in (".csv", ".xlsx"):
            args.usage_error("--psad : le fichier doit se terminer par .csv ou .xlsx")
        if args.format:
            args.usage_error("--psad : le format vient du nom du fichier (.csv ou .xlsx)")
    return name


def _write(data: bytes) -> None:
    sys.stdout.write(data.decode("utf-8"))


def _counts(db, args: argparse.Namespace) -> int:
    from pae_desktop.core.services.campaigns import require_campaign
    from pae_desktop.core.services.worklists import worklists
    from pae_desktop.io.foquale import encode_table

    with db.read() as session:
        campaign = require_campaign(session, args.campaign)
        counts = worklists(session, campaign.id, args.today).counts
    rows = [(slug, name.value, counts[name]) for name, slug in SLUGS.items()]
    if args.format == "json":
        objects = [{"liste": slug, "libelle": label, "effectif": count} for slug, label, count in rows]
        sys.stdout.write(json.dumps(objects, ensure_ascii=False, indent=2) + "\n")
    elif args.format == "csv":
        sys.stdout.write(encode_table(("liste", "libelle", "effectif"), rows).decode("utf-8"))
    else:
        sys.stdout.write("".join(f"{slug:<24} {label:<26} {count:>5}\n" for slug, label, count in rows))
    return 0


def _rows(db, args: argparse.Namespace, name: Worklist) -> int:
    from pae_desktop.core.operations.worklist_exports import encode_records
    from pae_desktop.core.services.campaigns import require_campaign
    from pae_desktop.core.services.worklist_export import worklist_records

    with db.read() as session:
        campaign = require_campaign(session, args.campaign)
        records = worklist_records(session, campaign, name, args.today, nominative=False)
    _write(encode_records(records, args.format or "csv"))
    return 0


def _file(db, args: argparse.Namespace, name: Worklist) -> int:
    from pae_desktop.core.operations.worklist_exports import export_psad, export_worklist
    from pae_desktop.core.services.campaigns import require_campaign

    target = Path(args.output)
    fmt = args.format or ("json" if target.suffix.lower() == ".json" else "csv")
    with db.transaction() as session:
        campaign = require_campaign(session, args.campaign)
        if args.psad:
            done = export_psad(session, campaign, target, args.today)
        else:
            done = export_worklist(session, campaign, name, target, fmt, args.today)
    plural = "s" if done.count > 1 else ""
    what = "pour la PSAD " if args.psad else ""
    say(f"Liste « {name.value} » {what}écrite : {done.file} ({done.count} jeune{plural}, inscrite au journal).")
    return 0


def run(args: argparse.Namespace) -> int:
    from pae_desktop.storage.database import open_database

    name = _chosen(args)
    # A nominative file writes its audit event: only then does the command take the writer's lock.
    db = open_database(args.data_dir, args.database_url, write=args.output is not None, create=False)
    try:
        if name is None:
            return _counts(db, args)
        if args.output is None:
            return _rows(db, args, name)
        return _file(db, args, name)
    finally:
        db.close()
