"""The «Bilan de campagne» PDF: the report's numbers and the académie's, for a school and for a network."""

from __future__ import annotations

import io

from pypdf import PdfReader

from foquale_rows import campaign_a
from pae_desktop.core.services import consolidation
from pae_desktop.core.services.reporting import campaign_report
from pae_desktop.documents.bilan import build_bilan, percent
from pae_desktop.io import foquale


def text_of(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_percent_french():
    assert percent(0.4622) == "46,2\u202f%" and percent(None) == "—" and percent(1.0) == "100,0\u202f%"


def test_campaign_pdf(demo_db, tmp_path):
    with demo_db.read() as session:
        report, _rows = campaign_report(session)
        from pae_desktop.core.services.school import get_school

        school = get_school(session)
        target = tmp_path / "bilan.pdf"
        data = build_bilan(target, report, school)
    assert target.read_bytes() == data and data.startswith(b"%PDF")
    text = text_of(data)
    assert "Bilan de campagne 2025" in text and "Jean-Prouvé" in text
    assert "Du repérage au parcours" in text and "Académie 2023" in text
    compact = text.replace("\u202f", "").replace(" ", "")
    assert percent(report.indicators["taux_engagement"]).replace("\u202f", "") in compact  # «72,5%»
    assert "66,0" in text and "Retour en formation" in text  # the 2023 engagement figure and the exit table
    assert "DejaVu" in data.decode("latin-1")  # embedded fonts


def test_network_pdf(tmp_path):
    path = tmp_path / "a.csv"
    foquale.write_rows(path, campaign_a())
    report = consolidation.consolidate([path])
    text = text_of(build_bilan(None, report))
    assert "Consolidation du réseau FOQUALE" in text and "Par établissement" in text
    assert "0759999L" in text and "Réseau" in text
    assert "75,0" in text  # engagement of campaign A: 3 of 4


def test_empty_campaign_prints_dashes(school_db):
    with school_db.read() as session:
        report, rows = campaign_report(session, 2025)
    assert rows == [] and report.indicators["taux_engagement"] is None
    text = text_of(build_bilan(None, report))
    assert "Bilan de campagne 2025" in text and "—" in text
