"""The pathway builder in the real window widgets: build a three-module pathway, see the rules speak, save it."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QFileDialog, QInputDialog, QMessageBox, QPushButton, QWidget
from sqlalchemy import func, select

from pae_desktop.core.errors import CONFLICT_MESSAGE
from pae_desktop.core.models import Exit, FollowUpEvent, Interview, InterviewBarrier, Partner, Pathway
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import Barrier, Decision, ModuleType, PartnerType, Project
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.pathway_editor import PathwaysView
from pae_desktop.ui.timeline import TimelineModule, TimelineWidget

D = dt.date


@pytest.fixture
def setup(school_db, monkeypatch):
    db = school_db
    with db.transaction() as session:
        campaign = get_campaign(session, 2025)
        youth_id = save_youth(
            session, campaign, YouthForm(last_name="Durand", first_names="Léa", diploma="CAP", sex="F")
        ).youth_id
        interview = Interview(
            youth_id=youth_id,
            held_on=D(2025, 9, 5),
            project=Project.APPRENTISSAGE.value,
            decision=Decision.ENGAGE.value,
        )
        interview.barriers = [InterviewBarrier(barrier=Barrier.MOBILITE.value)]
        session.add(interview)
        session.add_all(
            [
                Partner(name="Boulangerie Martin", type=PartnerType.ENTREPRISE.value),
                Partner(name="Mission locale du Grand Nancy", type=PartnerType.MISSION_LOCALE.value),
                Partner(name="Association Mobilité 54", type=PartnerType.ASSOCIATION.value),
            ]
        )
        campaign_id = campaign.id
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text, *a, **k: warnings.append(text))
    monkeypatch.setattr(QMessageBox, "information", lambda *a, **k: QMessageBox.StandardButton.Ok)
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    context = AppContext(db, campaign_id)
    return db, context, youth_id, warnings


RENTREE = D(2025, 9, 1)


def open_editor(qtbot, context, youth_id, today=RENTREE):
    view = PathwaysView(context)
    qtbot.addWidget(view)
    view.resize(1300, 900)
    view.show()
    view.editor.today = today
    view.show_youth(youth_id)
    return view, view.editor


def pathway_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(Pathway))


def test_build_a_three_module_pathway_with_rules_appearing_and_disappearing(qtbot, setup):
    db, context, youth_id, warnings = setup
    view, editor = open_editor(qtbot, context, youth_id)
    assert view.table.rowCount() == 1  # the youth who engaged is listed
    assert editor.mef.currentText().startswith("PAE N3")  # CAP → N3
    assert (editor.start.value(), editor.end.value()) == (D(2025, 9, 1), D(2025, 12, 31))

    # the interview proposes modules (see test_proposals_editor.py): the barrier's ticked and added (saved),
    # the others set aside
    row = editor.proposals_box.findChild(QWidget, "proposal_LEVEE_FREINS.MOBILITE")
    assert editor.proposals_box.isVisibleTo(editor) and row is not None
    row.findChild(QCheckBox, "check").setChecked(True)
    qtbot.mouseClick(editor.accept_selected_button, Qt.MouseButton.LeftButton)
    assert [c.form().module_type for c in editor.cards] == ["LEVEE_FREINS"] and pathway_count(db) == 1
    while editor.proposals:
        row = editor.proposals_layout.itemAt(0).widget()
        qtbot.mouseClick(row.findChild(QPushButton, "dismiss"), Qt.MouseButton.LeftButton)
    assert not editor.proposals_box.isVisibleTo(editor)

    # a class immersion, typed by hand
    qtbot.mouseClick(editor.add_module_button, Qt.MouseButton.LeftButton)
    immersion = editor.cards[-1]
    immersion.end.set_value(D(2025, 9, 12))
    qtbot.keyClicks(immersion.place, "Salle 104")

    # a PFMP in a company
    qtbot.mouseClick(editor.add_module_button, Qt.MouseButton.LeftButton)
    pfmp = editor.cards[-1]
    pfmp.kind.setCurrentIndex(pfmp.kind.findText(ModuleType.PFMP.label))
    assert pfmp.carrier.currentText().startswith("Boulangerie Martin")  # the default carrier kind: a company
    assert pfmp.label.text() == ModuleType.PFMP.label

    # ending before it starts: said under the module, save disabled; fixed: gone
    pfmp.start.set_value(D(2025, 9, 15))
    pfmp.end.set_value(D(2025, 9, 10))
    assert pfmp.messages.isVisibleTo(editor) and "précède sa date de début" in pfmp.messages.text()
    assert not editor.save_button.isEnabled()
    # over two thirds of the pathway
    pfmp.end.set_value(D(2025, 12, 20))
    assert not pfmp.messages.isVisibleTo(editor)
    assert (
        editor.messages["modules"].isVisibleTo(editor) and "deux tiers" in editor.messages["modules"].text()
    )
    assert not editor.save_button.isEnabled()
    pfmp.end.set_value(D(2025, 11, 14))
    assert not editor.messages["modules"].isVisibleTo(editor)

    # a five-month pathway, then a start before the rentrée
    editor.end.set_value(D(2026, 1, 31))
    assert "4 mois" in editor.messages["planned_end"].text() and editor.messages["planned_end"].isVisibleTo(
        editor
    )
    editor.end.set_value(D(2025, 12, 31))
    assert not editor.messages["planned_end"].isVisibleTo(editor)
    editor.start.set_value(D(2025, 8, 28))
    assert "rentrée" in editor.messages["start_date"].text()
    editor.start.set_value(D(2025, 9, 1))
    assert not editor.messages["start_date"].isVisibleTo(editor)

    # a module outside the pathway
    immersion.end.set_value(D(2026, 1, 5))
    assert "dépasse la fin prévue du parcours" in immersion.messages.text()
    immersion.end.set_value(D(2025, 9, 12))
    assert not immersion.messages.isVisibleTo(editor)

    assert "Parcours partenarial" in editor.partnership.text() and "non" not in editor.partnership.text()
    assert "3 module(s)" in editor.derived.text() and "45 jour(s) de PFMP" in editor.derived.text()
    assert editor.save_button.isEnabled()
    assert len(editor.timeline.modules) == 3 and editor.timeline.pfmp_weeks

    with qtbot.waitSignal(context.data_changed) as signal:
        qtbot.mouseClick(editor.save_button, Qt.MouseButton.LeftButton)
    assert "pathways" in signal.args[0]
    assert warnings == []
    with db.read() as session:
        pathway = svc.get_pathway(session, youth_id)
        assert sorted(m.module_type for m in pathway.modules) == ["IMMERSION_CLASSE", "LEVEE_FREINS", "PFMP"]
        pfmp_row = next(m for m in pathway.modules if m.module_type == "PFMP")
        assert (pfmp_row.start_date, pfmp_row.end_date) == (D(2025, 9, 15), D(2025, 11, 14))
        assert pfmp_row.carrier.name == "Boulangerie Martin"
        assert svc.summary(pathway).partnership
    assert "parcours enregistré" in editor.title.text() and not editor.dirty
    assert editor.delete_button.isEnabled()
    assert editor.print_buttons[next(iter(editor.print_buttons))].isEnabled()


def test_not_engaged_youth_is_asked_why_then_saved_with_the_note(qtbot, setup, monkeypatch):
    db, context, youth_id, warnings = setup
    with db.transaction() as session:
        session.scalars(select(Interview)).one().decision = Decision.REFLEXION.value
    view, editor = open_editor(qtbot, context, youth_id)
    assert view.table.rowCount() == 1  # show_youth lists every youth for one who did not engage
    assert "Souhaite réfléchir" in editor.decision_message.text() and editor.decision_message.isVisibleTo(
        editor
    )
    editor.add_module()
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("", False))
    editor.save()
    assert pathway_count(db) == 0 and "note" in editor.status.text()
    monkeypatch.setattr(QInputDialog, "getMultiLineText", lambda *a, **k: ("Confirmé par téléphone", True))
    assert editor.save()
    with db.read() as session:
        assert svc.get_pathway(session, youth_id).non_engaged_note == "Confirmé par téléphone"


def test_follow_up_exit_and_print(qtbot, setup, monkeypatch, tmp_path):
    db, context, youth_id, warnings = setup
    with db.transaction() as session:
        form = svc.PathwayForm(
            "7034150211",
            D(2025, 9, 8),
            D(2025, 12, 31),
            modules=[svc.ModuleForm(ModuleType.IMMERSION_CLASSE.value, D(2025, 9, 8), D(2025, 12, 31))],
        )
        svc.save_pathway(session, youth_id, form)
    view, editor = open_editor(qtbot, context, youth_id, today=D(2025, 10, 10))

    # an absence of 31 unjustified half-days raises the attendance alert
    editor.tabs.setCurrentIndex(1)
    editor.event_on.set_value(D(2025, 10, 6))
    editor.event_kind.setCurrentIndex(editor.event_kind.findData("ABSENCE"))
    editor.event_half_days.setValue(31)
    editor.add_follow_up()
    assert "31 demi-journées" in editor.attendance.text()
    assert "bourse" in editor.follow_up_message.text() and editor.follow_up_message.isVisibleTo(editor)
    # a visit with a next action and its due date
    editor.event_kind.setCurrentIndex(editor.event_kind.findData("VISITE_ENTREPRISE"))
    qtbot.keyClicks(editor.event_next, "Rappeler le tuteur")
    editor.event_has_due.setChecked(True)
    editor.event_due.set_value(D(2025, 10, 17))
    editor.add_follow_up()
    # the absence, the attendance alert it raised, the visit
    assert editor.events.rowCount() == 3
    assert [editor.events.item(row, 1).text() for row in range(3)].count("Alerte") == 1
    with db.read() as session:
        due = session.scalars(select(FollowUpEvent.due_on).where(FollowUpEvent.due_on.is_not(None))).all()
        assert sorted(due) == [D(2025, 10, 6), D(2025, 10, 17)]  # the alert's, the visit's

    # an exit before the pathway's start: said next to the field and refused
    editor.tabs.setCurrentIndex(2)
    editor.exit_on.set_value(D(2025, 9, 1))
    assert editor.exit_message.isVisibleTo(editor) and "Date de sortie" in editor.exit_message.text()
    editor.record_exit()
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Exit)) == 0
    editor.exit_on.set_value(D(2025, 10, 20))
    assert not editor.exit_message.isVisibleTo(editor)
    editor.exit_category.setCurrentIndex(editor.exit_category.findData("EMPLOI"))
    editor.exit_detail.setCurrentIndex(editor.exit_detail.findData("CDI"))
    editor.record_exit()
    with db.read() as session:
        assert session.scalars(select(Exit.detail)).all() == ["CDI"]
    assert "Sortie enregistrée" in editor.exit_state.text()

    target = tmp_path / "fin.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "PDF"))
    button = editor.print_buttons[
        next(k for k in editor.print_buttons if k.value == "attestation-fin-parcours")
    ]
    assert button.isEnabled()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert target.read_bytes().startswith(b"%PDF")

    # a pathway with an exit cannot be deleted; without it, it can
    assert not editor.delete_pathway() and "sortie" in editor.status.text()
    editor.delete_exit()
    assert editor.delete_pathway()
    assert pathway_count(db) == 0 and "nouveau parcours" in editor.title.text()


def test_timeline_paints(qtbot):
    widget = TimelineWidget()
    qtbot.addWidget(widget)
    widget.resize(800, 140)
    widget.set_pathway(
        D(2025, 9, 1),
        D(2025, 12, 31),
        [
            TimelineModule("Accompagnement", "ACCOMPAGNEMENT_ML", D(2025, 9, 1), D(2025, 12, 31)),
            TimelineModule("Stage", "PFMP", D(2025, 9, 22), D(2025, 10, 3)),
        ],
        today=D(2025, 10, 1),
        campaign_year=2025,
    )
    assert widget.pfmp_weeks == {D(2025, 9, 22), D(2025, 9, 29)}
    assert (widget.first_day, widget.last_day) == (D(2025, 9, 1), D(2025, 12, 31))
    image = widget.grab().toImage()
    assert not image.isNull()
    # today's line is red, drawn at 1 October
    x = int(widget._x(D(2025, 10, 1)) + (widget._x(D(2025, 9, 2)) - widget._x(D(2025, 9, 1))) / 2)
    colours = {image.pixelColor(x + dx, 25).name() for dx in (-1, 0, 1)}
    assert "#c00000" in colours


def test_template_office_list_and_catalogue_from_the_view(qtbot, setup, monkeypatch, tmp_path):
    from openpyxl import load_workbook

    from pae_desktop.ui.pathway_editor import CatalogueDialog, OfficeListDialog

    db, context, youth_id, warnings = setup
    view, editor = open_editor(qtbot, context, youth_id)
    editor.start.set_value(D(2025, 9, 8))
    editor.add_module(ModuleType.ACCOMPAGNEMENT_ML)
    card = editor.add_module(ModuleType.PFMP)
    card.kind.setCurrentIndex(card.kind.findText(ModuleType.PFMP.label))
    card.start.set_value(D(2025, 9, 22))
    card.end.set_value(D(2025, 10, 17))
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("ML + stage", True))
    editor.save_as_template()
    assert editor.templates.count() == 1 and warnings == []
    # a fresh form starting a week later gets the same combination, shifted
    editor._set_modules([])
    editor.start.set_value(D(2025, 9, 15))
    editor.apply_template()
    pfmp = next(c.form() for c in editor.cards if c.form().module_type == "PFMP")
    assert (pfmp.start_date, pfmp.end_date) == (D(2025, 9, 29), D(2025, 10, 24))
    assert editor.save()

    target = tmp_path / "siecle.xlsx"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), "Classeur (*.xlsx)"))
    assert view.export_office_list() == str(target)
    assert load_workbook(target).active.cell(2, 5).value == "7034150211"

    # the office ticks the youth once entered in SIECLE
    office = OfficeListDialog(context, today=D(2025, 9, 20))
    qtbot.addWidget(office)
    assert office.table.rowCount() == 1 and office.table.item(0, 4).text().startswith("7034150211")
    assert office.mark_checked() == 0 and "Cochez" in office.message.text()
    office.table.item(0, 0).setCheckState(Qt.CheckState.Checked)
    office.on.set_value(D(2025, 9, 18))
    assert office.mark_checked() == 1
    assert office.table.rowCount() == 0 and "Aucun jeune à saisir" in office.summary.text()
    with db.read() as session:
        pathway = svc.get_pathway(session, youth_id)
        assert pathway.siecle_entered and pathway.siecle_entered_on == D(2025, 9, 18)

    dialog = CatalogueDialog(context)
    qtbot.addWidget(dialog)
    qtbot.keyClicks(dialog.label, "Formation SST")
    dialog.type.setCurrentIndex(dialog.type.findData("COMPLEMENT_FORMATION"))
    dialog.add()
    assert dialog.list.rowCount() == len(ModuleType) + 1
    with db.read() as session:
        assert any(item.label == "Formation SST" for item in svc.catalogue(session))
    dialog.list.setCurrentCell(0, 0)
    dialog.remove_selected()  # a built-in type stays
    assert dialog.list.rowCount() == len(ModuleType) + 1 and "catalogue national" in dialog.message.text()
    dialog.list.setCurrentCell(len(ModuleType), 0)
    dialog.remove_selected()
    assert dialog.list.rowCount() == len(ModuleType)

    editor.delete_template()
    assert editor.templates.count() == 0 and not editor.apply_template_button.isEnabled()


def test_changing_campaign_clears_the_editor(qtbot, setup):
    db, context, youth_id, warnings = setup
    view, editor = open_editor(qtbot, context, youth_id)
    editor.add_module()
    assert editor.isEnabled() and editor.cards
    with db.transaction() as session:
        from pae_desktop.core.services.campaigns import ensure_campaign

        other = ensure_campaign(session, 2026).id
    context.set_campaign(other)
    assert not editor.isEnabled() and editor.cards == [] and editor.youth_id is None
    assert view.table.rowCount() == 0


def test_the_list_is_computed_when_shown(qtbot, setup):
    db, context, youth_id, warnings = setup
    view = PathwaysView(context)
    qtbot.addWidget(view)
    assert view.table.rowCount() == 0  # nothing computed while hidden
    view.show()
    assert view.table.rowCount() == 1
    view.hide()
    with db.transaction() as session:
        session.scalars(select(Interview)).one().decision = Decision.REFUS.value
    context.changed("interviews")
    assert view.table.rowCount() == 1  # stale until shown again
    view.show()
    assert view.table.rowCount() == 0


# --- typed dates, inline messages, versions ------------------------------------------------------------------


def retype(qtbot, field, text: str) -> None:
    field.clear()
    qtbot.keyClicks(field, text)


def saved_pathway(db, youth_id, notes: str = "") -> None:
    with db.transaction() as session:
        form = svc.PathwayForm(
            "7034150211",
            D(2025, 9, 8),
            D(2025, 12, 31),
            notes=notes,
            modules=[svc.ModuleForm(ModuleType.IMMERSION_CLASSE.value, D(2025, 9, 8), D(2025, 12, 31))],
        )
        svc.save_pathway(session, youth_id, form)


def test_dates_are_typed_and_a_wrong_one_is_said_inline(qtbot, setup):
    db, context, youth_id, warnings = setup
    view, editor = open_editor(qtbot, context, youth_id)
    editor.add_module()
    retype(qtbot, editor.end, "31/02/2025")
    assert editor.messages["planned_end"].isVisibleTo(editor)
    assert "31/02/2025 n'existe pas" in editor.messages["planned_end"].text()
    assert not editor.save_button.isEnabled()
    assert not editor.save() and "n'existe pas" in editor.status.text() and editor.status.isVisibleTo(editor)
    card = editor.cards[0]
    retype(qtbot, card.start, "12/13/2025")
    assert "Module « Immersion" in card.messages.text() and "n'existe pas" in card.messages.text()
    retype(qtbot, card.start, "01/09/2025")
    assert not card.messages.isVisibleTo(editor)
    retype(qtbot, editor.end, "19/12/2025")
    retype(qtbot, card.end, "19/12/2025")
    assert not editor.messages["planned_end"].isVisibleTo(editor) and editor.save_button.isEnabled()
    assert editor.save()
    assert warnings == []  # never a pop-up: every message is inline
    with db.read() as session:
        pathway = svc.get_pathway(session, youth_id)
        assert pathway.planned_end == D(2025, 12, 19) and pathway.modules[0].end_date == D(2025, 12, 19)
    assert editor.end.text() == "19/12/2025"


def test_a_pathway_saved_elsewhere_meanwhile_is_said_and_reloaded(qtbot, setup):
    db, context, youth_id, warnings = setup
    saved_pathway(db, youth_id)
    view, editor = open_editor(qtbot, context, youth_id)
    qtbot.keyClicks(editor.notes, "Ma note")
    with db.read() as session:  # a colleague on another workstation
        theirs = svc.pathway_form(svc.get_pathway(session, youth_id))
        version = svc.get_pathway(session, youth_id).version
    theirs.notes = "Note de la collègue"
    with db.transaction() as session:
        svc.save_pathway(session, youth_id, theirs, version=version)
    assert not editor.save()
    assert editor.status.text() == CONFLICT_MESSAGE and editor.status.isVisibleTo(editor)
    assert editor.notes.text() == "Note de la collègue" and not editor.dirty  # reloaded with their values
    with db.read() as session:
        assert svc.get_pathway(session, youth_id).notes == "Note de la collègue"
    qtbot.keyClicks(editor.notes, " et la mienne")
    assert editor.save()  # on the fresh version
    with db.read() as session:
        assert svc.get_pathway(session, youth_id).notes == "Note de la collègue et la mienne"
    assert warnings == []


def test_an_exit_and_an_event_changed_elsewhere_are_said_and_reloaded(qtbot, setup):
    db, context, youth_id, warnings = setup
    saved_pathway(db, youth_id)
    with db.transaction() as session:
        event = svc.save_follow_up(
            session, youth_id, svc.FollowUpForm(D(2025, 10, 1), "APPEL", next_action="Rappeler", due_on=D(2025, 10, 8))
        )
    view, editor = open_editor(qtbot, context, youth_id, today=D(2025, 10, 10))
    with db.transaction() as session:  # meanwhile, elsewhere: the exit recorded, the event's action done
        svc.record_exit(session, youth_id, svc.ExitForm(D(2025, 10, 20), "EMPLOI", "CDI"), version=svc.NEW)
        svc.mark_follow_up_done(session, event.event_id, D(2025, 10, 2))
    editor.tabs.setCurrentIndex(1)
    editor.events.setCurrentCell(0, 0)
    editor.mark_done()
    assert editor.follow_up_message.text() == CONFLICT_MESSAGE
    assert editor.events.item(0, 5).text() == "02/10/2025"  # the list reloaded: done on the 2nd, elsewhere
    editor.tabs.setCurrentIndex(2)
    retype(qtbot, editor.exit_on, "21/10/2025")
    editor.exit_category.setCurrentIndex(editor.exit_category.findData("AUTRE"))
    editor.record_exit()
    assert editor.end_message.text() == CONFLICT_MESSAGE
    assert "Sortie enregistrée le 20/10/2025" in editor.exit_state.text()  # the colleague's, reloaded
    assert editor.exit_on.text() == "20/10/2025"
    with db.read() as session:
        assert session.scalars(select(Exit.on)).all() == [D(2025, 10, 20)]
        assert session.get(FollowUpEvent, event.event_id).done_on == D(2025, 10, 2)
    assert warnings == []


def test_screens_refresh_from_the_operation_changes(qtbot, setup):
    db, context, youth_id, warnings = setup
    saved_pathway(db, youth_id)
    view, editor = open_editor(qtbot, context, youth_id, today=D(2025, 10, 10))
    seen: list[frozenset] = []
    context.data_changed.connect(seen.append)
    editor.event_kind.setCurrentIndex(editor.event_kind.findData("APPEL"))
    editor.add_follow_up()
    editor.record_abandonment()  # no reason: refused inline, nothing applied
    assert "Motif" in editor.end_message.text()
    assert seen == [frozenset({"pathways"})]
