"""A bounded load test on loopback: 200 concurrent requests, no errors (latency is measured by
benchmarks/bench_web.py, never asserted here)."""

from __future__ import annotations

import json
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from support import LOAD_PATHS

CONCURRENT = 200


def fetch(url: str) -> tuple[int, object]:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.status, json.loads(response.read())


def test_200_concurrent_requests_all_succeed(server: str) -> None:
    urls = [server + LOAD_PATHS[i % len(LOAD_PATHS)] for i in range(CONCURRENT)]
    with ThreadPoolExecutor(max_workers=CONCURRENT) as pool:
        answers = list(pool.map(fetch, urls))
    assert [status for status, _ in answers] == [200] * CONCURRENT
    snapshots = [doc for (_, doc), url in zip(answers, urls, strict=True) if "2014-07-05" in url]
    assert all(isinstance(doc, dict) and doc["date"] == "2014-07-05" for doc in snapshots)
