"""What the benchmark's modules share: the log line, the result line, the median of timed runs."""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def show(result: dict) -> dict:
    """Log a result {"name", "app", "floor"} (floor None: information, no ratio) and return it."""
    if result["floor"] is None:
        log(f"  {result['name']}: app {result['app']:.4f} (information)")
    else:
        ratio = result["app"] / result["floor"]
        log(f"  {result['name']}: app {result['app']:.4f}, floor {result['floor']:.4f}, ratio {ratio:.2f}")
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


def paired_medians(app: Callable[[], object], floor: Callable[[], object], repeat: int) -> tuple[float, float]:
    """The medians of `repeat` runs of each, taken in pairs (app, floor, app, floor…): a busy moment of the
    machine hits both alike, as for the whole processes."""
    app_times, floor_times = [], []
    for _ in range(repeat):
        for work, times in ((app, app_times), (floor, floor_times)):
            start = time.perf_counter()
            work()
            times.append(time.perf_counter() - start)
    return statistics.median(app_times), statistics.median(floor_times)
