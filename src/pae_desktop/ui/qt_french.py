"""Qt's own dialogs and menus in French: Qt's translation (qtbase_fr), completed where it lags behind Qt's widgets.

Qt's French catalogue misses a few texts its own widgets show — the non-native file dialog's «&Look in:» and
«Files of &type:» (their mnemonics were added after the last French translation) and the file list's «Folder»
type —: `resources/translations/qt_complements_fr.qm` (from its .ts beside it) holds those, installed after Qt's
catalogue so that it is asked first. (A QTranslator subclass overriding `translate` in Python would do it in a
few lines, but PySide6 mishandles the null answer that passes a text on to the next translator.)
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from pae_desktop.core.resources import resource

FRENCH = QLocale(QLocale.Language.French, QLocale.Country.France)
COMPLEMENTS = "qt_complements_fr"  # resources/translations/qt_complements_fr.qm

_installed: list[QTranslator] = []  # kept alive as long as the application: Qt only holds pointers


def translation_folders() -> list[str]:
    """Where Qt's .qm files may be: Qt's own folder (QLibraryInfo), PySide6's package (a PyInstaller bundle
    keeps it under `_internal/PySide6/Qt/translations`), then the program's `resources/translations`."""
    import PySide6

    folders = [
        QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath),
        str(Path(PySide6.__file__).resolve().parent / "Qt" / "translations"),
    ]
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle:
        folders.append(str(Path(bundle) / "PySide6" / "Qt" / "translations"))
    folders.append(str(resource("translations")))
    return [folder for folder in dict.fromkeys(folders) if folder]


def install_french(app: QCoreApplication) -> bool:
    """Qt's own buttons, dialogs and menus in French («Annuler», «Oui», «Voir dans :», «Copier»…), French dates
    and numbers; True when Qt's catalogue was found. Installing twice does nothing more."""
    QLocale.setDefault(FRENCH)
    if _installed:
        return len(_installed) > 1
    folders = translation_folders()
    found = None
    for name in ("qtbase_fr", "qt_fr"):
        translator = QTranslator(app)
        if any(translator.load(name, folder) for folder in folders):
            found = translator
            break
    complements = QTranslator(app)
    for translator in (found, complements if complements.load(COMPLEMENTS, str(resource("translations"))) else None):
        if translator is not None:  # the last installed is asked first: the complements before Qt's catalogue
            app.installTranslator(translator)
            _installed.append(translator)
    return found is not None


def french_sample() -> dict[str, str]:
    """What Qt's own widgets say once `install_french` ran (tests and `installers/smoke-test.sh`): a dialog's
    «Annuler»/«Oui», the non-native file dialog's labels, a text field's context menu."""
    from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel, QLineEdit

    Button = QDialogButtonBox.StandardButton
    buttons = QDialogButtonBox(Button.Cancel | Button.Yes | Button.No)
    dialog = QFileDialog(None, "Ouvrir")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    field = QLineEdit()
    menu = field.createStandardContextMenu()
    sample = {
        "annuler": buttons.button(Button.Cancel).text(),
        "oui": buttons.button(Button.Yes).text(),
        "non": buttons.button(Button.No).text(),
        "dialogue de fichiers": " | ".join(label.text() for label in dialog.findChildren(QLabel) if label.text()),
        "menu contextuel": " | ".join(a.text().split("\t")[0] for a in menu.actions() if a.text()),
    }
    for widget in (menu, field, dialog, buttons):
        widget.deleteLater()
    return sample


def sample_is_french(sample: dict[str, str]) -> bool:
    """The checks of `french_sample` a French interface passes (no «Cancel», «Look in», «Copy» left)."""
    english = ("Cancel", "Look in", "Files of", "Copy", "Paste", "Select All")
    text = " | ".join(sample.values())
    return sample.get("annuler") == "Annuler" and not any(word in text for word in english)
