"""A youth an import marks as having left the school, in the window (issue 17 §6): the preview's tick (unticked,
the youth is kept), the mark in «Élèves» and its filter, the note on «Accueil», the line of the youth's file and
its undo, after which the youth is back in the to-do lists."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from fixtures.siecle.builder import Student, eleves_xml, write
from pae_desktop.core.errors import CONFLICT_MESSAGE
from pae_desktop.core.models import Campaign, Youth
from pae_desktop.core.services.census import ImportOptions, Outcome, apply_import, read_sources
from pae_desktop.ui.caseload import COLUMNS, CaseloadView
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.import_dialog import ImportDialog
from pae_desktop.ui.worklists import WorklistsView

TODAY = dt.date(2026, 6, 10)
OCTOBER = [Student("1", "AUBERT", "Lina"), Student("2", "BLANC", "Noé"), Student("3", "CARON", "Ilyes")]
STAGE, NEXT_ACTION = (
    next(i for i, c in enumerate(COLUMNS) if c.header == h) for h in ("Étape", "Prochaine action")
)


@pytest.fixture
def october(db, tmp_path):
    path = write(tmp_path / "octobre.xml", eleves_xml(OCTOBER, export="10/10/2025"))
    with db.transaction() as session:
        apply_import(session, read_sources([path]), ImportOptions(today=TODAY))
        campaign_id = session.scalars(select(Campaign.id)).one()
    return AppContext(db, campaign_id)


def _june(tmp_path):
    return write(tmp_path / "juin.xml", eleves_xml(OCTOBER[:2], export="03/06/2026"))


def _caron(db) -> Youth:
    with db.read() as session:
        return session.scalars(select(Youth).where(Youth.last_name == "CARON")).one()


@pytest.fixture
def june(october, tmp_path) -> Youth:
    """The June export imported: CARON, absent from it, is marked as having left."""
    with october.db.transaction() as session:
        apply_import(session, read_sources([_june(tmp_path)]), ImportOptions(today=TODAY))
    return _caron(october.db)


def _left_row(dialog) -> int:
    return next(r for r in range(dialog.model.rowCount()) if dialog.model.rows[r].outcome is Outcome.LEFT)


def test_the_preview_row_of_a_youth_who_left_can_be_unticked(qtbot, october, tmp_path):
    dialog = ImportDialog(october, [], None)
    qtbot.addWidget(dialog)
    dialog.add_paths([str(_june(tmp_path))])
    dialog.read_files()
    index = dialog.model.index(_left_row(dialog), 0)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Checked
    assert index.flags() & Qt.ItemFlag.ItemIsUserCheckable
    assert dialog.message.text().startswith("1 élève sera marqué « A quitté l'établissement »")
    assert dialog.model.setData(index, Qt.CheckState.Unchecked.value, Qt.ItemDataRole.CheckStateRole)
    assert dialog.options().keep_ids == {_caron(october.db).id}
    assert dialog.message.text().startswith(
        "0 élève sera marqué « A quitté l'établissement » et sortira des listes de travail ; 1 gardé dans le "
        "recensement."
    )
    dialog.compute_preview()  # a new preview (another campaign, a class confirmed) keeps the untick
    index = dialog.model.index(_left_row(dialog), 0)
    assert index.data(Qt.ItemDataRole.CheckStateRole) == Qt.CheckState.Unchecked
    dialog.run_import()
    assert _caron(october.db).left_school_on is None


def test_a_youth_who_left_is_marked_in_the_lists_and_the_file_and_can_come_back(qtbot, october, june):
    caron = june
    home = WorklistsView(october)
    qtbot.addWidget(home)
    assert not home.left_note.isHidden()
    assert home.left_note.text().startswith("1 jeune marqué « A quitté l'établissement » par un import")
    listed = {item.youth_id for items in home.lists.items.values() for item in items}
    assert caron.id not in listed and len(listed) == 2

    caseload = CaseloadView(october)
    qtbot.addWidget(caseload)
    row = caseload.model.row_of(caron.id)
    assert caseload.model.index(row, STAGE).data().endswith("· a quitté l'établissement")
    assert caseload.model.index(row, NEXT_ACTION).data() == "Aucune : a quitté l'établissement le 03/06/2026"
    caseload.show_left_school()
    assert caseload.model.rowCount() == 1 and caseload.model.index(0, 0).data() == "CARON Ilyes"

    caseload.select_youth(caron.id)
    detail = caseload.detail
    detail.load(caron.id)
    banner = detail.left_school
    assert not banner.isHidden()
    assert banner.label.text() == "A quitté l'établissement le 03/06/2026 : hors des listes de travail"
    qtbot.mouseClick(banner.undo_button, Qt.MouseButton.LeftButton)  # the question is answered «Oui»
    assert _caron(october.db).left_school_on is None
    assert banner.isHidden()
    assert detail.form_message.text().startswith("Sortie de l'établissement annulée")
    assert home.left_note.isHidden()  # the home screen refreshed from the operation's changes
    assert caron.id in {item.youth_id for items in home.lists.items.values() for item in items}
    assert caseload.model.index(caseload.model.row_of(caron.id), STAGE).data() == "Repéré(e)"


def test_undo_refused_when_the_file_is_stale(qtbot, october, june):
    caron = june
    caseload = CaseloadView(october)
    qtbot.addWidget(caseload)
    caseload.detail.load(caron.id)
    with october.db.transaction() as session:  # someone else saves the youth meanwhile
        session.get(Youth, caron.id).notes = "Vu au CIO."
    caseload.detail.left_school.undo()
    assert caseload.detail.form_message.text() == CONFLICT_MESSAGE
    assert _caron(october.db).left_school_on == dt.date(2026, 6, 3)
    assert caseload.detail.version == _caron(october.db).version  # reloaded: a second click undoes it
    caseload.detail.left_school.undo()
    assert _caron(october.db).left_school_on is None
