"""Mass contact (issue 17 §1): from a list of youths, the contact list (CSV for SMS and ENT tools, XLSX), the
information letters (one PDF, or one file each), the e-mail drafts, and the information action or contact
attempt recorded for everyone in one step.

Each is one operation, called alike by the window (`ui/mass_contact.py`) and the command line
(`pae-desktop export contacts|courriels`, `pae-desktop document courrier`). A file naming youths is a nominative
export, written to the audit log in the operation's transaction; letters go through the print operation, which
records each youth's print. Each returns `Changes` (the file, the count, warnings in French).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from pae_desktop.core import audit
from pae_desktop.core.errors import UserError
from pae_desktop.core.models import Campaign
from pae_desktop.core.operations import Changes, changes
from pae_desktop.core.operations.exports import _nominative_export  # the audit event of a nominative export
from pae_desktop.core.vocabulary import ContactChannel, ContactResult, InformationKind, NextStep

CONTACT_SUFFIXES = (".csv", ".xlsx")
# The channels a mass contact uses, as an information action and as a contact attempt.
MASS_CHANNELS = (
    (InformationKind.COURRIER, ContactChannel.COURRIER),
    (InformationKind.SMS, ContactChannel.SMS),
    (InformationKind.COURRIEL, ContactChannel.COURRIEL),
    (InformationKind.MESSAGE_ENT, ContactChannel.MESSAGE_ENT),
)


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'s' if count > 1 else ''}"


def _campaign(session: Session, campaign_id: int) -> Campaign:
    campaign = session.get(Campaign, campaign_id)
    if campaign is None:
        raise UserError("Cette campagne n'existe plus.")
    return campaign


def _require_youths(youth_ids: Sequence[int]) -> list[int]:
    ids = list(dict.fromkeys(youth_ids))
    if not ids:
        raise UserError("La liste est vide : aucun jeune à contacter.")
    return ids


# --- the contact list -------------------------------------------------------------------------------------------


def export_contact_list(
    session: Session,
    campaign_id: int,
    youth_ids: Sequence[int],
    target: str | Path,
    *,
    today: dt.date | None = None,
) -> Changes:
    """The contact list of `youth_ids` as CSV (the youths without a usable contact in a second file beside it,
    `…_sans_coordonnees.csv`) or XLSX (on a second sheet). A nominative export, audited."""
    audit.require_allowed(session, "export")  # a refused export writes no file
    from pae_desktop.core.services.contact_lists import contact_lines
    from pae_desktop.io import contact_list
    from pae_desktop.io.foquale import write_atomic

    target = Path(target)
    suffix = target.suffix.lower()
    if suffix not in CONTACT_SUFFIXES:
        raise UserError("Le fichier de la liste de contacts doit se terminer par .csv ou .xlsx.")
    campaign = _campaign(session, campaign_id)
    lines = contact_lines(session, _require_youths(youth_ids), today)
    reachable, apart = contact_list.split(lines)
    warnings = []
    if suffix == ".xlsx":
        written = write_atomic(target, contact_list.workbook(lines))
        if apart:
            warnings.append(f"{_plural(len(apart), 'jeune')} sans coordonnées : feuille « Sans coordonnées ».")
    else:
        main, others = contact_list.csv_files(lines)
        written = write_atomic(target, main)
        if others is not None:
            apart_file = write_atomic(contact_list.apart_path(target), others)
            warnings.append(f"{_plural(len(apart), 'jeune')} sans coordonnées, listés à part : {apart_file.name}.")
    landlines = sum(1 for line in reachable if line.phone and not line.mobile)
    if landlines:
        warnings.append(f"{_plural(landlines, 'numéro')} de téléphone fixe (pas de SMS) : colonne « sms » à N.")
    return _nominative_export(session, campaign, "Liste de contacts", written, len(lines)) | changes(
        warnings=warnings
    )


# --- the letters --------------------------------------------------------------------------------------------------


def print_letters(
    session: Session,
    youth_ids: Sequence[int],
    target: str | Path,
    *,
    options=None,
    progress=None,
) -> Changes:
    """The information letters of `youth_ids`: in one PDF, one letter a page, when `target` ends with .pdf,
    else one PDF each in the folder `target`. Youths who left the school are left out (a warning says how
    many); each print is recorded by the print operation. A letter without a postal address is printed to be
    handed over (a warning counts them)."""
    from pae_desktop.core.operations.printing import print_batch, print_each
    from pae_desktop.core.services.contact_lists import can_receive_letter, letter_record
    from pae_desktop.documents.courrier import has_postal_address

    ids = _require_youths(youth_ids)
    kept = [i for i in ids if can_receive_letter(session, i)]
    if not kept:
        raise UserError("Aucun jeune de la liste ne peut recevoir de courrier (partis ou anonymisés).")
    warnings = []
    if len(kept) < len(ids):
        warnings.append(f"{_plural(len(ids) - len(kept), 'jeune')} ayant quitté l'établissement : pas de courrier.")
    without = sum(1 for i in kept if not has_postal_address(letter_record(session, i)))
    if without:
        warnings.append(f"{_plural(without, 'courrier')} sans adresse postale : à remettre en main propre.")
    target = Path(target)
    if target.suffix.lower() == ".pdf":
        done = print_batch(session, "courrier", [(i, None) for i in kept], target, options, progress)
    else:
        done = print_each(session, "courrier", kept, target, options, progress)
    return done | changes(warnings=warnings)


# --- the e-mail drafts --------------------------------------------------------------------------------------------


def _recipients(record) -> list[tuple[str, str]]:
    """A minor's legal representatives who have an address, then the youth; an adult: the youth."""
    found = [(rep.full_name, rep.email.strip()) for rep in record.addressees if rep.email.strip()]
    if record.youth.email.strip():
        found.append((record.youth_name, record.youth.email.strip()))
    return found


def write_email_drafts(
    session: Session,
    campaign_id: int,
    youth_ids: Sequence[int],
    folder: str | Path,
    *,
    today: dt.date | None = None,
) -> Changes:
    """One `.eml` draft per youth with an e-mail address (a minor's representatives too) in `folder` (created
    if needed), the information message of the letter; nothing is sent. A nominative export, audited; a
    youth without an address is counted in a warning, an address the draft cannot hold is refused by name."""
    audit.require_allowed(session, "export")  # a refused export writes no file
    from pae_desktop.core.contact_records import information_message
    from pae_desktop.core.operations.printing import file_name
    from pae_desktop.core.services.contact_lists import letter_record
    from pae_desktop.io.eml import DraftError, draft
    from pae_desktop.io.foquale import write_atomic

    today = today or dt.date.today()
    campaign = _campaign(session, campaign_id)
    ids = _require_youths(youth_ids)
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"{folder} doit être un dossier (c'est un fichier).")
    drafts: list[tuple[str, bytes]] = []
    for youth_id in ids:
        record = letter_record(session, youth_id, None, today)
        recipients = _recipients(record)
        if not recipients:
            continue
        message = information_message(record, today)
        referent = record.referent
        try:
            data = draft(recipients, message.subject, message.text(), sender=(referent.name, referent.email))
        except DraftError as error:
            raise UserError(f"{record.youth.display_name} : {error}") from None
        drafts.append((Path(file_name("courriel", record.youth)).with_suffix(".eml").name, data))
    if not drafts:
        raise UserError("Aucun jeune de la liste n'a d'adresse électronique : aucun brouillon écrit.")
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in drafts:
        write_atomic(folder / name, data)
    warnings = []
    if len(drafts) < len(ids):
        warnings.append(f"{_plural(len(ids) - len(drafts), 'jeune')} sans adresse électronique : pas de brouillon.")
    done = _nominative_export(session, campaign, "Brouillons de courriels", folder, len(drafts))
    return done | changes(warnings=warnings)


# --- recording the step for everyone ------------------------------------------------------------------------------


@dataclass
class MassRecordForm:
    """What was done for everyone: an information action (`attempt=False`) or a contact attempt, on a channel
    (`InformationKind` code, the attempt's channel follows), dated; an attempt has a result and may ask for a
    recontact on `next_date`."""

    on: dt.datetime
    kind: str = InformationKind.COURRIER.value
    attempt: bool = False
    result: str = ContactResult.MESSAGE_LAISSE.value
    next_date: dt.date | None = None
    note: str = ""

    @property
    def channel(self) -> str:
        return next((c.value for k, c in MASS_CHANNELS if k.value == self.kind), ContactChannel.COURRIER.value)


def record_for_all(
    session: Session,
    campaign_id: int,
    youth_ids: Sequence[int],
    form: MassRecordForm,
    *,
    now: dt.datetime | None = None,
) -> Changes:
    """Record the information action (one for all: `contacts.record_information`) or one contact attempt per
    youth (`contacts.record_attempts`), in one transaction; refused whole (nothing written) when anything is
    wrong."""
    from pae_desktop.core.services import contacts

    ids = _require_youths(youth_ids)
    _campaign(session, campaign_id)
    if not form.attempt:
        information = contacts.InformationForm(form.on.date(), form.kind, form.note)
        today = (now or dt.datetime.now()).date()
        done = contacts.record_information(session, campaign_id, information, youth_ids=ids, today=today)
        return done | changes(count=len(ids))
    attempt = contacts.AttemptForm(
        at=form.on,
        channel=form.channel,
        result=form.result,
        next_step=NextStep.A_RELANCER.value if form.next_date else "",
        next_date=form.next_date,
        note=form.note,
    )
    return contacts.record_attempts(session, campaign_id, ids, attempt, now=now)
