"""The spreadsheet peer (issue 20): LibreOffice Calc, headless, opening the application's own caseload export.

A referent who did not use the application would keep the caseload in a spreadsheet. The peer opens the XLSX
the application exports for the same youths (`export_caseload`) and converts it to CSV, the cheapest thing that
makes it read every cell, in a profile of its own created (and warmed) once before any timing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

MISSING = "LibreOffice (soffice) est introuvable : les lignes libreoffice_open et vs_spreadsheet sont omises."


def soffice() -> str | None:
    """The LibreOffice launcher, or None (PAE_BENCH_SOFFICE overrides the search; empty: none)."""
    chosen = os.environ.get("PAE_BENCH_SOFFICE")
    if chosen is not None:
        return shutil.which(chosen) if chosen else None
    return shutil.which("soffice") or shutil.which("libreoffice")


def export_caseload(data_dir: Path, work_dir: Path) -> Path:
    """The caseload XLSX of the database's campaign, written by the application's own export operation."""
    from pae_desktop.core.operations.exports import export_caseload as export
    from pae_desktop.storage.database import open_database

    target = work_dir / "suivi.xlsx"
    db = open_database(data_dir)
    try:
        export(db, None, target)
    finally:
        db.close()
    return target


class Spreadsheet:
    """`open()` runs one conversion and returns its wall time in seconds (launch to exit)."""

    def __init__(self, executable: str, xlsx: Path, work_dir: Path) -> None:
        self.executable = executable
        self.xlsx = xlsx
        self.profile = Path(tempfile.mkdtemp(prefix="pae-bench-lo-", dir=work_dir))
        self.out_dir = work_dir / "libreoffice-csv"
        self.out_dir.mkdir(exist_ok=True)
        self.rows = 0

    def _command(self) -> list[str]:
        return [
            self.executable,
            f"-env:UserInstallation={self.profile.as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "csv",
            "--outdir",
            str(self.out_dir),
            str(self.xlsx),
        ]

    def warm(self) -> float:
        """The first run creates the profile (several seconds): done once, not measured."""
        return self.open()

    def open(self) -> float:
        csv = self.out_dir / f"{self.xlsx.stem}.csv"
        csv.unlink(missing_ok=True)
        env = {key: value for key, value in os.environ.items() if key != "DISPLAY"}
        start = time.perf_counter()
        done = subprocess.run(self._command(), capture_output=True, text=True, env=env, timeout=600)
        elapsed = time.perf_counter() - start
        if done.returncode != 0 or not csv.exists():
            raise RuntimeError(f"LibreOffice failed ({done.returncode}): {done.stdout}\n{done.stderr}")
        with open(csv, "rb") as handle:
            self.rows = sum(1 for _ in handle) - 1
        return elapsed

    def close(self) -> None:
        shutil.rmtree(self.profile, ignore_errors=True)
