"""Benchmark sanctionsim's Nash solvers against Nashpy and pygambit (a script, not a test).

One run measures, as medians over repeats on the same random games:

- against Nashpy 0.0.43: support enumeration, vertex enumeration and Lemke–Howson on random
  3x3, 6x6 and 10x10 float games (Nashpy's Lemke–Howson is stopped after a timeout when it
  cycles, and reported as such);
- against pygambit: ``enumpure_solve`` on 2-action games with 4, 8, 12 and 16 players (game
  construction excluded from the timing), and ``enummixed_solve`` (exact, the default, and
  float) and ``lcp_solve`` on square games from 3x3 to 10x10.

Usage::

    .venv/bin/python benchmarks/bench_solvers.py            # print the Markdown table
    .venv/bin/python benchmarks/bench_solvers.py --write    # also update docs/benchmarks.md

Only the ``## Game solvers`` section of ``docs/benchmarks.md`` is rewritten; the file is
re-read right before writing so other sections are kept.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import signal
import statistics
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from sanctionsim.game.extreme import extreme_equilibria
from sanctionsim.game.lemke_howson import lemke_howson
from sanctionsim.game.pure import pure_equilibria
from sanctionsim.game.support import support_enumeration

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
HEADING = "## Game solvers"


class PeerTimeoutError(Exception):
    """A peer call ran past its time budget."""


@contextlib.contextmanager
def time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the block after ``seconds`` (SIGALRM; the peers are pure Python loops)."""

    def handler(signum: int, frame: Any) -> None:
        raise PeerTimeoutError

    previous = signal.signal(signal.SIGALRM, handler)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def median_time(run: Callable[[], Any], repeats: int, budget: float) -> tuple[float, int]:
    """Median wall time per call of ``run``, and how many repeats timed out.

    A first call warms caches up and estimates the cost. Calls slower than a second are then
    timed one by one (the first call counts as a repeat: some peers take minutes); faster ones
    are timed in loops of about 50 ms each, so that timer resolution and scheduler noise on a
    shared machine do not dominate microsecond figures.
    """
    start = time.perf_counter()
    try:
        with time_limit(budget):
            run()
    except PeerTimeoutError:
        return float("nan"), repeats
    first = time.perf_counter() - start
    if first > 1.0:
        times = [first]
        timeouts = 0
        for _ in range(repeats - 1):
            start = time.perf_counter()
            try:
                with time_limit(budget):
                    run()
            except PeerTimeoutError:
                timeouts += 1
                continue
            times.append(time.perf_counter() - start)
        return statistics.median(times), timeouts
    number = max(1, int(0.05 / max(first, 1e-7)))
    times = []
    for _ in range(max(repeats, 5)):
        start = time.perf_counter()
        for _ in range(number):
            run()
        times.append((time.perf_counter() - start) / number)
    return statistics.median(times), 0


def fmt(seconds: float) -> str:
    if seconds != seconds:  # NaN: every repeat timed out
        return "—"
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} µs"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    return f"{seconds:.2f} s"


def ratio(theirs: float, ours: float) -> str:
    if theirs != theirs or ours != ours:
        return "—"
    return f"{theirs / ours:.1f}x"


def bench_nashpy(rows: list[list[str]], quick: bool) -> None:
    import nashpy

    rng = np.random.default_rng(2026)
    budgets = {"support enumeration": 120.0, "vertex enumeration": 120.0, "Lemke–Howson": 10.0}
    for n in (3, 6, 10):
        A, B = rng.random((n, n)), rng.random((n, n))
        game = nashpy.Game(A, B)
        big = n == 10
        cases: list[tuple[str, Callable[[], Any], Callable[[], Any], int]] = [
            (
                "support enumeration",
                lambda g=game: list(g.support_enumeration()),
                lambda A=A, B=B: support_enumeration(A, B),
                1 if big else 5,
            ),
            (
                "vertex enumeration",
                lambda g=game: list(g.vertex_enumeration()),
                lambda A=A, B=B: extreme_equilibria(A, B),
                1 if big else 5,
            ),
            (
                "Lemke–Howson",
                lambda g=game: g.lemke_howson(initial_dropped_label=0),
                lambda A=A, B=B: lemke_howson(A, B, initial_label=0),
                3 if big else 20,
            ),
        ]
        for name, theirs_run, ours_run, repeats in cases:
            if quick:
                repeats = 1
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                theirs, timeouts = median_time(theirs_run, repeats, budgets[name])
            ours, _ = median_time(ours_run, max(repeats, 5), 600.0)
            note = ""
            if timeouts:
                note = f"Nashpy did not finish in {budgets[name]:.0f} s ({timeouts}/{repeats} runs)"
                theirs = float("nan")
            rows.append(
                [
                    f"Nashpy {name}",
                    f"{n}x{n}",
                    fmt(ours),
                    fmt(theirs),
                    ratio(theirs, ours) if not timeouts else f"> {budgets[name] / ours:.0f}x",
                    note,
                ]
            )


def bench_nashpy_lemke_howson_many(rows: list[list[str]], games: int, budget: float) -> None:
    """Nashpy's Lemke–Howson on several random 10x10 games: how many it finishes."""
    import nashpy

    rng = np.random.default_rng(83)
    theirs_times: list[float] = []
    ours_times: list[float] = []
    stuck = 0
    for _ in range(games):
        A, B = rng.random((10, 10)), rng.random((10, 10))
        game = nashpy.Game(A, B)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            theirs, timeouts = median_time(
                lambda g=game: g.lemke_howson(initial_dropped_label=0), 1, budget
            )
        stuck += timeouts
        if not timeouts:
            theirs_times.append(theirs)
        ours, _ = median_time(lambda A=A, B=B: lemke_howson(A, B, initial_label=0), 5, 600.0)
        ours_times.append(ours)
    ours_median = statistics.median(ours_times)
    theirs_median = statistics.median(theirs_times) if theirs_times else float("nan")
    rows.append(
        [
            f"Nashpy Lemke–Howson, {games} random games",
            "10x10",
            fmt(ours_median),
            fmt(theirs_median),
            ratio(theirs_median, ours_median),
            (
                f"Nashpy did not finish {stuck} of {games} games within {budget:.0f} s "
                f"(cycling, Nashpy #83); median over the games it finished; ours finished all"
            ),
        ]
    )


def bench_gambit(rows: list[list[str]], quick: bool) -> None:
    import pygambit as gbt

    rng = np.random.default_rng(17)
    for players in (4, 8, 12, 16):
        shape = (2,) * players
        arrays = [rng.integers(0, 10, shape) for _ in range(players)]
        game = gbt.StrategicGame.from_arrays(*arrays)
        payoffs = np.stack(arrays, axis=-1).astype(float)
        repeats = 1 if quick else (5 if players < 16 else 3)
        theirs, _ = median_time(lambda game=game: gbt.nash.enumpure_solve(game), repeats, 600)
        ours, _ = median_time(lambda p=payoffs: pure_equilibria(p), max(repeats, 5), 600)
        rows.append(
            [
                "pygambit enumpure",
                f"{players} players x 2",
                fmt(ours),
                fmt(theirs),
                ratio(theirs, ours),
                "",
            ]
        )
    for n in (3, 4, 6, 8, 10):
        A, B = rng.random((n, n)), rng.random((n, n))
        game = gbt.StrategicGame.from_arrays(A, B)
        repeats = 1 if quick else (3 if n >= 8 else 7)
        ours, _ = median_time(lambda A=A, B=B: extreme_equilibria(A, B), max(repeats, 5), 600)
        for label, rational, budget in (
            ("enummixed (exact, default)", True, 120.0),
            ("enummixed (float)", False, 600.0),
        ):
            reps = 1 if (rational and n >= 8) else repeats
            theirs, timeouts = median_time(
                lambda g=game, r=rational: gbt.nash.enummixed_solve(g, rational=r), reps, budget
            )
            note = f"pygambit did not finish in {budget:.0f} s" if timeouts else ""
            rows.append(
                [
                    f"pygambit {label}",
                    f"{n}x{n}",
                    fmt(ours),
                    fmt(theirs),
                    ratio(theirs, ours) if not timeouts else f"> {budget / ours:.0f}x",
                    note,
                ]
            )
        ours_lh, _ = median_time(lambda A=A, B=B: lemke_howson(A, B), 20, 600)
        theirs_lh, _ = median_time(
            lambda g=game: gbt.nash.lcp_solve(g, rational=False, stop_after=1), 20, 600
        )
        rows.append(
            [
                "pygambit lcp (one equilibrium) vs our Lemke–Howson",
                f"{n}x{n}",
                fmt(ours_lh),
                fmt(theirs_lh),
                ratio(theirs_lh, ours_lh),
                "",
            ]
        )


def goal_of(comparison: str) -> float | None:
    """The speed-up each comparison must reach (the issue's goals), or None if it has none."""
    if comparison.startswith("Nashpy"):
        return 10.0  # at least 10x Nashpy on every method and size
    if comparison.startswith(("pygambit enumpure", "pygambit enummixed")):
        return 1.0  # no slower than pygambit's compiled solvers
    return None


def speedup_value(text: str) -> float | None:
    """Parse '12.3x' or '> 135x' (a lower bound) back to a number."""
    cleaned = text.replace(">", "").replace("x", "").strip()
    try:
        return float(cleaned)
    except ValueError:
        return None


def table(rows: list[list[str]]) -> tuple[str, list[str]]:
    """The Markdown table, and a line for every goal not met."""
    header = ["comparison", "size", "sanctionsim", "peer", "speed-up (peer / ours)", "goal", "note"]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    missed: list[str] = []
    for comparison, size, ours, theirs, speedup, note in rows:
        goal = goal_of(comparison)
        value = speedup_value(speedup)
        if goal is None:
            verdict = "—"
        elif value is not None and value >= goal:
            verdict = f"≥ {goal:g}x: met"
        else:
            verdict = f"≥ {goal:g}x: **not met**"
            missed.append(f"{comparison}, {size}: {speedup} (goal {goal:g}x)")
        lines.append(
            "| " + " | ".join([comparison, size, ours, theirs, speedup, verdict, note]) + " |"
        )
    return "\n".join(lines), missed


NOTES = """Reading the figures:

- **Lemke–Howson** follows one path of a few pivots (2–20 for these sizes). Both ours and
  Nashpy's are interpreter-bound loops, ours with a Python-list tableau for small games and one
  numpy update per pivot for larger ones, so the gap is a constant factor (2–4x), not the 10x
  goal. Reaching it would need compiled code (numba or C); DESIGN.md admits numba
  only on a measured large gain, and that was not attempted. What ours adds is robustness: a
  lexicographic ratio test, normalised pivots and an iteration cap with a typed error.
- **Extreme equilibria against pygambit's float `enummixed`** on 3x3 to 6x6 games: pygambit's
  compiled C++ and our ~100 numpy calls take similar time (a few hundred µs to a few ms), so
  the ratio swings around 1x from run to run on this shared 2-core machine; from 8x8 on ours is
  clearly faster. Against pygambit's default exact mode (`rational=True`, the one whose answers
  our tests compare with) ours is 60x to more than 1000x faster.
- **Pure equilibria** of 4-player games take tens of µs either way; from 12 players on the
  single numpy reduction per player wins by 15x or more.
- Timings on this machine vary by up to 2x between runs because other jobs share the two cores
  (the 1-minute load average is recorded above); medians over repeats damp that but do not
  remove it."""


def section(body: str, missed: list[str]) -> str:
    import nashpy
    import pygambit

    machine = f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores"
    load = os.getloadavg()[0]
    verdict = (
        "Goals not met in this run:\n\n" + "\n".join(f"- {line}" for line in missed)
        if missed
        else "Every goal was met in this run."
    )
    return (
        f"{HEADING}\n\n"
        f"Measured by `benchmarks/bench_solvers.py` in one run ({time.strftime('%Y-%m-%d')}, "
        f"{machine}, 1-minute load average {load:.1f} at the end, Python "
        f"{platform.python_version()}, numpy {np.__version__}, Nashpy {nashpy.__version__}, "
        f"pygambit {pygambit.__version__}). Medians over at least 5 repeats after a warm-up call "
        f"(calls under a second are timed in loops of about 50 ms), on the same random games "
        f"(uniform floats on [0, 1) for two-player games, integers 0..9 for the n-player "
        f"games); the speed-up is the peer's median divided by ours. Game construction is not "
        f"timed. Goals: at least 10x Nashpy on every method and size; pure and "
        f"extreme-equilibrium enumeration no slower than pygambit.\n\n{body}\n\n{verdict}\n\n"
        f"{NOTES}\n\nReproduce: `.venv/bin/python benchmarks/bench_solvers.py --write` (about "
        f"10 minutes, most of it waiting for the peers on 10x10 games).\n"
    )


def write_section(text: str) -> None:
    """Replace (or append) only our section of docs/benchmarks.md, re-reading it first."""
    current = DOC.read_text() if DOC.exists() else "# Benchmarks\n"
    start = current.find(HEADING)
    if start == -1:
        updated = current.rstrip("\n") + "\n\n" + text
    else:
        following = current.find("\n## ", start + len(HEADING))
        end = len(current) if following == -1 else following + 1
        updated = current[:start] + text + ("\n" + current[end:] if following != -1 else "")
    DOC.write_text(updated)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--quick", action="store_true", help="one repeat each (smoke run)")
    args = parser.parse_args()
    rows: list[list[str]] = []
    bench_nashpy(rows, args.quick)
    bench_nashpy_lemke_howson_many(rows, 3 if args.quick else 10, 5.0)
    bench_gambit(rows, args.quick)
    body, missed = table(rows)
    text = section(body, missed)
    sys.stdout.write(text)
    if args.write:
        write_section(text)


if __name__ == "__main__":
    main()
