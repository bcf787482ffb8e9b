"""The contact campaign: attempts and «Injoignable», information actions, exam results, the worklists."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pae_desktop.core import settings
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import (
    Campaign,
    ContactAttempt,
    Interview,
    InterviewSlot,
    OriginalSchooling,
    SlotBooking,
    Youth,
)
from pae_desktop.core.services import contacts
from pae_desktop.core.services.campaigns import ensure_campaign
from pae_desktop.core.services.contacts import AttemptForm, InformationForm, Worklist
from pae_desktop.core.services.youths import stage_of
from pae_desktop.core.vocabulary import ContactResult, ExamResult, Stage
from pae_desktop.core.worklist import CONTACT_LISTS
from pae_desktop.io.spreadsheet import read_csv

NOW = dt.datetime(2026, 9, 1, 10, 0)
TODAY = NOW.date()


def _campaign(session) -> Campaign:
    return session.scalars(select(Campaign).where(Campaign.year == 2025)).one()


def add_youth(session, last: str, division: str = "TMELEC", first: str = "Léa", **extra) -> int:
    campaign = _campaign(session)
    youth = Youth(
        campaign_id=campaign.id,
        pseudonym="x",
        last_name=last,
        first_names=first,
        birth_date=dt.date(2007, 3, 14),
        search_key=last.lower(),
        schooling=OriginalSchooling(division=division, diploma="BAC_PRO"),
        **extra,
    )
    session.add(youth)
    session.flush()
    return youth.id


def attempt(
    session, youth_id: int, at: dt.datetime, result: str, next_step: str = "", next_date=None
) -> None:
    session.add(
        ContactAttempt(
            youth_id=youth_id,
            at=at,
            channel="TELEPHONE",
            result=result,
            next_step=next_step,
            next_date=next_date,
        )
    )
    session.flush()


@pytest.fixture
def campaign_db(school_db):
    return school_db


# --- attempts ------------------------------------------------------------------------------------------------------


def test_an_attempt_is_recorded_and_moves_the_stage(campaign_db):
    with campaign_db.transaction() as session:
        youth_id = add_youth(session, "DUPONT")
        result = contacts.record_attempt(
            session,
            youth_id,
            AttemptForm(
                at=NOW, channel="SMS", result="JOINT", next_step="ENTRETIEN_PROPOSE", note="  Intéressée.  "
            ),
            now=NOW,
        )
        assert (result.stage_before, result.stage, result.failures) == (Stage.REPERE, Stage.CONTACTE, 0)
        (row,) = contacts.attempt_history(session, youth_id)
        assert (row.at, row.channel_label, row.result_label, row.next_step_label, row.note, row.failed) == (
            NOW,
            "SMS",
            "Joint",
            "Entretien proposé",
            "Intéressée.",
            False,
        )


@pytest.mark.parametrize(
    ("form", "message"),
    [
        (AttemptForm(at=NOW + dt.timedelta(hours=2)), "datée dans le futur"),
        (AttemptForm(at=NOW, channel="PIGEON"), "Choisissez le canal"),
        (AttemptForm(at=NOW, result="PEUT_ETRE"), "Choisissez le résultat"),
        (AttemptForm(at=NOW, next_step="A_RELANCER"), "Indiquez la date à laquelle relancer."),
        (
            AttemptForm(at=NOW, next_step="A_RELANCER", next_date=TODAY - dt.timedelta(days=1)),
            "La date de relance précède la tentative.",
        ),
        (AttemptForm(at=NOW, result="REFUS_ECHANGER", next_step="ENTRETIEN_PROPOSE"), "refuse d'échanger"),
        (AttemptForm(at=NOW, note="x" * 10_001), "limitée à 10000 caractères"),
        (AttemptForm(at=NOW, note="a\x00b"), "caractère nul"),
    ],
)
def test_bad_attempts_are_refused_and_nothing_written(campaign_db, form, message):
    with campaign_db.transaction() as session:
        youth_id = add_youth(session, "DUPONT")
    with pytest.raises(UserError, match=message), campaign_db.transaction() as session:
        contacts.record_attempt(session, youth_id, form, now=NOW)
    with campaign_db.read() as session:
        assert contacts.attempt_history(session, youth_id) == []


def test_the_recontact_date_is_kept_only_with_a_relance(campaign_db):
    with campaign_db.transaction() as session:
        youth_id = add_youth(session, "DUPONT")
        later = TODAY + dt.timedelta(days=3)
        contacts.record_attempt(
            session, youth_id, AttemptForm(at=NOW, result="PAS_DE_REPONSE", next_date=later), now=NOW
        )
        contacts.record_attempt(
            session,
            youth_id,
            AttemptForm(
                at=NOW + dt.timedelta(minutes=5),
                result="MESSAGE_LAISSE",
                next_step="A_RELANCER",
                next_date=later,
            ),
            now=NOW + dt.timedelta(minutes=5),
        )
        latest, first = contacts.attempt_history(session, youth_id)
        assert first.next_date is None
        assert latest.next_step_label == f"À relancer le {later:%d/%m/%Y}"


@pytest.mark.parametrize("threshold", [3, 2])
def test_unreachable_after_n_failures_undone_by_a_later_success(campaign_db, threshold):
    with campaign_db.transaction() as session:
        settings.put(session, settings.UNREACHABLE_AFTER, threshold)
        youth_id = add_youth(session, "DUPONT")
        results = []
        for minutes, result in enumerate(["PAS_DE_REPONSE", "MESSAGE_LAISSE", "COORDONNEES_ERRONEES"]):
            at = NOW + dt.timedelta(minutes=minutes)
            results.append(
                contacts.record_attempt(session, youth_id, AttemptForm(at=at, result=result), now=at)
            )
        stages = [r.stage for r in results]
        expected = [Stage.REPERE] * (threshold - 1) + [Stage.INJOIGNABLE] * (4 - threshold)
        assert stages == expected
        assert [r.became_unreachable for r in results].count(True) == 1
        at = NOW + dt.timedelta(minutes=10)
        success = contacts.record_attempt(session, youth_id, AttemptForm(at=at, result="JOINT"), now=at)
        assert (success.stage, success.failures) == (Stage.CONTACTE, 0)


def test_editing_and_deleting_an_attempt(campaign_db):
    with campaign_db.transaction() as session:
        youth_id = add_youth(session, "DUPONT")
        attempt_id = contacts.record_attempt(
            session, youth_id, AttemptForm(at=NOW, result="PAS_DE_REPONSE"), now=NOW
        ).attempt_id
        form = contacts.attempt_form(session.get(ContactAttempt, attempt_id))
        form.result = "JOINT"
        contacts.update_attempt(session, attempt_id, form, now=NOW)
        assert stage_of(session, session.get(Youth, youth_id), TODAY) is Stage.CONTACTE
        contacts.delete_attempt(session, attempt_id)
        assert contacts.attempt_history(session, youth_id) == []


def test_a_new_attempt_reuses_the_previous_channel(campaign_db):
    with campaign_db.transaction() as session:
        youth_id = add_youth(session, "DUPONT")
        assert contacts.new_attempt_form(session, youth_id, NOW).channel == "TELEPHONE"
        contacts.record_attempt(
            session, youth_id, AttemptForm(at=NOW, channel="COURRIEL", result="JOINT"), now=NOW
        )
        form = contacts.new_attempt_form(session, youth_id, NOW + dt.timedelta(seconds=42))
        assert (form.channel, form.at) == ("COURRIEL", NOW)


def test_contact_card(campaign_db):
    with campaign_db.transaction() as session:
        youth_id = add_youth(
            session, "dupont", first="Léa Marie", phone="06 12 34 56 78", phone_raw="0612345678"
        )
        attempt(session, youth_id, NOW, "PAS_DE_REPONSE")
        card = contacts.contact_card(session, youth_id, TODAY)
    assert (card.name, card.division, card.phones, card.stage, card.failures, card.unreachable_after) == (
        "DUPONT Léa",
        "TMELEC",
        ("06 12 34 56 78",),
        Stage.REPERE,
        1,
        3,
    )


# --- information actions ---------------------------------------------------------------------------------------------


def test_information_for_classes_a_selection_and_one_youth_in_one_step(campaign_db):
    with campaign_db.transaction() as session:
        campaign_id = _campaign(session).id
        a = add_youth(session, "A", "TMELEC")
        b = add_youth(session, "B", "TMELEC")
        c = add_youth(session, "C", "2CAPCUI")
        d = add_youth(session, "D", "TASSP")
        on = dt.date(2026, 6, 15)
        ids = contacts.record_information(
            session,
            campaign_id,
            InformationForm(on=on),
            divisions=["TMELEC", "TMELEC"],
            youth_ids=[c],
            today=TODAY,
        )
        assert len(ids.ids["information_action"]) == 2
        stages = {y: stage_of(session, session.get(Youth, y), TODAY) for y in (a, b, c, d)}
        assert stages == {a: Stage.INFORME, b: Stage.INFORME, c: Stage.INFORME, d: Stage.REPERE}
        contacts.record_information(
            session,
            campaign_id,
            InformationForm(on=on, kind="DEPLIANT", note="Remis en main propre"),
            youth_ids=[d],
            today=TODAY,
        )
        assert stage_of(session, session.get(Youth, d), TODAY) is Stage.INFORME
        rows = contacts.information_actions(session, campaign_id)
        assert sorted((r.kind_label, r.target) for r in rows) == [
            ("Dépliant remis", "1 jeune(s)"),
            ("Information collective", "1 jeune(s)"),
            ("Information collective", "Classe TMELEC"),
        ]
        assert [r.target for r in contacts.information_actions(session, campaign_id, youth_id=a)] == [
            "Classe TMELEC"
        ]
        assert contacts.class_counts(session, campaign_id) == [("2CAPCUI", 1), ("TASSP", 1), ("TMELEC", 2)]


@pytest.mark.parametrize(
    ("form", "targets", "message"),
    [
        (InformationForm(on=TODAY + dt.timedelta(days=1)), {"divisions": ["TMELEC"]}, "datée dans le futur"),
        (InformationForm(on=TODAY, kind="AFFICHE"), {"divisions": ["TMELEC"]}, "Choisissez le type"),
        (InformationForm(on=TODAY), {}, "au moins une classe ou un jeune"),
        (
            InformationForm(on=TODAY),
            {"divisions": ["TINCONNUE"]},
            "Classe inconnue dans cette campagne : TINCONNUE",
        ),
    ],
)
def test_bad_information_actions_are_refused(campaign_db, form, targets, message):
    with campaign_db.transaction() as session:
        campaign_id = _campaign(session).id
        add_youth(session, "A", "TMELEC")
    with pytest.raises(UserError, match=message), campaign_db.transaction() as session:
        contacts.record_information(session, campaign_id, form, today=TODAY, **targets)
    with campaign_db.read() as session:
        assert contacts.information_actions(session, campaign_id) == []


def test_information_refuses_youths_of_another_campaign(campaign_db):
    with campaign_db.transaction() as session:
        campaign_id = _campaign(session).id
        other = ensure_campaign(session, 2026)
        stranger = Youth(campaign_id=other.id, pseudonym="x", last_name="AUTRE")
        session.add(stranger)
        session.flush()
        stranger_id = stranger.id
    with (
        pytest.raises(UserError, match="n'appartiennent pas à cette campagne"),
        campaign_db.transaction() as session,
    ):
        contacts.record_information(
            session, campaign_id, InformationForm(on=TODAY), youth_ids=[stranger_id], today=TODAY
        )


# --- exam results --------------------------------------------------------------------------------------------------


def test_exam_results_class_by_class(campaign_db):
    with campaign_db.transaction() as session:
        campaign_id = _campaign(session).id
        a = add_youth(session, "A", "TMELEC")
        b = add_youth(session, "B", "TMELEC")
        add_youth(session, "C", "2CAPCUI")
        grid = contacts.class_results(session, campaign_id, "TMELEC")
        assert [(r.name, r.exam_result) for r in grid] == [("A Léa", "INCONNU"), ("B Léa", "INCONNU")]
        assert contacts.save_exam_results(session, campaign_id, {a: "ADMIS", b: "INCONNU"}).count == 1
        assert contacts.save_exam_results(session, campaign_id, {a: "ADMIS"}).count == 0
        assert [r.exam_result for r in contacts.class_results(session, campaign_id, "TMELEC")] == [
            "ADMIS",
            "INCONNU",
        ]
        assert len(contacts.class_results(session, campaign_id)) == 3
    with (
        pytest.raises(UserError, match="Résultat d'examen inconnu : MENTION"),
        campaign_db.transaction() as session,
    ):
        contacts.save_exam_results(session, campaign_id, {b: "AJOURNE", a: "MENTION"})
    with campaign_db.read() as session:
        assert session.get(Youth, b).schooling.exam_result == "INCONNU"  # refused whole


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Admis", ExamResult.ADMIS),
        ("ADMISE", ExamResult.ADMIS),
        ("Admis mention Bien", ExamResult.ADMIS),
        ("Ajourné(e)", ExamResult.AJOURNE),
        ("Refusé", ExamResult.AJOURNE),
        ("absent", ExamResult.ABSENT),
        ("En attente", ExamResult.EN_ATTENTE),
        ("", ExamResult.INCONNU),
        ("Peut-être", None),
    ],
)
def test_result_words(text, code):
    assert contacts.exam_result_of(text) == code


def test_exam_results_from_a_spreadsheet(campaign_db):
    with campaign_db.transaction() as session:
        campaign_id = _campaign(session).id
        a = add_youth(session, "DUPONT", ine="090123456CA")
        b = add_youth(session, "MARTIN", first="Léo")
        table = read_csv(
            (
                "INE;Nom;Prénom;Né(e) le;Décision du jury\n"
                "090123456CA;;;;Admis\n"
                ";Martin;Léo;14/03/2007;Ajourné\n"
                ";INCONNU;Zoé;01/01/2007;Admis\n"
                ";Martin;Léo;14/03/2007;Mention\n"
            ).encode(),
            "resultats.csv",
        )
        found = contacts.results_from_table(session, campaign_id, table)
        assert found.matched == {a: "ADMIS", b: "AJOURNE"}
        assert found.unmatched == ["ligne 4 : INCONNU Zoé"]
        assert found.unreadable == ["ligne 5 : « Mention »"]
        assert contacts.save_exam_results(session, campaign_id, found.matched).count == 2
    with pytest.raises(UserError, match="pas de colonne « Résultat »"), campaign_db.read() as session:
        contacts.results_from_table(session, campaign_id, read_csv(b"INE;Nom\n1;2\n", "x.csv"))


# --- worklists -------------------------------------------------------------------------------------------------------


def test_worklists_put_each_youth_in_one_list(campaign_db):
    day = dt.timedelta(days=1)
    with campaign_db.transaction() as session:
        campaign = _campaign(session)
        ids = {
            name: add_youth(session, name)
            for name in (
                "JAMAIS",
                "UNEFOIS",
                "RELANCE",
                "RETARD",
                "PLUSTARD",
                "INJOIGNABLE",
                "JOINT",
                "PASSE",
                "FUTUR",
                "VU",
                "PARTI",
            )
        }
        attempt(session, ids["UNEFOIS"], NOW - day, "PAS_DE_REPONSE")
        attempt(session, ids["RELANCE"], NOW - day, "MESSAGE_LAISSE", "A_RELANCER", TODAY)
        attempt(session, ids["RETARD"], NOW - 5 * day, "JOINT", "A_RELANCER", TODAY - 2 * day)
        attempt(session, ids["PLUSTARD"], NOW - day, "PAS_DE_REPONSE", "A_RELANCER", TODAY + 3 * day)
        for hours in (1, 2, 3):
            attempt(session, ids["INJOIGNABLE"], NOW - dt.timedelta(hours=hours), "PAS_DE_REPONSE")
        attempt(session, ids["JOINT"], NOW - day, "JOINT", "ENTRETIEN_PROPOSE")
        for name, start in (("PASSE", NOW - 2 * day), ("FUTUR", NOW + 2 * day), ("VU", NOW - 3 * day)):
            attempt(session, ids[name], NOW - 6 * day, "JOINT")
            slot = InterviewSlot(campaign_id=campaign.id, starts_at=start)
            session.add(slot)
            session.flush()
            session.add(SlotBooking(slot_id=slot.id, youth_id=ids[name], booked_at=NOW - 5 * day))
        session.add(Interview(youth_id=ids["VU"], held_on=TODAY - 3 * day))
        session.get(Youth, ids["PARTI"]).left_school_on = dt.date(2026, 6, 8)
        session.flush()
        lists = contacts.worklists(session, campaign.id, TODAY, NOW)
    contact = {key: lists.items[key] for key in CONTACT_LISTS}  # one contact list at most per youth
    names = {key: [item.name.split(" ")[0] for item in items] for key, items in contact.items()}
    assert names == {
        Worklist.A_CONTACTER: ["JAMAIS", "UNEFOIS"],
        Worklist.A_RELANCER: ["RETARD", "RELANCE"],
        Worklist.INJOIGNABLES: ["INJOIGNABLE"],
        Worklist.ENTRETIEN_A_PROPOSER: ["JOINT"],
        Worklist.ENTRETIEN_A_SAISIR: ["PASSE"],
    }
    details = {item.name.split(" ")[0]: item.detail for items in contact.values() for item in items}
    assert details["JAMAIS"] == "Jamais contacté(e)"
    assert details["UNEFOIS"] == "1 tentative sans réponse"
    assert details["RELANCE"] == "Relance"
    assert details["RETARD"] == f"Relance (prévue le {TODAY - 2 * day:%d/%m})"
    assert details["INJOIGNABLE"] == "3 tentatives sans réponse"
    past = NOW - 2 * day
    assert details["PASSE"] == f"Entretien du {past:%d/%m} à {past.hour} h {past.minute:02d} à saisir"
    assert lists.counts[Worklist.A_CONTACTER] == 2
    assert lists.interview_deadline == dt.date(2025, 9, 17)
    assert lists.days_left == (dt.date(2025, 9, 17) - TODAY).days


def test_days_left_before_the_interview_target_date(campaign_db):
    with campaign_db.read() as session:
        campaign_id = _campaign(session).id
        lists = contacts.worklists(session, campaign_id, dt.date(2025, 8, 28), dt.datetime(2025, 8, 28, 9))
    assert lists.days_left == 20
    assert all(count == 0 for count in lists.counts.values())


def test_worklists_follow_the_unreachable_setting(campaign_db):
    with campaign_db.transaction() as session:
        campaign_id = _campaign(session).id
        youth_id = add_youth(session, "DEUXFOIS")
        for hours in (1, 2):
            attempt(session, youth_id, NOW - dt.timedelta(hours=hours), ContactResult.PAS_DE_REPONSE.value)
        assert contacts.worklists(session, campaign_id, TODAY, NOW).counts[Worklist.INJOIGNABLES] == 0
        settings.put(session, settings.UNREACHABLE_AFTER, 2)
        assert contacts.worklists(session, campaign_id, TODAY, NOW).counts[Worklist.INJOIGNABLES] == 1


def test_worklists_on_the_demo_school(demo_db):
    with demo_db.read() as session:
        campaign = session.scalars(select(Campaign)).one()
        lists = contacts.worklists(session, campaign.id, dt.date(2025, 9, 1), dt.datetime(2025, 9, 1, 8))
        listed = [item.youth_id for name in CONTACT_LISTS for item in lists.items[name]]
        assert len(listed) == len(set(listed))
        for item in lists.items[Worklist.INJOIGNABLES]:
            assert (
                stage_of(session, session.get(Youth, item.youth_id), dt.date(2025, 9, 1)) is Stage.INJOIGNABLE
            )
        for item in lists.items[Worklist.A_RELANCER]:
            assert item.due <= dt.date(2025, 9, 1)
        assert listed
