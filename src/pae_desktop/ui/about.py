"""«À propos»: the version, the data folder, the licences (EUPL-1.2, Qt's LGPL-3) and a «Licences» window."""

from __future__ import annotations

import re
import sys
from html import escape
from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from pae_desktop import __version__
from pae_desktop.core.notices import APPLICATION_LICENCE, NOTICES_FILE, QT_SOURCES
from pae_desktop.core.resources import resources_dir
from pae_desktop.storage import paths


def shipped_file(name: str) -> Path | None:
    """A file shipped beside the program (the bundle's folder), or at the project's root when run from source."""
    folders = [paths.executable_dir()] if getattr(sys, "frozen", False) else []
    folders.append(resources_dir().parent)
    for folder in folders:
        if (folder / name).is_file():
            return folder / name
    return None


def notices_text() -> str:
    """THIRD-PARTY-NOTICES.txt as shipped; from source, the same notices computed from the installed packages."""
    shipped = shipped_file(NOTICES_FILE)
    if shipped is not None:
        return shipped.read_text(encoding="utf-8", errors="replace")
    from pae_desktop.core.notices import notices, render_notices

    return render_notices(notices(), __version__)


def licence_text() -> str:
    shipped = shipped_file("LICENSE")
    if shipped is None:
        return f"PAE Desktop est distribué sous la licence {APPLICATION_LICENCE} (fichier LICENSE introuvable)."
    return shipped.read_text(encoding="utf-8", errors="replace")


def _linked(text: str) -> str:
    """The addresses of `text` as links a click opens in the browser."""
    return re.sub(r"(https://[^\s)]+/)", r'<a href="\1">\1</a>', text)


class LicencesDialog(QDialog):
    """The application's licence and the third-party notices, each in a read-only scrollable text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Licences — PAE Desktop")
        self.resize(720, 460)  # within a 960×500 screen; the texts scroll
        self.tabs = QTabWidget()
        for title, text in (
            (f"PAE Desktop ({APPLICATION_LICENCE})", licence_text()),
            ("Logiciels tiers", notices_text()),
        ):
            view = QPlainTextEdit(text)
            view.setReadOnly(True)
            view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            view.setAccessibleName(title)
            self.tabs.addTab(view, title)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(buttons)

    def text(self, index: int) -> str:
        return self.tabs.widget(index).toPlainText()


class AboutDialog(QDialog):
    """What the program is, where its data are, under which licences; «Licences» opens the texts."""

    def __init__(self, data_dir: Path | str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("À propos de PAE Desktop")
        title = QLabel(f"PAE Desktop {__version__}")
        font = QFont(title.font())
        font.setPointSizeF(font.pointSizeF() * 1.3)
        font.setBold(True)
        title.setFont(font)
        self.body = QLabel(
            "Suivi d'AvenirPro+ (anciennement Parcours Ambition Emploi) et de sa phase 1 « AvenirPro » en "
            f"lycée professionnel.<br><br>Dossier des données :<br>{escape(str(data_dir))}<br><br>"
            f"PAE Desktop est un logiciel libre, distribué sous la licence publique de l'Union européenne "
            f"(<b>{APPLICATION_LICENCE}</b>).<br><br>{_linked(QT_SOURCES)}"
        )
        self.body.setWordWrap(True)
        self.body.setOpenExternalLinks(True)
        self.body.setMinimumWidth(460)
        self.licences_button = QPushButton("&Licences…")
        self.licences_button.setAutoDefault(False)
        self.licences_button.clicked.connect(self.show_licences)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.addButton(self.licences_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(title)
        layout.addWidget(self.body)
        layout.addWidget(buttons)
        self.licences: LicencesDialog | None = None

    def show_licences(self) -> None:
        if self.licences is None:
            self.licences = LicencesDialog(self)
        self.licences.show()
        self.licences.raise_()
