"""pytest-qt: the forms of the directory, the contact dialog and the settings keep the version they loaded; a
stale save shows the conflict message inline and reloads the other person's values; deletes ask first, «Non»
by default; the screens refresh from the operation's Changes."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox

from pae_desktop.core.errors import CONFLICT_MESSAGE
from pae_desktop.core.models import ContactAttempt
from pae_desktop.core.services import contacts
from pae_desktop.core.services import directory as d
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.contacts import AttemptForm
from pae_desktop.core.services.school import SchoolForm, get_school, save_school, school_form
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.ui import context as topics
from pae_desktop.ui.contact_dialog import ContactDialog
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.directory import DirectoryView, PartnerDialog

AT = dt.datetime.now().replace(second=0, microsecond=0) - dt.timedelta(hours=1)


@pytest.fixture
def ctx(school_db):
    with school_db.read() as session:
        context = AppContext(school_db, get_campaign(session, 2025).id)
    context.received = []
    context.data_changed.connect(context.received.append)
    return context


def test_partner_dialog_reloads_the_other_persons_save(qtbot, ctx):
    with ctx.db.transaction() as session:
        partner_id = d.save_partner(session, d.PartnerForm(name="Mission locale de Toul")).id
    dialog = PartnerDialog(ctx, partner_id)
    qtbot.addWidget(dialog)
    with ctx.db.transaction() as session:  # a colleague saves the partner meanwhile
        version = d.get_partner(session, partner_id).version
        d.save_partner(
            session, d.PartnerForm(name="Mission locale de Toul", city="Toul"), partner_id, version
        )
    dialog.phone.setText("03 83 00 00 00")
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.message.text() == CONFLICT_MESSAGE and dialog.message.isVisible() is not None
    assert (dialog.city.text(), dialog.phone.text()) == ("Toul", "")  # their values, mine to retype
    dialog.phone.setText("03 83 00 00 00")
    dialog.save()  # now on the current version
    assert dialog.result() == dialog.DialogCode.Accepted
    assert ctx.received[-1] == frozenset({topics.DIRECTORY})


def test_directory_delete_asks_with_non_by_default(qtbot, ctx, monkeypatch):
    with ctx.db.transaction() as session:
        partner_id = d.save_partner(session, d.PartnerForm(name="CFA du BTP", type="CFA")).id
    view = DirectoryView(ctx)
    qtbot.addWidget(view)
    view.select_partner(partner_id)
    asked = []

    def question(parent, title, text, buttons, default):
        asked.append((text, default))
        return default  # the user presses Entrée

    monkeypatch.setattr(QMessageBox, "question", question)
    view.delete_partner()
    [(text, default)] = asked
    assert text.startswith("Supprimer le partenaire « CFA du BTP » de l'annuaire ?")
    assert default == QMessageBox.StandardButton.No
    with ctx.db.read() as session:
        assert d.get_partner(session, partner_id).name == "CFA du BTP"  # kept


def _youth_with_attempt(db) -> tuple[int, int]:
    with db.transaction() as session:
        youth_id = save_youth(
            session, get_campaign(session, 2025), YouthForm(last_name="Martin", first_names="Léa")
        ).youth_id
        attempt_id = contacts.record_attempt(
            session, youth_id, AttemptForm(at=AT, result="PAS_DE_REPONSE")
        ).id
    return youth_id, attempt_id


def test_contact_dialog_corrects_an_attempt_and_reloads_on_conflict(qtbot, ctx):
    youth_id, attempt_id = _youth_with_attempt(ctx.db)
    dialog = ContactDialog(ctx, youth_id)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    dialog.edit_selected()
    assert dialog.outcome.code() == "PAS_DE_REPONSE" and dialog.editing.id == attempt_id
    with ctx.db.transaction() as session:  # a colleague corrects it first
        row = contacts.attempt_history(session, youth_id)[0]
        contacts.update_attempt(
            session, attempt_id, AttemptForm(at=AT, result="JOINT", note="Rappelée"), row.version
        )
    dialog.outcome.set_code("MESSAGE_LAISSE")
    dialog.save()
    assert dialog.result is None  # nothing saved
    assert dialog.message.text() == CONFLICT_MESSAGE
    assert (dialog.outcome.code(), dialog.note.text()) == ("JOINT", "Rappelée")  # the other person's values
    assert dialog.history_model.index(0, 2).data() == "Joint"
    dialog.outcome.set_code("REFUS_ECHANGER")
    dialog.save()
    assert dialog.result.attempt_id == attempt_id and dialog.result.stage.name == "REFUS_ENTRETIEN"
    assert {topics.CONTACTS, topics.YOUTHS} <= ctx.received[-1]
    with ctx.db.read() as session:
        assert session.get(ContactAttempt, attempt_id).result == "REFUS_ECHANGER"
        assert len(contacts.attempt_history(session, youth_id)) == 1  # corrected, not added


def test_contact_dialog_deletes_an_attempt_after_a_yes(qtbot, ctx, monkeypatch):
    youth_id, attempt_id = _youth_with_attempt(ctx.db)
    dialog = ContactDialog(ctx, youth_id)
    qtbot.addWidget(dialog)
    dialog.table.selectRow(0)
    defaults = []

    def question(parent, title, text, buttons, default):
        defaults.append(default)
        return QMessageBox.StandardButton.No

    monkeypatch.setattr(QMessageBox, "question", question)
    dialog.delete_selected()
    assert defaults == [QMessageBox.StandardButton.No]
    assert dialog.history_model.rowCount() == 1
    monkeypatch.setattr(QMessageBox, "question", lambda *a: QMessageBox.StandardButton.Yes)
    dialog.delete_selected()
    assert dialog.history_model.rowCount() == 0 and dialog.message.text() == "Tentative supprimée."
    assert {topics.CONTACTS, topics.YOUTHS} <= ctx.received[-1]
    with ctx.db.read() as session:
        assert session.get(ContactAttempt, attempt_id) is None


def test_settings_dialog_reloads_the_school_saved_elsewhere(qtbot, ctx):
    from pae_desktop.ui.settings_dialog import SettingsDialog

    dialog = SettingsDialog(ctx)
    qtbot.addWidget(dialog)
    with ctx.db.transaction() as session:
        school = get_school(session)
        theirs = SchoolForm(**{**vars(school_form(school)), "head_name": "M. Durand"})
        save_school(session, theirs, school.version)
    dialog.save()
    assert dialog.result() != dialog.DialogCode.Accepted
    assert dialog.message.text() == CONFLICT_MESSAGE
    assert dialog.school_page.form().head_name == "M. Durand"
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
