"""Where the data lives (specs/cli.md): the data folder and what it holds, and the bundled resources."""

from __future__ import annotations

import os
import sys
from pathlib import Path

# The bundled resources are found by core (its one seam on files shipped with the program); re-exported here.
from pae_desktop.core.resources import resource as resource
from pae_desktop.core.resources import resources_dir as resources_dir

APP_NAME = "pae-desktop"
DATABASE_FILE = "pae-desktop.db"
LOCK_FILE = "pae-desktop.lock"
BACKUP_DIR = "sauvegardes"
LOG_DIR = "logs"
CONFIG_FILE = "config.ini"
PORTABLE_MARKER = "portable"
DATA_DIR_ENV = "PAE_DESKTOP_DATA_DIR"


def executable_dir() -> Path:
    """The folder of the installed program (the bundle's folder when frozen by PyInstaller)."""
    if getattr(sys, "frozen", False):
        return Path(sys.executable).resolve().parent
    return Path(sys.argv[0]).resolve().parent if sys.argv and sys.argv[0] else Path.cwd()


def portable_dir() -> Path | None:
    """`data/` beside the executable when a file named `portable` sits there."""
    base = executable_dir()
    return base / "data" if (base / PORTABLE_MARKER).is_file() else None


def resolve_data_dir(explicit: str | os.PathLike | None = None) -> Path:
    """The data folder, by the precedence of specs/cli.md."""
    if explicit:
        return Path(explicit).expanduser().resolve()
    from_env = os.environ.get(DATA_DIR_ENV)
    if from_env:
        return Path(from_env).expanduser().resolve()
    portable = portable_dir()
    if portable is not None:
        return portable
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False, roaming=True))


def ensure_private_dir(path: Path) -> Path:
    """Create the folder readable by its owner only (the files hold minors' data)."""
    path.mkdir(parents=True, exist_ok=True)
    if os.name == "posix":
        os.chmod(path, 0o700)
    return path


def make_private(path: Path) -> None:
    if os.name == "posix" and path.exists():
        os.chmod(path, 0o600)
