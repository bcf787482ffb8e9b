"""pytest-qt: the «Annuaire» tab — partners and their people, the school's staff, validation messages."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from pae_desktop.core.models import Partner, Person
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.directory import STAFF, DirectoryView, PartnerDialog, PersonDialog


@pytest.fixture
def ctx(school_db):
    with school_db.read() as session:
        return AppContext(school_db, get_campaign(session, 2025).id)


def test_partner_and_advisor_from_the_view(qtbot, ctx):
    view = DirectoryView(ctx)
    qtbot.addWidget(view)
    assert view.partners.model().index(0, 0).data() == "Personnel de l'établissement"
    dialog = PartnerDialog(ctx, None, view)
    qtbot.addWidget(dialog)
    dialog.name.setText("Mission locale du Grand Nancy")
    dialog.email.setText("pas-une-adresse")
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert "adresse électronique" in dialog.message.text()
    dialog.email.setText("accueil@ml-nancy.fr")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    view.select_partner(dialog.partner_id)
    assert view.partners.model().index(1, 0).data() == "Mission locale du Grand Nancy"
    assert view.people_title.text() == "Mission locale du Grand Nancy"

    person = PersonDialog(ctx, None, dialog.partner_id, view)
    qtbot.addWidget(person)
    assert person.role.currentData() == "ML"  # the role a Mission locale's person usually holds
    person.last_name.setText("Durand")
    person.first_name.setText("Claire")
    person.phone.setText("06 12 34 56 78")
    person.save()
    assert person.result() == person.DialogCode.Accepted
    assert view.people.model().rowCount() == 1 and view.people.model().index(0, 2).data() == "Conseiller(ère) Mission locale"
    with ctx.db.read() as session:
        saved = session.scalars(select(Person)).one()
        assert saved.partner_id == dialog.partner_id and saved.phone == "06 12 34 56 78"


def test_staff_warning_then_save_and_delete(qtbot, ctx, monkeypatch):
    view = DirectoryView(ctx)
    qtbot.addWidget(view)
    view.select_partner(STAFF)
    person = PersonDialog(ctx, None, None, view)
    qtbot.addWidget(person)
    person.last_name.setText("Roux")
    person.role.setCurrentIndex(person.role.findData("ML"))
    person.save()
    assert "normalement rattaché" in person.message.text() and person.result() != person.DialogCode.Accepted
    person.save()  # confirmed
    assert person.result() == person.DialogCode.Accepted
    assert view.people.model().rowCount() == 1 and view.partners.model().index(0, 4).data() == "1"
    view.people.selectRow(0)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    view.delete_person()
    assert view.people.model().rowCount() == 0
    with ctx.db.read() as session:
        assert session.scalars(select(Person)).all() == []
        assert session.scalars(select(Partner)).all() == []
