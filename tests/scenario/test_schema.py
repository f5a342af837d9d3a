"""The schema's own rules: distributions, estimates, the exported JSON Schema."""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import jsonschema
import numpy as np
import pytest
from pydantic import TypeAdapter, ValidationError

from sanctionsim.scenario.distributions import Distribution
from sanctionsim.scenario.library import case_ids, case_path
from sanctionsim.scenario.schema import Estimate, Measure, json_schema
from sanctionsim.scenario.yaml_source import parse_yaml

DISTRIBUTIONS: list[dict[str, Any]] = [
    {"dist": "normal", "mean": 0.5, "sd": 0.2, "low": 0.0, "high": 1.0},
    {"dist": "lognormal", "median": 3.0, "sigma": 0.5, "high": 10.0},
    {"dist": "beta", "alpha": 2.0, "beta": 5.0, "low": 1.0, "high": 3.0},
    {"dist": "triangular", "low": 0.1, "mode": 0.2, "high": 0.6},
    {"dist": "uniform", "low": -1.0, "high": 1.0},
]
adapter: TypeAdapter[Any] = TypeAdapter(Distribution)


@pytest.mark.parametrize("spec", DISTRIBUTIONS, ids=lambda s: s["dist"])
def test_draws_stay_in_bounds_and_repeat_with_the_seed(spec: dict[str, Any]) -> None:
    dist = adapter.validate_python(spec)
    low, high = dist.bounds()
    first = dist.sample(np.random.default_rng(7), 20_000)
    again = dist.sample(np.random.default_rng(7), 20_000)
    assert np.array_equal(first, again)
    assert first.min() >= low
    assert first.max() <= high
    assert low <= dist.central() <= high


def test_sample_moments_match_the_parameters() -> None:
    rng = np.random.default_rng(1)
    tri = adapter.validate_python({"dist": "triangular", "low": 0.0, "mode": 0.3, "high": 1.0})
    assert abs(tri.sample(rng, 200_000).mean() - (0.0 + 0.3 + 1.0) / 3) < 0.005
    beta = adapter.validate_python({"dist": "beta", "alpha": 2.0, "beta": 6.0})
    assert abs(beta.sample(rng, 200_000).mean() - 0.25) < 0.005
    logn = adapter.validate_python({"dist": "lognormal", "median": 2.0, "sigma": 0.4})
    assert abs(np.median(logn.sample(rng, 200_000)) - 2.0) < 0.02


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ({"dist": "normal", "mean": 0.0, "sd": 1.0, "low": 9.0, "high": 10.0}, "keep only"),
        ({"dist": "normal", "mean": 0.0, "sd": 0.0}, "greater than 0"),
        ({"dist": "triangular", "low": 1.0, "mode": 0.5, "high": 2.0}, "low <= mode"),
        ({"dist": "uniform", "low": 1.0, "high": 1.0}, "must be below"),
        ({"dist": "beta", "alpha": -1.0, "beta": 1.0}, "greater than 0"),
        ({"dist": "gamma", "shape": 1.0}, "does not match"),
    ],
)
def test_invalid_distributions_are_refused(spec: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        adapter.validate_python(spec)


def test_estimate_rules() -> None:
    assert Estimate(value=2.0).central() == 2.0
    spread = {"dist": "uniform", "low": 0.0, "high": 4.0}
    assert Estimate.model_validate({"distribution": spread}).central() == 2.0
    with pytest.raises(ValidationError, match="give a value"):
        Estimate()
    with pytest.raises(ValidationError, match="must carry a distribution"):
        Estimate(value=1.0, analyst_estimate=True)
    with pytest.raises(ValidationError, match="outside"):
        Estimate.model_validate({"value": 5.0, "distribution": spread})


def test_measure_levels_follow_dated_changes() -> None:
    measure = Measure.model_validate(
        {
            "id": "m",
            "name": "m",
            "imposer": "A",
            "kind": "trade",
            "legal_basis": "unilateral",
            "imposed": dt.date(2010, 1, 1),
            "lifted": dt.date(2012, 1, 1),
            "pressure": 0.1,
            "changes": [{"date": dt.date(2011, 1, 1), "level": 0.25}],
        }
    )
    assert measure.level_on(dt.date(2009, 12, 31)) == 0.0
    assert measure.level_on(dt.date(2010, 1, 1)) == 1.0
    assert measure.level_on(dt.date(2011, 1, 1)) == 0.25
    assert measure.level_on(dt.date(2012, 1, 1)) == 0.0


def test_strict_types_refuse_numbers_in_strings() -> None:
    with pytest.raises(ValidationError):
        Estimate.model_validate({"value": "0.5"})


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@pytest.mark.parametrize("case_id", case_ids())
def test_exported_json_schema_accepts_the_built_in_cases(case_id: str) -> None:
    path = case_path(case_id)
    assert path is not None
    data = _jsonable(parse_yaml(path.read_text(encoding="utf-8"), str(path)).data)
    schema = json_schema()
    json.dumps(schema)  # serialisable as is
    jsonschema.Draft202012Validator(schema).validate(data)
    broken = dict(data, horizon_months="long")
    assert not jsonschema.Draft202012Validator(schema).is_valid(broken)
    assert math.isfinite(len(schema["$defs"]))


def test_strategy_names_in_the_schema_are_what_the_engine_plays() -> None:
    from typing import get_args

    from sanctionsim.dynamics.rules import RULES_BY_MODEL, strategy_names
    from sanctionsim.scenario.reading import MODEL_VERSIONS
    from sanctionsim.scenario.schema import StrategyName

    assert tuple(RULES_BY_MODEL) == MODEL_VERSIONS  # every model version has its rule set
    for model in MODEL_VERSIONS:
        assert set(get_args(StrategyName)) == set(strategy_names(model))
