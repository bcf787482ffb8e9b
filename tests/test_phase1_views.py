"""Phase 1 «AvenirPro» where the referent looks: the youth's file, the caseload's column and filter, and the
home screen's classes with fewer than four workshops during the school year (issue 15, point 3)."""

from __future__ import annotations

import datetime as dt
import functools

import pytest
from PySide6.QtCore import Qt
from sqlalchemy import select

from pae_desktop.core.models import (
    Campaign,
    OriginalSchooling,
    Phase1Attendance,
    Phase1Event,
    Phase1EventParticipant,
    Phase1Interview,
    Phase1Workshop,
    Phase1WorkshopClass,
    Youth,
)
from pae_desktop.core.phase1 import (
    Phase1Summary,
    classes_to_watch,
    phase1_campaign_year,
    phase1_school_year,
    phase1_summaries,
)
from pae_desktop.core.services import contacts
from pae_desktop.core.services.campaigns import ensure_campaign
from pae_desktop.core.services.youths import caseload_rows
from pae_desktop.ui.caseload import WORKSHOPS_COLUMN, CaseloadView
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.worklists import WorklistsView

IN_PHASE1 = dt.date(2026, 1, 15)  # terminale 2025-2026: campaign 2026's phase 1
SUMMER = dt.date(2026, 7, 15)  # exams and contact campaign: no phase 1 running

# name → (class, workshops attended); TMELEC had ten workshops, TCAP-CUI one, TBAC-COM none
STUDENTS = {
    "ALPHA": ("TMELEC", 10),
    "BRAVO": ("TMELEC", 4),
    "CHARLIE": ("TMELEC", 2),
    "DELTA": ("TCAP-CUI", 0),
    "ECHO": ("TBAC-COM", 0),
}


def _youth(campaign_id: int, name: str, division: str) -> Youth:
    return Youth(
        campaign_id=campaign_id,
        pseudonym=name.lower(),
        last_name=name,
        first_names="Léa",
        schooling=OriginalSchooling(division=division, diploma="BAC_PRO"),
    )


@pytest.fixture
def phase1_db(school_db):
    """Campaign 2025 (no phase 1) with one youth; campaign 2026 with five students and their phase 1."""
    with school_db.transaction() as session:
        old = ensure_campaign(session, 2025)
        session.add(_youth(old.id, "ZOULOU", "TMELEC"))
        campaign = ensure_campaign(session, 2026)
        ids = {}
        for name, (division, _attended) in STUDENTS.items():
            youth = _youth(campaign.id, name, division)
            session.add(youth)
            session.flush()
            ids[name] = youth.id
        workshops = []
        for number in range(10):
            workshop = Phase1Workshop(
                campaign_id=campaign.id, held_on=dt.date(2025, 10, 6) + dt.timedelta(weeks=number), theme="CV"
            )
            workshop.classes.append(Phase1WorkshopClass(division="TMELEC"))
            workshops.append(workshop)
        cooking = Phase1Workshop(campaign_id=campaign.id, held_on=dt.date(2025, 11, 3), theme="Métiers")
        cooking.classes.append(Phase1WorkshopClass(division="TCAP-CUI"))
        session.add_all([*workshops, cooking])
        session.flush()
        for name, (division, attended) in STUDENTS.items():
            if division == "TMELEC":
                for number, workshop in enumerate(workshops):
                    session.add(
                        Phase1Attendance(
                            workshop_id=workshop.id, youth_id=ids[name], present=number < attended
                        )
                    )
        session.add(
            Phase1Interview(campaign_id=campaign.id, youth_id=ids["BRAVO"], held_on=dt.date(2026, 1, 8))
        )
        salon = Phase1Event(campaign_id=campaign.id, held_on=dt.date(2026, 2, 2), kind="SALON", title="Salon")
        salon.participants.append(Phase1EventParticipant(youth_id=ids["BRAVO"]))
        session.add(salon)
        return school_db, old.id, campaign.id, ids


def _today_is(monkeypatch, today: dt.date) -> None:
    """The home screen's lists as on `today` (the view asks `contacts.worklists` for today's)."""
    monkeypatch.setattr(contacts, "worklists", functools.partial(contacts.worklists, today=today))


# --- core ------------------------------------------------------------------------------------------------


def test_summary_text_reads_well_in_french():
    assert Phase1Summary(3, 4, True, 1).text == (
        "3 ateliers suivis sur 4 tenus pour sa classe · entretien individuel · 1 événement"
    )
    assert Phase1Summary(1, 1).text == "1 atelier suivi sur 1 tenu pour sa classe"
    assert (
        Phase1Summary(0, 5, False, 2).text == "Aucun atelier suivi sur 5 tenus pour sa classe · 2 événements"
    )
    assert Phase1Summary().text == "Aucun atelier tenu pour sa classe"
    assert Phase1Summary(2, 0).text == "2 ateliers suivis (aucun tenu pour sa classe)"


@pytest.mark.parametrize(
    ("today", "year"),
    [
        (dt.date(2025, 8, 31), None),
        (dt.date(2025, 9, 1), 2026),
        (dt.date(2026, 6, 30), 2026),
        (dt.date(2026, 7, 1), None),
        (dt.date(2026, 12, 4), 2027),  # the window shows campaign 2026; today's terminale is campaign 2027
    ],
)
def test_phase1_period_is_september_to_june_before_the_rentree(today, year):
    assert phase1_campaign_year(today) == year
    assert phase1_school_year(2026) == (dt.date(2025, 9, 1), dt.date(2026, 6, 30))


def test_classes_to_watch_inside_the_period_only(phase1_db):
    db, _old_id, campaign_id, _ids = phase1_db
    with db.read() as session:
        watched = classes_to_watch(session, IN_PHASE1)
        assert watched is not None
        assert (watched.campaign_id, watched.campaign_year, watched.phase1_name) == (
            campaign_id,
            2026,
            "AvenirPro",
        )
        assert watched.classes == (("TBAC-COM", 0), ("TCAP-CUI", 1))
        assert classes_to_watch(session, SUMMER) is None
        assert classes_to_watch(session, dt.date(2026, 10, 1)) is None  # campaign 2027 is not in the database
        assert classes_to_watch(session, dt.date(2025, 1, 15)) is None  # campaign 2025 has no phase 1


def test_one_youths_summary_is_the_campaigns(phase1_db):
    db, _old_id, campaign_id, ids = phase1_db
    with db.read() as session:
        everyone = phase1_summaries(session, campaign_id)
        for youth_id in ids.values():
            assert phase1_summaries(session, campaign_id, [youth_id]) == (
                {youth_id: everyone[youth_id]} if youth_id in everyone else {}
            )
    assert everyone[ids["BRAVO"]] == Phase1Summary(4, 10, True, 1)


def test_caseload_rows_carry_phase1_only_when_the_campaign_has_one(phase1_db):
    db, old_id, campaign_id, ids = phase1_db
    with db.read() as session:
        rows = {row.last_name: row.phase1 for row in caseload_rows(session, campaign_id, IN_PHASE1)}
        old_rows = caseload_rows(session, old_id, IN_PHASE1)
    assert {name: (s.workshops_attended, s.workshops_held) for name, s in rows.items()} == {
        "ALPHA": (10, 10),
        "BRAVO": (4, 10),
        "CHARLIE": (2, 10),
        "DELTA": (0, 1),
        "ECHO": (0, 0),
    }
    assert [row.phase1 for row in old_rows] == [None]


# --- the youth's file ------------------------------------------------------------------------------------


def _caseload(qtbot, db, campaign_id) -> CaseloadView:
    view = CaseloadView(AppContext(db, campaign_id))
    qtbot.addWidget(view)
    view.resize(1366, 700)
    with qtbot.waitExposed(view):  # a load asked for during the first show waits for the paint
        view.show()
    return view


def test_youth_file_shows_phase1_and_flags_fewer_than_four(qtbot, phase1_db):
    db, old_id, campaign_id, ids = phase1_db
    detail = _caseload(qtbot, db, campaign_id).detail
    detail.load(ids["BRAVO"])
    assert detail.phase1.isVisibleTo(detail)
    assert detail.phase1.title() == "Phase 1 (AvenirPro)"
    assert detail.phase1.summary.text() == (
        "4 ateliers suivis sur 10 tenus pour sa classe · entretien individuel · 1 événement"
    )
    assert not detail.phase1.warning.isVisibleTo(detail)
    detail.load(ids["CHARLIE"])
    assert detail.phase1.summary.text() == "2 ateliers suivis sur 10 tenus pour sa classe"
    assert detail.phase1.warning.isVisibleTo(detail)
    assert detail.phase1.warning.text() == "Moins de 4 ateliers suivis : la phase 1 en prévoit au moins 4."
    detail.new()
    assert not detail.phase1.isVisibleTo(detail)


def test_youth_file_of_a_2025_campaign_shows_no_phase1(qtbot, phase1_db):
    db, old_id, _campaign_id, _ids = phase1_db
    with db.read() as session:
        zoulou = session.scalar(select(Youth.id).where(Youth.campaign_id == old_id))
    detail = _caseload(qtbot, db, old_id).detail
    detail.load(zoulou)
    assert detail.title.text() == "ZOULOU Léa"
    assert not detail.phase1.isVisibleTo(detail)


def test_youth_file_follows_attendance_recorded_elsewhere(qtbot, phase1_db):
    from pae_desktop.ui import context as topics

    db, _old_id, _campaign_id, ids = phase1_db
    view = _caseload(qtbot, db, phase1_db[2])
    view.detail.load(ids["DELTA"])
    assert view.detail.phase1.summary.text() == "Aucun atelier suivi sur 1 tenu pour sa classe"
    with db.transaction() as session:
        workshop = session.scalar(
            select(Phase1WorkshopClass.workshop_id).where(Phase1WorkshopClass.division == "TCAP-CUI")
        )
        session.add(Phase1Attendance(workshop_id=workshop, youth_id=ids["DELTA"], present=True))
    view.context.changed(topics.PHASE1)
    assert view.detail.phase1.summary.text() == "1 atelier suivi sur 1 tenu pour sa classe"
    assert view.model.all_rows()[0].phase1 is not None
    delta = next(row for row in view.model.all_rows() if row.id == ids["DELTA"])
    assert delta.phase1.workshops_attended == 1


# --- the caseload ----------------------------------------------------------------------------------------


def _column(view: CaseloadView, column: int) -> list[str]:
    return [view.model.index(row, column).data() for row in range(view.model.rowCount())]


def test_caseload_workshops_column_sorts_numerically_with_the_summary_as_tooltip(qtbot, phase1_db):
    db, _old_id, campaign_id, _ids = phase1_db
    view = _caseload(qtbot, db, campaign_id)
    assert view.model.headerData(WORKSHOPS_COLUMN, Qt.Orientation.Horizontal) == "Ateliers"
    assert not view.table.isColumnHidden(WORKSHOPS_COLUMN)
    assert view.table.horizontalHeader().visualIndex(WORKSHOPS_COLUMN) == 2  # beside «Classe», in sight
    view.table.sortByColumn(WORKSHOPS_COLUMN, Qt.SortOrder.AscendingOrder)
    assert _column(view, WORKSHOPS_COLUMN) == ["0 sur 0", "0 sur 1", "2 sur 10", "4 sur 10", "10 sur 10"]
    assert _column(view, 0) == ["ECHO Léa", "DELTA Léa", "CHARLIE Léa", "BRAVO Léa", "ALPHA Léa"]
    view.table.sortByColumn(WORKSHOPS_COLUMN, Qt.SortOrder.DescendingOrder)
    assert _column(view, 0)[0] == "ALPHA Léa"  # 10 before 4: numbers, not text
    bravo = view.model.index(1, WORKSHOPS_COLUMN)
    assert bravo.data(Qt.ItemDataRole.ToolTipRole) == (
        "4 ateliers suivis sur 10 tenus pour sa classe · entretien individuel · 1 événement"
    )
    assert bravo.data(Qt.ItemDataRole.ForegroundRole) is None
    assert view.model.index(2, WORKSHOPS_COLUMN).data(Qt.ItemDataRole.ForegroundRole) is not None


def test_caseload_filter_fewer_than_four_workshops(qtbot, phase1_db):
    db, _old_id, campaign_id, _ids = phase1_db
    view = _caseload(qtbot, db, campaign_id)
    assert view.below_minimum_filter.isVisibleTo(view)
    view.below_minimum_filter.setChecked(True)
    assert sorted(_column(view, 0)) == ["CHARLIE Léa", "DELTA Léa", "ECHO Léa"]
    assert view.count_label.text() == "3 jeunes affichés sur 5"
    view.division_filter.setCurrentIndex(view.division_filter.findData("TMELEC"))
    assert _column(view, 0) == ["CHARLIE Léa"]
    view.below_minimum_filter.setChecked(False)
    assert len(_column(view, 0)) == 3


def test_caseload_of_a_campaign_without_phase1_has_neither_column_nor_filter(qtbot, phase1_db):
    db, old_id, campaign_id, _ids = phase1_db
    view = _caseload(qtbot, db, campaign_id)
    view.below_minimum_filter.setChecked(True)
    view.context.set_campaign(old_id)
    assert view.table.isColumnHidden(WORKSHOPS_COLUMN)
    assert not view.below_minimum_filter.isVisibleTo(view)
    assert _column(view, 0) == ["ZOULOU Léa"]  # the hidden filter does not hide anyone


# --- the home screen -------------------------------------------------------------------------------------


def _home(qtbot, db, campaign_id) -> WorklistsView:
    view = WorklistsView(AppContext(db, campaign_id))
    qtbot.addWidget(view)
    with qtbot.waitExposed(view):
        view.show()
    return view


def test_home_lists_classes_with_fewer_than_four_workshops_during_phase1(qtbot, phase1_db, monkeypatch):
    db, old_id, _campaign_id, _ids = phase1_db
    _today_is(monkeypatch, IN_PHASE1)
    box = _home(qtbot, db, old_id).phase1_classes  # whatever campaign the window shows
    assert box.isVisibleTo(box.parentWidget())
    assert box.title() == "Classes avec moins de 4 ateliers"
    assert "AvenirPro, terminales 2025-2026 (campagne 2026)" in box.intro.text()
    assert [box.classes.item(i).text() for i in range(box.classes.count())] == [
        "TBAC-COM — aucun atelier tenu",
        "TCAP-CUI — 1 atelier tenu",
    ]


def test_home_shows_no_classes_outside_phase1(qtbot, phase1_db, monkeypatch):
    db, _old_id, campaign_id, _ids = phase1_db
    _today_is(monkeypatch, SUMMER)
    view = _home(qtbot, db, campaign_id)
    assert view.lists is not None and view.lists.phase1_classes is None
    assert not view.phase1_classes.isVisibleTo(view)


def test_home_class_opens_the_caseload_of_that_class_on_its_campaign(qtbot, phase1_db, monkeypatch):
    from pae_desktop.ui.main_window import MainWindow

    db, old_id, campaign_id, _ids = phase1_db
    _today_is(monkeypatch, IN_PHASE1)
    window = MainWindow(db, maintenance=False)
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):
        window.show()
    window.context.set_campaign(old_id)
    home = window.view("WorklistsView")
    qtbot.waitUntil(lambda: home.lists is not None and not home.loader.running)
    box = home.phase1_classes
    box.classes.itemActivated.emit(box.classes.item(1))
    assert window.context.campaign_id == campaign_id
    assert window.campaign_box.currentData() == campaign_id
    caseload = window.caseload
    assert window.tabs.currentWidget() is window.views["CaseloadView"]
    qtbot.waitUntil(lambda: not caseload.loader.running)
    assert caseload.division_filter.currentData() == "TCAP-CUI"
    assert _column(caseload, 0) == ["DELTA Léa"]


def test_the_campaign_of_the_2026_fixture_has_phase1(phase1_db):
    db, old_id, campaign_id, _ids = phase1_db
    with db.read() as session:
        names = dict(session.execute(select(Campaign.id, Campaign.phase1_name)).all())
    assert names == {old_id: "", campaign_id: "AvenirPro"}
