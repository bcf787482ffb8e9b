"""Safe to click (issue 18 §4): destructive questions default to «Annuler» and name their act, irreversible acts
need the youth's name typed, and deletions in the directory and the pathway editor can be undone."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from pae_desktop.core.models import AuditEvent, Exit, FollowUpEvent, Partner, Pathway, PathwayTemplate, Youth
from pae_desktop.core.services import directory as d
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.ui import confirmations
from pae_desktop.ui.confirmations import ConfirmByTypingDialog, names_match
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.directory import DirectoryView
from pae_desktop.ui.widgets import confirm

D = dt.date
UI = Path(__file__).resolve().parents[1] / "src" / "pae_desktop" / "ui"
REAL_ASK = confirmations.ask  # before the conftest answers destructive questions in its place
REAL_TYPING_EXEC = ConfirmByTypingDialog.exec

# --- every question of the window, read from the source ----------------------------------------------------------

# `confirm(...)` without `action=`: questions whose «Oui» destroys nothing (a discard of typed values answers
# «Non» by default and keeps the form). A new one lands here only after someone decided it is not destructive.
NOT_DESTRUCTIVE = {
    ("mass_contact.py", "record_for_all"),  # notes one attempt for each youth of a list
    ("left_school.py", "undo"),  # brings a file back into the lists
    ("phase1.py", "maybe_discard"),
    ("youth_detail.py", "maybe_discard"),
    ("scheme_page.py", "confirm_changes"),
    ("shared_database.py", "apply"),  # back to this workstation's own file: nothing deleted
    ("shared_database.py", "copy_to_server"),  # copies, the local base stays
    ("widgets.py", "reject"),  # GuardedDialog: «Abandonner les modifications ?», «Non» by default
    ("pathway_editor/view.py", "_selected"),  # leaving an unsaved pathway: «Non» by default, it stays
    ("pathway_editor/view.py", "show_youth"),
}
# Message boxes built or asked outside `confirm`, each for a reason (nested functions count for their parent too).
OTHER_QUESTIONS = {
    ("widgets.py", "confirm"),  # the «Oui»/«Non» question itself, «Non» by default
    ("slots.py", "export_ics"),  # include the names in an export? (a choice, nothing deleted)
    ("interview_day.py", "export_ics"),
    ("interview_form.py", "_confirm_close"),  # Enregistrer / Ne pas enregistrer / Annuler, «Enregistrer» default
    ("data_protection.py", "offer_encryption"),  # «Oui» protects the data
    ("data_protection.py", "erase_youth_on_request"),  # three answers, «Annuler» default (tested below)
    ("bilan.py", "ask_nominative"),  # pseudonymised by default, the nominative file asked again, «Non» default
    ("bilan.py", "_consolidation_failed"),  # a refusal, one button
    ("backup_dialog.py", "run_startup_maintenance"),  # a damaged database: «Restaurer…» or «Fermer»
    ("backup_dialog.py", "done"),
}
EXEMPT_MODULES = {"confirmations.py"}


def _calls(predicate) -> set[tuple[str, str]]:
    """(module under ui/, enclosing function) of every call in the ui package matching `predicate`."""
    found = set()
    for path in sorted(UI.rglob("*.py")):
        name = path.relative_to(UI).as_posix()
        if name in EXEMPT_MODULES:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            for node in ast.walk(function):
                if isinstance(node, ast.Call) and predicate(node):
                    found.add((name, function.name))
    return found


def _is_confirm_without_action(call: ast.Call) -> bool:
    named = isinstance(call.func, ast.Name) and call.func.id == "confirm"
    return named and not any(keyword.arg == "action" for keyword in call.keywords)


def _is_other_question(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id == "QMessageBox"
    if not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "QMessageBox"):
        return False
    return func.attr == "question" or (func.attr == "warning" and len(call.args) > 3)  # a warning with answers


def test_every_destructive_question_of_the_window_goes_through_confirm_with_its_act():
    assert _calls(_is_confirm_without_action) <= NOT_DESTRUCTIVE
    assert _calls(_is_other_question) <= OTHER_QUESTIONS


def test_a_destructive_question_defaults_to_annuler_on_enter_and_on_escape(qtbot, monkeypatch):
    monkeypatch.setattr(confirmations, "ask", REAL_ASK)
    seen: list[QMessageBox] = []
    answered: list[str] = []

    def press(key):
        def run(box):
            seen.append(box)
            box.show()
            QTest.keyClick(box, key)
            answered.append(box.clickedButton().text())
            return 0

        return run

    for key in (Qt.Key.Key_Return, Qt.Key.Key_Escape):
        monkeypatch.setattr(QMessageBox, "exec", press(key))
        assert not confirm(None, "Supprimer le parcours de DURAND Léa ?", action="Supprimer le parcours")
    assert answered == ["Annuler", "Annuler"]
    box = seen[-1]
    assert sorted(b.text() for b in box.buttons()) == ["Annuler", "Supprimer le parcours"]
    assert box.defaultButton().text() == "Annuler" and box.escapeButton().text() == "Annuler"

    def click_act(box):
        box.show()
        next(b for b in box.buttons() if b.text() == "Supprimer le parcours").click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", click_act)
    assert confirm(None, "Supprimer le parcours de DURAND Léa ?", action="Supprimer le parcours")


def test_the_erasure_defaults_to_annuler_then_asks_for_the_name(demo_db, qtbot, monkeypatch):
    from pae_desktop.ui import data_protection

    with demo_db.read() as session:
        youth = session.scalars(select(Youth).order_by(Youth.id)).first()
        youth_id, name = youth.id, youth.display_name
    boxes: list[QMessageBox] = []

    def enter(box):
        boxes.append(box)
        box.show()
        QTest.keyClick(box, Qt.Key.Key_Return)
        return 0

    monkeypatch.setattr(QMessageBox, "exec", enter)
    assert not data_protection.erase_youth_on_request(None, AppContext(demo_db), youth_id)
    assert boxes[0].defaultButton().text() == "Annuler" and boxes[0].escapeButton().text() == "Annuler"

    typed: list[str] = []

    def wrong_name(dialog):
        typed.append(dialog.expected)
        dialog.field.setText("quelqu'un d'autre")
        dialog.accept()  # Entrée in the field: refused while the name differs
        return dialog.result()

    monkeypatch.setattr(QMessageBox, "exec", lambda box: next(b for b in box.buttons() if b.text() == "Anonymiser").click())
    monkeypatch.setattr(ConfirmByTypingDialog, "exec", wrong_name)
    assert not data_protection.erase_youth_on_request(None, AppContext(demo_db), youth_id)
    assert typed == [name]
    with demo_db.read() as session:
        assert session.get(Youth, youth_id).anonymised_at is None


def test_the_name_unlocks_the_act_case_and_accents_aside(qtbot):
    dialog = ConfirmByTypingDialog(None, "Supprimer le parcours ?", "DURAND Léa", "Supprimer le parcours")
    qtbot.addWidget(dialog)
    assert not dialog.ok.isEnabled() and dialog.cancel.isDefault()
    qtbot.keyClicks(dialog.field, "durand le")
    assert not dialog.ok.isEnabled()
    qtbot.keyClick(dialog.field, Qt.Key.Key_Return)
    assert dialog.result() != ConfirmByTypingDialog.DialogCode.Accepted
    qtbot.keyClicks(dialog.field, "a")
    assert dialog.ok.isEnabled() and dialog.ok.isDefault()
    assert names_match("  Durand   LÉA ", "DURAND Léa") and not names_match("", "")


# --- the pathway editor --------------------------------------------------------------------------------------


@pytest.fixture
def editor(school_db, qtbot):
    from pae_desktop.ui.pathway_editor import PathwaysView

    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        youth_id = save_youth(
            session, campaign, YouthForm(last_name="Durand", first_names="Léa", diploma="CAP", sex="F")
        ).youth_id
        module = svc.ModuleForm("IMMERSION_CLASSE", D(2025, 9, 8), D(2025, 12, 31))
        form = svc.PathwayForm(
            "7034150211", D(2025, 9, 8), D(2025, 12, 31), modules=[module], non_engaged_note="Demande du jeune"
        )
        svc.save_pathway(session, youth_id, form)
        svc.save_template(session, "Immersion seule", form)
        svc.save_follow_up(session, youth_id, svc.FollowUpForm(D(2025, 10, 6), "APPEL", note="Joint"))
        svc.record_exit(session, youth_id, svc.ExitForm(D(2025, 11, 3), "EMPLOI", "CDI"))
        campaign_id = campaign.id
    view = PathwaysView(AppContext(school_db, campaign_id))
    qtbot.addWidget(view)
    view.resize(1300, 900)
    view.show()
    view.editor.today = D(2025, 11, 10)
    view.show_youth(youth_id)
    return school_db, view.editor


def count(db, model) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_deleting_in_the_editor_asks_with_annuler_by_default_and_enter_keeps_everything(editor, monkeypatch):
    db, editor = editor
    asked: list[tuple[str, str]] = []

    def enter(box):  # the user presses Entrée: the default button answers
        asked.append((box.text(), box.defaultButton().text()))
        return box.defaultButton()

    monkeypatch.setattr(confirmations, "ask", enter)
    editor.events.selectRow(0)
    editor.delete_follow_up()
    editor.delete_exit()
    editor.templates.setCurrentIndex(0)
    editor.delete_template()
    assert [default for _text, default in asked] == ["Annuler"] * 3
    assert "« Appel » du 06/10/2025" in asked[0][0] and "« Emploi » du 03/11/2025" in asked[1][0]
    assert "« Immersion seule » (1 module(s))" in asked[2][0]
    assert (count(db, FollowUpEvent), count(db, Exit), count(db, PathwayTemplate)) == (1, 1, 1)


def test_follow_up_exit_and_template_deletions_are_undone_latest_first(editor, qtbot):
    db, editor = editor
    assert not editor.undo.button.isEnabled()
    editor.events.selectRow(0)
    editor.delete_follow_up()
    editor.delete_exit()
    editor.templates.setCurrentIndex(0)
    editor.delete_template()
    assert (count(db, FollowUpEvent), count(db, Exit), count(db, PathwayTemplate)) == (0, 0, 0)
    assert editor.undo.button.isEnabled() and "« Immersion seule »" in editor.undo.button.toolTip()

    qtbot.mouseClick(editor.undo.button, Qt.MouseButton.LeftButton)
    assert editor.templates.findText("Immersion seule", Qt.MatchFlag.MatchStartsWith) >= 0
    assert editor.status.text() == "Suppression annulée : le modèle « Immersion seule » est de retour."
    editor.undo.undo()
    assert "Sortie enregistrée" in editor.exit_state.text() and "Suppression annulée" in editor.end_message.text()
    editor.tabs.setCurrentIndex(1)
    editor.window().activateWindow()
    qtbot.waitUntil(editor.window().isActiveWindow)
    editor.events.setFocus()
    QTest.keyClick(editor.events, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # Ctrl+Z in the screen
    assert editor.events.rowCount() == 1 and editor.events.item(0, 2).text() == "Joint"
    assert editor.follow_up_message.text().startswith("Suppression annulée : l'événement de suivi « Appel »")
    assert not editor.undo.button.isEnabled()
    with db.read() as session:
        assert session.scalars(select(Pathway.actual_end)).all() == [D(2025, 11, 3)]
        restored = session.scalars(select(AuditEvent.entity).where(AuditEvent.action == "restore")).all()
        assert sorted(restored) == ["exit", "follow_up_event", "pathway_template"]


def test_deleting_the_pathway_needs_the_youth_name(editor, monkeypatch):
    db, editor = editor
    editor.delete_exit()  # an exit holds the pathway
    texts: list[str] = []

    def type_wrong(dialog):
        texts.append(dialog.expected)
        dialog.field.setText("Durand")
        dialog.ok.click()  # greyed: nothing happens
        return dialog.result()

    monkeypatch.setattr(ConfirmByTypingDialog, "exec", type_wrong)
    assert not editor.delete_pathway() and count(db, Pathway) == 1
    assert texts == ["DURAND Léa"]
    monkeypatch.setattr(ConfirmByTypingDialog, "exec", REAL_TYPING_EXEC)

    def type_right(dialog):
        dialog.field.setText("durand lea")
        dialog.ok.click()
        return dialog.result()

    monkeypatch.setattr(ConfirmByTypingDialog, "exec", type_right)
    assert editor.delete_pathway() and count(db, Pathway) == 0


# --- the directory ------------------------------------------------------------------------------------------


def test_a_partner_and_a_person_deleted_in_the_directory_come_back(school_db, qtbot):
    with school_db.transaction() as session:
        partner_id = d.save_partner(session, d.PartnerForm(name="CFA du BTP", type="CFA", city="Toul")).id
        ml_id = d.save_partner(session, d.PartnerForm(name="Mission locale Sud", type="MISSION_LOCALE")).id
        d.save_person(session, d.PersonForm(last_name="Roux", first_name="Paul", role="ML", partner_id=ml_id))
        campaign_id = get_campaign(session, 2025).id
    view = DirectoryView(AppContext(school_db, campaign_id))
    qtbot.addWidget(view)
    view.show()
    view.select_partner(partner_id)
    view.delete_partner()  # the conftest answers «Supprimer le partenaire»
    view.select_partner(ml_id)
    view.people.selectRow(0)
    view.delete_person()
    assert count(school_db, Partner) == 1 and view.undo.button.isEnabled()

    view.activateWindow()
    qtbot.waitUntil(view.isActiveWindow)
    view.partners.setFocus()
    QTest.keyClick(view.partners, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert view.message.text() == "Suppression annulée : Paul Roux (Conseiller(ère) Mission locale) est de retour."
    assert view.people.model().rowCount() == 1
    qtbot.mouseClick(view.undo.button, Qt.MouseButton.LeftButton)
    assert "le partenaire « CFA du BTP »" in view.message.text() and not view.undo.button.isEnabled()
    with school_db.read() as session:
        assert session.scalars(select(Partner.city).where(Partner.name == "CFA du BTP")).all() == ["Toul"]


def test_the_retention_purge_asks_twice_and_annuler_at_the_second_keeps_everything(demo_db, qtbot, monkeypatch):
    from PySide6.QtWidgets import QMainWindow

    from pae_desktop.core.models import School
    from pae_desktop.ui import backup_dialog

    with demo_db.transaction() as session:
        session.scalars(select(School)).one().is_demo = False
    asked: list[str] = []
    answers = iter([QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No])
    monkeypatch.setattr(QMessageBox, "question", lambda _p, _t, text, *a: asked.append(text) or next(answers))
    window = QMainWindow()
    qtbot.addWidget(window)
    backup_dialog.run_startup_maintenance(window, AppContext(demo_db), today=D(2026, 1, 15))
    assert len(asked) == 2 and "sans parcours à anonymiser" in asked[0]
    assert asked[1].startswith("Confirmez-vous : anonymiser définitivement") and "ne peut pas être annulée" in asked[1]
    with demo_db.read() as session:
        assert session.scalar(select(func.count()).where(Youth.anonymised_at.is_not(None))) == 0
