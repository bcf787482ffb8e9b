"""The performance suite (issues 9 and 20): each operation at region scale, measured against the floor of its library.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/run.py --students 16000 --json results.json

Builds a database of N youths and one of a typical school (300) with the demo generator, then measures each
operation and, in the same run, its floor (`floors.py`, which does not import `pae_desktop`), repeating each and
reporting the median. Whole processes (`processes.py`): start-up, memory and the spreadsheet peer (`peer.py`,
LibreOffice opening the application's caseload export), interleaved. PDF batches (`batches.py`); the rest runs
in this process. Also measures the longest gap between GUI timer ticks while an import, a PDF batch and an
export run through `ui.tasks.run_in_thread`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
# The application of this checkout, here and in the processes the suite starts, whatever the venv has installed.
SRC = HERE.parent / "src"
if SRC.is_dir():
    sys.path.insert(0, str(SRC))
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (str(SRC), os.environ.get("PYTHONPATH", "")) if p)
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import batches  # noqa: E402
import floors  # noqa: E402
import peer  # noqa: E402
import processes  # noqa: E402
import siecle_export  # noqa: E402
from common import log, paired_medians, show  # noqa: E402

NAMES = (
    "startup",
    "startup_ready",
    "libreoffice_open",
    "vs_spreadsheet",
    "search",
    "import_siecle",
    "pdf_batch",
    "foquale_export",
    "indicators",
    "memory",
    "startup_300",
    "startup_ready_300",
    "documents_300",
)
# Ratios (issue 20). libreoffice_open and documents_300 are information: no floor, no target. vs_spreadsheet is
# startup_ready over LibreOffice opening the same caseload; the 300-youth school keeps the region's targets.
TARGETS = {
    "startup": 1.3,
    "startup_ready": 2.0,
    "libreoffice_open": None,
    "vs_spreadsheet": 0.5,
    "search": 3,
    "import_siecle": 2.0,
    "pdf_batch": 0.75,
    "foquale_export": 1.5,
    "indicators": 2,
    "memory": 1.5,
    "startup_300": 1.3,
    "startup_ready_300": 2.0,
    "documents_300": None,
}
PROCESS_NAMES = {"startup", "startup_ready", "memory", "libreoffice_open", "vs_spreadsheet"}
GUI_GAP_LIMIT = 0.050
SCHOOL_STUDENTS = 300
SEARCH_WORDS = ("martin", "lea")


# --- building the database -------------------------------------------------------------------------------


def build_database(data_dir: Path, students: int) -> dict:
    from pae_desktop.core.services.campaigns import get_campaign
    from pae_desktop.core.services.demo import generate_demo
    from pae_desktop.storage.database import open_database

    reused = (data_dir / "pae-desktop.db").exists()
    db = open_database(data_dir)
    try:
        start = time.perf_counter()
        if not reused:
            with db.transaction() as session:
                # one closed campaign of N youths, as the figures of the README were measured on
                generate_demo(session, students=students, seed=0, year=dt.date.today().year - 1)
        elapsed = time.perf_counter() - start
        with db.read() as session:
            campaign = get_campaign(session)
            info = {"campaign_id": campaign.id, "year": campaign.year}
    finally:
        db.close()
    log(f"demo database: {students} youths {'reused' if reused else 'built'} in {elapsed:.1f} s")
    return info | {"build_seconds": elapsed}


# --- in-process operations ----------------------------------------------------------------------------------


def measure_search(db, campaign_id: int, repeat: int) -> dict:
    from PySide6.QtTest import QTest
    from PySide6.QtWidgets import QApplication

    from pae_desktop.ui.caseload import CaseloadView
    from pae_desktop.ui.context import AppContext

    context = AppContext(db, campaign_id)
    view = CaseloadView(context)
    view.resize(1280, 800)
    view.show()
    while view.loader.running:  # the rows load off the GUI thread; the keystrokes are timed on them
        QApplication.processEvents()
        time.sleep(0.005)
    QApplication.processEvents()
    if view.model.rowCount() == 0:
        raise RuntimeError("the caseload shows no youth")

    def app_keystrokes() -> list[float]:
        times = []
        for word in SEARCH_WORDS:
            view.search.clear()
            QApplication.processEvents()
            view.table.viewport().repaint()
            for char in word:
                start = time.perf_counter()
                QTest.keyClick(view.search, char)
                QApplication.processEvents()
                view.table.viewport().repaint()
                times.append(time.perf_counter() - start)
        return times

    floor = floors.SearchFloor(Path(db.file), campaign_id)

    def floor_keystrokes() -> list[float]:
        times = []
        for word in SEARCH_WORDS:
            for end in range(1, len(word) + 1):
                start = time.perf_counter()
                floor.type(word[:end])
                QApplication.processEvents()
                times.append(time.perf_counter() - start)
        return times

    app_times, floor_times = [], []
    for _ in range(repeat):
        app_times += app_keystrokes()
        floor_times += floor_keystrokes()
    view.close()
    view.deleteLater()
    floor.close()
    QApplication.processEvents()
    return show({"name": "search", "app": statistics.median(app_times), "floor": statistics.median(floor_times)})


def import_work(zips: tuple[Path, Path], data_dir: Path) -> Callable:
    def work(progress=None):
        from pae_desktop.core.services.census import ImportOptions, apply_import, read_sources
        from pae_desktop.storage.database import open_database

        db = open_database(data_dir)
        try:
            sources = read_sources(zips, progress)
            with db.transaction() as session:
                preview = apply_import(session, sources, ImportOptions(), progress).preview
        finally:
            db.close()
        return preview

    return work


def measure_import(work_dir: Path, students: int, repeat: int) -> dict:
    zips = siecle_export.write(work_dir, students)
    app, floor = [], []
    for attempt in range(repeat):
        data_dir = work_dir / f"import-{attempt}"
        work = import_work(zips, data_dir)
        from pae_desktop.storage.database import open_database

        open_database(data_dir).close()  # the schema exists before the clock starts: an import, not a set-up
        start = time.perf_counter()
        preview = work()
        app.append(time.perf_counter() - start)
        added = sum(preview.counts.values())
        if added != students:
            raise RuntimeError(f"the import planned {added} students instead of {students}")
        shutil.rmtree(data_dir)
        floor_file = work_dir / f"floor-import-{attempt}.db"
        start = time.perf_counter()
        floors.import_siecle(zips[0], floor_file)
        floor.append(time.perf_counter() - start)
        floor_file.unlink()
        for suffix in ("-wal", "-shm"):
            Path(f"{floor_file}{suffix}").unlink(missing_ok=True)
    return show({"name": "import_siecle", "app": statistics.median(app), "floor": statistics.median(floor)})


def export_work(db, year: int, path: Path) -> Callable:
    def work(progress=None):
        from pae_desktop.core.operations.exports import export_foquale

        if progress is not None:
            progress(0, 1, "Écriture du fichier…")
        return export_foquale(db, year, path).count

    return work


def quick(repeat: int) -> int:
    """Repetitions of an operation of a fraction of a second: its time swings by a third with the machine's load,
    more pairs cost little."""
    return max(repeat, 9)


def measure_export(db, info: dict, work_dir: Path, repeat: int) -> tuple[dict, Path]:
    from pae_desktop.core.services.reporting import COLUMNS

    path = work_dir / "foquale.csv"
    floor_path = work_dir / "floor-foquale.csv"
    work = export_work(db, info["year"], path)
    def floor_work():
        return floors.foquale_export(Path(db.file), info["campaign_id"], COLUMNS, floor_path)

    work(), floor_work()  # once each, unmeasured: the modules the first export imports, the file in the cache
    app, floor = paired_medians(work, floor_work, quick(repeat))
    return show({"name": "foquale_export", "app": app, "floor": floor}), path


def measure_indicators(db, info: dict, csv_path: Path, repeat: int) -> dict:
    from pae_desktop.core.services.reporting import campaign_report

    def app_work():
        with db.read() as session:
            return campaign_report(session, info["year"])

    report, _rows = app_work()
    floor_result = floors.indicators(csv_path)
    if floor_result != report.indicators:
        raise RuntimeError(f"the floor's indicators differ from the application's:\n{floor_result}\n{report.indicators}")
    app, floor = paired_medians(app_work, lambda: floors.indicators(csv_path), quick(repeat))
    return show({"name": "indicators", "app": app, "floor": floor})


# --- the GUI thread while background work runs ------------------------------------------------------------


def longest_gap(work: Callable) -> tuple[float, float]:
    """(longest gap between 5 ms GUI timer ticks, duration) while `work` runs through `run_in_thread`."""
    from PySide6.QtCore import QEventLoop, QTimer
    from PySide6.QtWidgets import QWidget

    from pae_desktop.ui.tasks import run_in_thread

    window = QWidget()
    window.resize(400, 300)
    window.show()
    ticks: list[float] = []
    timer = QTimer()
    timer.setInterval(5)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    loop = QEventLoop()
    outcome: dict = {}

    def done(result):
        outcome["result"] = result
        loop.quit()

    def failed(error):
        outcome["error"] = error
        loop.quit()

    start = time.perf_counter()
    ticks.append(start)
    timer.start()
    run_in_thread(window, "Mesure", work, done, failed)
    loop.exec()
    end = time.perf_counter()
    timer.stop()
    ticks.append(end)
    window.close()
    if "error" in outcome:
        raise outcome["error"]
    return max(b - a for a, b in zip(ticks, ticks[1:], strict=False)), end - start


def measure_gaps(db, info: dict, work_dir: Path, students: int) -> list[dict]:
    import gc

    gc.freeze()  # as `ui.app.run_app` does once the window is shown: what start-up built stays out of the scans
    zips = (work_dir / "ExportXML_ElevesSansAdresses.zip", work_dir / "ExportXML_Nomenclature.zip")
    data_dir = work_dir / "import-gui"
    from pae_desktop.storage.database import open_database

    open_database(data_dir).close()
    out_dir = work_dir / "pdf-gui"
    out_dir.mkdir(exist_ok=True)
    results = []
    for name, work in (
        ("gui_gap_import", import_work(zips, data_dir)),
        ("gui_gap_pdf_batch", batches.pdf_work(db, batches.interviewed_youths(db, batches.PDF_COUNT), out_dir)),
        ("gui_gap_export", export_work(db, info["year"], work_dir / "foquale-gui.csv")),
    ):
        gap, duration = longest_gap(work)
        results.append({"name": name, "longest_gap": gap, "limit": GUI_GAP_LIMIT, "duration": duration})
        log(f"{name}: longest gap {gap * 1000:.0f} ms over {duration:.1f} s")
    shutil.rmtree(data_dir)
    return results


# --- report ------------------------------------------------------------------------------------------------


def machine() -> dict:
    import sqlite3

    import PySide6
    from PySide6.QtCore import qVersion

    cpu = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        cpu = platform.processor()
    ram = ""
    try:
        kib = int(Path("/proc/meminfo").read_text().split("MemTotal:")[1].split()[0])
        ram = f"{kib / 1024 / 1024:.1f} GiB"
    except (OSError, IndexError, ValueError):
        pass
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram": ram,
        "python": platform.python_version(),
        "qt": qVersion(),
        "pyside6": PySide6.__version__,
        "sqlite": sqlite3.sqlite_version,
        "system": platform.platform(),
    }


def table(results: list[dict], gaps: list[dict]) -> str:
    lines = [f"{'opération':<18}{'application':>14}{'plancher':>12}{'ratio':>8}{'cible':>8}  ", "-" * 64]
    for r in results:
        unit = " MiB" if r["name"] == "memory" else " s"
        target = TARGETS[r["name"]]
        ok = "" if target is None or r["ratio"] is None else "ok" if r["ratio"] <= target else "MANQUÉ"
        floor = f"{'—':>10}  " if r["floor"] is None else f"{r['floor']:>10.3f}{unit:<2}"
        ratio = f"{'—':>8}" if r["ratio"] is None else f"{r['ratio']:>8.2f}"
        lines.append(
            f"{r['name']:<18}{r['app']:>12.3f}{unit:<2}{floor}{ratio}"
            f"{'—' if target is None else '≤ ' + str(target):>8}  {ok}"
        )
    limit = f"≤ {GUI_GAP_LIMIT * 1000:.0f} ms"
    for g in gaps:
        ok = "ok" if g["longest_gap"] <= g["limit"] else "MANQUÉ"
        lines.append(f"{g['name']:<22}plus long blocage {g['longest_gap'] * 1000:7.0f} ms ({limit})  {ok}")
    return "\n".join(lines)


def result_line(result: dict) -> dict:
    """The JSON line of a result: name, app, floor and ratio (floor and ratio None for information)."""
    floor = result["floor"]
    return {
        "name": result["name"],
        "app": round(result["app"], 4),
        "floor": None if floor is None else round(floor, 4),
        "ratio": None if floor is None else round(result["app"] / floor, 2),
    }


def measure_whole_processes(args, data_dir: Path, school_dir: Path | None, work_dir: Path, repeat: int) -> list[dict]:
    """startup, startup_ready and memory of both databases, and the spreadsheet peer when LibreOffice is here."""
    processes.byte_compile_application()
    spreadsheet = None
    executable = peer.soffice()
    if executable is None:
        log(peer.MISSING)
        print(peer.MISSING)
    else:
        xlsx = peer.export_caseload(data_dir, work_dir)
        spreadsheet = peer.Spreadsheet(executable, xlsx, work_dir)
        log(f"LibreOffice: profile created and warmed in {spreadsheet.warm():.1f} s (not measured)")
    data_dirs = {"": data_dir} | ({"_300": school_dir} if school_dir is not None else {})
    try:
        return processes.measure_processes(data_dirs, repeat, spreadsheet)
    finally:
        if spreadsheet is not None:
            spreadsheet.close()


def measure_school(school_dir: Path, work_dir: Path, wanted: set[str], repeat: int) -> tuple[dict, dict]:
    """documents_300 on the typical school's database."""
    from pae_desktop.storage.database import open_database

    if "documents_300" not in wanted:
        return {}, {}
    log("a 300-youth campaign's documents…")
    db = open_database(school_dir)
    try:
        result, facts = batches.measure_campaign_documents(db, work_dir, repeat)
    finally:
        db.close()
    return {"documents_300": result}, facts


def measure_in_process(data_dir: Path, info: dict, work_dir: Path, args, wanted: set[str], repeats) -> tuple:
    """The operations run in this process, and the GUI thread's longest gaps."""
    from pae_desktop.storage.database import open_database

    repeat, heavy_repeat = repeats
    measured: dict[str, dict] = {}
    gaps: list[dict] = []
    db = open_database(data_dir)
    try:
        if "search" in wanted:
            log("search…")
            measured["search"] = measure_search(db, info["campaign_id"], max(1, repeat // 2))
        if "import_siecle" in wanted:
            log("SIECLE import…")
            measured["import_siecle"] = measure_import(work_dir, args.students, heavy_repeat)
        if "pdf_batch" in wanted:
            log("PDF batch…")
            measured["pdf_batch"] = batches.measure_pdf(db, work_dir, heavy_repeat)
        if wanted & {"foquale_export", "indicators"}:
            log("FOQUALE export…")
            measured["foquale_export"], csv_path = measure_export(db, info, work_dir, repeat)
            log("indicators…")
            measured["indicators"] = measure_indicators(db, info, csv_path, repeat)
        if "gui" in wanted:
            log("GUI thread during background work…")
            gaps = measure_gaps(db, info, work_dir, args.students)
    finally:
        db.close()
    return measured, gaps


def parse(argv: list[str] | None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=16_000, help="youths in the database (16 000)")
    parser.add_argument("--school", type=int, default=SCHOOL_STUDENTS, help="youths of the typical school (300)")
    parser.add_argument("--json", type=Path, help="where to write the results")
    parser.add_argument("--repeat", type=int, default=0, help="repetitions of each operation (default: by size)")
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it, its database reused (default: a temporary one)"
    )
    parser.add_argument("--only", nargs="*", default=None, help="measure only these operations (development)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    quick = args.students <= 2000
    repeat = args.repeat or (5 if quick else 3)
    heavy_repeat = args.repeat or 3
    # A whole process lasts about a second and its time swings by a third with the machine's load: more pairs.
    process_repeat = args.repeat or 9

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    work_dir = args.keep or Path(tempfile.mkdtemp(prefix="pae-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    data_dir, school_dir = work_dir / "data", work_dir / "school"
    wanted = set(args.only) if args.only else set(NAMES) | {"gui"}
    measured: dict[str, dict] = {}
    gaps: list[dict] = []
    school: dict = {}
    begun = time.perf_counter()
    try:
        info = build_database(data_dir, args.students)
        with_school = bool(wanted & {"startup_300", "startup_ready_300", "documents_300"})
        if with_school:
            school = build_database(school_dir, args.school)
        if wanted & (PROCESS_NAMES | {"startup_300", "startup_ready_300"}):
            log("start-up, memory and the spreadsheet (whole processes)…")
            found = measure_whole_processes(args, data_dir, school_dir if with_school else None, work_dir, process_repeat)
            measured |= {r["name"]: r for r in found}
        if with_school:
            found, facts = measure_school(school_dir, work_dir, wanted, min(heavy_repeat, 2))
            measured |= found
            school = {"students": args.school, "build_seconds": round(school["build_seconds"], 1)} | facts
        found, gaps = measure_in_process(data_dir, info, work_dir, args, wanted, (repeat, heavy_repeat))
        measured |= found
    finally:
        if args.keep is None:
            shutil.rmtree(work_dir, ignore_errors=True)
    results = [result_line(measured[name]) for name in NAMES if name in measured]
    document = {
        "results": results,
        "gui_gaps": [{k: round(v, 4) if isinstance(v, float) else v for k, v in g.items()} for g in gaps],
        "targets": TARGETS,
        "gui_gap_limit": GUI_GAP_LIMIT,
        "students": args.students,
        "school": school,
        "repeat": repeat,
        "process_repeat": process_repeat,
        "build_seconds": round(info["build_seconds"], 1),
        "total_seconds": round(time.perf_counter() - begun, 1),
        "measured_on": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    print(table(results, gaps))
    print(f"{args.students} jeunes (établissement type : {args.school}) ; durée totale {document['total_seconds']:.0f} s")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    del app
    return 0


if __name__ == "__main__":
    status = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(status)  # skips the interpreter's teardown, where PySide6 may crash once the work is done
