"""The Monte Carlo engine: reproducibility, the start-date rule, outcomes, Parquet output."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pytest

from sanctionsim.dynamics.engine import simulate
from sanctionsim.dynamics.plan import BLOCK
from sanctionsim.dynamics.records import SimulationResult
from sanctionsim.dynamics.setup import prepare
from sanctionsim.dynamics.store import ParquetStore
from sanctionsim.dynamics.streams import draw_block
from sanctionsim.errors import InputError
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario, TrustChange
from sanctionsim.scenario.views import as_of
from support import run_sanctionsim as sanctionsim


@pytest.fixture(scope="module")
def dprk() -> Scenario:
    return load_scenario("dprk-2014")


def dumps(result: SimulationResult) -> str:
    return json.dumps(result.to_dict(), indent=2, allow_nan=False)


# ---------------------------------------------------------------- reproducibility
def test_same_seed_gives_byte_identical_json_whatever_the_chunk_size(dprk: Scenario) -> None:
    runs = 2 * BLOCK + 300  # a partial last block too
    texts = {
        chunk: dumps(simulate(dprk, runs=runs, horizon=18, seed=11, chunk_size=chunk))
        for chunk in (BLOCK, 2 * BLOCK, 3 * BLOCK, 8 * BLOCK)
    }
    assert len(set(texts.values())) == 1


def test_another_seed_gives_another_forecast(dprk: Scenario) -> None:
    a = simulate(dprk, runs=BLOCK, horizon=12, seed=1).to_dict()
    b = simulate(dprk, runs=BLOCK, horizon=12, seed=2).to_dict()
    assert a["metrics"] != b["metrics"]
    assert a == simulate(dprk, runs=BLOCK, horizon=12, seed=1).to_dict()


def test_a_block_depends_only_on_its_own_stream(dprk: Scenario) -> None:
    setup = prepare(dprk)
    alone = draw_block(setup, 5, 3, 200)
    again = draw_block(setup, 5, 3, 200)
    other = draw_block(setup, 5, 4, 200)
    assert np.array_equal(alone.params.resolve, again.params.resolve)
    assert np.array_equal(alone.trust, again.trust)
    assert not np.array_equal(alone.params.resolve, other.params.resolve)


def test_the_first_runs_do_not_change_when_more_runs_are_added(
    dprk: Scenario, tmp_path: Path
) -> None:
    import pyarrow.parquet as pq

    small, large = tmp_path / "small", tmp_path / "large"
    simulate(dprk, runs=BLOCK, horizon=6, seed=4, store=ParquetStore(small))
    simulate(dprk, runs=3 * BLOCK, horizon=6, seed=4, store=ParquetStore(large))
    a = pq.read_table(small / "runs").to_pandas()
    b = pq.read_table(large / "runs").to_pandas()
    assert a.equals(b.iloc[: len(a)].reset_index(drop=True))


# ---------------------------------------------------------------- the start-date rule
def test_facts_dated_after_the_start_do_not_change_the_forecast(dprk: Scenario) -> None:
    baseline = dumps(simulate(dprk, runs=BLOCK, horizon=12, seed=3))
    later = dt.date(2015, 1, 1)
    japan_korea = next(r for r in dprk.relations if set(r.between) == {"JPN", "KOR"})
    changed_relation = japan_korea.model_copy(
        update={"changes": [*japan_korea.changes, TrustChange(date=later, trust=0.0)]}
    )
    altered = dprk.model_copy(
        update={
            # a post-start resolution with a huge pressure, a post-start trust collapse
            "measures": [
                m.model_copy(update={"pressure": 0.9}) if m.imposed > dprk.start else m
                for m in dprk.measures
            ],
            "relations": [changed_relation, *dprk.relations[1:]],
        }
    )
    assert dumps(simulate(altered, runs=BLOCK, horizon=12, seed=3)) == baseline
    stripped = as_of(dprk, dprk.start)
    assert all(m.imposed <= dprk.start for m in stripped.measures)
    assert all(e.date <= dprk.start for e in stripped.timeline)
    assert dumps(simulate(stripped, runs=BLOCK, horizon=12, seed=3)) == baseline


def test_a_fact_dated_before_the_start_does_change_the_forecast(dprk: Scenario) -> None:
    baseline = simulate(dprk, runs=BLOCK, horizon=12, seed=3).to_dict()
    altered = dprk.model_copy(
        update={
            "measures": [
                m.model_copy(update={"pressure": 0.5}) if m.id == "unsc-2094" else m
                for m in dprk.measures
            ]
        }
    )
    assert simulate(altered, runs=BLOCK, horizon=12, seed=3).to_dict() != baseline


def test_the_start_state_is_japans_first_stage_eased(dprk: Scenario) -> None:
    setup = prepare(dprk)
    (deal,) = setup.deals
    assert setup.member_ids == ("USA", "JPN", "KOR")
    assert deal.member == 1
    assert deal.start_stage == 1  # the 4 July 2014 easing is the state on the start date
    assert deal.ladder[1] == pytest.approx(1.0)
    assert deal.ladder[0] > 1.0 > deal.ladder[2] > deal.ladder[3] == 0.0


# ---------------------------------------------------------------- outcomes
@pytest.fixture(scope="module")
def run_folder(dprk: Scenario, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:  # type: ignore[type-arg]
    folder = tmp_path_factory.mktemp("sim")
    # model v1: its metrics are the stored runs' realised easing (v2's are smooth chances)
    result = simulate(
        dprk, runs=BLOCK + 500, horizon=24, seed=9, store=ParquetStore(folder), model="v1"
    )
    return folder, result.to_dict()


def test_parquet_holds_every_run_and_month_and_no_temporary_file(
    run_folder: tuple[Path, dict],
) -> None:  # type: ignore[type-arg]
    import pyarrow.parquet as pq

    folder, _ = run_folder
    files = sorted((folder / "runs").iterdir())
    assert [f.name for f in files] == ["chunk-000000000.parquet"]
    table = pq.read_table(folder / "runs")
    assert table.num_rows == (BLOCK + 500) * 24
    frame = table.to_pandas()
    assert list(frame["run"].unique()) == list(range(BLOCK + 500))
    assert frame.groupby("run")["month"].apply(list).map(lambda m: m == list(range(1, 25))).all()


def test_parquet_agrees_with_the_summary(run_folder: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    import pyarrow.parquet as pq

    folder, summary = run_folder
    frame = pq.read_table(folder / "runs").to_pandas()
    runs = summary["runs"]
    last = frame[frame["month"] == 24]
    metrics = summary["metrics"]
    assert last["conceded"].sum() / runs == metrics["p_target_concedes"]["mean"]
    delivered = (last["delivered_stockholm-2014"] >= 3).sum() / runs
    assert delivered == metrics["p_deal_delivers"]["mean"]
    snapped = last["snapped_stockholm-2014"].sum() / runs
    assert snapped == metrics["p_snap_back"]["stockholm-2014"]["mean"]
    # a member has eased when its level fell below the start level in some month
    for member in ("USA", "JPN", "KOR"):
        eased = (frame[f"level_{member}"] < 1 - 1e-6).groupby(frame["run"]).any().mean()
        assert eased == pytest.approx(metrics["p_member_eases"][member]["mean"])


def test_nothing_changes_after_the_target_concedes(run_folder: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    import pyarrow.parquet as pq

    folder, _ = run_folder
    frame = pq.read_table(folder / "runs").to_pandas()
    conceded = frame[frame["conceded"]]
    assert len(conceded) > 0
    columns = ["level_USA", "level_JPN", "level_KOR", "stage_stockholm-2014", "gross_pressure"]
    for _, rows in conceded.groupby("run"):
        assert (rows[columns].nunique() <= 2).all()  # the concession month, then frozen
        assert (rows[columns].iloc[1:].nunique() <= 1).all()


def test_metrics_are_consistent_probabilities(run_folder: tuple[Path, dict]) -> None:  # type: ignore[type-arg]
    _, summary = run_folder
    metrics, curves = summary["metrics"], summary["curves"]
    for value in [
        metrics["p_target_concedes"],
        metrics["p_cascade"],
        *metrics["p_member_eases"].values(),
    ]:
        low, high = value["ci95"]
        assert 0.0 <= low <= value["mean"] <= high <= 1.0
    # a cascade needs two members to ease: 2 * P(cascade) <= sum of P(member eases)
    total = sum(v["mean"] for v in metrics["p_member_eases"].values())
    assert 2 * metrics["p_cascade"]["mean"] <= total + 1e-12
    for member, curve in curves["p_eased_by"].items():
        assert curve == sorted(curve)
        assert curve[-1] == metrics["p_member_eases"][member]["mean"]
    assert curves["p_conceded_by"][-1] == metrics["p_target_concedes"]["mean"]
    q = curves["cohesion_quantiles"]
    assert all(a <= b <= c for a, b, c in zip(q["q05"], q["q50"], q["q95"], strict=True))


def test_beliefs_are_a_martingale_on_average(dprk: Scenario) -> None:
    # When the model is right about the world, the average posterior equals the average prior.
    # Exactly so for the deal's member, which sees every move; the others update on shared
    # reports only and ignore what silence implies, a documented simplification (small drift).
    runs = 8 * BLOCK
    result = simulate(dprk, runs=runs, horizon=36, seed=21)
    setup = prepare(dprk)
    prior = np.concatenate(
        [draw_block(setup, 21, b, BLOCK).params.reliable_prior for b in range(8)]
    )
    m = prior.mean()
    # Var(E[type | data]) <= Var(type) = m (1 - m): a bound on the posterior mean's spread.
    bound = 4 * np.sqrt(m * (1 - m) / runs)
    curves = result.curves.mean_belief_reliable
    assert curves["JPN"][-1] == pytest.approx(m, abs=bound)
    for member in ("USA", "KOR"):
        assert curves[member][-1] == pytest.approx(m, abs=bound)
        assert curves[member][-1] != pytest.approx(m, abs=1e-9)  # beliefs did move


def test_a_reliable_target_delivers_more_often(dprk: Scenario) -> None:
    # A scenario with a sure reliable type delivers the deal far more often than a sure opportunist.
    def with_prior(p: float) -> Scenario:
        return dprk.model_copy(
            update={"target": dprk.target.model_copy(update={"reliable_prior": p})}
        )

    reliable = simulate(with_prior(1.0), runs=BLOCK, horizon=36, seed=2).metrics
    opportunist = simulate(with_prior(0.0), runs=BLOCK, horizon=36, seed=2).metrics
    assert reliable.p_deal_delivers is not None
    assert opportunist.p_deal_delivers is not None
    assert reliable.p_deal_delivers.low > opportunist.p_deal_delivers.high
    assert (
        reliable.p_snap_back["stockholm-2014"].mean < opportunist.p_snap_back["stockholm-2014"].mean
    )


def test_bad_sizes_are_input_errors(dprk: Scenario) -> None:
    for kwargs in (
        {"runs": 0},
        {"horizon": 0},
        {"horizon": 601},
        {"chunk_size": 1000},
        {"seed": -1},
    ):
        with pytest.raises(InputError):
            simulate(dprk, **kwargs)  # type: ignore[arg-type]


# ---------------------------------------------------------------- the command line


def test_cli_json_is_identical_across_chunk_sizes(tmp_path: Path) -> None:
    common = ("simulate", "dprk-2014", "--runs", "2100", "--horizon", "6", "--seed", "5", "--json")
    a = sanctionsim(*common, "--chunk-size", "1024", cwd=tmp_path)
    b = sanctionsim(*common, "--chunk-size", "3072", "--out", "o", cwd=tmp_path)
    assert a.returncode == 0, a.stderr
    assert b.returncode == 0, b.stderr
    assert a.stdout == b.stdout
    assert a.stderr == ""  # no progress bar when stderr is not a terminal
    document = json.loads(a.stdout)
    assert {"scenario", "runs", "horizon", "seed", "metrics", "curves"} <= set(document)
    assert set(document["metrics"]["p_member_eases"]) == {"USA", "JPN", "KOR"}
    assert json.loads((tmp_path / "o" / "forecast.json").read_text()) == document
    assert not [p for p in (tmp_path / "o" / "runs").iterdir() if p.name.startswith(".")]


@pytest.mark.parametrize(
    ("flags", "fragment"),
    [
        (("--runs", "0"), "--runs"),
        (("--horizon", "601"), "--horizon"),
        (("--horizon", "0"), "--horizon"),
        (("--chunk-size", "1500"), "--chunk-size"),
        (("--seed", "-3"), "--seed"),
    ],
)
def test_cli_bad_flags_exit_2(tmp_path: Path, flags: tuple[str, str], fragment: str) -> None:
    result = sanctionsim("simulate", "dprk-2014", *flags, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(f"error: {fragment}")
    assert "Traceback" not in result.stderr


def test_cli_bad_scenario_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("schema_version: 1\nid: x\n", encoding="utf-8")
    result = sanctionsim("simulate", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert all(line.startswith("error: ") for line in result.stderr.splitlines())


def test_result_record_and_frame(dprk: Scenario) -> None:
    result = simulate(dprk, runs=BLOCK, horizon=5, seed=1, chunk_size=2 * BLOCK)
    assert result.chunk_size == 2 * BLOCK
    assert "chunk_size" not in result.to_dict()  # JSON is the same for every chunk size
    assert result.timings.simulate_seconds > 0
    frame = result.curves.to_frame()
    assert list(frame.columns) == ["month", "curve", "key", "value"]
    eased = frame[(frame["curve"] == "p_eased_by") & (frame["key"] == "JPN")]
    assert eased["value"].tolist() == result.curves.p_eased_by["JPN"]
    assert sorted(frame["month"].unique()) == [1, 2, 3, 4, 5]
    headline = result.to_frame()  # the headline: one row per metric and key
    concedes = headline[headline["metric"] == "p_target_concedes"].iloc[0]
    assert concedes["mean"] == result.metrics.p_target_concedes.mean
    assert (concedes["mc_low"], concedes["mc_high"]) == (
        result.metrics.p_target_concedes.low,
        result.metrics.p_target_concedes.high,
    )


def test_stochastic_classic_strategies_obey_the_block_streams(dprk: Scenario) -> None:
    # GTFT and Random draw through the engine's block-wise uniforms, so chunking changes nothing.
    strategies = {"USA": "GTFT", "JPN": "TitForTat", "KOR": "Random"}
    actors = [
        a.model_copy(update={"strategy": strategies[a.id]}) if a.id in strategies else a
        for a in dprk.actors
    ]
    mixed = dprk.model_copy(update={"actors": actors})
    texts = {
        chunk: dumps(simulate(mixed, runs=2 * BLOCK + 100, horizon=10, seed=6, chunk_size=chunk))
        for chunk in (BLOCK, 3 * BLOCK)
    }
    assert len(set(texts.values())) == 1
    first_month = json.loads(texts[BLOCK])["curves"]["p_eased_by"]["KOR"][0]
    assert 0.45 < first_month < 0.55  # Random eases in half the runs (2,148 runs: s.e. 0.011)


@pytest.mark.parametrize("model", ["v1", "v2l"])
def test_each_run_records_the_month_its_episode_ended(model: str) -> None:
    """``ended_month`` is a concession's month where the target conceded, another end's month
    where v2's other ends fell (none in v1), and the month from which no member's chance grows
    (protocol rule 2: after any end no member eases; amendment 4 of docs/model-v2.md reads it)."""
    from sanctionsim.dynamics.calibration import load_calibration
    from sanctionsim.dynamics.engine import run_outcomes

    scenario = load_scenario("fiji-1987")
    fitted = None if model == "v1" else load_calibration(model=model)
    outcomes = run_outcomes(
        scenario,
        runs=512,
        horizon=48,
        seed=3,
        model=model,
        choice=None if fitted is None else fitted.fitted,
        omega=None if fitted is None else fitted.omega,
    )
    ended, conceded = outcomes.ended_month, outcomes.conceded_month
    assert ended is not None
    assert np.array_equal(ended[conceded > 0], conceded[conceded > 0])
    otherwise = (ended > 0) & (conceded == 0)
    if model == "v1":
        assert not otherwise.any()
        return
    assert otherwise.sum() > 10  # TIES's other ends fall in some runs over four years
    chance = outcomes.eased_chance
    assert chance is not None
    for run in np.flatnonzero(ended > 0):
        after = chance[run, ended[run] - 1 :]
        assert np.array_equal(after, np.broadcast_to(after[0], after.shape)), run
    in_force = np.flatnonzero(ended == 0)
    assert (chance[in_force, -1] > chance[in_force, 0]).any()
