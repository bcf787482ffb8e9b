"""Two people on one pathway (a shared database): each operation checks the version the user loaded; the second
save is refused with the conflict message, nothing of it written, the first person's values kept — in two
sessions on SQLite and PostgreSQL, and in two processes."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import (
    AuditEvent,
    Exit,
    FollowUpEvent,
    Interview,
    ModuleCatalogEntry,
    Partner,
    Pathway,
    PathwayModule,
    PathwayTemplate,
)
from pae_desktop.core.operations import PATHWAYS, Changes
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import Decision, ModuleType, PartnerType
from pae_desktop.storage.database import open_database

D = dt.date


@pytest.fixture
def case(school_db):
    """A CAP youth who engaged, with a saved one-module pathway; the ids."""
    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        youth_id = save_youth(
            session, campaign, YouthForm(last_name="Durand", first_names="Léa", diploma="CAP")
        ).youth_id
        session.add(Interview(youth_id=youth_id, held_on=D(2025, 9, 5), decision=Decision.ENGAGE.value))
        session.add(Partner(name="Boulangerie Martin", type=PartnerType.ENTREPRISE.value))
        session.flush()
        result = svc.save_pathway(session, youth_id, first_form())
    return school_db, youth_id, result.pathway_id


def first_form() -> svc.PathwayForm:
    return svc.PathwayForm(
        "7034150211",
        D(2025, 9, 8),
        D(2025, 12, 31),
        modules=[svc.ModuleForm(ModuleType.IMMERSION_CLASSE.value, D(2025, 9, 8), D(2025, 12, 31))],
    )


def loaded(db, youth_id) -> tuple[svc.PathwayForm, int]:
    """What the editor holds after loading: the form (each module with its version) and the pathway's version."""
    with db.read() as session:
        pathway = svc.get_pathway(session, youth_id)
        return svc.pathway_form(pathway), pathway.version


def refused(action) -> None:
    with pytest.raises(UserError) as error:
        action()
    assert str(error.value) == CONFLICT_MESSAGE


def audit_count(db) -> int:
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(AuditEvent))


# --- two sessions ------------------------------------------------------------------------------------------


def test_pathway_second_save_is_refused_and_the_first_values_kept(case):
    db, youth_id, _pathway_id = case
    mine, version = loaded(db, youth_id)
    theirs, their_version = loaded(db, youth_id)
    theirs.notes = "Vu avec la famille"
    with db.transaction() as session:
        result = svc.save_pathway(session, youth_id, theirs, version=their_version)
    assert isinstance(result, Changes) and PATHWAYS in result.topics
    assert result.versions["pathway"] == version + 1
    before = audit_count(db)
    mine.notes = "Autre note"
    mine.planned_end = D(2025, 12, 19)

    def save_mine():
        with db.transaction() as session:
            svc.save_pathway(session, youth_id, mine, version=version)

    refused(save_mine)
    after, after_version = loaded(db, youth_id)
    assert (after.notes, after.planned_end, after_version) == (
        "Vu avec la famille",
        D(2025, 12, 31),
        version + 1,
    )
    assert audit_count(db) == before  # nothing of the refused save, not even its audit


def test_a_module_change_alone_moves_the_pathway_version(case):
    """Only a module changed elsewhere: the pathway's version moved too (bump), so a save of it is refused."""
    db, youth_id, _pathway_id = case
    mine, version = loaded(db, youth_id)
    theirs, their_version = loaded(db, youth_id)
    theirs.modules[0].place = "Salle 104"
    with db.transaction() as session:
        result = svc.save_pathway(session, youth_id, theirs, version=their_version)
    assert result.versions["pathway"] == version + 1 and result.ids["pathway_module"] == (mine.modules[0].id,)
    mine.modules[0].place = "Atelier"

    def save_mine():
        with db.transaction() as session:
            svc.save_pathway(session, youth_id, mine, version=version)

    refused(save_mine)
    with db.read() as session:
        assert session.scalars(select(PathwayModule.place)).all() == ["Salle 104"]


def test_a_stale_module_is_refused_even_on_a_fresh_pathway_version(case):
    db, youth_id, _pathway_id = case
    mine, _version = loaded(db, youth_id)
    theirs, their_version = loaded(db, youth_id)
    theirs.modules[0].tutor = "M. Petit"
    with db.transaction() as session:
        svc.save_pathway(session, youth_id, theirs, version=their_version)
    _fresh, fresh_version = loaded(db, youth_id)
    mine.modules[0].tutor = "Mme Grand"

    def save_mine():
        with db.transaction() as session:
            svc.save_pathway(session, youth_id, mine, version=fresh_version)

    refused(save_mine)
    with db.read() as session:
        assert session.scalars(select(PathwayModule.tutor)).all() == ["M. Petit"]


def test_a_pathway_created_elsewhere_meanwhile_is_not_overwritten(school_db):
    db = school_db
    with db.transaction() as session:
        campaign = get_campaign(session, 2025)
        youth_id = save_youth(
            session, campaign, YouthForm(last_name="Roux", first_names="Inès", diploma="CAP")
        ).youth_id
        session.add(Interview(youth_id=youth_id, held_on=D(2025, 9, 5), decision=Decision.ENGAGE.value))
    with db.transaction() as session:  # the other person's
        svc.save_pathway(session, youth_id, first_form(), version=svc.NEW)
    mine = first_form()
    mine.notes = "Le mien"

    def save_mine():
        with db.transaction() as session:
            svc.save_pathway(session, youth_id, mine, version=svc.NEW)

    refused(save_mine)
    with db.read() as session:
        assert session.scalars(select(Pathway.notes)).all() == [""]


def test_two_sessions_saving_modules_at_the_same_moment(case):
    """Both version checks pass; the pathway row's version refuses the second UPDATE (bump)."""
    db, youth_id, _pathway_id = case
    with pytest.raises(UserError) as error:
        with db.transaction() as first:
            form = svc.pathway_form(svc.get_pathway(first, youth_id))
            version = svc.get_pathway(first, youth_id).version
            with db.transaction() as second:
                other = svc.pathway_form(svc.get_pathway(second, youth_id))
                other.modules.append(
                    svc.ModuleForm(ModuleType.LEVEE_FREINS.value, D(2025, 9, 8), D(2025, 10, 8))
                )
                svc.save_pathway(second, youth_id, other, version=version)
            form.modules[0].place = "Salle 12"
            svc.save_pathway(first, youth_id, form, version=version)
    assert str(error.value) == CONFLICT_MESSAGE
    with db.read() as session:
        assert sorted(session.scalars(select(PathwayModule.module_type)).all()) == [
            "IMMERSION_CLASSE",
            "LEVEE_FREINS",
        ]
        assert session.scalars(select(PathwayModule.place)).all() == ["", ""]


def test_follow_up_edit_done_and_delete_check_the_event_version(case):
    db, youth_id, _pathway_id = case
    form = svc.FollowUpForm(D(2025, 10, 1), "APPEL", next_action="Rappeler", due_on=D(2025, 10, 8))
    with db.transaction() as session:
        created = svc.save_follow_up(session, youth_id, form)
    event_id, version = created.event_id, created.versions["follow_up_event"]
    with db.transaction() as session:  # the other person corrects the note
        theirs = svc.FollowUpForm(
            D(2025, 10, 1), "APPEL", note="Messagerie", next_action="Rappeler", due_on=D(2025, 10, 8)
        )
        svc.save_follow_up(session, youth_id, theirs, event_id=event_id, version=version)
    mine = svc.FollowUpForm(
        D(2025, 10, 1), "APPEL", note="Répondu", next_action="Rappeler", due_on=D(2025, 10, 8)
    )
    for action in (
        lambda s: svc.save_follow_up(s, youth_id, mine, event_id=event_id, version=version),
        lambda s: svc.mark_follow_up_done(s, event_id, D(2025, 10, 2), version=version),
        lambda s: svc.delete_follow_up(s, event_id, version=version),
    ):

        def run(action=action):
            with db.transaction() as session:
                action(session)

        refused(run)
    with db.read() as session:
        event = session.get(FollowUpEvent, event_id)
        assert (event.note, event.done_on, event.version) == ("Messagerie", None, version + 1)
    with db.transaction() as session:
        done = svc.mark_follow_up_done(session, event_id, D(2025, 10, 2), version=version + 1)
    assert done.versions["follow_up_event"] == version + 2 and done.topics == {PATHWAYS}


def test_exit_second_save_and_delete_are_refused(case):
    db, youth_id, _pathway_id = case
    with db.transaction() as session:  # both saw no exit; the other person records one first
        recorded = svc.record_exit(
            session, youth_id, svc.ExitForm(D(2025, 10, 20), "EMPLOI", "CDI"), version=svc.NEW
        )
    version = recorded.versions["exit"]

    def record_mine():
        with db.transaction() as session:
            svc.record_exit(session, youth_id, svc.ExitForm(D(2025, 11, 3), "AUTRE", ""), version=svc.NEW)

    refused(record_mine)
    with db.transaction() as session:  # the other person corrects it
        svc.record_exit(session, youth_id, svc.ExitForm(D(2025, 10, 21), "EMPLOI", "CDI"), version=version)

    def correct_mine():
        with db.transaction() as session:
            svc.record_exit(
                session, youth_id, svc.ExitForm(D(2025, 10, 22), "EMPLOI", "CDI"), version=version
            )

    def delete_mine():
        with db.transaction() as session:
            svc.delete_exit(session, youth_id, version=version)

    refused(correct_mine)
    refused(delete_mine)
    with db.read() as session:
        assert session.scalars(select(Exit.on)).all() == [D(2025, 10, 21)]
        assert session.scalars(select(Pathway.actual_end)).one() == D(2025, 10, 21)


def test_abandonment_siecle_and_delete_check_the_pathway_version(case):
    db, youth_id, pathway_id = case
    _form, version = loaded(db, youth_id)
    with db.transaction() as session:
        svc.record_abandonment(session, youth_id, D(2025, 10, 1), "Ne vient plus", version=version)
    for action in (
        lambda s: svc.record_abandonment(s, youth_id, D(2025, 10, 2), "Déménagement", version=version),
        lambda s: svc.cancel_abandonment(s, youth_id, version=version),
        lambda s: svc.set_siecle_entered(
            s, pathway_id, True, D(2025, 9, 10), today=D(2025, 9, 10), version=version
        ),
        lambda s: svc.delete_pathway(s, youth_id, version=version),
    ):

        def run(action=action):
            with db.transaction() as session:
                action(session)

        refused(run)
    with db.read() as session:
        pathway = session.get(Pathway, pathway_id)
        assert (pathway.abandoned_on, pathway.abandon_reason, pathway.siecle_entered) == (
            D(2025, 10, 1),
            "Ne vient plus",
            False,
        )


def test_templates_and_catalogue_entries_check_their_version(case):
    db, _youth_id, _pathway_id = case
    with db.transaction() as session:
        template = svc.save_template(session, "Immersion", first_form())
        entry = svc.add_catalog_entry(session, "Formation SST", "COMPLEMENT_FORMATION", "ETABLISSEMENT")
    template_id, template_version = template.ids["pathway_template"][0], template.versions["pathway_template"]
    entry_id, entry_version = entry.ids["module_catalog_entry"][0], entry.versions["module_catalog_entry"]
    with db.transaction() as session:  # replaced elsewhere
        replaced = svc.save_template(
            session, "Immersion", first_form(), replace_existing=True, version=template_version
        )
    assert replaced.versions["pathway_template"] == template_version + 1
    with db.transaction() as session:
        session.get(ModuleCatalogEntry, entry_id).label = "Formation SST (2 jours)"

    def replace_mine():
        with db.transaction() as session:
            svc.save_template(
                session, "Immersion", first_form(), replace_existing=True, version=template_version
            )

    def delete_template():
        with db.transaction() as session:
            svc.delete_template(session, template_id, version=template_version)

    def delete_entry():
        with db.transaction() as session:
            svc.delete_catalog_entry(session, entry_id, version=entry_version)

    for action in (replace_mine, delete_template, delete_entry):
        refused(action)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(PathwayTemplate)) == 1
        assert session.scalar(select(func.count()).select_from(ModuleCatalogEntry)) == 1


# --- two processes -----------------------------------------------------------------------------------------

SAVE_SCRIPT = """
import datetime as dt, json, sys
from pae_desktop.core.errors import UserError
from pae_desktop.core.services import pathways as svc
from pae_desktop.storage.database import open_database

data_dir, youth_id, version, module_version, note, place = json.loads(sys.argv[1])
db = open_database(data_dir)
try:
    with db.read() as session:
        form = svc.pathway_form(svc.get_pathway(session, youth_id))
    form.notes = note
    form.modules[0].place = place
    form.modules[0].version = module_version
    with db.transaction() as session:
        svc.save_pathway(session, youth_id, form, version=version)
except UserError as error:
    print(error, file=sys.stderr)
    sys.exit(1)
finally:
    db.close()
"""


def save_in_another_process(data_dir: Path, *arguments) -> subprocess.CompletedProcess:
    src = Path(__file__).resolve().parents[1] / "src"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")])),
    }
    return subprocess.run(
        [sys.executable, "-c", SAVE_SCRIPT, json.dumps([str(data_dir), *arguments])],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_two_processes_saving_the_same_pathway_and_module(case, data_dir):
    """Two workstations loaded the pathway at the same version: the first process saves, the second is refused."""
    db, youth_id, _pathway_id = case
    form, version = loaded(db, youth_id)
    module_version = form.modules[0].version
    db.close()  # the writer lock goes to the processes, one after the other
    first = save_in_another_process(data_dir, youth_id, version, module_version, "Poste A", "Salle A")
    assert first.returncode == 0, first.stderr
    second = save_in_another_process(data_dir, youth_id, version, module_version, "Poste B", "Salle B")
    assert second.returncode == 1 and CONFLICT_MESSAGE in second.stderr
    # the module alone, on the pathway's fresh version: still refused for the module's stale version
    third = save_in_another_process(data_dir, youth_id, version + 1, module_version, "Poste A", "Salle C")
    assert third.returncode == 1 and CONFLICT_MESSAGE in third.stderr
    check = open_database(data_dir)
    try:
        with check.read() as session:
            pathway = svc.get_pathway(session, youth_id)
            assert (pathway.notes, pathway.version) == ("Poste A", version + 1)
            assert [m.place for m in pathway.modules] == ["Salle A"]
    finally:
        check.close()
