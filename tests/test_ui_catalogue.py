"""The screen catalogue opens every screen, and every dialog class of the ui package is in it."""

from __future__ import annotations

from ui_catalogue import covered_dialogs, dialog_classes, screens

pytest_plugins = ("ui_catalogue",)  # the `demo_window` fixture


def test_the_catalogue_opens_every_dialog_of_the_ui_package(qtbot, demo_window, tmp_path):
    names = []
    for name, widget in screens(qtbot, demo_window, tmp_path):
        assert widget.isVisible(), name
        names.append(name)
    assert len(names) == len(set(names))
    assert {"Onglet Accueil", "Onglet Bilan", "Élèves › dossier du jeune", "Entretien"} <= set(names)
    missing = {cls.__qualname__ for cls in dialog_classes() - covered_dialogs()}
    assert not missing, f"dialogs missing from tests/ui_catalogue.py: {sorted(missing)}"
