"""The FOQUALE exchange file: exact format on write, and a reader that names every problem."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from foquale_rows import UAI_A, campaign_a, interviewed, row
from pae_desktop.core.models import AuditEvent
from pae_desktop.core.operations.exports import export_foquale
from pae_desktop.core.services.reporting import COLUMNS
from pae_desktop.io import foquale

HEADER = (
    "uai;campagne;id_jeune;ine;nom;prenom;date_naissance;telephone;email;sexe;annee_naissance;diplome_prepare;"
    "specialite;division;resultat_examen;informe;nb_tentatives_contact;contacte;date_premier_contact;"
    "entretien_accepte;entretien_realise;date_entretien;ml_presente;mission_locale;participants;decision;"
    "motif_refus;mef_pae;date_debut_parcours;date_fin_prevue;modules;nb_modules;partenarial;jours_pfmp;abandon;"
    "date_abandon;motif_abandon;sortie;sortie_detail;date_sortie;date_limite_entretiens;"
    "dispositif;ateliers_avenirpro;entretien_individuel_avenirpro;evenements_avenirpro"
)


def write(tmp_path, rows, name="f.csv"):
    path = tmp_path / name
    foquale.write_rows(path, rows)
    return path


def test_bytes_bom_header_crlf(tmp_path):
    data = write(tmp_path, campaign_a()).read_bytes()
    assert data.startswith(b"\xef\xbb\xbf" + HEADER.encode() + b"\r\n")
    assert data.endswith(b"\r\n")
    assert data.count(b"\r\n") == 10  # header + 9 rows, each CRLF-terminated
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert len(COLUMNS) == 45


def test_quoting_rfc4180_and_accents(tmp_path):
    rows = [
        row(n="1", nom='Dupont; "le grand"', prenom="Zoé\r\nMarie", specialite="Métiers de l'électricité")
    ]
    text = write(tmp_path, rows).read_bytes().decode("utf-8-sig")
    line = text.split("\r\n", 1)[1]
    assert ';"Dupont; ""le grand""";"Zoé\r\nMarie";' in line
    assert ";Métiers de l'électricité;" in line  # a quote alone does not need quoting
    back = foquale.read_file(tmp_path / "f.csv")
    assert back.problems == []
    assert back.rows[0]["nom"] == 'Dupont; "le grand"' and back.rows[0]["prenom"] == "Zoé\r\nMarie"


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ('=HYPERLINK("x")', '\'=HYPERLINK("x")'),
        ("+33 6", "'+33 6"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tTab", "'\tTab"),
        ("'=déjà", "''=déjà"),
        ("'simple", "'simple"),
        ("Lycée", "Lycée"),
    ],
)
def test_formula_protection_round_trip(value, written):
    assert foquale.protect(value) == written
    assert foquale.unprotect(written) == value


def test_protection_on_exactly_the_listed_columns(tmp_path):
    values = {
        column: "=1"
        for column in (
            "ine",
            "nom",
            "prenom",
            "telephone",
            "email",
            "specialite",
            "division",
            "mission_locale",
            "motif_refus",
            "motif_abandon",
            "dispositif",
        )
    }
    values["date_naissance"] = "-"
    rows = [row(n="1", **values)]
    data = write(tmp_path, rows).read_bytes().decode("utf-8-sig").split("\r\n")[1].split(";")
    by_name = dict(zip(COLUMNS, data, strict=True))
    assert {by_name[c] for c in values if c != "date_naissance"} == {"'=1"}
    assert by_name["date_naissance"] == "'-"
    assert set(foquale.PROTECTED) == {COLUMNS[i - 1] for i in (4, 5, 6, 7, 8, 9, 13, 14, 24, 27, 37, 42)}
    # The reader removes the protection on those columns only.
    back = foquale.read_file(tmp_path / "f.csv")
    assert back.rows[0]["nom"] == "=1" and back.rows[0]["motif_abandon"] == "=1"


def test_round_trip_rows_identical(tmp_path):
    rows = campaign_a()
    back = foquale.read_file(write(tmp_path, rows))
    assert back.problems == []
    assert back.rows == rows


def test_columns_found_by_name_extra_ignored_optional_absent(tmp_path):
    # Columns shuffled, an unknown extra column, and the optional column «specialite» left out.
    columns = [c for c in reversed(COLUMNS) if c != "specialite"] + ["colonne_future"]
    rows = campaign_a()
    lines = [";".join(columns)] + [";".join(r[c] if c in r else "x" for c in columns) for r in rows]
    path = tmp_path / "shuffled.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")  # no BOM: still read
    back = foquale.read_file(path)
    assert back.problems == []
    assert back.rows[0]["specialite"] == "" and "colonne_future" not in back.rows[0]
    assert [r["id_jeune"] for r in back.rows] == [r["id_jeune"] for r in rows]


def test_missing_required_columns_are_named(tmp_path):
    columns = [c for c in COLUMNS if c not in ("decision", "jours_pfmp")]
    path = tmp_path / "manque.csv"
    path.write_text(";".join(columns) + "\r\n" + ";".join("" for _ in columns) + "\r\n", encoding="utf-8-sig")
    problems = foquale.read_file(path).problems
    assert [(p.line, p.column) for p in problems] == [(1, "decision"), (1, "jours_pfmp")]
    assert all("obligatoire" in p.message and p.file.endswith("manque.csv") for p in problems)


def test_every_problem_with_line_and_column(tmp_path):
    rows = [
        row(n="1"),  # line 2: fine
        row(n="2", uai="0759999A"),  # 3: bad check letter, and not the file's UAI
        row(n="3", diplome_prepare="BTS", sexe="X", resultat_examen="REÇU"),  # 4
        row(n="4", date_limite_entretiens="17/09/2024", date_sortie="2024-02-30"),  # 5
        row(n="5", informe="oui", abandon="", nb_modules="deux"),  # 6
        row(n="6", entretien_realise="O", entretien_accepte="N", contacte="N"),  # 7: no date_entretien either
        interviewed("2024-09-02", "PEUT-ETRE", ml=True, mission="ML", n="7", participants="RDS"),  # 8
        row(n="8", decision="ENGAGE", date_entretien="2024-09-02"),  # 9
        interviewed("2024-09-02", n="9", participants="ML|RDS", modules="PFMP|FOO"),  # 10
        row(n="10", campagne="2023", sortie="EMPLOI", sortie_detail="CEJ"),  # 11
        row(n="1"),  # 12: same id as line 2: one youth counted twice, refused (issue 19)
    ]
    found = {(p.line, p.column) for p in foquale.read_file(write(tmp_path, rows)).problems}
    expected = {
        (3, "uai"),
        (4, "diplome_prepare"),
        (4, "sexe"),
        (4, "resultat_examen"),
        (5, "date_limite_entretiens"),
        (5, "date_sortie"),
        (6, "informe"),
        (6, "abandon"),
        (6, "nb_modules"),
        (7, "entretien_accepte"),
        (7, "contacte"),
        (7, "date_entretien"),
        (8, "decision"),
        (8, "participants"),
        (9, "decision"),
        (9, "date_entretien"),
        (10, "participants"),
        (10, "modules"),
        (10, "ml_presente"),
        (11, "campagne"),
        (11, "sortie_detail"),
    }
    assert expected <= found
    assert not any(line == 2 for line, _column in found)
    assert {column for line, column in found if line == 12} == {"id_jeune"}
    # Line 5's different target date and line 3's different UAI break the «one file, one school» rule too.
    assert (5, "date_limite_entretiens") in found and (3, "uai") in found


def test_uai_check_letter_message_is_the_identity_one(tmp_path):
    problems = foquale.read_file(write(tmp_path, [row(n="1", uai="0759999A")])).problems
    assert problems[0].column == "uai" and "lettre de contrôle" in problems[0].message


def test_not_a_csv_file(tmp_path):
    path = tmp_path / "virgules.csv"
    path.write_text("uai,campagne,id_jeune\r\n", encoding="utf-8")
    problems = foquale.read_file(path).problems
    assert problems and problems[0].line == 1 and "point-virgule" in problems[0].message
    latin = tmp_path / "latin1.csv"
    latin.write_bytes(HEADER.encode() + b"\r\n" + "Zo\xe9".encode("latin-1") + b"\r\n")
    assert "UTF-8" in foquale.read_file(latin).problems[0].message


def test_file_name():
    assert foquale.file_name(UAI_A, 2025, dt.date(2026, 1, 9)) == "PAE_0759999L_2025_20260109.csv"


def test_export_pseudonymised_by_default(demo_db, tmp_path):
    target = tmp_path / "pseudo.csv"
    count = export_foquale(demo_db, None, target).count
    back = foquale.read_file(target)
    assert back.problems == [] and len(back.rows) == count == 150
    assert all(
        r[c] == ""
        for r in back.rows
        for c in ("ine", "nom", "prenom", "date_naissance", "telephone", "email")
    )
    with demo_db.read() as session:
        assert session.scalars(select(AuditEvent).where(AuditEvent.nominative.is_(True))).first() is None


def test_export_nominative_is_audited(demo_db, tmp_path):
    target = tmp_path / "nominatif.csv"
    export_foquale(demo_db, None, target, nominative=True)
    back = foquale.read_file(target)
    assert back.problems == []
    assert all(r["nom"] and r["prenom"] and " " not in r["prenom"] for r in back.rows)
    assert any(r["telephone"].startswith(("06 ", "07 ")) for r in back.rows)
    with demo_db.read() as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.nominative.is_(True))).all()
    assert len(events) == 1 and events[0].action == "export" and "nominatif.csv" in events[0].detail


def test_libreoffice_reads_quotes_separators_newlines_and_no_formula(tmp_path):
    import os
    import shutil
    import subprocess

    import openpyxl

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if not os.environ.get("CI"):
            pytest.skip("LibreOffice absent (installé par « make test » : paquet libreoffice-calc-nogui)")
        pytest.fail("LibreOffice est requis en intégration continue (CI)")
    rows = [
        row(
            n="1", nom="=1+1", prenom='Zoé; "la"\r\nsuite', specialite="Ébénisterie", motif_abandon="@SUM(A1)"
        ),
        row(n="2", nom="Œdipe-Ça", prenom="Anaïs"),
    ]
    path = write(tmp_path, rows, "noms.csv")
    subprocess.run(
        [
            soffice,
            "--headless",
            "--infilter=CSV:59,34,76,1",
            "--convert-to",
            "xlsx",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
        env=dict(os.environ, HOME=str(tmp_path)),
    )
    sheet = openpyxl.load_workbook(tmp_path / "noms.xlsx").active
    assert sheet.max_column == 45 and sheet.max_row == 3
    by_name = {sheet.cell(1, c).value: c for c in range(1, 46)}
    cell = lambda r, name: sheet.cell(r, by_name[name])  # noqa: E731
    assert cell(2, "nom").value == "'=1+1" and cell(2, "nom").data_type == "s"  # text, never a formula
    assert cell(2, "motif_abandon").value == "'@SUM(A1)"
    assert cell(2, "prenom").value.replace("\r", "") == 'Zoé; "la"\nsuite'
    assert cell(2, "specialite").value == "Ébénisterie"
    assert (cell(3, "nom").value, cell(3, "prenom").value) == ("Œdipe-Ça", "Anaïs")


def test_writer_quoting_is_the_rfc4180_rule(tmp_path):
    # The writer relies on the csv module; every field must come out exactly as `quote` says.
    tricky = ["a;b", 'a"b', "a\rb", "a\nb", "a\tb", " a ", "é", 'x"', '"', "a,b", "'"]
    rows = [row(n=str(i), specialite=v, motif_refus=v) for i, v in enumerate(tricky, start=1)]
    lines = foquale.encode(rows).decode("utf-8-sig")
    for value in tricky:
        assert f";{foquale.quote(value)};" in lines
    assert foquale.read_file(write(tmp_path, rows)).rows == rows


def test_missing_file_and_folder(tmp_path):
    assert foquale.read_file(tmp_path / "absent.csv").problems[0].message == "Fichier introuvable."
    assert "dossier" in foquale.read_file(tmp_path).problems[0].message
