"""Model v2's sensitivity to its fixed values (docs/model-v2.md: reported, never chosen by score).

The design note fixes ω = 1/12 (the monthly chance that a member reviews its measures outside
renewal dates) and γ_UN = 0.5 (the commitment weight of a Security Council basis), and asks for
ω ∈ {1/6, 1/24} and γ_UN ∈ {0, 1} as sensitivity. The mechanisms' design notes ask for theirs:
``v2-elite``'s elite factor φ_E = 2 with 1 and 4, ``v2-escalation``'s hardening φ = 0.5 with 0.25
and 1. Each variant is scored by ``history`` on the built-in library at the shipped calibration's
fold parameters (λ and α are *not* refitted: the question is how much the forecast leans on the
fixed value, not which value scores best).

Run: ``python examples/v2_sensitivity.py [--model v2|v2-elite|v2-escalation] [--runs 2048]
[--out FILE.json]``; prints one line per variant (headline Brier, best reference, difference with
its 95% interval) and writes the figures as JSON.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sanctionsim.coalition import commitment
from sanctionsim.dynamics import escalation, leadership
from sanctionsim.dynamics.calibration import Calibration, load_calibration
from sanctionsim.history.assemble import evaluate
from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario


@contextmanager
def un_weight(value: float) -> Iterator[None]:
    """γ_UN set to ``value`` while the block runs (the design's fixed value restored after)."""
    fixed = commitment.BASIS_WEIGHT["unsc"]
    commitment.BASIS_WEIGHT["unsc"] = value
    try:
        yield
    finally:
        commitment.BASIS_WEIGHT["unsc"] = fixed


@contextmanager
def fixed_value(module: Any, name: str, value: float) -> Iterator[None]:
    """A mechanism's fixed value (a module constant read at run time) set to ``value`` while the
    block runs; the design's value restored after."""
    fixed = getattr(module, name)
    setattr(module, name, value)
    try:
        yield
    finally:
        setattr(module, name, fixed)


MECHANISM_VARIANTS: dict[str, tuple[Any, str, str, tuple[float, ...]]] = {
    "v2-elite": (leadership, "ELITE_FACTOR", "phi_E", (1.0, 4.0)),
    "v2-escalation": (escalation, "HARDENING", "phi", (0.25, 1.0)),
}
"""Per mechanism version: the module, its constant, the design's symbol and the values to report."""


def score(calibration: Calibration, runs: int, model: str) -> dict[str, Any]:
    """The library's headline under ``calibration``'s folds, beside the best reference."""
    scenarios = [load_scenario(case) for case in case_ids()]
    document = evaluate(scenarios, runs=runs, model=model, calibration=calibration).to_dict()
    skill, model_scores = document["skill"]["vs_best"], document["model"]
    return {
        "headline": model_scores["brier"],
        "log_score": model_scores["log_score"],
        "best_reference": document["best_reference"],
        "best_reference_brier": document["references"][document["best_reference"]]["brier"],
        "difference": skill["difference"],
        "ci95": skill["ci95"],
        "easing_auc": model_scores["auc_easing"],
        "calibration_slope": model_scores["calibration"]["slope"],
    }


def _v2_variants(shipped: Calibration, runs: int, model: str) -> dict[str, Any]:
    """ω ∈ {1/6, 1/24} and γ_UN ∈ {0, 1}, each scored at ``shipped``'s folds."""
    results: dict[str, Any] = {}
    for omega in (1 / 6, 1 / 24):
        variant = dataclasses.replace(shipped, omega=omega, source=f"omega={omega:.4f}")
        results[f"omega=1/{round(1 / omega)}"] = score(variant, runs, model)
    for gamma in (0.0, 1.0):
        with un_weight(gamma):
            results[f"gamma_UN={gamma:g}"] = score(shipped, runs, model)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default="v2")
    parser.add_argument("--runs", type=int, default=2048)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    shipped = load_calibration(model=args.model)
    results: dict[str, Any] = {}
    if args.model in MECHANISM_VARIANTS:
        module, name, symbol, values = MECHANISM_VARIANTS[args.model]
        for value in values:
            with fixed_value(module, name, value):
                results[f"{symbol}={value:g}"] = score(shipped, args.runs, args.model)
    else:
        results.update(_v2_variants(shipped, args.runs, args.model))
    for name, figures in results.items():
        low, high = figures["ci95"]
        print(
            f"{args.model} {name}: headline {figures['headline']:.4f} vs "
            f"{figures['best_reference']} {figures['best_reference_brier']:.4f}; "
            f"difference {figures['difference']:+.4f} ({low:+.4f} to {high:+.4f})"
        )
    if args.out:
        with open(args.out, "w", encoding="utf-8") as handle:
            json.dump(results, handle, indent=2)


if __name__ == "__main__":
    main()
