"""Every public sample of `shared/reference/siecle/samples/` handled as NOTES.md §14 says."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from fixtures.siecle.builder import Student, eleves_xml, write
from pae_desktop.core.errors import UserError
from pae_desktop.core.services.census import (
    ImportOptions,
    Outcome,
    apply_import,
    preview_import,
    read_sources,
)
from pae_desktop.io import siecle

SAMPLES = Path(__file__).resolve().parent / "fixtures" / "siecle" / "samples"


def sample(name: str) -> Path:
    return SAMPLES / name


def _preview(db, *paths: Path, **options):
    sources = read_sources(paths)
    with db.read() as session:
        return preview_import(session, sources, ImportOptions(**options))


def test_eleves_avec_adresse_simple_is_refused_at_line_139_column_8(db):
    with pytest.raises(UserError) as refused:
        _preview(db, sample("eleves_avec_adresse_simple.xml"))
    assert str(refused.value) == (
        "Le fichier « eleves_avec_adresse_simple.xml » est mal formé à la ligne 139, colonne 8 : balise de "
        "fermeture qui ne correspond pas à la balise ouverte. Refaites l'export depuis SIECLE."
    )


def test_the_same_sample_repaired_reads_with_its_iso_8859_15_content(tmp_path):
    data = (
        sample("eleves_avec_adresse_simple.xml")
        .read_bytes()
        .replace(b"<STRICTURES_ELEVE", b"<STRUCTURES_ELEVE")
    )
    repaired = tmp_path / "eleves.xml"
    repaired.write_bytes(data)
    (source,) = read_sources([repaired]).files
    students = {s.eleve_id: s for s in source.siecle.students}
    assert source.params.uai == "0752387M"
    assert students["1826500"].division == "3 A"
    assert students["1559191"].division == "TS3"
    assert students["1559191"].elenoet == "8194"  # the attribute wins over the inconsistent child
    assert students["1559191"].all_ines == ("060375611AC", "0113014881M")
    assert students["1826500"].first_names == "FArid Keita"


def test_double_structure_has_no_final_year_student(db):
    with pytest.raises(
        UserError, match=r"^Aucun élève de terminale dans ce fichier : export postérieur à la bascule \?$"
    ):
        _preview(db, sample("eleves_avec_adresse_avec_double_structure.xml"))
    (source,) = read_sources([sample("eleves_avec_adresse_avec_double_structure.xml")]).files
    (student,) = source.siecle.students
    assert (student.division, student.groups) == ("301", ("_301P1",))  # the D structure, not the first one


def test_responsables_alone_are_refused_clearly(db):
    with pytest.raises(
        UserError, match="Aucun élève de ce fichier de responsables n'est dans le recensement"
    ):
        _preview(db, sample("responsables_avec_adresses_simple.xml"))


def test_responsables_with_their_students_attach_contacts(db, tmp_path):
    students = [
        Student("610308", "ROCK", "Léo", ine="090123456CA"),
        Student("610305", "LOVELACE", "Byron", mef="24122146220", division="2CAPCUI"),
    ]
    eleves = write(tmp_path / "ElevesSansAdresses.xml", eleves_xml(students, uai="0140070A", year=2025))
    responsables = tmp_path / "responsables.xml"
    # the sample is of school year 2018-2019: bring it to the students' year, nothing else changed
    shutil.copy(sample("responsables_avec_adresses_simple.xml"), responsables)
    responsables.write_bytes(
        responsables.read_bytes().replace(b"<ANNEE_SCOLAIRE>2018<", b"<ANNEE_SCOLAIRE>2025<")
    )
    sources = read_sources([eleves, responsables])
    with db.transaction() as session:
        preview = apply_import(session, sources, ImportOptions(today=dt.date(2026, 6, 10))).preview
        assert preview.count(Outcome.ADDED) == 2
        from sqlalchemy import select

        from pae_desktop.core.models import Youth

        rock = session.scalars(select(Youth).where(Youth.last_name == "ROCK")).one()
        assert [(r.civility, r.last_name, r.link, r.phone, r.city) for r in rock.representatives] == [
            ("Mme", "ROCK", "10", "07 64 44 42 88", "MEZIDON VALLEE D AUGE"),
            ("Mme", "TRUC", "10", "07 68 66 66 68", "MEZIDON VALLEE D AUGE"),
        ]
        assert rock.representatives[0].phone_raw == "+33764444288"
        lovelace = session.scalars(select(Youth).where(Youth.last_name == "LOVELACE")).one()
        assert [r.first_name for r in lovelace.representatives] == ["Ada"]


@pytest.mark.parametrize(
    "name",
    ["nomenclature_tout_niveau.xml", "nomenclature_simple.xml", "nomenclature_code_modalite_elec_double.xml"],
)
def test_nomenclatures_are_read_as_mef_tables_and_add_nobody(db, name):
    (source,) = read_sources([sample(name)]).files
    assert source.siecle.kind == siecle.NOMENCLATURES
    assert source.siecle.mefs
    assert all(len(code) == 10 for code in source.siecle.mefs)
    with pytest.raises(UserError, match="Aucun fichier d'élèves parmi les fichiers choisis"):
        _preview(db, sample(name))


def test_tout_niveau_mefstat_codes():
    (source,) = read_sources([sample("nomenclature_tout_niveau.xml")]).files
    assert {code: mef.mefstat4 for code, mef in source.siecle.mefs.items()} == {
        "1001001211": "2111",
        "1011000111": "2112",
        "1021000111": "2115",
        "1031001911": "2116",
    }


def test_elevescomplete_xls_is_read_but_has_no_final_year_student(db):
    (source,) = read_sources([sample("test_import_siecle.xls")]).files
    table = source.table
    assert table.kind == "xls"
    assert len(table.rows) == 5
    mapping = source.guessed_mapping
    assert {"last_name", "first_name", "birth_date", "ine", "division", "mef_code", "mef_label"} <= set(
        mapping
    )
    with pytest.raises(UserError, match=r"^Aucun élève de terminale dans ce fichier"):
        _preview(db, sample("test_import_siecle.xls"))


def test_elevescomplete_rows_become_students():
    from pae_desktop.io.spreadsheet import records_from_table

    (source,) = read_sources([sample("test_import_siecle.xls")]).files
    records = records_from_table(source.table, source.guessed_mapping)
    first, *_rest, last = records
    assert (first.last_name, first.first_names, first.ine) == (
        "NOM_TEST",
        "Prenom_test Prenom_test_2 Prenom_test_3",
        "080788316HE",
    )
    assert first.birth_date == dt.date(1990, 11, 19)  # an Excel date cell, 1904 date system
    assert first.sex == "M"
    assert (last.last_name, last.birth_date, last.leave_date) == (
        "ATAO",
        dt.date(2003, 2, 17),
        dt.date(2017, 9, 4),
    )
    assert last.mef_code == "10310019110"
    assert [(r.first_name, r.link, r.phone_mobile) for r in last.representatives] == [
        ("Margrette", "10", "06 74 81 61 16"),
        ("Kenniston", "20", "06 50 33 44 95"),
    ]


@pytest.mark.parametrize(
    "name",
    [
        "pix-siecle-with-two-valid-students-and-school-year.xml",
        "pix-siecle-with-registrations-no-longer-in-school.xml",
    ],
)
def test_pix_samples_are_refused_for_their_invalid_uai(db, name):
    with pytest.raises(UserError, match=r"porte un UAI invalide\. L'UAI « 123ABC » doit compter 7 chiffres"):
        _preview(db, sample(name))


def test_pix_sample_content_is_read_in_iso_8859_15():
    (source,) = read_sources([sample("pix-siecle-with-registrations-no-longer-in-school.xml")]).files
    students = {s.eleve_id: s for s in source.siecle.students}
    assert students["0003"].first_names == "Grégory"
    assert students["0003"].ine == ""
    assert students["0002"].division == "Inactifs"
    assert students["0004"].division == ""  # only a group
    assert students["0005"].leave_date == dt.date(2019, 9, 1)
    assert source.params.school_year is None
