"""Scenario commands: ``cases``, ``show``, ``check``, ``schema`` and the main job ``run``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sanctionsim.cli._common import (
    CSV_HELP,
    input_errors_exit_2,
    one_format,
    prepare_output,
    print_csv,
    print_json,
)
from sanctionsim.errors import InputError

if TYPE_CHECKING:
    from rich.console import Console

    from sanctionsim.scenario.schema import Scenario
    from sanctionsim.scenario.views import Snapshot

DEFAULT_CASE = "dprk-2014"

ScenarioArg = Annotated[
    str, typer.Argument(help="a built-in case id (see `sanctionsim cases`) or a YAML file")
]
AtOption = Annotated[
    str | None, typer.Option("--at", help="the date to view, YYYY-MM-DD (default: the start)")
]
JsonOption = Annotated[bool, typer.Option("--json", help="print one JSON document on stdout")]
CsvOption = Annotated[bool, typer.Option("--csv", help=CSV_HELP)]


def parse_date(text: str, option: str = "--at") -> dt.date:
    """Parse an ISO date given on the command line, as located bad input when it is not one."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InputError.single(option, f"expected a date YYYY-MM-DD, got {text!r}") from None


def warn_if_before_measures(scenario: Scenario, date: dt.date) -> bool:
    """Print :func:`~sanctionsim.scenario.views.before_measures`'s warning on stderr, if any;
    True when it warned."""
    import sys

    from sanctionsim.scenario.views import before_measures

    warning = before_measures(scenario, date)
    if warning is not None:
        print(f"warning: {warning}", file=sys.stderr)
    return warning is not None


def leaders(scenario: Scenario) -> list[str]:
    """The ids of the scenario's leaders (their easing is its own kind of event on history)."""
    return [a.id for a in scenario.actors if a.role == "leader"]


def load(reference: str) -> Scenario:
    """Load a scenario by case id or path (errors become exit status 2)."""
    from sanctionsim.scenario.loader import load_scenario

    return load_scenario(reference)


@input_errors_exit_2
def cases(json_output: JsonOption = False, csv_output: CsvOption = False) -> None:
    """List the built-in cases: start, coalition, target, group, episode age, how it ended."""
    from sanctionsim.scenario.library import case_list

    one_format(json_output, csv_output)
    rows = case_list().tidy_rows()
    if json_output:
        print_json({"cases": rows})
        return
    if csv_output:
        print_csv(rows)
        return
    from rich.table import Table

    table = Table(title=f"Built-in cases ({len(rows)})")
    for column in ("id", "start", "coalition", "target", "group", "age", "ended by", "record"):
        table.add_column(column, justify="right" if column == "age" else "left")
    for row in rows:
        table.add_row(
            row["id"],
            row["start"],
            ", ".join(row["coalition"]),
            row["target"],
            row["group"],
            f"{row['episode_age_months']:.0f}",
            str(row["ended_by"] or "-"),
            row["record"],
        )
    console().print(table)


@input_errors_exit_2
def show(
    scenario: ScenarioArg,
    at: AtOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Actors, measures in force on a date by imposer and legal basis, deals and levers.

    ``--csv`` prints the table of measures: one row per measure imposed by the date.
    """
    from sanctionsim.scenario.views import snapshot

    one_format(json_output, csv_output)
    loaded = load(scenario)
    date = parse_date(at) if at else loaded.start
    view = snapshot(loaded, date)
    if json_output:
        print_json(view.to_dict())
        return
    if csv_output:
        print_csv(
            [
                {"scenario": loaded.id, "date": date.isoformat(), **m.to_dict()}
                for m in view.measures
            ]
        )
        return
    _print_snapshot(view)


def console() -> Console:
    """A Rich console on stdout; wide enough for tables when output is not a terminal."""
    import sys

    from rich.console import Console

    return Console(width=None if sys.stdout.isatty() else 120)


def _print_snapshot(view: Snapshot) -> None:
    from rich import box
    from rich.table import Table

    out = console()
    scenario = view.scenario
    out.print(f"[bold]{scenario.title}[/bold]  ({scenario.id}, as of {view.date})")
    names = {a.id: a.name for a in scenario.actors}

    def named(actor: str) -> str:
        return f"{names[actor]} ({actor})" if actor in names else actor

    out.print(
        "Actors: " + ", ".join(f"{a.name} ({a.id}, {a.role})" for a in scenario.actors),
        highlight=False,
    )
    table = Table(
        title=f"Measures imposed by {view.date}, by imposer and legal basis", box=box.SIMPLE
    )
    table.add_column("imposer", max_width=22)
    table.add_column("legal basis", no_wrap=True)
    table.add_column("measure (id)", ratio=1, overflow="fold")
    table.add_column("level", justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    table.add_column("since", no_wrap=True)
    style = {"in force": "green", "eased": "yellow", "suspended": "red", "lifted": "dim"}
    ordered = sorted(view.measures, key=lambda s: (s.measure.imposer, s.measure.legal_basis))
    previous = None
    for item in ordered:
        m = item.measure
        if previous is not None and m.imposer != previous:
            table.add_section()
        previous = m.imposer
        table.add_row(
            named(m.imposer),
            m.legal_basis,
            f"{m.name} ({m.id})",
            f"{item.level:.2f}",
            f"[{style[item.status]}]{item.status}[/]",
            item.since.isoformat(),
        )
    out.print(table)
    for deal in view.deals:
        state = "in effect" if deal.agreed else "not yet agreed"
        out.print(
            f"Side deal [bold]{deal.deal.name}[/bold] ({deal.deal.id}): {named(deal.deal.member)} "
            f"with {named(deal.deal.target)}, {state}; {len(deal.deal.stages)} stages, scope "
            f"{deal.deal.scope}, snap-back {'yes' if deal.deal.snap_back.on_renege else 'no'}",
            highlight=False,
        )
    for lever in view.levers:
        state = "in force" if lever.in_force else "option"
        aimed = f" -> {named(lever.beneficiary)}" if lever.beneficiary else ""
        out.print(
            f"Lever {lever.id} ({lever.kind}, {named(lever.holder)}{aimed}, {state})",
            highlight=False,
        )
    for (first, second), trust in view.trust.items():
        out.print(f"Trust {named(first)} - {named(second)}: {trust:.2f}", highlight=False)


def check(
    files: Annotated[list[Path], typer.Argument(help="scenario files to validate")],
    strict: Annotated[
        bool, typer.Option("--strict", help="treat warnings as errors (exit 2)")
    ] = False,
) -> None:
    """Validate scenario files; every problem is reported with its line and column.

    Warnings (valid, but probably not meant; among them every field the default model version
    does not read) go to stderr and keep exit status 0, unless ``--strict``.
    """
    from sanctionsim.scenario.loader import load_file_with_warnings

    failed = False
    for path in files:
        try:
            scenario, warnings = load_file_with_warnings(path)
        except InputError as error:
            failed = True
            for problem in error.problems:
                typer.echo(f"error: {problem}", err=True)
            continue
        for warning in warnings:
            typer.echo(f"warning: {warning}", err=True)
        failed = failed or (strict and bool(warnings))
        typer.echo(
            f"ok: {path}: {scenario.id}, {len(scenario.actors)} actors, "
            f"{len(scenario.measures)} measures, {len(scenario.sources)} sources"
        )
    if failed:
        raise typer.Exit(2)


@input_errors_exit_2
def schema(
    output: Annotated[
        Path | None, typer.Option("-o", "--output", help="write to this file instead of stdout")
    ] = None,
) -> None:
    """Print the JSON Schema of scenario files (for editors' autocompletion)."""
    import json

    from sanctionsim.scenario.schema import json_schema

    text = json.dumps(json_schema(), indent=2) + "\n"
    if output is None:
        typer.echo(text, nl=False)
    else:
        from sanctionsim.files import write_text_atomically

        prepare_output(output, "-o", folder=False)
        write_text_atomically(output, text)


@input_errors_exit_2
def run(
    out: Annotated[Path, typer.Option("--out", help="folder for the report and results")] = Path(
        "out"
    ),
) -> None:
    """The main job: the default case (dprk-2014) as of its start date, and its forecast."""
    import time

    from sanctionsim.cli.dynamics_commands import forecast, print_forecast
    from sanctionsim.scenario.views import snapshot

    scenario = load(DEFAULT_CASE)
    view = snapshot(scenario, scenario.start)
    _print_snapshot(view)
    estimates = _count_estimates(scenario)
    out_console = console()
    out_console.print(
        f"{len(scenario.sources)} sources; {estimates} analyst estimates, each with a range. "
        f"Forecasts start on {scenario.start}."
    )
    started = time.perf_counter()
    result = forecast(scenario, runs=10_000, horizon=36, seed=0, out=out)
    elapsed = time.perf_counter() - started
    print_forecast(result, out_console, leaders(scenario))
    out_console.print(
        f"{result.runs:,} runs x {result.horizon} months simulated in {elapsed:.1f} s; "
        f"per-run results in {out / 'runs'}, summary in {out / 'forecast.json'}. "
        "Nothing dated after the start date is used."
    )
    from sanctionsim.files import write_text_atomically
    from sanctionsim.game.coalition import analyze
    from sanctionsim.report.html import render_report

    report = out / "report.html"
    analysis = analyze(scenario).to_dict()
    write_text_atomically(report, render_report(scenario, analysis, result.to_dict()))
    out_console.print(f"Report: {report.resolve()}")


def _count_estimates(scenario: Scenario) -> int:
    def walk(node: object) -> int:
        if isinstance(node, dict):
            own = 1 if node.get("analyst_estimate") is True else 0
            return own + sum(walk(v) for v in node.values())
        if isinstance(node, list):
            return sum(walk(v) for v in node)
        return 0

    return walk(scenario.model_dump())


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("run")(run)
    app.command("cases")(cases)
    app.command("show")(show)
    app.command("check")(check)
    app.command("schema")(schema)
