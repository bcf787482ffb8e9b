"""The performance suite (issue 9): each operation at region scale, measured against the floor of its library.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/run.py --students 16000 --json results.json

Builds a database of N youths with the demo generator, then measures each operation and, in the same run,
its floor (`floors.py`, which does not import `pae_desktop`), repeating each and reporting the median.
`startup` and `memory` are whole processes; the rest run in this process. Also measures the longest gap
between GUI timer ticks while an import, a PDF batch and an export run through `ui.tasks.run_in_thread`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import floors  # noqa: E402
import siecle_export  # noqa: E402

NAMES = ("startup", "startup_ready", "search", "import_siecle", "pdf_batch", "foquale_export", "indicators", "memory")
# startup_ready has no target of the issue's: it says how long after the window its first lists take.
TARGETS = {
    "startup": 1.5,
    "startup_ready": None,
    "search": 3,
    "import_siecle": 3,
    "pdf_batch": 1.5,
    "foquale_export": 3,
    "indicators": 2,
    "memory": 2.5,
}
GUI_GAP_LIMIT = 0.100
PDF_COUNT = 300
SEARCH_WORDS = ("martin", "lea")

# Runs the application's own entry point and prints the wall clock at the first paint of a widget.
PEAK_RSS = """
def peak_rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
# "shown": the first paint of the window; "ready": the «Accueil» lists filled (loaded off the GUI thread).
APP_PROCESS = PEAK_RSS + """
import sys, time
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication


class FirstPaint(QObject):
    seen = False

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint and not self.seen:
            self.seen = True
            print(f"shown {time.time():.6f} {peak_rss()}", flush=True)
        return False


app = QApplication(sys.argv[:1])
spy = FirstPaint()
from pae_desktop.ui.main_window import MainWindow
from pae_desktop.ui.worklists import WorklistsView

# Watched from the window's show() on, as the floor's window is: a Python filter on the whole application makes
# PySide wrap every event the window's construction sends (hundreds), which a user's launch never does.
show = MainWindow.show


def watched_show(window):
    app.installEventFilter(spy)
    show(window)


MainWindow.show = watched_show

filled = WorklistsView._loaded


def loaded(view, lists):
    filled(view, lists)
    print(f"ready {time.time():.6f} {peak_rss()}", flush=True)
    QTimer.singleShot(0, QApplication.quit)


WorklistsView._loaded = loaded
from pae_desktop.cli import main

sys.exit(main(sys.argv[1:]))
"""
FLOOR_PROCESS = PEAK_RSS + floors.STARTUP_SCRIPT.replace(
    "            QTimer.singleShot(0, QApplication.quit)",
    "            import time\n            print(f'shown {time.time():.6f} {peak_rss()}', flush=True)\n"
    "            QTimer.singleShot(0, QApplication.quit)",
)


def show(result: dict) -> dict:
    log(f"  {result['name']}: app {result['app']:.4f}, floor {result['floor']:.4f}, ratio {result['app'] / result['floor']:.2f}")
    return result


def median_time(work: Callable[[], object], repeat: int, before: Callable[[], object] | None = None) -> float:
    times = []
    for _ in range(repeat):
        if before is not None:
            before()
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


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


# --- whole processes: start-up and memory -----------------------------------------------------------------


def _process(script: str, args: list[str]) -> dict[str, tuple[float, float]]:
    """For each mark the process prints ("shown", "ready"): (seconds from the process start, peak RSS in MiB
    then: the child's own VmHWM, as a fork's accounting would count the parent's pages)."""
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    env.pop("PAE_DESKTOP_EXIT_AFTER_SHOW", None)
    start = time.time()
    process = subprocess.Popen(
        [sys.executable, "-c", script, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env
    )
    _pid, status, _usage = os.wait4(process.pid, 0)
    out = process.stdout.read().decode()
    err = process.stderr.read().decode()
    process.stdout.close()
    process.stderr.close()
    process.returncode = os.waitstatus_to_exitcode(status)
    marks = {}
    for line in out.splitlines():
        name, *values = line.split()
        if name in ("shown", "ready") and name not in marks:
            marks[name] = (float(values[0]) - start, int(values[1]) / 1024)
    if process.returncode != 0 or "shown" not in marks:
        raise RuntimeError(f"process failed ({process.returncode}): {out}\n{err}")
    return marks


def byte_compile_application() -> None:
    """An installed application starts from its bytecode (pip compiles a wheel's modules as it installs it,
    the bundle ships them compiled); an editable checkout may have none, as where PYTHONDONTWRITEBYTECODE is
    set, and every start would then compile the application's ~50 modules again."""
    import compileall

    import pae_desktop

    compileall.compile_dir(Path(pae_desktop.__file__).parent, quiet=1)


def measure_processes(data_dir: Path, repeat: int) -> tuple[dict, dict, dict]:
    """startup (the window shown), startup_ready (its «Accueil» lists filled) and memory (peak RSS once filled),
    each against the floor's empty window."""
    app, floor = [], []
    for _ in range(repeat):  # interleaved, so that a busy moment of the machine hits both alike
        app.append(_process(APP_PROCESS, ["--data-dir", str(data_dir)]))
        floor.append(_process(FLOOR_PROCESS, [])["shown"])
    if any("ready" not in marks for marks in app):
        raise RuntimeError("the window never filled its «Accueil» lists")
    floor_time, floor_memory = statistics.median(t for t, _ in floor), statistics.median(m for _, m in floor)
    return (
        show({"name": "startup", "app": statistics.median(m["shown"][0] for m in app), "floor": floor_time}),
        show({"name": "startup_ready", "app": statistics.median(m["ready"][0] for m in app), "floor": floor_time}),
        show({"name": "memory", "app": statistics.median(m["ready"][1] for m in app), "floor": floor_memory}),
    )


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


def interview_ids(db, count: int) -> list[int]:
    from sqlalchemy import select

    from pae_desktop.core.models import Interview

    with db.read() as session:
        return list(session.scalars(select(Interview.id).order_by(Interview.id).limit(count)))


def pdf_work(db, ids: list[int], out_dir: Path) -> Callable:
    def work(progress=None):
        from pae_desktop.core.models import Interview
        from pae_desktop.core.operations.printing import document_options, print_document

        with db.transaction() as session:
            options = document_options(session)
            for index, interview_id in enumerate(ids):
                if progress is not None:
                    progress(index, len(ids), "Fiches d'entretien…")
                youth_id = session.get(Interview, interview_id).youth_id
                target = out_dir / f"fiche-{interview_id}.pdf"
                print_document(session, "fiche-entretien", youth_id, target, options, source_id=interview_id)
        return len(ids)

    return work


def pdf_texts(db, ids: list[int]) -> tuple[list[list[tuple[str, str, float, float]]], dict[str, str]]:
    """The paragraphs (text, font, size, leading) of the application's records, for the floor to write."""
    from reportlab.platypus import Paragraph, Table

    from pae_desktop.core.operations.printing import document_options, school_info
    from pae_desktop.core.services.document_records import interview_record
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
        for interview_id in ids:
            ctx = L.DocContext(school, fiche_entretien.TITLE, options)
            part = fiche_entretien.part(interview_record(session, interview_id))
            story = [*L.school_header(school, part.title, part.subtitle), *part.story(ctx)]
            paragraphs = list(walk(story))
            paragraphs.append((L.escape_text(L.gdpr_mention(school, options)), L.FONT, 7, 8.5))
            documents.append(paragraphs)
    fonts = {name: str(resource("fonts", f"{name}.ttf")) for name in (L.FONT, L.FONT_BOLD, L.FONT_ITALIC)}
    fonts[L.FONT_BOLD_ITALIC] = str(resource("fonts", f"{L.FONT_BOLD_ITALIC}.ttf"))
    return documents, fonts


def measure_pdf(db, work_dir: Path, repeat: int) -> dict:
    ids = interview_ids(db, PDF_COUNT)
    out_dir = work_dir / "pdf"
    out_dir.mkdir(exist_ok=True)
    documents, fonts = pdf_texts(db, ids)
    work = pdf_work(db, ids, out_dir)
    app, floor = [], []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        app.append(time.perf_counter() - start)
        start = time.perf_counter()
        floors.pdf_batch(documents, fonts, out_dir)
        floor.append(time.perf_counter() - start)
    return show({"name": "pdf_batch", "app": statistics.median(app), "floor": statistics.median(floor)})


def export_work(db, year: int, path: Path) -> Callable:
    def work(progress=None):
        from pae_desktop.core.operations.exports import export_foquale

        if progress is not None:
            progress(0, 1, "Écriture du fichier…")
        return export_foquale(db, year, path).count

    return work


def measure_export(db, info: dict, work_dir: Path, repeat: int) -> tuple[dict, Path]:
    from pae_desktop.core.services.reporting import COLUMNS

    path = work_dir / "foquale.csv"
    floor_path = work_dir / "floor-foquale.csv"
    work = export_work(db, info["year"], path)
    app = median_time(work, repeat)
    floor = median_time(lambda: floors.foquale_export(Path(db.file), info["campaign_id"], COLUMNS, floor_path), repeat)
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
    app = median_time(app_work, repeat)
    floor = median_time(lambda: floors.indicators(csv_path), repeat)
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
        ("gui_gap_pdf_batch", pdf_work(db, interview_ids(db, PDF_COUNT), out_dir)),
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
    lines = [f"{'opération':<16}{'application':>14}{'plancher':>12}{'ratio':>8}{'cible':>8}  ", "-" * 62]
    for r in results:
        unit = " MiB" if r["name"] == "memory" else " s"
        target = TARGETS[r["name"]]
        ok = "" if target is None else "ok" if r["ratio"] <= target else "MANQUÉ"
        lines.append(
            f"{r['name']:<16}{r['app']:>12.3f}{unit:<2}{r['floor']:>10.3f}{unit:<2}{r['ratio']:>8.2f}"
            f"{'—' if target is None else '≤ ' + str(target):>8}  {ok}"
        )
    for g in gaps:
        ok = "ok" if g["longest_gap"] <= g["limit"] else "MANQUÉ"
        lines.append(f"{g['name']:<22}plus long blocage {g['longest_gap'] * 1000:7.0f} ms (≤ 100 ms)  {ok}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--students", type=int, default=16_000, help="youths in the database (16 000)")
    parser.add_argument("--json", type=Path, help="where to write the results")
    parser.add_argument("--repeat", type=int, default=0, help="repetitions of each operation (default: by size)")
    parser.add_argument(
        "--keep", type=Path, help="work in this folder and keep it, its database reused (default: a temporary one)"
    )
    parser.add_argument("--only", nargs="*", default=None, help="measure only these operations (development)")
    args = parser.parse_args(argv)
    quick = args.students <= 2000
    repeat = args.repeat or (5 if quick else 3)
    heavy_repeat = args.repeat or 3
    # A whole process lasts about a second and its time swings by a third with the machine's load: more pairs.
    process_repeat = args.repeat or 9

    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(sys.argv[:1])
    work_dir = args.keep or Path(tempfile.mkdtemp(prefix="pae-bench-"))
    work_dir.mkdir(parents=True, exist_ok=True)
    data_dir = work_dir / "data"
    wanted = set(args.only) if args.only else set(NAMES) | {"gui"}
    measured: dict[str, dict] = {}
    gaps: list[dict] = []
    begun = time.perf_counter()
    try:
        info = build_database(data_dir, args.students)
        if wanted & {"startup", "startup_ready", "memory"}:
            log("startup and memory (whole processes)…")
            byte_compile_application()
            startup, ready, memory = measure_processes(data_dir, process_repeat)
            measured |= {"startup": startup, "startup_ready": ready, "memory": memory}
        from pae_desktop.storage.database import open_database

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
                measured["pdf_batch"] = measure_pdf(db, work_dir, heavy_repeat)
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
    finally:
        if args.keep is None:
            shutil.rmtree(work_dir, ignore_errors=True)
    results = [
        {
            "name": name,
            "app": round(measured[name]["app"], 4),
            "floor": round(measured[name]["floor"], 4),
            "ratio": round(measured[name]["app"] / measured[name]["floor"], 2),
        }
        for name in NAMES
        if name in measured
    ]
    document = {
        "results": results,
        "gui_gaps": [{k: round(v, 4) if isinstance(v, float) else v for k, v in g.items()} for g in gaps],
        "targets": TARGETS,
        "students": args.students,
        "repeat": repeat,
        "build_seconds": round(info["build_seconds"], 1),
        "total_seconds": round(time.perf_counter() - begun, 1),
        "measured_on": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": machine(),
    }
    print(table(results, gaps))
    print(f"{args.students} jeunes ; durée totale {document['total_seconds']:.0f} s")
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
