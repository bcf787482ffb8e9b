"""Pages that hold together (issue 21 §4): headings keep with what follows, tables repeat their header row on a
new page, and a batch of documents printed two-sided starts each youth on a recto."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from pae_desktop.core.records import (
    InterviewFacts,
    InterviewRecord,
    Participant,
    Representative,
    Schooling,
    YouthIdentity,
)
from pae_desktop.core.scheme import default_scheme
from pae_desktop.documents import fiche_entretien
from pae_desktop.documents import layout as L
from pdf_text import word_boxes

OPTIONS = L.DocumentOptions(printed_on=dt.date(2025, 9, 2))
SCHOOL = L.SchoolInfo(name="Lycée professionnel Émile-Gallé", uai="0540042X", city="Nancy")
# What a page must never end with: a title whose text is on the next page, a table's header row without a row.
HEADINGS = {
    "Le jeune",
    "L'entretien",
    "Participants",
    "Nom Rôle Structure",
    "Situation actuelle",
    "Parcours scolaire et PFMP réalisées",
    "PFMP réalisées",
    "Projet",
    "Besoins et freins",
    "Propositions",
    "Décision",
    "Observations",
    "Signatures",
    "Protection de vos données personnelles",
}


def sentences(words: int, seed: int) -> str:
    """A long free text in paragraphs of varied length."""
    text, paragraph = [], []
    for index in range(words):
        paragraph.append(f"mot{seed}x{index}")
        if (index + seed) % 37 == 36:
            text.append(" ".join(paragraph) + ".")
            paragraph = []
    return "\n\n".join([*text, " ".join(paragraph) + "."])


def long_record(words: int, participants: int = 3, seed: int = 0) -> InterviewRecord:
    youth = YouthIdentity(
        id=1,
        last_name="Lefèvre-Ødegård",
        first_names="Zoé Ève",
        sex="2",
        birth_date=dt.date(2008, 1, 15),
        address=sentences(words // 8, seed),
        city="Nancy",
        representatives=(
            Representative("Anne LEFÈVRE", "MERE", phone="03 83 00 00 01"),
            Representative("Đức Anh NGUYỄN", "PERE"),
        ),
    )
    facts = InterviewFacts(
        held_on=dt.date(2025, 9, 2),
        place=sentences(words // 10, seed + 1),
        modality="Présentiel",
        participants=tuple(
            Participant(f"Personne {n} {sentences(3, n)}", "RDS" if n == 0 else "PP", of_school=True)
            for n in range(participants)
        ),
        situation=sentences(words, seed + 2),
        school_path=sentences(words, seed + 3),
        pfmp_done=sentences(words, seed + 4),
        trades_sought=sentences(words // 4, seed + 5),
        area_sought=sentences(words // 6, seed + 6),
        barriers=("MOBILITE",),
        other_barrier=sentences(words // 3, seed + 7),
        proposals=sentences(words, seed + 8),
        decision="ACCEPTE",
        decided_on=dt.date(2025, 9, 2),
        refusal_reason=sentences(words // 3, seed + 9),
        notes=sentences(words, seed + 10),
    )
    return InterviewRecord(youth, facts, default_scheme(2025), Schooling(division="TCAP1", speciality="Boulanger"))


def last_lines(path) -> list[tuple[int, str]]:
    """Each page's last line of text above the footer, as (page, text)."""
    pages, words = word_boxes(path)
    result = []
    for number, page in enumerate(pages, start=1):
        body = [w for w in words if w.page == number and w.y_max <= page.height - L.MARGIN_BOTTOM + 1]
        if not body:
            continue
        bottom = max(w.y_min for w in body)
        line = sorted((w for w in body if abs(w.y_min - bottom) < 3), key=lambda w: w.x_min)
        result.append((number, " ".join(w.text for w in line)))
    return result


# Lengths at which the former layout left «Protection de vos données personnelles», «Signatures», «PFMP
# réalisées» or «Participants» alone at the foot of a page.
@pytest.mark.parametrize(
    ("words", "participants"), [(54, 9), (75, 3), (78, 3), (108, 9), (243, 9), (297, 9), (363, 3), (387, 9)]
)
def test_a_long_fiche_never_ends_a_page_with_a_heading(tmp_path, words, participants):
    path = tmp_path / "fiche.pdf"
    fiche_entretien.render(path, SCHOOL, long_record(words, participants, seed=words), OPTIONS)
    ends = last_lines(path)
    assert len(ends) >= 2
    assert [(page, text) for page, text in ends if text in HEADINGS] == []


def test_a_table_over_two_pages_repeats_its_header_row(tmp_path):
    rows = [[f"Personne {n}", "Professeur principal", f"Organisme {n}"] for n in range(70)]
    path = tmp_path / "table.pdf"
    L.build_pdf(path, SCHOOL, "Liste", [L.data_table(["Nom", "Rôle", "Structure"], rows)], options=OPTIONS)
    pages, words = word_boxes(path)
    assert len(pages) >= 2
    for number in range(1, len(pages) + 1):
        body = [w for w in words if w.page == number and w.y_max <= pages[0].height - L.MARGIN_BOTTOM]
        on_page = [w for w in body if w.text in ("Nom", "Rôle", "Structure")]
        assert {w.text for w in on_page} == {"Nom", "Rôle", "Structure"}, number
        first_row = min(w.y_min for w in body if w.text == "Personne")
        assert max(w.y_min for w in on_page) < first_row  # the header above the page's first row


def _part(title: str, pages: int) -> L.Part:
    story = [L.paragraph(title)]
    for _ in range(pages - 1):
        story += [L.page_break_if_less_than(L.FRAME_HEIGHT * 2), L.paragraph(f"{title} suite")]
    return L.Part(title, story, subtitle=f"Document de {title}")


def _page_texts(data: bytes) -> list[str]:
    return [page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages]


@pytest.mark.parametrize("two_sided", [True, False])
def test_a_two_sided_batch_starts_each_youth_on_a_recto(two_sided):
    options = L.DocumentOptions(printed_on=dt.date(2025, 9, 2), two_sided=two_sided)
    parts = [_part("Alice", 1), _part("Bruno", 2), _part("Chloé", 3)]
    texts = _page_texts(L.build_pdf_parts(None, SCHOOL, "Lot", parts, options=options))
    starts = [index + 1 for index, text in enumerate(texts) if "Page 1 /" in text]
    blanks = [index + 1 for index, text in enumerate(texts) if "laissée blanche intentionnellement" in text]
    if two_sided:
        assert starts == [1, 3, 5] and blanks == [2] and len(texts) == 7
        assert all(number % 2 == 1 for number in starts)
    else:
        assert starts == [1, 2, 4] and blanks == [] and len(texts) == 6
    assert "Document de Chloé" in texts[starts[2] - 1] and "Page 3 / 3" in texts[-1]


def test_a_batch_of_one_page_documents_needs_no_blank_page():
    parts = [_part("Alice", 1), _part("Bruno", 1), _part("Chloé", 1)]
    assert len(_page_texts(L.build_pdf_parts(None, SCHOOL, "Lot", parts, options=OPTIONS))) == 3
