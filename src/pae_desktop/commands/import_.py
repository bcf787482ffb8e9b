"""`pae-desktop import`: the census from SIECLE exports or spreadsheets, previewed, then written with --yes."""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager

from pae_desktop.commands import progress, say


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "import",
        parents=parents,
        help="importe les élèves de terminale (exports SIECLE, ElevesComplete, CSV, XLSX)",
        description=(
            "Sans --yes, affiche l'aperçu de l'import (nouveaux, mis à jour, inchangés, rejetés) "
            "et n'écrit rien."
        ),
    )
    parser.add_argument(
        "files", nargs="+", metavar="FICHIER", help="exports SIECLE (.xml, .zip), .xls, .xlsx, .csv"
    )
    parser.add_argument(
        "--campaign",
        type=int,
        default=None,
        metavar="N",
        help="campagne de la rentrée N (par défaut : d'après le fichier)",
    )
    parser.add_argument(
        "--garder",
        type=int,
        action="append",
        default=[],
        metavar="ID",
        help="ne marque pas ce jeune (id_jeune de l'aperçu) comme ayant quitté l'établissement ; répétable",
    )
    parser.add_argument("--dry-run", action="store_true", help="n'écrit jamais rien")
    parser.add_argument("--yes", action="store_true", help="importe sans demander de confirmation")


def _progress(done: int, total: int, message: str = "") -> None:
    progress(f"{message} {done}/{total}" if total else message)


@contextmanager
def _preview_session(args: argparse.Namespace) -> Iterator:
    """A session on the database without taking its lock; an empty one in memory when there is none yet."""
    from sqlalchemy import create_engine
    from sqlalchemy.orm import Session
    from sqlalchemy.pool import StaticPool

    from pae_desktop.core.errors import UserError
    from pae_desktop.core.models import Base
    from pae_desktop.storage.database import open_database

    try:
        db = open_database(args.data_dir, args.database_url, write=False, create=False)
    except UserError as error:
        if not str(error).startswith("Aucune base de données"):
            raise
        engine = create_engine("sqlite://", poolclass=StaticPool)
        Base.metadata.create_all(engine)
        try:
            with Session(engine) as session:
                yield session
        finally:
            engine.dispose()
        return
    try:
        with db.read() as session:
            yield session
            session.rollback()
    finally:
        db.close()


def run(args: argparse.Namespace) -> int:
    from pae_desktop.core.services.census import (
        ImportOptions,
        apply_import,
        max_import_bytes,
        preview_import,
        read_sources,
    )

    with _preview_session(args) as session:
        max_bytes = max_import_bytes(session)
    sources = read_sources(args.files, _progress, max_bytes)
    options = ImportOptions(campaign_year=args.campaign, keep_ids=frozenset(args.garder))
    if not args.yes or args.dry_run:
        with _preview_session(args) as session:
            preview = preview_import(session, sources, options, _progress)
        for line in format_preview(preview):
            say(line)
        say("Rien n'a été écrit." + ("" if args.dry_run else " Relancez avec --yes pour importer."))
        return 0
    from pae_desktop.storage.database import open_database

    db = open_database(args.data_dir, args.database_url)
    try:
        with db.transaction() as session:
            preview = apply_import(session, sources, options, _progress).preview
    finally:
        db.close()
    for line in format_preview(preview):
        say(line)
    say(f"Import enregistré dans la campagne {preview.campaign_year} ({db.data_dir}).")
    return 0


def format_preview(preview) -> list[str]:
    """The preview as lines of French for the terminal."""
    from pae_desktop.core.services.census import Outcome

    lines = ["Fichiers lus :"]
    for f in preview.files:
        parts = f.facts()
        if f.students:
            parts.append(f"{f.students} lignes")
        lines.append(f"  {f.name} : {', '.join(parts)}")
    if preview.school_setup:
        lines.append(f"Établissement : UAI {preview.uai}, paramétré d'après le fichier.")
    else:
        lines.append(f"Établissement : {preview.school_name} (UAI {preview.uai}).")
    if preview.campaign_overridden:
        lines.append(
            f"Campagne {preview.campaign_year} (choisie par --campaign ; le fichier indique la campagne "
            f"{preview.implied_year})."
        )
    elif preview.implied_year is not None:
        lines.append(
            f"Campagne {preview.campaign_year} (année scolaire {preview.campaign_year - 1}-{preview.campaign_year} "
            "du fichier)."
        )
    else:
        lines.append(f"Campagne {preview.campaign_year}.")
    if not preview.campaign_exists:
        lines.append(f"La campagne {preview.campaign_year} sera créée.")
    if preview.mef_table:
        lines.append(preview.table_sentence)
    counts = preview.counts
    lines.append(
        f"Nouveaux : {counts[Outcome.ADDED]} · Mis à jour : {counts[Outcome.UPDATED]} · "
        f"Inchangés : {counts[Outcome.UNCHANGED]} · Rejetés : {counts[Outcome.REJECTED]} · "
        f"Ont quitté l'établissement : {counts[Outcome.LEFT]} · Non concernés : {counts[Outcome.NOT_CONCERNED]} · "
        f"{preview.outcome_label(Outcome.PAE, plural=True)} : {counts[Outcome.PAE]} · "
        f"Hors terminale : {preview.not_final}"
    )
    for warning in preview.warnings:
        lines.append(f"Attention : {warning}")
    if preview.label_classes:
        lines.append("Classes reconnues par libellé (acceptées avec --yes) :")
        for c in preview.label_classes:
            lines.append(
                f"  {c.division} « {c.label} » : {c.diploma}, {c.students} élève(s) — reconnue par libellé"
            )
    titles = {
        Outcome.ADDED: "Nouveaux",
        Outcome.UPDATED: "Mis à jour",
        Outcome.REJECTED: "Rejetés",
        Outcome.LEFT: "Ont quitté l'établissement",
        Outcome.NOT_CONCERNED: "Non concernés",
        Outcome.PAE: preview.outcome_label(Outcome.PAE, plural=True),
    }
    for outcome, title in titles.items():
        rows = preview.rows_of(outcome)
        if not rows:
            continue
        lines.append(f"{title} :")
        for row in rows:
            where = ", ".join(p for p in (row.division, row.diploma) if p)
            text = f"  {row.name}" + (f" ({where})" if where else "")
            if outcome is Outcome.REJECTED:
                text = f"  {row.ref} — {row.name} : {row.detail}"
            elif row.detail:
                text += f" : {row.detail}"
            if outcome is Outcome.LEFT and row.youth_id is not None:
                text += f" [id_jeune {row.youth_id}]"
            lines.append(text)
    warned = [row for row in preview.rows if row.warnings]
    if warned:
        lines.append("Avertissements :")
        for row in warned:
            for warning in row.warnings:
                lines.append(f"  {row.name} : {warning}")
    return lines
