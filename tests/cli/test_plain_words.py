"""The command line in plain words (issue 15, item 7): real processes of the CLI."""

from __future__ import annotations

import json
import re
from pathlib import Path

from support import run_sanctionsim as sanctionsim

ROOT = Path(__file__).resolve().parents[2]


def _flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def test_analyze_opens_each_member_with_a_plain_sentence_and_ends_with_a_legend() -> None:
    result = sanctionsim("analyze", "dprk-2014")
    assert result.returncode == 0, result.stderr
    text = _flat(result.stdout)
    assert (
        "Japan (JPN, member): Japan's best move is to ease whatever the others do; holding "
        "would need a payment of at least 2.25 U a month, about $22 m" in text
    )
    assert "United States (USA, leader): United States' best move" in text
    # each member's sentence comes before the shorthand table, the legend after it
    assert text.index("South Korea (KOR, member):") < text.index("gap T-R")
    assert text.index("Legend.") > text.index("Pure equilibria")
    assert "delta*: the least patience" in text


def test_analyze_json_keeps_the_shorthand() -> None:
    result = sanctionsim("analyze", "dprk-2014", "--json")
    document = json.loads(result.stdout)
    japan = document["members"]["JPN"]
    assert japan["game_code"] == "DlPd"
    assert {"incentive_gap", "critical_discount_factor", "martin_type"} <= set(japan)
    assert "best move" not in result.stdout


def test_show_prints_names_beside_ids() -> None:
    result = sanctionsim("show", "dprk-2014")
    assert result.returncode == 0, result.stderr
    text = _flat(result.stdout)
    assert "Actors: United States (USA, leader), Japan (JPN, member)" in text
    assert "Japan (JPN)" in text.split("Measures imposed")[1]
    assert "Man Gyong Bong 92 ferry banned" in text
    assert "(jpn-mgb92-port-ban)" in text
    assert "Lever relist-sst (side_payment, United States (USA) -> Japan (JPN), option)" in text


def test_help_cites_only_files_that_exist() -> None:
    for command in ("simulate", "experiment"):
        result = sanctionsim(command, "--help")
        assert result.returncode == 0
        unwrapped = re.sub(r"-\n\s+", "-", result.stdout)  # the help wraps after hyphens
        cited = re.findall(r"[\w./-]+\.md", unwrapped)
        assert cited, command  # it does point the reader somewhere
        for name in cited:
            assert (ROOT / name).is_file(), (command, name)


def _table(folder: Path, *policies: str, grid: dict[str, list[float]] | None = None) -> str:
    spec = {
        "scenarios": ["dprk-2014"],
        "policies": ["baseline", *policies],
        "runs": 1024,
        "horizon": 6,
        "seed": 0,
        "chunk_size": 1024,
        **({"grid": grid} if grid else {}),
    }
    path = folder / "spec.yaml"
    path.write_text(json.dumps(spec), encoding="utf-8")
    result = sanctionsim("experiment", str(path), "--out", "o", "--workers", "1", cwd=folder)
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_the_experiment_table_fits_80_columns_and_names_the_grid_point(tmp_path: Path) -> None:
    out = _table(tmp_path, "advance-consultation", grid={"target.resolve": [0.4, 0.7]})
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "grid point target.resolve = 0.4" in out
    assert "grid point target.resolve = 0.7" in out
    document = json.loads((tmp_path / "o" / "results.json").read_text(encoding="utf-8"))
    for row in document["rows"]:
        if row["policy"] == "baseline":
            low, high = row["ci95"]
            if row["metric"].startswith("p_"):
                assert f"{low:.1%} - {high:.1%}" in out  # numbers whole, never cut
            else:
                assert f"{row['mean']:.4f}" in out


def test_a_policy_that_changes_nothing_is_marked(tmp_path: Path) -> None:
    # snap-back is already in the Stockholm deal of dprk-2014: every paired difference is 0
    out = _table(tmp_path, "snap-back", "relist-sst")
    marked = [line for line in out.splitlines() if "no effect in this" in line]
    assert len(marked) == 1
    assert marked[0].split()[0] == "snap-back"
