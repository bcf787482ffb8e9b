"""Spreadsheets: CSV encodings and delimiters, XLSX, the synonym mapping, and their import with a school set up."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import OriginalSchooling, Youth
from pae_desktop.core.services.census import (
    ImportOptions,
    Outcome,
    apply_import,
    preview_import,
    read_sources,
)
from pae_desktop.io.spreadsheet import (
    FIELD_BY_KEY,
    guess_mapping,
    missing_required,
    normalise_header,
    read_csv,
    records_from_table,
)

ROWS = [
    ["Nom", "Prénom", "Né(e) le", "Sexe", "N° INE", "Classe", "Formation", "Tél. Portable"],
    ["CŒURDEROI", "Zoé", "14/03/2007", "F", "090123456CA", "TBP-MELEC", "TLE PRO MELEC", "06 12 34 56 78"],
    ["DURAND", "Théo", "02/11/2006", "M", "080654321BF", "TCAP-CUI", "2CAP2 CUISINE", "+33 6 00 00 00 01"],
    ["LEGRAND", "Ève", "21/05/2007", "F", "", "2NDPRO", "2NDPRO MELEC", ""],
]


def _text(rows, delimiter=";"):
    return "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"


@pytest.mark.parametrize(
    ("encoding", "bom", "delimiter", "label"),
    [
        ("utf-8", False, ";", "UTF-8"),
        ("utf-8", True, ",", "UTF-8 (BOM)"),
        ("cp1252", False, ";", "Windows-1252"),
        ("cp1252", False, "\t", "Windows-1252"),
    ],
)
def test_csv_encodings_and_delimiters(encoding, bom, delimiter, label):
    rows = [[cell.replace("Œ", "OE") for cell in row] for row in ROWS] if encoding == "cp1252" else ROWS
    data = (b"\xef\xbb\xbf" if bom else b"") + _text(rows, delimiter).encode(encoding)
    table = read_csv(data, "liste.csv")
    assert (table.encoding, table.delimiter) == (label, delimiter)
    assert table.headers == ROWS[0]
    assert table.rows[1][1] == "Théo"
    assert len(table.rows) == 3
    assert table.line_of(0) == 2


def test_cp1252_oe_ligature():
    data = _text(ROWS).encode("cp1252")  # Windows-1252 has «Œ» (0x8C), unlike Latin-1
    assert read_csv(data, "x.csv").rows[0][0] == "CŒURDEROI"


def test_excel_wrappers_and_blank_lines_are_cleaned():
    data = 'Nom;Prénom;Code MEF\n\n="DUPONT";Léa;="24725520330"\n;;\n'.encode()
    table = read_csv(data, "x.csv")
    assert table.rows == [["DUPONT", "Léa", "24725520330"]]


@pytest.mark.parametrize(
    ("header", "key"),
    [
        ("Id National", "ine"),
        ("N° INE", "ine"),
        ("N_NATIONAL", "ine"),
        ("Identifiant national", "ine"),
        ("Nom de famille", "last_name"),
        ("NOM", "last_name"),
        ("Date Naissance", "birth_date"),
        ("NE(E) LE", "birth_date"),
        ("Né(e) le", "birth_date"),
        ("date de naissance ", "birth_date"),
        ("DIV.", "division"),
        ("Code Structure", "division"),
        ("Classe", "division"),
        ("Code MEF", "mef_code"),
        ("MEF", "mef_code"),
        ("Lib. MEF", "mef_label"),
        ("Formation", "mef_label"),
    ],
)
def test_synonyms_of_notes_6_3(header, key):
    mapping = guess_mapping(["Prénom", header])
    assert mapping[key] == 1


def test_headers_fold_case_accents_punctuation_and_trailing_spaces():
    assert normalise_header("  Ligne Adresse 1 Repr. Lég. ") == "ligne adresse 1 repr leg"
    assert normalise_header("N° INE") == "n ine"


def test_a_column_serves_once_and_required_fields_are_named():
    mapping = guess_mapping(["Nom", "Nom de famille", "INE"])
    assert mapping["last_name"] == 1
    assert missing_required(mapping) == ["Prénom"]
    assert FIELD_BY_KEY["last_name"].required


def test_records_from_a_mapped_table():
    table = read_csv(_text(ROWS).encode(), "liste.csv")
    records = records_from_table(table, guess_mapping(table.headers))
    zoe = records[0]
    assert (zoe.ref, zoe.last_name, zoe.first_names, zoe.sex, zoe.ine) == (
        "ligne 2",
        "CŒURDEROI",
        "Zoé",
        "F",
        "090123456CA",
    )
    assert (zoe.birth_date, zoe.division, zoe.mef_label, zoe.phone_mobile) == (
        dt.date(2007, 3, 14),
        "TBP-MELEC",
        "TLE PRO MELEC",
        "06 12 34 56 78",
    )
    assert zoe.representatives is None


def test_a_mapping_chosen_by_the_user_wins(tmp_path):
    path = tmp_path / "liste.csv"
    path.write_text("A;B;C\nDUPONT;Léa;14/03/2007\n", encoding="utf-8")
    (source,) = read_sources([path]).files
    assert missing_required(source.guessed_mapping) == ["Nom de famille", "Prénom"]
    records = records_from_table(source.table, {"last_name": 0, "first_name": 1, "birth_date": 2})
    assert (records[0].last_name, records[0].birth_date) == ("DUPONT", dt.date(2007, 3, 14))


def _xlsx(path, rows):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def test_xlsx_with_real_dates_and_numbers(tmp_path):
    path = _xlsx(
        tmp_path / "ElevesComplete.xlsx",
        [
            ["Nom de famille", "Prénom", "Date Naissance", "Code MEF", "Code Structure", "Elève No Etab"],
            ["DUPONT", "Léa", dt.datetime(2007, 3, 14), "24725520330", "TMELEC", 1204],
        ],
    )
    (source,) = read_sources([path]).files
    assert source.table.kind == "xlsx"
    (record,) = records_from_table(source.table, source.guessed_mapping)
    assert (record.birth_date, record.mef_code, record.elenoet) == (
        dt.date(2007, 3, 14),
        "24725520330",
        "1204",
    )


def test_spreadsheet_import_with_label_classes_to_confirm(school_db, tmp_path):
    path = tmp_path / "pronote.csv"
    path.write_bytes(_text(ROWS).encode("utf-8"))
    sources = read_sources([path])
    with school_db.read() as session:
        preview = preview_import(
            session, sources, ImportOptions(campaign_year=2025, confirmed_classes=frozenset())
        )
    assert [(c.division, c.label, c.diploma, c.students, c.confirmed) for c in preview.label_classes] == [
        ("TBP-MELEC", "TLE PRO MELEC", "Bac pro", 1, False),
        ("TCAP-CUI", "2CAP2 CUISINE", "CAP", 1, False),
    ]
    assert preview.count(Outcome.ADDED) == 0
    assert {r.detail for r in preview.rows_of(Outcome.NOT_CONCERNED)} == {
        "classe reconnue par libellé, non confirmée"
    }
    with school_db.transaction() as session:
        applied = apply_import(
            session, sources, ImportOptions(campaign_year=2025, confirmed_classes=frozenset({"TCAP-CUI"}))
        ).preview
    assert [r.name for r in applied.rows_of(Outcome.ADDED)] == ["DURAND Théo"]
    with school_db.read() as session:
        theo = session.scalars(select(Youth)).one()
        assert (theo.phone, theo.siecle_id) == ("06 00 00 00 01", "tableur")
        assert session.scalars(select(OriginalSchooling.detected_by)).one() == "libellé"
    with school_db.transaction() as session:  # the CLI's --yes: every class recognised by label accepted
        applied = apply_import(session, sources, ImportOptions(campaign_year=2025)).preview
    assert [r.name for r in applied.rows_of(Outcome.ADDED)] == ["CŒURDEROI Zoé"]
    assert [r.name for r in applied.rows_of(Outcome.UNCHANGED)] == ["DURAND Théo"]


def test_spreadsheet_needs_a_campaign(school_db, tmp_path):
    path = tmp_path / "liste.csv"
    path.write_bytes(_text(ROWS).encode("utf-8"))
    with school_db.read() as session, pytest.raises(UserError, match="Campagne inconnue"):
        preview_import(session, read_sources([path]))
