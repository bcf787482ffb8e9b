"""`pae-desktop demo`: fill an empty database with a fictional school as it stands on a given day."""

from __future__ import annotations

import argparse

from pae_desktop.commands import iso_date, say

DESCRIPTION = (
    "Remplit une base vide avec un lycée fictif tel qu'il se présente à la date choisie (aujourd'hui par "
    "défaut) : la dernière campagne terminée et la campagne en cours, chacune avec ses élèves de terminale, "
    "tous les faits datés au plus tard ce jour-là. La campagne en cours est, à partir du 1er juin, celle de "
    "la rentrée de l'année (recensement, contacts, entretiens, parcours jusqu'au 31 décembre) ; avant juin, "
    "celle de l'année aussi quand elle a une phase 1 AvenirPro (ateliers depuis octobre, à partir de 2026), "
    "sinon celle de l'année précédente, terminée, dont on fait le bilan. Même graine et même date : même base."
)


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "demo",
        parents=parents,
        help="remplit une base vide avec un établissement fictif",
        description=DESCRIPTION,
    )
    parser.add_argument(
        "--students", type=int, default=150, metavar="N", help="nombre d'élèves par campagne (150)"
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="graine du hasard (0)")
    parser.add_argument(
        "--campaign",
        type=int,
        default=None,
        metavar="N",
        help="cette seule campagne, telle qu'elle se présente à la date choisie",
    )
    parser.add_argument(
        "--today",
        type=iso_date,
        default=None,
        metavar="AAAA-MM-JJ",
        help="le jour où l'on ouvre la démonstration (aujourd'hui par défaut)",
    )


def run(args: argparse.Namespace) -> int:
    from pae_desktop.core.dates import french_date
    from pae_desktop.core.errors import UserError
    from pae_desktop.core.services.demo import generate_demo
    from pae_desktop.storage.database import open_database

    if not 1 <= args.students <= 100_000:
        raise UserError("Le nombre d'élèves doit être compris entre 1 et 100 000.")
    db = open_database(args.data_dir, args.database_url)
    try:
        with db.transaction() as session:
            summary = generate_demo(
                session, students=args.students, seed=args.seed, year=args.campaign, today=args.today
            )
    finally:
        db.close()
    campaigns = " ; ".join(
        f"campagne {c.year} {'terminée' if c.closed else 'en cours'} ({c.students} élèves, {c.pathways} parcours)"
        for c in summary.campaigns
    )
    say(
        f"Établissement de démonstration créé dans {db.data_dir}, au {french_date(summary.today)} : {campaigns}."
    )
    return 0
