"""Mass contact in the window: the contact dialog's keys (+2 j, +7 j, lundi, dates typed without slashes), the
next youth of the list selected after a save, and «Contacter toute la liste» from the home screen and the
caseload's filter."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QDateTime, Qt
from sqlalchemy import select

from pae_desktop.core.models import AuditEvent, Campaign, InformationTarget, OriginalSchooling, Youth
from pae_desktop.core.worklist import Worklist
from pae_desktop.ui import contact_dialog, mass_contact
from pae_desktop.ui.contact_dialog import ContactDialog
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.mass_contact import MassContactDialog
from pae_desktop.ui.widgets import parse_french_date
from pae_desktop.ui.worklists import WorklistsView

NAMES = ("ALPHA", "BRAVO", "CHARLIE", "DELTA")


@pytest.fixture
def campaign(school_db):
    """Four youths never contacted: all in «À contacter», in this order (one class)."""
    with school_db.transaction() as session:
        campaign = session.scalars(select(Campaign)).one()
        ids = []
        for number, name in enumerate(NAMES):
            youth = Youth(
                campaign_id=campaign.id,
                pseudonym=f"{number:016d}",
                last_name=name,
                first_names="Léa",
                phone="06 12 34 56 78" if name != "DELTA" else "",
                email=f"{name.lower()}@exemple.fr" if name != "DELTA" else "",
                schooling=OriginalSchooling(division="TMELEC", diploma="BAC_PRO"),
            )
            session.add(youth)
            session.flush()
            ids.append(youth.id)
        return campaign.id, ids


def _contact_dialog(qtbot, db, campaign):
    dialog = ContactDialog(AppContext(db, campaign[0]), campaign[1][0])
    qtbot.addWidget(dialog)
    dialog.show()
    dialog.when.setDateTime(QDateTime(dt.date(2025, 8, 27), dt.time(10, 0)))  # a Wednesday
    return dialog


def test_the_relance_keys(qtbot, school_db, campaign):
    dialog = _contact_dialog(qtbot, school_db, campaign)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    # a button's key clicks it after its press animation: wait for the date
    for key, expected in (
        (Qt.Key.Key_2, dt.date(2025, 8, 29)),
        (Qt.Key.Key_7, dt.date(2025, 9, 3)),
        (Qt.Key.Key_U, dt.date(2025, 9, 1)),  # next Monday
    ):
        qtbot.keyClick(dialog.focusWidget(), key, Qt.KeyboardModifier.AltModifier)
        qtbot.waitUntil(lambda expected=expected: dialog.next_date.text() == f"{expected:%d/%m/%Y}")
        assert dialog.next_step.code() == "A_RELANCER"


def test_the_relance_typed_in_the_date_field(qtbot, school_db, campaign):
    dialog = _contact_dialog(qtbot, school_db, campaign)
    qtbot.keyClicks(dialog.next_date, "+7")
    assert dialog.next_date.text() == "03/09/2025" and dialog.next_step.code() == "A_RELANCER"
    dialog.next_date.clear()
    qtbot.keyClicks(dialog.next_date, "l")
    assert dialog.next_date.text() == "01/09/2025"
    dialog.when.setDateTime(QDateTime(dt.date(2025, 9, 1), dt.time(10, 0)))  # a Monday: the next one
    dialog.next_date.clear()
    qtbot.keyClicks(dialog.next_date, "l")
    assert dialog.next_date.text() == "08/09/2025"
    dialog.next_date.clear()
    qtbot.keyClicks(dialog.next_date, "27082025")
    dialog.next_date.editingFinished.emit()
    assert dialog.next_date.text() == "27/08/2025"


def test_dates_typed_without_slashes_are_read_by_the_one_parser():
    assert parse_french_date("27082025") == dt.date(2025, 8, 27)
    assert parse_french_date("270825") == dt.date(2025, 8, 27)
    assert parse_french_date("27/8/2025") == dt.date(2025, 8, 27)
    assert parse_french_date("  ") is None
    with pytest.raises(ValueError, match="n'est pas une date"):
        parse_french_date("2708202")
    with pytest.raises(ValueError, match="Le 31/02/2025 n'existe pas"):
        parse_french_date("31022025")


@pytest.fixture
def home(qtbot, school_db, campaign):
    view = WorklistsView(AppContext(school_db, campaign[0]))
    qtbot.addWidget(view)
    view.show()
    view.show_list(Worklist.A_CONTACTER)  # whatever the phase's first list is on the day the tests run
    return view


def test_the_next_youth_of_the_list_is_selected_after_a_save(qtbot, home, campaign, monkeypatch):
    def save_joint(dialog):
        dialog.outcome.set_code("JOINT")  # the youth leaves «À contacter»
        dialog.save()
        return 1

    monkeypatch.setattr(contact_dialog.ContactDialog, "exec", save_joint)
    home.select_row(1)
    assert home.selected_id() == campaign[1][1]
    home.contact_button.click()
    assert [item.youth_id for item in home.model.items] == [campaign[1][i] for i in (0, 2, 3)]
    assert home.selected_id() == campaign[1][2] and home.table.hasFocus()

    def save_failed(dialog):
        dialog.outcome.set_code("PAS_DE_REPONSE")  # the youth stays in the list
        dialog.save()
        return 1

    monkeypatch.setattr(contact_dialog.ContactDialog, "exec", save_failed)
    home.contact_button.click()
    assert home.selected_id() == campaign[1][3]


def test_contact_the_whole_list_from_the_home_screen(qtbot, school_db, home, campaign, tmp_path, monkeypatch):
    opened = []

    def fake_exec(dialog):
        opened.append(dialog)
        return 0

    monkeypatch.setattr(MassContactDialog, "exec", fake_exec)
    home.mass_button.click()
    (dialog,) = opened
    qtbot.addWidget(dialog)
    assert dialog.youth_ids == campaign[1] and dialog.list_title == "À contacter"
    assert "4 jeunes : 3 joignables par SMS" in dialog.summary.text() and "1 sans coordonnées" in dialog.summary.text()
    target = tmp_path / "liste.csv"
    monkeypatch.setattr(mass_contact.QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), ""))
    dialog.contacts_button.click()
    assert target.exists() and (tmp_path / "liste_sans_coordonnees.csv").exists()
    assert "1 jeune sans coordonnées" in dialog.message.text()
    dialog.record_button.click()  # «Action d'information», «Courrier», today (the confirmation answers Yes)
    assert "Action d'information « Courrier » notée pour 4 jeunes" in dialog.message.text()
    assert not dialog.record_button.isEnabled()
    with school_db.read() as session:
        assert sorted(session.scalars(select(InformationTarget.youth_id))) == campaign[1]
        assert session.scalars(select(AuditEvent.nominative).where(AuditEvent.action == "export")).all() == [True]
    assert home.lists.counts  # the home screen reloaded: the youths are «Informé(e)» now, still to contact


def test_a_bad_date_is_refused_and_nothing_recorded(qtbot, school_db, campaign):
    dialog = MassContactDialog(AppContext(school_db, campaign[0]), campaign[1][:2], "Classe TMELEC")
    qtbot.addWidget(dialog)
    dialog.as_attempt.setChecked(True)
    dialog.relance.setText("31022025")
    dialog.record_button.click()
    assert dialog.message.text() == "Le 31/02/2025 n'existe pas."
    with school_db.read() as session:
        assert session.scalars(select(InformationTarget)).all() == []
