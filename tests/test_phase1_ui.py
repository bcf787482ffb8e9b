"""The phase-1 «AvenirPro» tab: typing a workshop, the keyboard-fast attendance grid, interviews and events."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog

from pae_desktop.core.phase1 import phase1_summaries
from pae_desktop.core.services import phase1 as p1
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.ui import phase1_dialogs
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.phase1 import Phase1View
from phase1_data import seed_phase1


@pytest.fixture
def data(school_db):
    with school_db.transaction() as session:
        return seed_phase1(session)


@pytest.fixture
def view(qtbot, school_db, data):
    context = AppContext(school_db, data.campaign_id)
    widget = Phase1View(context)
    qtbot.addWidget(widget)
    widget.resize(1366, 700)
    widget.show()
    return widget


def add_workshop(db, data, held_on=dt.date(2025, 11, 13), classes=("TCAP CUI", "TBP MELEC")) -> int:
    form = p1.WorkshopForm(held_on, "09:00", 60, "CV", data.mission_locale, None, list(classes))
    with db.transaction() as session:
        return p1.save_workshop(session, data.campaign_id, form).entity_id


def run_dialog(monkeypatch, fill):
    """Open dialogs as if the user typed into them: `fill(dialog)` then «Enregistrer»."""
    seen = []

    def exec_(dialog):
        seen.append(dialog)
        fill(dialog)
        return QDialog.DialogCode.Accepted if dialog.save() else QDialog.DialogCode.Rejected

    monkeypatch.setattr(QDialog, "exec", exec_)
    return seen


def test_typing_a_workshop_with_an_inline_error_first(qtbot, view, data, monkeypatch, school_db):
    def fill(dialog):
        operators = [dialog.operator.operator.itemText(i) for i in range(dialog.operator.operator.count())]
        assert operators == [
            "— Choisir —",
            "France Travail Nancy Nord (France Travail)",
            "Mission locale du Grand Nancy (Mission locale)",
        ]  # never the company
        qtbot.keyClicks(dialog.held_on, "31/02/2026")
        assert not dialog.save()
        assert dialog.message.text() == "Le 31/02/2026 n'existe pas." and dialog.message.isVisibleTo(dialog)
        dialog.held_on.clear()
        qtbot.keyClicks(dialog.held_on, "13/11/2025")
        qtbot.keyClicks(dialog.starts_at, "14h")
        assert not dialog.save()
        assert "L'heure « 14h » doit s'écrire HH:MM" in dialog.message.text()
        dialog.starts_at.setText("14:00")
        dialog.duration.setValue(90)
        dialog.theme.setEditText("Se préparer à un entretien d'embauche")
        dialog.operator.operator.setCurrentIndex(2)
        advisors = [dialog.operator.advisor.itemText(i) for i in range(dialog.operator.advisor.count())]
        assert advisors == ["— Non précisé(e) —", "Claire Durand"]  # follows the operator
        dialog.operator.advisor.setCurrentIndex(1)
        assert not dialog.save()
        assert dialog.message.text() == "Cochez au moins une classe concernée par l'atelier."
        dialog.classes.item(0).setCheckState(Qt.CheckState.Checked)

    seen = run_dialog(monkeypatch, fill)
    qtbot.mouseClick(view.workshops.new_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 1 and seen[0].result() == QDialog.DialogCode.Accepted
    page = view.workshops
    cells = [page.table.item(0, c).text() for c in range(page.table.columnCount())]
    assert cells == [
        "13/11/2025",
        "14 h 00",
        "1 h 30",
        "Se préparer à un entretien d'embauche",
        "Mission locale du Grand Nancy (Claire Durand)",
        "TBP AGORA",
        "non saisie (5)",
    ]
    assert "TBP AGORA (1)" in page.minimum.text()


def test_attendance_with_the_keyboard_then_read_back(qtbot, view, data, school_db):
    workshop_id = add_workshop(school_db, data)
    view.reload()
    view.workshops.select(workshop_id)
    view.workshops.attendance_button.click()
    page = view.attendance
    assert view.tabs.currentWidget() is page
    assert page.division.currentText() == "TBP MELEC"  # the workshop's classes, sorted
    page.division.setCurrentIndex(page.division.findData("TCAP CUI"))
    assert page.table.rowCount() == 5
    assert [page.table.item(r, 2).text() for r in range(5)] == ["non saisie"] * 5
    qtbot.mouseClick(page.all_present, Qt.MouseButton.LeftButton)
    table = page.table
    table.setFocus()
    table.setCurrentCell(0, 0)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Space)  # the second student was absent
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Down)
    qtbot.keyClick(table, Qt.Key.Key_Space)
    qtbot.keyClick(table, Qt.Key.Key_Space)  # toggled twice: present again
    assert page.summary.text() == "4 présent(s) sur 5 — non enregistré"
    second = table.item(1, 0).data(Qt.ItemDataRole.UserRole)
    assert page.save(today=dt.date(2026, 12, 4))
    assert page.message.text() == "Présences enregistrées (classe TCAP CUI : 4 présent(s), 1 absent(s))."
    assert [table.item(r, 2).text() for r in range(5)].count("présent(e)") == 4
    with school_db.read() as session:
        summaries = phase1_summaries(session, data.campaign_id)
    cui = data.classes["TCAP CUI"]
    assert [summaries[y].workshops_attended for y in cui] == [0 if y == second else 1 for y in cui]
    assert view.workshops.table.item(0, 6).text() == "4/10 (5 non saisis)"


def test_unsaved_ticks_are_kept_unless_the_user_drops_them(qtbot, view, data, school_db, monkeypatch):
    add_workshop(school_db, data)
    view.reload()
    page = view.attendance
    page.set_all(True)
    monkeypatch.setattr(phase1_dialogs.QDialog, "exec", lambda self: 0)
    from PySide6.QtWidgets import QMessageBox

    monkeypatch.setattr(QMessageBox, "question", lambda *args, **kwargs: QMessageBox.StandardButton.No)
    page.division.setCurrentIndex(1)
    assert page.division.currentData() == "TBP MELEC" and page.dirty  # stays on the pending class
    assert page.checks() and all(page.checks().values())


def test_a_future_workshop_refuses_attendance_in_the_grid(qtbot, view, data, school_db):
    add_workshop(school_db, data, held_on=dt.date(2026, 5, 20))
    view.reload()
    view.attendance.set_all(True)
    assert not view.attendance.save(today=dt.date(2026, 5, 19))
    assert "n'a pas encore eu lieu" in view.attendance.message.text()


def test_deleting_asks_first_and_no_keeps_it(
    qtbot, view, data, school_db, monkeypatch, no_blocking_message_boxes
):
    from PySide6.QtWidgets import QMessageBox

    add_workshop(school_db, data)
    view.reload()
    asked = []
    monkeypatch.setattr(QMessageBox, "question", lambda *args: asked.append(args[2]) or args[4])  # «Annuler»
    view.workshops.delete_button.click()
    assert view.workshops.table.rowCount() == 1
    assert "13/11/2025" in asked[0]  # the workshop is named
    monkeypatch.setattr(QMessageBox, "question", lambda *args: QMessageBox.StandardButton.Yes)
    view.workshops.delete_button.click()
    assert view.workshops.table.rowCount() == 0


def test_an_event_picks_its_participants_by_class_and_search(qtbot, view, data, monkeypatch, school_db):
    def fill(dialog):
        picker = dialog.participants
        qtbot.keyClicks(dialog.held_on, "12/03/2026")
        dialog.kind.set_code("FORUM")
        qtbot.keyClicks(dialog.title, "Forum de l'alternance")
        picker.division.setCurrentIndex(picker.division.findData("TBP MELEC"))
        shown = [
            picker.list.item(r) for r in range(picker.list.count()) if not picker.list.item(r).isHidden()
        ]
        assert len(shown) == 5 and all(i.text().endswith("— TBP MELEC") for i in shown)
        picker.check_shown.click()
        picker.division.setCurrentIndex(0)
        first_name = shown[0].text().split(" — ")[0].split(" ")[1]
        picker.search.setText(first_name.lower())
        assert all(
            first_name in picker.list.item(r).text()
            for r in range(picker.list.count())
            if not picker.list.item(r).isHidden()
        )
        assert picker.count.text() == "5 participant(s)"

    run_dialog(monkeypatch, fill)
    view.tabs.setCurrentWidget(view.events)
    view.events.new_button.click()
    assert [view.events.table.item(0, c).text() for c in (1, 2, 4)] == [
        "Forum de recrutement",
        "Forum de l'alternance",
        "5",
    ]
    with school_db.read() as session:
        summaries = phase1_summaries(session, data.campaign_id)
    assert all(summaries[y].events_attended == 1 for y in data.classes["TBP MELEC"])


def test_an_interview_is_chosen_by_typing_the_name(qtbot, view, data, monkeypatch, school_db):
    youth = data.classes["TBP AGORA"][2]

    def fill(dialog):
        index = dialog.student.findData(youth)
        dialog.student.setEditText(dialog.student.itemText(index))
        qtbot.keyClicks(dialog.held_on, "20/01/2026")
        dialog.partner.operator.setCurrentIndex(1)

    run_dialog(monkeypatch, fill)
    view.interviews.new_button.click()
    assert view.interviews.table.item(0, 2).text() == "TBP AGORA"
    assert view.interviews.table.item(0, 3).text() == "France Travail Nancy Nord"


def test_a_campaign_without_phase_1_shows_a_sentence(qtbot, view, school_db):
    with school_db.read() as session:
        campaign_2025 = get_campaign(session, 2025).id
    view.context.set_campaign(campaign_2025)
    assert view.stack.currentIndex() == 0
    assert view.absent.text().startswith("La campagne 2025 (Parcours Ambition Emploi) n'a pas de phase 1")


def test_the_main_window_names_the_tab_after_the_campaigns_phase_1(qtbot, school_db, data):
    from pae_desktop.ui.main_window import MainWindow

    window = MainWindow(school_db, maintenance=False)
    qtbot.addWidget(window)
    index = window.tabs.indexOf(window.views["Phase1View"])
    assert window.context.campaign_id == data.campaign_id  # the most recent campaign: 2026
    assert window.tabs.tabText(index) == "AvenirPro" and window.tabs.isTabVisible(index)
    window.campaign_box.setCurrentIndex(1)  # campaign 2025
    assert not window.tabs.isTabVisible(index)
