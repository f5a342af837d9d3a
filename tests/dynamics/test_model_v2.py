"""Model v2 (v2a) in the engine: paired draws with v1, the smooth chance, accounting, epochs,
reproducibility, the calibration file, and the commands that take ``--model v2``."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from sanctionsim.dynamics.calibration import (
    Calibration,
    FittedParameters,
    load_calibration,
    parse_calibration,
)
from sanctionsim.dynamics.choice import logistic
from sanctionsim.dynamics.engine import run_outcomes, simulate
from sanctionsim.dynamics.setup import prepare
from sanctionsim.dynamics.streams import draw_block
from sanctionsim.errors import InputError
from sanctionsim.history.calibrate import GridTask, run_grids
from sanctionsim.history.grids import GRID
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.versions import DEFAULT

FIXTURES = Path(__file__).parent / "prior_predictive"
INDIFFERENT = FittedParameters(slope=0.0, backing_down=0.01)


def test_v1_and_v2_draw_the_same_analyst_inputs_for_a_seed() -> None:
    scenario = load_scenario("russia-2014")
    one = draw_block(prepare(scenario, "v1"), 7, 0, 64)
    two = draw_block(prepare(scenario, "v2", choice=INDIFFERENT, omega=1 / 12), 7, 0, 64)
    accounting = {"held_pressure", "eased_pressure", "un_level_eased", "holding_cost"}
    for item in dataclasses.fields(one.params):
        if item.name in accounting or item.name == "accounting":
            continue
        first, second = getattr(one.params, item.name), getattr(two.params, item.name)
        if isinstance(first, np.ndarray):
            assert np.array_equal(first, second), item.name
    assert np.array_equal(one.trust, two.trust)
    assert np.array_equal(one.reliable, two.reliable)
    assert np.array_equal(one.rng.random(8), two.rng.random(8))  # v1's month stream, untouched
    assert one.choices is None
    assert two.choices is not None  # v2's own new stream


def test_v2_accounting_makes_a_members_own_un_measure_easable() -> None:
    scenario = load_scenario(FIXTURES / "io.yaml")  # MEMA applies a UN measure of its own
    v1 = prepare(scenario, "v1")
    v2 = prepare(scenario, "v2", choice=INDIFFERENT, omega=1 / 12)
    mema = v1.member_ids.index("MEMA")
    p1, p2 = draw_block(v1, 0, 0, 32).params, draw_block(v2, 0, 0, 32).params
    assert not p1.has_something_to_ease()[:, mema].any()
    assert p2.has_something_to_ease()[:, mema].all()
    assert p2.un_level_eased[mema] == 1.0
    assert p1.un_level_eased[mema] == 0.0


def test_a_member_with_nothing_to_ease_never_eases_in_v2() -> None:
    scenario = load_scenario(FIXTURES / "unilateral.yaml")
    outcomes = run_outcomes(scenario, runs=256, horizon=36, seed=3, model="v2", choice=INDIFFERENT)
    members = [a.id for a in scenario.members]
    assert outcomes.eased_chance is not None
    for member in ("MEMA", "MEMB"):
        i = members.index(member)
        assert not outcomes.eased_chance[:, :, i].any()
        assert not outcomes.eased_month[:, i].any()
    assert outcomes.eased_chance[:, -1, members.index("LEAD")].mean() > 0


def test_the_smooth_chance_is_the_running_product_of_the_indifferent_hazard() -> None:
    """λ = 0: every decision eases with Λ(θ_t) at an epoch, so along a run that has not ended
    the chance by month t is 1 − Π_{s ≤ t}(1 − e_s Λ(θ_s)), whatever else happens."""
    scenario = load_scenario(FIXTURES / "multilateral_no_io.yaml")
    setup = prepare(scenario, "v2", choice=INDIFFERENT, omega=1 / 12)
    assert setup.clock is not None
    clock = setup.clock.months(24)
    outcomes = run_outcomes(scenario, runs=256, horizon=24, seed=5, model="v2", choice=INDIFFERENT)
    assert outcomes.eased_chance is not None
    expected = 1 - np.cumprod(1 - clock.epoch_chance[:24, 0] * logistic(clock.theta[:24]))
    # runs in force throughout: no concession; other ends are rare, so most runs qualify
    lasting = outcomes.conceded_month == 0
    chance = outcomes.eased_chance[lasting, :, 0].astype(np.float64)
    ended = ~np.isclose(chance[:, -1], expected[-1], rtol=1e-5)
    assert ended.mean() < 0.2  # the others ended otherwise (force, collapse, lifting)
    assert np.allclose(chance[~ended], expected, rtol=1e-5)


def test_v2_results_do_not_depend_on_the_chunk_size() -> None:
    scenario = load_scenario("dprk-2014")
    small = simulate(scenario, runs=2048, horizon=24, seed=11, chunk_size=1024, model="v2")
    large = simulate(scenario, runs=2048, horizon=24, seed=11, chunk_size=2048, model="v2")
    assert json.dumps(small.to_dict()) == json.dumps(large.to_dict())
    document = small.to_dict()
    assert document["model_version"] == "v2"
    assert document["calibration"]["calibration_sha256"] == load_calibration().sha256


def test_v1_documents_carry_no_model_fields_and_the_default_names_its_version() -> None:
    dprk = load_scenario("dprk-2014")
    document = simulate(dprk, runs=1024, horizon=3, seed=0, model="v1").to_dict()
    assert "model_version" not in document  # v1's JSON is byte-identical to its goldens
    default = simulate(dprk, runs=1024, horizon=3, seed=0, fold_range=False).to_dict()
    assert default["model_version"] == DEFAULT == "v2n"  # the default version since 2026-12-04
    assert default["calibration"]["calibration_sha256"] == load_calibration(model="v2n").sha256


def test_a_calibration_round_trips_and_bad_files_are_refused(tmp_path: Path) -> None:
    calibration = Calibration(
        fitted=FittedParameters(2.0, 0.005),
        folds={"libya-1992": FittedParameters(1.0, 0.01)},
        cases={"libya-1992": "abc"},
        omega=1 / 12,
    )
    path = tmp_path / "c.json"
    path.write_text(calibration.to_json(), encoding="utf-8")
    read = load_calibration(path)
    assert read.fitted == calibration.fitted
    assert read.for_case("libya-1992").slope == 1.0
    assert read.for_case("new-case") == read.fitted
    assert len(read.sha256) == 64
    for text, message in [
        ("{", "not JSON"),
        ('{"model": "v1"}', "not a model v2 calibration"),
        (calibration.to_json().replace('"slope": 2.0', '"slope": -1'), "slope"),
    ]:
        with pytest.raises(InputError, match=message):
            parse_calibration(text, "c.json")


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sanctionsim", *args], capture_output=True, text=True, timeout=600
    )


def test_the_commands_refuse_a_calibration_with_model_v1_and_unknown_models(tmp_path: Path) -> None:
    for command in (["simulate", "dprk-2014"], ["history", "libya-1992"]):
        result = _run(*command, "--model", "v1", "--calibration", str(tmp_path / "x.json"))
        assert result.returncode == 2
        assert "only model v2" in result.stderr
        result = _run(*command, "--model", "v9")
        assert result.returncode == 2
        assert "unknown model" in result.stderr
    assert "Traceback" not in result.stderr


def test_calibrate_writes_the_fit_its_folds_and_the_loco_score(tmp_path: Path) -> None:
    out = tmp_path / "calibration.json"
    args = ["calibrate", "libya-1992", "--runs", "8", "--final-runs", "16", "--workers", "1"]
    result = _run(*args, "--out", str(out))
    assert result.returncode == 0, result.stderr
    written = json.loads(out.read_text(encoding="utf-8"))
    assert set(written["folds"]) == {"libya-1992"}
    assert written["model"] == "v2"
    assert len(written["details"]["objective_by_point"]) == len(GRID)
    assert written["details"]["loco"]["brier"] is not None
    assert (tmp_path / "calibration.json.work" / "libya-1992.json").is_file()
    assert "leave-one-cluster-out Brier" in result.stdout


def test_the_grid_resumes_from_its_parts_and_redoes_a_damaged_one(tmp_path: Path) -> None:
    scenario = load_scenario("libya-1992")
    calls: list[str] = []

    def in_process(function: Callable[[GridTask], Any], tasks: list[GridTask]) -> Iterator[Any]:
        for task in tasks:
            calls.append(task.reference)
            yield function(task)

    def grids() -> tuple[dict[str, list[dict[str, float]]], int]:
        return run_grids(
            [scenario], ["libya-1992"], tmp_path, runs=4, seed=0, horizons=(12,), omega=1 / 12,
            map_unordered=in_process,
        )  # fmt: skip

    first, reused = grids()
    assert reused == 0
    assert calls == ["libya-1992"]
    assert len(first["libya-1992"]) == len(GRID)
    second, reused = grids()
    assert reused == 1
    assert calls == ["libya-1992"]
    assert second == first
    (tmp_path / "libya-1992.json").write_text("{broken", encoding="utf-8")
    third, reused = grids()
    assert reused == 0
    assert len(calls) == 2
    assert third == first  # same seed: the same grid


def test_an_experiment_runs_model_v2_and_its_store_records_the_calibration(tmp_path: Path) -> None:
    spec = tmp_path / "spec.yaml"
    spec.write_text(
        "scenarios: [dprk-2014]\npolicies: [baseline, snap-back]\nruns: 1024\n"
        "horizon: 12\nchunk_size: 1024\nmodel: v2\n",
        encoding="utf-8",
    )
    out = tmp_path / "store"
    result = _run("experiment", str(spec), "--out", str(out), "--workers", "1", "--json")
    assert result.returncode == 0, result.stderr
    manifest = json.loads((out / "experiment.json").read_text(encoding="utf-8"))
    assert manifest["model_version"] == "v2"
    assert manifest["calibration"]["calibration_sha256"] == load_calibration().sha256
    spec.write_text(spec.read_text(encoding="utf-8").replace("model: v2", "model: v1"))
    again = _run("experiment", str(spec), "--out", str(out), "--resume", "--workers", "1")
    assert again.returncode == 2  # a store of v2 chunks is never resumed as v1
    assert "Traceback" not in again.stderr


def test_analyze_with_model_v2_gives_each_members_choice_terms() -> None:
    import sanctionsim

    v1 = sanctionsim.analyze("russia-2014").to_dict()
    v2 = sanctionsim.analyze("russia-2014", model="v2").to_dict()
    assert "model_version" not in v1
    assert v2["model_version"] == "v2"
    assert set(v2["v2_choice"]) == set(v2["members"])
    germany = v2["v2_choice"]["DEU"]  # EU measures: institutional commitment 1
    assert germany["commitment"] == 1.0
    assert germany["backing_down_cost"] > 0
    assert 0.0 <= germany["chance_per_epoch"] <= 1.0
    with pytest.raises(ValueError, match="model"):
        sanctionsim.analyze("russia-2014", model="v9")
