"""`pae-desktop admin roles`: the staff roles of a shared PostgreSQL database and their members (storage/roles.py)."""

from __future__ import annotations

import argparse
import getpass
import sys

from pae_desktop.commands import say
from pae_desktop.core.errors import UserError

ROLE_CHOICES = ("referent", "equipe", "lecture")


def add_parser(subparsers, parents) -> None:
    admin = subparsers.add_parser(
        "admin",
        parents=parents,
        help="administre la base partagée (propriétaire de la base)",
        description="Administration de la base partagée PostgreSQL, réservée au propriétaire de la base.",
    )
    actions = admin.add_subparsers(dest="admin_action", metavar="ACTION", required=True)
    roles = actions.add_parser(
        "roles",
        parents=parents,
        help="crée ou met à jour les rôles pae_referent, pae_equipe, pae_lecture ; ajoute ou retire un compte",
        description=(
            "Crée ou met à jour les trois rôles et leurs droits (sans risque de le refaire), puis ajoute ou retire "
            "un compte du personnel, et affiche les comptes de chaque rôle."
        ),
    )
    roles.add_argument("--create-user", metavar="IDENTIFIANT", help="compte PostgreSQL personnel à créer ou modifier")
    roles.add_argument("--role", choices=ROLE_CHOICES, help="rôle du compte : referent, equipe ou lecture")
    roles.add_argument(
        "--password-stdin",
        action="store_true",
        help="lit le mot de passe du compte sur l'entrée standard (sinon il est demandé sur le terminal)",
    )
    roles.add_argument("--remove-user", metavar="IDENTIFIANT", help="retire le compte des trois rôles")


def _password(args: argparse.Namespace) -> str | None:
    """The new login's password: standard input, else typed twice on a terminal, else none (set by the server's
    administrator, or another authentication). It is sent to the server only, never written by the application."""
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
        if not password:
            raise UserError("Aucun mot de passe lu sur l'entrée standard.")
        return password
    if not sys.stdin.isatty():
        return None
    password = getpass.getpass(f"Mot de passe de {args.create_user} (vide : aucun) : ")
    if password and getpass.getpass("Confirmez le mot de passe : ") != password:
        raise UserError("Les deux mots de passe diffèrent : rien n'a été modifié.")
    return password or None


def run(args: argparse.Namespace) -> int:
    from pae_desktop.storage import paths, roles, shared
    from pae_desktop.storage.database import database_url, open_database

    if args.create_user and not args.role:
        raise UserError("Précisez le rôle du compte : --role referent, equipe ou lecture.")
    if args.role and not args.create_user:
        raise UserError("--role accompagne --create-user IDENTIFIANT.")
    if args.create_user and args.remove_user:
        raise UserError("Créez ou retirez un compte, pas les deux à la fois.")
    for login in (args.create_user, args.remove_user):
        if login is not None:
            roles.check_login(login)
    if not shared.is_server_url(database_url(paths.resolve_data_dir(args.data_dir), args.database_url)):
        raise UserError(
            "Les rôles concernent une base partagée PostgreSQL ; ce poste utilise sa base locale "
            "(réglez le serveur dans Paramètres › Base partagée, ou --database-url)."
        )
    password = _password(args) if args.create_user else None
    db = open_database(args.data_dir, args.database_url, write=False, create=False)
    try:
        tables = roles.install_roles(db.engine)
        say(f"Rôles pae_referent, pae_equipe et pae_lecture à jour ({len(tables)} tables).")
        if args.create_user:
            roles.set_login(db.engine, args.create_user, args.role, password)
            say(f"Compte {args.create_user} : rôle {roles.role_name(args.role)}.")
        if args.remove_user:
            roles.remove_login(db.engine, args.remove_user)
            say(f"Compte {args.remove_user} retiré des rôles PAE Desktop : il n'a plus accès à cette base.")
        for login, role in roles.members(db.engine):
            print(f"{role}\t{login}")
    finally:
        db.close()
    return 0
