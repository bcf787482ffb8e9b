"""Interview slots, bookings and the interview record form, and the stage they feed."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select

from pae_desktop.core.errors import UserError
from pae_desktop.core.models import ContactAttempt, FollowUpEvent, Interview, InterviewSlot, SlotBooking
from pae_desktop.core.services import directory as d
from pae_desktop.core.services import interviews as iv
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import YouthForm, caseload_rows, save_youth
from pae_desktop.core.vocabulary import (
    Barrier,
    ContactChannel,
    ContactResult,
    Decision,
    NextStep,
    Role,
    Stage,
)

TODAY = dt.date(2025, 10, 15)
DAYS = [dt.date(2025, 8, 28), dt.date(2025, 8, 29)] + iv.days_between(
    dt.date(2025, 9, 1), dt.date(2025, 9, 7)
)


@pytest.fixture
def setup(school_db):
    """A Mission locale with two advisors, a referent, and three youths reached by phone."""
    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        ml = d.save_partner(session, d.PartnerForm(name="Mission locale du Grand Nancy"))
        claire = d.save_person(session, d.PersonForm("Durand", "Claire", "ML", ml.id))
        paul = d.save_person(session, d.PersonForm("Roux", "Paul", "ML", ml.id))
        referent = d.save_person(session, d.PersonForm("Martin", "Hélène", "RDS"))
        youths = []
        for last, first in (("Lefèvre", "Zoé"), ("N'Diaye", "Aïssatou"), ("Öztürk", "Emre")):
            result = save_youth(
                session,
                campaign,
                YouthForm(last_name=last, first_names=first, birth_date=dt.date(2006, 5, 4)),
            )
            session.add(
                ContactAttempt(
                    youth_id=result.youth_id,
                    at=dt.datetime(2025, 8, 25, 10),
                    channel=ContactChannel.TELEPHONE.value,
                    result=ContactResult.JOINT.value,
                    next_step=NextStep.ENTRETIEN_PROPOSE.value,
                )
            )
            youths.append(result.youth_id)
        ids = dict(
            campaign=campaign.id,
            ml=ml.id,
            claire=claire.id,
            paul=paul.id,
            referent=referent.id,
            youths=youths,
        )
    return school_db, ids


def series(ids, advisor="claire", days=DAYS, start=dt.time(9), end=dt.time(12), length=45):
    return iv.SlotSeriesForm(
        days=list(days),
        start=start,
        end=end,
        length_minutes=length,
        place="Au lycée, salle 104",
        partner_id=ids["ml"],
        advisor_id=ids[advisor],
    )


def stage_of(db, campaign_id, youth_id, today=TODAY):
    with db.read() as session:
        return next(r for r in caseload_rows(session, campaign_id, today) if r.id == youth_id)


def test_series_creates_every_slot_and_refuses_advisor_conflicts(setup):
    db, ids = setup
    assert len(DAYS) == 7  # 28, 29 August and Monday 1 to Friday 5 September (no weekend)
    with db.transaction() as session:
        result = iv.create_slot_series(session, get_campaign(session, 2025), series(ids))
    assert len(result.slot_ids) == 7 * 4  # 9 h 00, 9 h 45, 10 h 30, 11 h 15
    assert result.warnings == ()
    with pytest.raises(UserError, match="Claire Durand a déjà un créneau"):
        with db.transaction() as session:
            iv.create_slot_series(
                session,
                get_campaign(session, 2025),
                series(
                    ids,
                    days=[dt.date(2025, 9, 3), dt.date(2025, 9, 20)],
                    start=dt.time(11, 30),
                    end=dt.time(13),
                ),
            )
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(InterviewSlot)) == 28  # nothing written
    with db.transaction() as session:  # another advisor at the same time is fine; after the target date warns
        late = iv.create_slot_series(
            session,
            get_campaign(session, 2025),
            series(ids, "paul", days=[dt.date(2025, 9, 3), dt.date(2025, 9, 20)]),
        )
    assert any("date cible" in w for w in late.warnings) and any("samedi" in w for w in late.warnings)
    with db.read() as session:
        week = iv.week_rows(session, ids["campaign"], dt.date(2025, 9, 1))
        later = iv.week_rows(session, ids["campaign"], dt.date(2025, 9, 15))
    assert len(week) == 5 * 4 + 4
    assert all(r.free and r.status == "Libre" for r in week)
    assert week[0].starts_at == dt.datetime(2025, 9, 1, 9) and week[0].time_label == "9 h 00 – 9 h 45"
    assert week[0].advisor_name == "Claire Durand"
    assert not any(r.after_deadline for r in week)
    assert len(later) == 4 and all(r.after_deadline for r in later)


@pytest.mark.parametrize(
    "change, message",
    [
        (dict(days=[]), "au moins un jour"),
        (dict(end=dt.time(8)), "fin doit suivre"),
        (dict(length=5), "durée"),
        (dict(end=dt.time(9, 30)), "plus courte"),
    ],
)
def test_series_validation(setup, change, message):
    db, ids = setup
    form = series(ids, **change)
    with pytest.raises(UserError, match=message):
        with db.transaction() as session:
            iv.create_slot_series(session, get_campaign(session, 2025), form)


def test_booking_moving_cancelling(setup):
    db, ids = setup
    zoe, aissatou, _emre = ids["youths"]
    with db.transaction() as session:
        slots = iv.create_slot_series(session, get_campaign(session, 2025), series(ids)).slot_ids
    with db.read() as session:
        to_book = iv.youths_to_book(session, ids["campaign"], TODAY)
    assert {r.id for r in to_book} == set(ids["youths"]) and all(r.proposed for r in to_book)
    with db.transaction() as session:
        booked = iv.book(session, slots[0], zoe, today=dt.date(2025, 8, 26))
    assert booked.warnings == ()
    assert stage_of(db, ids["campaign"], zoe, dt.date(2025, 8, 27)).stage is Stage.ENTRETIEN_PLANIFIE
    with pytest.raises(UserError, match="déjà réservé pour Zoé LEFÈVRE"):
        with db.transaction() as session:
            iv.book(session, slots[0], aissatou, today=dt.date(2025, 8, 26))
    with pytest.raises(
        UserError, match="Zoé LEFÈVRE a déjà un entretien réservé le jeudi 28 août 2025 à 9 h 00"
    ):
        with db.transaction() as session:
            iv.book(session, slots[1], zoe, today=dt.date(2025, 8, 26))
    with db.read() as session:
        assert zoe not in {r.id for r in iv.youths_to_book(session, ids["campaign"], TODAY)}
    # move: the old booking is kept, cancelled
    with db.transaction() as session:
        moved = iv.move_booking(session, booked.booking_id, slots[5], today=dt.date(2025, 8, 26))
    with db.read() as session:
        old = session.get(SlotBooking, booked.booking_id)
        assert old.cancelled_at is not None and old.cancel_reason.startswith(
            "Déplacé au vendredi 29 août 2025"
        )
        assert session.get(SlotBooking, moved.booking_id).slot_id == slots[5]
        rows = {
            r.id: r
            for r in iv.slot_rows(session, ids["campaign"], dt.date(2025, 8, 28), dt.date(2025, 8, 29))
        }
    assert (
        rows[slots[0]].free
        and rows[slots[5]].youth_name == "LEFÈVRE Zoé"
        and rows[slots[5]].status == "Réservé"
    )
    # the freed slot can be booked by someone else; a booking after the target date warns
    with db.transaction() as session:
        iv.book(session, slots[0], aissatou, today=dt.date(2025, 8, 26))
    with db.transaction() as session:
        late_slot = iv.create_slot_series(
            session, get_campaign(session, 2025), series(ids, "paul", days=[dt.date(2025, 9, 22)])
        ).slot_ids[0]
        late = iv.book(session, late_slot, ids["youths"][2], today=TODAY)
    assert any("après la date cible du 17 septembre 2025" in w for w in late.warnings)
    assert any("déjà passé" in w for w in late.warnings)
    # cancel a booking: kept as cancelled, the stage falls back
    with db.transaction() as session:
        iv.cancel_booking(session, moved.booking_id, "Le jeune a trouvé un emploi")
    with db.read() as session:
        assert (
            session.scalar(select(func.count()).select_from(SlotBooking).where(SlotBooking.youth_id == zoe))
            == 2
        )
    assert stage_of(db, ids["campaign"], zoe).stage is Stage.CONTACTE
    # cancelling a slot cancels its booking, kept
    with db.transaction() as session:
        assert iv.cancel_slot(session, slots[0], "Conseillère absente").youth_id == aissatou
    with db.read() as session:
        booking = session.scalars(select(SlotBooking).where(SlotBooking.youth_id == aissatou)).one()
        assert booking.cancelled_at is not None and booking.cancel_reason == "Conseillère absente"
    with pytest.raises(UserError, match="annulé"):
        with db.transaction() as session:
            iv.book(session, slots[0], zoe, today=dt.date(2025, 8, 26))
    with pytest.raises(UserError, match="réservé"):
        with db.transaction() as session:
            iv.delete_slot(session, slots[0])
    with db.transaction() as session:
        iv.delete_slot(session, slots[10])


def _filled(form: iv.InterviewForm, ids) -> iv.InterviewForm:
    form.situation = "Sans emploi depuis juillet."
    form.project = "APPRENTISSAGE"
    form.trades_sought = "Boulangerie"
    form.area_sought = "Nancy"
    form.barriers = {Barrier.MOBILITE.value, Barrier.SANTE.value}
    form.proposals = "PFMP en boulangerie, accompagnement Mission locale."
    return form


def test_interview_form_validation(setup):
    db, ids = setup
    form = iv.InterviewForm(youth_id=ids["youths"][0], held_on=dt.date(2025, 9, 2))
    assert "participants" in form.errors(TODAY)
    form.participants = [iv.ParticipantForm(Role.RDS.value, ids["referent"])]
    form.decision = Decision.REFUS.value
    form.other_barrier = "Garde d'un parent"
    form.held_on = TODAY + dt.timedelta(days=1)
    problems = form.errors(TODAY)
    assert set(problems) >= {"refusal_reason", "other_barrier", "held_on"}
    form.held_on = dt.date(2025, 9, 2)
    form.decision = Decision.REFLEXION.value
    assert "follow_up_on" in form.errors(TODAY)
    form.follow_up_on = dt.date(2025, 9, 1)
    assert "follow_up_on" in form.errors(TODAY)
    with pytest.raises(UserError, match="relance"):
        with db.transaction() as session:
            iv.save_interview(session, form, today=TODAY)
    with db.read() as session:
        assert session.scalar(select(func.count()).select_from(Interview)) == 0


def test_record_feeds_stage_and_reflection_creates_a_follow_up(setup):
    db, ids = setup
    zoe = ids["youths"][0]
    with db.transaction() as session:
        slots = iv.create_slot_series(session, get_campaign(session, 2025), series(ids)).slot_ids
        iv.book(session, slots[4], zoe, today=dt.date(2025, 8, 26))
    with db.read() as session:
        form = iv.new_interview_form(session, zoe, today=TODAY)
    assert (
        form.slot_id == slots[4]
        and form.held_on == dt.date(2025, 8, 29)
        and form.place == "Au lycée, salle 104"
    )
    assert [(p.role, p.person_id) for p in form.participants] == [(Role.ML.value, ids["claire"])]
    form.participants.insert(0, iv.ParticipantForm(Role.RDS.value, ids["referent"]))
    form.participants.append(iv.ParticipantForm(Role.PP.value, None, "M. Bernard (hors annuaire)"))
    _filled(form, ids)
    with db.transaction() as session:
        saved = iv.save_interview(session, form, today=TODAY)
    assert saved.created and saved.follow_up_id is None
    assert stage_of(db, ids["campaign"], zoe).stage is Stage.ENTRETIEN_REALISE
    with db.read() as session:
        interview = iv.load_interview(session, saved.interview_id)
        assert {b.barrier for b in interview.barriers} == {"MOBILITE", "SANTE"}
        assert interview.participants[1].partner_id == ids["ml"]  # taken from the advisor
        assert iv.slot_rows(session, ids["campaign"], dt.date(2025, 8, 29), dt.date(2025, 8, 29))[
            0
        ].status == ("Entretien saisi")
        form = iv.interview_form(interview)
    # «Souhaite réfléchir»: a follow-up due on the chosen date, in the worklist
    form.decision = Decision.REFLEXION.value
    form.follow_up_on = dt.date(2025, 9, 5)
    with db.transaction() as session:
        saved = iv.save_interview(session, form, saved.interview_id, today=TODAY)
    assert saved.follow_up_id is not None
    row = stage_of(db, ids["campaign"], zoe)
    assert row.stage is Stage.REFLEXION
    assert row.next_action == iv.RELANCE_ACTION and row.next_action_on == dt.date(2025, 9, 5)
    # deciding later closes the reminder; the decision is the stage
    with db.read() as session:
        form = iv.interview_form(iv.load_interview(session, saved.interview_id))
    assert form.follow_up_on == dt.date(2025, 9, 5)
    form.decision = Decision.ENGAGE.value
    form.decided_on = dt.date(2025, 9, 4)
    with db.transaction() as session:
        saved = iv.save_interview(session, form, saved.interview_id, today=TODAY)
    assert "notice_given_on" in saved.field_warnings
    row = stage_of(db, ids["campaign"], zoe)
    assert row.stage is Stage.ENGAGE and row.next_action != iv.RELANCE_ACTION
    with db.read() as session:
        follow = session.scalars(select(FollowUpEvent)).one()
        assert follow.done_on == TODAY
        assert iv.interviews_held_on(session, ids["campaign"], dt.date(2025, 8, 29)) == [saved.interview_id]
        assert iv.latest_interview(session, zoe).id == saved.interview_id
    with pytest.raises(UserError, match="déjà saisi"):
        with db.transaction() as session:
            iv.cancel_slot(session, slots[4])


def test_interview_after_target_date_warns(setup):
    db, ids = setup
    form = _filled(iv.InterviewForm(youth_id=ids["youths"][1], held_on=dt.date(2025, 9, 25)), ids)
    form.participants = [iv.ParticipantForm(Role.RDS.value, ids["referent"])]
    form.decision = Decision.REFUS.value
    form.refusal_reason = "Souhaite travailler tout de suite"
    with db.transaction() as session:
        saved = iv.save_interview(session, form, today=TODAY)
    assert "17 septembre 2025" in saved.field_warnings["held_on"]
    assert "Mission locale" in saved.field_warnings["participants"]
    assert stage_of(db, ids["campaign"], ids["youths"][1]).stage is Stage.REFUS


def test_series_outside_the_campaign_warns(setup):
    db, ids = setup
    with db.transaction() as session:
        result = iv.create_slot_series(
            session, get_campaign(session, 2025), series(ids, days=[dt.date(2026, 3, 3)])
        )
    assert len(result.slot_ids) == 4
    assert any("hors de la campagne 2025" in w for w in result.warnings)
