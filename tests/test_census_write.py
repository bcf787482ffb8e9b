"""The census import's writing: youths inserted in multi-row statements, each id matched back to its own row."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from fixtures.siecle.builder import Person, Student, eleves_xml, responsables_xml, write
from pae_desktop.core.models import LegalRepresentative, School, Youth
from pae_desktop.core.services.campaigns import ensure_campaign
from pae_desktop.core.services.census import BATCH, ImportOptions, apply_import, read_sources
from pae_desktop.core.services.census.apply import _inserted_ids
from pae_desktop.core.services.youths import pseudonym

TODAY = dt.date(2026, 6, 10)


def _row(campaign_id: int, last_name: str, ine: str, key: str) -> dict:
    return {
        "campaign_id": campaign_id,
        "pseudonym": key,
        "ine": ine,
        "siecle_id": last_name,
        "last_name": last_name,
        "version": 1,
    }


def test_ids_follow_the_rows_also_when_two_pseudonyms_collide(db):
    with db.transaction() as session:
        campaign_id = ensure_campaign(session, 2026).id
        rows = [
            _row(campaign_id, "AVEC", "090123456CA", "aaaa"),
            _row(campaign_id, "SANS1", "", ""),
            _row(campaign_id, "SANS2", "", ""),
        ]
        clashing = [  # the same pseudonym twice in one batch: the rows are inserted in their order all the same
            _row(campaign_id, "CLASH1", "111111111AA", "bbbb"),
            _row(campaign_id, "CLASH2", "222222222BB", "bbbb"),
        ]
        for batch in (rows, clashing):
            ids = _inserted_ids(session, batch)
            names = dict(session.execute(select(Youth.id, Youth.last_name).where(Youth.id.in_(ids))).all())
            assert [names[i] for i in ids] == [row["last_name"] for row in batch]
        provisional = session.scalars(select(Youth.pseudonym).where(Youth.last_name.like("SANS%"))).all()
        assert sorted(provisional) == ["#1", "#2"]  # replaced by `_insert_youths` once the ids are known


def test_each_youth_over_several_batches_gets_its_own_pseudonym_and_representatives(db, tmp_path):
    count = BATCH + 300
    students = [
        Student(str(i), f"NOM{i}", "Prénom", ine=f"{i:09d}AA" if i % 3 else "", birth="14/03/2007")
        for i in range(1, count + 1)
    ]
    persons = [Person(f"P{i}", f"PARENT{i}", "Camille") for i in range(1, count + 1)]
    links = [
        {"ELEVE_ID": str(i), "PERSONNE_ID": f"P{i}", "NIVEAU_RESPONSABILITE": "1", "CODE_PARENTE": "10"}
        for i in range(1, count + 1)
    ]
    paths = [
        write(tmp_path / "e.xml", eleves_xml(students)),
        write(tmp_path / "r.xml", responsables_xml(persons, links)),
    ]
    sources = read_sources(paths)
    with db.transaction() as session:
        added = apply_import(session, sources, ImportOptions(today=TODAY)).added
    assert len(added) == count
    with db.read() as session:
        secret = session.scalars(select(School.secret)).one()
        youths = session.execute(select(Youth.id, Youth.siecle_id, Youth.ine, Youth.pseudonym)).all()
        parents = dict(session.execute(select(LegalRepresentative.youth_id, LegalRepresentative.last_name)).all())
    assert len(youths) == count
    for youth_id, siecle_id, ine, key in youths:
        assert key == pseudonym(secret, ine, youth_id)
        assert parents[youth_id] == f"PARENT{siecle_id}"
