"""The home screen «Accueil» with pytest-qt: lists with counts and days left, opening a youth, quick dialogs."""

from __future__ import annotations

import datetime as dt
import threading

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog
from sqlalchemy import select

from pae_desktop.core.models import Campaign, ContactAttempt, InformationAction, OriginalSchooling, Youth
from pae_desktop.core.services.campaigns import CampaignDates, update_campaign_dates
from pae_desktop.core.services.contacts import Worklist
from pae_desktop.ui import contact_dialog, tasks
from pae_desktop.ui.campaign_dialogs import ExamResultsDialog, InformationDialog
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.worklists import WorklistsView, days_left_text


@pytest.fixture
def campaign(school_db):
    """The campaign 2025 moved to this year, so that «today» falls before its interview target date."""
    today = dt.date.today()
    with school_db.transaction() as session:
        campaign = session.scalars(select(Campaign)).one()
        dates = CampaignDates.defaults(2025)
        dates.interview_deadline = today + dt.timedelta(days=12)
        dates.census_cutoff = min(dates.census_cutoff, dates.interview_deadline)
        update_campaign_dates(session, campaign, dates)
        ids = {}
        for name, division in (
            ("ALPHA", "TMELEC"),
            ("BRAVO", "TMELEC"),
            ("CHARLIE", "2CAPCUI"),
            ("DELTA", "TMELEC"),
        ):
            youth = Youth(
                campaign_id=campaign.id,
                pseudonym="x",
                last_name=name,
                first_names="Léa",
                phone="06 12 34 56 78",
                schooling=OriginalSchooling(division=division, diploma="BAC_PRO"),
            )
            session.add(youth)
            session.flush()
            ids[name] = youth.id
        now = dt.datetime.now().replace(microsecond=0)
        session.add(
            ContactAttempt(
                youth_id=ids["BRAVO"], at=now - dt.timedelta(hours=1), channel="TELEPHONE", result="JOINT"
            )
        )
        for hours in (1, 2, 3):
            session.add(
                ContactAttempt(
                    youth_id=ids["CHARLIE"],
                    at=now - dt.timedelta(hours=hours),
                    channel="SMS",
                    result="PAS_DE_REPONSE",
                )
            )
        session.add(
            ContactAttempt(
                youth_id=ids["DELTA"],
                at=now - dt.timedelta(days=2),
                channel="TELEPHONE",
                result="MESSAGE_LAISSE",
                next_step="A_RELANCER",
                next_date=today,
            )
        )
        return campaign.id, ids


@pytest.fixture
def view(qtbot, school_db, campaign):
    context = AppContext(school_db, campaign[0])
    widget = WorklistsView(context)
    qtbot.addWidget(widget)
    widget.show()
    return widget


def _chooser_texts(view) -> list[str]:
    return [view.chooser.item(i).text() for i in range(view.chooser.count())]


def test_lists_with_counts_and_days_left(view):
    assert _chooser_texts(view) == [
        "À contacter  (1)",
        "À relancer aujourd'hui  (1)",
        "Injoignables  (1)",
        "Entretien à proposer  (1)",
        "Entretien à saisir  (0)",
        "Suivi des parcours",  # the follow-up lists, under their title, after the contact phase's
        "Actions en retard  (0)",
        "Parcours finissant  (0)",
        "Sortie à saisir  (0)",
        "À saisir dans SIECLE  (0)",
        "Absences  (0)",
        "Sans solution connue  (4)",
    ]
    assert view.header.text().startswith("<b>J-12</b> : 12 jours avant la date cible des entretiens")
    assert view.model.rowCount() == 1
    assert view.proxy.index(0, 0).data() == "ALPHA Léa"
    assert view.proxy.index(0, 6).data() == "Jamais contacté(e)"
    view.chooser.setCurrentRow(2)
    assert view.proxy.index(0, 0).data() == "CHARLIE Léa"
    view.chooser.setCurrentRow(4)
    assert view.table.isHidden() and not view.empty.isHidden()


def test_lists_load_off_the_gui_thread_and_say_so_meanwhile(qtbot, school_db, campaign, monkeypatch):
    tasks.use_runner(tasks.run_in_thread)  # the real helper (the autouse fixture restores the immediate one)
    release, threads = threading.Event(), []
    real_load = WorklistsView._load

    def slow_load(db, campaign_id):
        threads.append(threading.current_thread())
        release.wait(10)
        return real_load(db, campaign_id)

    monkeypatch.setattr(WorklistsView, "_load", staticmethod(slow_load))
    view = WorklistsView(AppContext(school_db, campaign[0]))
    qtbot.addWidget(view)
    view.resize(1000, 600)
    view.show()
    assert view.header.text() == "Chargement des listes de travail…"
    assert _chooser_texts(view)[0] == "À contacter" and view.help.text() == "Chargement…"
    assert view.model.rowCount() == 0 and view.empty.isHidden()
    release.set()
    qtbot.waitUntil(lambda: view.lists is not None, timeout=10_000)
    assert threads and threads[0] is not threading.main_thread()
    assert _chooser_texts(view)[0] == "À contacter  (1)"
    assert view.proxy.index(0, 0).data() == "ALPHA Léa" and not view.table.isHidden()
    header = view.table.horizontalHeader()  # filled once shown, the last column still takes the room left
    qtbot.waitUntil(lambda: header.length() == view.table.viewport().width(), timeout=5_000)


def test_enter_or_double_click_opens_the_youth(qtbot, view, campaign):
    opened = []
    view.context.open_youth.connect(opened.append)
    view.chooser.setCurrentRow(3)
    view.select_row(0)
    view.table.setFocus()
    qtbot.keyClick(view.table, Qt.Key.Key_Return)
    assert opened == [campaign[1]["BRAVO"]]
    view.open_button.click()
    assert opened[-1] == campaign[1]["BRAVO"]
    assert view.selected_id() == campaign[1]["BRAVO"]


def test_a_contact_recorded_moves_the_youth_between_lists(qtbot, view, campaign, monkeypatch):
    def fake_exec(dialog):
        dialog.outcome.set_code("JOINT")
        dialog.save()
        return 1

    monkeypatch.setattr(contact_dialog.ContactDialog, "exec", fake_exec)
    view.chooser.setCurrentRow(0)
    view.select_row(0)
    view.contact_button.click()
    assert _chooser_texts(view)[0] == "À contacter  (0)"
    assert _chooser_texts(view)[3] == "Entretien à proposer  (2)"


def test_information_dialog_for_a_class_and_the_selection(qtbot, school_db, view, campaign):
    campaign_id, ids = campaign
    dialog = InformationDialog(view.context, [ids["ALPHA"]], view)
    qtbot.addWidget(dialog)
    texts = [dialog.classes.item(i).text() for i in range(dialog.classes.count())]
    assert texts == ["2CAPCUI (1 élève)", "TMELEC (3 élèves)"]
    dialog.classes.item(0).setCheckState(Qt.CheckState.Checked)
    dialog.kind.set_code("DEPLIANT")
    dialog.save()
    assert dialog.result() == dialog.DialogCode.Accepted
    with school_db.read() as session:
        actions = session.scalars(select(InformationAction).order_by(InformationAction.id)).all()
        assert [(a.kind, a.division, [t.youth_id for t in a.targets]) for a in actions] == [
            ("DEPLIANT", "2CAPCUI", []),
            ("DEPLIANT", "", [ids["ALPHA"]]),
        ]
    assert _chooser_texts(view)[0] == "À contacter  (1)"  # informed, still to contact


def test_information_dialog_refuses_without_target(qtbot, view):
    dialog = InformationDialog(view.context, [], view)
    qtbot.addWidget(dialog)
    dialog.save()
    assert dialog.message.text() == "Choisissez au moins une classe ou un jeune."


def test_exam_results_grid_and_file(qtbot, school_db, view, campaign, tmp_path, monkeypatch):
    campaign_id, ids = campaign
    dialog = ExamResultsDialog(view.context, view)
    qtbot.addWidget(dialog)
    assert [dialog.division.itemText(i) for i in range(dialog.division.count())] == [
        "2CAPCUI (1)",
        "TMELEC (3)",
    ]
    dialog.division.setCurrentIndex(1)
    assert dialog.table.rowCount() == 3
    dialog.set_all_admitted()
    dialog.table.cellWidget(1, 3).set_code("AJOURNE")
    dialog.save()
    assert dialog.message.text() == "3 résultat(s) enregistré(s)."
    with school_db.read() as session:
        results = dict(
            session.execute(
                select(Youth.last_name, OriginalSchooling.exam_result).join(OriginalSchooling)
            ).all()
        )
    assert results == {"ALPHA": "ADMIS", "BRAVO": "AJOURNE", "CHARLIE": "INCONNU", "DELTA": "ADMIS"}
    path = tmp_path / "resultats.csv"
    path.write_text("Nom;Prénom;Résultat\nCHARLIE;Léa;Absent\nINCONNU;Zoé;Admis\n", encoding="utf-8")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(path), ""))
    dialog.read_file()
    assert dialog.message.text() == (
        "Le fichier « resultats.csv » doit donner l'INE, ou le nom, le prénom et la date de naissance."
    )


def test_days_left_wording():
    from pae_desktop.core.services.contacts import Worklists

    def text(today):
        return days_left_text(Worklists(today, dt.date(2026, 9, 17), {name: () for name in Worklist}))

    assert text(dt.date(2026, 9, 16)).startswith("<b>J-1</b>")
    assert text(dt.date(2026, 9, 17)).startswith("<b>Jour J</b>")
    assert text(dt.date(2026, 9, 20)) == "Date cible des entretiens dépassée depuis 3 jours (17/09/2026)"


def test_headline_after_the_interviews_and_once_the_campaign_is_over():
    from pae_desktop.core.services.contacts import Worklists

    def text(today):
        lists = Worklists(today, dt.date(2026, 9, 17), {name: () for name in Worklist}, dt.date(2026, 12, 31))
        return days_left_text(lists)

    assert text(dt.date(2026, 9, 30)) == "Date cible des entretiens dépassée depuis 13 jours (17/09/2026)"
    assert text(dt.date(2026, 12, 4)) == (
        "<b>Parcours en cours</b> jusqu'au 31/12/2026, encore 27 jours · date cible des entretiens passée le "
        "17/09/2026"
    )
    assert text(dt.date(2026, 12, 31)).startswith(
        "<b>Parcours en cours</b> jusqu'au 31/12/2026, dernier jour ·"
    )
    assert (
        text(dt.date(2027, 1, 5))
        == "Campagne terminée le 31/12/2026 (date cible des entretiens : 17/09/2026)"
    )


def test_accueil_is_the_first_tab_and_reaches_the_youth(qtbot, school_db, campaign, monkeypatch):
    from PySide6.QtCore import QMimeData, QPoint, QUrl
    from PySide6.QtGui import QDropEvent

    from pae_desktop.ui.main_window import MainWindow

    campaign_id, ids = campaign
    window = MainWindow(school_db, maintenance=False)  # the test campaign is old enough for retention
    qtbot.addWidget(window)
    with qtbot.waitExposed(window):  # the lists load once the window is painted
        window.show()
    assert window.tabs.tabText(0) == "Accueil"
    assert window.tabs.currentIndex() == 0
    home = window.view("WorklistsView")
    qtbot.waitUntil(lambda: not home.loader.running)
    home.chooser.setCurrentRow(3)
    home.select_row(0)
    opened = []

    def fake_exec(dialog):
        opened.append(dialog.youth_id)
        return 0

    monkeypatch.setattr(contact_dialog.ContactDialog, "exec", fake_exec)
    window.record_contact()  # Ctrl+T on the home screen: the youth selected there
    assert opened == [ids["BRAVO"]]
    home.open_selected()
    assert window.tabs.currentWidget() is window.views["CaseloadView"]
    assert window.caseload.selected_id() == ids["BRAVO"]
    imported = []
    monkeypatch.setattr(window, "import_files", lambda paths=None: imported.append(paths))
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile("/tmp/ExportXML_ElevesSansAdresses.zip")])
    window.dropEvent(
        QDropEvent(
            QPoint(5, 5),
            Qt.DropAction.CopyAction,
            mime,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
    )
    assert imported == [["/tmp/ExportXML_ElevesSansAdresses.zip"]]


def test_information_action_recorded_by_mistake_is_deleted_from_the_dialog(
    qtbot, school_db, view, campaign, monkeypatch
):
    campaign_id, ids = campaign
    first = InformationDialog(view.context, [ids["ALPHA"]], view)
    qtbot.addWidget(first)
    first.kind.set_code("DEPLIANT")
    first.save()
    dialog = InformationDialog(view.context, [], view)
    qtbot.addWidget(dialog)
    assert dialog.recorded.rowCount() == 1
    questions = []
    monkeypatch.setattr(
        "pae_desktop.ui.campaign_dialogs.confirm", lambda _parent, text, **_: questions.append(text) or True
    )
    dialog.delete_selected()  # nothing selected: said, nothing deleted
    assert dialog.message.text() == "Choisissez d'abord l'action à supprimer dans la liste."
    dialog.recorded_table.selectRow(0)
    dialog.delete_selected()
    assert "Supprimer l'action « Dépliant remis »" in questions[0]
    assert dialog.recorded.rowCount() == 0
    with school_db.read() as session:
        assert session.scalars(select(InformationAction)).all() == []


def test_after_the_contact_phase_the_follow_up_lists_come_first(qtbot, demo_db, tmp_path, monkeypatch):
    from pae_desktop.core.models import AuditEvent

    with demo_db.read() as session:
        campaign = session.scalars(select(Campaign)).one()  # 2025: its interview target date is long past
    view = WorklistsView(AppContext(demo_db, campaign.id))
    qtbot.addWidget(view)
    view.show()
    texts = _chooser_texts(view)
    assert [text.split("  (")[0] for text in texts] == [
        "Actions en retard",
        "Parcours finissant",
        "Sortie à saisir",
        "À saisir dans SIECLE",
        "Absences",
        "Sans solution connue",
        "Prise de contact",  # the contact lists, still reachable, under their title
        "À contacter",
        "À relancer aujourd'hui",
        "Injoignables",
        "Entretien à proposer",
        "Entretien à saisir",
    ]
    assert view.current is Worklist.ACTIONS_EN_RETARD and view.chooser.currentRow() == 0
    assert view.help.text().startswith("L'action suivante d'un suivi")
    assert not view.psad_button.isVisibleTo(view)
    view.chooser.setCurrentRow(6)  # the title is no list
    assert view.current is Worklist.ACTIONS_EN_RETARD
    view.show_list(Worklist.SANS_SOLUTION)
    assert (
        view.psad_button.isVisibleTo(view)
        and view.model.rowCount() == view.lists.counts[Worklist.SANS_SOLUTION]
    )
    view.reload()  # a change elsewhere: the list the user chose stays shown
    assert view.current is Worklist.SANS_SOLUTION and view.chooser.currentItem().text().startswith(
        "Sans solution"
    )
    target = tmp_path / "psad"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Classeur (*.xlsx)"))
    view.psad_button.click()
    assert (tmp_path / "psad.xlsx").exists()
    with demo_db.read() as session:
        [event] = session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert event.nominative and "PSAD" in event.detail
