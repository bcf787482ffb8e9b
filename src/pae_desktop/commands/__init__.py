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


def iso_date(value: str) -> dt.date:
    """An argparse type: a date written AAAA-MM-JJ, else a French usage error (exit 2)."""
    try:
        if len(value) != 10:
            raise ValueError
        return dt.date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"date « {value} » invalide : format AAAA-MM-JJ attendu") from None


def say(message: str) -> None:
    """A message for the person at the terminal: standard error, standard output stays for data."""
    print(message, file=sys.stderr)


def progress(message: str) -> None:
    """Progress, shown only when standard error is a terminal (specs/cli.md, Conventions)."""
    if sys.stderr.isatty():
        print(message, file=sys.stderr, end="\r", flush=True)
