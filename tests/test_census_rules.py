"""The census rule as table tests: final-year detection (MEFSTAT4, MEF digits, labels) and who enters."""

from __future__ import annotations

import datetime as dt

import pytest

from pae_desktop.core.census import (
    MefRef,
    Method,
    Status,
    census_status,
    detect,
    detect_label,
    diploma_of_label,
    duplicated,
    left_during_year,
    national_mefs,
    row_problems,
    speciality_of,
)
from pae_desktop.core.vocabulary import Diploma

NATIONAL = national_mefs(2025)  # the table of school year 2025-2026, which still lists the PAE codes

# (SIECLE CODE_MEF, expected diploma, expected method) — real BCN codes with SIECLE's trailing character.
BCN_CASES = [
    ("24725520330", Diploma.BAC_PRO, Method.MEFSTAT),  # TLEPRO MELEC (2383)
    ("24733007330", Diploma.BAC_PRO, Method.MEFSTAT),  # TLEPRO ASSP
    ("24725520320", None, Method.MEFSTAT),  # 1ERPRO
    ("24122146220", Diploma.CAP, Method.MEFSTAT),  # 2CAP2 CUISINE (2322)
    ("24122146210", None, Method.MEFSTAT),  # 1CAP2 CUISINE
    ("24022146110", Diploma.CAP, Method.MEFSTAT),  # 1CAP1 CUISINE (2311)
    ("24222146330", Diploma.CAP, Method.MEFSTAT),  # 3CAP3 CUISINE (2333)
    ("24131224220", Diploma.CAP, Method.MEFSTAT),  # 2CAP2 EPC
    ("25122313220", Diploma.BMA, Method.MEFSTAT),  # 2BMA2 ARMURERIE (23C2)
    ("25022313110", Diploma.BMA, Method.MEFSTAT),  # 1BMA1 ARMURERIE (23B1)
    ("25122313210", None, Method.MEFSTAT),  # 1BMA2 (23C1)
    ("22232306110", Diploma.DTMS, Method.MEFSTAT),  # TBT TEC.MET.SPEC:MACHINIST (2213, dispositif 222)
    ("22224210110", Diploma.DTMS, Method.MEFSTAT),  # TBT TEC.MET.SPEC:HABILLAGE
    ("22232305110", None, Method.MEFSTAT),  # TBT BREVET ARTIST. CIRQUE: 2213 but not DTMS
    ("22132306110", None, Method.MEFSTAT),  # 1BT: never terminal
    ("10310019110", None, Method.MEF),  # 3EME (not in the lycée pro table): digits
    ("20211011110", None, Method.MEF),  # terminale générale: digits, dispositif 202
]


@pytest.mark.parametrize(("code", "diploma", "method"), BCN_CASES)
def test_detection_from_the_national_table(code, diploma, method):
    detection = detect(code, national=NATIONAL)
    assert (detection.diploma, detection.method, detection.pae) == (diploma, method, False)
    assert detection.mef_code == code[:10]


@pytest.mark.parametrize(
    ("code", "diploma"),
    [
        ("24099999110", Diploma.CAP),  # CAP 1 an, unknown speciality
        ("24199999220", Diploma.CAP),
        ("24199999210", None),
        ("24299999330", Diploma.CAP),
        ("24299999320", None),
        ("27199999220", Diploma.CAP),  # CAPA
        ("24799999330", Diploma.BAC_PRO),
        ("24799999320", None),
        ("27699999330", Diploma.BAC_PRO),  # bac pro agricole
        ("24599999110", Diploma.BAC_PRO),
        ("24699999220", Diploma.BAC_PRO),
        ("25099999110", Diploma.BMA),
        ("25199999220", Diploma.BMA),
        ("22232306110", Diploma.DTMS),
        ("22299999110", None),  # terminale BT that is not «TEC.MET.SPEC»
        ("22132306110", None),  # 1ère BT: durée = année = 1, never terminal
        ("11099999220", None),  # 3e prépa-métiers
    ],
)
def test_detection_from_the_mef_digits_when_no_table_knows_the_code(code, diploma):
    detection = detect(code)  # no nomenclature, no national table
    assert detection.diploma == diploma
    assert detection.method is Method.MEF


@pytest.mark.parametrize("code", ["70341502110", "70441501110", "7034150211", "70499999990"])
def test_pae_mefs(code):
    detection = detect(code, national=NATIONAL)
    assert detection.pae is True
    assert detection.final_year is False


def test_scheme_mefs_are_the_codes_given():
    assert detect("12345678900", pae_codes=("1234567890",)).pae is True
    assert detect("70341502110", pae_codes=("1234567890",), national=NATIONAL).pae is True  # MEFSTAT4 4151


def test_a_local_mef_is_read_through_its_rattachement():
    local = {
        "9990000111": MefRef("9990000111", "TLE PRO LOCALE", "", attached_to="2472552033"),
        "2472552033": MefRef("2472552033", "TLEPRO METIERS ELECT. ENVIRON. CONNECTES", "2383"),
    }
    assert detect("99900001110").diploma is None  # alone, its digits say nothing
    detection = detect("99900001110", local=local)
    assert (detection.diploma, detection.method, detection.mef_code) == (
        Diploma.BAC_PRO,
        Method.MEFSTAT,
        "2472552033",
    )
    assert detection.label == "TLEPRO METIERS ELECT. ENVIRON. CONNECTES"


def test_rattachement_to_a_national_mef_absent_from_the_nomenclature():
    local = {"9990000111": MefRef("9990000111", "2CAP LOCAL", "", attached_to="2412214622")}
    detection = detect("99900001110", local=local, national=NATIONAL)
    assert detection.diploma is Diploma.CAP
    assert detection.mef_code == "2412214622"


def test_the_nomenclature_mefstat_wins_over_the_digits():
    # A local code whose digits look like a terminale bac pro, declared as a 1st year by its MEFSTAT.
    local = {"2479999933": MefRef("2479999933", "1ERPRO LOCAL", "2382")}
    assert detect("24799999330", local=local).diploma is None
    assert detect("24799999330").diploma is Diploma.BAC_PRO


LABEL_CASES = [
    ("TLEPRO METIERS ELECT. ENVIRON. CONNECTES", Diploma.BAC_PRO),
    ("Tle pro métiers du commerce", Diploma.BAC_PRO),
    ("TERMINALE PROFESSIONNELLE ASSP", Diploma.BAC_PRO),
    ("TERM PRO MV", Diploma.BAC_PRO),
    ("TBACPRO2 MRC", Diploma.BAC_PRO),
    ("2CAP2  CUISINE", Diploma.CAP),
    ("3CAP3 AGENT ACCOMPAGNANT AU GRAND AGE", Diploma.CAP),
    ("1CAP1 CUISINE", Diploma.CAP),
    ("CAP EN 1 AN", Diploma.CAP),
    ("CAP cuisine 2ème année", Diploma.CAP),
    ("2BMA2 ARMURERIE", Diploma.BMA),
    ("TBT    TEC.MET.SPEC:MACHINIST.CONST(DIP)", Diploma.DTMS),
    ("1ERPRO METIERS ELECT.", None),
    ("2NDPRO MELEC", None),
    ("1CAP2 CUISINE", None),
    ("TERMINALE GENERALE", None),
    ("TBT    BREVET ARTIST.TECHN. CIRQUE (DIP)", None),
    ("", None),
]


@pytest.mark.parametrize(("label", "diploma"), LABEL_CASES)
def test_labels(label, diploma):
    assert diploma_of_label(label) == diploma


def test_labels_are_the_last_resort_class_names_included():
    assert detect("", "TLE PRO MELEC").method is Method.LABEL
    assert detect("12341234", "TLE PRO MELEC").diploma is Diploma.BAC_PRO  # not a MEF: the label decides
    by_class = detect_label("", "TBP-MELEC")
    assert (by_class.diploma, by_class.method) == (Diploma.BAC_PRO, Method.LABEL)
    assert detect("", "", class_name="TCAP-CUI").diploma is Diploma.CAP
    assert detect("", "", class_name="3 A").final_year is False
    # a real MEF code is decisive: its label is not consulted
    assert detect("24725520320", "TLE PRO", national=NATIONAL).final_year is False


@pytest.mark.parametrize(
    ("label", "speciality"),
    [
        ("TLEPRO METIERS ELECT. ENVIRON. CONNECTES", "METIERS ELECT. ENVIRON. CONNECTES"),
        ("2CAP2 CUISINE", "CUISINE"),
        ("TBT TEC.MET.SPEC:MACHINIST.CONST(DIP)", "TEC.MET.SPEC:MACHINIST.CONST(DIP)"),
        ("CUISINE", "CUISINE"),
        ("", ""),
    ],
)
def test_speciality(label, speciality):
    assert speciality_of(label) == speciality


EXPORT = dt.date(2026, 6, 3)
CUTOFF = dt.date(2026, 6, 1)


@pytest.mark.parametrize(
    ("leave", "left"),
    [
        (None, False),
        (dt.date(2026, 1, 15), True),  # left during the year
        (dt.date(2026, 5, 31), True),
        (dt.date(2026, 6, 1), False),  # on the cut-off: not «before» it
        (dt.date(2026, 6, 2), False),
        (dt.date(2026, 7, 4), False),  # the end-of-year exit of the whole cohort
    ],
)
def test_left_during_year(leave, left):
    assert left_during_year(leave, EXPORT, CUTOFF) is left


def test_a_leave_date_after_an_early_export_never_excludes():
    early_export = dt.date(2026, 1, 10)
    assert left_during_year(dt.date(2026, 1, 15), early_export, CUTOFF) is False


FINAL = detect("24725520330", national=NATIONAL)
PAE = detect("70441501110", national=NATIONAL)
SECONDE = detect("24725520310", national=NATIONAL)


@pytest.mark.parametrize(
    ("detection", "status", "division", "leave", "expected"),
    [
        (FINAL, "ST", "TMELEC", None, Status.ENTERS),
        (FINAL, "", "TMELEC", None, Status.ENTERS),
        (FINAL, "AP", "TMELEC", None, Status.APPRENTICE),
        (FINAL, "ST", "", None, Status.NO_CLASS),
        (FINAL, "ST", "Inactifs", None, Status.INACTIVE),
        (FINAL, "ST", "INACTIFS", None, Status.INACTIVE),
        (FINAL, "ST", "TMELEC", dt.date(2026, 1, 15), Status.LEFT),
        (FINAL, "AP", "", dt.date(2026, 1, 15), Status.LEFT),
        (FINAL, "ST", "TMELEC", dt.date(2026, 7, 4), Status.ENTERS),
        (SECONDE, "ST", "2MELEC", None, Status.NOT_FINAL),
        (PAE, "ST", "PAE", None, Status.PAE),
        (PAE, "ST", "", dt.date(2025, 12, 31), Status.PAE),
    ],
)
def test_census_status(detection, status, division, leave, expected):
    assert census_status(detection, status, division, leave, EXPORT, CUTOFF) is expected


def test_row_problems():
    assert row_problems("DUPONT", "Léa") == []
    assert row_problems("", "Léa") == ["Nom de famille manquant"]
    assert row_problems("DUPONT", " ") == ["Prénom manquant"]
    assert row_problems("", "", ["Date de naissance impossible : 31/02/2007"]) == [
        "Nom de famille manquant",
        "Prénom manquant",
        "Date de naissance impossible : 31/02/2007",
    ]


@pytest.mark.parametrize(
    ("birth", "reason"),
    [
        (dt.date(2007, 3, 14), None),
        (dt.date(2107, 3, 12), "Date de naissance dans le futur : 12/03/2107"),
        (dt.date(1, 1, 1), "Date de naissance antérieure à 1900 : 01/01/0001"),
        (dt.date(1899, 12, 31), "Date de naissance antérieure à 1900 : 31/12/1899"),
    ],
)
def test_implausible_birth_dates_reject_the_row(birth, reason):
    assert row_problems("DUPONT", "Léa", (), birth, dt.date(2026, 6, 10)) == ([reason] if reason else [])


def test_duplicated_values_ignore_empty_ones():
    assert duplicated(["A", "B", "A", "", "", "C"]) == {"A"}


def test_the_national_table_ships_with_the_application():
    assert len(NATIONAL) > 1400
    assert NATIONAL["2472552033"].mefstat4 == "2383"
    assert NATIONAL["7034150211"].mefstat4 == "4151"
