"""The SIECLE XML reader: kinds by root element, encodings, both responsables models, refusals with reasons."""

from __future__ import annotations

import datetime as dt
import io

import pytest

from fixtures.siecle.builder import (
    Person,
    Student,
    eleves_xml,
    nomenclature_xml,
    responsables_xml,
    write,
    write_zip,
)
from pae_desktop.core.services.census import read_sources
from pae_desktop.io import siecle
from pae_desktop.io.siecle import BadDate, FileRefused, parse_date, parse_timestamp, read_siecle


def _read(xml: str, encoding: str = "iso-8859-15", bom: bool = False) -> siecle.SiecleFile:
    data = xml.encode(encoding)
    return read_siecle(io.BytesIO((b"\xef\xbb\xbf" if bom else b"") + data), "test.xml")


STUDENTS = [
    Student(
        "100",
        "CŒURDEROI",
        "Zoé",
        ine="090123456CA",
        first_name2="Œdipe",
        mobile="+33600000001",
        address_id="9",
    ),
    Student("101", "MARTIN", "Léo", division="TMELEC", groups=("TMEL_GR1",)),
]


@pytest.mark.parametrize(
    ("encoding", "bom", "declared"),
    [("iso-8859-15", False, "ISO-8859-15"), ("utf-8", False, "UTF-8"), ("utf-8", True, "UTF-8")],
)
def test_names_with_oe_round_trip_in_every_encoding(encoding, bom, declared):
    xml = eleves_xml(STUDENTS).replace('encoding="ISO-8859-15"', f'encoding="{declared}"')
    parsed = _read(xml, encoding, bom)
    assert parsed.kind == siecle.ELEVES
    assert [s.last_name for s in parsed.students] == ["CŒURDEROI", "MARTIN"]
    assert parsed.students[0].first_names == "Zoé Œdipe"


def test_latin1_would_have_lost_the_oe_ligature():
    # ISO-8859-15 puts «Œ» at 0xBC, where Latin-1 has «¼»: the parser must honour the declared encoding.
    data = eleves_xml(STUDENTS).encode("iso-8859-15")
    assert b"C\xbcURDEROI" in data
    assert read_siecle(io.BytesIO(data), "x.xml").students[0].last_name == "CŒURDEROI"


def test_eleves_fields_classes_addresses_and_scholarships():
    addresses = {
        "9": {
            "LIGNE1_ADRESSE": "12 RUE DES EXEMPLES",
            "CODE_POSTAL": "93200",
            "LIBELLE_POSTAL": "SAINT-DENIS",
        }
    }
    parsed = _read(eleves_xml(STUDENTS, addresses=addresses, boursiers=("100",), structures_first=True))
    first, second = parsed.students
    assert parsed.params.uai == "0759999L"
    assert parsed.params.school_year == 2025
    assert parsed.params.export_date == dt.date(2026, 6, 3)
    assert parsed.params.timestamp == dt.datetime(2026, 6, 3, 19, 2, 11)
    assert parsed.params.version == "3.0"
    assert first.ine == "090123456CA"
    assert first.eleve_id == "100"
    assert first.birth_date == dt.date(2007, 3, 14)
    assert first.sex == "M"
    assert first.mef_code == "24725520330"
    assert first.status == "ST"
    assert first.phone_mobile == "+33600000001"
    assert first.division == "TMELEC"
    assert first.address is not None and first.address.street == "12 RUE DES EXEMPLES"
    assert first.address.city == "SAINT-DENIS"
    assert first.boursier is True
    assert second.boursier is False
    assert second.groups == ("TMEL_GR1",)
    assert second.address is None


def test_old_files_name_the_family_name_nom():
    parsed = _read(eleves_xml([Student("1", "ANCIEN", "Format", old_name_tag=True)]))
    assert parsed.students[0].last_name == "ANCIEN"


def test_values_are_trimmed_and_stray_quotes_removed():
    xml = eleves_xml([Student("1", "X", "Y")]).replace("<NOM_DE_FAMILLE>X<", "<NOM_DE_FAMILLE>  'DUPONT'  <")
    assert _read(xml).students[0].last_name == "DUPONT"


@pytest.mark.parametrize(
    ("value", "cleaned"),
    [
        ("  DUPONT ", "DUPONT"),
        ("'DUPONT'", "DUPONT"),
        ('="075"', "075"),
        ("BEL\x07LE", "BELLE"),
        ("Ève\x1b", "Ève"),
        ("JEAN\tPIERRE", "JEAN PIERRE"),
        ("N'DIAYE", "N'DIAYE"),
        ("A\u00a0B", "A B"),
        (None, ""),
        (1204, "1204"),
    ],
)
def test_clean(value, cleaned):
    assert siecle.clean(value) == cleaned


def test_an_impossible_date_is_a_problem_of_its_row_not_of_the_file():
    parsed = _read(eleves_xml([Student("1", "A", "B", birth="31/02/2007"), Student("2", "C", "D")]))
    assert parsed.students[0].birth_date is None
    assert parsed.students[0].problems == ["Date de naissance impossible : 31/02/2007"]
    assert parsed.students[1].problems == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("14/03/2007", dt.date(2007, 3, 14)),
        ("4/3/2007", dt.date(2007, 3, 4)),
        ("2007-03-14", dt.date(2007, 3, 14)),
        ("31/12/9999", None),
        ("", None),
        (dt.datetime(2007, 3, 14, 0, 0), dt.date(2007, 3, 14)),
    ],
)
def test_dates(text, expected):
    assert parse_date(text) == expected


@pytest.mark.parametrize("text", ["31/02/2007", "29/02/2007", "00/01/2007", "14-03-2007", "hier"])
def test_impossible_dates_raise(text):
    with pytest.raises(BadDate):
        parse_date(text)


def test_timestamps_with_colons_or_dashes():
    assert parse_timestamp("03/10/2025 19:02:11") == dt.datetime(2025, 10, 3, 19, 2, 11)
    assert parse_timestamp("03/10/2025 19-02-11") == dt.datetime(2025, 10, 3, 19, 2, 11)
    assert parse_timestamp("n'importe quoi") is None


NEW_MODEL_LINKS = [
    {
        "ELEVE_ID": "100",
        "PERSONNE_ID": "2",
        "NIVEAU_RESPONSABILITE": "3",
        "CODE_PARENTE": "39",
    },
    {
        "ELEVE_ID": "100",
        "PERSONNE_ID": "1",
        "NIVEAU_RESPONSABILITE": "1",
        "CODE_PARENTE": "10",
        "PAIE_FRAIS_SCOLAIRES": "1",
        "A_CONTACTER_EN_PRIORITE": "true",
    },
]
OLD_MODEL_LINKS = [
    {"ELEVE_ID": "100", "PERSONNE_ID": "2", "RESP_LEGAL": "0", "CODE_PARENTE": "3", "PERS_CONTACT": "1"},
    {"ELEVE_ID": "100", "PERSONNE_ID": "1", "RESP_LEGAL": "1", "CODE_PARENTE": "1"},
]
PERSONS = [
    Person("1", "CŒURDEROI", "Anne", mobile="+33612345678", email="anne@example.org", address_id="5"),
    Person("2", "ONCLE", "Marc", civility="M.", home="0145744915"),
]


@pytest.mark.parametrize(
    "links", [NEW_MODEL_LINKS, OLD_MODEL_LINKS], ids=["NIVEAU_RESPONSABILITE", "RESP_LEGAL"]
)
def test_both_responsables_models_give_the_legal_representative_first(links):
    addresses = {"5": {"LIGNE1_ADRESSE": "1 RUE HAUTE", "CODE_POSTAL": "54000", "LIBELLE_POSTAL": "NANCY"}}
    responsables = _read(responsables_xml(PERSONS, links, addresses=addresses))
    assert responsables.kind == siecle.RESPONSABLES
    students = _read(eleves_xml(STUDENTS)).students
    assert siecle.attach_representatives(students, responsables) == 1
    mother, uncle = students[0].representatives
    assert (mother.last_name, mother.first_name, mother.legal) == ("CŒURDEROI", "Anne", True)
    assert mother.phone_mobile == "+33612345678"
    assert mother.address is not None and mother.address.city == "NANCY"
    assert (uncle.last_name, uncle.legal) == ("ONCLE", False)
    assert students[1].representatives is None


def test_nomenclature_mefs_keep_ten_characters_and_their_rattachement():
    parsed = _read(
        nomenclature_xml(
            [
                {
                    "CODE_MEF": "99900001110",
                    "LIBELLE_LONG": "TLE   PRO LOCALE",
                    "MEF_RATTACHEMENT": "24725520330",
                    "CODE_MEFSTAT": "",
                }
            ]
        )
    )
    assert parsed.kind == siecle.NOMENCLATURES
    mef = parsed.mefs["9990000111"]
    assert (mef.label, mef.attached_to, mef.mefstat4) == ("TLE PRO LOCALE", "2472552033", "")


def test_structures_export_lists_divisions_with_their_mefs():
    xml = (
        '<?xml version="1.0" encoding="ISO-8859-15"?><BEE_STRUCTURES VERSION="2.0"><PARAMETRES><UAJ>0759999L</UAJ>'
        '</PARAMETRES><DONNEES><DIVISIONS><DIVISION CODE_STRUCTURE="TMELEC"><LIBELLE_LONG>TLE PRO MELEC</LIBELLE_LONG>'
        "<MEFS_APPARTENANCE><MEF_APPARTENANCE><CODE_MEF>24725520330</CODE_MEF></MEF_APPARTENANCE></MEFS_APPARTENANCE>"
        "</DIVISION></DIVISIONS></DONNEES></BEE_STRUCTURES>"
    )
    parsed = _read(xml)
    assert parsed.kind == siecle.STRUCTURES
    assert parsed.divisions == {"TMELEC": ("TLE PRO MELEC", ("2472552033",))}


# --- refusals --------------------------------------------------------------------------------------------------


def test_truncated_xml_is_refused_with_line_and_column(tmp_path):
    xml = eleves_xml(STUDENTS)
    path = write(tmp_path / "tronque.xml", xml[: xml.index("</ELEVES>")])
    with pytest.raises(FileRefused) as refused:
        read_sources([path])
    message = str(refused.value)
    assert "« tronque.xml » est mal formé à la ligne" in message
    assert ", colonne " in message
    assert "fichier tronqué" in message


def test_mismatched_tag_gives_the_exact_position():
    xml = '<?xml version="1.0" encoding="ISO-8859-15"?>\n<BEE_ELEVES>\n  <PARAMETRES>\n  </PARAMETRE>\n</BEE_ELEVES>'
    with pytest.raises(FileRefused, match=r"ligne 4, colonne 4 : balise de fermeture"):
        _read(xml)


def test_entity_bomb_is_refused_before_expansion():
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE BEE_ELEVES [\n<!ENTITY a "aaaaaaaaaa">\n'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">\n<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">\n]>\n'
        "<BEE_ELEVES><PARAMETRES><UAJ>&c;</UAJ></PARAMETRES></BEE_ELEVES>"
    )
    with pytest.raises(FileRefused, match="entités XML"):
        _read(bomb, "utf-8")


def test_external_entity_is_refused():
    xml = '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><BEE_ELEVES>&e;</BEE_ELEVES>'
    with pytest.raises(FileRefused, match="entités XML"):
        _read(xml, "utf-8")


def test_unknown_encoding_is_refused_naming_it():
    xml = '<?xml version="1.0" encoding="x-macthai"?><BEE_ELEVES></BEE_ELEVES>'
    with pytest.raises(FileRefused, match=r"encodage inconnu \(x-macthai\)"):
        _read(xml, "ascii")


def test_an_xml_file_of_another_kind_is_refused():
    with pytest.raises(FileRefused, match="élément racine « TABLE »"):
        _read('<?xml version="1.0" encoding="UTF-8"?><TABLE nom="Elèves"></TABLE>', "utf-8")


@pytest.mark.parametrize(
    ("content", "what"),
    [
        (b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj", "un document PDF"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "une image PNG"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "une image JPEG"),
    ],
)
def test_pdf_and_images_are_refused(tmp_path, content, what):
    path = tmp_path / "ElevesSansAdresses.xml"  # the name lies: the content decides
    path.write_bytes(content + b"\x00" * 64)
    with pytest.raises(FileRefused, match=f"est {what} : ce n'est ni un export SIECLE ni un tableur"):
        read_sources([path])


def test_zip_as_siecle_gives_it(tmp_path):
    path = write_zip(
        tmp_path / "ExportXML_ElevesSansAdresses.zip",
        {"ElevesSansAdresses.xml": eleves_xml(STUDENTS), "__MACOSX/._ElevesSansAdresses.xml": b"junk"},
    )
    sources = read_sources([path])
    assert [f.name for f in sources.files] == ["ExportXML_ElevesSansAdresses.zip › ElevesSansAdresses.xml"]
    assert sources.files[0].siecle.students[0].last_name == "CŒURDEROI"


def test_zip_without_export_is_refused(tmp_path):
    path = write_zip(tmp_path / "photos.zip", {"photo.png": b"\x89PNG\r\n\x1a\n" + b"\x00" * 20})
    with pytest.raises(FileRefused, match="ne contient ni export SIECLE"):
        read_sources([path])


def test_damaged_zip_is_refused(tmp_path):
    path = tmp_path / "ExportXML.zip"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 10)
    with pytest.raises(FileRefused, match="endommagée"):
        read_sources([path])


def test_missing_and_empty_files(tmp_path):
    with pytest.raises(FileRefused, match="introuvable"):
        read_sources([tmp_path / "absent.xml"])
    (tmp_path / "vide.xml").write_bytes(b"")
    with pytest.raises(FileRefused, match="est vide"):
        read_sources([tmp_path / "vide.xml"])


def test_big_export_is_streamed_with_progress():
    students = [Student(str(i), f"NOM{i}", "Prénom") for i in range(3000)]
    data = eleves_xml(students).encode("iso-8859-15")
    reports = []
    parsed = read_siecle(io.BytesIO(data), "big.xml", len(data), lambda d, t, m: reports.append((d, t)))
    assert len(parsed.students) == 3000
    assert parsed.students[-1].division == "TMELEC"
    assert reports and all(total == len(data) for _done, total in reports)
    assert [d for d, _t in reports] == sorted(d for d, _t in reports)
