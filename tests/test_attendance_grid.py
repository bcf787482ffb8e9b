"""The attendance grid (issue 21 §5): one sum of absences for the events and the grid, the 30-half-day alert, the
save operation and its versions, the grid's PDF and its keyboard in the pathway editor."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox
from sqlalchemy import func, select

from pae_desktop.cli import main
from pae_desktop.core import attendance
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import AttendanceHalfDay, AuditEvent, FollowUpEvent, GeneratedDocument, Youth
from pae_desktop.core.operations.printing import print_document
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.follow_up_facts import load_follow_up_facts
from pae_desktop.core.services.worklists import absences_to_watch
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import FollowUpKind, ModuleType
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.pathway_editor import PathwaysView
from pdf_text import pdf_text, pdftotext

D = dt.date
START, END = D(2025, 9, 10), D(2025, 10, 17)  # a Wednesday to a Friday: six weeks


@pytest.fixture
def grid_db(school_db):
    """A youth of campaign 2025 with a pathway from Wednesday 10 September to Friday 17 October 2025."""
    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        youth_id = save_youth(
            session, campaign, YouthForm(last_name="Durand", first_names="Léa", diploma="CAP", ine="123456789JA")
        ).youth_id
        modules = [svc.ModuleForm(ModuleType.IMMERSION_CLASSE.value, START, END)]
        svc.save_pathway(session, youth_id, svc.PathwayForm("7034150211", START, END, modules=modules, non_engaged_note="Test"))
        campaign_id = campaign.id
    return school_db, youth_id, campaign_id


def school_days(start: dt.date, count: int) -> list[tuple[dt.date, bool]]:
    """`count` half-days from `start` on, weekdays only, morning then afternoon."""
    keys, day = [], start
    while len(keys) < count:
        if day.weekday() < 5:
            keys += [(day, False), (day, True)]
        day += dt.timedelta(days=1)
    return keys[:count]


def save(session, youth_id, marks, versions=None):
    return svc.save_attendance(session, youth_id, marks, versions or {key: None for key in marks})


def test_the_grid_weeks_and_the_cells_outside_the_pathway(grid_db):
    db, youth_id, _ = grid_db
    with db.read() as session:
        grid = svc.attendance_grid(session, youth_id)
    assert [w.monday for w in grid.weeks] == [D(2025, 9, 8) + dt.timedelta(weeks=n) for n in range(6)]
    first = grid.weeks[0].cells
    assert len(first) == 10
    assert [c.enabled for c in first] == [False] * 4 + [True] * 6  # Monday and Tuesday before the start
    assert all(c.enabled for c in grid.weeks[-1].cells)  # the pathway ends on Friday 17 October
    assert all(c.status == "" and c.version is None for w in grid.weeks for c in w.cells)


def test_the_grid_and_the_events_make_one_total_and_the_alert_fires_at_31(grid_db):
    db, youth_id, campaign_id = grid_db
    with db.transaction() as session:
        svc.save_follow_up(
            session, youth_id, svc.FollowUpForm(D(2025, 9, 12), FollowUpKind.ABSENCE.value, absence_half_days=10)
        )
        svc.save_follow_up(
            session,
            youth_id,
            svc.FollowUpForm(
                D(2025, 9, 12), FollowUpKind.ABSENCE.value, absence_half_days=4, absence_justified=True
            ),
        )
        keys = school_days(D(2025, 9, 15), 24)
        marks = {key: "A" for key in keys[:20]} | {keys[20]: "J", keys[21]: "P", keys[22]: "P", keys[23]: "J"}
        result = save(session, youth_id, marks)
    assert result.warnings == () and result.count == 24  # 10 + 20 = 30 unjustified: no alert yet
    with db.read() as session:
        grid = svc.attendance_grid(session, youth_id)
        assert grid.grid == attendance.Totals(present=2, justified=2, unjustified=20)
        assert grid.events == attendance.Totals(present=0, justified=4, unjustified=10)
        assert grid.overall == grid.grid + grid.events == attendance.youth_totals(session, youth_id)
        # every reader of the total says 30: the pathway's context, the worklists' facts
        assert svc.pathway_context(session, youth_id).unjustified_half_days == 30
        facts = load_follow_up_facts(session, campaign_id, D(2025, 12, 1))[youth_id]
        assert facts.unjustified_half_days == 30
        assert svc.attendance_alerts(session, campaign_id) == {}
        assert session.scalar(select(func.count()).where(FollowUpEvent.kind == FollowUpKind.ALERTE.value)) == 0
    with db.transaction() as session:
        crossing = save(session, youth_id, {keys[21]: "A"}, {keys[21]: grid.weeks[1].cells[1].version})
    assert crossing.warnings and "31 demi-journées" in crossing.warnings[0]
    with db.read() as session:
        assert svc.attendance_alerts(session, campaign_id) == {youth_id: 31}
        alert = session.scalars(select(FollowUpEvent).where(FollowUpEvent.kind == FollowUpKind.ALERTE.value)).one()
        assert alert.next_action == svc.ATTENDANCE_ACTION and alert.due_on == keys[21][0]
        facts = load_follow_up_facts(session, campaign_id, D(2025, 12, 1))[youth_id]
    case = type("Case", (), {"facts": facts})()
    assert "31 demi-journées non justifiées" in absences_to_watch(case, D(2025, 12, 1))[0]


def test_a_stale_save_is_refused_and_nothing_written(grid_db):
    db, youth_id, _ = grid_db
    key = (D(2025, 9, 15), False)
    with db.transaction() as session:
        save(session, youth_id, {key: "P"})
    with db.read() as session:
        loaded = svc.attendance_grid(session, youth_id).weeks[1].cells[0]
    assert loaded.status == "P" and loaded.version is not None
    with db.transaction() as session:  # someone else changes the cell meanwhile
        save(session, youth_id, {key: "J"}, {key: loaded.version})
    with pytest.raises(UserError) as refused, db.transaction() as session:
        save(session, youth_id, {key: "A", (D(2025, 9, 16), False): "A"}, {key: loaded.version})
    assert str(refused.value) == CONFLICT_MESSAGE
    # a cell typed as empty although someone filled it meanwhile: refused too
    with pytest.raises(UserError) as filled, db.transaction() as session:
        save(session, youth_id, {key: "A"}, {key: None})
    assert str(filled.value) == CONFLICT_MESSAGE
    with db.read() as session:
        assert session.scalars(select(AttendanceHalfDay.status)).all() == ["J"]


@pytest.mark.parametrize(
    ("key", "status", "expected"),
    [
        ((D(2025, 9, 9), False), "A", "hors du parcours (du 10/09/2025 au 17/10/2025)"),
        ((D(2025, 10, 20), True), "P", "hors du parcours"),
        ((D(2025, 9, 13), False), "A", "week-end"),
        ((D(2025, 9, 15), False), "X", "« X » n'est pas P, J ni A"),
    ],
)
def test_bad_cells_are_refused_in_french_and_nothing_written(grid_db, key, status, expected):
    db, youth_id, _ = grid_db
    good = (D(2025, 9, 16), False)
    with pytest.raises(UserError) as refused, db.transaction() as session:
        save(session, youth_id, {good: "A", key: status})
    assert expected in str(refused.value)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AttendanceHalfDay)) == 0


def test_clearing_a_cell_deletes_it_and_the_save_is_audited(grid_db):
    db, youth_id, _ = grid_db
    key = (D(2025, 9, 15), True)
    with db.transaction() as session:
        save(session, youth_id, {key: "A"})
        version = session.scalars(select(AttendanceHalfDay.version)).one()
        cleared = save(session, youth_id, {key: None}, {key: version})
    assert cleared.count == 1
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AttendanceHalfDay)) == 0
        assert session.scalar(select(func.count()).where(AuditEvent.entity == "attendance")) == 2
        assert attendance.youth_totals(session, youth_id) == attendance.Totals()


def test_erasing_the_youths_file_deletes_their_grid(grid_db):
    from pae_desktop.core.services.retention import erase_youth

    db, youth_id, _ = grid_db
    with db.transaction() as session:
        save(session, youth_id, {(D(2025, 9, 15), False): "A", (D(2025, 9, 15), True): "P"})
    with db.transaction() as session:
        erase_youth(session, youth_id, delete_record=True)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AttendanceHalfDay)) == 0


def test_a_youth_without_pathway_has_no_grid(school_db):
    with school_db.transaction() as session:
        youth_id = save_youth(
            session, get_campaign(session, 2025), YouthForm(last_name="Petit", first_names="Noé")
        ).youth_id
    with pytest.raises(UserError, match="pas de parcours"), school_db.transaction() as session:
        save(session, youth_id, {(D(2025, 9, 15), False): "A"})


def test_the_grid_pdf_says_each_week_and_the_totals(grid_db, tmp_path):
    db, youth_id, _ = grid_db
    keys = school_days(D(2025, 9, 15), 6)
    with db.transaction() as session:
        save(session, youth_id, {keys[0]: "P", keys[1]: "A", keys[2]: "J", keys[3]: "A", keys[4]: "P"})
        svc.save_follow_up(
            session, youth_id, svc.FollowUpForm(D(2025, 9, 26), FollowUpKind.ABSENCE.value, absence_half_days=3)
        )
        target = tmp_path / "grille.pdf"
        printed = print_document(session, "grille-assiduite", youth_id, target)
    assert printed.file == target
    text = pdf_text(target)
    assert "Grille d'assiduité" in text and "DURAND Léa" in text and "123456789JA" in text
    assert "du 10 septembre 2025 au 17 octobre 2025" in " ".join(text.split())
    lines = [" ".join(line.split()) for line in pdftotext(target).splitlines()]
    # the week of 15 September: Monday P A, Tuesday J A, Wednesday morning P; 2 present, 1 J, 2 NJ
    assert any(line.startswith("15/09/2025") and line.endswith("P A J A P 2 1 2") for line in lines), lines
    assert any(line.startswith("08/09/2025") and line.endswith("— — — — 0 0 0") for line in lines), lines
    flat = " ".join(text.split())
    assert "non justifiées : 2 demi-journées" in flat  # the grid's
    assert "non justifiées : 3 demi-journées" in flat  # the events'
    assert "Total des absences non justifiées 5 demi-journées" in flat
    with db.read() as session:
        assert session.scalars(select(GeneratedDocument.kind)).all() == ["grille-assiduite"]
        assert session.scalar(select(func.count()).where(AuditEvent.action == "print")) == 1


def test_the_command_line_prints_the_grid(grid_db, tmp_path, capsys):
    db, youth_id, _ = grid_db
    with db.read() as session:
        pseudonym = session.get(Youth, youth_id).pseudonym
    url = str(db.engine.url)
    target = tmp_path / "g.pdf"
    code = main(["--database-url", url, "document", "grille-assiduite", "--id", pseudonym, "-o", str(target)])
    assert code == 0 and target.exists()


# --- the window -------------------------------------------------------------------------------------------------


@pytest.fixture
def editor(qtbot, grid_db, monkeypatch):
    db, youth_id, campaign_id = grid_db
    monkeypatch.setattr(QMessageBox, "warning", lambda *a, **k: QMessageBox.StandardButton.Ok)
    view = PathwaysView(AppContext(db, campaign_id))
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.editor.today = D(2025, 10, 1)
    view.show_youth(youth_id)
    editor = view.editor
    editor.tabs.setCurrentIndex(1)
    editor.follow_up_views.setCurrentWidget(editor.attendance_panel)
    return db, youth_id, editor


def test_keyboard_entry_in_the_grid(qtbot, editor, tmp_path):
    db, youth_id, editor = editor
    panel = editor.attendance_panel
    view, model = panel.view, panel.model
    assert model.rowCount() == 6 and not panel.save_button.isEnabled()
    assert not model.flags(model.index(0, 1)) & Qt.ItemFlag.ItemIsEnabled  # Monday 8 September: before the start
    view.setFocus()
    view.setCurrentIndex(model.index(1, 1))  # Monday 15 September, morning
    qtbot.keyClicks(view, "paj")  # each letter moves to the next half-day
    assert [model.index(1, c).data() for c in range(1, 5)] == ["P", "A", "J", ""]
    assert view.currentIndex().column() == 4
    qtbot.keyClick(view, Qt.Key.Key_Left)
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # clears Tuesday morning, stays there
    assert model.index(1, 3).data() == "" and view.currentIndex().column() == 3
    qtbot.keyClick(view, Qt.Key.Key_Down)
    qtbot.keyClick(view, Qt.Key.Key_A)  # Tuesday 23 September, morning
    # the week's totals follow the keyboard; nothing saved yet
    assert [model.index(1, c).data() for c in (11, 12, 13)] == ["1", "0", "1"]
    assert "non enregistrées" in panel.totals.text() and panel.save_button.isEnabled()
    assert not panel.print_button.isEnabled()
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(AttendanceHalfDay)) == 0
    # the right edge goes on to the next week's Monday morning
    view.setCurrentIndex(model.index(3, 10))
    qtbot.keyClick(view, Qt.Key.Key_P)
    assert (view.currentIndex().row(), view.currentIndex().column()) == (4, 1)
    panel.save()
    with db.read() as session:
        saved = {(r.on, r.afternoon): r.status for r in session.scalars(select(AttendanceHalfDay))}
    assert saved == {
        (D(2025, 9, 15), False): "P",
        (D(2025, 9, 15), True): "A",
        (D(2025, 9, 23), False): "A",
        (D(2025, 10, 3), True): "P",
    }
    assert "Grille enregistrée : 4 demi-journée(s)" in panel.message.text()
    assert "2 demi-journée(s)" in editor.attendance.text()  # the tab's total: events and grid
    assert not panel.save_button.isEnabled() and panel.print_button.isEnabled()
    editor.grab().save(str(tmp_path / "grid.png"))


def test_a_stale_grid_is_refused_in_the_window_and_reloaded(qtbot, editor, monkeypatch):
    db, youth_id, editor = editor
    panel = editor.attendance_panel
    with db.transaction() as session:  # another computer types Monday 15 September's morning meanwhile
        save(session, youth_id, {(D(2025, 9, 15), False): "J"})
    panel.view.setFocus()
    panel.view.setCurrentIndex(panel.model.index(1, 1))
    qtbot.keyClick(panel.view, Qt.Key.Key_A)
    panel.save()
    assert panel.message.text() == CONFLICT_MESSAGE
    assert panel.model.index(1, 1).data() == "J"  # what is there now, shown again
    with db.read() as session:
        assert session.scalars(select(AttendanceHalfDay.status)).all() == ["J"]


def test_the_grid_prints_from_the_window(qtbot, editor, monkeypatch, tmp_path):
    db, youth_id, editor = editor
    target = tmp_path / "grille.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))
    editor.attendance_panel.print_button.click()
    assert "Grille d'assiduité" in pdf_text(target)
