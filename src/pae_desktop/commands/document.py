"""`pae-desktop document KIND (--ine INE | --id ID_JEUNE | --all | --liste NOM) [--campaign N] -o PATH`: print PDFs.

`pae-desktop document journee --date AAAA-MM-JJ [--mission-locale NOM|ID] [--convocations] -o FILE.pdf`: the
day's pack of interviews (agenda and pre-filled sheets), through `core/operations/interview_day.py`.

A thin command over the print operation (`core/operations/printing.py`), which holds the kinds (`KINDS`: who each
concerns, its record, its renderer) and records every print as the window does.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from pae_desktop.commands import iso_date, progress, say
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
    who.add_argument(
        "--liste",
        metavar="NOM",
        help="courrier : les jeunes d'une liste de travail (a-contacter, a-relancer…) ; PATH en .pdf : un seul "
        "fichier, une lettre par page, sinon un dossier",
    )
    parser.add_argument("--campaign", type=int, default=None, metavar="N", help="campagne de la rentrée N")
    day = parser.add_argument_group("journée d'entretiens (journee)")
    day.add_argument("--date", type=iso_date, metavar="AAAA-MM-JJ", help="le jour des entretiens")
    day.add_argument(
        "--mission-locale", metavar="NOM|ID", help="une seule Mission locale (par défaut : toutes)"
    )
    day.add_argument("--convocations", action="store_true", help="ajouter la convocation de chaque jeune")
    parser.add_argument(
        "--recto-seul",
        action="store_true",
        help="plusieurs documents dans un seul PDF (journee, courrier --all/--liste) : sans page blanche ; par "
        "défaut, imprimés recto verso, chaque document commence sur un recto",
    )
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


def _print_day(session, args, target: Path) -> str:
    """The day's pack (`journee`); a day without bookings is no error: exit 0 and say so."""
    from pae_desktop.core.dates import french_date
    from pae_desktop.core.operations.interview_day import print_interview_day
    from pae_desktop.core.operations.printing import document_options
    from pae_desktop.core.services.campaigns import require_campaign
    from pae_desktop.core.services.interview_day import NO_BOOKING, day_bookings, find_partner

    campaign = require_campaign(session, args.campaign)
    partner = find_partner(session, args.mission_locale) if args.mission_locale is not None else None
    partner_id = partner.id if partner is not None else None
    if not day_bookings(session, campaign.id, args.date, None, partner_id):
        return NO_BOOKING
    if target.is_dir():
        target = target / f"journee_{args.date.isoformat()}.pdf"
    done = print_interview_day(
        session,
        campaign.id,
        args.date,
        target,
        partner_id=partner_id,
        convocations=args.convocations,
        options=document_options(session, campaign, two_sided=not args.recto_seul),
        progress=lambda _done, _total, text: progress(text),
    )
    plural = "s" if done.count > 1 else ""
    return f"Journée du {french_date(args.date)} ({done.count} entretien{plural} réservé{plural}) : {target}"


def _print(session, spec: DocumentKindSpec, args, target: Path, storage=None) -> str:
    """Print what `args` ask for; returns the sentence to say."""
    from pae_desktop.core.errors import UserError
    from pae_desktop.core.operations.printing import document_options, print_document, print_each
    from pae_desktop.core.services.campaigns import require_campaign

    if spec.per_day:
        return _print_day(session, args, target)
    if not spec.per_youth:  # the scheme as it stands: the most recent campaign's, or --campaign's
        chosen = require_campaign(session, args.campaign) if args.campaign is not None else None
        print_document(session, spec.kind, None, target, document_options(session, chosen), storage=storage)
        return f"Document écrit : {target}"
    campaign = require_campaign(session, args.campaign)
    options = document_options(session, campaign, two_sided=not args.recto_seul)
    if spec.kind == "courrier" and (args.all or args.liste):
        return _letters(session, campaign, options, args, target)
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


def _letters(session, campaign, options, args, target: Path) -> str:
    """`document courrier --all|--liste NAME`: into one PDF (PATH ends with .pdf) or one file each (a folder)."""
    from pae_desktop.core.operations.mass_contact import print_letters
    from pae_desktop.core.services.contact_lists import list_youths

    ids = list_youths(session, campaign.id, worklist=args.liste)
    if not ids:
        return "Aucun jeune concerné"
    done = print_letters(session, ids, target, options=options, progress=lambda _d, _t, text: progress(text))
    for warning in done.warnings:
        say(warning)
    plural = "s" if done.count > 1 else ""
    return f"{done.count} courrier{plural} écrit{plural} : {target}"


def run(args: argparse.Namespace) -> int:
    from pae_desktop.storage.database import open_database
    from pae_desktop.storage.security import storage_facts

    spec = KINDS[args.kind]
    if args.liste and spec.kind != "courrier":
        args.usage_error("--liste ne vaut que pour « courrier »")
    if spec.per_day and args.date is None:
        args.usage_error(f"« {spec.kind} » : précisez --date AAAA-MM-JJ")
    if not spec.per_day and (args.date or args.mission_locale or args.convocations):
        args.usage_error("--date, --mission-locale et --convocations ne servent qu'à « journee »")
    if spec.per_youth and not (args.ine or args.id_jeune or args.all or args.liste):
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
