"""`pae-desktop erase --id ID_JEUNE [--campaign N] [--anonymise] [--yes]`: the erasure of a youth's data at their
request, as the window's «Effacer les données de ce jeune» does; without --yes, only its preview."""

from __future__ import annotations

import argparse

from pae_desktop.commands import say


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "erase",
        parents=parents,
        help="efface les données d'un jeune à sa demande (aperçu sans --yes)",
        description=(
            "Efface les données d'un jeune à sa demande : le dossier entier est supprimé, ou seulement anonymisé "
            "avec --anonymise (les statistiques de la campagne restent justes). L'opération est inscrite au "
            "journal. Sans --yes, affiche ce qui serait effacé et n'écrit rien."
        ),
    )
    parser.add_argument(
        "--id",
        dest="id_jeune",
        required=True,
        metavar="ID_JEUNE",
        help="l'identifiant pseudonyme du jeune (id_jeune, 16 caractères, celui du fichier FOQUALE et de "
        "« document --id »)",
    )
    parser.add_argument(
        "--campaign",
        type=int,
        default=None,
        metavar="N",
        help="campagne de la rentrée N (par défaut : toutes)",
    )
    parser.add_argument(
        "--anonymise", action="store_true", help="anonymise le dossier au lieu de le supprimer entièrement"
    )
    parser.add_argument("--yes", action="store_true", help="efface sans autre question (irréversible)")


def run(args: argparse.Namespace) -> int:
    from pae_desktop.core.operations.protection import erase, erasure_lines, find_youth
    from pae_desktop.storage.database import open_database

    db = open_database(args.data_dir, args.database_url, write=args.yes, create=False)
    try:
        with db.read() as session:
            youth_id = find_youth(session, args.id_jeune, args.campaign)
            lines = erasure_lines(session, youth_id, anonymise=args.anonymise)
        for line in lines:
            say(line)
        if not args.yes:
            say("Rien n'a été modifié. Relancez avec --yes pour effacer.")
            return 0
        erase(db, youth_id, anonymise=args.anonymise)
    finally:
        db.close()
    say("Dossier anonymisé." if args.anonymise else "Dossier supprimé.")
    return 0
