"""Benchmark: sanctionsim's round-robin tournament against axelrod's ``Tournament``.

Same work on both sides: the 8 deterministic strategies, self-play included, 200 turns, 10
repetitions, seed 0, in one process. Axelrod runs its default serial path
(``Tournament(...).play(progress_bar=False)``: ``processes=None``; any other value outside
``2..cpu_count()`` would mean all cores). Each side is timed over several repeats and the median
is reported with the range, because the 2-core benchmark machine is noisy. The rankings of both
are compared first, so the timings are of the same, correct result.

Run from the project root (``import axelrod`` alone takes about 20 s)::

    .venv/bin/python benchmarks/bench_tournament.py [--repeats-axelrod 5] [--repeats-ours 50]

It prints a Markdown block for ``docs/benchmarks.md`` (section ``## Tournament``) and one JSON
line with the raw figures.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from collections.abc import Callable
from typing import Any

from sanctionsim.dynamics.strategies import STRATEGIES, strategy_names
from sanctionsim.dynamics.tournament import play_tournament

TURNS = 200
REPETITIONS = 10
SEED = 0


def timed(run: Callable[[], Any], repeats: int) -> list[float]:
    """Wall-clock seconds of ``repeats`` calls of ``run``."""
    seconds = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        seconds.append(time.perf_counter() - start)
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats-axelrod", type=int, default=5)
    parser.add_argument("--repeats-ours", type=int, default=50)
    args = parser.parse_args()

    names = strategy_names(stochastic=False)
    start = time.perf_counter()
    import axelrod as axl

    import_seconds = time.perf_counter() - start

    def ours() -> tuple[str, ...]:
        return play_tournament(names, turns=TURNS, repetitions=REPETITIONS, seed=SEED).ranking

    def theirs() -> list[str]:
        players = [getattr(axl, name)() for name in names]
        tournament = axl.Tournament(players, turns=TURNS, repetitions=REPETITIONS, seed=SEED)
        ranked: list[str] = tournament.play(progress_bar=False).ranked_names
        return ranked

    label = {STRATEGIES[name].label: name for name in names}
    if list(ours()) != [label[x] for x in theirs()]:
        raise SystemExit("the rankings differ: fix correctness before timing")

    ours_s = timed(ours, args.repeats_ours)
    theirs_s = timed(theirs, args.repeats_axelrod)
    ours_median, theirs_median = statistics.median(ours_s), statistics.median(theirs_s)
    ratio = theirs_median / ours_median

    print(f"8 deterministic strategies, {TURNS} turns, {REPETITIONS} repetitions, one process")
    print(f"({platform.python_version()}, axelrod {axl.__version__}, {platform.machine()}).\n")
    print("| implementation | median | range | repeats |")
    print("| --- | ---: | ---: | ---: |")
    print(
        f"| sanctionsim `play_tournament` | {ours_median * 1e3:.1f} ms | "
        f"{min(ours_s) * 1e3:.1f}–{max(ours_s) * 1e3:.1f} ms | {len(ours_s)} |"
    )
    print(
        f"| axelrod `Tournament.play` (serial) | {theirs_median * 1e3:.0f} ms | "
        f"{min(theirs_s) * 1e3:.0f}–{max(theirs_s) * 1e3:.0f} ms | {len(theirs_s)} |"
    )
    print(f"\nRatio of medians: **{ratio:.0f}×** faster (goal: at least 50×).")
    print(f"`import axelrod` took {import_seconds:.1f} s (not counted).\n")
    record = {
        "benchmark": "tournament",
        "turns": TURNS,
        "repetitions": REPETITIONS,
        "strategies": list(names),
        "ours_seconds": ours_s,
        "axelrod_seconds": theirs_s,
        "ratio_of_medians": ratio,
        "axelrod_import_seconds": import_seconds,
    }
    print(json.dumps(record))


if __name__ == "__main__":
    main()
