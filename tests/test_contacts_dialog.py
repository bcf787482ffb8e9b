"""The contact dialog with pytest-qt: typed from the keyboard, Enter saves, Escape cancels, history shown."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDateTime, Qt
from sqlalchemy import select

from pae_desktop.core.models import Campaign, ContactAttempt, OriginalSchooling, Youth
from pae_desktop.core.vocabulary import Stage
from pae_desktop.ui.contact_dialog import ContactDialog
from pae_desktop.ui.context import AppContext


@pytest.fixture
def youth(school_db):
    with school_db.transaction() as session:
        campaign = session.scalars(select(Campaign)).one()
        youth = Youth(
            campaign_id=campaign.id,
            pseudonym="x",
            last_name="Dupont",
            first_names="Léa",
            phone="06 12 34 56 78",
            phone_raw="0612345678",
            email="lea@example.org",
            schooling=OriginalSchooling(division="TMELEC"),
        )
        session.add(youth)
        session.flush()
        return campaign.id, youth.id


def _dialog(qtbot, db, campaign_id, youth_id):
    context = AppContext(db, campaign_id)
    changes = []
    context.data_changed.connect(changes.append)
    dialog = ContactDialog(context, youth_id)
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.changes = changes
    return dialog


def _attempts(db, youth_id):
    with db.read() as session:
        return session.scalars(select(ContactAttempt).where(ContactAttempt.youth_id == youth_id)).all()


def test_keyboard_entry_and_enter_saves(qtbot, school_db, youth):
    campaign_id, youth_id = youth
    dialog = _dialog(qtbot, school_db, campaign_id, youth_id)
    assert dialog.title.text() == "<b>DUPONT Léa</b> — TMELEC"
    assert "Coordonnées : 06 12 34 56 78 · lea@example.org" in dialog.info.text()
    assert "Étape : Repéré(e)" in dialog.info.text()
    assert dialog.focusWidget() is dialog.outcome  # the result is what changes from one call to the next
    dialog.outcome.set_code("MESSAGE_LAISSE")
    dialog.next_step.set_code("A_RELANCER")
    relance = dt.date.today() + dt.timedelta(days=3)
    qtbot.keyClicks(dialog.next_date, f"{relance:%d/%m/%Y}")
    qtbot.keyClicks(dialog.note, "Messagerie, rappeler jeudi")
    qtbot.keyClick(dialog.note, Qt.Key.Key_Return)
    assert dialog.result is not None
    assert dialog.result.stage is Stage.REPERE
    (attempt,) = _attempts(school_db, youth_id)
    assert (attempt.channel, attempt.result, attempt.next_step, attempt.next_date, attempt.note) == (
        "TELEPHONE",
        "MESSAGE_LAISSE",
        "A_RELANCER",
        relance,
        "Messagerie, rappeler jeudi",
    )
    assert dialog.changes and "contacts" in dialog.changes[-1]
    assert dialog.summary() == "Tentative enregistrée pour DUPONT Léa : Repéré(e)."


def test_escape_cancels(qtbot, school_db, youth):
    campaign_id, youth_id = youth
    dialog = _dialog(qtbot, school_db, campaign_id, youth_id)
    qtbot.keyClicks(dialog.note, "a oublier")  # keyClicks types ASCII only
    qtbot.keyClick(dialog.note, Qt.Key.Key_Escape)
    assert not dialog.isVisible()
    assert _attempts(school_db, youth_id) == []


def test_typing_a_date_chooses_the_relance_and_a_bad_date_is_refused(qtbot, school_db, youth):
    campaign_id, youth_id = youth
    dialog = _dialog(qtbot, school_db, campaign_id, youth_id)
    qtbot.keyClicks(dialog.next_date, "31/02/2030")
    assert dialog.next_step.code() == "A_RELANCER"
    qtbot.keyClick(dialog.next_date, Qt.Key.Key_Return)
    assert dialog.message.text() == "Le 31/02/2030 n'existe pas."
    assert dialog.isVisible()
    dialog.next_date.clear()
    dialog.save()
    assert dialog.message.text() == "Indiquez la date à laquelle relancer."
    assert _attempts(school_db, youth_id) == []


def test_quick_relance_buttons(qtbot, school_db, youth):
    campaign_id, youth_id = youth
    dialog = _dialog(qtbot, school_db, campaign_id, youth_id)
    dialog.when.setDateTime(QDateTime(dt.date(2026, 9, 1), dt.time(10, 0)))
    dialog._relance_in(7)
    assert (dialog.next_step.code(), dialog.next_date.value()) == ("A_RELANCER", dt.date(2026, 9, 8))
    dialog.next_step.set_code("ENTRETIEN_PROPOSE")
    assert dialog.next_date.text() == ""


def test_history_and_unreachable_after_the_third_failure(qtbot, school_db, youth):
    campaign_id, youth_id = youth
    with school_db.transaction() as session:
        for hours in (3, 2):
            session.add(
                ContactAttempt(
                    youth_id=youth_id,
                    at=dt.datetime.now().replace(microsecond=0) - dt.timedelta(hours=hours),
                    channel="SMS",
                    result="PAS_DE_REPONSE",
                    note=f"il y a {hours} h",
                )
            )
    dialog = _dialog(qtbot, school_db, campaign_id, youth_id)
    history = dialog.table.model()
    assert history.rowCount() == 2
    assert history.index(0, 1).data() == "SMS"
    assert history.index(0, 4).data() == "il y a 2 h"
    assert dialog.channel.code() == "SMS"  # the previous attempt's channel
    assert "2 tentatives sans réponse (« Injoignable » à 3)" in dialog._stage_text()
    dialog.outcome.set_code("PAS_DE_REPONSE")
    dialog.save()
    assert dialog.result.stage is Stage.INJOIGNABLE
    assert dialog.summary().endswith("DUPONT Léa passe « Injoignable » (3 tentatives sans réponse).")


def test_a_future_attempt_is_refused(qtbot, school_db, youth):
    campaign_id, youth_id = youth
    dialog = _dialog(qtbot, school_db, campaign_id, youth_id)
    dialog.when.setDateTime(QDateTime.currentDateTime().addDays(2))
    dialog.save()
    assert "datée dans le futur" in dialog.message.text()
    assert _attempts(school_db, youth_id) == []
