"""Two people on one interview, slot or booking: the second save is refused with the conflict message,
nothing is written, and the operations return what they changed. On SQLite and, with
PAE_TEST_DATABASE_URL, PostgreSQL; the last tests run each save in its own process."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

import pae_desktop
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import AuditEvent, Interview, InterviewSlot, SlotBooking
from pae_desktop.core.operations import INTERVIEWS, SLOTS, YOUTHS
from pae_desktop.core.services import directory as d
from pae_desktop.core.services import interviews as iv
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.core.vocabulary import Barrier, Role

TODAY = dt.date(2025, 10, 15)
BOOKED_ON = dt.date(2025, 8, 26)


@pytest.fixture
def setup(school_db):
    """A Mission locale and its advisor, four slots on 2 September 2025, two youths, an interview for the first."""
    with school_db.transaction() as session:
        campaign = get_campaign(session, 2025)
        ml = d.save_partner(session, d.PartnerForm(name="Mission locale du Grand Nancy"))
        claire = d.save_person(session, d.PersonForm("Durand", "Claire", "ML", ml.id))
        form = iv.SlotSeriesForm(
            days=[dt.date(2025, 9, 2)], place="Au lycée", partner_id=ml.id, advisor_id=claire.id
        )
        slots = iv.create_slot_series(session, campaign, form).slot_ids
        youths = [
            save_youth(session, campaign, YouthForm(last_name=name, first_names="Zoé")).youth_id
            for name in ("Lefèvre", "Martin")
        ]
        record = iv.new_interview_form(session, youths[0], slots[0], today=TODAY)
        record.participants.append(iv.ParticipantForm(Role.RDS.value, None, "Hélène Martin"))
        interview_id = iv.save_interview(session, record, today=TODAY).interview_id
    return school_db, dict(slots=slots, youths=youths, interview=interview_id, advisor=claire.id)


def opened_interview(db, interview_id):
    """What the form holds after loading the record: its values and the version it read."""
    with db.read() as session:
        interview = iv.load_interview(session, interview_id)
        return iv.interview_form(interview), interview.version


def save_interview(db, form, interview_id, version):
    with db.transaction() as session:
        return iv.save_interview(session, form, interview_id, TODAY, version=version)


def slot_version(db, slot_id):
    with db.read() as session:
        return session.get(InterviewSlot, slot_id).version


# --- the interview -------------------------------------------------------------------------------------------


def test_two_people_on_one_interview_the_second_save_is_refused(setup):
    db, ids = setup
    mine, version = opened_interview(db, ids["interview"])
    theirs, same = opened_interview(db, ids["interview"])
    theirs.situation = "Cherche un apprentissage."
    result = save_interview(db, theirs, ids["interview"], same)
    assert result.versions["interview"] > version
    assert {INTERVIEWS, YOUTHS, SLOTS} <= result.topics and result.ids["interview"] == (ids["interview"],)
    mine.notes = "Rappeler la famille"
    with pytest.raises(UserError) as refused:
        save_interview(db, mine, ids["interview"], version)
    assert str(refused.value) == CONFLICT_MESSAGE
    now, _ = opened_interview(db, ids["interview"])
    assert now.situation == "Cherche un apprentissage." and now.notes == ""  # nothing overwritten


def test_participants_or_barriers_alone_move_the_interviews_version(setup):
    db, ids = setup
    mine, version = opened_interview(db, ids["interview"])
    theirs, _ = opened_interview(db, ids["interview"])
    theirs.barriers = {Barrier.MOBILITE.value}
    assert save_interview(db, theirs, ids["interview"], version).versions["interview"] > version
    mine.participants = mine.participants[:1]
    with pytest.raises(UserError, match="modifié ailleurs"):
        save_interview(db, mine, ids["interview"], version)
    again, fresh = opened_interview(db, ids["interview"])
    assert len(again.participants) == 2 and again.barriers == {Barrier.MOBILITE.value}
    again.participants = again.participants[:1]
    assert save_interview(db, again, ids["interview"], fresh).versions["interview"] > fresh
    _, after = opened_interview(db, ids["interview"])
    # saving the very same values changes nothing, and keeps the version
    unchanged, _ = opened_interview(db, ids["interview"])
    assert save_interview(db, unchanged, ids["interview"], after).versions["interview"] == after


def test_two_sessions_saving_the_interview_at_the_same_moment(setup):
    """Both passed the version check: the row's version refuses the second UPDATE."""
    db, ids = setup
    with pytest.raises(UserError) as refused:
        with db.transaction() as first:
            interview = iv.load_interview(first, ids["interview"])
            version = interview.version
            mine = iv.interview_form(interview)
            with db.transaction() as second:
                theirs = iv.interview_form(iv.load_interview(second, ids["interview"]))
                theirs.place = "Mission locale"
                iv.save_interview(second, theirs, ids["interview"], TODAY, version=version)
            mine.place = "Salle 12"
            iv.save_interview(first, mine, ids["interview"], TODAY, version=version)
    assert str(refused.value) == CONFLICT_MESSAGE
    assert opened_interview(db, ids["interview"])[0].place == "Mission locale"


def test_deleting_a_stale_interview_is_refused_then_audited(setup):
    db, ids = setup
    form, version = opened_interview(db, ids["interview"])
    form.notes = "Vu"
    save_interview(db, form, ids["interview"], version)
    with pytest.raises(UserError, match="modifié ailleurs"):
        with db.transaction() as session:
            iv.delete_interview(session, ids["interview"], version)
    _, fresh = opened_interview(db, ids["interview"])
    with db.transaction() as session:
        result = iv.delete_interview(session, ids["interview"], fresh)
    assert INTERVIEWS in result.topics and result.ids["interview"] == (ids["interview"],)
    with db.read() as session:
        assert session.get(Interview, ids["interview"]) is None
        actions = [(e.action, e.entity) for e in session.scalars(select(AuditEvent))]
    assert ("delete", "interview") in actions


# --- slots ---------------------------------------------------------------------------------------------------


def test_two_people_on_one_slot_the_second_edit_is_refused(setup):
    db, ids = setup
    slot_id = ids["slots"][2]
    with db.read() as session:
        slot = iv.get_slot(session, slot_id)
        mine, version = iv.slot_form(slot), slot.version
    theirs = iv.SlotForm(**{**mine.__dict__, "place": "Mission locale, 2e étage"})
    with db.transaction() as session:
        result = iv.update_slot(session, slot_id, version, theirs)
    assert result.topics == {SLOTS} and result.versions["interview_slot"] == version + 1
    mine.note = "Apporter le CV"
    for act in (
        lambda s: iv.update_slot(s, slot_id, version, mine),
        lambda s: iv.cancel_slot(s, slot_id, "Absente", version),
        lambda s: iv.delete_slot(s, slot_id, version),
        lambda s: iv.book(s, slot_id, ids["youths"][1], BOOKED_ON, slot_version=version),
    ):
        with pytest.raises(UserError) as refused:
            with db.transaction() as session:
                act(session)
        assert str(refused.value) == CONFLICT_MESSAGE
    with db.read() as session:
        slot = session.get(InterviewSlot, slot_id)
        assert (slot.place, slot.note, slot.cancelled_at, slot.bookings) == (
            "Mission locale, 2e étage",
            "",
            None,
            [],
        )
        assert ("update", "place") in [(e.action, e.field) for e in session.scalars(select(AuditEvent))]


def test_slot_edit_refuses_the_advisors_other_slot_and_warns_the_booked_youth(setup):
    db, ids = setup
    first, second = ids["slots"][2], ids["slots"][3]
    with db.transaction() as session:
        iv.book(session, first, ids["youths"][1], BOOKED_ON)
    with db.read() as session:
        slot = iv.get_slot(session, first)
        form, version = iv.slot_form(slot), slot.version
        busy = iv.get_slot(session, second).starts_at
    form.starts_at = busy
    with pytest.raises(UserError, match="Claire Durand a déjà un créneau"):
        with db.transaction() as session:
            iv.update_slot(session, first, version, form)
    form.starts_at = dt.datetime(2025, 9, 3, 14)
    with db.transaction() as session:
        result = iv.update_slot(session, first, version, form)
    assert YOUTHS in result.topics and any("prévenez le jeune" in w for w in result.warnings)


# --- bookings ------------------------------------------------------------------------------------------------


def test_two_people_booking_the_same_slot(setup):
    db, ids = setup
    slot_id = ids["slots"][1]
    seen = slot_version(db, slot_id)
    with db.transaction() as session:
        booked = iv.book(session, slot_id, ids["youths"][1], BOOKED_ON, slot_version=seen)
    assert booked.topics == {SLOTS, YOUTHS} and booked.ids["slot_booking"] == (booked.booking_id,)
    assert slot_version(db, slot_id) > seen  # the slot's version moves with its bookings
    with pytest.raises(UserError, match="modifié ailleurs"):
        with db.transaction() as session:
            iv.book(session, slot_id, ids["youths"][0], BOOKED_ON, slot_version=seen)


def test_a_stale_booking_is_neither_cancelled_nor_moved(setup):
    db, ids = setup
    slot_id, other = ids["slots"][1], ids["slots"][3]
    with db.transaction() as session:
        booking_id = iv.book(session, slot_id, ids["youths"][1], BOOKED_ON).booking_id
    with db.read() as session:
        version = session.get(SlotBooking, booking_id).version
    with db.transaction() as session:  # a colleague moves it, then moves it back
        moved = iv.move_booking(session, booking_id, other, BOOKED_ON, version=version)
    assert set(moved.ids["slot_booking"]) == {booking_id, moved.booking_id}
    with pytest.raises(UserError, match="modifié ailleurs"):
        with db.transaction() as session:
            iv.cancel_booking(session, booking_id, "Trouvé un emploi", version)
    with db.read() as session:
        fresh = session.get(SlotBooking, moved.booking_id).version
    with pytest.raises(UserError, match="modifié ailleurs"):
        with db.transaction() as session:
            iv.move_booking(
                session,
                moved.booking_id,
                slot_id,
                BOOKED_ON,
                version=fresh,
                slot_version=slot_version(db, slot_id) - 1,
            )
    with db.transaction() as session:
        result = iv.cancel_booking(session, moved.booking_id, "Trouvé un emploi", fresh)
    assert result.topics == {SLOTS, YOUTHS}
    with db.read() as session:
        assert session.get(SlotBooking, moved.booking_id).cancel_reason == "Trouvé un emploi"


# --- two processes -------------------------------------------------------------------------------------------

SAVE_IN_ANOTHER_PROCESS = """
import json, sys
from pae_desktop.core.errors import UserError
from pae_desktop.core.services import interviews as iv
from pae_desktop.storage.database import open_database

kind, folder, url, record_id, version, value = sys.argv[1:]
db = open_database(folder, url)
try:
    with db.transaction() as session:
        if kind == "interview":
            form = iv.interview_form(iv.load_interview(session, int(record_id)))
            form.notes = value
            result = iv.save_interview(session, form, int(record_id), version=int(version))
            print(json.dumps({"saved": result.versions["interview"]}))
        else:
            form = iv.slot_form(iv.get_slot(session, int(record_id)))
            form.place = value
            result = iv.update_slot(session, int(record_id), int(version), form)
            print(json.dumps({"saved": result.versions["interview_slot"]}))
except UserError as error:
    print(json.dumps({"refused": str(error)}))
finally:
    db.close()
"""


def save_in_another_process(db, tmp_path, kind, record_id, version, value) -> dict:
    """One workstation (its own data folder and lock) opening the same database, saving, and exiting."""
    folder = tmp_path / f"poste-{value}"
    src = str(Path(pae_desktop.__file__).parents[1])
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, (src, os.environ.get("PYTHONPATH"))))}
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            SAVE_IN_ANOTHER_PROCESS,
            kind,
            str(folder),
            db.url,
            str(record_id),
            str(version),
            value,
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("kind", ["interview", "slot"])
def test_two_processes_on_one_record_the_second_save_is_refused(setup, tmp_path, kind):
    db, ids = setup
    record_id = ids["interview"] if kind == "interview" else ids["slots"][3]
    with db.read() as session:
        model = Interview if kind == "interview" else InterviewSlot
        version = session.get(model, record_id).version
    first = save_in_another_process(db, tmp_path, kind, record_id, version, "Premier")
    second = save_in_another_process(db, tmp_path, kind, record_id, version, "Second")
    assert first == {"saved": version + 1}
    assert second == {"refused": CONFLICT_MESSAGE}
    with db.read() as session:
        record = session.get(model, record_id)
        assert (record.notes if kind == "interview" else record.place) == "Premier"
