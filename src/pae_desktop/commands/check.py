"""`pae-desktop check`: the integrity and the schema of the database; exit status 1 when either fails."""

from __future__ import annotations

import argparse

from pae_desktop.commands import say


def add_parser(subparsers, parents) -> None:
    subparsers.add_parser("check", parents=parents, help="vérifie l'intégrité et le schéma de la base")


def run(args: argparse.Namespace) -> int:
    from pae_desktop.storage.backup import check_database

    report = check_database(args.data_dir, args.database_url)
    for line in report.lines():
        say(line)
    return 0 if report.ok else 1
