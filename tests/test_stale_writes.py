"""Two people, one record: every operation of the contact campaign, the directory, the campaign, the school and
the settings refuses the second save of a version (SQLite, and PostgreSQL with PAE_TEST_DATABASE_URL).

Each test loads (form + version) in one transaction, saves from a second, then saves the first: refused with
the conflict message, and the other person's values are what the database holds.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pae_desktop.core import settings
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import (
    AuditEvent,
    ContactAttempt,
    InformationAction,
    OriginalSchooling,
    Partner,
    Person,
    School,
)
from pae_desktop.core.operations import CAMPAIGNS, CONTACTS, DIRECTORY, SCHOOL, YOUTHS, Changes
from pae_desktop.core.scheme import default_scheme, scheme_of
from pae_desktop.core.services import contacts
from pae_desktop.core.services import directory as d
from pae_desktop.core.services.campaigns import (
    CampaignDates,
    campaign_dates,
    get_campaign,
    update_campaign_dates,
    update_campaign_scheme,
)
from pae_desktop.core.services.contacts import AttemptForm, InformationForm
from pae_desktop.core.services.school import SchoolForm, get_school, save_school, school_form
from pae_desktop.core.services.youths import YouthForm, save_youth

NOW = dt.datetime(2025, 9, 10, 10, 0)


def _refused(db, write) -> None:
    with pytest.raises(UserError) as error, db.transaction() as session:
        write(session)
    assert str(error.value) == CONFLICT_MESSAGE


def _youth(db) -> int:
    with db.transaction() as session:
        return save_youth(
            session, get_campaign(session, 2025), YouthForm(last_name="Martin", first_names="Léa")
        ).youth_id


# --- contact attempts and information actions ----------------------------------------------------------------


def test_a_stale_attempt_correction_is_refused(school_db):
    youth_id = _youth(school_db)
    with school_db.transaction() as session:
        created = contacts.record_attempt(
            session, youth_id, AttemptForm(at=NOW, result="PAS_DE_REPONSE"), now=NOW
        )
    assert isinstance(created, Changes) and {CONTACTS, YOUTHS} <= created.topics
    with school_db.read() as session:  # the first person opens the attempt
        (mine,) = contacts.attempt_history(session, youth_id)
    with school_db.transaction() as session:  # the second person corrects it
        (theirs,) = contacts.attempt_history(session, youth_id)
        form = AttemptForm(at=NOW, result="JOINT", note="Rappelée par le CPE")
        result = contacts.update_attempt(session, theirs.id, form, theirs.version, now=NOW)
    assert result.version == mine.version + 1 and result.stage.name == "CONTACTE"
    _refused(
        school_db,
        lambda s: contacts.update_attempt(
            s, mine.id, AttemptForm(at=NOW, result="REFUS_ECHANGER"), mine.version, now=NOW
        ),
    )
    _refused(school_db, lambda s: contacts.delete_attempt(s, mine.id, mine.version))
    with school_db.read() as session:
        attempt = session.get(ContactAttempt, mine.id)
        assert (attempt.result, attempt.note) == ("JOINT", "Rappelée par le CPE")
    with school_db.transaction() as session:
        gone = contacts.delete_attempt(session, mine.id, result.version)
    assert gone.ids == {"contact_attempt": (mine.id,)}
    with pytest.raises(UserError, match="n'existe plus"), school_db.transaction() as session:
        contacts.delete_attempt(session, mine.id, result.version)


def test_a_stale_information_action_delete_is_refused(school_db):
    _youth(school_db)
    with school_db.transaction() as session:
        campaign_id = get_campaign(session, 2025).id
        session.scalars(select(OriginalSchooling)).one().division = "TMELEC"
        created = contacts.record_information(
            session, campaign_id, InformationForm(on=NOW.date()), divisions=["TMELEC"], today=NOW.date()
        )
    (action_id,) = created.ids["information_action"]
    with school_db.read() as session:
        (row,) = contacts.information_actions(session, campaign_id)
    with school_db.transaction() as session:  # someone else edits the note meanwhile
        session.get(InformationAction, action_id).note = "Avec la Mission locale"
    _refused(school_db, lambda s: contacts.delete_information(s, row.id, row.version))
    with school_db.transaction() as session:
        (fresh,) = contacts.information_actions(session, campaign_id)
        result = contacts.delete_information(session, fresh.id, fresh.version)
    assert CONTACTS in result.topics
    with school_db.read() as session:
        assert contacts.information_actions(session, campaign_id) == []
        assert session.scalars(
            select(AuditEvent.action).where(AuditEvent.entity == "information_action")
        ).all() == [
            "create",
            "delete",
        ]


# --- the directory ---------------------------------------------------------------------------------------------


def test_a_stale_partner_save_archive_or_delete_is_refused(school_db):
    with school_db.transaction() as session:
        created = d.save_partner(session, d.PartnerForm(name="Mission locale de Toul"))
    assert DIRECTORY in created.topics
    with school_db.read() as session:
        partner = d.get_partner(session, created.id)
        mine, version = d.partner_form(partner), partner.version
    with school_db.transaction() as session:
        theirs = d.save_partner(
            session, d.PartnerForm(name="Mission locale de Toul", city="Toul"), created.id, version
        )
    assert theirs.version == version + 1
    mine.phone = "03 83 00 00 00"
    _refused(school_db, lambda s: d.save_partner(s, mine, created.id, version))
    _refused(school_db, lambda s: d.set_partner_archived(s, created.id, True, version))
    _refused(school_db, lambda s: d.delete_partner(s, created.id, version))
    with school_db.read() as session:
        partner = session.get(Partner, created.id)
        assert (partner.city, partner.phone, partner.archived) == ("Toul", "", False)


def test_a_stale_person_save_archive_or_delete_is_refused(school_db):
    with school_db.transaction() as session:
        created = d.save_person(session, d.PersonForm("Martin", "Hélène", "RDS"))
    with school_db.read() as session:
        (row,) = d.list_people(session)
    with school_db.transaction() as session:
        d.save_person(
            session,
            d.PersonForm("Martin", "Hélène", "RDS", email="h.martin@ac-nancy-metz.fr"),
            row.id,
            row.version,
        )
    _refused(
        school_db,
        lambda s: d.save_person(s, d.PersonForm("Martin-Roux", "Hélène", "RDS"), row.id, row.version),
    )
    _refused(school_db, lambda s: d.set_person_archived(s, row.id, True, row.version))
    _refused(school_db, lambda s: d.delete_person(s, row.id, row.version))
    with school_db.read() as session:
        person = session.get(Person, created.id)
        assert (person.last_name, person.email, person.archived) == (
            "Martin",
            "h.martin@ac-nancy-metz.fr",
            False,
        )


# --- the campaign, the school, the settings -------------------------------------------------------------------


def test_stale_campaign_dates_or_scheme_are_refused(school_db):
    with school_db.read() as session:
        campaign = get_campaign(session, 2025)
        campaign_id, version, dates = campaign.id, campaign.version, campaign_dates(campaign)
    later = CampaignDates(2025, dates.census_cutoff, dates.rentree, dt.date(2025, 9, 30), dates.latest_end)
    with school_db.transaction() as session:
        result = update_campaign_dates(session, campaign_id, later, version)
    assert CAMPAIGNS in result.topics and result.versions == {"campaign": version + 1}
    _refused(school_db, lambda s: update_campaign_dates(s, campaign_id, dates, version))
    renamed = default_scheme(2025)
    renamed = type(renamed)("Parcours Ambition Emploi (PAE)", renamed.phase1_name, renamed.n3, renamed.n4)
    _refused(school_db, lambda s: update_campaign_scheme(s, 2025, renamed, version))
    with school_db.read() as session:
        campaign = get_campaign(session, 2025)
        assert campaign.interview_deadline == dt.date(2025, 9, 30)
        assert scheme_of(campaign) == default_scheme(2025)
        audited = session.scalars(select(AuditEvent.field).where(AuditEvent.entity == "campaign")).all()
        assert audited == ["interview_deadline"]


def test_a_stale_school_save_is_refused(school_db):
    with school_db.read() as session:
        school = get_school(session)
        mine, version = school_form(school), school.version
    with school_db.transaction() as session:
        theirs = SchoolForm(**{**vars(mine), "head_name": "M. Durand"})
        result = save_school(session, theirs, version)
    assert SCHOOL in result.topics and result.version == version + 1
    mine.city = "Toul"
    _refused(school_db, lambda s: save_school(s, mine, version))
    with school_db.read() as session:
        school = session.scalars(select(School)).one()
        assert (school.head_name, school.city) == ("M. Durand", "Nancy")
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "school")).all()
        assert [(e.field, e.new_value) for e in events] == [("head_name", "M. Durand")]


def test_a_stale_setting_save_is_refused(school_db):
    with school_db.read() as session:
        loaded = settings.versions(session)
    assert loaded[settings.UNREACHABLE_AFTER.key] == 0  # never stored
    with school_db.transaction() as session:
        result = settings.save_settings(session, {settings.UNREACHABLE_AFTER: 4}, loaded)
    assert {SCHOOL, YOUTHS, CONTACTS} <= result.topics
    _refused(school_db, lambda s: settings.save_settings(s, {settings.UNREACHABLE_AFTER: 5}, loaded))
    with school_db.transaction() as session:
        fresh = settings.versions(session)
        assert fresh[settings.UNREACHABLE_AFTER.key] == 1
        settings.save_settings(session, {settings.UNREACHABLE_AFTER: 5}, fresh)
    _refused(school_db, lambda s: settings.save_settings(s, {settings.UNREACHABLE_AFTER: 6}, fresh))
    with school_db.read() as session:
        assert settings.get(session, settings.UNREACHABLE_AFTER) == 5
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "setting")).all()
        assert [(e.field, e.old_value, e.new_value) for e in events] == [
            ("unreachable_after", "3", "4"),
            ("unreachable_after", "4", "5"),
        ]
