"""The shared PDF layout: fonts, header, page numbers, safe text, wrapping, French dates."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from pae_desktop.core.dates import french_date, french_datetime, french_time, parse_french_date, week_label
from pae_desktop.documents import layout as L
from pdf_text import pdf_text, squash, words_outside

SCHOOL = L.SchoolInfo(
    name="Lycée professionnel Émile-Gallé",
    uai="0540042X",
    address="12 rue des Écoles",
    postal_code="54000",
    city="Nancy",
    phone="03 83 00 00 00",
    email="ce.0540042x@ac-nancy-metz.fr",
)
OPTIONS = L.DocumentOptions(printed_on=dt.date(2024, 9, 17))
MARGINS = dict(left=L.MARGIN_LEFT, right=L.MARGIN_RIGHT, top=8 * L.mm, bottom=8 * L.mm)


def long_text(chars: int = 3000, last: str = "Dernière phrase des notes.") -> str:
    words = []
    index = 0
    while sum(len(w) + 1 for w in words) < chars - len(last):
        words.append(f"mot{index}")
        index += 1
    return " ".join(words) + " " + last


def test_french_dates():
    assert french_date(dt.date(2024, 9, 17)) == "17 septembre 2024"
    assert french_date(dt.date(2024, 9, 1)) == "1er septembre 2024"
    assert french_date(dt.date(2024, 8, 28), weekday=True) == "mercredi 28 août 2024"
    assert french_date(None, default="—") == "—"
    assert french_time(dt.time(9, 5)) == "9 h 05"
    assert french_datetime(dt.datetime(2024, 12, 2, 14, 30)) == "lundi 2 décembre 2024 à 14 h 30"
    assert week_label(dt.date(2024, 9, 2)) == "Semaine du 2 au 6 septembre 2024"
    assert week_label(dt.date(2024, 9, 30)) == "Semaine du 30 septembre au 4 octobre 2024"
    assert week_label(dt.date(2024, 12, 30)) == "Semaine du 30 décembre 2024 au 3 janvier 2025"
    assert parse_french_date("17/09/2024") == dt.date(2024, 9, 17)
    with pytest.raises(ValueError):
        parse_french_date("31/02/2024")


def test_escape_text_keeps_user_text_literal():
    assert L.escape_text('<b>Tom & "Jerry"</b>') == "&lt;b&gt;Tom &amp; &quot;Jerry&quot;&lt;/b&gt;"
    assert L.escape_text("un\ndeux\r\ntrois") == "un<br/>deux<br/>trois"
    assert L.escape_text("a\x00b\tc") == "ab c"
    assert L.escape_text(None) == ""


def _story(notes: str, hostile: str):
    def build(ctx: L.DocContext):
        return [
            L.section("Identité"),
            L.label_value_table(
                [("Nom", hostile), ("Date", L.french_date(dt.date(2024, 9, 17))), ("Vide", "")]
            ),
            L.label_value_table([("Court", "1"), ("Autre", hostile)], columns=2),
            L.section("Notes dans un tableau"),
            L.label_value_table([("Notes", notes)]),
            L.data_table(["Colonne", "Texte"], [["A", notes], [hostile, "x" * 500]], col_widths=[1, 3]),
            L.section("Notes en texte"),
            *L.text_block(notes),
            L.checkbox_grid([("Santé", True), ("Logement", False)]),
            *L.bullet_list([hostile]),
            L.notice_box(hostile, title="À apporter"),
            L.signature_block(
                [("Le jeune", hostile), ("Le référent", "")],
                place_date=L.done_at(SCHOOL, dt.date(2024, 9, 17)),
            ),
            L.gdpr_block(SCHOOL, OPTIONS, minor=True),
        ]

    return build


def test_document_prints_everything_literally_inside_the_margins(tmp_path):
    hostile = 'Zoé <O\'Brien> & "Fils" Ærøskøbing'
    notes = long_text()
    assert 2990 <= len(notes) <= 3010
    path = tmp_path / "essai.pdf"
    data = L.build_pdf(
        path, SCHOOL, "Document d'essai", _story(notes, hostile), subtitle="Sous-titre", options=OPTIONS
    )
    assert path.read_bytes() == data and data.startswith(b"%PDF")
    text = pdf_text(path)
    assert hostile in text
    assert "17 septembre 2024" in text
    assert "Fait à Nancy, le 17 septembre 2024" in text
    assert "Lycée professionnel Émile-Gallé" in text and "UAI 0540042X" in text and "54000 Nancy" in text
    assert "Dernière phrase des notes." in text
    assert squash(text).count(squash("Dernière phrase des notes.")) == 3  # table cell, data table, text block
    assert "☒ Santé" in text and "☐ Logement" in text
    pages = len(PdfReader(str(path)).pages)
    assert pages >= 2
    for number in range(1, pages + 1):
        assert f"Page {number} / {pages}" in text
    assert "Données personnelles traitées par Lycée professionnel Émile-Gallé" in text
    assert words_outside(path, **MARGINS) == []


def test_fonts_are_embedded_dejavu_only():
    data = L.build_pdf(None, SCHOOL, "Polices", _story("court", "Œdipe & Ñandú"), options=OPTIONS)
    fonts = set()
    for page in PdfReader(io.BytesIO(data)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts.add(str(font["/BaseFont"]))
            assert "/FontDescriptor" in font or "/DescendantFonts" in font  # embedded, not one of the 14
    assert fonts and all("DejaVuSans" in name for name in fonts)


def test_logo_is_drawn_and_a_broken_logo_is_ignored(tmp_path):
    from PIL import Image as PilImage

    buffer = io.BytesIO()
    PilImage.new("RGB", (300, 120), (31, 78, 121)).save(buffer, format="PNG")
    with_logo = L.SchoolInfo(name="Lycée Logo", uai="0540042X", logo=buffer.getvalue())
    data = L.build_pdf(None, with_logo, "Avec logo", [L.paragraph("Bonjour")], options=OPTIONS)
    images = PdfReader(io.BytesIO(data)).pages[0].images
    assert len(images) == 1
    broken = L.SchoolInfo(name="Lycée Cassé", uai="0540042X", logo=b"pas une image")
    data = L.build_pdf(None, broken, "Logo illisible", [L.paragraph("Bonjour")], options=OPTIONS)
    assert "Lycée Cassé" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_build_pdf_accepts_a_school_model_and_no_school(db):
    from pae_desktop.core.models import School

    school = School(name="Lycée Jean-Prouvé", uai="0541286C", address="", city="Nancy", secret=b"0" * 32)
    data = L.build_pdf(None, school, "Test", [L.paragraph("x")], options=OPTIONS)
    assert "Lycée Jean-Prouvé" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    data = L.build_pdf(None, None, "Test", [L.paragraph("x")], options=OPTIONS)
    assert "Établissement non paramétré" in PdfReader(io.BytesIO(data)).pages[0].extract_text()


def test_options_from_session_read_the_settings_and_the_campaign_scheme(db):
    from pae_desktop.core import settings
    from pae_desktop.core.operations.printing import document_options
    from pae_desktop.core.services.campaigns import ensure_campaign

    with db.transaction() as session:
        ensure_campaign(session, 2025)
        ensure_campaign(session, 2026)
        settings.put(session, settings.DPO_CONTACT, "dpd@ac-nancy-metz.fr")
    with db.read() as session:
        latest = document_options(session, printed_on=dt.date(2024, 9, 17))
        of_2025 = document_options(session, ensure_campaign(session, 2025))
    assert latest.scheme_name == "AvenirPro+" and of_2025.scheme_name == "Parcours Ambition Emploi"
    mention = L.gdpr_mention(SCHOOL, latest)
    assert "dispositif «\u00a0AvenirPro+\u00a0»" in mention and "dpd@ac-nancy-metz.fr" in mention
    assert "Parcours Ambition Emploi" in L.gdpr_mention(SCHOOL, of_2025)


def test_unwritable_target_is_a_french_error(tmp_path):
    from pae_desktop.core.errors import UserError

    blocker = tmp_path / "fichier"
    blocker.write_text("x")
    with pytest.raises(UserError, match="Impossible d'écrire"):
        L.build_pdf(blocker / "sous" / "doc.pdf", SCHOOL, "Test", [L.paragraph("x")], options=OPTIONS)


def test_batch_parts_restart_header_and_page_numbers(tmp_path):
    long_notes = long_text(6000)
    parts = [
        L.Part("Fiche d'entretien", [*L.text_block(long_notes)], subtitle="Première"),
        L.Part("Convocation à un entretien", [L.paragraph("Courte")], subtitle="Deuxième"),
    ]
    data = L.build_pdf_parts(tmp_path / "lot.pdf", SCHOOL, "Lot", parts, options=OPTIONS)
    reader = PdfReader(io.BytesIO(data))
    texts = [page.extract_text() for page in reader.pages]
    first_pages = len(texts) - 1
    assert first_pages >= 2
    assert (
        f"Page 1 / {first_pages}" in texts[0] and "Fiche d'entretien — édité le 17 septembre 2024" in texts[0]
    )
    last = texts[-1]
    assert "Page 1 / 1" in last and "Deuxième" in last and "UAI 0540042X" in last
    assert "Convocation à un entretien — édité le 17 septembre 2024" in last


def test_record_print_writes_document_row_and_audit(db):
    from sqlalchemy import select

    from pae_desktop.core.models import AuditEvent, GeneratedDocument
    from pae_desktop.core.operations.printing import record_print

    with db.transaction() as session:
        record_print(session, "notice-rgpd", None, b"%PDF-1.4", "/tmp/x.pdf")
    with db.read() as session:
        row = session.scalars(select(GeneratedDocument)).one()
        event = session.scalars(select(AuditEvent)).one()
    assert row.kind == "notice-rgpd" and len(row.sha256) == 64 and row.path == "/tmp/x.pdf"
    assert event.action == "print" and event.detail == "notice-rgpd"
