"""Test helpers: read a PDF back as text and as word boxes (poppler's pdftotext)."""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from html import unescape
from pathlib import Path


def pdf_text(path: Path | str) -> str:
    """The text of a PDF, in reading order, through pypdf (no external program needed)."""
    from pypdf import PdfReader

    return "\n".join(page.extract_text() or "" for page in PdfReader(str(path)).pages)


def pdftotext(path: Path | str) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@dataclass(frozen=True)
class Word:
    page: int
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass(frozen=True)
class Page:
    width: float
    height: float


_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
_WORD = re.compile(r'<word xMin="([\d.-]+)" yMin="([\d.-]+)" xMax="([\d.-]+)" yMax="([\d.-]+)">(.*?)</word>')


def word_boxes(path: Path | str) -> tuple[list[Page], list[Word]]:
    """Every word with its box in points (origin top left), from `pdftotext -bbox-layout`."""
    xhtml = subprocess.run(
        ["pdftotext", "-bbox-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages: list[Page] = []
    words: list[Word] = []
    for chunk in xhtml.split("<page ")[1:]:
        match = _PAGE.match("<page " + chunk)
        pages.append(Page(float(match.group(1)), float(match.group(2))))
        for w in _WORD.finditer(chunk):
            words.append(Word(len(pages), unescape(w.group(5)), *(float(w.group(i)) for i in range(1, 5))))
    return pages, words


def words_outside(path: Path | str, left: float, right: float, top: float, bottom: float) -> list[Word]:
    """Words whose box crosses the given margins (points from each edge), with half a point of tolerance."""
    pages, words = word_boxes(path)
    bad = []
    for word in words:
        page = pages[word.page - 1]
        if (
            word.x_min < left - 0.5
            or word.x_max > page.width - right + 0.5
            or word.y_min < top - 0.5
            or word.y_max > page.height - bottom + 0.5
        ):
            bad.append(word)
    return bad


def squash(text: str) -> str:
    """Text with all white space removed, to find phrases that the PDF wrapped over lines."""
    return re.sub(r"\s+", "", text)
