"""Dialogs holding typed data ask «Abandonner les modifications ?» before discarding it (issue 17 §6): on Échap,
on «Fermer»/«Annuler» and on the window's cross; «Non», the default, keeps the dialog open with what was typed;
with nothing typed the dialog closes at once, without a question."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialogButtonBox, QMessageBox
from sqlalchemy import select

from pae_desktop.core.models import Campaign, OriginalSchooling, Youth
from pae_desktop.core.vocabulary import ExamResult
from pae_desktop.ui.campaign_dialogs import ExamResultsDialog, InformationDialog
from pae_desktop.ui.contact_dialog import ContactDialog
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.settings_dialog import SettingsDialog
from pae_desktop.ui.widgets import DISCARD_QUESTION

YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


@pytest.fixture
def answers(monkeypatch):
    """The questions asked (text, default button); each is answered by the next of `answers.replies`."""

    class Answers(list):
        replies: list = []

    asked = Answers()

    def question(_parent, _title, text, _buttons=None, default=None):
        asked.append((text, default))
        return asked.replies.pop(0) if asked.replies else NO

    monkeypatch.setattr(QMessageBox, "question", question)
    return asked


@pytest.fixture
def context(school_db):
    with school_db.transaction() as session:
        campaign = session.scalars(select(Campaign)).one()
        for name in ("ALPHA", "BRAVO"):
            session.add(
                Youth(
                    campaign_id=campaign.id,
                    pseudonym="x",
                    last_name=name,
                    first_names="Léa",
                    schooling=OriginalSchooling(division="TMELEC", diploma="BAC_PRO"),
                )
            )
        campaign_id = campaign.id
    return AppContext(school_db, campaign_id)


def _shown(qtbot, dialog):
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    return dialog


def _close_button(dialog, which):
    return dialog.findChild(QDialogButtonBox).button(which)


def test_exam_results_closed_with_results_chosen_asks_and_non_keeps_them(qtbot, context, answers):
    dialog = _shown(qtbot, ExamResultsDialog(context))
    dialog.table.cellWidget(0, 3).set_code(ExamResult.ADMIS.value)
    qtbot.mouseClick(_close_button(dialog, QDialogButtonBox.StandardButton.Close), Qt.MouseButton.LeftButton)
    assert answers == [(DISCARD_QUESTION, NO)]  # asked, «Non» the default
    assert dialog.isVisible() and dialog.table.cellWidget(0, 3).code() == ExamResult.ADMIS.value
    answers.replies = [YES]
    dialog.close()  # the window's cross
    assert len(answers) == 2 and not dialog.isVisible()


def test_exam_results_saved_or_only_browsed_close_at_once(qtbot, context, answers):
    dialog = _shown(qtbot, ExamResultsDialog(context))
    dialog.division.setCurrentIndex(0)  # choosing a class is no result typed
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert answers == [] and not dialog.isVisible()
    dialog = _shown(qtbot, ExamResultsDialog(context))
    dialog.table.cellWidget(1, 3).set_code(ExamResult.AJOURNE.value)
    dialog.table.cellWidget(1, 3).set_code(ExamResult.INCONNU.value)  # back to what is saved
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert answers == [] and not dialog.isVisible()
    dialog = _shown(qtbot, ExamResultsDialog(context))
    dialog.table.cellWidget(1, 3).set_code(ExamResult.AJOURNE.value)
    dialog.save()
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert answers == [] and not dialog.isVisible()


def test_school_set_up_on_escape_asks_before_losing_what_was_typed(qtbot, db, answers):
    dialog = _shown(qtbot, SettingsDialog(AppContext(db, None)))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert answers == [] and not dialog.isVisible()  # nothing typed: closes at once
    dialog = _shown(qtbot, SettingsDialog(AppContext(db, None)))
    qtbot.keyClicks(dialog.school_page.name, "Lycee Jean Prouve")
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert answers == [(DISCARD_QUESTION, NO)]
    assert dialog.isVisible() and dialog.school_page.name.text() == "Lycee Jean Prouve"
    answers.replies = [YES]
    qtbot.mouseClick(_close_button(dialog, QDialogButtonBox.StandardButton.Cancel), Qt.MouseButton.LeftButton)
    assert not dialog.isVisible()


def test_contact_note_is_not_lost_on_escape(qtbot, context, answers):
    with context.db.read() as session:
        youth_id = session.scalars(select(Youth.id).where(Youth.last_name == "ALPHA")).one()
    dialog = _shown(qtbot, ContactDialog(context, youth_id))
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert answers == [] and not dialog.isVisible()
    dialog = _shown(qtbot, ContactDialog(context, youth_id))
    qtbot.keyClicks(dialog.note, "Rappeler apres 18 h, la mere repond")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Escape)
    assert answers == [(DISCARD_QUESTION, NO)]
    assert dialog.isVisible() and dialog.note.text() == "Rappeler apres 18 h, la mere repond"
    answers.replies = [YES]
    dialog.close()
    assert not dialog.isVisible() and dialog.result is None


def test_information_dialog_with_a_class_ticked_asks(qtbot, context, answers):
    dialog = _shown(qtbot, InformationDialog(context, []))
    dialog.classes.item(0).setCheckState(Qt.CheckState.Checked)
    qtbot.keyClick(dialog, Qt.Key.Key_Escape)
    assert answers == [(DISCARD_QUESTION, NO)] and dialog.isVisible()
