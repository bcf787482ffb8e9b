"""pytest-qt: create a slot series, book a youth in two clicks, print the convocation, fill the record form,
and find the decision in the caseload's stage; the form asks before losing unsaved changes."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import func, select

from pae_desktop.core.models import (
    ContactAttempt,
    FollowUpEvent,
    GeneratedDocument,
    Interview,
    InterviewSlot,
    SlotBooking,
)
from pae_desktop.core.services import directory as d
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import YouthForm, caseload_rows, save_youth
from pae_desktop.core.vocabulary import ContactChannel, ContactResult, Decision, NextStep, Role, Stage
from pae_desktop.ui import interview_form
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.interview_form import InterviewFormDialog
from pae_desktop.ui.slots import SlotSeriesDialog, SlotsView
from pdf_text import pdf_text


@pytest.fixture
def ctx(school_db, monkeypatch):
    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        ml = d.save_partner(session, d.PartnerForm(name="Mission locale du Grand Nancy"))
        d.save_person(session, d.PersonForm("Durand", "Claire", "ML", ml.id))
        d.save_person(session, d.PersonForm("Martin", "Hélène", "RDS"))
        youth = save_youth(session, campaign, YouthForm(last_name="Lefèvre", first_names="Zoé")).youth_id
        session.add(
            ContactAttempt(
                youth_id=youth,
                at=dt.datetime(2025, 8, 25, 10),
                channel=ContactChannel.TELEPHONE.value,
                result=ContactResult.JOINT.value,
                next_step=NextStep.ENTRETIEN_PROPOSE.value,
            )
        )
        campaign_id = campaign.id
    opened = []
    monkeypatch.setattr(interview_form, "open_file", opened.append)
    context = AppContext(school_db, campaign_id)
    context.opened = opened
    context.youth_id = youth
    return context


def stage(ctx) -> Stage:
    with ctx.db.read() as session:
        return next(r for r in caseload_rows(session, ctx.campaign_id) if r.id == ctx.youth_id).stage


def create_series(qtbot, view) -> SlotSeriesDialog:
    dialog = SlotSeriesDialog(view.context, view)
    qtbot.addWidget(dialog)
    assert dialog.partner.currentText() == "Mission locale du Grand Nancy"
    assert dialog.advisor.currentText().startswith("Claire Durand")
    qtbot.keyClicks(dialog.first, "28/08/2025")
    qtbot.keyClicks(dialog.last, "29/08/2025")
    dialog.add_range()
    dialog.first.clear()
    dialog.last.clear()
    qtbot.keyClicks(dialog.first, "01/09/2025")
    qtbot.keyClicks(dialog.last, "07/09/2025")
    dialog.add_range()
    dialog.place.setText("Au lycée, salle 104")
    assert len(dialog.selected_days()) == 7
    assert dialog.preview.text() == "28 créneaux sur 7 jours."
    dialog.create()
    assert dialog.result() == dialog.DialogCode.Accepted
    view.after_series(dialog)
    return dialog


def test_series_booking_convocation_form_and_stage(qtbot, ctx):
    view = SlotsView(ctx)
    qtbot.addWidget(view)
    view.resize(1400, 800)
    view.show()
    qtbot.waitExposed(view)
    create_series(qtbot, view)
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(InterviewSlot)) == 28
    assert view.week_title.text() == "Semaine du 25 au 29 août 2025"
    thursday = view.day_lists[3]
    assert thursday.count() == 4 and "Libre" in thursday.item(0).text()
    assert "28 créneaux créés" in view.message.text()

    # two clicks: the youth, then a double-click on the free slot
    assert view.candidates.count() == 1
    candidate = view.candidates.item(0)
    assert candidate.text().startswith("LEFÈVRE Zoé")
    qtbot.mouseClick(
        view.candidates.viewport(),
        Qt.MouseButton.LeftButton,
        pos=view.candidates.visualItemRect(candidate).center(),
    )
    slot_item = thursday.item(1)
    centre = thursday.visualItemRect(slot_item).center()
    qtbot.mouseClick(
        thursday.viewport(), Qt.MouseButton.LeftButton, pos=centre
    )  # a double-click's first press
    qtbot.mouseDClick(thursday.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    with ctx.db.read() as session:
        booking = session.scalars(select(SlotBooking)).one()
        assert booking.youth_id == ctx.youth_id and booking.slot.starts_at == dt.datetime(2025, 8, 28, 9, 45)
    assert "Rendez-vous pris" in view.message.text()
    assert "LEFÈVRE Zoé" in view.day_lists[3].item(1).text()
    assert view.candidates.count() == 0
    assert stage(ctx) is Stage.ENTRETIEN_PLANIFIE

    # the convocation, one click
    assert view.convocation_button.isEnabled()
    qtbot.mouseClick(view.convocation_button, Qt.MouseButton.LeftButton)
    assert len(ctx.opened) == 1
    text = pdf_text(ctx.opened[0])
    assert "Convocation à un entretien" in text and "Zoé LEFÈVRE" in text and "jeudi 28 août 2025" in text

    # the record form, prefilled from the slot
    dialog = InterviewFormDialog(ctx, ctx.youth_id, None, booking.slot_id, view)
    qtbot.addWidget(dialog)
    assert dialog.held_on.text() == "28/08/2025" and dialog.place.text() == "Au lycée, salle 104"
    assert [row.role.currentData() for row in dialog.rows] == [Role.ML.value]
    referent = dialog.add_participant()
    referent.person.setCurrentIndex(referent.person.findText("Hélène Martin", Qt.MatchFlag.MatchStartsWith))
    assert referent.role.currentData() == Role.RDS.value
    qtbot.keyClicks(dialog.situation, "Sans emploi depuis juillet.")
    dialog.barrier_boxes["MOBILITE"].setChecked(True)
    dialog.decision.setCurrentIndex(dialog.decision.findData(Decision.REFUS.value))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "motif du refus" in dialog.message.text()  # refused, in French
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Interview)) == 0
    dialog.decision.setCurrentIndex(dialog.decision.findData(Decision.ENGAGE.value))
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    assert "Fiche enregistrée" in dialog.message.text()
    assert not dialog.dirty
    assert stage(ctx) is Stage.ENGAGE
    assert (
        "Entretien saisi" in view.selected_slot().status
        or view.rows[booking.slot_id].status == "Entretien saisi"
    )

    # one click prints the record
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert len(ctx.opened) == 2
    text = pdf_text(ctx.opened[1])
    assert "Fiche d'entretien" in text and "S'engage dans le parcours" in text and "LEFÈVRE" in text
    with ctx.db.read() as session:
        kinds = sorted(row.kind for row in session.scalars(select(GeneratedDocument)))
    assert kinds == ["convocation", "fiche-entretien"]


def test_reflection_and_unsaved_changes_guard(qtbot, ctx, monkeypatch):
    view = SlotsView(ctx)
    qtbot.addWidget(view)
    create_series(qtbot, view)
    view.select_youth(ctx.youth_id)
    first = view.day_lists[3].item(0)
    view._select_slot(first.data(Qt.ItemDataRole.UserRole))
    view.book_selected()
    slot_id = view.selected_slot().id
    dialog = InterviewFormDialog(ctx, ctx.youth_id, None, slot_id)
    qtbot.addWidget(dialog)
    dialog.decision.setCurrentIndex(dialog.decision.findData(Decision.REFLEXION.value))
    assert dialog.follow_up_on.text() == "04/09/2025"  # a week after the interview, editable
    dialog.follow_up_on.setText("10/09/2025")
    assert dialog.save()
    assert stage(ctx) is Stage.REFLEXION
    with ctx.db.read() as session:
        follow = session.scalars(select(FollowUpEvent)).one()
        assert follow.due_on == dt.date(2025, 9, 10) and follow.done_on is None
        interview_id = session.scalar(select(Interview.id))
    with ctx.db.read() as session:
        row = next(r for r in caseload_rows(session, ctx.campaign_id) if r.id == ctx.youth_id)
    assert row.next_action_on == dt.date(2025, 9, 10)

    # unsaved changes: Cancel keeps the dialog open, Discard closes without saving
    editor = InterviewFormDialog(ctx, ctx.youth_id, interview_id)
    qtbot.addWidget(editor)
    editor.show()
    assert not editor.dirty
    qtbot.keyClicks(editor.notes, "Une note a ne pas perdre")
    assert editor.dirty
    answers = []

    def answer(choice):
        def fake(*_args, **_kwargs):
            answers.append(choice)
            return choice

        return fake

    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Cancel))
    editor.close()
    assert editor.isVisible() and answers == [QMessageBox.StandardButton.Cancel]
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Discard))
    editor.reject()
    assert not editor.isVisible()
    with ctx.db.read() as session:
        assert session.get(Interview, interview_id).notes == ""
    # and Save saves
    editor = InterviewFormDialog(ctx, ctx.youth_id, interview_id)
    qtbot.addWidget(editor)
    editor.show()
    qtbot.keyClicks(editor.notes, "Note gardee")
    monkeypatch.setattr(QMessageBox, "question", answer(QMessageBox.StandardButton.Save))
    editor.close()
    assert not editor.isVisible()
    with ctx.db.read() as session:
        assert session.get(Interview, interview_id).notes == "Note gardee"


def test_cancel_booking_from_the_view(qtbot, ctx, monkeypatch):
    from PySide6.QtWidgets import QInputDialog

    view = SlotsView(ctx)
    qtbot.addWidget(view)
    create_series(qtbot, view)
    view.select_youth(ctx.youth_id)
    view._select_slot(view.day_lists[3].item(2).data(Qt.ItemDataRole.UserRole))
    view.book_selected()
    assert view.cancel_booking_button.isEnabled()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("Le jeune a trouvé un emploi", True))
    view.cancel_booking()
    with ctx.db.read() as session:
        booking = session.scalars(select(SlotBooking)).one()
        assert booking.cancelled_at is not None and booking.cancel_reason == "Le jeune a trouvé un emploi"
    assert "Libre" in view.day_lists[3].item(2).text()
    assert view.candidates.count() == 1


def test_day_batch_and_ics_export_from_the_view(qtbot, ctx, monkeypatch, tmp_path):
    from PySide6.QtWidgets import QFileDialog, QInputDialog

    from pae_desktop.io.icalendar import unfold
    from pae_desktop.ui import tasks

    monkeypatch.setattr(tasks, "_runner", tasks.run_now)
    view = SlotsView(ctx)
    qtbot.addWidget(view)
    create_series(qtbot, view)
    view.select_youth(ctx.youth_id)
    view._select_slot(view.day_lists[3].item(0).data(Qt.ItemDataRole.UserRole))
    view.book_selected()
    dialog = InterviewFormDialog(ctx, ctx.youth_id, None, view.selected_slot().id)
    qtbot.addWidget(dialog)
    dialog.add_participant().name.setText("Hélène Martin")
    assert dialog.save()
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("28/08/2025", True))
    view.print_day()
    assert "1 fiche du 28 août 2025 prête" in view.message.text()
    assert "LEFÈVRE" in pdf_text(ctx.opened[-1])

    target = tmp_path / "ml.ics"
    view.partner.setCurrentIndex(view.partner.findText("Mission locale du Grand Nancy"))
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.No)
    view.export_ics()
    assert "28 créneaux exportés" in view.message.text()
    lines = unfold(target.read_bytes().decode("utf-8"))
    assert lines.count("BEGIN:VEVENT") == 28 and not any("LEFÈVRE" in line for line in lines)
