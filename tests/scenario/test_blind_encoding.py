"""Cases added to the library are encoded blind, checkably (issue 14; docs/cases.md).

Each new case lands in two commits: first everything the forecast reads (no timeline, no
recorded outcome), then, later, the timeline, the recorded outcome and any measure or change
dated after the start. This test reads the git history of each case file: the first version must
have no ``recorded_outcome`` and an empty ``timeline``, and what the forecast reads (the scenario
as of its start) must be the same in the first version and in the version that first added the
record. The ten cases encoded before the rule are exempt.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from sanctionsim.scenario.library import case_ids, case_path
from sanctionsim.scenario.loader import load_text
from support import HOLDOUT_DIR, case_label, every_case, sealed_files

try:  # the engine's house moves the as-of view into scenario/ (issue 12)
    from sanctionsim.scenario.views import as_of
except ImportError:  # pragma: no cover
    from sanctionsim.dynamics.engine import as_of  # type: ignore[no-redef,attr-defined]

ROOT = Path(__file__).resolve().parents[2]
BEFORE_THE_RULE = {
    "argentina-1982",
    "cuba-1960",
    "dprk-2006",
    "dprk-2014",
    "iran-2006",
    "iraq-1990",
    "libya-1992",
    "rhodesia-1965",
    "russia-2014",
    "yugoslavia-1992",
}
NEW_CASES = [c for c in every_case() if c not in BEFORE_THE_RULE]


def _git(*args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
    ).stdout


def _history_available() -> bool:
    if not (ROOT / ".git").exists():
        return False
    return _git("rev-parse", "--is-shallow-repository").strip() == "false"


def forecast_read(text: str, name: str) -> dict[str, Any]:
    """What the forecast may read: the scenario as of its start (later measures, changes and
    events dropped, as the engine drops them), without its record and its list of sources (the
    record's commit adds sources for itself; fields keep their source ids)."""
    scenario = load_text(text, name)
    view = as_of(scenario, scenario.start)
    blind = view.model_copy(update={"timeline": [], "recorded_outcome": None})
    data: dict[str, Any] = json.loads(blind.model_dump_json())
    cited = {s.id: s for s in scenario.sources}
    data["sources"] = sorted(
        json.dumps(cited[i].model_dump(mode="json"), sort_keys=True)
        for i in cited
        if f'"{i}"' in json.dumps({k: v for k, v in data.items() if k != "sources"})
    )
    return data


def test_the_exempt_cases_are_the_ten_encoded_before_the_rule() -> None:
    assert set(case_ids()) >= BEFORE_THE_RULE


@pytest.mark.parametrize("case_id", NEW_CASES or ["(no new case yet)"], ids=case_label)
def test_a_new_case_was_encoded_blind_in_two_commits(case_id: str) -> None:
    if not NEW_CASES:
        pytest.skip("no case has been added since the rule")
    if not _history_available():
        pytest.skip("no full git history here (not a checkout, or a shallow clone)")
    path = (case_path(case_id) or Path(case_id)).relative_to(ROOT)
    versions = file_versions(path)
    assert versions, f"{path} is not committed"
    (first_commit, first_path), *later = versions
    first = _git("show", f"{first_commit}:{first_path}")
    first_scenario = load_text(first, f"{first_path}@{first_commit[:7]}")
    assert first_scenario.recorded_outcome is None, "the first commit must hold no record"
    assert first_scenario.timeline == [], "the first commit must hold no timeline"
    with_record = None
    for commit, where in later:
        text = _git("show", f"{commit}:{where}")
        if load_text(text, f"{where}@{commit[:7]}").recorded_outcome is not None:
            with_record = (commit, where, text)
            break
    assert with_record is not None, "the record must come in a later commit"
    commit, where, text = with_record
    assert forecast_read(text, f"{where}@{commit[:7]}") == forecast_read(
        first, f"{first_path}@{first_commit[:7]}"
    ), "the record's commit changed what the forecast reads"


def file_versions(path: Path) -> list[tuple[str, str]]:
    """Each commit that changed ``path``, oldest first, with the file's path in that commit:
    renames followed, so a holdout case moved into the library keeps its two blind commits."""
    lines = _git("log", "--follow", "--format=%H", "--name-only", "--", str(path)).split()
    return list(zip(lines[0::2], lines[1::2], strict=True))[::-1]


@pytest.mark.skipif(not _history_available(), reason="no full git history here")
def test_a_moved_case_is_followed_to_its_first_commit() -> None:
    """zimbabwe-2000 was encoded blind in holdout/ and moved into the library unchanged."""
    versions = file_versions(Path("src/sanctionsim/scenario/cases/zimbabwe-2000.yaml"))
    assert versions[0][1] == "holdout/zimbabwe-2000.yaml"
    assert versions[-1][1] == "src/sanctionsim/scenario/cases/zimbabwe-2000.yaml"
    assert len(versions) >= 3  # the two blind commits, then the move


def test_the_holdout_is_sealed_outside_the_library() -> None:
    """The holdout's cases are not built-in cases: `history` and the references never read them
    until they are moved into the library (holdout/README.md)."""
    sealed = {path.stem for path in sealed_files()}
    assert (HOLDOUT_DIR / "README.md").exists()
    assert not sealed & set(case_ids())
