"""Scores, references and skill on the protocol's pairs; the history command's contract."""

from __future__ import annotations

import csv
import json
from contextlib import ExitStack
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from sanctionsim.errors import InputError
from sanctionsim.history.assemble import _forecast_job, _model_forecasts, evaluate
from sanctionsim.history.protocol import event_pairs
from sanctionsim.history.references import REFERENCES
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario
from support import run_sanctionsim

HORIZONS = (12, 36, 60, 120)
RESAMPLES = 200


def _forecasts_file(path: Path, scenarios: list[Scenario], value: dict[str, float] | float) -> Path:
    """A forecaster's CSV giving every pair of each case ``value`` (or ``value[case]``)."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["case", "event", "horizon", "forecast"])
        for scenario in scenarios:
            p = value if isinstance(value, float) else value[scenario.id]
            for pair in event_pairs(scenario, HORIZONS):
                writer.writerow([scenario.id, pair.event, pair.horizon, p])
    return path


def test_the_headline_is_the_mean_over_clusters_of_case_means(tmp_path: Path) -> None:
    ids = ["dprk-2006", "dprk-2014", "libya-1992"]
    scenarios = [load_scenario(i) for i in ids]
    values = {"dprk-2006": 0.9, "dprk-2014": 0.2, "libya-1992": 0.5}
    path = _forecasts_file(tmp_path / "f.csv", scenarios, values)
    result = evaluate(scenarios, forecasts=path, resamples=RESAMPLES)
    document = result.to_dict()
    briers = {c["id"]: c["brier"] for c in document["cases"]}
    assert briers["libya-1992"] == pytest.approx(0.25)
    # by hand: dprk-2014's scored pairs all recorded 0 (forecast 0.2 -> 0.04)
    assert briers["dprk-2014"] == pytest.approx(0.04)
    clusters = {c["id"]: c["cluster"] for c in document["cases"]}
    assert clusters["dprk-2006"] == clusters["dprk-2014"] != clusters["libya-1992"]
    expected = ((briers["dprk-2006"] + briers["dprk-2014"]) / 2 + briers["libya-1992"]) / 2
    assert document["model"]["brier"] == pytest.approx(expected)
    assert document["references"]["constant"]["brier"] is not None


def test_every_forecaster_is_scored_on_the_same_pairs(tmp_path: Path) -> None:
    scenarios = [load_scenario("libya-1992"), load_scenario("dprk-2014")]
    path = _forecasts_file(tmp_path / "f.csv", scenarios, 0.5)
    by_file = evaluate(scenarios, forecasts=path, resamples=RESAMPLES).to_dict()
    by_model = evaluate(scenarios, runs=128, resamples=RESAMPLES).to_dict()

    def listed(document: dict[str, object]) -> list[tuple[str, str, int, object, str]]:
        return [
            (c["id"], e["event"], e["horizon"], e["recorded"], e["reason"])
            for c in document["cases"]  # type: ignore[attr-defined]
            for e in c["events"]
        ]

    assert listed(by_file) == listed(by_model)
    # the references do not depend on the forecaster
    for a, b in zip(by_file["cases"], by_model["cases"], strict=True):
        assert [e["references"] for e in a["events"]] == [e["references"] for e in b["events"]]
    assert by_file["references"] == by_model["references"]


def test_the_within_case_auc_reads_only_who_eases_inside_each_case(tmp_path: Path) -> None:
    """Forecasts that rank every case's easers above its holders, on case levels that run against
    the outcomes across cases: 1 within case, below 1 pooled; reversed within, 0."""
    scenarios = [load_scenario("argentina-1982"), load_scenario("india-1998")]
    level = {"argentina-1982": 0.6, "india-1998": 0.1}  # India's easers below Argentina's holders

    def run(step: float) -> dict[str, object]:
        path = tmp_path / f"f{step}.csv"
        with path.open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["case", "event", "horizon", "forecast"])
            for scenario in scenarios:
                for pair in event_pairs(scenario, HORIZONS):
                    value = level[scenario.id] + step * (pair.recorded or 0)
                    writer.writerow([scenario.id, pair.event, pair.horizon, value])
        model = evaluate(scenarios, forecasts=path, resamples=RESAMPLES).to_dict()["model"]
        assert isinstance(model, dict)
        return model

    ranked, reversed_ = run(0.05), run(-0.05)
    assert ranked["easing_comparisons_within_case"] > 0
    assert ranked["auc_easing_within_case"] == pytest.approx(1.0)
    assert ranked["auc_easing"] < 1.0  # the pooled figure mixes the cases' levels in
    assert reversed_["auc_easing_within_case"] == pytest.approx(0.0)
    assert reversed_["easing_comparisons_within_case"] == ranked["easing_comparisons_within_case"]


def test_the_within_case_auc_counts_what_a_brute_force_count_does() -> None:
    scenarios = [load_scenario(i) for i in ("argentina-1982", "iraq-1990", "india-1998")]
    document = evaluate(scenarios, runs=256, resamples=RESAMPLES).to_dict()
    concordant = comparisons = 0.0
    for case in document["cases"]:
        for h in HORIZONS:
            at = [
                (e["forecast"], e["recorded"])
                for e in case["events"]
                if e["kind"].endswith("_eases") and e["reason"] == "scored" and e["horizon"] == h
            ]
            for p1, y1 in at:
                for p0, y0 in at:
                    if y1 == 1 and y0 == 0:
                        comparisons += 1
                        concordant += 1.0 if p1 > p0 else 0.5 if p1 == p0 else 0.0
    model = document["model"]
    assert model["easing_comparisons_within_case"] == comparisons > 0
    assert model["auc_easing_within_case"] == pytest.approx(concordant / comparisons, rel=1e-12)
    low, high = model["auc_easing_within_case_ci95"]
    assert low <= model["auc_easing_within_case"] <= high


def test_leave_one_cluster_out_references_never_see_the_case_itself() -> None:
    libya = load_scenario("libya-1992")
    assert libya.recorded_outcome is not None
    flipped = libya.model_copy(
        update={
            "recorded_outcome": libya.recorded_outcome.model_copy(
                update={"defections": [], "coalition_held": True}
            )
        }
    )
    assert flipped.recorded_outcome is not None

    def loco(scenario: Scenario) -> list[tuple[float, float]]:
        case = evaluate([scenario], runs=32, resamples=20).cases[0]
        return list(
            zip(case.references["loco_frequency"], case.references["loco_logistic"], strict=True)
        )

    assert loco(flipped) == loco(libya)


def test_climatology_reads_the_group_at_the_episode_age() -> None:
    from sanctionsim.history.climatology import climatology_forecast

    case = evaluate([load_scenario("dprk-2014")], runs=32, resamples=20).cases[0]
    age = case.facts.episode_age_months
    assert 90 < age < 100  # eight years into the episode that began in July 2006
    concede = [
        v
        for v, p in zip(case.references["climatology"], case.pairs, strict=True)
        if p.event == "target_concedes"
    ]
    assert concede[0] == climatology_forecast("io", "target_concedes", age, 12)
    assert concede[0] < climatology_forecast("io", "target_concedes", 0.0, 12)
    members = [
        v
        for v, p in zip(case.references["climatology"], case.pairs, strict=True)
        if p.kind == "member_eases"
    ]
    assert set(members) == {1 / 3}


def test_skill_has_a_bootstrap_interval_and_a_sentence(tmp_path: Path) -> None:
    scenarios = [load_scenario(c) for c in ("libya-1992", "yugoslavia-1992", "iraq-1990")]
    path = _forecasts_file(tmp_path / "f.csv", scenarios, 1 / 3)
    document = evaluate(scenarios, forecasts=path, resamples=RESAMPLES, seed=4).to_dict()
    skill = document["skill"]
    # the file says 1/3 everywhere: exactly the constant reference
    assert skill["vs"]["constant"]["difference"] == pytest.approx(0.0, abs=1e-12)
    assert skill["vs"]["constant"]["wins"] == skill["vs"]["constant"]["losses"] == 0
    low, high = skill["vs_best"]["ci95"]
    assert low <= skill["vs_best"]["difference"] <= high
    assert skill["vs_best"]["reference"] == document["best_reference"]
    assert skill["vs_best"]["wins"] + skill["vs_best"]["losses"] <= 3
    assert skill["sentence"].endswith("3 cases in 3 clusters).")
    again = evaluate(scenarios, forecasts=path, resamples=RESAMPLES, seed=4).to_dict()
    assert again["skill"] == skill


def test_history_command_contract_with_a_users_file_and_out(tmp_path: Path) -> None:
    source = Path(load_scenario("libya-1992").id + ".yaml")
    from sanctionsim.scenario.library import case_path

    original = case_path("libya-1992")
    assert original is not None
    assert source.name == original.name
    text = original.read_text()
    # a user's copy without the record: forecast, listed as unscored
    mine = tmp_path / "mine.yaml"
    lines = text.splitlines(keepends=True)
    first = lines.index("recorded_outcome:\n")
    after = next(i for i in range(first + 1, len(lines)) if lines[i][:1].isalpha())
    mine.write_text("".join(lines[:first] + lines[after:]))
    out = tmp_path / "out"
    result = run_sanctionsim(
        "history",
        "yugoslavia-1992",
        str(mine),
        "--runs",
        "64",
        "--json",
        "--out",
        str(out),
        "--horizons",
        "12,36",
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert {
        "protocol_version",
        "model_version",
        "calibration",
        "runs",
        "seed",
        "horizons",
        "cases",
        "model",
        "references",
        "best_reference",
        "skill",
    } <= set(document)
    assert document["horizons"] == [12, 36]
    assert set(document["references"]) == set(REFERENCES)
    ids = [c["id"] for c in document["cases"]]
    assert ids == ["yugoslavia-1992", "libya-1992"]
    users = document["cases"][1]
    assert {e["reason"] for e in users["events"]} == {"no_record"}
    assert users["brier"] is None
    for key in (
        "id",
        "start",
        "episode_age_months",
        "group",
        "cluster",
        "ended_by",
        "events",
        "derived",
        "brier",
    ):
        assert key in users
    for key in (
        "brier",
        "log_score",
        "auc_easing",
        "auc_easing_within_case",
        "c_index",
        "by_kind",
        "reliability",
        "calibration",
        "sharpness",
        "decomposition",
    ):
        assert key in document["model"]
    table = pq.read_table(out / "pairs.parquet").to_pylist()
    with (out / "pairs.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert len(table) == len(rows) > 0
    primitive = [r for r in table if not r["derived"]]
    assert len(primitive) == sum(len(c["events"]) for c in document["cases"])


@pytest.mark.parametrize(
    ("args", "flag"),
    [
        (["--horizons", "12,x"], "--horizons"),
        (["--horizons", "0"], "--horizons"),
        (["--model", "v9"], "--model"),
        (["--runs", "0"], "--runs"),
        (["--workers", "0"], "--workers"),
    ],
)
def test_bad_flags_exit_2_naming_the_flag(args: list[str], flag: str) -> None:
    result = run_sanctionsim("history", "libya-1992", *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith(f"error: {flag}")


def test_a_forecasts_file_missing_a_pair_exits_2(tmp_path: Path) -> None:
    path = tmp_path / "f.csv"
    path.write_text("case,event,horizon,forecast\nlibya-1992,target_concedes,12,0.5\n")
    result = run_sanctionsim("history", "libya-1992", "--forecasts", str(path))
    assert result.returncode == 2
    assert "no forecast for case libya-1992" in result.stderr


def test_the_workers_share_out_cases_without_changing_a_byte() -> None:
    """Each case's forecast reads only its own seeded streams: two processes print what one
    does (v2e: its persistent shocks too)."""
    cases = ("libya-1992", "argentina-1982", "zimbabwe-2000")
    common = ("history", *cases, "--runs", "256", "--json", "--model", "v2e")
    alone = run_sanctionsim(*common, "--workers", "1")
    shared = run_sanctionsim(*common, "--workers", "2")
    assert alone.returncode == shared.returncode == 0, alone.stderr + shared.stderr
    assert alone.stdout == shared.stdout
    assert len(json.loads(shared.stdout)["cases"]) == 3


def test_an_error_in_a_worker_crosses_back_intact() -> None:
    """A case the engine cannot play (no coalition member) fails in its worker process; the
    driver gets the same located InputError, after the good case's forecast."""
    good = load_scenario("libya-1992")
    bad = good.model_copy(
        update={"actors": [a for a in good.actors if a.role not in ("leader", "member")]}
    )
    jobs = [_forecast_job(s, (12,), 64, 0, "v1", None) for s in (good, bad)]
    with ExitStack() as stack:
        forecasts = _model_forecasts(jobs, 2, stack)
        assert next(forecasts).case == "libya-1992"
        with pytest.raises(InputError, match="no coalition members"):
            next(forecasts)
