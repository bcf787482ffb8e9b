"""The FOQUALE rows built from the database: each derived column on a hand-built campaign."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select

from pae_desktop.core import indicators
from pae_desktop.core.models import (
    ContactAttempt,
    Exit,
    InformationAction,
    InformationTarget,
    Interview,
    InterviewParticipant,
    InterviewSlot,
    OriginalSchooling,
    Partner,
    Pathway,
    PathwayModule,
    Person,
    School,
    SlotBooking,
    Youth,
)
from pae_desktop.core.operations.exports import export_foquale
from pae_desktop.core.services.campaigns import require_campaign
from pae_desktop.core.services.reporting import (
    COLUMNS,
    REPORT_COLUMNS,
    campaign_report,
    foquale_rows,
    report_rows,
)
from pae_desktop.core.services.youths import pseudonym
from pae_desktop.io import foquale


def d(day: int, month: int = 9) -> dt.date:
    return dt.date(2025, month, day)


def at(day: int, month: int = 9, hour: int = 10) -> dt.datetime:
    return dt.datetime(2025, month, day, hour)


def build(db):
    with db.transaction() as session:
        school = session.scalars(select(School)).one()
        campaign = require_campaign(session, 2025)
        ml_sud = Partner(name="Mission locale Sud", type="MISSION_LOCALE")
        ml_nord = Partner(name="Mission locale Nord", type="MISSION_LOCALE")
        garage = Partner(name="Garage =Dupont", type="ENTREPRISE")
        advisor = Person(last_name="Conseil", first_name="Anne", role="ML", partner=ml_sud)
        session.add_all([ml_sud, ml_nord, garage, advisor])

        def youth(name, division, **kw):
            y = Youth(
                campaign=campaign,
                pseudonym="",
                last_name=name,
                first_names="Léa Marie",
                sex="F",
                birth_date=dt.date(2006, 5, 4),
                schooling=OriginalSchooling(
                    diploma="CAP", division=division, speciality="Cuisine", exam_result="ADMIS"
                ),
                **kw,
            )
            session.add(y)
            session.flush()
            y.pseudonym = pseudonym(school.secret, y.ine, y.id)
            return y

        full = youth(
            "DURAND",
            "T1",
            ine="123456789AB",
            phone="03 83 00 00 00",
            phone_raw="03 83 00 00 00",
            phone2="06 12 34 56 78",
            phone2_raw="0612345678",
            email="lea@example.org",
        )
        booked_only = youth("MARTIN", "T1")
        class_informed = youth("PETIT", "T2")
        school_pathway = youth("NOËL", "T9")

        session.add(
            InformationAction(campaign=campaign, on=d(10, 6), kind="INFORMATION_COLLECTIVE", division="T2")
        )
        action = InformationAction(campaign=campaign, on=d(4, 7), kind="REMISE_RESULTATS")
        session.add(action)
        session.flush()
        session.add(InformationTarget(action_id=action.id, youth_id=full.id))

        session.add_all(
            [
                ContactAttempt(youth=full, at=at(25, 8), channel="TELEPHONE", result="PAS_DE_REPONSE"),
                ContactAttempt(youth=full, at=at(27, 8), channel="TELEPHONE", result="JOINT"),
                ContactAttempt(
                    youth=class_informed, at=at(28, 8), channel="TELEPHONE", result="REFUS_ECHANGER"
                ),
            ]
        )
        slot1 = InterviewSlot(campaign=campaign, starts_at=at(3), partner=ml_sud, advisor=advisor)
        slot2 = InterviewSlot(campaign=campaign, starts_at=at(4), partner=ml_sud, advisor=advisor)
        session.add_all([slot1, slot2])
        session.add_all(
            [
                SlotBooking(slot=slot1, youth=full, booked_at=at(27, 8), cancelled_at=at(1)),
                SlotBooking(slot=slot2, youth=booked_only, booked_at=at(29, 8), cancelled_at=at(2)),
            ]
        )
        first = Interview(youth=full, held_on=d(5), decision="REFLEXION")
        first.participants = [InterviewParticipant(role="RDS"), InterviewParticipant(role="PP")]
        latest = Interview(youth=full, held_on=d(19), decision="ENGAGE")
        latest.participants = [
            InterviewParticipant(role="ML", person=advisor),
            InterviewParticipant(role="CPE"),
            InterviewParticipant(role="RDS"),
        ]
        other = Interview(youth=school_pathway, held_on=d(22), decision="ENGAGE")
        other.participants = [InterviewParticipant(role="RDS")]
        session.add_all([first, latest, other])

        pathway = Pathway(
            youth=full,
            mef_code="7034150211",
            start_date=d(1),
            planned_end=d(31, 12),
            abandoned_on=d(20, 10),
            abandon_reason="-Ne vient plus",
            mission_locale=ml_nord,
        )
        pathway.modules = [
            # Mon 8 → Fri 19 September: 10 weekdays; then 15 → Tue 23: adds Mon 22 and Tue 23 → 12.
            PathwayModule(module_type="PFMP", carrier=garage, start_date=d(8), end_date=d(19)),
            PathwayModule(module_type="PFMP", carrier=garage, start_date=d(15), end_date=d(23)),
            PathwayModule(
                module_type="ACCOMPAGNEMENT_ML", carrier=ml_sud, start_date=d(1), end_date=d(31, 12)
            ),
        ]
        lone = Pathway(
            youth=school_pathway,
            mef_code="7034150211",
            start_date=d(29),
            planned_end=d(31, 12),
            mission_locale=ml_nord,
        )
        lone.modules = [PathwayModule(module_type="IMMERSION_CLASSE", start_date=d(29), end_date=d(10, 10))]
        session.add_all([pathway, lone])
        session.add(Exit(youth=full, on=d(20, 10), category="EMPLOI", detail="CDD_MOINS_6M"))
        return full.id, booked_only.id, class_informed.id, school_pathway.id


def test_rows_from_the_database(school_db):
    full_id, booked_id, informed_id, lone_id = build(school_db)
    with school_db.read() as session:
        rows = dict(foquale_rows(session, require_campaign(session, 2025)))
    full = rows[full_id]
    assert list(full) == list(COLUMNS)
    assert full["uai"] == "0759999L" and full["campagne"] == "2025" and len(full["id_jeune"]) == 16
    assert full["nom"] == "" and full["ine"] == ""  # pseudonymised by default
    assert (full["informe"], full["nb_tentatives_contact"], full["contacte"]) == ("O", "2", "O")
    assert full["date_premier_contact"] == "2025-08-27"
    assert (full["entretien_accepte"], full["entretien_realise"], full["date_entretien"]) == (
        "O",
        "O",
        "2025-09-05",
    )
    # The roles of every interview held, in the order of spec §3.1; the latest interview's decision.
    assert full["participants"] == "RDS|PP|CPE|ML"
    assert full["ml_presente"] == "O" and full["decision"] == "ENGAGE"
    assert full["mission_locale"] == "Mission locale Sud"  # the advisor's, not the pathway's «Nord»
    assert full["modules"] == "PFMP|ACCOMPAGNEMENT_ML" and full["nb_modules"] == "3"
    assert full["partenarial"] == "O"  # company + Mission locale
    assert full["jours_pfmp"] == "12"
    assert (full["abandon"], full["date_abandon"], full["motif_abandon"]) == (
        "O",
        "2025-10-20",
        "-Ne vient plus",
    )
    assert (full["sortie"], full["sortie_detail"], full["date_sortie"]) == (
        "EMPLOI",
        "CDD_MOINS_6M",
        "2025-10-20",
    )
    assert full["date_limite_entretiens"] == "2025-09-17"

    booked = rows[booked_id]  # a cancelled booking still counts as accepted, hence contacted
    assert (
        booked["informe"],
        booked["contacte"],
        booked["entretien_accepte"],
        booked["entretien_realise"],
    ) == (
        "N",
        "O",
        "O",
        "N",
    )
    assert (
        booked["date_premier_contact"] == "2025-08-29"
        and booked["decision"] == ""
        and booked["date_entretien"] == ""
    )

    informed = rows[informed_id]  # class information; «Refus d'échanger» is a contact
    assert (informed["informe"], informed["contacte"], informed["entretien_accepte"]) == ("O", "O", "N")

    lone = rows[lone_id]
    assert lone["mission_locale"] == "Mission locale Nord"  # no advisor present: the pathway's reference
    assert (lone["ml_presente"], lone["partenarial"], lone["nb_modules"], lone["jours_pfmp"]) == (
        "N",
        "N",
        "1",
        "0",
    )
    assert lone["sortie"] == "" and lone["abandon"] == "N"


def test_nominative_columns_and_protection(school_db, tmp_path):
    full_id, *_ = build(school_db)
    with school_db.transaction() as session:
        campaign = require_campaign(session, 2025)
        rows = dict(foquale_rows(session, campaign, nominative=True))
    export_foquale(school_db, 2025, tmp_path / "n.csv", nominative=True)
    full = rows[full_id]
    assert (full["ine"], full["nom"], full["prenom"], full["date_naissance"]) == (
        "123456789AB",
        "DURAND",
        "Léa",
        "2006-05-04",
    )
    assert full["telephone"] == "06 12 34 56 78"  # the mobile first, though it is the second number
    assert full["email"] == "lea@example.org"
    text = (tmp_path / "n.csv").read_bytes().decode("utf-8-sig")
    assert ";'-Ne vient plus;" in text  # motif_abandon protected
    assert ";NOËL;" in text  # accents kept
    back = foquale.read_file(tmp_path / "n.csv")
    assert back.problems == [] and back.rows == [rows[k] for k in sorted(rows)]


def test_campaign_report_of_the_hand_built_campaign(school_db):
    build(school_db)
    with school_db.read() as session:
        report, keyed = campaign_report(session, 2025)
    values = report.indicators
    assert (
        values["effectif"],
        values["contactes"],
        values["entretiens_acceptes"],
        values["entretiens_realises"],
    ) == (
        4,
        4,
        3,
        2,  # NOËL's interview makes her contacted and accepted too
    )
    assert (
        values["parcours"] == 2
        and values["taux_abandon"] == 0.5
        and values["part_parcours_partenariaux"] == 0.5
    )
    assert values["part_entretiens_avant_echeance"] == 0.5  # 5 September yes, 22 September no
    assert values["missions_locales"] == 1
    assert report.exits["EMPLOI"] == {"CDD_MOINS_6M": 1}
    assert report.previous == [] and report.document()["etablissements"] == ["0759999L"]


def test_previous_campaigns_for_comparison(school_db):
    build(school_db)
    with school_db.transaction() as session:
        from pae_desktop.core.services.campaigns import ensure_campaign

        earlier = ensure_campaign(session, 2024)
        session.add(Youth(campaign=earlier, pseudonym="", last_name="ANCIEN", first_names="Paul"))
    with school_db.read() as session:
        report, _ = campaign_report(session, 2025)
        rows = dict(foquale_rows(session, require_campaign(session, 2024)))
    assert [year for year, _ in report.previous] == [2024]
    assert report.previous[0][1]["effectif"] == 1 and report.previous[0][1]["taux_contact"] == 0.0
    (old,) = rows.values()
    assert len(old["id_jeune"]) == 16 and old["campagne"] == "2024"  # computed when not stored
    assert old["diplome_prepare"] == "AUTRE" and old["resultat_examen"] == "INCONNU"  # no schooling recorded


def build_edge_cases(db):
    """Youths the grouped and correlated queries must not lose: each edge of the SQL path, and an anonymised one."""
    with db.transaction() as session:
        school = session.scalars(select(School)).one()
        campaign = require_campaign(session, 2025)
        ml = Partner(name="  Mission locale Est  ", type="MISSION_LOCALE")
        session.add(ml)

        def youth(name, **kw):
            y = Youth(campaign=campaign, pseudonym="", last_name=name, first_names="Alex", **kw)
            session.add(y)
            session.flush()
            y.pseudonym = pseudonym(school.secret, y.ine, y.id)
            return y

        no_attempt = youth(
            "SANSAPPEL", schooling=OriginalSchooling(diploma="??", division="", exam_result="X")
        )
        undecided = youth("INDECIS", sex="X")
        several = youth("PLUSIEURS", birth_date=dt.date(2007, 1, 2))
        bare_pathway = youth("NU")
        anonymised = youth("ANONYME", anonymised_at=at(1, 10))
        unnamed = youth("ANCIEN")
        unnamed.pseudonym = ""  # saved before pseudonyms existed: computed the same way

        session.add_all(
            [
                ContactAttempt(youth=undecided, at=at(2, 9, 8), channel="TELEPHONE", result="PAS_DE_REPONSE"),
                ContactAttempt(youth=undecided, at=at(3, 9, 8), channel="TELEPHONE", result="PAS_DE_REPONSE"),
                ContactAttempt(youth=several, at=at(10), channel="TELEPHONE", result="JOINT"),
                ContactAttempt(youth=several, at=at(6, 9, 18), channel="TELEPHONE", result="REFUS_ECHANGER"),
                ContactAttempt(youth=anonymised, at=at(4), channel="TELEPHONE", result="JOINT"),
            ]
        )
        # An interview without decision, and one the same day as a booking made in the evening.
        session.add(Interview(youth=undecided, held_on=d(8), decision=""))
        slot = InterviewSlot(campaign=campaign, starts_at=at(12))
        session.add(slot)
        session.add(SlotBooking(slot=slot, youth=several, booked_at=at(5, 9, 23), cancelled_at=at(6)))
        first = Interview(youth=several, held_on=d(15), decision="REFUS", refusal_reason="Emploi trouvé")
        first.participants = [InterviewParticipant(role="ML", partner=ml), InterviewParticipant(role="DDFPT")]
        same_day = Interview(youth=several, held_on=d(20), decision="REFLEXION", refusal_reason="non lu")
        same_day.participants = [InterviewParticipant(role="AS")]
        latest = Interview(youth=several, held_on=d(20), decision="ENGAGE")  # same day, higher id: the latest
        latest.participants = [
            InterviewParticipant(role="ML", name="sans structure"),
            InterviewParticipant(role="??"),
        ]
        session.add_all([first, same_day, latest])
        session.add(
            Pathway(youth=bare_pathway, mef_code="7034150211", start_date=d(1, 11), planned_end=d(20, 12))
        )
        session.add(
            Exit(youth=bare_pathway, on=d(1, 12), category="EMPLOI", detail="PACEA")
        )  # detail of another category
        session.add(Exit(youth=anonymised, on=d(1, 12), category="INCONNUE", detail="CDI"))
        return (
            no_attempt.id,
            undecided.id,
            several.id,
            bare_pathway.id,
            anonymised.id,
            unnamed.id,
            school.secret,
        )


def test_edge_cases_of_the_rows(school_db):
    no_attempt, undecided, several, bare, anonymised, unnamed, secret = build_edge_cases(school_db)
    with school_db.read() as session:
        campaign = require_campaign(session, 2025)
        rows = dict(foquale_rows(session, campaign))
        light = dict(report_rows(session, campaign))
    row = rows[no_attempt]
    assert (row["nb_tentatives_contact"], row["contacte"], row["date_premier_contact"]) == ("0", "N", "")
    assert (row["diplome_prepare"], row["resultat_examen"], row["informe"]) == ("AUTRE", "INCONNU", "N")
    row = rows[undecided]  # two unanswered calls, then an interview held without decision
    assert (
        row["nb_tentatives_contact"],
        row["contacte"],
        row["entretien_accepte"],
        row["entretien_realise"],
    ) == (
        "2",
        "O",
        "O",
        "O",
    )
    assert (row["date_premier_contact"], row["date_entretien"], row["decision"], row["sexe"]) == (
        "2025-09-08",
        "2025-09-08",
        "",
        "",
    )
    row = rows[several]
    # The first contact is the day of the evening booking (5 Sept.), before the refusal to talk (6) and the call (10).
    assert (row["nb_tentatives_contact"], row["date_premier_contact"], row["date_entretien"]) == (
        "2",
        "2025-09-05",
        "2025-09-15",
    )
    assert row["decision"] == "ENGAGE" and row["motif_refus"] == ""  # the latest of two held the same day
    assert row["participants"] == "DDFPT|AS|ML" and row["ml_presente"] == "O"
    assert row["mission_locale"] == ""  # the latest interview's ML advisor belongs to no structure
    assert row["annee_naissance"] == "2007"
    row = rows[bare]  # a pathway without modules; an exit detail that belongs to another category
    assert (row["date_debut_parcours"], row["modules"], row["nb_modules"], row["jours_pfmp"]) == (
        "2025-11-01",
        "",
        "0",
        "0",
    )
    assert (row["partenarial"], row["mission_locale"], row["sortie"], row["sortie_detail"]) == (
        "N",
        "",
        "EMPLOI",
        "",
    )
    row = rows[anonymised]  # still counted; an unknown exit category is no exit
    assert (row["contacte"], row["sortie"], row["date_sortie"]) == ("O", "", "")
    assert rows[unnamed]["id_jeune"] == pseudonym(secret, "", unnamed)
    # The report's rows are the same rows, restricted to the columns the indicators read.
    assert light == {k: {c: row[c] for c in REPORT_COLUMNS} for k, row in rows.items()}
    assert indicators.compute(light.values()) == indicators.compute(rows.values())


def test_the_report_rows_hold_every_column_the_indicators_read():
    class Recording(dict):
        read: set[str] = set()

        def get(self, key, default=None):
            Recording.read.add(key)
            return super().get(key, default)

        def __getitem__(self, key):
            Recording.read.add(key)
            return super().__getitem__(key)

    from foquale_rows import campaign_a

    rows = [Recording(row) for row in campaign_a()]
    for row in rows:
        for key in indicators.POPULATION:
            indicators.POPULATION[key].test(row)
    indicators.compute(rows)
    indicators.compute(rows, dt.date(2024, 9, 1))
    assert Recording.read and Recording.read <= set(indicators.READS)
    assert set(indicators.READS) <= set(REPORT_COLUMNS)
