"""Batches of PDF documents: 300 interview records against reportlab alone, and a typical school's campaign.

Both go through the print operation the window and `pae-desktop document --all` use, `print_each` (one PDF a
youth, rendered over worker processes for a large batch); the floor renders the same paragraphs in one process.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

import floors
from common import show

PDF_COUNT = 300


def interviewed_youths(db, count: int) -> list[int]:
    """The first `count` youths (by id) with an interview: their latest interview record is printed."""
    from pae_desktop.core.services.campaigns import get_campaign
    from pae_desktop.core.services.document_records import youths_with_interview

    with db.read() as session:
        return sorted(youths_with_interview(session, get_campaign(session)))[:count]


def pdf_work(db, youth_ids: list[int], out_dir: Path) -> Callable:
    def work(progress=None):
        from pae_desktop.core.operations.printing import print_each

        with db.transaction() as session:
            return print_each(session, "fiche-entretien", youth_ids, out_dir, progress=progress).count

    return work


def pdf_texts(db, youth_ids: list[int]) -> tuple[list[list[tuple[str, str, float, float]]], dict[str, str]]:
    """The paragraphs (text, font, size, leading) of the application's records, for the floor to write."""
    from reportlab.platypus import Paragraph, Table

    from pae_desktop.core.operations.printing import document_options, school_info
    from pae_desktop.core.services.document_records import youth_interview_record
    from pae_desktop.documents import fiche_entretien
    from pae_desktop.documents import layout as L
    from pae_desktop.storage.paths import resource

    def walk(item):
        if isinstance(item, list | tuple):
            for child in item:
                yield from walk(child)
        elif isinstance(item, Paragraph):
            yield (item.text, item.style.fontName, item.style.fontSize, item.style.leading)
        elif isinstance(item, Table):
            for row in item._cellvalues:
                yield from walk(list(row))
        elif isinstance(item, str) and item.strip():
            yield (L.escape_text(item), L.FONT, 10, 13.5)
        else:
            for attribute in ("_content", "heading", "_flowables"):  # KeepTogether, section titles, frames
                if hasattr(item, attribute):
                    yield from walk(getattr(item, attribute))

    documents = []
    with db.read() as session:
        school = school_info(session)
        options = document_options(session)
        for youth_id in youth_ids:
            ctx = L.DocContext(school, fiche_entretien.TITLE, options)
            part = fiche_entretien.part(youth_interview_record(session, youth_id))
            story = [*L.school_header(school, part.title, part.subtitle), *part.story(ctx)]
            paragraphs = list(walk(story))
            paragraphs.append((L.escape_text(L.gdpr_mention(school, options)), L.FONT, 7, 8.5))
            documents.append(paragraphs)
    fonts = {name: str(resource("fonts", f"{name}.ttf")) for name in (L.FONT, L.FONT_BOLD, L.FONT_ITALIC)}
    fonts[L.FONT_BOLD_ITALIC] = str(resource("fonts", f"{L.FONT_BOLD_ITALIC}.ttf"))
    return documents, fonts


def measure_pdf(db, work_dir: Path, repeat: int) -> dict:
    """pdf_batch: the application spreads the batch over the cores; the floor stays one process."""
    youth_ids = interviewed_youths(db, PDF_COUNT)
    out_dir = work_dir / "pdf"
    out_dir.mkdir(exist_ok=True)
    documents, fonts = pdf_texts(db, youth_ids)
    work = pdf_work(db, youth_ids, out_dir)
    app, floor = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        if work() != len(youth_ids):
            raise RuntimeError("the batch did not print every interview record")
        app.append(time.perf_counter() - start)
        start = time.perf_counter()
        floors.pdf_batch(documents, fonts, out_dir)
        floor.append(time.perf_counter() - start)
    return show({"name": "pdf_batch", "app": statistics.median(app), "floor": statistics.median(floor)})


def campaign_kinds(session) -> list[tuple[str, list[int]]]:
    """Every kind of document printed for each youth (KINDS), with the campaign's youths it concerns."""
    from pae_desktop.core.operations.printing import KINDS
    from pae_desktop.core.services.campaigns import get_campaign

    campaign = get_campaign(session)
    return [
        (spec.kind, list(spec.concerned(session, campaign)))
        for spec in KINDS.values()
        if spec.per_youth and not spec.per_day
    ]


def campaign_documents(db, out_dir: Path) -> int:
    """A campaign's worth of documents: each kind for every youth it concerns, one folder a kind."""
    from pae_desktop.core.operations.printing import print_each

    count = 0
    with db.transaction() as session:
        for kind, youth_ids in campaign_kinds(session):
            if youth_ids:
                count += print_each(session, kind, youth_ids, out_dir / kind).count
    return count


def measure_campaign_documents(db, work_dir: Path, repeat: int) -> tuple[dict, dict]:
    """documents_300 (information, no floor): every document of a 300-youth school's campaign; and how many
    documents of each kind that is."""
    out_dir = work_dir / "documents-300"
    times, count = [], 0
    for _ in range(repeat):
        start = time.perf_counter()
        count = campaign_documents(db, out_dir)
        times.append(time.perf_counter() - start)
    with db.read() as session:
        kinds = {kind: len(ids) for kind, ids in campaign_kinds(session) if ids}
    result = show({"name": "documents_300", "app": statistics.median(times), "floor": None})
    return result, {"documents": count, "kinds": kinds}
