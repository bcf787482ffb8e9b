"""`pae-desktop document fiche-entretien|convocation (--ine | --id | --all) -o PATH` end to end."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from pae_desktop.cli import main
from pae_desktop.commands import document
from pae_desktop.core.models import GeneratedDocument, Youth
from pae_desktop.core.services.campaigns import get_campaign
from pae_desktop.core.services.document_records import youths_with_booking, youths_with_interview
from pae_desktop.core.services.youths import YouthForm, save_youth
from pae_desktop.documents.layout import document_file_name
from pdf_text import pdf_text

TODAY = dt.date(2026, 11, 26)


def cli(data_dir, *args) -> int:
    return main(["--data-dir", str(data_dir), "document", *args])


@pytest.fixture
def demo(demo_db, data_dir):
    demo_db.close()  # the command takes the lock itself
    return data_dir


def _youths(data_dir, concerned_of):
    from pae_desktop.storage.database import open_database

    db = open_database(data_dir, write=False)
    try:
        with db.read() as session:
            campaign = get_campaign(session)
            ids = concerned_of(session, campaign)
            youths = [session.get(Youth, i) for i in ids]
            return [(y.id, y.ine, y.pseudonym, y.last_name, y.first_names) for y in youths]
    finally:
        db.close()


def test_single_youth_by_ine_and_by_id(demo, tmp_path, capsys):
    youth_id, ine, pseudonym, last, first = _youths(demo, youths_with_interview)[0]
    out = tmp_path / "fiche.pdf"
    assert cli(demo, "fiche-entretien", "--ine", ine, "-o", str(out)) == 0
    assert last.upper() in pdf_text(out) and "Fiche d'entretien" in pdf_text(out)
    captured = capsys.readouterr()
    assert captured.out == "" and "Document écrit" in captured.err
    folder = tmp_path / "dossier"
    folder.mkdir()
    assert cli(demo, "convocation", "--id", pseudonym, "-o", str(folder)) == 0
    assert [p.name for p in folder.iterdir()] == [document_file_name("convocation", last, first, pseudonym)]


def test_all_writes_one_pdf_per_youth_concerned(demo, tmp_path, capsys):
    concerned = _youths(demo, youths_with_booking)
    assert len(concerned) > 5
    folder = tmp_path / "convocations"
    assert cli(demo, "convocation", "--all", "-o", str(folder)) == 0
    names = sorted(p.name for p in folder.iterdir())
    expected = sorted(
        document_file_name("convocation", last, first, pseudo) for _i, _ine, pseudo, last, first in concerned
    )
    assert names == expected
    assert all(name.startswith("convocation_") and name.endswith(".pdf") for name in names)
    sample = concerned[0]
    assert sample[3].upper() in pdf_text(
        folder / document_file_name("convocation", sample[3], sample[4], sample[2])
    )
    from pae_desktop.storage.database import open_database

    db = open_database(demo, write=False)
    with db.read() as session:
        rows = session.scalars(select(GeneratedDocument).where(GeneratedDocument.kind == "convocation")).all()
    db.close()
    assert len(rows) == len(concerned)
    assert f"{len(concerned)} documents écrits" in capsys.readouterr().err


def test_youth_outside_the_kind_exits_1(demo, tmp_path, capsys):
    concerned = {y[0] for y in _youths(demo, youths_with_interview)}
    from pae_desktop.storage.database import open_database

    db = open_database(demo, write=False)
    with db.read() as session:
        outside = session.scalars(
            select(Youth).where(Youth.ine != "", Youth.id.not_in(concerned)).limit(1)
        ).first()
        ine = outside.ine
    db.close()
    out = tmp_path / "x.pdf"
    assert cli(demo, "fiche-entretien", "--ine", ine, "-o", str(out)) == 1
    assert "Aucun entretien" in capsys.readouterr().err and not out.exists()
    assert cli(demo, "fiche-entretien", "--ine", "000000000XX", "-o", str(out)) == 1
    assert "Aucun jeune d'INE 000000000XX" in capsys.readouterr().err


def test_none_concerned_exits_0(school_db, data_dir, tmp_path, capsys):
    with school_db.transaction() as session:
        save_youth(session, get_campaign(session, 2025), YouthForm(last_name="Petit", first_names="Léo"))
    school_db.close()
    folder = tmp_path / "vide"
    assert cli(data_dir, "fiche-entretien", "--all", "-o", str(folder)) == 0
    assert "Aucun jeune concerné" in capsys.readouterr().err


def test_usage_errors_exit_2(demo, tmp_path):
    with pytest.raises(SystemExit) as error:
        cli(demo, "fiche-entretien", "-o", str(tmp_path / "x.pdf"))
    assert error.value.code == 2
    with pytest.raises(SystemExit) as error:
        cli(demo, "fiche-entretien", "--all", "--ine", "X", "-o", str(tmp_path))
    assert error.value.code == 2
    with pytest.raises(SystemExit) as error:
        cli(demo, "inconnu", "--all", "-o", str(tmp_path))
    assert error.value.code == 2


def test_registry_entries_resolve():
    for spec in document.REGISTRY.values():
        assert callable(spec.render_module().render)
        if spec.per_youth:
            assert callable(spec.record) and callable(spec.concerned)
