"""`pae-desktop`: the window by default, subcommands for scripts and IT staff (specs/cli.md).

Each subcommand lives in a module of `pae_desktop.commands` with `add_parser(subparsers, parents)` (which
names the subcommand) and `run(args) -> int`; the UI is imported only on the path that opens the window.
"""

from __future__ import annotations

import argparse
import importlib
import sys

from pae_desktop import __version__

# Modules of `pae_desktop.commands`, in the order of `--help` (`import` is a keyword: its module is `import_`).
COMMANDS = (
    "demo",
    "import_",
    "export",
    "report",
    "aggregate",
    "backup",
    "restore",
    "check",
    "purge",
    "erase",
    "audit",
    "document",
    "worklist",
    "admin",
)


class FrenchParser(argparse.ArgumentParser):
    """argparse in French: its help, its headings and its usage errors (exit status 2)."""

    def __init__(self, *args, **kwargs) -> None:
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "arguments\u00a0"  # «arguments :», French spacing before the colon
        self._optionals.title = "options\u00a0"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="affiche cette aide et s'arrête")

    def format_usage(self) -> str:
        return super().format_usage().replace("usage: ", "utilisation : ", 1)

    def format_help(self) -> str:
        return super().format_help().replace("usage: ", "utilisation : ", 1)

    def error(self, message: str):  # noqa: D401 - argparse's signature
        self.print_usage(sys.stderr)
        translated = (
            message.replace("the following arguments are required:", "arguments obligatoires manquants\u00a0:")
            .replace("unrecognized arguments", "arguments non reconnus")
            .replace("invalid choice", "choix invalide")
            .replace("expected one argument", "une valeur est attendue")
            .replace("invalid int value", "nombre entier invalide")
        )
        self.exit(2, f"{self.prog} : erreur : {translated}\n")


def global_options(suppress: bool) -> argparse.ArgumentParser:
    """`--data-dir` and `--database-url`, accepted before or after the subcommand."""
    parent = argparse.ArgumentParser(add_help=False)
    default = argparse.SUPPRESS if suppress else None
    parent.add_argument("--data-dir", metavar="DOSSIER", default=default, help="dossier des données")
    parent.add_argument(
        "--database-url", metavar="URL", default=default, help="URL de la base (PostgreSQL partagé)"
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    parser = FrenchParser(
        prog="pae-desktop",
        description=(
            "PAE Desktop : suivi d'AvenirPro+ (anciennement Parcours Ambition Emploi) et de sa phase 1 "
            "« AvenirPro » en lycée professionnel."
        ),
        parents=[global_options(suppress=False)],
    )
    parser.add_argument(
        "--version", action="version", version=f"pae-desktop {__version__}", help="affiche la version et s'arrête"
    )
    subparsers = parser.add_subparsers(dest="command", metavar="COMMANDE", parser_class=FrenchParser)
    after = [global_options(suppress=True)]
    for name in COMMANDS:
        module = importlib.import_module(f"pae_desktop.commands.{name}")
        before = set(subparsers.choices)
        module.add_parser(subparsers, after)
        for command in set(subparsers.choices) - before:
            subparsers.choices[command].set_defaults(command_module=module.__name__)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command is None:
        from pae_desktop.ui.app import run_app

        return run_app(data_dir=args.data_dir, database_url=args.database_url)
    from pae_desktop.commands import run_command

    return run_command(args)


if __name__ == "__main__":
    raise SystemExit(main())
