"""Bounded memory on hostile imports (issue 19 §2): each file is built here, refused in French naming the file and
the limit, nothing written, and the peak memory of the importing process measured under 500 MiB."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from pae_desktop.cli import main
from pae_desktop.core import settings
from pae_desktop.core.services.census import read_sources
from pae_desktop.io import limits
from pae_desktop.io.limits import FileRefused
from pae_desktop.io.spreadsheet import read_csv
from pae_desktop.storage.database import open_database
from test_import_cli import _count as _youths

PEAK_LIMIT_KIB = 500 * 1024
SRC = Path(__file__).resolve().parents[1] / "src"
REFUSED = "Import refusé, rien n'a été modifié."
NBSP = "\u00a0"

# The importing process reports its own peak resident memory (KiB) once refused: VmHWM, the peak of its own
# address space. ru_maxrss is no measure of it on Linux: it keeps the peak of the process image before exec,
# here the test run's (over 500 MiB after the screen walks), whatever the child used.
CHILD = """
import resource, sys
from pae_desktop.cli import main
try:
    code = main(["--data-dir", sys.argv[1], "import", "--yes", *sys.argv[2:]])
except SystemExit as exit:
    code = exit.code
try:
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))
except OSError:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(f"PEAK {peak} CODE {code}")
"""

_CT = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Élèves" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml" '
    'Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)


def _xlsx(path: Path, dimension: str, rows: str) -> Path:
    """A workbook of a few Ko written by hand: its sheet declares `dimension` and holds `rows`."""
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CT)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path


def _row(index: int, *values: str) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{v}</t></is></c>' for v in values)
    return f'<row r="{index}">{cells}</row>'


HEADERS = _row(1, "Nom", "Prénom", "Classe") + _row(2, "MARTIN", "Léa", "TBP-MV")


def _database(path: Path) -> Path:
    open_database(path).close()
    return path


def _import_in_child(data_dir: Path, *files: Path) -> tuple[int, str, int]:
    """`pae-desktop import --yes FILE…` in a process of its own: (exit code, its error output, its peak KiB)."""
    env = {**os.environ, "PYTHONPATH": str(SRC), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("PAE_TEST_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(data_dir), *map(str, files)],
        capture_output=True,
        text=True,
        env=env,
        timeout=600,
        check=False,
    )
    last = done.stdout.strip().splitlines()[-1].split()
    assert last[0] == "PEAK", done.stdout + done.stderr
    return int(last[3]), done.stderr, int(last[1])


def _assert_refused_in_bounded_memory(tmp_path: Path, hostile: Path, *expected: str) -> str:
    data_dir = _database(tmp_path / "donnees")
    code, error, peak = _import_in_child(data_dir, hostile)
    assert code == 1, error
    assert "Traceback" not in error
    assert f"« {hostile.name}" in error
    for part in expected:
        assert part in error, error
    assert REFUSED in error
    print(f"{hostile.name}: peak {peak // 1024} MiB")
    assert peak < PEAK_LIMIT_KIB, f"pic mémoire {peak // 1024} Mio"
    assert _youths(data_dir) == 0
    return error


def test_a_workbook_declaring_a_million_rows_is_refused_before_reading(tmp_path):
    corner = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    hostile = _xlsx(tmp_path / "eleves.xlsx", "A1:XFD1048576", HEADERS + corner)
    assert hostile.stat().st_size < 10_000
    error = _assert_refused_in_bounded_memory(tmp_path, hostile, f"déclare 1{NBSP}048{NBSP}576 lignes")
    assert f"au-delà de 100{NBSP}000, il ne peut s'agir d'un export d'établissement" in error


def test_a_workbook_lying_about_its_size_is_refused_on_its_real_rows(tmp_path):
    hostile = _xlsx(tmp_path / "menteur.xlsx", "A1:C2", HEADERS + _row(1048576, "DUPONT", "Jean", "TBP-MV"))
    _assert_refused_in_bounded_memory(tmp_path, hostile, f"compte plus de 100{NBSP}000 lignes")


def test_a_workbook_declaring_too_many_columns_is_refused(tmp_path):
    hostile = _xlsx(tmp_path / "large.xlsx", "A1:ZZ3", HEADERS)
    with pytest.raises(FileRefused) as refused:
        read_sources([hostile])
    assert "déclare 702 colonnes : au-delà de 200" in str(refused.value)


def test_a_workbook_with_a_row_of_a_million_cells_is_refused(tmp_path):
    cells = '<c t="inlineStr"><is><t>x</t></is></c>' * 20_000
    hostile = _xlsx(tmp_path / "ligne.xlsx", "A1:C2", HEADERS + f'<row r="3">{cells}</row>')
    _assert_refused_in_bounded_memory(tmp_path, hostile, "colonnes : au-delà de 200")


def test_a_long_csv_is_streamed_and_refused_past_the_row_limit(tmp_path):
    hostile = tmp_path / "liste.csv"
    with hostile.open("w", encoding="utf-8") as handle:
        handle.write("Nom;Prénom;Classe\n")
        handle.writelines(f"NOM{i};Prénom{i};TBP-MV\n" for i in range(300_000))
    error = _assert_refused_in_bounded_memory(tmp_path, hostile, f"compte plus de 100{NBSP}000 lignes")
    assert "il ne peut s'agir d'un export d'établissement" in error


def test_a_csv_line_without_end_is_refused_on_its_length(tmp_path):
    hostile = tmp_path / "une_ligne.csv"
    with hostile.open("w", encoding="utf-8") as handle:
        handle.write("Nom;Prénom\n")
        for _ in range(50):
            handle.write("A" * 1_000_000)  # 50 millions of characters, no line break
    _assert_refused_in_bounded_memory(
        tmp_path, hostile, "à la ligne 2, une ligne de plus de 1\u00a0000\u00a0000 caractères"
    )


def test_a_csv_field_over_the_field_limit_is_refused_with_its_line():
    data = ("Nom;Prénom\nMARTIN;Léa\n" + 'DUPONT;"' + "B" * 200_000 + '"\n').encode()
    with pytest.raises(FileRefused) as refused:
        read_csv(data, "champ.csv")
    assert str(refused.value) == (
        f"Le fichier « champ.csv » a, à la ligne 3, un champ de plus de 100{NBSP}000 caractères : "
        f"ce n'est pas un tableur d'élèves. {REFUSED}"
    )


def _zip_of_zeros(path: Path, megabytes: int) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("ElevesSansAdresses.xml", "w") as member:
            member.write(b"<BEE_ELEVES>")
            block = b" " * (1 << 20)
            for _ in range(megabytes):
                member.write(block)
            member.write(b"</BEE_ELEVES>")
    return path


def test_a_zip_bomb_is_refused_before_extracting(tmp_path):
    hostile = _zip_of_zeros(tmp_path / "ExportXML.zip", 120)
    assert hostile.stat().st_size < 1 << 20
    _assert_refused_in_bounded_memory(
        tmp_path, hostile, "« ElevesSansAdresses.xml », 120\u00a0Mo compressés", "bombe de décompression"
    )


def test_a_zip_whose_content_is_over_the_size_limit_is_refused(tmp_path):
    archive = _zip_of_zeros(tmp_path / "ExportXML.zip", 3)
    with pytest.raises(FileRefused) as refused:
        read_sources([archive], max_bytes=2 * limits.MEGABYTE)
    assert str(refused.value).startswith(
        "L'archive « ExportXML.zip » contient 3\u00a0Mo une fois décompressée : au-delà de 2\u00a0Mo "
        "(réglage « Taille maximale d'un fichier importé »)"
    )


def test_a_member_longer_than_announced_is_stopped_by_the_running_count():
    from io import BytesIO

    reader = limits.BoundedReader(BytesIO(b"x" * (3 * limits.MEGABYTE)), "a.zip › b.xml", limits.MEGABYTE)
    with pytest.raises(FileRefused) as refused:
        while reader.read(1 << 16):
            pass
    assert "« a.zip › b.xml » dépasse 1\u00a0Mo une fois lu" in str(refused.value)
    assert reader.count <= limits.MEGABYTE + limits.CHUNK


def test_an_oversized_file_is_refused_on_its_size_without_being_opened(tmp_path):
    hostile = tmp_path / "enorme.csv"
    with hostile.open("wb") as handle:
        handle.truncate(201 * limits.MEGABYTE)  # sparse: no disk used
    error = _assert_refused_in_bounded_memory(tmp_path, hostile, "fait 201\u00a0Mo : au-delà de 200\u00a0Mo")
    assert "(réglage « Taille maximale d'un fichier importé »)" in error


def test_the_size_limit_is_the_setting(tmp_path, capsys):
    data_dir = _database(tmp_path / "donnees")
    db = open_database(data_dir)
    with db.transaction() as session:
        settings.put(session, settings.MAX_IMPORT_MB, 1)
    db.close()
    listing = tmp_path / "liste.csv"
    listing.write_text("Nom;Prénom\n" + "MARTIN;Léa\n" * 200_000, encoding="utf-8")
    assert main(["--data-dir", str(data_dir), "import", "--yes", str(listing)]) == 1
    assert "« liste.csv » fait 2,3\u00a0Mo : au-delà de 1\u00a0Mo" in capsys.readouterr().err
    assert _youths(data_dir) == 0


def test_a_siecle_export_of_endless_unknown_elements_is_refused(tmp_path):
    hostile = tmp_path / "ElevesSansAdresses.xml"
    with hostile.open("wb") as handle:
        handle.write(b'<?xml version="1.0" encoding="ISO-8859-15"?><BEE_ELEVES><DONNEES>')
        handle.writelines(b"<X/>" * 100_000 for _ in range(12))
        handle.write(b"</DONNEES></BEE_ELEVES>")
    _assert_refused_in_bounded_memory(tmp_path, hostile, "éléments XML hors des fiches")


def test_the_import_dialog_shows_the_refusal(qtbot, db, tmp_path):
    from pae_desktop.ui import tasks
    from pae_desktop.ui.context import AppContext
    from pae_desktop.ui.import_dialog import ImportDialog

    hostile = _xlsx(tmp_path / "eleves.xlsx", "A1:C1048576", HEADERS)
    tasks.use_runner(tasks.run_now)
    try:
        dialog = ImportDialog(AppContext(db, None), [], None)
        qtbot.addWidget(dialog)
        dialog.add_paths([str(hostile)])
        dialog.read_files()
    finally:
        tasks.use_runner(tasks.run_in_thread)
    assert dialog.pages.currentWidget() is dialog.files_page
    assert dialog.message.text() == (
        f"Le fichier « eleves.xlsx » déclare 1{NBSP}048{NBSP}576 lignes : au-delà de 100{NBSP}000, "
        f"il ne peut s'agir d'un export d'établissement. {REFUSED}"
    )


def test_a_zip_member_longer_than_announced_is_refused_in_french(tmp_path, capsys):
    hostile = tmp_path / "ExportXML.zip"
    content = b"<BEE_ELEVES>" + b" " * 5000 + b"</BEE_ELEVES>"
    with zipfile.ZipFile(hostile, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("ElevesSansAdresses.xml", content)
    data = bytearray(hostile.read_bytes())
    size = len(content).to_bytes(4, "little")
    for at in range(len(data) - 3):  # the declared size, in the local header and the central directory
        if data[at : at + 4] == size:
            data[at : at + 4] = (100).to_bytes(4, "little")
    hostile.write_bytes(bytes(data))
    assert main(["--data-dir", str(_database(tmp_path / "d")), "import", str(hostile)]) == 1
    error = capsys.readouterr().err
    assert "L'archive « ExportXML.zip » est" in error
    assert "refaites le téléchargement" in error
    assert "Traceback" not in error and "CRC" not in error
