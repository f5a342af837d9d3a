"""Policies as declarative scenario changes (MODEL.md §5)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from sanctionsim.coalition.parameters import central_parameters
from sanctionsim.errors import ScenarioError
from sanctionsim.experiments.policies import apply_policy, builtin_ids, builtin_policy, load_policy
from sanctionsim.game.coalition import analyze
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.schema import Scenario, SideDeal


@pytest.fixture(scope="module")
def dprk() -> Scenario:
    return load_scenario("dprk-2014")


def japan(scenario: Scenario) -> int:
    return central_parameters(scenario).member_ids.index("JPN")


def test_the_five_seed_proposals_are_built_in() -> None:
    assert builtin_ids() == [
        "advance-consultation",
        "codify-unsc",
        "relist-sst",
        "snap-back",
        "unilateral-only",
    ]


def test_relisting_pays_japan_and_adds_pressure(dprk: Scenario) -> None:
    after = apply_policy(dprk, builtin_policy("relist-sst"))
    before_p, after_p = central_parameters(dprk), central_parameters(after)
    j = japan(dprk)
    assert after_p.side_payment[0, j] == pytest.approx(0.5)  # the lever's central amount
    assert before_p.side_payment[0, j] == 0.0
    assert after_p.fixed_pressure[0] + after_p.held_pressure[0].sum() > (
        before_p.fixed_pressure[0] + before_p.held_pressure[0].sum()
    )
    gap_before = analyze(dprk).members[j].incentive_gap
    assert analyze(after).members[j].incentive_gap == pytest.approx(gap_before - 0.5, abs=1e-3)
    assert not next(lv for lv in dprk.levers if lv.id == "relist-sst").in_force


def test_consultation_raises_japans_detection(dprk: Scenario) -> None:
    after = central_parameters(apply_policy(dprk, builtin_policy("advance-consultation")))
    assert after.detection[0, japan(dprk)] == pytest.approx(0.97)
    assert central_parameters(dprk).detection[0, japan(dprk)] == pytest.approx(0.85)


def _deal(scenario: Scenario, deal_id: str) -> SideDeal:
    """A side deal read by its id, never by its position in the file."""
    return next(d for d in scenario.side_deals if d.id == deal_id)


def test_codifying_makes_easing_breach_a_resolution(dprk: Scenario) -> None:
    after = apply_policy(dprk, builtin_policy("codify-unsc"))
    assert after.measure("jpn-import-ban").legal_basis.startswith("unsc:")
    assert _deal(after, "stockholm-2014").scope == "any"
    params = central_parameters(after)
    assert params.un_level_eased[japan(dprk)] == pytest.approx(2.0)
    assert analyze(after).members[japan(dprk)].incentive_gap < 0  # now Japan holds


def test_unilateral_only_drops_un_based_easings() -> None:
    scenario = load_scenario("dprk-2014")
    codified = apply_policy(scenario, builtin_policy("codify-unsc"))
    restricted = apply_policy(codified, builtin_policy("unilateral-only"))
    stages = _deal(restricted, "stockholm-2014").stages
    eased = {e.measure for s in stages for e in s.member_eases}
    assert "jpn-import-ban" not in eased
    assert "jpn-entry-ban" in eased


def test_snap_back_sets_every_deal(dprk: Scenario) -> None:
    after = apply_policy(dprk, builtin_policy("snap-back"))
    assert all(d.snap_back.on_renege for d in after.side_deals)


def test_policy_needing_a_missing_lever_fails_with_its_location() -> None:
    argentina = load_scenario("argentina-1982")
    with pytest.raises(
        ScenarioError, match=r"relist-sst: changes\[0\]\.activate_levers: .*no lever"
    ):
        apply_policy(argentina, builtin_policy("relist-sst"))


def test_policy_files_are_validated_with_located_errors(tmp_path: Path) -> None:
    good = tmp_path / "pay.yaml"
    good.write_text(
        "id: pay-japan\ndescription: pay\nchanges:\n"
        "  - {change: activate_levers, ids: [relist-sst]}\n",
        encoding="utf-8",
    )
    policy = load_policy(good)
    assert policy.id == "pay-japan"
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\ndescription: x\nchanges:\n  - {change: activate_levers, idz: [a]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError) as caught:
        load_policy(bad)
    assert any(p.line == 4 and "unknown key 'idz'" in p.message for p in caught.value.problems)
    with pytest.raises(ScenarioError, match="unknown policy"):
        load_policy("make-peace")
    late = tmp_path / "late.yaml"
    late.write_text(
        "id: late\ndescription: x\neffective: 2015-01-01\nchanges:\n"
        "  - {change: activate_levers, kind: monitoring}\n",
        encoding="utf-8",
    )
    with pytest.raises(ScenarioError, match="after the scenario's start"):
        apply_policy(load_scenario("dprk-2014"), load_policy(late))


def test_analyze_accepts_policies_and_rejects_bad_ones() -> None:
    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "sanctionsim", "analyze", "dprk-2014", *args],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    ok = run("--policy", "codify-unsc", "--json")
    assert ok.returncode == 0, ok.stderr
    assert '"dprk-2014.codify-unsc"' in ok.stdout
    bad = run("--policy", "make-peace")
    assert bad.returncode == 2
    assert bad.stderr.startswith("error: make-peace: unknown policy")


def test_the_policy_example_in_the_cli_docs_applies(repo_root: Path, tmp_path: Path) -> None:
    text = (repo_root / "docs" / "cli.md").read_text(encoding="utf-8")
    example = text.split("```yaml\n", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.yaml"
    path.write_text(example, encoding="utf-8")
    changed = apply_policy(load_scenario("dprk-2014"), load_policy(path))
    assert changed.measure("new-ban").imposer == "USA"
    assert changed.measure("kor-may24-measures").lifted is not None
    assert changed.measure("jpn-import-ban").legal_basis == "unsc:2094"
