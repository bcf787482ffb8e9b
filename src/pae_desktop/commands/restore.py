"""`pae-desktop restore FILE [--yes]`: what a backup holds, then (with --yes) its restoration."""

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
        help="restaure sans autre question (la base actuelle est sauvegardée avant)",
    )


def run(args: argparse.Namespace) -> int:
    from pae_desktop.storage import encryption
    from pae_desktop.storage.backup import inspect_backup, open_for_restore, restore_backup

    source = Path(args.file).expanduser()
    if not source.is_file():
        from pae_desktop.core.errors import UserError

        raise UserError(f"Le fichier {source} n'existe pas.")
    if not args.yes:
        preview = inspect_backup(source, encryption.passphrase_for(source))
        say("Contenu de la sauvegarde :")
        for line in preview.lines():
            say(f"  {line}")
        if preview.compatibility() == "newer":
            say(
                "Cette sauvegarde vient d'une version plus récente de PAE Desktop : elle ne peut pas être restaurée."
            )
            return 1
        if not preview.sound:
            say("Cette sauvegarde est endommagée : elle ne peut pas être restaurée.")
            return 1
        say("Rien n'a été modifié. Relancez avec --yes pour remplacer la base actuelle (sauvegardée avant).")
        return 0
    db = open_for_restore(args.data_dir, args.database_url)
    try:
        key = db.passphrase
        if encryption.is_encrypted(source) and key is None:
            key = encryption.passphrase_for(source)
        result = restore_backup(db, source, backup_passphrase=key)
    finally:
        db.close()
    if result.safety_copy is not None:
        say(f"La base précédente a été sauvegardée dans {result.safety_copy}.")
    preview = result.preview
    say(
        f"Sauvegarde restaurée : {preview.school_name or 'établissement non paramétré'}, "
        f"{preview.youths} jeunes, {preview.pathways} parcours."
    )
    return 0
