"""Qt's own widgets in French: standard buttons, the non-native file dialog, a text field's context menu."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QDialogButtonBox, QFileDialog, QLabel

from pae_desktop.ui.qt_french import french_sample, install_french, sample_is_french

ROOT = Path(__file__).resolve().parents[1]
TRANSLATIONS = ROOT / "resources" / "translations"


def test_standard_buttons_say_annuler(qapp):
    install_french(qapp)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel | QDialogButtonBox.StandardButton.Yes)
    assert buttons.button(QDialogButtonBox.StandardButton.Cancel).text() == "Annuler"
    assert buttons.button(QDialogButtonBox.StandardButton.Yes).text() == "&Oui"


def test_the_non_native_file_dialog_is_french(qapp, qtbot):
    install_french(qapp)
    dialog = QFileDialog(None, "Importer")
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    qtbot.addWidget(dialog)
    labels = [label.text() for label in dialog.findChildren(QLabel) if label.text()]
    # «&Look in:» and «Files of &type:» are missing from Qt's own catalogue: resources/translations completes it.
    assert labels == ["&Voir dans\u00a0:", "&Nom de fichier\u00a0:", "Fichiers de &type\u00a0:"]
    assert QCoreApplication.translate("QAbstractFileIconProvider", "Folder", "All other platforms") == "Dossier"


def test_a_text_fields_context_menu_is_french(qapp):
    install_french(qapp)
    sample = french_sample()
    assert "Cop&ier" in sample["menu contextuel"] and "Co&ller" in sample["menu contextuel"]
    assert "Tout sélectionner" in sample["menu contextuel"]
    assert sample_is_french(sample)
    assert not sample_is_french({**sample, "dialogue de fichiers": "&Look in: | &Nom de fichier\u00a0:"})


def test_the_complements_leave_every_other_text_to_qt(qapp):
    install_french(qapp)
    install_french(qapp)  # twice: nothing more installed
    for _round in range(5000):  # many lookups through both catalogues, as a session makes
        assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Annuler"
    assert QCoreApplication.translate("QFileDialog", "File &name:") == "&Nom de fichier\u00a0:"
    assert QCoreApplication.translate("PaeDesktop", "Not a Qt text") == "Not a Qt text"


def test_the_committed_complements_are_compiled_from_their_source(tmp_path):
    lrelease = shutil.which("pyside6-lrelease") or str(Path(sys.executable).parent / "pyside6-lrelease")
    if not Path(lrelease).exists():
        pytest.skip("pyside6-lrelease absent")
    compiled = tmp_path / "qt_complements_fr.qm"
    subprocess.run([lrelease, str(TRANSLATIONS / "qt_complements_fr.ts"), "-qm", str(compiled)], check=True,
                   capture_output=True)
    assert compiled.read_bytes() == (TRANSLATIONS / "qt_complements_fr.qm").read_bytes()


def test_the_build_check_prints_french_and_succeeds(qapp, monkeypatch, capsys):
    """`PAE_DESKTOP_CHECK_FRENCH=1 pae-desktop` (installers/smoke-test.sh): Qt's texts printed, status 0."""
    from pae_desktop.ui import app as app_module

    monkeypatch.setattr(app_module, "make_application", lambda: (install_french(qapp), qapp)[1])
    monkeypatch.setattr(app_module, "open_window", lambda *args: (_ for _ in ()).throw(AssertionError("ouverte")))
    monkeypatch.setenv("PAE_DESKTOP_CHECK_FRENCH", "1")
    assert app_module.run_app() == 0
    printed = capsys.readouterr().out
    assert "annuler : Annuler" in printed and "Voir dans" in printed
