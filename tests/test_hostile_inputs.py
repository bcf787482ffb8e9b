"""Hostile inputs across the youth form, the exports and the PDFs: a French refusal, or a safe output."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from sqlalchemy import func, select

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Pathway, Youth
from pae_desktop.core.services.campaigns import require_campaign
from pae_desktop.core.services.youths import RepresentativeForm, YouthForm, save_youth
from pae_desktop.io import foquale
from pae_desktop.io.report_xlsx import table_workbook
from pdf_text import pdf_text

TODAY = dt.date(2026, 11, 26)
LONG = "A" * 10_000


def form(**changes) -> YouthForm:
    values = {"last_name": "Martin", "first_names": "Léa", "birth_date": dt.date(2007, 3, 4)}
    values.update(changes)
    return YouthForm(**values)


# (case, form fields, expected French message)
REFUSED = [
    ("nom de 10 000 caractères", {"last_name": LONG}, "Ce champ est limité à 100 caractères."),
    ("prénom de 10 000 caractères", {"first_names": LONG}, "Ce champ est limité à 200 caractères."),
    ("nom d'usage de 10 000 caractères", {"usage_name": LONG}, "Ce champ est limité à 100 caractères."),
    ("notes de 10 001 caractères", {"notes": "x" * 10_001}, "Les notes sont limitées à"),
    ("caractère de contrôle dans le nom", {"last_name": "Mar\x07tin"}, "caractères de contrôle"),
    ("retour chariot dans le prénom", {"first_names": "Léa\r\nBis"}, "caractères de contrôle"),
    ("octet nul dans le nom", {"last_name": "Mar\x00tin"}, "caractères de contrôle"),
    ("octet nul dans les notes", {"notes": "a\x00b"}, "caractère nul"),
    (
        "naissance dans le futur",
        {"birth_date": dt.date(2030, 1, 1)},
        "La date de naissance est dans le futur.",
    ),
    ("naissance en l'an 9999", {"birth_date": dt.date.max}, "La date de naissance est dans le futur."),
    ("naissance en l'an 1", {"birth_date": dt.date.min}, "La date de naissance est antérieure à 1900."),
    ("nom vide", {"last_name": "   "}, "Le nom de famille est obligatoire."),
    ("téléphone formule", {"phone": "=1+2"}, "n'est pas un numéro de téléphone valide"),
    ("téléphone de 10 000 chiffres", {"phone": "0" * 10_000}, "n'est pas un numéro de téléphone valide"),
    (
        "courriel avec saut de ligne",
        {"email": "a@b.fr\nBcc: x@y.fr"},
        "n'est pas une adresse électronique valide",
    ),
    ("sexe inconnu", {"sex": "<script>"}, "Sexe inconnu."),
    ("diplôme inconnu", {"diploma": "'; DROP TABLE youth; --"}, "Choisissez le diplôme préparé."),
    (
        "représentant sans nom",
        {"representatives": [RepresentativeForm(last_name="", phone="0612345678")]},
        "Représentant légal 1 : le nom est obligatoire.",
    ),
]


@pytest.mark.parametrize("case, fields, message", REFUSED, ids=[c[0] for c in REFUSED])
def test_the_youth_form_refuses_with_a_french_message(school_db, case, fields, message):
    with school_db.read() as session:
        campaign = require_campaign(session, 2025)
    with pytest.raises(UserError) as refused:
        with school_db.transaction() as session:
            save_youth(session, campaign, form(**fields), today=TODAY)
    assert message in str(refused.value)
    assert str(refused.value).strip()
    with school_db.read() as session:  # nothing written
        assert session.scalar(select(func.count()).select_from(Youth)) == 0


ACCEPTED_LITERALLY = [
    ("balises dans le nom", {"last_name": "<b>Dupont</b> & <font size=40>Cie</font>"}),
    ("entités HTML", {"first_names": "&lt;Léa&gt; &amp; &#65;"}),
    ("injection SQL", {"last_name": "O'Brien'); DROP TABLE youth;--"}),
    ("formule dans le nom", {"last_name": '=HYPERLINK("http://x")'}),
    ("emoji et écritures", {"first_names": "Zoë 😀 Łukasz Ñandú"}),
    ("notes de 10 000 caractères", {"notes": "é" * 10_000}),
]


@pytest.mark.parametrize("case, fields", ACCEPTED_LITERALLY, ids=[c[0] for c in ACCEPTED_LITERALLY])
def test_odd_but_legal_text_is_stored_literally(school_db, case, fields):
    with school_db.transaction() as session:
        campaign = require_campaign(session, 2025)
        youth_id = save_youth(session, campaign, form(**fields), today=TODAY).youth_id
    with school_db.read() as session:
        youth = session.get(Youth, youth_id)
        for name, value in fields.items():
            assert getattr(youth, name) == value.strip()


@pytest.mark.parametrize("name", ["address", "city", "postal_code", "speciality", "division"])
def test_other_long_fields_are_refused(school_db, name):
    with school_db.read() as session:
        campaign = require_campaign(session, 2025)
    with pytest.raises(UserError, match="limité"):
        with school_db.transaction() as session:
            save_youth(session, campaign, form(**{name: LONG}), today=TODAY)


# --- exports ------------------------------------------------------------------------------------------------------

FORMULAS = ["=1+1", "+33612345678", "-2+3", "@SUM(A1)", "\t=cmd", "\r=cmd", "'=1+1"]


@pytest.mark.parametrize("value", FORMULAS)
def test_the_foquale_csv_neutralises_formulas(value):
    row = {column: "" for column in foquale.COLUMNS}
    row.update(nom=value, division=value, specialite=value, motif_refus=value, mission_locale=value)
    text = foquale.encode([row]).decode("utf-8")
    body = text.split("\r\n", 1)[1]
    for field in body.rstrip("\r\n").split(";"):
        unquoted = field[1:-1].replace('""', '"') if field.startswith('"') else field
        assert not unquoted.startswith(("=", "+", "-", "@", "\t", "\r")), repr(field)
    read_back = foquale.unprotect(foquale.protect(value))
    assert read_back == value  # the reader gets the original text back


@pytest.mark.parametrize("value", FORMULAS)
def test_xlsx_exports_store_formulas_as_text(value):
    from openpyxl import load_workbook

    data = table_workbook("Jeunes", ["Nom", "Classe"], [[value, "TBP-MV"]])
    sheet = load_workbook(io.BytesIO(data)).active
    cell = sheet.cell(2, 1)
    assert cell.data_type == "s" and not str(cell.value).startswith("=")


def test_xlsx_exports_survive_control_characters():
    data = table_workbook("Jeunes", ["Notes"], [["avant\x07après\x1b"]])
    assert data[:2] == b"PK"


# --- PDFs -----------------------------------------------------------------------------------------------------------


def test_markup_control_characters_and_long_words_print_literally(tmp_path):
    from pae_desktop.documents import layout

    hostile = '<b>Dupont</b> & <font size="40">Cie</font> <para>'
    story = [
        layout.paragraph(hostile),
        layout.paragraph("nul\x00 cloche\x07 échap\x1b fin"),
        layout.paragraph("x" * 10_000),
        *layout.text_block("é" * 10_000),
    ]
    target = tmp_path / "hostile.pdf"
    layout.build_pdf(target, None, "Essai", story)
    text = pdf_text(target)
    assert "<b>Dupont</b> & <font" in text
    assert "nul cloche échap fin" in text


def test_a_real_document_prints_a_name_with_markup_literally(demo_db, tmp_path):
    from pae_desktop.core.operations.printing import document_options, print_document

    with demo_db.transaction() as session:
        youth_id = session.scalars(select(Pathway.youth_id).order_by(Pathway.id).limit(1)).one()
        youth = session.get(Youth, youth_id)
        youth.last_name = "<i>Dupont</i> & Fils"
        youth.first_names = "Léa<br/>"
    target = tmp_path / "plan.pdf"
    with demo_db.transaction() as session:
        print_document(session, "plan-parcours", youth_id, target, document_options(session, printed_on=TODAY))
    text = pdf_text(target)
    assert "<i>Dupont</i> & Fils".upper() in text.upper()
    assert "Léa<br/>" in text


# --- imports --------------------------------------------------------------------------------------------------------

BOMB = """<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<BEE_ELEVES><PARAMETRES><UAJ>&lol3;</UAJ></PARAMETRES></BEE_ELEVES>
"""
XXE = """<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<BEE_ELEVES><PARAMETRES><UAJ>&xxe;</UAJ></PARAMETRES></BEE_ELEVES>
"""


def run_cli(capsys, *argv: str) -> tuple[int, str, str]:
    from pae_desktop.cli import main

    capsys.readouterr()
    status = main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


@pytest.mark.parametrize("content", [BOMB, XXE], ids=["entity expansion", "external entity"])
def test_hostile_xml_is_refused_before_parsing(tmp_path, capsys, content):
    path = tmp_path / "ElevesSansAdresses.xml"
    path.write_text(content)
    data_dir = tmp_path / "donnees"
    status, out, err = run_cli(capsys, "import", str(path), "--yes", "--data-dir", str(data_dir))
    assert (status, out) == (1, "")
    assert "déclare des entités XML (DTD) : refusé par sécurité" in err
    assert "root:" not in err


HOSTILE_CSV = (
    "Nom;Prénom;Classe;Date de naissance\n"
    "=cmd|' /C calc'!A0;Léa;TBP-MELEC;12/03/2007\n"
    "DUPONT;Zoé;TBP-MELEC;31/02/2007\n" + "A" * 10_000 + ";Max;TBP-MELEC;12/03/2007\n"
    "MARTIN;<b>Jo</b>;TBP-MELEC;12/03/2007\n"
)


@pytest.fixture
def school_dir(tmp_path):
    from pae_desktop.core.services.school import SchoolForm, save_school
    from pae_desktop.storage.database import open_database

    data_dir = tmp_path / "donnees"
    db = open_database(data_dir)
    with db.transaction() as session:
        save_school(session, SchoolForm(name="Lycée professionnel Test", uai="0759999L"))
    db.close()
    return data_dir


def import_csv(capsys, tmp_path, school_dir, text: str) -> tuple[int, str]:
    path = tmp_path / "liste.csv"
    path.write_text(text, encoding="utf-8")
    status, _out, err = run_cli(
        capsys, "import", str(path), "--yes", "--campaign", "2026", "--data-dir", str(school_dir)
    )
    return status, err


def stored(school_dir, column: str = "last_name") -> list:
    import sqlite3

    connection = sqlite3.connect(school_dir / "pae-desktop.db")
    try:
        return [row[0] for row in connection.execute(f"SELECT {column} FROM youth ORDER BY id")]
    finally:
        connection.close()


def test_a_hostile_csv_is_imported_safely_and_exported_safely(tmp_path, capsys, school_dir):
    status, err = import_csv(capsys, tmp_path, school_dir, HOSTILE_CSV)
    assert status == 0
    assert "ligne 3 — DUPONT Zoé : Date de naissance impossible : 31/02/2007" in err
    names = stored(school_dir)
    assert names == ["=cmd|' /C calc'!A0", "A" * 100, "MARTIN"]  # literal, cut to the column, row 3 rejected
    assert stored(school_dir, "first_names")[2] == "<b>Jo</b>"
    target = tmp_path / "foquale.csv"
    status, _out, _err = run_cli(
        capsys,
        "export",
        "foquale",
        "--nominative",
        "--campaign",
        "2026",
        "-o",
        str(target),
        "--data-dir",
        str(school_dir),
    )
    assert status == 0
    assert ";'=cmd|' /C calc'!A0;" in target.read_text(encoding="utf-8-sig")  # neutralised for spreadsheets


def test_control_characters_in_an_imported_name_do_not_break_the_xlsx_export(tmp_path, capsys, school_dir):
    status, _err = import_csv(
        capsys, tmp_path, school_dir, "Nom;Prénom;Classe\nBEL\x07LE;Ève\x1b;TBP-MELEC\n"
    )
    assert status == 0
    assert stored(school_dir) == ["BELLE"]
    status, _out, err = run_cli(
        capsys,
        "export",
        "caseload",
        "--campaign",
        "2026",
        "-o",
        str(tmp_path / "liste.xlsx"),
        "--data-dir",
        str(school_dir),
    )
    assert status == 0, err


@pytest.mark.parametrize("birth", ["12/03/2107", "01/01/0001"])
def test_an_imported_birth_date_out_of_range_is_rejected(tmp_path, capsys, school_dir, birth):
    import_csv(
        capsys, tmp_path, school_dir, f"Nom;Prénom;Classe;Date de naissance\nMARTIN;Jo;TBP-MELEC;{birth}\n"
    )
    assert stored(school_dir, "birth_date") in ([], [None])
