"""`pae-desktop export contacts|courriels`: a list's contact list (CSV for SMS and ENT tools, XLSX) and its
e-mail drafts (`.eml`), over the mass-contact operations (`core/operations/mass_contact.py`).

The youths are those of a worklist (`--liste a-contacter`), of a class (`--classe`), or every youth of the
campaign still at school. `pae-desktop document courrier --liste NAME` prints the same lists' letters.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pae_desktop.commands import iso_date, say


def add_list_options(parser: argparse.ArgumentParser, *, campaign: bool = True) -> None:
    """`--liste NAME` or `--classe DIVISION` (and `--campaign N`, `--today AAAA-MM-JJ`)."""
    from pae_desktop.core.worklist import Worklist

    names = ", ".join(worklist.slug for worklist in Worklist)
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--liste", metavar="NOM", help=f"les jeunes d'une liste de travail ({names})")
    who.add_argument("--classe", metavar="CLASSE", help="les jeunes d'une classe")
    if campaign:
        parser.add_argument("--campaign", type=int, default=None, metavar="N", help="campagne de la rentrée N")
    parser.add_argument(
        "--today", type=iso_date, default=None, metavar="AAAA-MM-JJ", help="date du jour des listes (par défaut : aujourd'hui)"
    )


def add_parsers(kinds, parents) -> None:
    contacts = kinds.add_parser(
        "contacts",
        parents=parents,
        help="liste de contacts d'une liste de travail ou d'une classe (CSV pour SMS et ENT, ou XLSX ; inscrite au journal)",
        description=(
            "Téléphones (national et E.164), courriels et, pour un mineur, représentant légal. Les jeunes sans "
            "coordonnées sont listés à part : second fichier « …_sans_coordonnees.csv » ou seconde feuille."
        ),
    )
    add_list_options(contacts)
    contacts.add_argument("-o", "--output", required=True, metavar="FICHIER.csv|FICHIER.xlsx", help="fichier à écrire")
    contacts.set_defaults(export_run=_contacts, usage_error=contacts.error)
    courriels = kinds.add_parser(
        "courriels",
        parents=parents,
        help="brouillons de courriels (.eml, un par jeune ayant une adresse ; rien n'est envoyé ; inscrits au journal)",
    )
    add_list_options(courriels)
    courriels.add_argument("-o", "--output", required=True, metavar="DOSSIER", help="dossier des brouillons")
    courriels.set_defaults(export_run=_courriels, usage_error=courriels.error)


def _run(args: argparse.Namespace, operation) -> tuple[int, object]:
    """Open the database (the command writes the audit log: it takes the lock), find the youths, run."""
    from pae_desktop.core.services.campaigns import require_campaign
    from pae_desktop.core.services.contact_lists import list_youths
    from pae_desktop.storage.database import open_database

    db = open_database(args.data_dir, args.database_url, create=False)
    try:
        with db.transaction() as session:
            campaign = require_campaign(session, args.campaign)
            ids = list_youths(session, campaign.id, worklist=args.liste, division=args.classe, today=args.today)
            if not ids:
                return campaign.year, None
            return campaign.year, operation(session, campaign.id, ids)
    finally:
        db.close()


def _report(done) -> None:
    for warning in done.warnings:
        say(warning)


def _contacts(args: argparse.Namespace) -> int:
    from pae_desktop.core.operations.mass_contact import CONTACT_SUFFIXES, export_contact_list

    target = Path(args.output)
    if target.suffix.lower() not in CONTACT_SUFFIXES:
        args.usage_error("le fichier de sortie doit se terminer par .csv ou .xlsx")
    year, done = _run(args, lambda s, c, ids: export_contact_list(s, c, ids, target, today=args.today))
    if done is None:
        say("Aucun jeune concerné")
        return 0
    say(f"Liste de contacts de la campagne {year} écrite : {done.file} ({done.count} jeunes, inscrite au journal).")
    _report(done)
    return 0


def _courriels(args: argparse.Namespace) -> int:
    from pae_desktop.core.operations.mass_contact import write_email_drafts

    year, done = _run(args, lambda s, c, ids: write_email_drafts(s, c, ids, Path(args.output), today=args.today))
    if done is None:
        say("Aucun jeune concerné")
        return 0
    say(f"{done.count} brouillon{'s' if done.count > 1 else ''} de courriel écrit{'s' if done.count > 1 else ''} "
        f"dans {done.file} (campagne {year}, inscrits au journal ; rien n'a été envoyé).")
    _report(done)
    return 0
