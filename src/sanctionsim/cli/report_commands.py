"""Report and web-app commands: ``report`` and ``serve``.

``sanctionsim report SCENARIO|RESULTS_DIR [-o FILE] [--figures DIR [--format svg,pdf,png]]
[--scenario SCENARIO] [--no-forecast] [--runs N] [--horizon MONTHS] [--seed S] [--model VERSION]
[--no-fold-range]`` writes the
self-contained HTML report. A SCENARIO (case id or YAML file) gives the summary, timeline,
assumptions, game analysis and its forecast, simulated here first (as ``sanctionsim simulate``
would, with its defaults) unless ``--no-forecast``; a RESULTS_DIR (a folder written by
``sanctionsim simulate --out``) gives its forecast, its scenario taken from ``--scenario`` or
else the built-in case the forecast names. The report itself never simulates: it draws the
forecast it is given. ``--figures DIR`` also exports every chart as SVG, PDF and PNG (300 dpi);
``--png DIR`` is ``--figures DIR --format png``. ``sanctionsim serve`` runs the web app.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sanctionsim.cli._common import FOLD_RANGE_HELP, input_errors_exit_2, prepare_output
from sanctionsim.errors import InputError
from sanctionsim.versions import DEFAULT, in_words

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


# The options of ``report``, declared apart so that the command reads as what it does.
SourceArgument = Annotated[
    str,
    typer.Argument(
        metavar="SCENARIO|RESULTS_DIR",
        help=(
            "a case id or YAML file, or a folder written by `sanctionsim simulate --out` "
            "or `sanctionsim experiment --out`"
        ),
    ),
]
OutputOption = Annotated[
    Path | None,
    typer.Option(
        "-o", "--output", help="the HTML file (default: report.html, or RESULTS_DIR/report.html)"
    ),
]
FiguresOption = Annotated[
    Path | None,
    typer.Option(
        "--figures",
        metavar="DIR",
        help="also export every chart as DIR/NAME.svg, .pdf and .png (300 dpi)",
    ),
]
FormatOption = Annotated[
    str | None,
    typer.Option(
        "--format",
        metavar="LIST",
        help="the figures' formats, comma-separated: svg, pdf, png (default: all three)",
    ),
]
PngOption = Annotated[
    Path | None,
    typer.Option("--png", metavar="DIR", help="the same as --figures DIR --format png"),
]
ScenarioOption = Annotated[
    str | None,
    typer.Option(
        "--scenario", help="the forecast's scenario (case id or file), for a results folder"
    ),
]
NoForecastOption = Annotated[
    bool, typer.Option("--no-forecast", help="a scenario's report without its forecast")
]
RunsOption = Annotated[
    int | None, typer.Option(help="Monte Carlo runs of a scenario's forecast [default: 10000]")
]
HorizonOption = Annotated[
    int | None,
    typer.Option(help="months of a scenario's forecast (default: the scenario's horizon)"),
]
SeedOption = Annotated[
    int | None, typer.Option(help="root seed of a scenario's forecast [default: 0]")
]
ModelOption = Annotated[
    str | None,
    typer.Option(help=f"model version of a scenario's forecast: {in_words()} [default: {DEFAULT}]"),
]
FoldRangeOption = Annotated[
    bool | None,
    typer.Option(
        "--fold-range/--no-fold-range",
        help=f"{FOLD_RANGE_HELP} [default: --fold-range]",
        show_default=False,
    ),
]


@input_errors_exit_2
def report(
    source: SourceArgument,
    output: OutputOption = None,
    figures: FiguresOption = None,
    formats: FormatOption = None,
    png: PngOption = None,
    scenario: ScenarioOption = None,
    no_forecast: NoForecastOption = False,
    runs: RunsOption = None,
    horizon: HorizonOption = None,
    seed: SeedOption = None,
    model: ModelOption = None,
    fold_range: FoldRangeOption = None,
) -> None:
    """Write the self-contained HTML report (opens offline), with the scenario's forecast or
    the results folder's; with --figures, every chart as SVG, PDF and PNG files too."""
    from sanctionsim.files import write_text_atomically
    from sanctionsim.game.coalition import analyze
    from sanctionsim.report.experiment import is_experiment_folder
    from sanctionsim.report.html import render_report

    export = figure_export(figures, formats, png)
    sizes = {"--runs": runs, "--horizon": horizon, "--seed": seed, "--model": model}
    sizes["--fold-range" if fold_range else "--no-fold-range"] = fold_range
    if is_experiment_folder(Path(source)):
        flags = {"--figures": figures, "--format": formats, "--png": png, "--scenario": scenario}
        _refuse_for_experiments({**flags, **sizes, "--no-forecast": no_forecast or None})
        _experiment_report(Path(source), output)
        return
    loaded, forecast, default_output = resolve_inputs(source, scenario)
    _check_forecast_options(forecast is not None, no_forecast, sizes)
    target = output if output is not None else default_output
    if target.is_dir():
        raise InputError.single("-o", f"{target} is a folder; name the HTML file")
    prepare_output(target, "-o", folder=False)
    if export is not None:
        prepare_output(export[0], export[2], folder=True)
    if forecast is None and not no_forecast:
        forecast = _simulate(loaded, runs, horizon, seed, model or DEFAULT, fold_range is not False)
    analysis = analyze(loaded, loaded.start).to_dict()
    write_text_atomically(target, render_report(loaded, analysis, forecast))
    typer.echo(f"wrote {target}")
    if export is not None:
        from sanctionsim.report.charts import report_charts
        from sanctionsim.report.figures import write_figures

        for path in write_figures(report_charts(loaded, forecast), export[0], export[1]):
            typer.echo(f"wrote {path}")


def figure_export(
    figures: Path | None, formats: str | None, png: Path | None
) -> tuple[Path, tuple[str, ...], str] | None:
    """Where the figures go, in which formats and the flag that named the folder; or None."""
    from sanctionsim.report.figures import FORMATS, parse_formats

    if png is not None:
        if figures is not None:
            raise InputError.single("--png", "give --png DIR or --figures DIR, not both")
        if formats is not None:
            raise InputError.single("--format", "not with --png (PNG only); use --figures DIR")
        return png, ("png",), "--png"
    if figures is None:
        if formats is not None:
            raise InputError.single("--format", "only with --figures DIR")
        return None
    return figures, FORMATS if formats is None else parse_formats(formats), "--figures"


def _check_forecast_options(
    from_folder: bool, no_forecast: bool, sizes: dict[str, int | str | None]
) -> None:
    """Refuse the options of a scenario's own forecast where there is none to simulate."""
    for flag, value in sizes.items():
        if value is None:
            continue
        if from_folder:
            raise InputError.single(flag, "only for a scenario; a results folder has its forecast")
        if no_forecast:
            raise InputError.single(flag, "not with --no-forecast")
    if from_folder and no_forecast:
        raise InputError.single("--no-forecast", "only for a scenario, not a results folder")


def _simulate(
    scenario: Scenario,
    runs: int | None,
    horizon: int | None,
    seed: int | None,
    model: str,
    fold_range: bool = True,
) -> dict[str, Any]:
    """The scenario's forecast as ``sanctionsim simulate`` makes it (same defaults, checks and
    progress bar), as the report draws it: its ``to_dict()``."""
    from sanctionsim.cli.dynamics_commands import (
        DEFAULT_RUNS,
        DEFAULT_SEED,
        forecast,
    )
    from sanctionsim.cli.scenario_commands import warn_if_before_measures
    from sanctionsim.dynamics.calibration import calibration_for
    from sanctionsim.dynamics.plan import DEFAULT_CHUNK, Plan

    runs = DEFAULT_RUNS if runs is None else runs
    seed = DEFAULT_SEED if seed is None else seed
    if seed < 0:
        raise InputError.single("--seed", f"must be >= 0, got {seed}")
    Plan(runs, 1 if horizon is None else horizon, DEFAULT_CHUNK)  # bad sizes exit 2, located
    calibration_for(model, None)  # an unknown model exits 2, naming --model
    warn_if_before_measures(scenario, scenario.start)
    result = forecast(
        scenario, runs=runs, horizon=horizon, seed=seed, model=model, fold_range=fold_range
    )
    return dict(result.to_dict())


def _refuse_for_experiments(options: dict[str, object]) -> None:
    for flag, given in options.items():
        if given is not None:
            raise InputError.single(flag, "only for a scenario or a forecast's results folder")


def _experiment_report(folder: Path, output: Path | None) -> None:
    """The page of an experiment's results folder (``report/experiment.py``)."""
    from sanctionsim.files import write_text_atomically
    from sanctionsim.report.experiment import load_experiment, render_experiment

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
