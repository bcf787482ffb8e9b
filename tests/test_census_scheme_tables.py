"""The census import by school year: the national MEF table of the export's year (or the nearest), students
under either family's scheme MEF named with the campaign's scheme, pathways found by INE with both families."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from fixtures.siecle.builder import Student, eleves_xml, write
from pae_desktop.commands.import_ import format_preview
from pae_desktop.core import census as rules
from pae_desktop.core.models import Campaign, OriginalSchooling, Pathway, Youth
from pae_desktop.core.scheme import AVENIRPRO, PAE, scheme_of, store_scheme, with_values
from pae_desktop.core.services.campaigns import ensure_campaign
from pae_desktop.core.services.census import (
    ImportOptions,
    Outcome,
    apply_import,
    preview_import,
    read_sources,
)
from pae_desktop.core.services.census_reference import ImportReference

# (ANNEE_SCOLAIRE, the June export's date, the day the import runs)
JUNE_2025 = (2024, "03/06/2025", dt.date(2025, 6, 10))
JUNE_2026 = (2025, "03/06/2026", dt.date(2026, 6, 10))
JUNE_2027 = (2026, "03/06/2027", dt.date(2027, 6, 10))
JUNE_2028 = (2027, "03/06/2028", dt.date(2028, 6, 10))


def _export(tmp_path, students, when, name="eleves.xml"):
    school_year, export, _today = when
    return [write(tmp_path / name, eleves_xml(students, year=school_year, export=export))]


def _preview(db, paths, when, **options):
    with db.read() as session:
        return preview_import(session, read_sources(paths), ImportOptions(today=when[2], **options))


def _import(db, paths, when, **options):
    with db.transaction() as session:
        return apply_import(session, read_sources(paths), ImportOptions(today=when[2], **options)).preview


# --- the tables -------------------------------------------------------------------------------------------------


def test_the_three_school_years_are_bundled_and_each_lists_its_own_scheme_codes():
    assert rules.bundled_mef_years()[:3] == (2024, 2025, 2026)
    for year in (2024, 2025):
        assert {"7034150211", "7044150111"} <= rules.national_mefs(year).keys()
        assert not {"7034150311", "7044150211"} & rules.national_mefs(year).keys()
    table_2026 = rules.national_mefs(2026)
    assert table_2026["7044150211"].label == "AVENIR PRO PLUS NIVEAU 4"
    assert table_2026["7034150311"].mefstat4 == "4151"
    assert not {"7034150211", "7044150111"} & table_2026.keys()  # the PAE codes are gone from 2026-2027
    assert {"7034150311", "7044150211"} <= rules.known_mef_codes()
    assert {"7034150211", "7044150111"} <= rules.known_mef_codes()


@pytest.mark.parametrize(
    ("school_year", "table_year"),
    [(2024, 2024), (2025, 2025), (2026, 2026), (2027, 2026), (2031, 2026), (2019, 2024), (None, 2026)],
)
def test_a_school_year_without_a_table_reads_the_nearest(school_year, table_year):
    assert rules.mef_table_year(school_year) == table_year
    assert rules.national_mefs(school_year) is rules.national_mefs(table_year)  # read once per table


def test_labels_and_detection_come_from_the_export_s_table():
    # a «prépa-pro» MEF opened on 01/09/2026: only the 2026-2027 table knows it
    with_2026 = rules.detect("24625520210", national=rules.national_mefs(2026))
    with_2025 = rules.detect("24625520210", national=rules.national_mefs(2025))
    assert (with_2026.label, with_2026.method) == (
        "PREPRO METIERS ELECT. ENVIRON. CONNECTES",
        rules.Method.MEFSTAT,
    )
    assert (with_2025.label, with_2025.method) == ("", rules.Method.MEF)
    scheme_2026 = rules.detect("70441502110", national=rules.national_mefs(2026))
    assert (scheme_2026.pae, scheme_2026.label) == (True, "AVENIR PRO PLUS NIVEAU 4")


def test_the_stored_label_of_a_final_year_is_the_one_of_the_export_s_year(db, tmp_path):
    # the 2026-2027 table writes «ENFANCEet PERSONNES», the 2025-2026 one «ENFANCE PERSONNES»
    student = Student("1", "ANIMATION", "Lou", ine="090123456CA", mef="24733006330", division="TASSP")
    _import(db, _export(tmp_path, [student], JUNE_2026, "a.xml"), JUNE_2026)
    _import(db, _export(tmp_path, [student], JUNE_2027, "b.xml"), JUNE_2027)
    with db.read() as session:
        labels = dict(
            session.execute(
                select(Campaign.year, OriginalSchooling.mef_label)
                .join(Youth, Youth.campaign_id == Campaign.id)
                .join(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
            ).all()
        )
    assert labels == {
        2026: "TLEPRO ANIMAT. ENFANCE PERSONNES AGEES",
        2027: "TLEPRO ANIMAT. ENFANCEet PERSONNES AGEES",
    }


def test_the_preview_says_which_table_was_used(db, tmp_path):
    students = [Student("1", "DURANDEAU", "Kylian", ine="090123456CA")]
    own = _preview(db, _export(tmp_path, students, JUNE_2027), JUNE_2027)
    assert own.mef_table == "Table nationale des MEF 2026-2027"
    assert not any("table nationale" in w.lower() for w in own.warnings)
    assert own.table_sentence == "Terminales reconnues d'après la table nationale des MEF 2026-2027."
    assert own.table_sentence in format_preview(own)


def test_an_export_of_a_year_without_a_table_is_imported_with_the_newest_and_says_so(db, tmp_path):
    students = [Student("1", "DURANDEAU", "Kylian", ine="090123456CA")]
    paths = _export(tmp_path, students, JUNE_2028)
    preview = _preview(db, paths, JUNE_2028)
    assert preview.campaign_year == 2028
    assert preview.mef_table == "Table nationale des MEF 2026-2027"
    (warning,) = [w for w in preview.warnings if "table nationale" in w.lower()]
    assert warning.startswith(
        "Aucune table nationale des MEF 2027-2028 n'est fournie avec cette version : la plus récente, "
        "table nationale des MEF 2026-2027, a été utilisée à sa place."
    )
    assert f"Attention : {warning}" in format_preview(preview)
    assert [row.name for row in preview.rows_of(Outcome.ADDED)] == ["DURANDEAU Kylian"]  # a warning only
    _import(db, paths, JUNE_2028)
    with db.read() as session:
        assert session.scalar(select(func.count(Youth.id))) == 1


# --- «already in the scheme» ------------------------------------------------------------------------------------

SCHEME_STUDENTS = [
    Student("1", "NOUVEAU", "Code", ine="060437677BG", mef="70441502110", division="APRO"),  # 7044150211
    Student("2", "ANCIEN", "Code", ine="070437677BG", mef="70341502110", division="PAE"),  # 7034150211
    Student("3", "TERMINALE", "Élève", ine="090123456CA"),
]


@pytest.mark.parametrize(
    ("when", "campaign_year", "name"),
    [(JUNE_2026, 2026, "AvenirPro+"), (JUNE_2025, 2025, "Parcours Ambition Emploi")],
)
def test_students_under_either_family_never_enter_and_are_named_with_the_campaign_s_scheme(
    db, tmp_path, when, campaign_year, name
):
    paths = _export(tmp_path, SCHEME_STUDENTS, when)
    preview = _import(db, paths, when)
    assert preview.campaign_year == campaign_year
    assert preview.scheme_name == name
    in_scheme = {row.name: row.detail for row in preview.rows_of(Outcome.PAE)}
    assert in_scheme == {
        "NOUVEAU Code": f"Inscrit en {name} sans parcours",
        "ANCIEN Code": f"Inscrit en {name} sans parcours",
    }
    assert preview.outcome_label(Outcome.PAE) == f"Inscrit en {name}"
    assert preview.outcome_label(Outcome.PAE, plural=True) == f"Inscrits en {name}"
    assert preview.outcome_label(Outcome.ADDED) == "À ajouter"
    lines = format_preview(preview)
    assert f"Inscrits en {name} :" in lines
    assert any(f"Inscrits en {name} : 2" in line for line in lines)
    assert not any("en PAE" in line for line in lines)
    with db.read() as session:
        assert session.scalars(select(Youth.last_name)).all() == ["TERMINALE"]


def test_the_campaign_s_own_codes_put_a_student_in_the_scheme(db, tmp_path):
    with db.transaction() as session:
        campaign = ensure_campaign(session, 2026)
        store_scheme(
            campaign, with_values(scheme_of(campaign), name="AvenirPro+ lycée", n4_code="2472552033")
        )
    students = [Student("1", "A", "B"), Student("2", "C", "D", mef="24122146220", division="2CAPCUI")]
    preview = _preview(db, _export(tmp_path, students, JUNE_2026), JUNE_2026)
    outcomes = {row.name: (row.outcome, row.detail) for row in preview.rows}
    assert outcomes == {
        "A B": (Outcome.PAE, "Inscrit en AvenirPro+ lycée sans parcours"),
        "C D": (Outcome.ADDED, ""),
    }


def test_pathways_are_found_by_ine_under_both_families(db, tmp_path):
    """Campaign 2026's youths in pathway, then the June 2027 export: one under the new code, one still under
    the old one; both pathways are found and noted as entered in SIECLE."""
    first = [
        Student("1", "NOUVEAU", "Code", ine="060437677BG"),
        Student("2", "ANCIEN", "Code", ine="070437677BG"),
    ]
    _import(db, _export(tmp_path, first, JUNE_2026, "juin2026.xml"), JUNE_2026)
    with db.transaction() as session:
        for youth in session.scalars(select(Youth)):
            assert youth.campaign.year == 2026 and scheme_of(youth.campaign) == AVENIRPRO
            session.add(
                Pathway(
                    youth_id=youth.id,
                    mef_code=AVENIRPRO.n4.code,
                    start_date=dt.date(2026, 9, 14),
                    planned_end=dt.date(2026, 12, 31),
                )
            )
    preview = _import(db, _export(tmp_path, SCHEME_STUDENTS, JUNE_2027, "juin2027.xml"), JUNE_2027)
    assert preview.scheme_name == "AvenirPro+"
    details = {row.name: row.detail for row in preview.rows_of(Outcome.PAE)}
    assert details == {
        "NOUVEAU Code": "parcours trouvé : inscription dans SIECLE notée",
        "ANCIEN Code": "parcours trouvé : inscription dans SIECLE notée",
    }
    with db.read() as session:
        entered = session.execute(select(Pathway.siecle_entered, Pathway.siecle_entered_on)).all()
        assert entered == [(True, dt.date(2027, 6, 3))] * 2


def test_the_2025_campaign_keeps_its_name_when_2026_is_renamed(db, tmp_path):
    with db.transaction() as session:
        ensure_campaign(session, 2025)
        renamed = ensure_campaign(session, 2026)
        store_scheme(renamed, with_values(AVENIRPRO, name="AvenirPro+ (académie)"))
        assert scheme_of(ensure_campaign(session, 2025)) == PAE
    old = _preview(db, _export(tmp_path, SCHEME_STUDENTS, JUNE_2025, "a.xml"), JUNE_2025)
    new = _preview(db, _export(tmp_path, SCHEME_STUDENTS, JUNE_2026, "b.xml"), JUNE_2026)
    assert (old.scheme_name, new.scheme_name) == ("Parcours Ambition Emploi", "AvenirPro+ (académie)")


def test_the_warning_names_the_nearest_table_for_an_older_year_and_says_when_none_is_bundled():
    older = ImportReference(2019, 2024, None).table_warning
    assert older.startswith(
        "Aucune table nationale des MEF 2019-2020 n'est fournie avec cette version : la plus proche, "
        "table nationale des MEF 2024-2025, a été utilisée à sa place."
    )
    assert ImportReference(2026, 2026, None).table_warning == ""
    assert ImportReference(2026, None, None).table_warning.startswith(
        "Aucune table nationale des MEF n'est fournie avec l'application"
    )
    assert ImportReference(2026, None, None).national == {}
