"""The shared dialog buttons: French labels with their shortcut letters, accept and close wired."""

from PySide6.QtWidgets import QDialog

from pae_desktop.ui.widgets import Button, dialog_buttons


def test_dialog_buttons_label_and_wire_each_button(qtbot):
    dialog = QDialog()
    qtbot.addWidget(dialog)
    saved = []
    buttons = dialog_buttons(
        dialog, lambda: saved.append(True), {Button.Save: "&Enregistrer", Button.Close: "Fermer"}
    )
    assert [buttons.button(b).text() for b in (Button.Save, Button.Close)] == ["&Enregistrer", "Fermer"]
    assert buttons.button(Button.Cancel) is None
    dialog.show()
    buttons.button(Button.Save).click()
    assert saved == [True] and dialog.isVisible()
    buttons.button(Button.Close).click()
    assert not dialog.isVisible() and dialog.result() == QDialog.DialogCode.Rejected
