"""Interviews with the Missions locales: slot series, week view, bookings, the interview record, the `.ics`.

One module per section; every public name is importable from here, as it was from the single module.
The operations (`create_slot_series`, `update_slot`, `cancel_slot`, `delete_slot`, `book`, `cancel_booking`,
`move_booking`, `save_interview`, `delete_interview`, `export_partner_calendar`) take the version of each
record the user loaded, write the audit, and return `core.operations.Changes`.
"""

from pae_desktop.core.services.interviews.bookings import (
    BOOKING_GONE,
    BookingResult,
    book,
    cancel_booking,
    get_booking,
    move_booking,
)
from pae_desktop.core.services.interviews.calendar import export_partner_calendar, partner_events
from pae_desktop.core.services.interviews.candidates import (
    NOT_REACHED_YET,
    TO_BOOK,
    CandidateRow,
    youths_to_book,
)
from pae_desktop.core.services.interviews.queries import interviews_held_on, latest_booking, latest_interview
from pae_desktop.core.services.interviews.record import (
    DEFAULT_REFLECTION_DAYS,
    INTERVIEW_GONE,
    MAX_SHORT,
    MAX_TEXT,
    MODALITIES,
    RELANCE_ACTION,
    InterviewForm,
    ParticipantForm,
    interview_form,
    load_interview,
    new_interview_form,
)
from pae_desktop.core.services.interviews.saving import InterviewSaveResult, delete_interview, save_interview
from pae_desktop.core.services.interviews.slots import (
    MAX_LENGTH,
    MAX_SLOTS_PER_SERIES,
    MIN_LENGTH,
    SLOT_GONE,
    SeriesResult,
    SlotCancelResult,
    SlotForm,
    SlotSeriesForm,
    active_booking,
    cancel_slot,
    create_slot_series,
    days_between,
    delete_slot,
    get_slot,
    slot_form,
    update_slot,
)
from pae_desktop.core.services.interviews.week import SlotRow, first_week_with_slots, slot_rows, week_rows

__all__ = [
    "BOOKING_GONE",
    "DEFAULT_REFLECTION_DAYS",
    "INTERVIEW_GONE",
    "MAX_LENGTH",
    "MAX_SHORT",
    "MAX_SLOTS_PER_SERIES",
    "MAX_TEXT",
    "MIN_LENGTH",
    "MODALITIES",
    "NOT_REACHED_YET",
    "RELANCE_ACTION",
    "SLOT_GONE",
    "TO_BOOK",
    "BookingResult",
    "CandidateRow",
    "InterviewForm",
    "InterviewSaveResult",
    "ParticipantForm",
    "SeriesResult",
    "SlotCancelResult",
    "SlotForm",
    "SlotRow",
    "SlotSeriesForm",
    "active_booking",
    "book",
    "cancel_booking",
    "cancel_slot",
    "create_slot_series",
    "days_between",
    "delete_interview",
    "delete_slot",
    "export_partner_calendar",
    "first_week_with_slots",
    "get_booking",
    "get_slot",
    "interview_form",
    "interviews_held_on",
    "latest_booking",
    "latest_interview",
    "load_interview",
    "move_booking",
    "new_interview_form",
    "partner_events",
    "save_interview",
    "slot_form",
    "slot_rows",
    "update_slot",
    "week_rows",
    "youths_to_book",
]
