"""E-mail drafts as `.eml` files: Outlook and Thunderbird open them as drafts (`X-Unsent: 1`); nothing is sent.

Built with Python's `email` package so that addresses stay valid (RFC 5322): a display name with quotes or
commas is quoted, a non-ASCII display name is encoded (RFC 2047), and a non-ASCII address
(`élodie@exemple.fr`) is written in UTF-8 as RFC 6532 allows (the SMTPUTF8 policy, only then).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime

Mailbox = tuple[str, str]  # (display name, address)


class DraftError(ValueError):
    """An address the `email` package cannot write (French message)."""


def _address(name: str, address: str) -> Address:
    address = address.strip()
    local, at, domain = address.rpartition("@")
    if not at or not local or not domain or any(c.isspace() for c in address):
        raise DraftError(f"L'adresse « {address} » n'est pas une adresse électronique valide.")
    # no line break in a display name: it would end the header
    return Address(display_name=" ".join(name.split()), username=local, domain=domain)


def draft(
    recipients: Sequence[Mailbox],
    subject: str,
    body: str,
    *,
    sender: Mailbox | None = None,
    cc: Sequence[Mailbox] = (),
    when: dt.datetime | None = None,
) -> bytes:
    """One draft's bytes: To (and Cc), From when known, the subject, a plain UTF-8 body, `X-Unsent: 1`."""
    if not recipients:
        raise DraftError("Aucun destinataire : pas de brouillon.")
    to = [_address(*mailbox) for mailbox in recipients]
    copies = [_address(*mailbox) for mailbox in cc]
    senders = [_address(*sender)] if sender and sender[1].strip() else []
    every = to + copies + senders
    utf8 = any(not a.addr_spec.isascii() for a in every)
    message = EmailMessage(policy=policy.SMTPUTF8 if utf8 else policy.SMTP)
    message["X-Unsent"] = "1"
    if senders:
        message["From"] = senders
    message["To"] = to
    if copies:
        message["Cc"] = copies
    message["Subject"] = " ".join(subject.split())
    if when is not None:
        message["Date"] = format_datetime(when.astimezone() if when.tzinfo is None else when)
    message.set_content(body, charset="utf-8", cte="quoted-printable")
    return message.as_bytes()
