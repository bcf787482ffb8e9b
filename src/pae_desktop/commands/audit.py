"""`pae-desktop audit [--since AAAA-MM-JJ] [--format csv|json] [-o FILE]`: the audit log, for the data protection
officer (read-only: no writer lock)."""

from __future__ import annotations

import argparse
import json
import sys

from pae_desktop.commands.aggregate import iso_date


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "audit",
        parents=parents,
        help="journal des accès et des modifications, pour le délégué à la protection des données",
        description=(
            "Le journal des accès et des modifications : date (UTC), utilisateur, action, objet désigné par son "
            "numéro interne, détail. Les jeunes n'y sont jamais nommés. Lecture seule."
        ),
    )
    parser.add_argument(
        "--since",
        type=iso_date,
        default=None,
        metavar="AAAA-MM-JJ",
        help="les événements depuis ce jour inclus",
    )
    parser.add_argument(
        "--format",
        choices=("csv", "json"),
        default="csv",
        help='csv (par défaut : UTF-8 avec BOM, « ; », pour un tableur) ou json ({"evenements": [...]})',
    )
    parser.add_argument(
        "-o", "--output", default=None, metavar="FICHIER", help="fichier à écrire (sinon la sortie standard)"
    )


def run(args: argparse.Namespace) -> int:
    from pae_desktop.commands import say
    from pae_desktop.core.services.audit_log import (
        AUDIT_HEADERS,
        AuditFilter,
        audit_document,
        audit_rows,
        audit_table,
    )
    from pae_desktop.io.foquale import encode_table, write_atomic
    from pae_desktop.storage.database import open_database

    db = open_database(args.data_dir, args.database_url, write=False, create=False)
    try:
        with db.read() as session:
            rows = audit_rows(session, AuditFilter(since=args.since), limit=None)
    finally:
        db.close()
    if args.format == "json":
        data = (json.dumps(audit_document(rows), ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    else:
        data = encode_table(AUDIT_HEADERS, audit_table(rows))
    if args.output is None:
        sys.stdout.write(data.decode("utf-8"))
        return 0
    write_atomic(args.output, data)
    say(f"Journal écrit : {args.output} ({len(rows)} événement{'s' if len(rows) > 1 else ''}).")
    return 0
