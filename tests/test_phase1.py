"""Recording phase 1 «AvenirPro»: workshops, attendance by class, individual interviews, events."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import AuditEvent, Phase1Attendance, Phase1Workshop
from pae_desktop.core.phase1 import phase1_recorded, phase1_summaries
from pae_desktop.core.services import phase1 as p1
from pae_desktop.core.services import phase1_interviews_events as p1b
from pae_desktop.core.services.campaigns import get_campaign
from phase1_data import seed_phase1

TODAY = dt.date(2026, 12, 4)


@pytest.fixture
def data(school_db):
    with school_db.transaction() as session:
        return seed_phase1(session)


def workshop(data, **changes) -> p1.WorkshopForm:
    form = p1.WorkshopForm(
        held_on=dt.date(2025, 11, 13),
        starts_at="9h30",
        duration_minutes=90,
        theme="CV et lettre de motivation",
        operator_id=data.mission_locale,
        advisor_id=data.ml_advisor,
        classes=["TCAP CUI", "TBP MELEC"],
    )
    for key, value in changes.items():
        setattr(form, key, value)
    return form


def create(db, data, **changes) -> int:
    with db.transaction() as session:
        return p1.save_workshop(session, data.campaign_id, workshop(data, **changes)).entity_id


def audit_rows(db, entity: str) -> list[AuditEvent]:
    with db.read() as session:
        return list(session.scalars(select(AuditEvent).where(AuditEvent.entity == entity)))


def test_a_workshop_is_stored_normalised_and_audited(school_db, data):
    workshop_id = create(school_db, data, theme="  CV  et lettre ")
    with school_db.read() as session:
        stored = session.get(Phase1Workshop, workshop_id)
        assert (stored.starts_at, stored.duration_minutes, stored.theme) == ("09:30", 90, "CV et lettre")
        assert [c.division for c in stored.classes] == ["TBP MELEC", "TCAP CUI"]
        rows = p1.list_workshops(session, data.campaign_id)
    assert [(r.operator, r.advisor, r.enrolled, r.attendance_text) for r in rows] == [
        ("Mission locale du Grand Nancy", "Claire Durand", 10, "non saisie (10)")
    ]
    assert [e.action for e in audit_rows(school_db, "phase1_workshop")] == ["create"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"held_on": None}, "La date de l'atelier est obligatoire."),
        ({"held_on": dt.date(2025, 8, 31)}, "du 01/09/2025 au 31/08/2026"),
        ({"held_on": dt.date(2026, 9, 1)}, "année de terminale de la campagne 2026"),
        ({"starts_at": "25:00"}, "L'heure « 25:00 » doit s'écrire HH:MM"),
        ({"duration_minutes": 45}, "dure de 1 à 2 heures"),
        ({"duration_minutes": 150}, "dure de 1 à 2 heures"),
        ({"theme": "  "}, "Le thème de l'atelier est obligatoire."),
        ({"operator_id": None}, "une agence France Travail ou une Mission locale"),
        ({"classes": []}, "Cochez au moins une classe"),
        ({"classes": ["TBP XYZ"]}, "aucun élève en classe de « TBP XYZ »"),
    ],
)
def test_a_bad_workshop_is_refused_in_french_and_nothing_is_written(school_db, data, changes, message):
    with pytest.raises(UserError, match=message.replace("(", r"\(").replace(")", r"\)")):
        create(school_db, data, **changes)
    with school_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Phase1Workshop)) == 0


def test_the_operator_is_france_travail_or_a_mission_locale_and_the_advisor_one_of_theirs(school_db, data):
    with pytest.raises(UserError, match="une agence France Travail ou une Mission locale"):
        create(school_db, data, operator_id=data.company, advisor_id=None)
    with pytest.raises(UserError, match="ne travaille pas pour « France Travail Nancy Nord »"):
        create(school_db, data, operator_id=data.france_travail, advisor_id=data.ml_advisor)
    assert create(school_db, data, operator_id=data.france_travail, advisor_id=None)
    with school_db.read() as session:
        choices = p1.operators(session)
    assert [(c.name, c.advisors) for c in choices] == [
        ("France Travail Nancy Nord", ((data.ft_advisor, "Karim Nguyen"),)),
        ("Mission locale du Grand Nancy", ((data.ml_advisor, "Claire Durand"),)),
    ]


def test_an_update_needs_the_version_loaded_and_a_stale_one_is_refused(school_db, data):
    workshop_id = create(school_db, data)
    with school_db.read() as session:
        form, version = p1.workshop_form(session, workshop_id)
    form.classes = ["TCAP CUI"]  # a change of classes alone must move the version
    with school_db.transaction() as session:
        change = p1.save_workshop(session, data.campaign_id, form, workshop_id, version)
    assert change.fields == ("classes",)
    form.theme = "Autre thème"
    with pytest.raises(UserError) as refused:
        with school_db.transaction() as session:
            p1.save_workshop(session, data.campaign_id, form, workshop_id, version)
    assert str(refused.value) == CONFLICT_MESSAGE
    with school_db.read() as session:
        assert session.get(Phase1Workshop, workshop_id).theme == "CV et lettre de motivation"
        assert session.get(Phase1Workshop, workshop_id).version == version + 1
    updates = [(e.field, e.old_value, e.new_value) for e in audit_rows(school_db, "phase1_workshop")]
    assert ("classes", "TBP MELEC, TCAP CUI", "TCAP CUI") in updates


def test_attendance_replaces_the_class_rows_and_feeds_the_summary(school_db, data):
    workshop_id = create(school_db, data)
    cui, melec = data.classes["TCAP CUI"], data.classes["TBP MELEC"]
    with school_db.transaction() as session:
        p1.set_attendance(session, workshop_id, "TBP MELEC", {y: True for y in melec}, today=TODAY)
        p1.set_attendance(session, workshop_id, "TCAP CUI", {y: True for y in cui}, today=TODAY)
    # Recorded again: the first student absent, the second left out (back to «not recorded»).
    second = {y: True for y in cui[2:]} | {cui[0]: False}
    with school_db.transaction() as session:
        change = p1.set_attendance(session, workshop_id, "TCAP CUI", second, today=TODAY)
        sheet = p1.attendance_sheet(session, workshop_id, "TCAP CUI")
        summaries = phase1_summaries(session, data.campaign_id)
        rows = p1.list_workshops(session, data.campaign_id)
    assert change.fields == (str(cui[0]), str(cui[1]))
    assert {r.youth_id: r.present for r in sheet} == {cui[0]: False, cui[1]: None} | {
        y: True for y in cui[2:]
    }
    assert len(melec) == 5 and all(summaries[y].workshops_attended == 1 for y in melec)
    assert summaries[cui[0]].workshops_attended == 0 and summaries[cui[0]].workshops_held == 1
    assert summaries[cui[2]].text == "1 atelier suivi sur 1 tenu pour sa classe"
    assert rows[0].attendance_text == "8/10 (1 non saisi)"
    logged = audit_rows(school_db, "phase1_attendance")
    assert [e.detail for e in logged][-1] == "classe TCAP CUI : 3 présent(s), 1 absent(s)"
    assert all("Martin" not in e.new_value for e in logged)  # ids only, never names


def test_attendance_is_refused_for_other_classes_and_before_the_workshop(school_db, data):
    workshop_id = create(school_db, data)
    agora = data.classes["TBP AGORA"]
    with pytest.raises(UserError, match="n'est pas prévu pour la classe « TBP AGORA »"):
        with school_db.transaction() as session:
            p1.set_attendance(session, workshop_id, "TBP AGORA", {agora[0]: True}, today=TODAY)
    with pytest.raises(UserError, match="1 élève\\(s\\) ne sont pas de la classe « TCAP CUI »"):
        with school_db.transaction() as session:
            p1.set_attendance(session, workshop_id, "TCAP CUI", {agora[0]: True}, today=TODAY)
    with pytest.raises(UserError, match="n'a pas encore eu lieu"):
        with school_db.transaction() as session:
            p1.set_attendance(session, workshop_id, "TCAP CUI", {}, today=dt.date(2025, 11, 12))
    with school_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Phase1Attendance)) == 0


def test_removing_a_class_drops_its_attendance_and_deleting_drops_everything(school_db, data):
    workshop_id = create(school_db, data)
    melec = data.classes["TBP MELEC"]
    with school_db.transaction() as session:
        p1.set_attendance(session, workshop_id, "TBP MELEC", {y: True for y in melec}, today=TODAY)
        form, version = p1.workshop_form(session, workshop_id)
    form.classes = ["TCAP CUI"]
    with school_db.transaction() as session:
        change = p1.save_workshop(session, data.campaign_id, form, workshop_id, version)
    assert "5 présence(s)" in change.detail
    with school_db.transaction() as session:
        p1.set_attendance(session, workshop_id, "TCAP CUI", {data.classes["TCAP CUI"][0]: True}, today=TODAY)
        p1.delete_workshop(session, workshop_id, version + 1)
    with school_db.read() as session:
        assert session.scalar(select(func.count()).select_from(Phase1Attendance)) == 0
        assert not phase1_recorded(session, data.campaign_id)
    assert [e.action for e in audit_rows(school_db, "phase1_workshop")][-1] == "delete"


def test_a_campaign_without_phase_1_refuses_every_write(school_db, data):
    with school_db.read() as session:
        campaign_2025 = get_campaign(session, 2025).id
    form = workshop(data)
    writes = [
        lambda s: p1.save_workshop(s, campaign_2025, form),
        lambda s: p1b.save_interview(s, campaign_2025, p1b.InterviewForm()),
        lambda s: p1b.save_event(s, campaign_2025, p1b.EventForm()),
    ]
    for write in writes:
        with pytest.raises(
            UserError, match="La campagne 2025 \\(Parcours Ambition Emploi\\) n'a pas de phase 1"
        ):
            with school_db.transaction() as session:
                write(session)
    with school_db.read() as session:
        assert not phase1_recorded(session, campaign_2025)


def test_individual_interviews(school_db, data):
    youth = data.classes["TBP AGORA"][1]
    form = p1b.InterviewForm(
        youth, dt.date(2026, 1, 20), data.france_travail, data.ft_advisor, "Projet : vente"
    )
    with school_db.transaction() as session:
        interview_id = p1b.save_interview(session, data.campaign_id, form).entity_id
    with pytest.raises(UserError, match="Choisissez l'élève"):
        with school_db.transaction() as session:
            p1b.save_interview(
                session, data.campaign_id, p1b.InterviewForm(None, dt.date(2026, 1, 20), data.mission_locale)
            )
    with school_db.read() as session:
        rows = p1b.list_interviews(session, data.campaign_id)
        loaded, version = p1b.interview_form(session, interview_id)
        assert phase1_summaries(session, data.campaign_id)[youth].individual_interview
    assert [(r.division, r.partner, r.advisor) for r in rows] == [
        ("TBP AGORA", "France Travail Nancy Nord", "Karim Nguyen")
    ]
    loaded.note = "Projet : vente, stage trouvé"
    with school_db.transaction() as session:
        assert p1b.save_interview(session, data.campaign_id, loaded, interview_id, version).fields == (
            "note",
        )
    with pytest.raises(UserError, match="modifié ailleurs"):
        with school_db.transaction() as session:
            p1b.delete_interview(session, interview_id, version)
    with school_db.transaction() as session:
        p1b.delete_interview(session, interview_id, version + 1)
    notes = [e for e in audit_rows(school_db, "phase1_interview") if e.field == "note"]
    assert [(e.old_value, e.new_value) for e in notes] == [
        ("(texte)", "(texte)")
    ]  # free text stays out of the log


def test_events_and_their_participants(school_db, data):
    went = data.classes["TCAP CUI"][:3]
    form = p1b.EventForm(dt.date(2026, 3, 12), "FORUM", "Forum de l'alternance", "Nancy", "", went)
    with school_db.transaction() as session:
        event_id = p1b.save_event(session, data.campaign_id, form).entity_id
    with pytest.raises(UserError, match="Choisissez le type d'événement"):
        with school_db.transaction() as session:
            p1b.save_event(session, data.campaign_id, p1b.EventForm(dt.date(2026, 3, 12), kind="BAL"))
    with school_db.read() as session:
        loaded, version = p1b.event_form(session, event_id)
    loaded.participants = went[1:] + [data.classes["TBP MELEC"][0]]
    with school_db.transaction() as session:
        assert p1b.save_event(session, data.campaign_id, loaded, event_id, version).fields == (
            "participants",
        )
    with school_db.read() as session:
        rows = p1b.list_events(session, data.campaign_id)
        summaries = phase1_summaries(session, data.campaign_id)
    assert [(r.kind_label, r.title, r.participants, r.version) for r in rows] == [
        ("Forum de recrutement", "Forum de l'alternance", 3, version + 1)
    ]
    assert went[0] not in summaries and summaries[went[1]].events_attended == 1
    with pytest.raises(UserError, match="ne font pas partie de cette campagne"):
        with school_db.transaction() as session:
            loaded.participants = [999_999]
            p1b.save_event(session, data.campaign_id, loaded, event_id, version + 1)
