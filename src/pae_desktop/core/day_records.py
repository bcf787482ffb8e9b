"""The records of an interview day (issue 17 §2), read by `documents/` without a session: the day's agenda, the
pre-filled interview sheet of each booked youth, and the day's pack that gathers them (with the convocations).

Built by `core/services/interview_day.py`; values stay raw (dates, vocabulary codes), as in `core/records.py`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from pae_desktop.core.records import AttemptLine, ConvocationRecord, Schooling, YouthIdentity
from pae_desktop.core.scheme import Scheme


@dataclass(frozen=True)
class AgendaLine:
    """One slot of the day: its time and place, who receives, and the youth booked (none: a free slot)."""

    starts_at: dt.datetime
    duration_minutes: int = 45
    place: str = ""
    partner_name: str = ""
    advisor_name: str = ""
    youth_name: str = ""  # «MARTIN Léa»; empty for a free slot
    division: str = ""
    phone: str = ""
    minor: bool = False
    sex: str = ""  # vocabulary.Sex code: «mineure», «mineur»

    @property
    def booked(self) -> bool:
        return bool(self.youth_name)


@dataclass(frozen=True)
class AgendaRecord:
    """«Agenda des entretiens» of one day, for one Mission locale (`partner_name`) or all of them (empty)."""

    day: dt.date
    scheme: Scheme
    partner_name: str = ""
    lines: tuple[AgendaLine, ...] = ()

    @property
    def booked(self) -> int:
        return sum(1 for line in self.lines if line.booked)


@dataclass(frozen=True)
class PreparationRecord:
    """The interview sheet of one booked youth, pre-filled before the interview: who they are, where they come
    from, how the school reached them; the sections the interview fills stay empty."""

    youth: YouthIdentity
    scheme: Scheme
    starts_at: dt.datetime
    duration_minutes: int = 45
    place: str = ""
    partner_name: str = ""
    advisor_name: str = ""
    referent_name: str = ""  # the school's referent (the current staff member)
    schooling: Schooling | None = None
    attempts: tuple[AttemptLine, ...] = ()  # oldest first
    phase1: str = ""  # the phase-1 summary («3 ateliers suivis sur 4…»); empty for a campaign without phase 1


@dataclass(frozen=True)
class InterviewDayRecord:
    """«La journée» in one PDF: the agenda, then one pre-filled sheet per booking, then (optionally) the
    convocations; the sheets and convocations are in slot order. Each part may be left out (`agenda=None`,
    no sheets…); `youth_ids` are the youths booked that day, whom the print names."""

    day: dt.date
    agenda: AgendaRecord | None = None
    sheets: tuple[PreparationRecord, ...] = ()
    convocations: tuple[ConvocationRecord, ...] = ()
    youth_ids: tuple[int, ...] = ()
