"""Report and web-app commands: ``report`` and ``serve``.

``sanctionsim report SCENARIO|RESULTS_DIR [-o FILE] [--png DIR] [--scenario SCENARIO]`` writes the
self-contained HTML report. A SCENARIO (case id or YAML file) gives the summary, timeline,
assumptions and game analysis; a RESULTS_DIR (a folder written by ``sanctionsim simulate --out``)
adds the forecast's charts, its scenario taken from ``--scenario`` or else the built-in case the
forecast names. The report never simulates. ``sanctionsim serve`` runs the web app with uvicorn.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sanctionsim.cli._common import input_errors_exit_2, prepare_output
from sanctionsim.errors import InputError

if TYPE_CHECKING:
    from sanctionsim.scenario.schema import Scenario

REPORT_FILE = "report.html"


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("report")(report)
    app.command("serve")(serve)


def resolve_inputs(
    source: str, scenario_option: str | None
) -> tuple[Scenario, dict[str, Any] | None, Path]:
    """The scenario, the forecast (or None) and the default output path for ``source``."""
    from sanctionsim.report.results import load_forecast
    from sanctionsim.scenario.loader import load_scenario

    folder = Path(source)
    if folder.is_dir():
        forecast = load_forecast(folder)
        reference = scenario_option if scenario_option is not None else str(forecast["scenario"])
        try:
            scenario = load_scenario(reference)
        except InputError as error:
            if scenario_option is None:
                raise InputError.single(
                    str(folder / "forecast.json"),
                    f"the forecast is of scenario {reference!r}, which is not a built-in case; "
                    "name its file with --scenario",
                    "scenario",
                ) from error
            raise
        if scenario.id != forecast["scenario"] or scenario.start.isoformat() != forecast["start"]:
            raise InputError.single(
                "--scenario",
                f"the forecast is of {forecast['scenario']!r} from {forecast['start']}, "
                f"not {scenario.id!r} from {scenario.start}",
            )
        return scenario, forecast, folder / REPORT_FILE
    if scenario_option is not None:
        raise InputError.single("--scenario", "only for a results folder")
    return load_scenario(source), None, Path(REPORT_FILE)


@input_errors_exit_2
def report(
    source: Annotated[
        str,
        typer.Argument(
            metavar="SCENARIO|RESULTS_DIR",
            help=(
                "a case id or YAML file, or a folder written by `sanctionsim simulate --out` "
                "or `sanctionsim experiment --out`"
            ),
        ),
    ],
    output: Annotated[
        Path | None,
        typer.Option(
            "-o",
            "--output",
            help="the HTML file (default: report.html, or RESULTS_DIR/report.html)",
        ),
    ] = None,
    png: Annotated[
        Path | None, typer.Option("--png", help="also write each figure as DIR/NAME.png")
    ] = None,
    scenario: Annotated[
        str | None,
        typer.Option(
            "--scenario", help="the forecast's scenario (case id or file), for a results folder"
        ),
    ] = None,
) -> None:
    """Write the self-contained HTML report (opens offline); with a results folder, the forecast."""
    from sanctionsim.files import write_text_atomically
    from sanctionsim.game.coalition import analyze
    from sanctionsim.report.experiment import is_experiment_folder
    from sanctionsim.report.html import render_report

    if is_experiment_folder(Path(source)):
        _experiment_report(Path(source), output, png, scenario)
        return
    loaded, forecast, default_output = resolve_inputs(source, scenario)
    target = output if output is not None else default_output
    if target.is_dir():
        raise InputError.single("-o", f"{target} is a folder; name the HTML file")
    prepare_output(target, "-o", folder=False)
    if png is not None:
        prepare_output(png, "--png", folder=True)
    analysis = analyze(loaded, loaded.start).to_dict()
    html = render_report(loaded, analysis, forecast)
    write_text_atomically(target, html)
    typer.echo(f"wrote {target}")
    if png is not None:
        from sanctionsim.report.figures import write_pngs

        for path in write_pngs(loaded, forecast, png):
            typer.echo(f"wrote {path}")


def _experiment_report(
    folder: Path, output: Path | None, png: Path | None, scenario: str | None
) -> None:
    """The page of an experiment's results folder (``report/experiment.py``)."""
    from sanctionsim.files import write_text_atomically
    from sanctionsim.report.experiment import load_experiment, render_experiment

    for flag, given in (("--png", png), ("--scenario", scenario)):
        if given is not None:
            raise InputError.single(flag, "only for a scenario or a forecast's results folder")
    target = output if output is not None else folder / REPORT_FILE
    if target.is_dir():
        raise InputError.single("-o", f"{target} is a folder; name the HTML file")
    prepare_output(target, "-o", folder=False)
    results = load_experiment(folder)
    write_text_atomically(target, render_experiment(results, f"Experiment: {folder.name}"))
    typer.echo(f"wrote {target}")


@input_errors_exit_2
def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    allowed_host: Annotated[
        list[str] | None,
        typer.Option(
            "--allowed-host",
            metavar="NAME",
            help="a name the Host header may give (repeat; default: 127.0.0.1, localhost, ::1)",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Run the web app (cases, timelines, measures on a date, analysis, bounded forecasts)."""
    if not 1 <= port <= 65535:
        raise InputError.single("--port", f"must lie in 1..65535, got {port}")
    from sanctionsim.web.app import LOOPBACK_HOSTS, create_app
    from sanctionsim.web.middleware import serve as serve_app

    hosts = tuple(allowed_host) if allowed_host else LOOPBACK_HOSTS
    serve_app(create_app(allowed_hosts=hosts, prestart=True), host, port)
