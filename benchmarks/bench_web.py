"""Latency of the web app's JSON API under 200 concurrent requests on loopback.

Starts ``sanctionsim serve`` in its own process (one uvicorn worker), fires rounds of 200
concurrent GET requests over a fixed mix of endpoints from a thread pool, and reports the median
over rounds of each round's p50 and p99 latency and its error count. Bounded: ROUNDS x 200
requests to 127.0.0.1 only. Run: ``.venv/bin/python benchmarks/bench_web.py``.

``bench_web.py shedding`` measures load shedding (issue 16): 50 client threads loop for 20 s,
each alternating a form forecast (``POST /cases/dprk-2014/forecast``) and a case page, while one
probe thread asks for a cheap page (``GET /api/cases``) every 0.1 s; it reports the probe's p50
and p99 latency and the busy clients' statuses, median over REPEATS fresh servers. Bounded: every
loop stops at its deadline; 127.0.0.1 only.
"""

from __future__ import annotations

import collections
import json
import statistics
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
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


CLIENTS = 50
SECONDS = 20.0
PROBE_EVERY = 0.1
REPEATS = 3
CASE_PAGES = ["/cases/dprk-2014", "/cases/argentina-1982", "/cases/iran-2006", "/cases/iraq-1990"]
FORM = urllib.parse.urlencode({"runs": "2048", "horizon": "36", "seed": "0"}).encode()


def status_of(request: urllib.request.Request | str) -> int:
    """The status of one request (0 when the connection failed), body read and dropped."""
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()
            return int(response.status)
    except urllib.error.HTTPError as error:
        error.read()
        return int(error.code)
    except OSError:
        return 0


def shedding_round(url: str) -> tuple[list[float], collections.Counter[str]]:
    """One 20 s round: the probe's latencies and the busy clients' statuses."""
    deadline = time.monotonic() + SECONDS
    statuses: collections.Counter[str] = collections.Counter()
    lock = threading.Lock()

    def client(index: int) -> None:
        turn = index
        while time.monotonic() < deadline:
            form = urllib.request.Request(
                url + "/cases/dprk-2014/forecast",
                data=FORM,
                headers={"Origin": url, "Content-Type": "application/x-www-form-urlencoded"},
            )
            forecast = status_of(form)
            page = status_of(url + CASE_PAGES[turn % len(CASE_PAGES)])
            turn += 1
            with lock:
                statuses[f"forecast {forecast}"] += 1
                statuses[f"case page {page}"] += 1

    probes: list[float] = []
    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    while time.monotonic() < deadline:
        seconds, ok = timed(url + "/api/cases")
        probes.append(seconds)
        statuses["probe ok" if ok else "probe failed"] += 1
        time.sleep(PROBE_EVERY)
    for thread in threads:
        thread.join()
    return probes, statuses


def shedding() -> None:
    p50s, p99s = [], []
    for _ in range(REPEATS):
        with tempfile.TemporaryDirectory() as folder, running_server(Path(folder) / "log") as url:
            status_of(url + "/cases/dprk-2014")  # warm up once, as a first visitor would
            probes, statuses = shedding_round(url)
        p50s.append(percentile(probes, 0.50))
        p99s.append(percentile(probes, 0.99))
        print(
            f"round: {len(probes)} probes, p50 {p50s[-1] * 1000:.0f} ms, "
            f"p99 {p99s[-1] * 1000:.0f} ms, max {max(probes) * 1000:.0f} ms; {dict(statuses)}"
        )
    print(
        f"{REPEATS} rounds of {CLIENTS} clients x {SECONDS:g} s; cheap GET p50 median "
        f"{statistics.median(p50s) * 1000:.0f} ms, p99 median {statistics.median(p99s) * 1000:.0f} "
        f"ms (rounds {min(p99s) * 1000:.0f}-{max(p99s) * 1000:.0f} ms)"
    )


def main() -> None:
    if sys.argv[1:] == ["shedding"]:
        shedding()
        return
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
