"""Creating and editing a youth: refusals, warnings, nothing saved half, the caseload rows."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import AuditEvent, LegalRepresentative, Youth
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import (
    RepresentativeForm,
    YouthForm,
    caseload_rows,
    load_youth,
    pseudonym,
    save_youth,
)
from pae_desktop.core.vocabulary import Stage

TODAY = dt.date(2026, 6, 15)


def save(db, form, youth_id=None, **kwargs):
    with db.transaction() as session:
        return save_youth(
            session, get_campaign(session, 2025), form, youth_id=youth_id, today=TODAY, **kwargs
        )


def count(db, model=Youth):
    with db.read() as session:
        return session.scalar(select(func.count()).select_from(model))


def test_bad_ine_key_is_a_warning_and_the_youth_is_saved(school_db):
    result = save(school_db, YouthForm(last_name="Martin", first_names="Élodie", ine="071340028HA"))
    assert "071340028HH" in result.warnings["ine"]
    assert count(school_db) == 1


def test_no_name_is_refused_and_nothing_saved(school_db):
    with pytest.raises(UserError, match="nom de famille est obligatoire"):
        save(school_db, YouthForm(first_names="Élodie", representatives=[RepresentativeForm(last_name="X")]))
    assert count(school_db) == 0
    assert count(school_db, LegalRepresentative) == 0


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("phone", "12", "numéro"),
        ("email", "pas-un-courriel", "adresse"),
        ("birth_date", dt.date(2030, 1, 1), "futur"),
        ("last_name", "A" * 101, "100 caractères"),
        ("last_name", "Nom\x07", "contrôle"),
        ("notes", "x\x00y", "caractère nul"),
    ],
)
def test_invalid_fields_are_refused(school_db, field, value, message):
    form = YouthForm(last_name="Martin", first_names="Léa")
    setattr(form, field, value)
    with pytest.raises(UserError, match=message):
        save(school_db, form)
    assert count(school_db) == 0


def test_minor_without_representative_is_warned(school_db):
    result = save(school_db, YouthForm(last_name="Petit", first_names="Noé", birth_date=dt.date(2009, 3, 1)))
    assert "représentant légal" in result.warnings["representatives"]


def test_edit_keeps_pseudonym_and_audits_without_names(school_db):
    created = save(school_db, YouthForm(last_name="Durand", first_names="Chloé", ine="071340028HH"))
    with school_db.read() as session:
        youth = load_youth(session, created.youth_id)
        original, version = youth.pseudonym, youth.version
    form = YouthForm(last_name="Durand-Roux", first_names="Chloé", ine="071340028HH", phone="0612345678")
    result = save(school_db, form, youth_id=created.youth_id, expected_version=version)
    assert set(result.changed_fields) >= {"last_name", "phone"}
    with school_db.read() as session:
        youth = load_youth(session, created.youth_id)
        assert youth.pseudonym == original
        assert youth.phone == "06 12 34 56 78" and youth.phone_raw == "0612345678"
        assert youth.search_key == "durand-roux chloe 071340028hh"
        logged = session.scalars(select(AuditEvent).where(AuditEvent.field == "last_name")).one()
        assert "Durand" not in logged.old_value + logged.new_value


def test_stale_version_is_refused(school_db):
    created = save(school_db, YouthForm(last_name="Roux", first_names="Max"))
    with pytest.raises(UserError, match="modifié ailleurs"):
        save(
            school_db,
            YouthForm(last_name="Roux", first_names="Maxime"),
            youth_id=created.youth_id,
            expected_version=99,
        )


def test_pseudonym_follows_the_spec():
    secret = bytes(range(32))
    assert pseudonym(secret, " 071340028hh ", 5) == pseudonym(secret, "071340028HH", 9)
    assert pseudonym(secret, "", 5) != pseudonym(secret, "", 6)
    assert len(pseudonym(secret, "", 5)) == 16


def test_caseload_rows_carry_stage_and_search_key(demo_db):
    with demo_db.read() as session:
        rows = caseload_rows(session, get_campaign(session).id, dt.date(2026, 11, 26))
    assert len(rows) == 150
    stages = {row.stage for row in rows}
    assert {Stage.SORTI, Stage.REFUS_ENTRETIEN, Stage.INJOIGNABLE, Stage.CONTACTE, Stage.ENGAGE} <= stages
    assert all(row.search_key == row.search_key.lower() for row in rows)
