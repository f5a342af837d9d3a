"""``check``'s warnings, the migration of every frozen v1 file, and ``show``'s level-0 status."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from sanctionsim.errors import ScenarioError
from sanctionsim.scenario.checks import scenario_warnings
from sanctionsim.scenario.loader import load_text
from sanctionsim.scenario.migrate import migrate_text
from sanctionsim.scenario.reading import fields_read, reads
from sanctionsim.scenario.views import measure_status
from sanctionsim.versions import DEFAULT

CORPUS = Path(__file__).parent / "corpus_v1"
MINIMAL = (Path(__file__).resolve().parents[2] / "examples" / "minimal-scenario.yaml").read_text(
    encoding="utf-8"
)
OUTCOME = """
recorded_outcome:
  end: 2022-01-15
  ended_by: ongoing
  target_conceded: false
  coalition_held: true
"""


def warnings_of(text: str) -> dict[str, str]:
    return {
        ".".join(map(str, path)): message for path, message in scenario_warnings(load_text(text))
    }


def test_a_horizon_that_differs_from_the_recorded_span_is_warned() -> None:
    assert "horizon_months" in warnings_of(MINIMAL + OUTCOME)  # 24 months vs a span of 25
    fitting = MINIMAL.replace("horizon_months: 24", "horizon_months: 25") + OUTCOME
    assert "horizon_months" not in warnings_of(fitting)
    assert "horizon_months" not in warnings_of(MINIMAL)  # no record, nothing to compare


def test_members_that_hold_nothing_on_start_are_warned() -> None:
    later = MINIMAL.replace("imposed: 2019-09-01", "imposed: 2020-03-01")
    message = warnings_of(later)["actors.1.id"]
    assert "every measure of MEMB starts after start" in message
    assert "2020-03-01" in message
    suspended = MINIMAL.replace(
        "      - {date: 2020-06-01, level: 0.5", "      - {date: 2019-12-01, level: 0.0"
    )
    assert "no measure of its own in force" in warnings_of(suspended)["actors.1.id"]
    assert "actors.1.id" not in warnings_of(MINIMAL)


def test_a_web_citation_without_url_or_page_is_warned() -> None:
    web = MINIMAL.replace('"Invented for the documentation"', '"Example News website, 2019"')
    assert "looks like a web page" in warnings_of(web)["sources.0.citation"]
    with_url = web.replace("confidence: L}", "confidence: L, url: 'https://example.org'}")
    assert "sources.0.citation" not in warnings_of(with_url)
    printed = MINIMAL.replace('"Invented for the documentation"', '"A printed book (2019)"')
    assert "sources.0.citation" not in warnings_of(printed)


def test_an_unread_field_is_warned_only_when_it_changes_something() -> None:
    v2 = MINIMAL.replace("schema_version: 1", "schema_version: 2")
    channel = v2.replace("    kind: finance\n", "    kind: finance\n    channel: supply\n")
    assert f"model {DEFAULT} does not read" in warnings_of(channel)["measures.0.channel"]
    default = v2.replace("    kind: finance\n", "    kind: finance\n    channel: revenue\n")
    assert "measures.0.channel" not in warnings_of(default)


def test_the_registry_answers_per_model_version() -> None:
    assert reads("v1", "target.resolve")
    assert not reads("v1", "settlements")
    assert not reads("v1", "side_deals[].stages[].due")
    assert "measures[].pressure" in fields_read("v1")
    with pytest.raises(ValueError, match="unknown model version"):
        scenario_warnings(load_text(MINIMAL), model="v9")


@pytest.mark.parametrize("path", sorted(CORPUS.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_frozen_file_migrates_to_the_same_scenario_with_comments_kept(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    result = migrate_text(text, path.name)
    assert result.changes
    assert (result.old_version, result.new_version) == (1, 2)
    changed = [
        (old, new)
        for old, new in zip(text.splitlines(), result.text.splitlines(), strict=True)
        if old != new
    ]
    assert changed == [("schema_version: 1", "schema_version: 2")]
    before, after = load_text(text), load_text(result.text)
    assert after == before.model_copy(update={"schema_version": 2})
    assert migrate_text(result.text).current


def test_migrate_refuses_what_it_cannot_upgrade() -> None:
    with pytest.raises(ScenarioError, match="newer than this sanctionsim"):
        migrate_text("schema_version: 7\n")
    with pytest.raises(ScenarioError, match="no top-level schema_version"):
        migrate_text("id: x\n")


def test_show_never_calls_a_measure_at_level_0_in_force() -> None:
    text = MINIMAL.replace("    imposed: 2019-06-01\n", "    imposed: 2019-06-01\n    level: 0.0\n")
    measure = load_text(text).measure("lead-finance")
    status = measure_status(measure, dt.date(2020, 1, 1))
    assert status is not None
    assert (status.level, status.status) == (0.0, "suspended")
