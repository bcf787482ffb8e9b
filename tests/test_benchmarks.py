"""The performance suite runs end to end on a small database and writes its JSON (timings are never asserted)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

RUN = Path(__file__).resolve().parents[1] / "benchmarks" / "run.py"
NAMES = [
    "startup",
    "startup_ready",
    "search",
    "import_siecle",
    "pdf_batch",
    "foquale_export",
    "indicators",
    "memory",
]


def test_benchmark_suite_writes_every_result(tmp_path):
    out = tmp_path / "results.json"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run(
        [sys.executable, str(RUN), "--students", "200", "--repeat", "1", "--json", str(out)],
        capture_output=True,
        text=True,
        env=env,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    document = json.loads(out.read_text(encoding="utf-8"))
    results = document["results"]
    assert [r["name"] for r in results] == NAMES
    for r in results:
        assert set(r) == {"name", "app", "floor", "ratio"}
        assert r["app"] > 0 and r["floor"] > 0 and r["ratio"] > 0
    assert {g["name"] for g in document["gui_gaps"]} == {
        "gui_gap_import",
        "gui_gap_pdf_batch",
        "gui_gap_export",
    }
    assert "startup" in done.stdout and "memory" in done.stdout


def test_floors_never_import_the_application():
    code = f"import sys; sys.path.insert(0, {str(RUN.parent)!r}); import floors, siecle_export; " + (
        "print(any(m == 'pae_desktop' or m.startswith('pae_desktop.') for m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.stdout.strip() == "False", done.stderr
