"""The coalition game derived from a scenario and its per-member analysis."""

from __future__ import annotations

import dataclasses
import io
import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from sanctionsim.coalition.parameters import central_parameters
from sanctionsim.coalition.payoffs import payoff_tensor
from sanctionsim.game.coalition import (
    CoalitionAnalysis,
    analyze,
    coalition_game,
    member_vs_rest,
)
from sanctionsim.game.nfg import parse_nfg, write_nfg
from sanctionsim.game.stabilise import apply_side_payments, is_all_hold_equilibrium
from sanctionsim.game.stage import incentive_gap
from sanctionsim.game.topology import ordinal_form
from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario


def deviation_gap(tensor: np.ndarray, member: int) -> float:
    """T - R of a member against the rest (the one incentive-gap function)."""
    return incentive_gap(member_vs_rest(tensor, member))


@pytest.fixture(scope="module", params=[*case_ids(), "examples/minimal-scenario.yaml"])
def analysis(request: pytest.FixtureRequest) -> tuple[str, CoalitionAnalysis]:
    return request.param, analyze(load_scenario(request.param))


def test_member_vs_rest_reads_the_full_game() -> None:
    params = central_parameters(load_scenario("dprk-2014"))
    tensor = payoff_tensor(params)
    japan = params.member_ids.index("JPN")
    game = member_vs_rest(tensor, japan)
    assert game[0, 0, 0] == tensor[0, 0, 0, japan]  # all hold
    assert game[1, 0, 0] == tensor[0, 1, 0, japan]  # Japan eases alone
    assert game[1, 1, 0] == tensor[1, 1, 1, japan]  # all ease
    assert game[0, 1, 1] == pytest.approx(tensor[1, 0, 1].sum() - tensor[1, 0, 1, japan])


def test_the_minimum_side_payment_is_exactly_what_stabilises(
    analysis: tuple[str, CoalitionAnalysis],
) -> None:
    reference, result = analysis
    tensor = payoff_tensor(central_parameters(load_scenario(reference)))
    for index, member in enumerate(result.members):
        payments = np.zeros(tensor.shape[-1])
        payments[index] = member.min_side_payment
        paid = apply_side_payments(tensor, payments)
        assert deviation_gap(paid, index) <= 1e-12
        if member.min_side_payment > 0:
            payments[index] = member.min_side_payment * (1 - 1e-6)
            assert deviation_gap(apply_side_payments(tensor, payments), index) > 0
    everyone = np.array([m.min_side_payment for m in result.members])
    assert is_all_hold_equilibrium(apply_side_payments(tensor, everyone), tol=1e-12)


def test_the_side_payment_through_the_model_matches_the_game_algebra() -> None:
    scenario = load_scenario("dprk-2014")
    params = central_parameters(scenario)
    japan = params.member_ids.index("JPN")
    need = analyze(scenario).members[japan].min_side_payment
    for scale, stable in ((1.0 + 1e-9, True), (0.999, False)):
        paid = dataclasses.replace(
            params, side_payment=params.side_payment + np.eye(3)[japan] * need * scale
        )
        assert (deviation_gap(payoff_tensor(paid), japan) <= 0) is stable


def test_game_type_agrees_with_the_ordinal_payoffs(analysis: tuple[str, CoalitionAnalysis]) -> None:
    _, result = analysis
    for member in result.members:
        game = np.array(member.member_game)
        ranks = ordinal_form(game)[:, :, 0]
        t, r = ranks[1, 0], ranks[0, 0]
        if member.game_code is not None and "Prisoner's Dilemma" in member.game_type.split("–")[0]:
            assert t == 4
            assert r == 3
        if member.dominant_action == "ease":
            assert game[1, 0, 0] > game[0, 0, 0]
            assert game[1, 1, 0] > game[0, 1, 0]


def test_pure_equilibria_agree_with_pygambit_on_the_exported_game() -> None:
    import pygambit

    scenario = load_scenario("dprk-2014")
    game = coalition_game(scenario)
    text = write_nfg(game)
    assert parse_nfg(text).n_players == 3
    peer = pygambit.read_nfg(io.StringIO(text))
    solved = pygambit.nash.enumpure_solve(peer)
    # iterating a pygambit 17 profile gives, per player, (strategy, probability) pairs
    theirs = sorted(
        tuple(next(i for i, (_, p) in enumerate(mixed) if p == 1) for mixed in eq)
        for eq in solved.equilibria
    )
    ours = sorted(tuple(p) for p in game.pure_equilibria())
    assert ours == theirs
    named = analyze(scenario).pure_equilibria
    assert sorted(tuple(("hold", "ease").index(a) for a in p) for p in named) == ours


def test_analyze_json_contract() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "sanctionsim",
            "analyze",
            "dprk-2014",
            "--at",
            "2014-07-04",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["date"] == "2014-07-04"
    assert isinstance(document["pure_equilibria"], list)
    japan = document["members"]["JPN"]
    for key in ("game_type", "dominant_action", "min_side_payment", "critical_discount_factor"):
        assert key in japan
    assert japan["min_side_payment"] >= 0
    assert set(document["members"]) == {"USA", "JPN", "KOR"}


def test_analyze_bad_input_exits_2() -> None:
    for args in (
        ["atlantis"],
        ["dprk-2014", "--at", "soon"],
        ["dprk-2014", "--pressure-share", "2"],
    ):
        result = subprocess.run(
            [sys.executable, "-m", "sanctionsim", "analyze", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 2, (args, result.stderr)
        assert result.stderr.startswith("error: ")
        assert "Traceback" not in result.stderr


def test_game_export_writes_a_gambit_file_that_solves_to_the_same_equilibria(
    tmp_path: Path,
) -> None:
    from support import run_sanctionsim

    target = tmp_path / "dprk.nfg"
    exported = run_sanctionsim(
        "game", "export", "dprk-2014", "--at", "2014-07-04", "-o", str(target)
    )
    assert exported.returncode == 0, exported.stderr
    game = parse_nfg(target.read_text(encoding="utf-8"))
    derived = coalition_game(load_scenario("dprk-2014"))
    assert np.allclose(game.payoffs, derived.payoffs, rtol=0, atol=1e-12)
    assert game.players == ("USA", "JPN", "KOR")
    solved = run_sanctionsim("game", "solve", str(target), "--json")
    assert json.loads(solved.stdout)["pure"] == [list(p) for p in derived.pure_equilibria()]
    missing = run_sanctionsim("game", "export", "atlantis", "-o", str(tmp_path / "x.nfg"))
    assert missing.returncode == 2
    assert not (tmp_path / "x.nfg").exists()


def test_a_coalition_too_large_for_the_pareto_set_says_so_rather_than_running_for_hours() -> None:
    """Egypt 1979: eighteen members, 2^18 profiles. The Pareto set would take hours to compare
    pairwise, so it is reported as not computed (null); everything else is analysed."""
    from sanctionsim.game.coalition import MAX_PARETO_MEMBERS

    result = analyze(load_scenario("egypt-1979"))
    assert len(result.members) > MAX_PARETO_MEMBERS
    assert result.pareto_optimal is None
    document = result.to_dict()
    assert document["pareto_optimal"] is None
    assert len(document["members"]) == len(result.members)
    assert result.pure_equilibria  # the equilibria are still found (2^18 profiles, vectorised)
    small = analyze(load_scenario("italy-1935"))
    assert small.pareto_optimal is not None
    assert len(small.members) <= MAX_PARETO_MEMBERS
