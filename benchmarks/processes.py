"""Whole processes: the application's start-up and memory, the empty window of the floor and the spreadsheet peer.

Each repetition launches, one after the other, the application on each database (the region's 16 000 youths,
a typical school's 300), the floor's empty window and LibreOffice opening the caseload: a busy moment of the
machine hits them all alike.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import floors
from common import log, show

# Runs the application's own entry point and prints the wall clock at the first paint of a widget.
PEAK_RSS = """
def peak_rss():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    import resource
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
"""
# "shown": the first paint of the window; "ready": the «Accueil» lists filled (loaded off the GUI thread). The
# process starts as `pae-desktop` does: the command line first, which forks the first lists' child before Qt is
# loaded (`cli.window_runner`); the window's classes are watched from there on, and Qt's application is the one the
# application makes. Importing them before the command line, as this script once did, forked the child after Qt and
# SQLAlchemy were loaded, which no launch does.
APP_PROCESS = PEAK_RSS + """
import sys, time
from pae_desktop import cli

prepared = cli.window_runner


def watched_runner():
    run_app = prepared()
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication
    from pae_desktop.ui.main_window import MainWindow
    from pae_desktop.ui.worklists import WorklistsView

    class FirstPaint(QObject):
        seen = False

        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint and not self.seen:
                self.seen = True
                print(f"shown {time.time():.6f} {peak_rss()}", flush=True)
            return False

    spy = FirstPaint()
    show = MainWindow.show

    # Watched from the window's show() on, as the floor's window is: a Python filter on the whole application makes
    # PySide wrap every event the window's construction sends (hundreds), which a user's launch never does.
    def watched_show(window):
        QApplication.instance().installEventFilter(spy)
        show(window)

    MainWindow.show = watched_show
    filled = WorklistsView._loaded

    def loaded(view, lists):
        filled(view, lists)
        print(f"ready {time.time():.6f} {peak_rss()}", flush=True)
        QTimer.singleShot(0, QApplication.quit)

    WorklistsView._loaded = loaded
    return run_app


cli.window_runner = watched_runner
sys.exit(cli.main(sys.argv[1:]))
"""
FLOOR_PROCESS = PEAK_RSS + floors.STARTUP_SCRIPT.replace(
    "            QTimer.singleShot(0, QApplication.quit)",
    "            import time\n            print(f'shown {time.time():.6f} {peak_rss()}', flush=True)\n"
    "            QTimer.singleShot(0, QApplication.quit)",
)


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


def measure_processes(data_dirs: dict[str, Path], repeat: int, spreadsheet=None) -> list[dict]:
    """For each database (suffix → data folder; "" names the main one): startup (the window shown),
    startup_ready (its «Accueil» lists filled), and for the main one memory (peak RSS once filled), against the
    floor's empty window; with `spreadsheet` (a `peer.Spreadsheet`), libreoffice_open and vs_spreadsheet."""
    app: dict[str, list] = {suffix: [] for suffix in data_dirs}
    floor, sheet = [], []
    for _ in range(repeat):
        for suffix, data_dir in data_dirs.items():
            app[suffix].append(_process(APP_PROCESS, ["--data-dir", str(data_dir)]))
        floor.append(_process(FLOOR_PROCESS, [])["shown"])
        if spreadsheet is not None:
            sheet.append(spreadsheet.open())
    if any("ready" not in marks for runs in app.values() for marks in runs):
        raise RuntimeError("the window never filled its «Accueil» lists")
    floor_time, floor_memory = statistics.median(t for t, _ in floor), statistics.median(m for _, m in floor)
    results = []
    for suffix, runs in app.items():
        results += [
            show({"name": f"startup{suffix}", "app": statistics.median(m["shown"][0] for m in runs), "floor": floor_time}),
            show({"name": f"startup_ready{suffix}", "app": statistics.median(m["ready"][0] for m in runs), "floor": floor_time}),
        ]
    main = app[""]
    results.append(show({"name": "memory", "app": statistics.median(m["ready"][1] for m in main), "floor": floor_memory}))
    if spreadsheet is not None:
        opened = statistics.median(sheet)
        log(f"  LibreOffice: {spreadsheet.rows} rows, runs {', '.join(f'{t:.2f}' for t in sheet)} s")
        ready = statistics.median(m["ready"][0] for m in main)
        results += [
            show({"name": "libreoffice_open", "app": opened, "floor": None}),
            show({"name": "vs_spreadsheet", "app": ready, "floor": opened}),
        ]
    return results
