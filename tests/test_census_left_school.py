"""Re-importing a SIECLE export over a caseload imported partly from a spreadsheet (issue 17 §6): only youths that
came from SIECLE are marked as having left; each such row can be kept (unticked); a youth's leaving can be undone,
audited and versioned, and no later import marks them again."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import select

from fixtures.siecle.builder import Student, eleves_xml, write
from pae_desktop.core.errors import CONFLICT_MESSAGE, UserError
from pae_desktop.core.models import AuditEvent, ImportRecord, Youth
from pae_desktop.core.operations import YOUTHS
from pae_desktop.core.services.census import (
    ImportOptions,
    Outcome,
    apply_import,
    left_school_count,
    preview_import,
    read_sources,
    undo_left_school,
)
from pae_desktop.core.services.worklists import worklists

TODAY = dt.date(2026, 6, 10)
OCTOBER = [
    Student("1", "AUBERT", "Lina", ine="090123456CA"),
    Student("2", "BLANC", "Noé"),
    Student("3", "CARON", "Ilyes"),
]
CSV = (
    "Nom;Prénom;Né(e) le;Sexe;Classe;Formation;Tél. Portable\r\n"
    "DUMAS;Léna;02/11/2006;F;TMELEC;TLE PRO MELEC;06 12 34 56 78\r\n"
    "ESTEVE;Rayan;21/05/2007;M;TMELEC;TLE PRO MELEC;06 12 34 56 79\r\n"
)


def _import(db, paths, **options):
    with db.transaction() as session:
        return apply_import(session, read_sources(paths), ImportOptions(today=TODAY, **options))


def _youths(db) -> dict[str, Youth]:
    with db.read() as session:
        return {y.last_name: y for y in session.scalars(select(Youth))}


@pytest.fixture
def mixed(db, tmp_path):
    """A caseload from a SIECLE export of October, completed by a CSV list of two more youths."""
    _import(db, [write(tmp_path / "octobre.xml", eleves_xml(OCTOBER, export="10/10/2025"))])
    csv = tmp_path / "complements.csv"
    csv.write_text(CSV, encoding="utf-8")
    _import(db, [csv], campaign_year=2026)
    assert len(_youths(db)) == 5
    return db


def _june(tmp_path, students=OCTOBER[:2], export="03/06/2026"):
    """The June export: CARON is no longer listed."""
    return write(tmp_path / f"juin-{export[:2]}.xml", eleves_xml(students, export=export))


def test_a_siecle_reimport_never_marks_the_spreadsheet_youths_as_left(mixed, tmp_path):
    result = _import(mixed, [_june(tmp_path)])
    youths = _youths(mixed)
    assert youths["DUMAS"].left_school_on is None and youths["ESTEVE"].left_school_on is None
    assert youths["CARON"].left_school_on == dt.date(2026, 6, 3)  # came from SIECLE, absent: left
    assert result.left == (youths["CARON"].id,)
    left = result.preview.rows_of(Outcome.LEFT)
    assert [(r.name, r.youth_id, r.kept) for r in left] == [("CARON Ilyes", youths["CARON"].id, False)]
    with mixed.read() as session:
        record = session.scalars(select(ImportRecord).order_by(ImportRecord.id.desc())).first()
        lists = worklists(session, youths["AUBERT"].campaign_id, today=TODAY)
    assert record.left == 1
    listed = {item.youth_id for items in lists.items.values() for item in items}
    assert {youths["DUMAS"].id, youths["ESTEVE"].id} <= listed  # still in the to-do lists
    assert youths["CARON"].id not in listed


def test_an_unticked_row_keeps_the_youth(mixed, tmp_path):
    caron = _youths(mixed)["CARON"].id
    with mixed.read() as session:
        preview = preview_import(
            session, read_sources([_june(tmp_path)]), ImportOptions(today=TODAY, keep_ids=frozenset({caron}))
        )
    (row,) = preview.rows_of(Outcome.LEFT)
    assert row.kept and row.youth_id == caron and "décoché" in row.detail
    assert preview.left_marked == 0
    result = _import(mixed, [_june(tmp_path)], keep_ids=frozenset({caron}))
    assert result.left == () and _youths(mixed)["CARON"].left_school_on is None
    with mixed.read() as session:
        record = session.scalars(select(ImportRecord).order_by(ImportRecord.id.desc())).first()
    assert record.left == 0


def test_a_spreadsheet_youth_found_in_siecle_can_leave_later(mixed, tmp_path):
    dumas = Student("9", "DUMAS", "Léna", birth="02/11/2006", sex="2")
    result = _import(mixed, [_june(tmp_path, [*OCTOBER, dumas])])
    youths = _youths(mixed)
    assert youths["DUMAS"].siecle_id == "9"  # from now on a SIECLE youth
    assert youths["DUMAS"].id in result.updated
    _import(mixed, [_june(tmp_path, OCTOBER, export="08/06/2026")])
    youths = _youths(mixed)
    assert youths["DUMAS"].left_school_on == dt.date(2026, 6, 8)
    assert youths["ESTEVE"].left_school_on is None  # never in SIECLE


def test_undoing_a_leaving_is_audited_versioned_and_sticks(mixed, tmp_path):
    _import(mixed, [_june(tmp_path)])
    caron = _youths(mixed)["CARON"]
    with mixed.read() as session:
        assert left_school_count(session, caron.campaign_id) == 1
    with pytest.raises(UserError, match="^" + CONFLICT_MESSAGE + "$"):
        with mixed.transaction() as session:
            undo_left_school(session, caron.id, caron.version - 1)
    with mixed.transaction() as session:
        result = undo_left_school(session, caron.id, caron.version)
    assert result.id == caron.id and result.version == caron.version + 1 and YOUTHS in result.topics
    with mixed.read() as session:
        youth = session.get(Youth, caron.id)
        assert youth.left_school_on is None
        assert left_school_count(session, caron.campaign_id) == 0
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.field == "left_school_on", AuditEvent.entity_id == caron.id)
        ).one()
    assert (event.old_value, event.new_value) == ("2026-06-03", "")
    with pytest.raises(UserError, match="rien à annuler"):
        with mixed.transaction() as session:
            undo_left_school(session, caron.id, None)
    # the same youth still absent from a newer export: not marked again, and the preview says why
    result = _import(mixed, [_june(tmp_path, export="08/06/2026")])
    assert result.left == () and _youths(mixed)["CARON"].left_school_on is None
    (row,) = result.preview.rows_of(Outcome.LEFT)
    assert row.kept and "sortie annulée à la main" in row.detail


def test_the_command_line_names_the_youth_and_keeps_it_with_garder(tmp_path, capsys):
    from pae_desktop.cli import main
    from pae_desktop.storage.database import open_database

    data_dir = str(tmp_path / "donnees")
    october = write(tmp_path / "octobre.xml", eleves_xml(OCTOBER, export="10/10/2025"))
    assert main(["--data-dir", data_dir, "import", str(october), "--yes"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data_dir, "import", str(_june(tmp_path))]) == 0
    _out, err = capsys.readouterr()
    line = next(line for line in err.splitlines() if line.startswith("  CARON Ilyes"))
    youth_id = int(line.rsplit("[id_jeune ", 1)[1].rstrip("]"))
    assert main(["--data-dir", data_dir, "import", str(_june(tmp_path)), "--garder", str(youth_id), "--yes"]) == 0
    db = open_database(data_dir, write=False)
    try:
        with db.read() as session:
            assert session.get(Youth, youth_id).left_school_on is None
            assert session.get(Youth, youth_id).last_name == "CARON"
    finally:
        db.close()
