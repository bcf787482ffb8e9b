"""«Courrier d'information»: the scheme's information letter to a youth (to their legal representatives for a
minor), with the interview offer and the referent to call, laid out for a DL window envelope.

The address block sits where the right window of a DL envelope shows it once the A4 sheet is folded in three:
100 mm from the left edge, 48 mm from the top. The school's block is top left; the letter starts below.
"""

from __future__ import annotations

import datetime as dt
import os
from typing import Any, BinaryIO

from pae_desktop.core.contact_records import LetterRecord, information_message
from pae_desktop.core.records import Representative
from pae_desktop.core.vocabulary import DocumentKind
from pae_desktop.documents import layout as L

TITLE = "Courrier"  # a batch's title is «Courriers»
PART_TITLE = DocumentKind.COURRIER.label
WINDOW_LEFT = 100 * L.mm  # from the page's left edge
WINDOW_TOP = 48 * L.mm  # from the page's top edge
WINDOW_WIDTH = 90 * L.mm
TOP_ZONE = 75 * L.mm  # the height of the sender and address zone, from the frame's top
MAX_ADDRESS_LINES = 6


def _town(postal_code: str, city: str) -> str:
    """«54000 NANCY»: the town line in capitals, as the postal service reads it best."""
    return " ".join(p for p in (postal_code.strip(), city.strip().upper()) if p)


def _postal(record: LetterRecord) -> Any:
    """Whose postal address the letter goes to: a minor's first legal representative with a street address,
    else the youth's (they mostly live together), else anyone's town; None when nobody has an address (the
    letter is then handed over)."""
    people = (*record.addressees, record.youth)
    with_street = [person for person in people if person.address.strip()]
    with_town = [person for person in people if person.city.strip()]
    return (with_street or with_town or [None])[0]


def has_postal_address(record: LetterRecord) -> bool:
    return _postal(record) is not None


def address_lines(record: LetterRecord) -> list[str]:
    """The window's lines: who (a minor's legal representatives, else the youth) and where, six lines at most."""
    reps: tuple[Representative, ...] = record.addressees
    if reps:
        names = [rep.full_name for rep in reps[:2]]
    elif record.minor:
        names = ["Aux représentants légaux de", record.youth_name]
    else:
        names = [record.youth_name]
    where = _postal(record)
    if where is None:
        return names
    street = [line.strip() for line in where.address.splitlines() if line.strip()]
    town = _town(where.postal_code, where.city)
    lines = names + street[: MAX_ADDRESS_LINES - len(names) - (1 if town else 0)]
    return lines + ([town] if town else [])


def _top_zone(record: LetterRecord, ctx: L.DocContext) -> list:
    """The sender (left) and the address (right, in the window's position), in one fixed-height row."""
    from reportlab.platypus import Table

    sender_width = WINDOW_LEFT - L.MARGIN_LEFT
    address = [L.paragraph(line, "body") for line in address_lines(record)]
    table = Table(
        [[L.letter_sender(ctx.school), address]],
        colWidths=[sender_width, L.FRAME_WIDTH - sender_width],
        rowHeights=[TOP_ZONE],
    )
    table.setStyle(
        [
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 0),
            ("RIGHTPADDING", (0, 0), (0, 0), 6 * L.mm),
            ("RIGHTPADDING", (1, 0), (1, 0), L.FRAME_WIDTH - sender_width - WINDOW_WIDTH),
            ("TOPPADDING", (0, 0), (0, 0), 0),
            ("TOPPADDING", (1, 0), (1, 0), WINDOW_TOP - L.MARGIN_TOP),
            ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
        ]
    )
    return [table]


def letter_story(record: LetterRecord, ctx: L.DocContext, today: dt.date) -> list:
    """The letter below the top zone: place and date, subject, the message, the signature."""
    message = information_message(record, today)
    city = ctx.school.city.strip()
    dated = f"À {city}, le {L.french_date(today)}" if city else f"Le {L.french_date(today)}"
    story: list = [
        L.paragraph(dated, "right"),
        L.Spacer(1, 4 * L.mm),
        L.markup_paragraph(f"<b>Objet :</b> {L.escape_text(message.subject)}"),
    ]
    story += [L.Spacer(1, 4 * L.mm), L.paragraph(message.greeting)]
    for text in message.paragraphs:
        story += [L.paragraph(text), L.Spacer(1, 1.5 * L.mm)]
    story += [L.Spacer(1, 2 * L.mm), L.paragraph(message.closing), L.Spacer(1, 10 * L.mm)]
    signer = L.paragraph("\n".join(message.signature), "body")
    from reportlab.platypus import Table

    signature = Table([["", signer]], colWidths=[L.FRAME_WIDTH / 2, L.FRAME_WIDTH / 2])
    signature.setStyle([("LEFTPADDING", (0, 0), (-1, -1), 0)])
    story.append(signature)
    return story


def part(record: LetterRecord, options: L.DocumentOptions | None = None, today: dt.date | None = None) -> L.Part:
    """One letter of a PDF (one page), under the scheme of the youth's campaign."""
    options = (options or L.DocumentOptions()).with_scheme(record.scheme)
    today = today or options.printed_on or dt.date.today()
    return L.Part(
        PART_TITLE,
        lambda ctx: letter_story(record, ctx, today),
        record.youth.display_name,
        options,
        header=lambda ctx: _top_zone(record, ctx),
    )


def render(
    target: str | os.PathLike | BinaryIO | None,
    school: Any,
    record: LetterRecord,
    options: L.DocumentOptions | None = None,
    today: dt.date | None = None,
) -> bytes:
    """The letter as PDF bytes (also written to `target`)."""
    one = part(record, options, today)
    return L.build_pdf_parts(target, school, PART_TITLE, [one], options=one.options)
