"""The directory of partners and people: validation, homonyms, archive instead of delete when used."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import AuditEvent, InterviewSlot, Partner, Person
from pae_desktop.core.services import directory as d
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.vocabulary import PartnerType, PersonRole


def test_partner_crud_and_validation(school_db):
    with school_db.transaction() as session:
        ml = d.save_partner(
            session, d.PartnerForm(name="Mission locale  du Grand Nancy", city="Nancy", phone="0383000000")
        )
        ml_id = ml.id
    with school_db.read() as session:
        partner = session.get(Partner, ml_id)
        assert partner.name == "Mission locale du Grand Nancy"
        assert partner.type == PartnerType.MISSION_LOCALE.value
        assert partner.phone == "03 83 00 00 00"
    with pytest.raises(UserError, match="existe déjà"):
        with school_db.transaction() as session:
            d.save_partner(session, d.PartnerForm(name="mission locale du grand nancy"))
    bad = d.PartnerForm(name="", type="X", phone="12", email="pas-un-mail", siret="123", postal_code="5400")
    problems = bad.errors()
    assert set(problems) == {"name", "type", "phone", "email", "siret", "postal_code"}
    with pytest.raises(UserError, match="obligatoire"):
        with school_db.transaction() as session:
            d.save_partner(session, bad)
    assert d.siret_error("73282932000074") == ""  # a real, valid SIRET
    assert "clé" in d.siret_error("73282932000075")
    with school_db.transaction() as session:
        d.save_partner(
            session, d.PartnerForm(name="Boulangerie Ô Délices", type="ENTREPRISE"), partner_id=None
        )
        form = d.partner_form(session.get(Partner, ml_id))
        form.city = "Vandœuvre-lès-Nancy"
        d.save_partner(session, form, ml_id)
    with school_db.read() as session:
        assert [r.name for r in d.missions_locales(session)] == ["Mission locale du Grand Nancy"]
        assert [r.name for r in d.list_partners(session, search="delices")] == ["Boulangerie Ô Délices"]
        updates = session.scalars(select(AuditEvent).where(AuditEvent.field == "city")).all()
        assert updates and updates[0].entity == "partner" and updates[0].entity_id == ml_id


def test_people_staff_and_advisors(school_db):
    with school_db.transaction() as session:
        ml = d.save_partner(session, d.PartnerForm(name="Mission locale Terres de Lorraine"))
        advisor = d.save_person(
            session, d.PersonForm("Durand", "Claire", PersonRole.ML.value, ml.id, "0612345678")
        )
        d.save_person(session, d.PersonForm("Martin", "Hélène", PersonRole.RDS.value))
        ml_id, advisor_id = ml.id, advisor.id
        assert d.person_warnings(session, d.PersonForm("X", "", PersonRole.ML.value, None)) != {}
        assert d.person_warnings(session, d.PersonForm("X", "", PersonRole.ML.value, ml_id)) == {}
    with school_db.read() as session:
        assert [p.full_name for p in d.staff(session)] == ["Hélène Martin"]
        rows = d.advisors(session, ml_id)
        assert [r.id for r in rows] == [advisor_id]
        assert rows[0].phone == "06 12 34 56 78"
        assert (
            rows[0].label
            == "Claire Durand (Conseiller(ère) Mission locale, Mission locale Terres de Lorraine)"
        )
    with pytest.raises(UserError, match="nom est obligatoire"):
        with school_db.transaction() as session:
            d.save_person(session, d.PersonForm("  ", "A", PersonRole.CPE.value))
    with pytest.raises(UserError, match="fonction"):
        with school_db.transaction() as session:
            d.save_person(session, d.PersonForm("A", "B", "PILOTE"))


def test_used_partner_and_person_are_archived_not_deleted(school_db):
    with school_db.transaction() as session:
        ml = d.save_partner(session, d.PartnerForm(name="Mission locale de Lunéville"))
        advisor = d.save_person(session, d.PersonForm("Petit", "Léo", PersonRole.ML.value, ml.id))
        campaign = get_campaign(session, 2025)
        session.add(
            InterviewSlot(
                campaign_id=campaign.id, starts_at=dt.datetime(2025, 9, 2, 9), partner_id=ml.id, advisor_id=advisor.id
            )
        )
        ml_id, advisor_id = ml.id, advisor.id
    with pytest.raises(UserError, match="archivez"):
        with school_db.transaction() as session:
            d.delete_partner(session, ml_id)
    with pytest.raises(UserError, match="archivez"):
        with school_db.transaction() as session:
            d.delete_person(session, advisor_id)
    with school_db.transaction() as session:
        d.set_partner_archived(session, ml_id)
    with school_db.read() as session:
        assert d.missions_locales(session) == []
        assert [r.id for r in d.missions_locales(session, include_archived=True)] == [ml_id]
        assert d.advisors(session) == []  # people of an archived partner are hidden too
    with school_db.transaction() as session:
        unused = d.save_partner(session, d.PartnerForm(name="CFA du BTP", type="CFA"))
        unused_id = unused.id
    with school_db.transaction() as session:
        d.delete_partner(session, unused_id)
    with school_db.read() as session:
        assert session.get(Partner, unused_id) is None
        assert session.scalar(select(func.count()).select_from(Person)) == 1
