"""The census import is one operation returning what it changed (issue 16): the youths added, updated and marked
as having left, the topics the screens refresh on, the warnings; the window refreshes from exactly that; a youth
card opened before an import that changes the youth is refused as stale (two sessions, SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtWidgets import QMessageBox
from sqlalchemy import select

from fixtures.siecle.builder import Student, eleves_xml, write
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import AuditEvent, Campaign, Youth
from pae_desktop.core.operations import AUDIT, CAMPAIGNS, PATHWAYS, SCHOOL, YOUTHS, Changes
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.census import ImportChanges, ImportOptions, Outcome, apply_import, read_sources
from pae_desktop.core.services.youths import load_youth, save_youth, youth_form

TODAY = dt.date(2026, 6, 10)
OCTOBER = [
    Student("1", "DURANDEAU", "Kylian", ine="090123456CA"),
    Student("2", "KOVAC", "Ana", sex="2"),
    Student("4", "MARTIN", "Léo", ine="100000001BF"),
]
JUNE = [
    Student("1", "DURANDEAU", "Kylian", ine="090123456CA", division="TMELEC2"),  # changed class: updated
    Student("2", "KOVAC", "Ana", sex="2"),  # unchanged
    Student("5", "NOUVEAU", "Tom", ine="0719123456F"),  # arrived during the year: added
]  # MARTIN is absent from the complete export: he has left


def _import(db, path, **options) -> ImportChanges:
    with db.transaction() as session:
        return apply_import(session, read_sources([path]), ImportOptions(today=TODAY, **options))


def _ids(db) -> dict[str, int]:
    with db.read() as session:
        return {y.last_name: y.id for y in session.scalars(select(Youth))}


@pytest.fixture
def october(tmp_path):
    return write(tmp_path / "octobre.xml", eleves_xml(OCTOBER, year=2025, export="10/10/2025"))


@pytest.fixture
def june(tmp_path):
    return write(tmp_path / "juin.xml", eleves_xml(JUNE, year=2025, export="03/06/2026"))


def test_a_first_import_returns_the_youths_it_added_the_school_and_the_campaign(db, october):
    result = _import(db, october)
    ids = _ids(db)
    assert isinstance(result, Changes)
    assert sorted(result.added) == sorted(ids.values()) and len(ids) == 3
    assert result.updated == () and result.left == ()
    assert result.ids["youth"] == result.added and result.count == 3
    with db.read() as session:
        campaign = get_campaign(session, 2026)
        events = session.scalars(select(AuditEvent).where(AuditEvent.action == "import")).all()
    assert result.ids["campaign"] == (campaign.id,) and result.campaign_year == 2026
    assert result.topics == {YOUTHS, SCHOOL, CAMPAIGNS, AUDIT}
    assert result.ids["import_record"] == tuple(result.preview.import_ids) and len(events) == 1
    assert result.preview.count(Outcome.ADDED) == 3


def test_a_second_import_returns_the_youths_added_updated_and_left_only(db, october, june):
    _import(db, october)
    before = _ids(db)
    result = _import(db, june)
    after = _ids(db)
    assert result.added == (after["NOUVEAU"],)
    assert result.updated == (before["DURANDEAU"],)
    assert result.left == (before["MARTIN"],)
    assert set(result.ids["youth"]) == {after["NOUVEAU"], before["DURANDEAU"], before["MARTIN"]}
    assert before["KOVAC"] not in result.ids["youth"]  # unchanged: not written
    assert result.count == 3
    assert result.topics == {YOUTHS, AUDIT}  # the school and the campaign were there already
    assert PATHWAYS not in result.topics


def test_an_import_that_changes_nothing_touches_no_youth(db, october):
    _import(db, october)
    result = _import(db, october)
    assert result.ids["youth"] == () and result.count == 0
    assert result.topics == {AUDIT}  # the import itself is recorded and audited


def test_the_warnings_of_the_import_come_back_with_its_changes(db, october):
    result = _import(db, october, campaign_year=2027)  # the file's school year says campaign 2026
    assert result.warnings and result.warnings == tuple(result.preview.warnings)
    assert any("Campagne 2027 choisie" in warning for warning in result.warnings)


def test_a_youth_card_opened_before_an_import_that_changed_the_youth_is_refused(db, october, june):
    """Two sessions: the card loads the form and its version, the import updates the youth, the card saves."""
    _import(db, october)
    youth_id = _ids(db)["DURANDEAU"]
    with db.read() as session:
        youth = load_youth(session, youth_id)
        form, version = youth_form(youth), youth.version
    result = _import(db, june)
    assert youth_id in result.updated
    form.notes = "Appelé le 12/06."
    with pytest.raises(UserError) as refused, db.transaction() as session:
        campaign = session.scalars(select(Campaign).where(Campaign.year == 2026)).one()
        save_youth(session, campaign, form, youth_id=youth_id, expected_version=version)
    assert str(refused.value) == CONFLICT_MESSAGE
    with db.read() as session:
        assert load_youth(session, youth_id).notes == ""  # nothing written


def test_the_window_refreshes_from_the_changes_the_import_returned(qtbot, db, october, monkeypatch, request):
    from pae_desktop.ui import tasks
    from pae_desktop.ui.context import AppContext
    from pae_desktop.ui.import_dialog import ImportDialog

    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    tasks.use_runner(tasks.run_now)
    request.addfinalizer(lambda: tasks.use_runner(tasks.run_in_thread))
    context = AppContext(db, None)
    emitted: list[frozenset] = []
    context.data_changed.connect(emitted.append)
    dialog = ImportDialog(context, [], None)
    qtbot.addWidget(dialog)
    dialog.add_paths([str(october)])
    dialog.read_files()
    dialog.run_import()
    assert dialog.result is not None
    assert emitted == [dialog.result.topics] == [frozenset({YOUTHS, SCHOOL, CAMPAIGNS, AUDIT})]
    assert context.campaign_id == dialog.result.ids["campaign"][0]
