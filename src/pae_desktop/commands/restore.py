"""`pae-desktop restore FILE [--yes]`: what a backup holds, then (with --yes) its restoration, audit trail kept."""

from __future__ import annotations

import argparse
from pathlib import Path

from pae_desktop.commands import say


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "restore", parents=parents, help="restaure une sauvegarde (aperçu sans --yes)"
    )
    parser.add_argument("file", metavar="FICHIER", help="la sauvegarde à restaurer")
    parser.add_argument(
        "--yes",
        action="store_true",
        help=(
            "restaure sans autre question (la base actuelle est sauvegardée avant ; le journal des accès est "
            "conservé et les effacements faits depuis la sauvegarde sont appliqués à nouveau)"
        ),
    )


def run(args: argparse.Namespace) -> int:
    from pae_desktop.core.errors import UserError
    from pae_desktop.core.operations.protection import plan_restore, restore
    from pae_desktop.storage import encryption
    from pae_desktop.storage.backup import open_for_restore
    from pae_desktop.storage.diagnosis import DAMAGED_SUFFIX

    source = Path(args.file).expanduser()
    if not source.is_file():
        raise UserError(f"Le fichier {source} n'existe pas.")
    # The preview reads the current database's audit trail too: the database is opened, lock taken only to restore.
    db = open_for_restore(args.data_dir, args.database_url) if args.yes else _open_to_read(args)
    try:
        key = db.passphrase
        if encryption.is_encrypted(source) and key is None:
            key = encryption.passphrase_for(source)
        plan = plan_restore(db, source, key)
        if not args.yes:
            say("Contenu de la sauvegarde :")
            for line in plan.lines():
                say(f"  {line}")
            if plan.refusal:
                return 1
            say("Rien n'a été modifié. Relancez avec --yes pour remplacer la base actuelle (sauvegardée avant).")
            return 0
        done = restore(db, source, backup_passphrase=key)
    finally:
        db.close()
    if done.file is not None and DAMAGED_SUFFIX in done.file.name:
        say(f"La base endommagée a été mise de côté, jamais effacée : {done.file}.")
    elif done.file is not None:
        say(f"La base précédente a été sauvegardée dans {done.file}.")
    preview = plan.preview
    say(
        f"Sauvegarde restaurée : {preview.school_name or 'établissement non paramétré'}, "
        f"{preview.youths} jeunes, {preview.pathways} parcours."
    )
    say(
        f"Journal conservé : {done.count} événement(s) reporté(s), "
        f"{len(done.ids.get('youth', ()))} effacement(s) ou anonymisation(s) appliqué(s) à nouveau."
    )
    for warning in done.warnings:
        say(warning)
    return 0


def _open_to_read(args: argparse.Namespace):
    from pae_desktop.storage.backup import open_file_database

    return open_file_database(args.data_dir, args.database_url, lock=False, must_exist=False, check=False)
