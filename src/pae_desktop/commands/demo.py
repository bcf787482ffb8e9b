"""`pae-desktop demo`: fill an empty database with a fictional school and a whole campaign."""

from __future__ import annotations

import argparse

from pae_desktop.commands import say


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "demo", parents=parents, help="remplit une base vide avec un établissement fictif"
    )
    parser.add_argument("--students", type=int, default=150, metavar="N", help="nombre d'élèves (150)")
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="graine du hasard (0)")
    parser.add_argument("--campaign", type=int, default=None, metavar="N", help="année de la campagne")


def run(args: argparse.Namespace) -> int:
    from pae_desktop.core.errors import UserError
    from pae_desktop.core.services.demo import generate_demo
    from pae_desktop.storage.database import open_database

    if not 1 <= args.students <= 100_000:
        raise UserError("Le nombre d'élèves doit être compris entre 1 et 100 000.")
    db = open_database(args.data_dir, args.database_url)
    try:
        with db.transaction() as session:
            summary = generate_demo(session, students=args.students, seed=args.seed, year=args.campaign)
    finally:
        db.close()
    say(
        f"Établissement de démonstration créé dans {db.data_dir} : {summary.students} élèves, "
        f"campagne {summary.year}, {summary.pathways} parcours."
    )
    return 0
