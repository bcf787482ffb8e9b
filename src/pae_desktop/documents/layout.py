"""The one document layout every PDF of the application uses: fonts, A4 page, school header, styles, helpers.

How to write a new document (see `convocation.py` and `fiche_entretien.py` for complete examples)::

    from pae_desktop.documents import layout as L

    def build_my_document(target, school, youth, options: L.DocumentOptions | None = None) -> bytes:
        def story(ctx: L.DocContext) -> list:
            return [
                L.section("Identité"),
                L.label_value_table([("Nom", youth.last_name), ("Né(e) le", L.french_date(youth.birth_date))]),
                L.section("Observations"),
                *L.text_block(youth.notes),
                L.signature_block([("Le jeune", youth.display_name), ("Le référent", "")]),
            ]
        return L.build_pdf(target, school, "Mon document", story, options=options)

A document renders a plain record (a dataclass built by a `core` query function) into a PDF: it takes no
session, imports neither `core.services`, `core.operations` nor `storage`, and writes no audit. The print
operation (`core/operations/printing.py`) builds the record, calls the renderer, and records the print.

Rules the helpers enforce, so that every document is safe and readable:

- Any text coming from the user or the database goes through `paragraph`, `text_block`, `label_value_table`,
  `data_table` or `escape_text`: `<`, `&` and quotes print literally, newlines are kept, long words wrap.
  Only constant markup written in code may go through `markup_paragraph` (escape the values you interpolate
  with `escape_text`).
- Tables built by the helpers have fixed column widths that add up to the frame width and cells that are
  Paragraphs, so a long cell wraps instead of overflowing; rows split across pages (`splitInRow`).
- `build_pdf` draws the school header (logo from `School.logo`, name, UAI, address) on the first page, a
  running header on the others, a GDPR mention and «Page n / N» in every footer. It embeds the DejaVu fonts
  (any name renders), sets the PDF metadata and returns the PDF's bytes.
- Dates: `french_date` («17 septembre 2024»), `french_datetime`, `french_time` — re-exported from
  `core.dates`, shared with the UI.

The house style lives in `style.py` (geometry, fonts, styles, safe text), `blocks.py` (building blocks),
`options.py` (school, options, GDPR mentions) and `page.py` (header, footer, page numbers, `build_pdf`); this
module gathers their public names, so that a document needs only `layout as L`.

This module imports reportlab at the top: the window must import `documents` modules lazily.
"""

from __future__ import annotations

from reportlab.lib.units import mm
from reportlab.platypus import Spacer

from pae_desktop.core.dates import french_date, french_datetime, french_time, short_date
from pae_desktop.documents.blocks import (
    ALIGN_LEFT,
    CHECKED,
    UNCHECKED,
    bullet_list,
    checkbox_grid,
    data_table,
    done_at,
    keep_together,
    label_value_table,
    notice_box,
    page_break_if_less_than,
    section,
    signature_block,
    subheading,
)
from pae_desktop.documents.options import DocumentOptions, SchoolInfo, gdpr_block, gdpr_mention
from pae_desktop.documents.page import (
    DocContext,
    Part,
    StoryBuilder,
    build_pdf,
    build_pdf_parts,
    document_file_name,
    letter_sender,
    school_header,
    write_bytes,
)
from pae_desktop.documents.style import (
    EMPTY,
    FONT,
    FONT_BOLD,
    FONT_BOLD_ITALIC,
    FONT_ITALIC,
    FRAME_HEIGHT,
    FRAME_WIDTH,
    GREY,
    LIGHT_GREY,
    MARGIN_BOTTOM,
    MARGIN_LEFT,
    MARGIN_RIGHT,
    MARGIN_TOP,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    PRIMARY,
    PRIMARY_LIGHT,
    RULE,
    Paragraph,
    escape_text,
    markup_paragraph,
    paragraph,
    register_fonts,
    styles,
    text_block,
)

__all__ = [
    "ALIGN_LEFT",
    "CHECKED",
    "EMPTY",
    "FONT",
    "FONT_BOLD",
    "FONT_BOLD_ITALIC",
    "FONT_ITALIC",
    "FRAME_HEIGHT",
    "FRAME_WIDTH",
    "GREY",
    "LIGHT_GREY",
    "MARGIN_BOTTOM",
    "MARGIN_LEFT",
    "MARGIN_RIGHT",
    "MARGIN_TOP",
    "PAGE_HEIGHT",
    "PAGE_WIDTH",
    "PRIMARY",
    "PRIMARY_LIGHT",
    "RULE",
    "UNCHECKED",
    "DocContext",
    "DocumentOptions",
    "Paragraph",
    "Part",
    "SchoolInfo",
    "Spacer",
    "StoryBuilder",
    "build_pdf",
    "build_pdf_parts",
    "bullet_list",
    "checkbox_grid",
    "data_table",
    "document_file_name",
    "done_at",
    "escape_text",
    "french_date",
    "french_datetime",
    "french_time",
    "gdpr_block",
    "gdpr_mention",
    "keep_together",
    "label_value_table",
    "letter_sender",
    "markup_paragraph",
    "mm",
    "notice_box",
    "page_break_if_less_than",
    "paragraph",
    "register_fonts",
    "school_header",
    "section",
    "short_date",
    "signature_block",
    "styles",
    "subheading",
    "text_block",
    "write_bytes",
]
