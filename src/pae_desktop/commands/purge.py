"""`pae-desktop purge [--dry-run] [--yes]`: the retention rules of domain.md §9, after a preview."""

from __future__ import annotations

import argparse

from pae_desktop.commands import say


def add_parser(subparsers, parents) -> None:
    parser = subparsers.add_parser(
        "purge", parents=parents, help="anonymise les dossiers arrivés au terme de leur conservation"
    )
    parser.add_argument(
        "--dry-run", action="store_true", help="affiche ce qui serait anonymisé, sans rien écrire"
    )
    parser.add_argument("--yes", action="store_true", help="applique sans autre question")


def run(args: argparse.Namespace) -> int:
    from pae_desktop.core.operations.protection import purge
    from pae_desktop.core.services.retention import plan_retention
    from pae_desktop.storage.database import open_database

    apply = args.yes and not args.dry_run
    db = open_database(args.data_dir, args.database_url, write=apply, create=False)
    try:
        with db.read() as session:
            plan = plan_retention(session)
        for line in plan.lines():
            say(line)
        if plan.empty:
            return 0
        if not apply:
            say("Rien n'a été modifié." + ("" if args.dry_run else " Relancez avec --yes pour appliquer."))
            return 0
        done = purge(db, plan.today)
    finally:
        db.close()
    say(
        f"{done.count} jeune(s) anonymisé(s), "
        f"{len(done.ids.get('audit_event', ()))} entrée(s) du journal supprimée(s)."
    )
    return 0
