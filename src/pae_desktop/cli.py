"""`pae-desktop`: the window by default, subcommands for scripts and IT staff (specs/cli.md).

Each subcommand lives in a module of `pae_desktop.commands` with `add_parser(subparsers, parents)` (which
names the subcommand) and `run(args) -> int`; the UI is imported only on the path that opens the window.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from pathlib import Path

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
            .replace("(choose from", "(valeurs possibles\u00a0:")
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
        epilog=(
            "Sans commande, pae-desktop ouvre la fenêtre ; « pae-desktop FICHIER… » l'ouvre sur l'import de ces "
            "fichiers (exports SIECLE .zip ou .xml, listes .csv ou .xlsx)."
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


# What a file given to the window may be named like (the desktop entry's %F, a file dropped on the program).
IMPORTABLE_SUFFIXES = (".zip", ".xml", ".csv", ".xlsx", ".xls")


def files_for_the_window(parser: argparse.ArgumentParser, argv: list[str]) -> list[str] | None:
    """The files given without a subcommand (`pae-desktop export.zip`, the desktop entry's `%F`), or None when
    the arguments name a subcommand (or are not paths: argparse then says what is wrong). A path is told from a
    subcommand before argparse dispatches, so that `export.zip` is never taken for the command `export`."""
    options, rest = global_options(suppress=False).parse_known_args(argv)
    if not rest or rest[0].startswith("-") or rest[0] in _commands(parser):
        return None
    if any(word.startswith("-") for word in rest) or not all(_looks_like_a_path(word) for word in rest):
        return None
    return rest


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    return {
        name
        for action in parser._actions  # noqa: SLF001 - argparse keeps its subcommands there
        if isinstance(action, argparse._SubParsersAction)  # noqa: SLF001
        for name in action.choices
    }


def _looks_like_a_path(word: str) -> bool:
    return os.path.exists(word) or os.sep in word or "/" in word or word.lower().endswith(IMPORTABLE_SUFFIXES)


def open_files(args: argparse.Namespace, files: list[str]) -> int:
    """The window with the import dialog on `files`; a missing file is said in French (status 1)."""
    missing = [name for name in files if not Path(name).is_file()]
    if missing:
        for name in missing:
            print(f"pae-desktop : fichier introuvable : « {name} »", file=sys.stderr)
        return 1
    run_app = window_runner()
    paths = [str(Path(name).resolve()) for name in files]
    return run_app(data_dir=args.data_dir, database_url=args.database_url, import_files=paths)


def window_runner():
    """`ui.app.run_app`, once the child that derives the window's first lists is forked (`first_lists.prepare`):
    before Qt is loaded, so that it imports the models while the window is built."""
    from pae_desktop import first_lists

    first_lists.prepare()
    from pae_desktop.ui.app import run_app

    return run_app


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    parser = build_parser()
    files = files_for_the_window(parser, argv)
    if files is not None:
        options, _rest = global_options(suppress=False).parse_known_args(argv)
        return open_files(options, files)
    args = parser.parse_args(argv)
    if args.command is None:
        return window_runner()(data_dir=args.data_dir, database_url=args.database_url)
    from pae_desktop.commands import run_command

    return run_command(args)


if __name__ == "__main__":
    raise SystemExit(main())
