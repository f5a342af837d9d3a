"""The HTML page of an experiment's results folder: each policy against the baseline.

``sanctionsim report RESULTS_DIR`` on a folder written by ``sanctionsim experiment --out`` (it
holds ``experiment.json`` and ``results.json``) renders one self-contained page: per scenario and
grid point, a table with one row per metric and one column per policy, each cell the policy's
mean with its 95% interval and its paired difference from the baseline with that difference's
interval (the rows of ``results.json``, :mod:`sanctionsim.experiments.runner`). Metric labels
come from the metric table (:data:`sanctionsim.dynamics.records.METRICS`). Nothing is
simulated; every string from the file is escaped.
"""

from __future__ import annotations

import html
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from sanctionsim.dynamics.records import METRIC
from sanctionsim.errors import InputError, Problem

RESULTS = "results.json"
MANIFEST = "experiment.json"
MAX_RESULTS_BYTES = 64 * 1024 * 1024

Pair = Annotated[list[float], Field(min_length=2, max_length=2)]


class _Row(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True, allow_inf_nan=False)

    scenario: str
    grid: dict[str, float]
    policy: str
    metric: str
    mean: float
    mean_ci95: Pair
    diff_vs_baseline: float
    ci95: Pair


class _Experiment(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    runs: int = Field(ge=1)
    horizon: int | None = None
    seed: int = Field(ge=0)
    policies: list[str]


class _Results(BaseModel):
    model_config = ConfigDict(strict=True, extra="ignore", frozen=True)

    experiment: _Experiment
    rows: list[_Row]


@dataclass(frozen=True)
class ExperimentResults:
    """An experiment's comparison rows, checked (what the page draws)."""

    runs: int
    horizon: int | None
    seed: int
    policies: tuple[str, ...]
    rows: tuple[_Row, ...]


def is_experiment_folder(folder: Path) -> bool:
    """Whether ``folder`` is an experiment's results store (it holds its manifest)."""
    return (folder / MANIFEST).is_file()


def load_experiment(folder: Path) -> ExperimentResults:
    """The checked ``results.json`` of an experiment folder.

    Raises:
        InputError: no results (the experiment has not finished), a file that is not JSON, or
            a key of the wrong type (named by its path).
    """
    path = folder / RESULTS
    if not path.is_file():
        message = f"no {RESULTS} here: the experiment has not finished (run it with --resume)"
        raise InputError.single(str(folder), message)
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_RESULTS_BYTES + 1)
        if len(raw) > MAX_RESULTS_BYTES:
            raise InputError.single(str(path), f"larger than {MAX_RESULTS_BYTES} bytes")
        document = _Results.model_validate(json.loads(raw.decode("utf-8")))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError) as error:
        raise InputError.single(str(path), f"cannot read: {error}") from None
    except ValidationError as error:
        problems = [
            Problem(str(path), None, None, ".".join(map(str, e["loc"])), e["msg"])
            for e in error.errors(include_url=False)[:20]
        ]
        raise InputError(problems) from None
    meta = document.experiment
    return ExperimentResults(
        meta.runs, meta.horizon, meta.seed, tuple(meta.policies), tuple(document.rows)
    )


def _label(metric: str) -> str:
    name, _, key = metric.partition(".")
    known = METRIC.get(name)
    label = known.label if known is not None else name
    return f"{key}: {label}" if key else label


def _number(value: float, metric: str) -> str:
    known = METRIC.get(metric.partition(".")[0])
    return f"{value:.1%}" if known is not None and known.proportion else f"{value:.3f}"


def _cell(row: _Row) -> str:
    low_mean, high_mean = (_number(v, row.metric) for v in row.mean_ci95)
    mean = f"{_number(row.mean, row.metric)} [{low_mean}, {high_mean}]"
    if row.policy == "baseline":
        return f"<td>{html.escape(mean)}</td>"
    low, high = row.ci95
    sign = "better-or-worse" if low <= 0 <= high else ("up" if low > 0 else "down")
    diff = f"{row.diff_vs_baseline:+.4f} [{low:+.4f}, {high:+.4f}]"
    return f'<td>{html.escape(mean)}<br><span class="{sign}">{html.escape(diff)}</span></td>'


def _table(rows: list[_Row], policies: tuple[str, ...]) -> str:
    metrics = list(dict.fromkeys(r.metric for r in rows))
    by = {(r.metric, r.policy): r for r in rows}
    head = "".join(f"<th>{html.escape(p)}</th>" for p in policies)
    body = []
    for metric in metrics:
        cells = "".join(
            _cell(by[metric, p]) if (metric, p) in by else "<td></td>" for p in policies
        )
        body.append(f"<tr><th>{html.escape(_label(metric))}</th>{cells}</tr>")
    return f"<table><tr><th>metric</th>{head}</tr>{''.join(body)}</table>"


def render_experiment(results: ExperimentResults, title: str = "Experiment") -> str:
    """A self-contained HTML page: one table of policies vs baseline per scenario and grid point."""
    groups: dict[tuple[str, str], list[_Row]] = {}
    for row in results.rows:
        grid = ", ".join(f"{k}={v:g}" for k, v in sorted(row.grid.items()))
        groups.setdefault((row.scenario, grid), []).append(row)
    sections = []
    for (scenario, grid), rows in groups.items():
        where = f"{scenario} ({grid})" if grid else scenario
        sections.append(f"<h2>{html.escape(where)}</h2>{_table(rows, results.policies)}")
    horizon = f"{results.horizon} months" if results.horizon else "each scenario's horizon"
    summary = (
        f"{results.runs:,} paired runs per policy, {horizon}, seed {results.seed}. Each cell: "
        "the mean with its 95% interval (Wilson for probabilities, normal for means); under it, "
        "the paired difference from the baseline with its 95% interval (common random numbers)."
    )
    style = (
        "body{font-family:sans-serif;margin:2em}table{border-collapse:collapse;margin-bottom:2em}"
        "td,th{border:1px solid #ccc;padding:.3em .6em;text-align:right;vertical-align:top}"
        ".up{color:#1a7f37}.down{color:#b42318}.better-or-worse{color:#666}"
    )
    return (
        f'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{style}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(summary)}</p>{''.join(sections)}"
        "</body></html>\n"
    )
