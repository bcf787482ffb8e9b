"""Every file chooser of the window, remembering the last folder of each kind of file (QSettings)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QWidget

from pae_desktop.ui.remembered import app_settings

# Kinds of file, each with its own last folder.
IMPORT = "import"  # SIECLE exports, spreadsheets read in
EXPORT = "export"  # spreadsheets, CSV and calendars written out
PDF = "pdf"  # printed documents
BACKUP = "backup"  # backups written and restored
IMAGE = "image"  # the school's logo


def last_folder(kind: str) -> str:
    folder = str(app_settings().value(f"folders/{kind}", "") or "")
    return folder if folder and Path(folder).is_dir() else ""


def remember_folder(kind: str, path: str) -> None:
    """The folder of `path` (a file) or `path` itself (a folder) as the next start of `kind`'s chooser."""
    target = Path(path)
    folder = target if target.is_dir() else target.parent
    app_settings().setValue(f"folders/{kind}", str(folder))


def start_path(kind: str, suggested: str = "") -> str:
    """Where a chooser opens: the suggested file name in the last folder of its kind, else what the caller
    suggested (a name, a path or a folder)."""
    folder = last_folder(kind)
    if not folder:
        return suggested
    name = Path(suggested).name if suggested and not Path(suggested).is_dir() else ""
    return str(Path(folder) / name) if name else folder


def save_file_name(parent: QWidget | None, kind: str, caption: str, suggested: str = "", filters: str = ""):
    """QFileDialog.getSaveFileName opened in the last folder of `kind`: (path or "", chosen filter)."""
    path, chosen = QFileDialog.getSaveFileName(parent, caption, start_path(kind, suggested), filters)
    if path:
        remember_folder(kind, path)
    return path, chosen


def open_file_name(parent: QWidget | None, kind: str, caption: str, suggested: str = "", filters: str = ""):
    path, chosen = QFileDialog.getOpenFileName(parent, caption, start_path(kind, suggested), filters)
    if path:
        remember_folder(kind, path)
    return path, chosen


def open_file_names(parent: QWidget | None, kind: str, caption: str, suggested: str = "", filters: str = ""):
    paths, chosen = QFileDialog.getOpenFileNames(parent, caption, start_path(kind, suggested), filters)
    if paths:
        remember_folder(kind, paths[0])
    return paths, chosen


def existing_directory(parent: QWidget | None, kind: str, caption: str, suggested: str = "") -> str:
    folder = QFileDialog.getExistingDirectory(parent, caption, start_path(kind, suggested))
    if folder:
        remember_folder(kind, folder)
    return folder
