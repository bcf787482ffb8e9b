"""Aggregation of hostile files (issue 19 §3): a youth counted twice, a field over the sane length and a field of
several megabytes are refused with file, line and column, never with a traceback."""

from __future__ import annotations

import pytest

from foquale_rows import campaign_a, row
from pae_desktop.cli import main
from pae_desktop.core.services import consolidation
from pae_desktop.io import foquale


def _refusal(paths) -> list[foquale.Problem]:
    with pytest.raises(consolidation.InvalidFiles) as refused:
        consolidation.consolidate(paths)
    return refused.value.problems


def test_a_youth_repeated_in_a_file_is_refused(tmp_path):
    path = tmp_path / "ecole.csv"
    foquale.write_rows(path, [row(n="101"), row(n="102"), row(n="101")])
    problems = _refusal([path])
    assert [(p.file, p.line, p.column) for p in problems] == [(str(path), 4, "id_jeune")]
    assert "figure déjà ligne 2" in problems[0].message


def test_a_school_repeating_its_youths_in_two_files_is_refused(tmp_path):
    first, second = tmp_path / "a.csv", tmp_path / "b.csv"
    foquale.write_rows(first, campaign_a())
    foquale.write_rows(second, campaign_a())
    problems = _refusal([first, second])
    repeated = [p for p in problems if p.column == "id_jeune"]
    assert len(repeated) == len(campaign_a()) and {p.file for p in repeated} == {str(second)}
    assert f"figure déjà dans {first}, ligne 2" in repeated[0].message


def test_a_field_over_the_sane_length_is_refused_with_its_column(tmp_path):
    path = tmp_path / "ecole.csv"
    foquale.write_rows(path, [row(n="101"), row(n="102", mission_locale="M" * (foquale.MAX_FIELD_LENGTH + 1))])
    problems = _refusal([path])
    long = [p for p in problems if "caractères" in p.message]
    assert [(p.line, p.column) for p in long] == [(3, "mission_locale")]
    assert "1\u00a0001 caractères" in long[0].message


def _raw_file(path, field_length: int):
    header = ";".join(foquale.COLUMNS)
    values = dict(row(n="101"))
    values["mission_locale"] = "x" * field_length
    path.write_text(header + "\r\n" + ";".join(values[c] for c in foquale.COLUMNS) + "\r\n", encoding="utf-8")
    return path


def test_a_five_megabyte_field_is_refused_without_traceback(tmp_path, capsys):
    path = _raw_file(tmp_path / "ecole.csv", 5 * 1024 * 1024)
    problems = _refusal([path])
    assert [(p.line, p.column) for p in problems if "caractères" in p.message] == [(2, "mission_locale")]
    assert main(["aggregate", str(path), "--format", "json"]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "ligne 2, colonne mission_locale" in err


def test_a_field_past_the_reader_limit_stops_at_its_line(tmp_path):
    path = _raw_file(tmp_path / "ecole.csv", foquale.PARSE_LIMIT + 10)
    problems = _refusal([path])
    assert [(p.line, p.column) for p in problems] == [(2, "")]
    assert "dépasse 1\u00a0000 caractères" in problems[0].message
