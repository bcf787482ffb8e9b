"""The interview form and the Entretiens tab on a shared database: a colleague's save first, then ours is
refused with the French conflict message inline, and the screen reloads the colleague's values; the
screens refresh from the changes the operations return; a slot is edited or deleted, a record deleted."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from pae_desktop.core.errors import CONFLICT_MESSAGE
from pae_desktop.core.models import AuditEvent, Interview, InterviewSlot, SlotBooking
from pae_desktop.core.operations import SLOTS, YOUTHS
from pae_desktop.core.services import directory as d
from pae_desktop.core.services import interviews as iv
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import ContactChannel, ContactResult, NextStep, Role
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.interview_form import InterviewFormDialog
from pae_desktop.ui.slots import SlotEditDialog, SlotsView

TODAY = dt.date(2025, 10, 15)


@pytest.fixture
def ctx(school_db):
    """Four slots on Thursday 28 August 2025, two youths reached, an interview recorded for the first."""
    from pae_desktop.core.models import ContactAttempt

    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        ml = d.save_partner(session, d.PartnerForm(name="Mission locale du Grand Nancy"))
        advisor = d.save_person(session, d.PersonForm("Durand", "Claire", "ML", ml.id))
        form = iv.SlotSeriesForm(
            days=[dt.date(2025, 8, 28)], place="Au lycée", partner_id=ml.id, advisor_id=advisor.id
        )
        slots = iv.create_slot_series(session, campaign, form).slot_ids
        youths = []
        for name in ("Lefèvre", "Martin"):
            youth = save_youth(session, campaign, YouthForm(last_name=name, first_names="Zoé")).youth_id
            session.add(
                ContactAttempt(
                    youth_id=youth,
                    at=dt.datetime(2025, 8, 25, 10),
                    channel=ContactChannel.TELEPHONE.value,
                    result=ContactResult.JOINT.value,
                    next_step=NextStep.ENTRETIEN_PROPOSE.value,
                )
            )
            youths.append(youth)
        iv.book(session, slots[0], youths[0], today=dt.date(2025, 8, 26))
        record = iv.new_interview_form(session, youths[0], slots[0], today=TODAY)
        record.participants.append(iv.ParticipantForm(Role.RDS.value, None, "Hélène Martin"))
        interview = iv.save_interview(session, record, today=TODAY).interview_id
        campaign_id = campaign.id
    context = AppContext(school_db, campaign_id)
    context.ids = dict(slots=slots, youths=youths, interview=interview)
    return context


def colleague_saves_the_interview(ctx, **values):
    with ctx.db.transaction() as session:
        interview = iv.load_interview(session, ctx.ids["interview"])
        form = iv.interview_form(interview)
        for name, value in values.items():
            setattr(form, name, value)
        iv.save_interview(session, form, interview.id, TODAY, version=interview.version)


def test_the_form_shows_the_conflict_and_reloads(qtbot, ctx):
    dialog = InterviewFormDialog(ctx, ctx.ids["youths"][0], ctx.ids["interview"])
    qtbot.addWidget(dialog)
    colleague_saves_the_interview(ctx, situation="En recherche d'apprentissage")
    qtbot.keyClicks(dialog.notes, "Ma note")
    assert dialog.dirty
    assert dialog.save() is False
    assert dialog.message.text() == CONFLICT_MESSAGE and not dialog.message.isHidden()
    assert dialog.situation.toPlainText() == "En recherche d'apprentissage"  # the colleague's save shows
    assert dialog.notes.toPlainText() == "" and not dialog.dirty
    qtbot.keyClicks(dialog.notes, "Ma note")
    assert dialog.save() is True  # on the fresh version
    with ctx.db.read() as session:
        saved = session.get(Interview, ctx.ids["interview"])
        assert (saved.notes, saved.situation) == ("Ma note", "En recherche d'apprentissage")
    # a participant edited after the reload still marks the form unsaved
    dialog.rows[0].name.setText("")
    qtbot.keyClicks(dialog.rows[-1].name, "x")
    assert dialog.dirty


def test_the_form_refreshes_the_screens_from_the_changes_and_deletes_a_record(qtbot, ctx):
    emitted = []
    ctx.data_changed.connect(emitted.append)
    dialog = InterviewFormDialog(ctx, ctx.ids["youths"][0], ctx.ids["interview"])
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.notes, "Vu avec la famille")
    assert dialog.save()
    assert emitted == [frozenset({"interviews", "youths", "slots"})]
    assert dialog.delete_button.isEnabled()
    colleague_saves_the_interview(ctx, notes="Autre note")
    assert dialog.delete() is False  # a record changed meanwhile is not deleted blindly
    assert dialog.message.text() == CONFLICT_MESSAGE and dialog.notes.toPlainText() == "Autre note"
    assert dialog.delete() is True  # confirmed (the test's message boxes answer «Oui»)
    with ctx.db.read() as session:
        assert session.get(Interview, ctx.ids["interview"]) is None
        assert session.scalar(
            select(AuditEvent).where(AuditEvent.action == "delete", AuditEvent.entity == "interview")
        )


def test_a_new_record_cannot_be_deleted(qtbot, ctx):
    dialog = InterviewFormDialog(ctx, ctx.ids["youths"][1], None)
    qtbot.addWidget(dialog)
    assert not dialog.delete_button.isEnabled()


def view_on(qtbot, ctx) -> SlotsView:
    view = SlotsView(ctx)
    qtbot.addWidget(view)
    view.show_week(dt.date(2025, 8, 25))
    return view


def test_booking_a_slot_taken_meanwhile_is_refused_and_the_week_reloads(qtbot, ctx):
    view = view_on(qtbot, ctx)
    free = ctx.ids["slots"][1]
    view.select_youth(ctx.ids["youths"][1])
    view._select_slot(free)
    with ctx.db.transaction() as session:  # a colleague books the same slot for the same youth
        iv.book(session, free, ctx.ids["youths"][1], today=dt.date(2025, 8, 26))
    view.book_selected()
    assert view.message.text() == CONFLICT_MESSAGE
    assert view.rows[free].youth_name == "MARTIN Zoé"  # reloaded: the colleague's booking shows
    with ctx.db.read() as session:
        assert len(session.scalars(select(SlotBooking).where(SlotBooking.slot_id == free)).all()) == 1


def test_the_tab_refreshes_from_the_changes_of_a_booking(qtbot, ctx):
    view = view_on(qtbot, ctx)
    emitted = []
    ctx.data_changed.connect(emitted.append)
    view.select_youth(ctx.ids["youths"][1])
    view._select_slot(ctx.ids["slots"][2])
    view.book_selected()
    assert emitted == [frozenset({SLOTS, YOUTHS})]
    assert "Rendez-vous pris" in view.message.text()
    assert view.rows[ctx.ids["slots"][2]].booking_id is not None


def test_a_slot_edited_then_a_stale_edit_reloads(qtbot, ctx):
    view = view_on(qtbot, ctx)
    slot_id = ctx.ids["slots"][3]
    view._select_slot(slot_id)
    assert view.edit_slot_button.isEnabled()
    dialog = SlotEditDialog(ctx, slot_id, view)
    qtbot.addWidget(dialog)
    assert dialog.day.text() == "28/08/2025" and dialog.place.text() == "Au lycée"
    with ctx.db.transaction() as session:
        slot = iv.get_slot(session, slot_id)
        form = iv.slot_form(slot)
        form.place = "Mission locale, salle B"
        iv.update_slot(session, slot_id, slot.version, form)
    dialog.note.setText("Apporter le CV")
    assert dialog.save() is False
    assert dialog.message.text() == CONFLICT_MESSAGE and dialog.place.text() == "Mission locale, salle B"
    dialog.day.setText("31/02/2025")
    assert dialog.save() is False and "n'existe pas" in dialog.message.text()
    dialog.day.setText("29/08/2025")
    dialog.note.setText("Apporter le CV")
    assert dialog.save() is True
    with ctx.db.read() as session:
        slot = session.get(InterviewSlot, slot_id)
        assert (slot.note, slot.starts_at.date(), slot.place) == (
            "Apporter le CV",
            dt.date(2025, 8, 29),
            "Mission locale, salle B",
        )


def test_a_slot_never_booked_is_deleted_from_the_tab(qtbot, ctx):
    view = view_on(qtbot, ctx)
    booked, never = ctx.ids["slots"][0], ctx.ids["slots"][3]
    view._select_slot(booked)
    assert not view.delete_slot_button.isEnabled()
    view._select_slot(never)
    assert view.delete_slot_button.isEnabled()
    qtbot.mouseClick(view.delete_slot_button, Qt.MouseButton.LeftButton)
    assert view.message.text() == "Créneau supprimé."
    assert never not in view.rows
    with ctx.db.read() as session:
        assert session.get(InterviewSlot, never) is None
