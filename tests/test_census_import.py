"""The census import service: exact census from built SIECLE files, idempotence, user facts kept, refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from fixtures.siecle.builder import (
    Person,
    Student,
    eleves_xml,
    nomenclature_xml,
    responsables_xml,
    snapshot,
    write,
    write_zip,
)
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    Campaign,
    ContactAttempt,
    ImportRecord,
    LegalRepresentative,
    OriginalSchooling,
    Pathway,
    School,
    Youth,
)
from pae_desktop.core.scheme import scheme_of, store_scheme, with_values
from pae_desktop.core.services import census
from pae_desktop.core.services.campaigns import ensure_campaign
from pae_desktop.core.services.census import (
    ImportOptions,
    Outcome,
    apply_import,
    preview_import,
    read_sources,
)
from pae_desktop.core.services.youths import load_youth, pseudonym, save_youth, youth_form

TODAY = dt.date(2026, 6, 10)

ADDRESSES = {
    "9001": {
        "LIGNE1_ADRESSE": "12 RUE DES EXEMPLES",
        "CODE_POSTAL": "93200",
        "LIBELLE_POSTAL": "SAINT-DENIS",
    },
}

# The school's students in June 2026 (school year 2025-2026 → campaign 2026), every census case once.
STUDENTS = [
    Student(
        "1",
        "DURANDEAU",
        "Kylian",
        ine="090123456CA",
        first_name2="Éric",
        mobile="+33600000001",
        email="kylian@example.org",
        address_id="9001",
    ),
    Student("2", "CŒURDEROI", "Zoé", ine="080654321BF", mef="24122146220", division="2CAPCUI", sex="2"),
    Student("3", "MARTINEZ", "Léo", ine="100000001BF", leave="15/01/2026", leave_reason="99"),
    Student("4", "KOVAC", "Ana", mef="24233002330", division="3CAPAGA", sex="2"),  # no INE yet
    Student(
        "5", "N'DIAYE", "Aïssatou", ine="071111113HC", mef="24122146220", division="2CAPCUI", status="AP"
    ),
    Student("6", "FORTIN", "Jules", ine="0719123456F", leave="04/07/2026", leave_reason="10"),  # cohort exit
    Student("7", "LOCALE", "Inès", mef="99900001110", division="TLOCAL"),  # local MEF, attached
    Student("8", "SECONDE", "Tom", mef="24725520310", division="2MELEC"),
    Student("9", "INACTIF", "Rémi", division="Inactifs"),
    Student("10", "SANSCLASSE", "Noé", division=None),
    Student("11", "PARCOURS", "Lina", ine="060437677BG", mef="70441501110", division="PAE"),
    Student("12", "SPECTACLE", "Maël", mef="22232306110", division="TBTMC"),
    Student("13", "ARMURIER", "Yann", mef="25122313220", division="2BMA"),
    Student("14", "JUIN", "Lou", leave="02/06/2026"),  # left after the cut-off: enters
]
NOMENCLATURE = [
    {"CODE_MEF": "99900001110", "LIBELLE_LONG": "TLE PRO LOCALE", "MEF_RATTACHEMENT": "24725520330"},
    {
        "CODE_MEF": "24725520330",
        "LIBELLE_LONG": "TLEPRO METIERS ELECT. ENVIRON. CONNECTES",
        "MEF_RATTACHEMENT": "24725520330",
        "CODE_MEFSTAT": "23830025520",
    },
]
PERSONS = [
    Person(
        "70",
        "DURANDEAU",
        "Sandrine",
        mobile="+33600000002",
        email="s.durandeau@example.org",
        address_id="9001",
    ),
    Person("71", "DURANDEAU", "Kylian", civility="M.", mobile="+33600000001"),
    Person("72", "CŒURDEROI", "Paul", civility="M.", home="0383000000"),
]
LINKS = [
    {"ELEVE_ID": "1", "PERSONNE_ID": "71", "NIVEAU_RESPONSABILITE": "1", "CODE_PARENTE": "70"},
    {
        "ELEVE_ID": "1",
        "PERSONNE_ID": "70",
        "NIVEAU_RESPONSABILITE": "1",
        "CODE_PARENTE": "10",
        "PAIE_FRAIS_SCOLAIRES": "1",
    },
    {"ELEVE_ID": "2", "PERSONNE_ID": "72", "NIVEAU_RESPONSABILITE": "1", "CODE_PARENTE": "20"},
    {"ELEVE_ID": "999", "PERSONNE_ID": "72", "NIVEAU_RESPONSABILITE": "1", "CODE_PARENTE": "20"},
]
ENTERED = {
    # name: (division, diploma, detected_by)
    "DURANDEAU": ("TMELEC", "BAC_PRO", "mefstat"),
    "CŒURDEROI": ("2CAPCUI", "CAP", "mefstat"),
    "KOVAC": ("3CAPAGA", "CAP", "mefstat"),
    "FORTIN": ("TMELEC", "BAC_PRO", "mefstat"),
    "LOCALE": ("TLOCAL", "BAC_PRO", "mefstat"),
    "SPECTACLE": ("TBTMC", "DTMS", "mefstat"),
    "ARMURIER": ("2BMA", "BMA", "mefstat"),
    "JUIN": ("TMELEC", "BAC_PRO", "mefstat"),
}


@pytest.fixture
def export(tmp_path):
    """The three SIECLE exports, zipped as SIECLE gives them."""
    return [
        write_zip(
            tmp_path / "ExportXML_ElevesAvecAdresses.zip",
            {"ElevesAvecAdresses.xml": eleves_xml(STUDENTS, addresses=ADDRESSES, boursiers=("2",))},
        ),
        write_zip(
            tmp_path / "ExportXML_Nomenclature.zip", {"Nomenclature.xml": nomenclature_xml(NOMENCLATURE)}
        ),
        write_zip(
            tmp_path / "ExportXML_ResponsablesAvecAdresses.zip",
            {"ResponsablesAvecAdresses.xml": responsables_xml(PERSONS, LINKS, addresses=ADDRESSES)},
        ),
    ]


def _import(db, paths, **options):
    sources = read_sources(paths)
    with db.transaction() as session:
        return apply_import(session, sources, ImportOptions(today=TODAY, **options)).preview


def _preview(db, paths, **options):
    sources = read_sources(paths)
    with db.read() as session:
        return preview_import(session, sources, ImportOptions(today=TODAY, **options))


def _census(db) -> dict[str, tuple]:
    with db.read() as session:
        rows = session.execute(
            select(
                Youth.last_name,
                OriginalSchooling.division,
                OriginalSchooling.diploma,
                OriginalSchooling.detected_by,
            ).join(OriginalSchooling, OriginalSchooling.youth_id == Youth.id)
        ).all()
    return {last: (division, diploma, detected) for last, division, diploma, detected in rows}


def test_the_census_holds_exactly_the_final_year_students_under_school_status(db, export):
    preview = _import(db, export)
    assert _census(db) == ENTERED
    assert preview.school_setup is True
    assert (preview.campaign_year, preview.implied_year) == (2026, 2026)
    outcomes = {row.name.split(" ")[0]: (row.outcome, row.detail) for row in preview.rows}
    assert outcomes["MARTINEZ"] == (Outcome.LEFT, "le 15/01/2026")
    assert outcomes["N'DIAYE"] == (Outcome.NOT_CONCERNED, "Apprenti : non concerné")
    assert outcomes["INACTIF"] == (Outcome.NOT_CONCERNED, "Classe « Inactifs »")
    assert outcomes["SANSCLASSE"] == (Outcome.NOT_CONCERNED, "Sans classe")
    assert outcomes["PARCOURS"] == (Outcome.PAE, "Inscrit en AvenirPro+ sans parcours")
    assert "SECONDE" not in outcomes
    assert preview.not_final == 1
    assert preview.count(Outcome.ADDED) == 8
    with db.read() as session:
        school = session.scalars(select(School)).one()
        assert (school.uai, school.name) == ("0759999L", "Établissement 0759999L")
        assert session.scalars(select(Campaign.year)).all() == [2026]


def test_identity_contacts_and_representatives(db, export):
    _import(db, export)
    with db.read() as session:
        kylian = session.scalars(select(Youth).where(Youth.last_name == "DURANDEAU")).one()
        school = session.scalars(select(School)).one()
        assert kylian.first_names == "Kylian Éric"
        assert kylian.ine == "090123456CA"
        assert kylian.siecle_id == "1"
        assert kylian.sex == "M"
        assert kylian.birth_date == dt.date(2007, 3, 14)
        assert (kylian.phone, kylian.phone_raw) == ("06 00 00 00 01", "+33600000001")
        assert kylian.email == "kylian@example.org"
        assert (kylian.address, kylian.postal_code, kylian.city) == (
            "12 RUE DES EXEMPLES",
            "93200",
            "SAINT-DENIS",
        )
        assert kylian.pseudonym == pseudonym(school.secret, "090123456CA", kylian.id)
        assert kylian.search_key == "durandeau kylian eric 090123456ca"
        assert kylian.schooling.mef_code == "24725520330"
        assert kylian.schooling.speciality == "METIERS ELECT. ENVIRON. CONNECTES"
        assert kylian.schooling.school_year == 2025
        assert kylian.schooling.status == "ST"
        # the student as their own «responsable» (CODE_PARENTE 70) is not a representative
        reps = [
            (r.rank, r.civility, r.first_name, r.link, r.is_legal, r.phone, r.phone_raw)
            for r in kylian.representatives
        ]
        assert reps == [(1, "Mme", "Sandrine", "10", True, "06 00 00 00 02", "+33600000002")]
        assert kylian.representatives[0].city == "SAINT-DENIS"
        zoe = session.scalars(select(Youth).where(Youth.last_name == "CŒURDEROI")).one()
        assert zoe.boursier is True
        assert zoe.search_key.startswith("coeurderoi zoe")
        assert [(r.civility, r.link, r.phone) for r in zoe.representatives] == [
            ("M.", "20", "03 83 00 00 00")
        ]
        ana = session.scalars(select(Youth).where(Youth.last_name == "KOVAC")).one()
        assert ana.ine == ""
        assert ana.pseudonym == pseudonym(school.secret, "", ana.id)


def test_reimporting_the_same_files_changes_nothing(db, export):
    _import(db, export)
    before = snapshot(db)
    again = _preview(db, export)
    assert again.count(Outcome.ADDED) == 0
    assert again.count(Outcome.UPDATED) == 0
    assert again.count(Outcome.UNCHANGED) == 8
    _import(db, export)
    with db.read() as session:
        assert session.scalar(select(func.count(Youth.id))) == 8
        assert session.scalar(select(func.count(ImportRecord.id))) == 6  # three files, twice
        assert session.scalar(select(func.max(Youth.version))) == 1
    after = snapshot(db)
    for table in ("youth", "original_schooling", "legal_representative"):
        assert after[table] == before[table]


def test_a_newer_export_updates_without_touching_what_the_user_recorded(db, tmp_path, export):
    _import(db, export)
    with db.transaction() as session:
        kylian = session.scalars(select(Youth).where(Youth.last_name == "DURANDEAU")).one()
        form = youth_form(load_youth(session, kylian.id))
        form.email = "corrige@example.org"  # a correction by hand
        form.notes = "Souhaite travailler dans l'électricité."
        save_youth(session, kylian.campaign, form, kylian.id, today=TODAY)
        session.add(
            ContactAttempt(
                youth_id=kylian.id, at=dt.datetime(2026, 6, 5, 10), channel="TELEPHONE", result="JOINT"
            )
        )
        kylian_id = kylian.id
    newer = [
        Student(
            "1",
            "DURANDEAU",
            "Kylian",
            ine="090123456CA",
            first_name2="Éric",
            mobile="+33611111111",
            email="nouveau@example.org",
            division="TMELEC2",
        ),
        *[s for s in STUDENTS if s.eleve_id not in ("1", "2")],  # Zoé vanished from the newer file
    ]
    path = write(tmp_path / "ElevesSansAdresses.xml", eleves_xml(newer, export="08/06/2026"))
    preview = _import(db, [path, export[1]])
    rows = {row.name.split(" ")[0]: row for row in preview.rows}
    assert rows["DURANDEAU"].outcome is Outcome.UPDATED
    assert rows["DURANDEAU"].detail == "téléphone, classe TMELEC → TMELEC2"
    assert rows["CŒURDEROI"].outcome is Outcome.LEFT
    assert rows["CŒURDEROI"].detail == "absent de l'export du 08/06/2026"
    assert rows["KOVAC"].outcome is Outcome.UNCHANGED
    with db.read() as session:
        kylian = session.get(Youth, kylian_id)
        assert kylian.email == "corrige@example.org"  # corrected: kept
        assert kylian.notes == "Souhaite travailler dans l'électricité."
        assert kylian.phone == "06 11 11 11 11"
        assert kylian.schooling.division == "TMELEC2"
        assert kylian.address == "12 RUE DES EXEMPLES"  # «sans adresses» never clears an address
        assert len(kylian.representatives) == 1  # no responsables file this time: kept
        assert len(kylian.contact_attempts) == 1
        assert kylian.version == 3  # the hand correction, then the import
        zoe = session.scalars(select(Youth).where(Youth.last_name == "CŒURDEROI")).one()
        assert zoe.left_school_on == dt.date(2026, 6, 8)  # never deleted
        assert session.scalar(select(func.count(Youth.id))) == 8


def test_a_youth_who_left_comes_back(db, tmp_path):
    first = write(
        tmp_path / "a.xml", eleves_xml([Student("1", "A", "B", ine="090123456CA"), Student("2", "C", "D")])
    )
    _import(db, [first])
    second = write(tmp_path / "b.xml", eleves_xml([Student("2", "C", "D")], export="04/06/2026"))
    _import(db, [second])
    third = write(
        tmp_path / "c.xml",
        eleves_xml([Student("1", "A", "B", ine="090123456CA"), Student("2", "C", "D")], export="05/06/2026"),
    )
    preview = _import(db, [third])
    assert [(r.name, r.outcome, r.detail) for r in preview.rows_of(Outcome.UPDATED)] == [
        ("A B", Outcome.UPDATED, "de retour dans l'établissement")
    ]
    with db.read() as session:
        assert session.scalars(select(Youth.left_school_on)).all() == [None, None]


def test_corrected_fields_are_never_overwritten(db, tmp_path):
    path = write(tmp_path / "a.xml", eleves_xml([Student("1", "DUPOND", "Léa", ine="090123456CA")]))
    _import(db, [path])
    with db.transaction() as session:
        youth = session.scalars(select(Youth)).one()
        form = youth_form(load_youth(session, youth.id))
        form.last_name = "DUPONT"
        form.division = "TMELEC-A"
        save_youth(session, youth.campaign, form, youth.id, today=TODAY)
    newer = write(
        tmp_path / "b.xml",
        eleves_xml([Student("1", "DUPOND", "Léa", ine="090123456CA")], export="05/06/2026"),
    )
    assert _preview(db, [newer]).count(Outcome.UNCHANGED) == 1
    _import(db, [newer])
    with db.read() as session:
        youth = session.scalars(select(Youth)).one()
        assert (youth.last_name, youth.schooling.division) == ("DUPONT", "TMELEC-A")


def test_matching_by_name_and_birth_date_when_the_ine_arrives(db, tmp_path):
    path = write(tmp_path / "a.xml", eleves_xml([Student("1", "KOVAC", "Ana")]))
    _import(db, [path])
    # a spreadsheet (no ELEVE_ID) with the INE now known
    csv = tmp_path / "liste.csv"
    csv.write_text(
        "Nom;Prénom;Né(e) le;INE;Classe;Code MEF\nKovač;ana;14/03/2007;090123456CA;TMELEC;24725520330\n",
        encoding="utf-8",
    )
    preview = _import(db, [csv], campaign_year=2026)
    assert preview.count(Outcome.UPDATED) == 1
    with db.read() as session:
        youth = session.scalars(select(Youth)).one()
        assert youth.ine == "090123456CA"
        assert youth.siecle_id == "1"


def test_rows_rejected_with_their_reason_and_the_others_imported(db, tmp_path):
    students = [
        Student("1", "BONNE", "Date", ine="090123456CA"),
        Student("2", "MAUVAISE", "Date", birth="31/02/2007"),
        Student("3", "", "Sansnom"),
        Student("4", "JUMEAU", "Un", ine="080654321BF"),
        Student("5", "JUMEAU", "Deux", ine="080654321BF"),
        Student("6", "PASDE", "", ine="100000001BF"),
    ]
    preview = _import(db, [write(tmp_path / "e.xml", eleves_xml(students))])
    rejected = {row.ref.split(", ")[1]: row.detail for row in preview.rows_of(Outcome.REJECTED)}
    assert rejected == {
        "élève 2": "Date de naissance impossible : 31/02/2007",
        "élève 3": "Nom de famille manquant",
        "élève 4": "INE 080654321BF présent plusieurs fois dans le fichier",
        "élève 5": "INE 080654321BF présent plusieurs fois dans le fichier",
        "élève 6": "Prénom manquant",
    }
    assert _census(db) == {"BONNE": ("TMELEC", "BAC_PRO", "mefstat")}
    with db.read() as session:
        record = session.scalars(select(ImportRecord)).one()
        assert (record.added, record.rejected, record.file_kind) == (1, 5, "eleves")


def test_warnings_do_not_reject(db, tmp_path):
    students = [Student("1", "CLE", "Fausse", ine="090123456CB", mobile="12")]
    preview = _import(db, [write(tmp_path / "e.xml", eleves_xml(students))])
    (row,) = preview.rows_of(Outcome.ADDED)
    assert row.warnings == (
        "La clé de l'INE « 090123456CB » ne correspond pas (attendu : 090123456CA).",
        "Téléphone « 12 » illisible : gardé tel quel.",
    )
    with db.read() as session:
        youth = session.scalars(select(Youth)).one()
        assert (youth.ine, youth.phone, youth.phone_raw) == ("090123456CB", "", "12")


def test_old_responsables_model_attaches_legal_representatives(db, tmp_path):
    links = [
        {"ELEVE_ID": "1", "PERSONNE_ID": "72", "RESP_LEGAL": "2", "CODE_PARENTE": "20"},
        {"ELEVE_ID": "1", "PERSONNE_ID": "70", "RESP_LEGAL": "1", "CODE_PARENTE": "10"},
        {"ELEVE_ID": "1", "PERSONNE_ID": "71", "RESP_LEGAL": "0", "PERS_CONTACT": "1"},
    ]
    paths = [
        write(tmp_path / "e.xml", eleves_xml([Student("1", "DURANDEAU", "Kylian", ine="090123456CA")])),
        write(tmp_path / "r.xml", responsables_xml(PERSONS, links)),
    ]
    _import(db, paths)
    with db.read() as session:
        reps = session.execute(
            select(
                LegalRepresentative.rank, LegalRepresentative.first_name, LegalRepresentative.is_legal
            ).order_by(LegalRepresentative.rank)
        ).all()
    assert reps == [(1, "Sandrine", True), (2, "Paul", True), (3, "Kylian", False)]


def test_responsables_alone_attach_to_the_census_already_there(db, export):
    _import(db, export[:2])
    with db.read() as session:
        assert session.scalar(select(func.count(LegalRepresentative.id))) == 0
    preview = _import(db, export[2:])
    assert [(r.name, r.outcome, r.detail) for r in preview.rows_of(Outcome.UPDATED)] == [
        ("CŒURDEROI Zoé", Outcome.UPDATED, "représentants légaux"),
        ("DURANDEAU Kylian", Outcome.UPDATED, "représentants légaux"),
    ]
    with db.read() as session:
        assert session.scalar(select(func.count(LegalRepresentative.id))) == 2


def test_students_already_in_pae_are_matched_to_their_pathway(db, tmp_path):
    _import(
        db,
        [
            write(
                tmp_path / "a.xml",
                eleves_xml(
                    [Student("1", "PARCOURS", "Lina", ine="060437677BG")], year=2024, export="03/06/2025"
                ),
            )
        ],
    )
    with db.transaction() as session:
        lina = session.scalars(select(Youth)).one()
        assert lina.campaign.year == 2025
        session.add(
            Pathway(
                youth_id=lina.id,
                mef_code="7044150111",
                start_date=dt.date(2025, 9, 15),
                planned_end=dt.date(2025, 12, 31),
            )
        )
    students = [
        Student("11", "PARCOURS", "Lina", ine="060437677BG", mef="70441501110", division="PAE"),
        Student("12", "AUTRE", "Élève", ine="090123456CA"),
    ]
    preview = _import(db, [write(tmp_path / "b.xml", eleves_xml(students))])
    (pae,) = preview.rows_of(Outcome.PAE)
    assert pae.detail == "parcours trouvé : inscription dans SIECLE notée"
    with db.read() as session:
        pathway = session.scalars(select(Pathway)).one()
        assert (pathway.siecle_entered, pathway.siecle_entered_on) == (True, dt.date(2026, 6, 3))
        assert session.scalar(select(func.count(Youth.id)).join(Campaign).where(Campaign.year == 2026)) == 1


def test_local_mefs_need_the_nomenclature(db, tmp_path):
    students = [Student("1", "LOCALE", "Inès", mef="99900001110"), Student("2", "NATIONAL", "Jo")]
    path = write(tmp_path / "e.xml", eleves_xml(students))
    alone = _preview(db, [path])
    assert [r.name for r in alone.rows_of(Outcome.ADDED)] == ["NATIONAL Jo"]
    with_nomenclature = _preview(db, [path, write(tmp_path / "n.xml", nomenclature_xml(NOMENCLATURE))])
    assert [r.name for r in with_nomenclature.rows_of(Outcome.ADDED)] == ["LOCALE Inès", "NATIONAL Jo"]


# --- the campaign and the school ------------------------------------------------------------------------------


def test_the_campaign_implied_can_be_overridden(db, tmp_path):
    path = write(tmp_path / "e.xml", eleves_xml([Student("1", "A", "B")]))
    preview = _import(db, [path], campaign_year=2027)
    assert (preview.campaign_year, preview.implied_year, preview.campaign_overridden) == (2027, 2026, True)
    assert preview.warnings == [
        "Campagne 2027 choisie : l'année scolaire 2025-2026 du fichier indique la campagne 2026."
    ]
    with db.read() as session:
        assert session.scalars(select(Campaign.year)).all() == [2027]


def test_a_file_without_a_year_needs_a_campaign(school_db, tmp_path):
    path = write(tmp_path / "e.xml", eleves_xml([Student("1", "A", "B")], year=None))
    with pytest.raises(UserError, match="^Campagne inconnue : précisez --campaign N$"):
        _preview(school_db, [path])
    assert _preview(school_db, [path], campaign_year=2025).campaign_year == 2025


REFUSALS = [
    (
        "another school",
        lambda p: write(p / "e.xml", eleves_xml([Student("1", "A", "B")], uai="0930000V")),
        "est celui d'un autre établissement (UAI 0930000V) : cette base est celle de Lycée professionnel Test "
        "(UAI 0759999L). Import refusé.",
    ),
    (
        "no final-year student",
        lambda p: write(p / "e.xml", eleves_xml([Student("1", "A", "B", mef="24725520310")])),
        "Aucun élève de terminale dans ce fichier : export postérieur à la bascule ?",
    ),
    (
        "invalid UAI",
        lambda p: write(p / "e.xml", eleves_xml([Student("1", "A", "B")], uai="0759999A")),
        "porte un UAI invalide",
    ),
    (
        "two schools",
        lambda p: [
            write(p / "e.xml", eleves_xml([Student("1", "A", "B")])),
            write(p / "n.xml", nomenclature_xml([], uai="0930000V")),
        ],
        "plusieurs établissements",
    ),
    (
        "two school years",
        lambda p: [
            write(p / "e.xml", eleves_xml([Student("1", "A", "B")])),
            write(p / "n.xml", nomenclature_xml([], year=2024)),
        ],
        "années scolaires différentes",
    ),
    (
        "nomenclature alone",
        lambda p: write(p / "n.xml", nomenclature_xml(NOMENCLATURE)),
        "Aucun fichier d'élèves parmi les fichiers choisis",
    ),
    (
        "responsables alone",
        lambda p: write(p / "r.xml", responsables_xml(PERSONS, LINKS)),
        "Aucun élève de ce fichier de responsables n'est dans le recensement",
    ),
    (
        "truncated",
        lambda p: write(p / "e.xml", eleves_xml([Student("1", "A", "B")])[:300]),
        "est mal formé à la ligne",
    ),
    (
        "spreadsheet without names",
        lambda p: _csv(p, "INE;Classe\n090123456CA;TMELEC\n"),
        "n'a pas de colonne associée à : Nom de famille, Prénom",
    ),
    ("PDF", lambda p: _bytes(p / "export.zip", b"%PDF-1.7\n..."), "est un document PDF"),
]


def _csv(folder, text):
    path = folder / "liste.csv"
    path.write_text(text, encoding="utf-8")
    return path


def _bytes(path, data):
    path.write_bytes(data)
    return path


@pytest.mark.parametrize(("case", "make", "message"), REFUSALS, ids=[r[0] for r in REFUSALS])
def test_refused_imports_leave_the_database_unchanged(school_db, tmp_path, case, make, message):
    made = make(tmp_path)
    paths = made if isinstance(made, list) else [made]
    before = snapshot(school_db)
    with pytest.raises(UserError) as refused:
        _import(school_db, paths, campaign_year=2026 if case == "spreadsheet without names" else None)
    assert message in str(refused.value)
    assert snapshot(school_db) == before


def test_an_older_file_than_the_last_import_is_refused(db, tmp_path):
    newer = write(tmp_path / "new.xml", eleves_xml([Student("1", "A", "B")], export="05/06/2026"))
    older = write(tmp_path / "old.xml", eleves_xml([Student("1", "A", "B")], export="04/06/2026"))
    _import(db, [newer])
    before = snapshot(db)
    with pytest.raises(
        UserError, match=r"plus ancien que le dernier importé pour la campagne 2026 \(export du 05/06/2026"
    ):
        _import(db, [older])
    assert snapshot(db) == before
    _import(db, [newer])  # the same file again is fine


def test_a_file_without_uai_needs_the_school_set_up_first(db, tmp_path):
    path = _csv(
        tmp_path, "Nom;Prénom;Date de naissance;Classe;Code MEF\nDUPONT;Léa;14/03/2007;TMELEC;24725520330\n"
    )
    with pytest.raises(UserError, match="Paramétrez d'abord l'établissement"):
        _preview(db, [path], campaign_year=2026)


def test_a_cancel_rolls_everything_back(db, export):
    _import(db, export[:1])
    before = snapshot(db)
    calls = []

    def cancel(done, total, message=""):
        calls.append((done, total))
        if done > 0:
            raise KeyboardInterrupt  # what the window's helper raises is its own exception: any will do

    path = export[0].parent / "b.xml"
    write(
        path,
        eleves_xml(
            [*STUDENTS, *[Student(str(100 + i), f"NOUVEAU{i}", "X") for i in range(1500)]],
            export="05/06/2026",
        ),
    )
    with pytest.raises(KeyboardInterrupt):
        _import_with_progress(db, [path], cancel)
    assert calls[-1][0] > 0
    assert snapshot(db) == before


def _import_with_progress(db, paths, progress):
    sources = read_sources(paths)
    with db.transaction() as session:
        return apply_import(session, sources, ImportOptions(today=TODAY), progress).preview


def test_progress_reaches_the_total(db, tmp_path):
    students = [Student(str(i), f"NOM{i}", "Prénom", ine="") for i in range(2500)]
    reports = []
    _import_with_progress(
        db, [write(tmp_path / "e.xml", eleves_xml(students))], lambda d, t, m="": reports.append((d, t))
    )
    done, total = reports[-1]
    assert done == total > 2500
    with db.read() as session:
        assert session.scalar(select(func.count(Youth.id))) == 2500
        assert session.scalar(select(func.count(func.distinct(Youth.pseudonym)))) == 2500


def test_imports_are_listed(db, export):
    _import(db, export)
    with db.read() as session:
        records = census.list_imports(session)
        assert [(r.file_kind, r.added) for r in sorted(records, key=lambda r: r.id)] == [
            ("eleves", 8),
            ("nomenclature", 0),
            ("responsables", 0),
        ]
        assert records[0].exported_at == dt.datetime(2026, 6, 3, 19, 2, 11)
        assert records[0].uai == "0759999L"
        assert len(records[0].sha256) == 64


def test_pae_codes_follow_the_campaigns_schemes(db, tmp_path):
    with db.transaction() as session:  # a renamed scheme's code, for the test
        campaign = ensure_campaign(session, 2025)
        store_scheme(campaign, with_values(scheme_of(campaign), n4_code="2472552033"))
    preview = _preview(
        db,
        [
            write(
                tmp_path / "e.xml",
                eleves_xml([Student("1", "A", "B"), Student("2", "C", "D", mef="24122146220")]),
            )
        ],
    )
    assert [r.outcome for r in sorted(preview.rows, key=lambda r: r.name)] == [Outcome.PAE, Outcome.ADDED]
