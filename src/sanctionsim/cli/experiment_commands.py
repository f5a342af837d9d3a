"""The ``experiment`` command: scenarios x policies x grid, paired with the baseline, on a backend.

``sanctionsim experiment SPEC.yaml --json`` prints one document with the stable keys
``experiment`` (``spec``, ``runs``, ``horizon``, ``seed``, ``scenarios``, ``policies``, ``grid``),
``rows`` (one per scenario, grid point, policy and metric: ``scenario``, ``grid``, ``policy``,
``metric``, ``mean``, ``mean_ci95``, ``diff_vs_baseline``, ``ci95``; ``ci95`` is the 95% interval
of the paired difference for a policy, of the mean itself for the baseline) and ``sensitivity``
(``null`` without a ``sensitivity:`` block). See ``docs/experiments.md``. ``--csv`` prints the
rows as a tidy table (``ExperimentResult.tidy_rows``), which the store also holds as
``results.csv`` and ``results.parquet``.

Exit status 2 for a bad spec (located ``error: FILE:LINE:COL: field: message``), a bad flag, a
store holding another experiment, or a Dask scheduler that cannot be reached within 10 s.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sanctionsim.cli._common import (
    CSV_HELP,
    input_errors_exit_2,
    one_format,
    prepare_output,
    print_csv,
    print_json,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator
    from contextlib import AbstractContextManager

    from rich.console import Console

    from sanctionsim.experiments.runner import ExperimentResult


def register(app: typer.Typer) -> None:
    """Add the ``experiment`` command to ``app``."""
    app.command("experiment")(experiment)


@input_errors_exit_2
def experiment(
    spec: Annotated[Path, typer.Argument(help="The experiment spec (YAML).", show_default=False)],
    runs: Annotated[
        int | None, typer.Option(help="Runs per cell (overrides the spec's runs).")
    ] = None,
    backend: Annotated[
        str, typer.Option(help="Where chunks run: local (processes) or dask.")
    ] = "local",
    scheduler: Annotated[
        str | None,
        typer.Option(help="Address of a running Dask scheduler, tcp://HOST:PORT (--backend dask)."),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            help="Worker processes (local: the pool; dask: a local cluster). Default: CPU count."
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Result store folder (default: out/experiments/<spec name>).",
            show_default=False,
        ),
    ] = None,
    resume: Annotated[
        bool, typer.Option("--resume", help="Continue a store: run only its missing chunks.")
    ] = False,
    json: Annotated[bool, typer.Option("--json", help="Print one JSON document.")] = False,
    csv: Annotated[bool, typer.Option("--csv", help=CSV_HELP)] = False,
) -> None:
    """Compare policies with the baseline on common random numbers (docs/experiments.md)."""
    from sanctionsim.api import experiment as run
    from sanctionsim.cli.machine import check_runs, check_workers
    from sanctionsim.experiments.spec import load_spec

    one_format(json, csv)
    load_spec(spec)  # a bad spec is reported before any other check, as it always was
    if runs is not None and runs < 1:
        from sanctionsim.errors import InputError

        raise InputError.single("--runs", f"must be at least 1, got {runs}")
    if runs is not None:
        check_runs(runs)
    check_workers(workers)
    folder = out if out is not None else Path("out") / "experiments" / spec.stem
    if scheduler is not None:
        check_scheduler_address(scheduler)
    prepare_output(folder, "--out", folder=True)
    with _progress() as (started, advance):
        result = run(
            spec,
            runs=runs,
            out=folder,
            backend=backend,
            workers=workers,
            scheduler=scheduler,
            resume=resume,
            progress=advance,
            started=started,
        )
    if json:
        print_json(result.document)
        return
    if csv:
        print_csv(result.tidy_rows())
        return
    print_comparison(result)


def check_scheduler_address(address: str) -> None:
    """Refuse at once a ``--scheduler`` that is not ``[tcp|tls://]HOST:PORT`` (port 1..65535).

    Dask would otherwise try to connect to it for its whole connection timeout, or fail with a
    traceback.

    >>> check_scheduler_address("tcp://127.0.0.1:8786")
    >>> check_scheduler_address("[::1]:8786")
    >>> check_scheduler_address("tcp://host:99999")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    sanctionsim.errors.InputError: --scheduler: 'tcp://host:99999' is not a scheduler address ...
    """
    import re

    from sanctionsim.errors import InputError

    form = re.fullmatch(
        r"(?:(?:tcp|tls)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9][A-Za-z0-9.-]*)"
        r":(?P<port>[0-9]{1,5})",
        address,
    )
    if form is None or not 1 <= int(form["port"]) <= 65535:
        raise InputError.single(
            "--scheduler",
            f"{address!r} is not a scheduler address of the form [tcp://|tls://]HOST:PORT "
            "(port 1..65535), e.g. tcp://127.0.0.1:8786",
        )


def _progress() -> AbstractContextManager[
    tuple[Callable[[int, int, int], None], Callable[[int, int, int, int], None]]
]:
    """A transient Rich progress bar on stderr (chunks, runs/s, ETA); silent off a terminal."""
    import contextlib
    import time

    @contextlib.contextmanager
    def bar() -> Iterator[
        tuple[Callable[[int, int, int], None], Callable[[int, int, int, int], None]]
    ]:
        if not sys.stderr.isatty():
            yield (lambda *_: None), (lambda *_: None)
            return
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        columns = (
            TextColumn("{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TextColumn("ETA"),
            TimeRemainingColumn(),
        )
        with Progress(*columns, console=Console(stderr=True), transient=True) as progress:
            task = progress.add_task("chunks", total=None, rate="")
            clock = time.perf_counter()
            state = {"chunks": 0}

            def started(total: int, pending: int, samples: int) -> None:
                state["chunks"] = pending
                label = (
                    f"chunks ({total - pending} already stored)" if total > pending else "chunks"
                )
                if samples:
                    label += f" + {samples} sensitivity samples"
                progress.update(task, total=pending + samples, description=label)

            def advance(chunks: int, runs: int, samples: int, sample_runs: int) -> None:
                seconds = max(time.perf_counter() - clock, 1e-9)
                rate = f"{(runs + sample_runs) / seconds:,.0f} runs/s"
                progress.update(task, completed=chunks + samples, rate=rate)

            yield started, advance

    return bar()


def _format(value: float, proportion: bool, signed: bool = False) -> str:
    if proportion:
        return f"{value * 100:+.2f} pts" if signed else f"{value:.1%}"
    return f"{value:+.4f}" if signed else f"{value:.4f}"


def _number(value: float, proportion: bool) -> str:
    return f"{value * 100:+.2f}" if proportion else f"{value:+.4f}"


def _dotted(name: str, width: int = 18, separator: str = ".") -> str:
    """A dotted (or hyphenated) name broken into lines after its separators, each at most
    ``width`` characters where the parts allow, so that a narrow column wraps it where a reader
    expects.

    >>> print(_dotted("p_deal_delivers.stockholm-2014"))
    p_deal_delivers.
    stockholm-2014
    >>> _dotted("p_cascade")
    'p_cascade'
    """
    lines: list[str] = []
    for part in name.split(separator):
        if lines and len(lines[-1]) + 1 + len(part) <= width:
            lines[-1] += separator + part
        else:
            lines.append(part)
    return f"{separator}\n".join(lines)


def no_effect(rows: list[dict[str, Any]]) -> bool:
    """Whether a policy's rows show every paired difference exactly zero: a mean difference of 0
    with a zero-width interval on every metric (zero spread, so no run differs at all)."""
    return bool(rows) and all(
        row["diff_vs_baseline"] == 0.0 and row["ci95"][0] == row["ci95"][1] == 0.0 for row in rows
    )


def print_comparison(result: ExperimentResult) -> None:
    """The comparison as tables: per scenario and grid point, per policy, each metric's mean and
    paired difference; fits 80 columns (text wraps, numbers never do)."""
    from rich import box
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console()
    if not console.is_terminal:
        console = Console(width=80)
    rows = result.rows
    meta = result.document["experiment"]
    groups: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for row in rows:
        grid = ", ".join(f"{k} = {v:g}" for k, v in row["grid"].items())
        groups.setdefault((row["scenario"], grid), []).append(row)
    for (scenario, grid), members in groups.items():
        where = f"{scenario}, grid point {grid}" if grid else scenario
        title = escape(f"{where}: {meta['runs']:,} paired runs per policy")
        table = Table(
            title=title,
            box=box.SIMPLE_HEAD,
            caption=(
                "diff.: policy minus baseline, run by run (common random numbers), with the 95% "
                "interval of the mean paired difference (for the baseline: of its mean). "
                "Probabilities in %, differences in percentage points."
            ),
        )
        table.add_column("policy", overflow="fold", max_width=13)
        table.add_column("metric", overflow="fold", ratio=1)
        for name in ("mean", "diff.", "95% interval"):
            table.add_column(name, justify="right", no_wrap=True)
        by_policy: dict[str, list[dict[str, Any]]] = {}
        for row in members:
            by_policy.setdefault(row["policy"], []).append(row)
        for index, (policy, policy_rows) in enumerate(by_policy.items()):
            if index:
                table.add_section()
            if policy != "baseline" and no_effect(policy_rows):
                table.add_row(
                    escape(_dotted(policy, 12, "-")),
                    "no effect in this scenario",
                    "",
                    "0",
                    "in every run",
                )
                continue
            for number, row in enumerate(policy_rows):
                proportion = row["metric"].startswith("p_")
                low, high = row["ci95"]
                if policy == "baseline":
                    diff, interval = "", f"{_format(low, proportion)} - {_format(high, proportion)}"
                else:
                    diff = _format(row["diff_vs_baseline"], proportion, signed=True)
                    interval = f"{_number(low, proportion)} .. {_number(high, proportion)}"
                table.add_row(
                    escape(_dotted(policy, 12, "-")) if number == 0 else "",
                    escape(_dotted(row["metric"])),
                    _format(row["mean"], proportion),
                    diff,
                    interval,
                )
        console.print(table)
    _print_sensitivity(console, result.document["sensitivity"] or [])
    console.print(
        f"store: {result.folder} ({result.chunks_run} of {result.chunks_total} chunks run now); "
        f"{result.seconds:.1f} s"
    )


def _print_sensitivity(console: Console, reports: list[dict[str, Any]]) -> None:
    """Each sensitivity analysis as a ranked table, naming its scenario and grid point."""
    from rich import box
    from rich.markup import escape
    from rich.table import Table

    for report in reports:
        point = ", ".join(f"{k} = {v:g}" for k, v in (report.get("grid") or {}).items())
        table = Table(
            title=escape(
                f"Sensitivity of {report['metric']} ({report['method']}, {report['samples']} "
                f"points x {report['runs_per_sample']} runs) for {report['scenario']}"
                + (f", grid point {point}" if point else "")
            ),
            caption="Ranked; 95% intervals from SALib's bootstrap.",
            box=box.SIMPLE_HEAD,
        )
        table.add_column("rank", justify="right", no_wrap=True)
        table.add_column("input", overflow="fold", ratio=1)
        if report["method"] == "sobol":
            names = (("ST", "total\nindex ST"), ("S1", "first-\norder S1"))
        else:
            names = (("mu_star", "mu*"), ("sigma", "sigma"))
        for _, label in names:
            table.add_column(label, justify="right", no_wrap=True)
        table.add_column("95% interval", justify="right", no_wrap=True)
        for item in report["inputs"][:15]:
            first = names[0][0]
            low, high = item[f"{first}_ci95"]

            def show(value: float | None) -> str:
                return "n/a" if value is None else f"{value:.4f}"

            table.add_row(
                str(item["rank"]),
                escape(_dotted(item["input"], 30)),
                show(item[names[0][0]]),
                show(item[names[1][0]]),
                f"{show(low)} .. {show(high)}",
            )
        console.print(table)
