"""The proposals in the pathway editor: «Tout accepter», a selection ticked line by line, the PFMP carrier
warning in the proposal and on the module, all saved through the pathway operation."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QLabel, QPushButton, QWidget
from sqlalchemy import select

from pae_desktop.core.errors import CONFLICT_MESSAGE
from pae_desktop.core.models import AuditEvent, Partner
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.ui.context import AppContext
from pae_desktop.ui.pathway_editor import PathwaysView
from test_proposals import interviewed_youth

D = dt.date


@pytest.fixture
def setup(school_db):
    """A youth who engaged for a job in a kitchen (mobility barrier), met with a Toul Mission locale advisor."""
    ids = interviewed_youth(school_db, "Cuisine")
    with school_db.read() as session:
        campaign_id = get_campaign(session, 2025).id
    return school_db, AppContext(school_db, campaign_id), ids


def open_editor(qtbot, context, youth_id):
    view = PathwaysView(context)
    qtbot.addWidget(view)
    view.resize(1366, 768)
    view.show()
    view.editor.today = D(2025, 9, 1)
    view.show_youth(youth_id)
    return view, view.editor


def row(editor, key) -> QWidget | None:
    for index in range(editor.proposals_layout.count()):
        widget = editor.proposals_layout.itemAt(index).widget()
        if widget.objectName() == f"proposal_{key}":
            return widget
    return None


def test_accept_everything_in_one_click(qtbot, setup):
    db, context, ids = setup
    _view, editor = open_editor(qtbot, context, ids["youth"])
    keys = [p.key for p in editor.proposals]
    assert keys == ["ACCOMPAGNEMENT_ML", "TRE", "LEVEE_FREINS.MOBILITE", "PFMP.1", "PFMP.2"]
    text = row(editor, "PFMP.1").findChild(QLabel, "text").text()
    assert "Restaurant Le Gourmet" in text and "du 29/09/2025" in text and "35 h/sem." in text
    assert (
        "Mission locale Terres de Lorraine"
        in row(editor, "ACCOMPAGNEMENT_ML").findChild(QLabel, "text").text()
    )
    assert editor.mission_locale.currentData() is None

    with qtbot.waitSignal(context.data_changed) as signal:
        qtbot.mouseClick(editor.accept_all_button, Qt.MouseButton.LeftButton)
    assert "pathways" in signal.args[0]
    with db.read() as session:
        pathway = svc.get_pathway(session, ids["youth"])
        modules = {m.label: m for m in pathway.modules}
        assert len(modules) == 5 and pathway.mission_locale_id == ids["toul"]  # the advisor's, adopted
        assert modules["Accompagnement Mission locale (PACEA)"].carrier_partner_id == ids["toul"]
        assert modules["Levée de freins : mobilité / permis"].carrier_partner_id == ids["association"]
        pfmp = modules["PFMP / stage en entreprise — période 1"]
        assert pfmp.carrier_partner_id == ids["kitchen"] and pfmp.weekly_hours == 35
        created = session.scalars(select(AuditEvent.entity).where(AuditEvent.action == "create")).all()
        assert created.count("pathway_module") == 5 and "pathway" in created
        assert editor.pathway_version == pathway.version
    assert not editor.proposals_box.isVisibleTo(editor) and not editor.dirty
    assert (
        "5 module(s) proposé(s) ajouté(s)" in editor.status.text() and "Parcours créé" in editor.status.text()
    )


def test_accept_a_selection_line_by_line(qtbot, setup):
    db, context, ids = setup
    _view, editor = open_editor(qtbot, context, ids["youth"])
    assert not editor.accept_selected_button.isEnabled()
    row(editor, "TRE").findChild(QCheckBox, "check").setChecked(True)
    row(editor, "PFMP.2").findChild(QCheckBox, "check").setChecked(True)
    assert editor.accept_selected_button.text() == "Ajouter la sélection (2)"
    qtbot.keyClicks(editor.notes, "Projet en cuisine")  # a keystroke rebuilds the lines: the ticks stay
    assert row(editor, "PFMP.2").findChild(QCheckBox, "check").isChecked()
    qtbot.mouseClick(
        row(editor, "LEVEE_FREINS.MOBILITE").findChild(QPushButton, "dismiss"), Qt.MouseButton.LeftButton
    )

    qtbot.mouseClick(editor.accept_selected_button, Qt.MouseButton.LeftButton)
    with db.read() as session:
        pathway = svc.get_pathway(session, ids["youth"])
        assert sorted(m.module_type for m in pathway.modules) == ["PFMP", "TRE"]
        assert pathway.notes == "Projet en cuisine"
    # what is left: neither the lines taken nor the one set aside, even after the reload
    assert [p.key for p in editor.proposals] == ["ACCOMPAGNEMENT_ML", "PFMP.1"]
    assert not editor.accept_selected_button.isEnabled()
    row(editor, "PFMP.1").findChild(QCheckBox, "check").setChecked(True)
    version = editor.pathway_version
    qtbot.mouseClick(editor.accept_selected_button, Qt.MouseButton.LeftButton)
    assert editor.pathway_version > version
    with db.read() as session:
        assert len(svc.get_pathway(session, ids["youth"]).modules) == 3


def test_a_stale_pathway_is_refused(qtbot, setup):
    db, context, ids = setup
    _view, editor = open_editor(qtbot, context, ids["youth"])
    with db.transaction() as session:  # someone else created the pathway meanwhile
        form = svc.PathwayForm("7034150211", D(2025, 9, 1), D(2025, 12, 31))
        svc.save_pathway(session, ids["youth"], form, version=svc.NEW)
    assert not editor.accept_proposals(None)
    assert CONFLICT_MESSAGE in editor.status.text()
    with db.read() as session:
        assert svc.get_pathway(session, ids["youth"]).modules == []


def test_a_pfmp_without_a_company_is_flagged_in_the_proposal_and_on_the_module(qtbot, setup):
    db, context, ids = setup
    with db.transaction() as session:
        session.get(Partner, ids["kitchen"]).notes = "Plats à emporter"  # no company of the trade any more
    _view, editor = open_editor(qtbot, context, ids["youth"])
    pfmp = row(editor, "PFMP.1")
    assert "L'établissement" in pfmp.findChild(QLabel, "text").text()  # not «Alpha Bâtiment», listed first
    notes = pfmp.findChild(QLabel, "notes")
    assert notes.isVisibleTo(editor)
    assert (
        "Aucune entreprise de l'annuaire ne correspond" in notes.text()
        and "pas une entreprise" in notes.text()
    )

    pfmp.findChild(QCheckBox, "check").setChecked(True)
    qtbot.mouseClick(editor.accept_selected_button, Qt.MouseButton.LeftButton)
    assert "Complétez ce qui est signalé" in editor.status.text()
    [card] = editor.cards
    assert card.messages.isVisibleTo(editor) and "pas une entreprise" in card.messages.text()
    assert editor.save_button.isEnabled()  # a warning, not a refusal
    card.carrier.setCurrentIndex(card.carrier.findData(ids["alpha"]))
    assert not card.messages.isVisibleTo(editor)
