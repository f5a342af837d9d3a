"""Benchmark ``sanctionsim experiment``: wall time, peak memory, worker speed-up, Dask overhead.

Runs the real command line in a subprocess (as a user would) on a spec of dprk-2014 with five
policies (baseline, relist-sst, advance-consultation, snap-back, codify-unsc) x RUNS runs x 120
months, and samples the resident memory of the whole process tree (driver, pool or Dask workers,
scheduler) every 0.2 s with psutil. Prints one JSON document.

    .venv/bin/python benchmarks/bench_experiment.py --runs 200000 --configs local2
    .venv/bin/python benchmarks/bench_experiment.py --runs 20000 --configs local1,local2,dask2

Configurations: ``localK`` (``--workers K``, local processes), ``daskK`` (``--backend dask
--workers K``: a local Dask cluster of K single-threaded worker processes).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import psutil

POLICIES = ["baseline", "relist-sst", "advance-consultation", "snap-back", "codify-unsc"]


def _spec(folder: Path, runs: int, horizon: int, chunk: int) -> Path:
    spec = {
        "scenarios": ["dprk-2014"],
        "policies": POLICIES,
        "runs": runs,
        "horizon": horizon,
        "seed": 0,
        "chunk_size": chunk,
    }
    path = folder / "bench.yaml"
    path.write_text(json.dumps(spec))
    return path


def _tree_rss(root: psutil.Process) -> int:
    total = 0
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.Error):
            total += process.memory_info().rss
    return total


def run(config: str, spec: Path, folder: Path, round_: int = 0) -> dict[str, Any]:
    """Run one configuration; wall time and peak memory of the process tree."""
    kind, workers = config[:-1], config[-1]
    flags = ["--workers", workers]
    if kind == "dask":
        flags = ["--backend", "dask", *flags]
    out = folder / f"out-{config}-{round_}"
    command = [sys.executable, "-m", "sanctionsim", "experiment", str(spec), "--out", str(out)]
    started = time.perf_counter()
    process = subprocess.Popen(
        [*command, *flags, "--json"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    peak = {"tree": 0, "driver": 0}
    done = threading.Event()

    def sample() -> None:
        root = psutil.Process(process.pid)
        while not done.is_set():
            try:
                peak["tree"] = max(peak["tree"], _tree_rss(root))
                peak["driver"] = max(peak["driver"], root.memory_info().rss)
            except psutil.Error:
                pass
            time.sleep(0.2)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    stdout, stderr = process.communicate()
    done.set()
    thread.join()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"{config} failed:\n{stderr.decode()}")
    document = json.loads(stdout)
    info = json.loads((out / "run-info.json").read_text())
    runs = document["experiment"]["runs"] * len(POLICIES)
    shutil.rmtree(out)  # keep the disk free between rounds
    return {
        "config": config,
        "round": round_,
        "wall_seconds": round(seconds, 1),
        "experiment_seconds": round(info["seconds"], 1),
        "runs": runs,
        "runs_per_second": round(runs / seconds),
        "peak_rss_tree_mb": round(peak["tree"] / 2**20),
        "peak_rss_driver_mb": round(peak["driver"] / 2**20),
        "results_sha": _digest(stdout),
    }


def _digest(data: bytes) -> str:
    import hashlib

    return hashlib.sha256(data).hexdigest()[:16]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=200_000, help="runs per policy")
    parser.add_argument("--horizon", type=int, default=120)
    parser.add_argument("--chunk-size", type=int, default=16 * 1024)
    parser.add_argument("--configs", default="local2", help="comma-separated, e.g. local1,dask2")
    parser.add_argument(
        "--rounds", type=int, default=1, help="interleaved rounds (the machine is shared, noisy)"
    )
    args = parser.parse_args()
    results = []
    configs = args.configs.split(",")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        spec = _spec(folder, args.runs, args.horizon, args.chunk_size)
        for round_ in range(args.rounds):
            for config in configs:
                results.append(run(config, spec, folder, round_))
                print(json.dumps(results[-1]), file=sys.stderr, flush=True)
    medians = {
        c: statistics.median(r["wall_seconds"] for r in results if r["config"] == c)
        for c in configs
    }
    ratios: dict[str, list[float]] = {}
    for round_ in range(args.rounds):
        wall = {r["config"]: r["wall_seconds"] for r in results if r["round"] == round_}
        if "local1" in wall and "local2" in wall:
            ratios.setdefault("speedup_local1_over_local2", []).append(
                round(wall["local1"] / wall["local2"], 2)
            )
        if "dask2" in wall and "local2" in wall:
            ratios.setdefault("dask2_over_local2", []).append(
                round(wall["dask2"] / wall["local2"], 2)
            )
    print(
        json.dumps(
            {
                "cpus": os.cpu_count(),
                "python": sys.version.split()[0],
                "runs_per_policy": args.runs,
                "policies": POLICIES,
                "horizon": args.horizon,
                "chunk_size": args.chunk_size,
                "results": results,
                "median_wall_seconds": medians,
                "per_round_ratios": ratios,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
