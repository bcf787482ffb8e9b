"""pytest-qt: «Préparer la journée…» in the «Entretiens» tab (the day's pack, its `.ics`, a series' convocations,
through the operations and in a background task) and the interview form dated from its slot, even ahead."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QFileDialog
from sqlalchemy import func, select

from pae_desktop.core.models import AuditEvent, Interview, InterviewSlot, Partner, Person
from pae_desktop.ui import interview_form
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.interview_day import PrepareDayDialog
from pae_desktop.ui.interview_form import InterviewFormDialog
from pae_desktop.ui.slots import SlotsView
from test_interview_day import DAY, _slot, _trace, day, pages_of  # noqa: F401 - `day` is a fixture


@pytest.fixture
def ctx(day, monkeypatch):  # noqa: F811 - the fixture imported above
    db, ids = day
    opened = []
    monkeypatch.setattr(interview_form, "open_file", opened.append)
    monkeypatch.setattr(PrepareDayDialog, "exec", lambda self: QDialog.DialogCode.Accepted)
    context = AppContext(db, ids["campaign"])
    context.opened, context.ids = opened, ids
    return context


def test_the_form_opened_from_a_booking_takes_the_slot_date(qtbot, ctx):
    ahead = dt.datetime.combine(dt.date.today() + dt.timedelta(days=10), dt.time(14, 0))
    with ctx.db.transaction() as session:
        ml = session.get(Partner, ctx.ids["ml"])
        claire = session.scalars(select(Person).where(Person.last_name == "Durand")).one()
        slot_id = _slot(session, ctx.ids["campaign"], ml, claire, ahead, youth=ctx.ids["cancelled"]).id
    dialog = InterviewFormDialog(ctx, ctx.ids["cancelled"], None, slot_id)
    qtbot.addWidget(dialog)
    assert dialog.held_on.value() == ahead.date()
    assert not dialog.save()
    assert "dans le futur" in dialog.message.text()
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).select_from(Interview)) == 0
    past = InterviewFormDialog(ctx, ctx.ids["adam"], None, _slot_of(ctx, "adam"))
    qtbot.addWidget(past)
    assert past.held_on.value() == DAY


def _slot_of(ctx, key) -> int:
    from pae_desktop.core.models import SlotBooking

    with ctx.db.read() as session:
        return session.scalar(select(SlotBooking.slot_id).where(SlotBooking.youth_id == ctx.ids[key]))


def test_prepare_the_day_from_the_slots_tab(qtbot, ctx, monkeypatch, tmp_path):
    view = SlotsView(ctx)
    qtbot.addWidget(view)
    view.show_week(DAY)
    view._select_slot(_slot_of(ctx, "adam"))
    dialog = view.prepare_day()
    qtbot.addWidget(dialog)
    assert dialog.day.text() == "03/09/2025"
    assert "4 entretiens réservés sur 6 créneaux" in dialog.summary.text()  # France Travail's too
    dialog.partner.setCurrentIndex(dialog.partner.findText("Mission locale du Grand Nancy"))
    assert "Mercredi 3 septembre 2025</b> : 3 entretiens réservés sur 5 créneaux" in dialog.summary.text()
    qtbot.mouseClick(dialog.print_button, Qt.MouseButton.LeftButton)
    assert "Journée du 3 septembre 2025 prête (3 jeunes)" in dialog.message.text()
    pack = ctx.opened[-1]
    assert pack.name == "journee_2025-09-03_mission-locale-du-grand-nancy.pdf"
    assert "BERNARD Adam" in pages_of(pack)[0]
    assert _trace(ctx.db, "journee")[0] == sorted(ctx.ids[k] for k in ("zoe", "adam", "ines"))

    target = tmp_path / "jour.ics"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.export_ics()
    assert "5 créneaux exportés" in dialog.message.text() and "LEFÈVRE" in target.read_text("utf-8")

    dialog.last.setText("04/09/2025")
    dialog.series_button.click()
    assert "4 convocations prêtes" in dialog.message.text()
    assert ctx.opened[-1].name == "convocations_2025-09-03_2025-09-04_mission-locale-du-grand-nancy.pdf"


def test_a_day_that_cannot_be_read_or_has_no_booking_prints_nothing(qtbot, ctx):
    dialog = PrepareDayDialog(ctx, ctx.ids["campaign"], DAY)
    qtbot.addWidget(dialog)
    dialog.day.setText("31/02/2025")
    dialog.print_button.click()
    assert "n'existe pas" in dialog.message.text()
    dialog.day.setText("06/09/2025")
    assert "0 entretien réservé sur 0 créneau" in dialog.summary.text()
    dialog.print_button.click()
    assert dialog.message.text() == "Aucun entretien réservé ce jour-là"
    with ctx.db.read() as session:
        assert session.scalar(select(func.count()).where(AuditEvent.action == "print")) == 0
        assert session.scalar(select(func.count()).select_from(InterviewSlot)) == 7
    assert ctx.opened == []
