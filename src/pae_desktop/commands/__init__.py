"""The subcommands of `pae-desktop`, one module each; `run_command` turns refusals into exit status 1."""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import logging
import sys

from pae_desktop.core.errors import UserError


def run_command(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, format="%(message)s")
    module = importlib.import_module(args.command_module)
    try:
        return module.run(args)
    except UserError as error:
        print(str(error), file=sys.stderr)
        return 1
    except Exception as error:
        if not _is_database_error(error):
            raise
        logging.getLogger(__name__).debug("Erreur de la base", exc_info=error)
        print(_database_failure(args), file=sys.stderr)
        return 1


def _is_database_error(error: BaseException) -> bool:
    """SQLite's, SQLCipher's and SQLAlchemy's database errors (a file damaged while it was read)."""
    import sqlite3

    from sqlalchemy.exc import DBAPIError

    return isinstance(error, sqlite3.DatabaseError | DBAPIError) or type(error).__name__ in (
        "DatabaseError",
        "OperationalError",
    )


def _database_failure(args: argparse.Namespace) -> str:
    """The French diagnosis of the data folder's database, or a plain French refusal when it looks sound."""
    from pathlib import Path

    from pae_desktop.storage import diagnosis, paths
    from pae_desktop.storage.database import database_url

    try:
        folder = paths.resolve_data_dir(getattr(args, "data_dir", None))
        url = database_url(folder, getattr(args, "database_url", None))
        if url.startswith("sqlite") and "///" in url:
            diagnosis.require_sound(Path(url.split("///", 1)[1]), folder)
    except UserError as refusal:
        return str(refusal)
    except Exception:  # noqa: BLE001 - the diagnosis itself failed: the plain refusal below
        pass
    return (
        "La base de données n'a pas pu être lue (fichier endommagé ou serveur injoignable) : l'opération a été "
        "annulée, rien n'a été modifié. Vérifiez-la avec « pae-desktop check »."
    )


def iso_date(value: str) -> dt.date:
    """An argparse type: a date written AAAA-MM-JJ or as typed in the window (`core.dates.parse_french_date`:
    27/08/2025, 27082025, 27.08.25…), else a French usage error (exit 2)."""
    from pae_desktop.core.dates import parse_french_date

    try:
        return parse_french_date(value)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{error} Formats acceptés : AAAA-MM-JJ ou JJ/MM/AAAA.") from None


def say(message: str) -> None:
    """A message for the person at the terminal: standard error, standard output stays for data."""
    print(message, file=sys.stderr)


def progress(message: str) -> None:
    """Progress, shown only when standard error is a terminal (specs/cli.md, Conventions)."""
    if sys.stderr.isatty():
        print(message, file=sys.stderr, end="\r", flush=True)
