"""`pae-desktop document KIND (--ine INE | --id ID_JEUNE | --all) [--campaign N] -o PATH`: print PDFs.

A thin command over the print operation (`core/operations/printing.py`), which holds the kinds (`KINDS`: who each
concerns, its record, its renderer) and records every print as the window does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pae_desktop.commands import progress, say
from pae_desktop.core.operations.printing import KINDS, DocumentKindSpec, file_name  # noqa: F401 - re-exported

REGISTRY = KINDS  # the kinds, under their former name


def add_parser(subparsers, parents) -> None:
    kinds = "\n".join(f"  {spec.kind:<28} {spec.help}" for spec in KINDS.values())
    parser = subparsers.add_parser(
        "document",
        parents=parents,
        help="imprime un document PDF (fiche d'entretien, convocation…)",
        description=f"Types de document :\n{kinds}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", metavar="TYPE", choices=sorted(KINDS), help="type de document")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--ine", metavar="INE", help="le jeune qui a cet INE")
    who.add_argument("--id", dest="id_jeune", metavar="ID_JEUNE", help="le jeune qui a cet identifiant (id_jeune)")
    who.add_argument("--all", action="store_true", help="un PDF par jeune concerné, dans le dossier PATH")
    parser.add_argument("--campaign", type=int, default=None, metavar="N", help="campagne de la rentrée N")
    parser.add_argument("-o", "--output", required=True, metavar="PATH", help="fichier PDF (dossier avec --all)")
    parser.set_defaults(usage_error=parser.error)


def _find_youth(session, campaign, args):
    from sqlalchemy import select

    from pae_desktop.core.errors import UserError
    from pae_desktop.core.identity import normalise_ine
    from pae_desktop.core.models import Youth

    query = select(Youth).where(Youth.campaign_id == campaign.id)
    if args.ine:
        ine = normalise_ine(args.ine)
        youth = session.scalars(query.where(Youth.ine == ine)).first()
        if youth is None:
            raise UserError(f"Aucun jeune d'INE {ine} dans la campagne {campaign.year}.")
    else:
        youth = session.scalars(query.where(Youth.pseudonym == args.id_jeune.strip().lower())).first()
        if youth is None:
            raise UserError(f"Aucun jeune d'identifiant {args.id_jeune.strip()} dans la campagne {campaign.year}.")
    return youth


def _print(session, spec: DocumentKindSpec, args, target: Path, storage=None) -> str:
    """Print what `args` ask for; returns the sentence to say."""
    from pae_desktop.core.errors import UserError
    from pae_desktop.core.operations.printing import document_options, print_document, print_each
    from pae_desktop.core.services.campaigns import require_campaign

    if not spec.per_youth:  # the scheme as it stands: the most recent campaign's, or --campaign's
        chosen = require_campaign(session, args.campaign) if args.campaign is not None else None
        print_document(session, spec.kind, None, target, document_options(session, chosen), storage=storage)
        return f"Document écrit : {target}"
    campaign = require_campaign(session, args.campaign)
    options = document_options(session, campaign)
    if not args.all:
        youth = _find_youth(session, campaign, args)
        if target.is_dir():
            target = target / file_name(spec.kind, youth)
        print_document(session, spec.kind, youth.id, target, options)
        return f"Document écrit : {target}"
    ids = spec.concerned(session, campaign)
    if not ids:
        return "Aucun jeune concerné"
    if target.exists() and not target.is_dir():
        raise UserError(f"Avec --all, {target} doit être un dossier (c'est un fichier).")
    done = print_each(session, spec.kind, ids, target, options, lambda _done, _total, text: progress(text))
    plural = "s" if done.count > 1 else ""
    return f"{done.count} document{plural} écrit{plural} dans {target}"


def run(args: argparse.Namespace) -> int:
    from pae_desktop.storage.database import open_database
    from pae_desktop.storage.security import storage_facts

    spec = KINDS[args.kind]
    if spec.per_youth and not (args.ine or args.id_jeune or args.all):
        args.usage_error(f"« {spec.kind} » : précisez --ine INE, --id ID_JEUNE ou --all")
    if not spec.per_youth and (args.ine or args.id_jeune or args.all):
        args.usage_error(f"« {spec.kind} » ne concerne aucun jeune en particulier : -o FICHIER seulement")
    # Printing writes to the database (GeneratedDocument and the audit log): the command takes the lock.
    db = open_database(args.data_dir, args.database_url, create=False)
    try:
        with db.transaction() as session:
            sentence = _print(session, spec, args, Path(args.output), storage_facts(db))
    finally:
        db.close()
    say(sentence)
    return 0
