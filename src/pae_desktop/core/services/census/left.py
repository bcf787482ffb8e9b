"""Youths marked by an import as having left the school: how many a campaign has, and undoing the mark by hand."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Youth
from pae_desktop.core.operations import AUDIT, YOUTHS, load_for_update
from pae_desktop.core.operations.saved import Saved, saved
from pae_desktop.core.services.census.existing import LEFT_UNDONE
from pae_desktop.core.services.worklists import left_school_count  # noqa: F401 - one definition, said here too

YOUTH_GONE = "Ce jeune n'existe plus dans la base (supprimé ou anonymisé entre-temps)."
NOT_LEFT = "Ce jeune n'est pas marqué comme ayant quitté l'établissement : rien à annuler."


def left_school_text(left_on: dt.date) -> str:
    """«A quitté l'établissement le 08/06/2026»: the mark of the lists and of the youth's file."""
    return f"A quitté l'établissement le {left_on:%d/%m/%Y}"


def undo_left_school(session: Session, youth_id: int, version: int | None) -> Saved:
    """The youth has not left the school: the mark an import set is removed (audited), the youth comes back to
    the to-do lists, and no later import marks them as left again (`LEFT_UNDONE` among the corrected fields).
    `version` is the youth's as the screen loaded it (None: the youth as it is, from a script)."""
    youth = load_for_update(session, Youth, youth_id, version, YOUTH_GONE)
    if youth.left_school_on is None:
        raise UserError(NOT_LEFT)
    audit.record(
        session, "update", "youth", youth.id, field="left_school_on", old=youth.left_school_on, new=None
    )
    youth.left_school_on = None
    corrected = set(filter(None, youth.corrected_fields.split(",")))
    youth.corrected_fields = ",".join(sorted(corrected | {LEFT_UNDONE}))
    session.flush()
    return saved("youth", youth, YOUTHS, AUDIT)
