"""A pseudonymised FOQUALE file leaves the columns naming a person empty, whatever the rows hold."""

from __future__ import annotations

from foquale_rows import row
from pae_desktop.core.foquale_spec import COLUMNS, NOMINATIVE_COLUMNS
from pae_desktop.io import foquale


def test_pseudonymised_rows_lose_their_names_and_keep_the_rest(tmp_path):
    rows = [row(n=str(i), nom=f"NOM{i}", prenom="Zoé", specialite="Cuisine") for i in range(1, 4)]
    path = foquale.write_rows(tmp_path / "p.csv", rows, nominative=False)
    written = foquale.read_file(path).rows
    assert len(written) == 3 and NOMINATIVE_COLUMNS
    for original, kept in zip(rows, written, strict=True):
        for column in COLUMNS:
            expected = "" if column in NOMINATIVE_COLUMNS else original[column]
            assert kept[column] == expected, column
    assert foquale.read_file(foquale.write_rows(tmp_path / "n.csv", rows)).rows == rows
