"""Undoing a deletion: the delete operations return a snapshot, `restore_deleted` puts the record back with its
values (audited «restauration») or refuses in French, nothing written, when it can no longer be."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import AuditEvent, Exit, FollowUpEvent, Partner, PathwayTemplate, Person
from pae_desktop.core.services import directory as d
from pae_desktop.core.services import pathways as svc
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.deletions import restore_deleted
from pae_desktop.core.services.youths import YouthForm, save_youth

D = dt.date


def audit_of(session, entity: str) -> list[tuple[str, int]]:
    rows = session.execute(
        select(AuditEvent.action, AuditEvent.entity_id).where(AuditEvent.entity == entity).order_by(AuditEvent.id)
    )
    return [tuple(row) for row in rows]


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_a_deleted_partner_comes_back_with_its_values_and_both_events_audited(school_db):
    form = d.PartnerForm(
        name="CFA du BTP", type="CFA", city="Nancy", postal_code="54000", phone="03 83 00 00 00",
        siret="73282932000074", notes="Portes ouvertes en mars",
    )
    with school_db.transaction() as session:
        partner_id = d.save_partner(session, form).id
        d.set_partner_archived(session, partner_id, True)
    with school_db.transaction() as session:
        deleted = d.delete_partner(session, partner_id).deleted
    assert [gone.label for gone in deleted] == ["le partenaire « CFA du BTP »"]
    with school_db.transaction() as session:
        restored = restore_deleted(session, deleted[0])
    [new_id] = restored.ids["partner"]
    with school_db.read() as session:
        partner = session.get(Partner, new_id)
        assert (partner.name, partner.city, partner.phone, partner.siret, partner.notes, partner.archived) == (
            "CFA du BTP", "Nancy", "03 83 00 00 00", "73282932000074", "Portes ouvertes en mars", True,
        )
        assert audit_of(session, "partner")[-2:] == [("delete", partner_id), ("restore", new_id)]
    assert restored.versions["partner"] == partner.version and "directory" in restored.topics


def test_a_partner_is_not_restored_over_a_namesake_added_meanwhile(school_db):
    with school_db.transaction() as session:
        partner_id = d.save_partner(session, d.PartnerForm(name="CFA du BTP", type="CFA")).id
    with school_db.transaction() as session:
        [deleted] = d.delete_partner(session, partner_id).deleted
        d.save_partner(session, d.PartnerForm(name="cfa du btp", type="CFA"))
    with pytest.raises(UserError, match="ne peut plus être annulée.*CFA du BTP"):
        with school_db.transaction() as session:
            restore_deleted(session, deleted)
    with school_db.read() as session:
        assert count(session, Partner) == 1
        assert [action for action, _ in audit_of(session, "partner")].count("restore") == 0


def test_a_person_whose_partner_left_the_directory_is_not_restored(school_db):
    with school_db.transaction() as session:
        partner_id = d.save_partner(session, d.PartnerForm(name="Mission locale Sud", type="MISSION_LOCALE")).id
        person_id = d.save_person(
            session, d.PersonForm(last_name="Durand", first_name="Claire", role="ML", partner_id=partner_id)
        ).id
    with school_db.transaction() as session:
        [deleted] = d.delete_person(session, person_id).deleted
    assert deleted.label == "Claire Durand (Conseiller(ère) Mission locale)"
    with school_db.transaction() as session:
        d.delete_partner(session, partner_id)  # nobody works there any more: it can go
    with pytest.raises(UserError, match="son partenaire a été supprimé"), school_db.transaction() as session:
        restore_deleted(session, deleted)
    with school_db.read() as session:
        assert count(session, Person) == 0


def test_a_deleted_person_comes_back_with_their_partner(school_db):
    with school_db.transaction() as session:
        partner_id = d.save_partner(session, d.PartnerForm(name="Mission locale Sud", type="MISSION_LOCALE")).id
        person_id = d.save_person(
            session,
            d.PersonForm(last_name="Durand", first_name="Claire", role="ML", partner_id=partner_id, email="c@ml.fr"),
        ).id
    with school_db.transaction() as session:
        [deleted] = d.delete_person(session, person_id).deleted
    with school_db.transaction() as session:
        [new_id] = restore_deleted(session, deleted).ids["person"]
    with school_db.read() as session:
        person = session.get(Person, new_id)
        assert (person.full_name, person.role, person.partner_id, person.email) == (
            "Claire Durand", "ML", partner_id, "c@ml.fr",
        )
        assert audit_of(session, "person")[-2:] == [("delete", person_id), ("restore", new_id)]


@pytest.fixture
def case(school_db):
    """A youth of campaign 2025 with a pathway from 8 September to 31 December 2025 and a Mission locale."""
    with school_db.transaction() as session:
        youth_id = save_youth(
            session, get_campaign(session, 2025), YouthForm(last_name="Durand", first_names="Léa", diploma="CAP")
        ).youth_id
        ml = Partner(name="Mission locale du Grand Nancy", type="MISSION_LOCALE")
        session.add(ml)
        session.flush()
        module = svc.ModuleForm("ACCOMPAGNEMENT_ML", D(2025, 9, 8), D(2025, 12, 31), carrier_partner_id=ml.id)
        form = svc.PathwayForm(
            "7034150211", D(2025, 9, 8), D(2025, 12, 31), modules=[module], non_engaged_note="Test"
        )
        svc.save_pathway(session, youth_id, form)
    return school_db, youth_id, form, ml.id


def test_a_deleted_template_comes_back_with_its_modules(case):
    db, _youth_id, form, ml_id = case
    with db.transaction() as session:
        template_id = svc.save_template(session, "Accompagnement ML", form).ids["pathway_template"][0]
    with db.read() as session:
        [before] = svc.list_templates(session)
    with db.transaction() as session:
        [deleted] = svc.delete_template(session, template_id).deleted
    assert deleted.label == "le modèle « Accompagnement ML »" and len(deleted.children) == 1
    with db.transaction() as session:
        [new_id] = restore_deleted(session, deleted).ids["pathway_template"]
    with db.read() as session:
        [after] = svc.list_templates(session)
        assert (after.name, after.length_days, after.module_labels) == (
            before.name, before.length_days, before.module_labels,
        )
        assert session.get(PathwayTemplate, new_id).modules[0].carrier_partner_id == ml_id
        assert audit_of(session, "pathway_template")[-2:] == [("delete", template_id), ("restore", new_id)]
    with db.transaction() as session:  # a template saved under its name meanwhile keeps it
        [deleted] = svc.delete_template(session, new_id).deleted
        svc.save_template(session, "Accompagnement ML", form)
    with pytest.raises(UserError, match="un modèle « Accompagnement ML » a été enregistré"):
        with db.transaction() as session:
            restore_deleted(session, deleted)


def test_a_deleted_follow_up_event_comes_back_unless_the_file_is_gone(case):
    db, youth_id, _form, _ml = case
    event = svc.FollowUpForm(
        D(2025, 10, 6), "POINT_ETAPE", note="Point mensuel", next_action="Relancer", due_on=D(2025, 10, 20)
    )
    with db.transaction() as session:
        event_id = svc.save_follow_up(session, youth_id, event).event_id
    with db.transaction() as session:
        [deleted] = svc.delete_follow_up(session, event_id).deleted
    assert deleted.values["youth_id"] == youth_id and "du 06/10/2025" in deleted.label
    with db.transaction() as session:
        [new_id] = restore_deleted(session, deleted).ids["follow_up_event"]
    with db.read() as session:
        row = session.get(FollowUpEvent, new_id)
        assert (row.youth_id, row.on, row.kind, row.note, row.next_action, row.due_on) == (
            youth_id, D(2025, 10, 6), "POINT_ETAPE", "Point mensuel", "Relancer", D(2025, 10, 20),
        )
        assert audit_of(session, "follow_up_event")[-2:] == [("delete", event_id), ("restore", new_id)]
    with db.transaction() as session:
        [deleted] = svc.delete_follow_up(session, new_id).deleted
    from pae_desktop.core.services.retention import erase_youth

    with db.transaction() as session:
        erase_youth(session, youth_id, delete_record=True)
    with pytest.raises(UserError, match="le dossier du jeune a été supprimé"), db.transaction() as session:
        restore_deleted(session, deleted)


def test_a_deleted_exit_ends_the_pathway_again_and_yields_to_a_newer_one(case):
    db, youth_id, _form, _ml = case
    with db.transaction() as session:
        svc.record_exit(session, youth_id, svc.ExitForm(D(2025, 11, 3), "EMPLOI", "CDI", note="Boulangerie"))
    with db.transaction() as session:
        [deleted] = svc.delete_exit(session, youth_id).deleted
    with db.read() as session:
        assert svc.get_pathway(session, youth_id).actual_end is None
    with db.transaction() as session:
        result = restore_deleted(session, deleted)
    with db.read() as session:
        exit_row = session.get(Exit, result.ids["exit"][0])
        assert (exit_row.on, exit_row.category, exit_row.detail, exit_row.note) == (
            D(2025, 11, 3), "EMPLOI", "CDI", "Boulangerie",
        )
        assert svc.get_pathway(session, youth_id).actual_end == D(2025, 11, 3)
        assert [action for action, _ in audit_of(session, "exit")][-2:] == ["delete", "restore"]
    with db.transaction() as session:
        [deleted] = svc.delete_exit(session, youth_id).deleted
        svc.record_exit(session, youth_id, svc.ExitForm(D(2025, 12, 1), "RETOUR_FORMATION", "APPRENTISSAGE"))
    with pytest.raises(UserError, match="une autre sortie"), db.transaction() as session:
        restore_deleted(session, deleted)
    with db.read() as session:
        assert session.scalars(select(Exit.on)).all() == [D(2025, 12, 1)]


def test_a_unique_conflict_the_checks_missed_is_refused_in_french(school_db, monkeypatch):
    from pae_desktop.core.services import deletions

    with school_db.transaction() as session:
        partner_id = d.save_partner(session, d.PartnerForm(name="CFA du BTP", type="CFA")).id
        youth_id = save_youth(session, get_campaign(session, 2025), YouthForm(last_name="Durand", first_names="Léa")).youth_id
        session.add(Exit(youth_id=youth_id, on=D(2025, 11, 3), category="AUTRE"))
    with school_db.transaction() as session:
        [deleted] = d.delete_partner(session, partner_id).deleted
    values = {"youth_id": youth_id, "on": D(2025, 12, 1), "category": "AUTRE", "detail": "", "note": ""}
    exit_deleted = deletions.Deleted("exit", 99, "la sortie", values)
    monkeypatch.setattr(deletions, "_check_conflicts", lambda session, deleted: None)
    monkeypatch.setattr(deletions, "_after_exit", lambda session, record: {})
    with pytest.raises(UserError, match="un enregistrement identique existe déjà"), school_db.transaction() as s:
        restore_deleted(s, exit_deleted)  # one exit per youth: the database refuses the second
    with school_db.transaction() as session:  # the session goes on after the refusal
        restore_deleted(session, deleted)
    with school_db.read() as session:
        assert session.scalars(select(Exit.on)).all() == [D(2025, 11, 3)] and count(session, Partner) == 1
