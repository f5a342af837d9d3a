"""Latency of the web app's JSON API under 200 concurrent requests on loopback.

Starts ``sanctionsim serve`` in its own process (one uvicorn worker), fires rounds of 200
concurrent GET requests over a fixed mix of endpoints from a thread pool, and reports the median
over rounds of each round's p50 and p99 latency and its error count. Bounded: ROUNDS x 200
requests to 127.0.0.1 only. Run: ``.venv/bin/python benchmarks/bench_web.py``.
"""

from __future__ import annotations

import json
import statistics
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from support import LOAD_PATHS, running_server  # the tests' own server starter

CONCURRENT = 200
ROUNDS = 5


def timed(url: str) -> tuple[float, bool]:
    started = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            json.loads(response.read())
            ok = response.status == 200
    except OSError:
        ok = False
    return time.perf_counter() - started, ok


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, running_server(Path(folder) / "log") as url:
        urls = [url + LOAD_PATHS[i % len(LOAD_PATHS)] for i in range(CONCURRENT)]
        timed(urls[-1])  # warm up the analysis path once
        p50s, p99s, errors, walls = [], [], [], []
        for _ in range(ROUNDS):
            started = time.perf_counter()
            with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
                results = list(pool.map(timed, urls))
            walls.append(time.perf_counter() - started)
            latencies = [seconds for seconds, _ in results]
            p50s.append(percentile(latencies, 0.50))
            p99s.append(percentile(latencies, 0.99))
            errors.append(sum(not ok for _, ok in results))
    print(f"{ROUNDS} rounds of {CONCURRENT} concurrent requests ({len(LOAD_PATHS)} endpoints)")
    print(
        f"p50 latency: median {statistics.median(p50s) * 1000:.0f} ms "
        f"(rounds {min(p50s) * 1000:.0f}-{max(p50s) * 1000:.0f} ms)"
    )
    print(
        f"p99 latency: median {statistics.median(p99s) * 1000:.0f} ms "
        f"(rounds {min(p99s) * 1000:.0f}-{max(p99s) * 1000:.0f} ms)"
    )
    print(f"round wall time: median {statistics.median(walls):.2f} s; errors per round: {errors}")


if __name__ == "__main__":
    main()
