"""`pae-desktop document KIND (--ine INE | --id ID_JEUNE | --all) [--campaign N] -o PATH`: print PDFs.

Each kind is one entry of `REGISTRY` (specs/cli.md, `document KIND`). To add a kind, add a `DocumentKindSpec`
whose references are "module:function" strings (imported only when the kind runs, so that `--help` stays fast):

- `concerned(session, campaign) -> list[int]`: the ids of the youths the kind covers in the campaign;
- `build(session, youth_id, target, options=..., record=True) -> bytes`: writes one youth's PDF to `target`
  and records the print (`layout.record_print`); raises `UserError` for a youth outside the kind;
- or, for a school-level document (`per_youth=False`), `build(session, target, options=..., record=True)`.

The options carry the campaign's scheme; a youth's document takes it from the youth's campaign in any case.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pae_desktop.commands import progress, say


@dataclass(frozen=True)
class DocumentKindSpec:
    kind: str  # a vocabulary.DocumentKind code
    help: str
    build: str  # "module:function"
    concerned: str = ""  # "module:function"; empty for a school-level document
    outside: str = "Ce jeune n'est pas concerné par ce document."  # a youth outside the kind (exit 1)
    per_youth: bool = True

    def resolve(self, reference: str) -> Callable[..., Any]:
        module, _, name = reference.partition(":")
        return getattr(importlib.import_module(module), name)


REGISTRY: dict[str, DocumentKindSpec] = {}


def register(spec: DocumentKindSpec) -> None:
    REGISTRY[spec.kind] = spec


register(
    DocumentKindSpec(
        kind="fiche-entretien",
        help="fiche d'entretien (le dernier entretien enregistré)",
        concerned="pae_desktop.commands.document:youths_with_interview",
        build="pae_desktop.documents.fiche_entretien:build_fiche_for_youth",
        outside="Aucun entretien n'est enregistré pour ce jeune : pas de fiche d'entretien.",
    )
)
register(
    DocumentKindSpec(
        kind="convocation",
        help="convocation au dernier entretien réservé (passé ou à venir)",
        concerned="pae_desktop.commands.document:youths_with_booking",
        build="pae_desktop.documents.convocation:build_convocation_for_youth",
        outside="Ce jeune n'a aucun entretien réservé : pas de convocation.",
    )
)
register(
    DocumentKindSpec(
        kind="plan-parcours",
        help="plan de parcours et d'engagement",
        concerned="pae_desktop.core.services.pathways:youths_with_pathway",
        build="pae_desktop.documents.plan_parcours:build_for_youth",
        outside="Ce jeune n'a pas de parcours : pas de plan de parcours.",
    )
)
register(
    DocumentKindSpec(
        kind="attestation-inscription",
        help="attestation d'inscription dans le dispositif, signée du chef d'établissement",
        concerned="pae_desktop.core.services.pathways:youths_with_pathway",
        build="pae_desktop.documents.attestation_inscription:build_for_youth",
        outside="Ce jeune n'a pas de parcours : pas d'attestation d'inscription.",
    )
)
register(
    DocumentKindSpec(
        kind="attestation-fin-parcours",
        help="attestation de fin de parcours (après une sortie ou un abandon)",
        concerned="pae_desktop.core.services.pathways:youths_with_ended_pathway",
        build="pae_desktop.documents.attestation_fin_parcours:build_for_youth",
        outside="Ni sortie ni abandon n'est enregistré pour ce jeune : pas d'attestation de fin de parcours.",
    )
)
register(
    DocumentKindSpec(
        kind="inscription-administrative",
        help="fiche d'inscription administrative (saisie SIECLE)",
        concerned="pae_desktop.core.services.pathways:youths_with_pathway",
        build="pae_desktop.documents.inscription_administrative:build_for_youth",
        outside="Ce jeune n'a pas de parcours : pas de fiche d'inscription administrative.",
    )
)
register(
    DocumentKindSpec(
        kind="dossier",
        help="dossier complet du jeune : tout ce que l'établissement détient sur lui (droit d'accès)",
        concerned="pae_desktop.documents.dossier:concerned",
        build="pae_desktop.documents.dossier:build_for_youth",
        outside="Ce dossier est anonymisé : il ne contient plus de données personnelles.",
    )
)
register(
    DocumentKindSpec(
        kind="notice-rgpd",
        help="notice d'information (RGPD) de l'établissement",
        build="pae_desktop.documents.notice_rgpd:build_for_school",
        per_youth=False,
    )
)


# --- who is concerned ----------------------------------------------------------------------------------------


def _ordered(session, ids) -> list[int]:
    from sqlalchemy import select

    from pae_desktop.core.models import Youth
    from pae_desktop.core.text import fold

    rows = session.execute(select(Youth.id, Youth.last_name, Youth.first_names).where(Youth.id.in_(list(ids)))).all()
    rows.sort(key=lambda r: (fold(r[1]), fold(r[2]), r[0]))
    return [r[0] for r in rows]


def youths_with_interview(session, campaign) -> list[int]:
    """Youths of the campaign with an interview recorded."""
    from sqlalchemy import select

    from pae_desktop.core.models import Interview, Youth

    ids = session.scalars(
        select(Interview.youth_id)
        .join(Youth, Youth.id == Interview.youth_id)
        .where(Youth.campaign_id == campaign.id, Youth.anonymised_at.is_(None))
        .distinct()
    )
    return _ordered(session, ids)


def youths_with_booking(session, campaign) -> list[int]:
    """Youths of the campaign with a live booking (past or future)."""
    from sqlalchemy import select

    from pae_desktop.core.models import InterviewSlot, SlotBooking, Youth

    ids = session.scalars(
        select(SlotBooking.youth_id)
        .join(Youth, Youth.id == SlotBooking.youth_id)
        .join(InterviewSlot, InterviewSlot.id == SlotBooking.slot_id)
        .where(
            Youth.campaign_id == campaign.id,
            Youth.anonymised_at.is_(None),
            SlotBooking.cancelled_at.is_(None),
            InterviewSlot.cancelled_at.is_(None),
        )
        .distinct()
    )
    return _ordered(session, ids)


# --- the command ---------------------------------------------------------------------------------------------


def add_parser(subparsers, parents) -> None:
    kinds = "\n".join(f"  {spec.kind:<28} {spec.help}" for spec in REGISTRY.values())
    parser = subparsers.add_parser(
        "document",
        parents=parents,
        help="imprime un document PDF (fiche d'entretien, convocation…)",
        description=f"Types de document :\n{kinds}",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("kind", metavar="TYPE", choices=sorted(REGISTRY), help="type de document")
    who = parser.add_mutually_exclusive_group()
    who.add_argument("--ine", metavar="INE", help="le jeune qui a cet INE")
    who.add_argument("--id", dest="id_jeune", metavar="ID_JEUNE", help="le jeune qui a cet identifiant (id_jeune)")
    who.add_argument("--all", action="store_true", help="un PDF par jeune concerné, dans le dossier PATH")
    parser.add_argument("--campaign", type=int, default=None, metavar="N", help="campagne de la rentrée N")
    parser.add_argument("-o", "--output", required=True, metavar="PATH", help="fichier PDF (dossier avec --all)")
    parser.set_defaults(usage_error=parser.error)


def file_name(kind: str, youth) -> str:
    """`<kind>_<NOM>_<Prénom>_<id_jeune>.pdf` (specs/cli.md)."""
    from pae_desktop.documents.layout import document_file_name

    return document_file_name(kind, youth.last_name, youth.first_names, youth.pseudonym)


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
    if youth.anonymised_at is not None:
        raise UserError("Ce dossier est anonymisé : aucun document nominatif ne peut plus être imprimé.")
    return youth


def run(args: argparse.Namespace) -> int:
    from pae_desktop.core.errors import UserError
    from pae_desktop.core.services.campaigns import require_campaign
    from pae_desktop.documents.layout import DocumentOptions
    from pae_desktop.storage.database import open_database

    spec = REGISTRY[args.kind]
    target = Path(args.output)
    if spec.per_youth and not (args.ine or args.id_jeune or args.all):
        args.usage_error(f"« {spec.kind} » : précisez --ine INE, --id ID_JEUNE ou --all")
    if not spec.per_youth and (args.ine or args.id_jeune or args.all):
        args.usage_error(f"« {spec.kind} » ne concerne aucun jeune en particulier : -o FICHIER seulement")
    build = spec.resolve(spec.build)
    # Printing writes to the database (GeneratedDocument and the audit log): the command takes the lock.
    db = open_database(args.data_dir, args.database_url, create=False)
    try:
        with db.transaction() as session:
            if not spec.per_youth:  # the scheme as it stands: the most recent campaign's, or --campaign's
                chosen = require_campaign(session, args.campaign) if args.campaign is not None else None
                build(session, target, options=DocumentOptions.from_session(session, chosen), record=True)
                say(f"Document écrit : {target}")
                return 0
            campaign = require_campaign(session, args.campaign)
            options = DocumentOptions.from_session(session, campaign)
            concerned = spec.resolve(spec.concerned)
            if not args.all:
                youth = _find_youth(session, campaign, args)
                if youth.id not in set(concerned(session, campaign)):
                    raise UserError(spec.outside)
                if target.is_dir():
                    target = target / file_name(spec.kind, youth)
                build(session, youth.id, target, options=options, record=True)
                say(f"Document écrit : {target}")
                return 0
            ids = concerned(session, campaign)
            if not ids:
                say("Aucun jeune concerné")
                return 0
            if target.exists() and not target.is_dir():
                raise UserError(f"Avec --all, {target} doit être un dossier (c'est un fichier).")
            target.mkdir(parents=True, exist_ok=True)
            from pae_desktop.core.models import Youth

            for index, youth_id in enumerate(ids, start=1):
                progress(f"{index}/{len(ids)}")
                youth = session.get(Youth, youth_id)
                build(session, youth_id, target / file_name(spec.kind, youth), options=options, record=True)
    finally:
        db.close()
    say(f"{len(ids)} document{'s' if len(ids) > 1 else ''} écrit{'s' if len(ids) > 1 else ''} dans {target}")
    return 0
