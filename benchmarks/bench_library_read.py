"""Benchmark reading the built-in case library: libyaml's composer against ruamel's pure reader.

``history`` reads every built-in case on each call (the references' training pool), so reading
the library is a floor under every ``history`` and every test that runs it. A built-in case is
composed with libyaml (ruamel.yaml.clib, ruamel's YAML 1.2 resolver), falling back to the
pure-Python reader for a file libyaml refuses or the limits exclude; a user's file is read by
the pure reader. Three readings of the
same files are timed in one run, ``--repeats`` times each, and their medians printed as JSON:

* ``parse_pure``: :func:`~sanctionsim.scenario.yaml_source.parse_yaml`, the pure reader;
* ``parse_libyaml``: :func:`~sanctionsim.scenario.yaml_source.parse_library_yaml` (libyaml);
* ``load_scenario``: the library's whole load by case id, validation into the schema included.

Run: ``.venv/bin/python benchmarks/bench_library_read.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable

from sanctionsim.scenario import loader
from sanctionsim.scenario.library import case_ids, case_path
from sanctionsim.scenario.yaml_source import parse_library_yaml, parse_yaml


def _median_seconds(work: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    ids = case_ids()
    texts = {case: case_path(case).read_text(encoding="utf-8") for case in ids}  # type: ignore[union-attr]

    def parse_all_pure() -> None:
        for case, text in texts.items():
            parse_yaml(text, case)

    def parse_all() -> None:
        for case, text in texts.items():
            parse_library_yaml(text, case)

    def load_all() -> None:
        loader._load_built_in.cache_clear()  # a process keeps each built-in case once read
        for case in ids:
            loader.load_scenario(case)

    pure = _median_seconds(parse_all_pure, args.repeats)
    fast = _median_seconds(parse_all, args.repeats)
    load = _median_seconds(load_all, args.repeats)
    print(
        json.dumps(
            {
                "python": platform.python_version(),
                "cases": len(ids),
                "repeats": args.repeats,
                "median_seconds": {
                    "parse_pure": round(pure, 3),
                    "parse_libyaml": round(fast, 3),
                    "load_scenario": round(load, 3),
                },
                "pure_over_libyaml": round(pure / fast, 2),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()
