"""`pae-desktop backup [-o FILE]`: a consistent copy of the database (SQLite's backup API), encrypted alike."""

from __future__ import annotations

import argparse

from pae_desktop.commands import say


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser("backup", parents=parents, help="sauvegarde la base de données")
    parser.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="FICHIER",
        help="fichier ou dossier de la sauvegarde (par défaut : sauvegardes/ du dossier des données)",
    )


def run(args: argparse.Namespace) -> int:
    from pae_desktop.core.operations.protection import backup
    from pae_desktop.storage.backup import inspect_backup, open_file_database

    # A backup only reads the database: no lock (the backup API gives a consistent copy anyway), and no
    # schema check, so that a database waiting for an upgrade, or a damaged one, can still be copied.
    db = open_file_database(args.data_dir, args.database_url, lock=False)
    try:
        _lock_if_free(db)  # then the copy is recorded in the audit log, as an export of nominative data
        done = backup(db, args.output)
        preview = inspect_backup(done.file, db.passphrase)
    finally:
        db.close()
    say(f"Sauvegarde écrite : {done.file}")
    for line in preview.lines()[1:]:
        say(f"  {line}")
    for warning in done.warnings:
        say(warning)
    return 0


def _lock_if_free(db) -> None:
    from pae_desktop.core.errors import UserError
    from pae_desktop.storage import paths
    from pae_desktop.storage.lock import WriterLock

    writer = WriterLock(db.data_dir / paths.LOCK_FILE)
    try:
        writer.acquire()
    except UserError:  # the window is open: it holds the lock, the copy goes on unrecorded
        return
    db.lock = writer
