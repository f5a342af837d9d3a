"""Score a forecaster against the references on the protocol's pairs (docs/cases.md, rules 4-6).

:func:`sanctionsim.history.assemble.evaluate` forecasts the cases to score (by the model, or
from a forecasts file) and lays every (event, horizon) pair of every case beside the four
references (:mod:`sanctionsim.history.references`); this module computes the scores:

* the **headline**: the Brier score averaged over a case's scored pairs, then over the cases of a
  cluster, then over clusters (an episode encoded twice weighs as one);
* the log score, the scores per event kind, the easing AUC and C-index, the reliability table,
  calibration-in-the-large and slope, sharpness and the Brier decomposition
  (:mod:`sanctionsim.history.scores`);
* **skill**: the headline minus each reference's, and minus the best reference re-chosen in
  every resample of a case-cluster bootstrap (:mod:`sanctionsim.history.bootstrap`).

The result is one frozen :class:`HistoryEvaluation`; :meth:`HistoryEvaluation.to_dict` is the
JSON contract of ``sanctionsim history --json`` (docs/cli.md), :meth:`HistoryEvaluation.rows` the
tidy table of ``--out``.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from concurrent.futures import Executor
from dataclasses import dataclass
from functools import cached_property, partial
from typing import Any

import numpy as np
import numpy.typing as npt

from sanctionsim.history.case_result import CaseResult
from sanctionsim.history.protocol import (
    EVENT_KINDS,
    JOINED_AFTER_RECORD,
    NOTHING_TO_EASE,
    PROTOCOL_VERSION,
)
from sanctionsim.history.references import REFERENCES
from sanctionsim.tables import Row, TidyRecord

BOOTSTRAP_RESAMPLES = 2000
BINS = 5
LOG_CLIP = 0.001
BOOTSTRAP_STREAM = 0xB007  # the bootstrap's child stream of --seed, apart from the engine's
FloatArray = npt.NDArray[np.float64]
Batch = Callable[[npt.NDArray[np.intp]], FloatArray]
NEVER_AT_RISK = (NOTHING_TO_EASE, JOINED_AFTER_RECORD)  # members the C-index leaves out


def _weighted_headline(per_case: Sequence[tuple[int, float]], n_clusters: int) -> FloatArray:
    """Per-cluster means of per-case values (NaN for a cluster without a scored case)."""
    sums, counts = np.zeros(n_clusters), np.zeros(n_clusters)
    for cluster, value in per_case:
        sums[cluster] += value
        counts[cluster] += 1
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)


@dataclass(frozen=True, repr=False)
class HistoryEvaluation(TidyRecord):
    """Every case's pairs and forecasts, and the scores of the forecaster and the references.

    ``to_frame()`` is :meth:`rows`, every pair of every case (the table of ``history --csv``).
    """

    cases: tuple[CaseResult, ...]
    forecaster: str
    model_version: str | None
    runs: int | None
    seed: int
    horizons: tuple[int, ...]
    resamples: int = BOOTSTRAP_RESAMPLES
    calibration_id: str | None = None
    protocol: int = PROTOCOL_VERSION

    # -- the clustered headline ---------------------------------------------------------------
    @property
    def scored_cases(self) -> tuple[CaseResult, ...]:
        """The cases with at least one scored pair."""
        return tuple(c for c in self.cases if c.n_scored)

    def _cluster_index(self) -> dict[int, int]:
        ids = sorted({c.cluster for c in self.scored_cases})
        return {cluster: i for i, cluster in enumerate(ids)}

    @property
    def n_clusters(self) -> int:
        """How many clusters the headline averages over."""
        return len(self._cluster_index())

    def cluster_scores(
        self, forecaster: str, score: Callable[[FloatArray, FloatArray], FloatArray], kind: str = ""
    ) -> FloatArray:
        """Per-cluster mean of per-case mean scores (NaN where a cluster has none of ``kind``)."""
        index = self._cluster_index()
        per_case = []
        for case in self.scored_cases:
            keep = [p.scored and (not kind or p.kind == kind) for p in case.pairs]
            values = case.forecast if forecaster == "model" else case.references[forecaster]
            chosen = [
                (float(v), float(p.recorded or 0))
                for v, p, k in zip(values, case.pairs, keep, strict=True)
                if k and v is not None
            ]
            if chosen:
                p, y = (np.array(col) for col in zip(*chosen, strict=True))
                per_case.append((index[case.cluster], float(score(p, y).mean())))
        return _weighted_headline(per_case, len(index))

    def headline(self, forecaster: str = "model", kind: str = "") -> float | None:
        """The clustered mean Brier score of ``forecaster`` (None when nothing is scored)."""
        from sanctionsim.history.scores import brier_scores

        values = self.cluster_scores(forecaster, brier_scores, kind)
        values = values[~np.isnan(values)]
        return float(values.mean()) if values.size else None

    def log_score(self, forecaster: str = "model") -> float | None:
        """The clustered mean log score (p clipped to [0.001, 0.999]; lower is better)."""
        from sanctionsim.history.scores import log_scores

        values = self.cluster_scores(forecaster, lambda p, y: log_scores(p, y, clip=LOG_CLIP))
        values = values[~np.isnan(values)]
        return float(values.mean()) if values.size else None

    # -- pooled pair-level statistics ---------------------------------------------------------
    @cached_property
    def _pooled_blocks(self) -> dict[bool, list[FloatArray]]:
        """Per cluster index, the (forecast, outcome, horizon) rows of its scored pairs, for all
        pairs (``False``) and for the easing pairs (``True``): built once, since the bootstrap
        asks for thousands of resamples of them."""
        index = self._cluster_index()
        rows: dict[bool, list[list[tuple[float, float, int]]]] = {
            easing: [[] for _ in index] for easing in (False, True)
        }
        for case in self.scored_cases:
            for v, p in zip(case.forecast, case.pairs, strict=True):
                if p.scored and v is not None:
                    row = (float(v), float(p.recorded or 0), p.horizon)
                    rows[False][index[case.cluster]].append(row)
                    if p.kind.endswith("_eases"):
                        rows[True][index[case.cluster]].append(row)
        return {
            easing: [np.array(block, dtype=np.float64).reshape(-1, 3) for block in blocks]
            for easing, blocks in rows.items()
        }

    def _pooled(self, clusters: Sequence[int] | None = None, easing: bool = False) -> FloatArray:
        """(forecast, outcome, horizon) rows of the scored pairs of the given cluster indices
        (every cluster by default), one row per pair, cluster by cluster in the given order."""
        blocks = self._pooled_blocks[easing]
        chosen = range(len(blocks)) if clusters is None else clusters
        parts = [blocks[int(c)] for c in chosen]
        return np.concatenate(parts) if parts else np.empty((0, 3))

    def auc_easing(self, clusters: Sequence[int] | None = None) -> float:
        """The easing AUC at each horizon, averaged over horizons where both outcomes occur."""
        from sanctionsim.history.scores import auc_by_horizon

        return auc_by_horizon(self._pooled(clusters, easing=True), self.horizons)

    @cached_property
    def _within_case_counts(self) -> FloatArray:
        """Per cluster index, (U, pairs) of its easing pairs compared only within one case at one
        horizon (:func:`~sanctionsim.history.scores.concordant_pairs`), summed over its cases and
        horizons: built once, since the bootstrap resamples clusters."""
        from sanctionsim.history.scores import concordant_pairs

        index = self._cluster_index()
        counts = np.zeros((len(index), 2))
        for case in self.scored_cases:
            rows = [
                (float(v), float(p.recorded or 0), p.horizon)
                for v, p in zip(case.forecast, case.pairs, strict=True)
                if p.scored and v is not None and p.kind.endswith("_eases")
            ]
            for h in sorted({row[2] for row in rows}):
                at = [row for row in rows if row[2] == h]
                counts[index[case.cluster]] += concordant_pairs(
                    [row[0] for row in at], [row[1] for row in at]
                )
        return counts

    def auc_easing_within(self, clusters: Sequence[int] | None = None) -> float:
        """The easing AUC within case and horizon: every member that eased against every member
        of the same case that had not, at the same horizon, pooled over cases and horizons
        (ΣU / Σpairs). It reads only who eases in a case, not which cases see easing: the ranking
        the pooled :meth:`auc_easing` mixes with the cases' levels (docs/cases.md, rule 4). NaN
        where no case holds both an easer and a holder."""
        counts = self._within_case_counts
        chosen = counts if clusters is None else counts[np.asarray(list(clusters), dtype=np.intp)]
        concordant, pairs = chosen.sum(axis=0) if len(chosen) else (0.0, 0.0)
        return float(concordant / pairs) if pairs else math.nan

    def in_the_large(self, clusters: Sequence[int] | None = None) -> float:
        """Calibration-in-the-large of the pooled scored pairs (nan where undefined)."""
        from sanctionsim.history.scores import calibration_in_the_large

        return self._recalibration(calibration_in_the_large, clusters)

    def slope(self, clusters: Sequence[int] | None = None) -> float:
        """Calibration slope of the pooled scored pairs (nan where undefined)."""
        from sanctionsim.history.scores import calibration_slope

        return self._recalibration(calibration_slope, clusters)

    def _recalibration(self, fit: Callable[..., float], clusters: Sequence[int] | None) -> float:
        # Each alone: one's bootstrap never pays for, nor drops a resample for, the other's fit
        rows = self._pooled(clusters)
        try:
            return fit(rows[:, 0], rows[:, 1]) if len(rows) else math.nan
        except ArithmeticError:
            return math.nan

    def c_index(self) -> float | None:
        """Harrell's C of the members' easing times against the forecast at the longest horizon;
        a member still holding at a terminal end is never at risk again (time = inf)."""
        from sanctionsim.history.scores import c_index

        risk, time, event = [], [], []
        for case in self.scored_cases:
            months = case.months
            longest: dict[str, tuple[int, float]] = {}
            for v, p in zip(case.forecast, case.pairs, strict=True):
                if p.kind.endswith("_eases") and p.reason not in NEVER_AT_RISK and v is not None:
                    best = longest.get(p.event)
                    if best is None or p.horizon > best[0]:
                        longest[p.event] = (p.horizon, float(v))
            for name, (_, p_eases) in longest.items():
                month = months.get(name)
                covered = case.covered_months(name)
                risk.append(p_eases)
                if month is not None and (covered is None or month <= covered):
                    time.append(float(month))
                    event.append(1)
                else:
                    time.append(math.inf if covered is None else float(covered))
                    event.append(0)
        if not risk:
            return None
        return c_index(np.array(risk), np.array(time), np.array(event))

    # -- skill ---------------------------------------------------------------------------------
    def skill(self) -> dict[str, Any]:
        """The model minus each reference, and minus the best re-chosen in every resample."""
        from sanctionsim.history.bootstrap import cluster_bootstrap
        from sanctionsim.history.resampled import skill_batch
        from sanctionsim.history.scores import brier_scores

        table = {f: self.cluster_scores(f, brier_scores) for f in ("model", *REFERENCES)}
        model = table["model"]
        best = min(REFERENCES, key=lambda r: float(np.nanmean(table[r])))

        def against(reference: str | None) -> dict[str, Any]:
            def statistic(indices: npt.NDArray[np.intp]) -> float:
                ours = float(np.nanmean(model[indices]))
                if reference is not None:
                    return ours - float(np.nanmean(table[reference][indices]))
                return ours - min(float(np.nanmean(table[r][indices])) for r in REFERENCES)

            rng = self._rng(reference or "best")
            batch = skill_batch(model, table, reference, REFERENCES)
            interval = cluster_bootstrap(
                statistic, self.n_clusters, resamples=self.resamples, rng=rng, batch=batch
            )
            other = table[reference or best]
            return {
                "difference": interval.estimate,
                "ci95": [interval.low, interval.high],
                "interval_method": interval.method,
                "wins": int(np.sum(model < other)),
                "losses": int(np.sum(model > other)),
            }

        vs = {}
        for reference in REFERENCES:
            entry = against(reference)
            ref_brier = float(np.nanmean(table[reference]))
            entry["brier_skill_score"] = 1.0 - float(np.nanmean(model)) / ref_brier
            vs[reference] = entry
        vs_best = {"reference": best, **against(None)}
        return {"vs_best": vs_best, "vs": vs, "sentence": self._sentence(vs_best)}

    def _rng(self, label: str) -> np.random.Generator:
        """A bootstrap stream of its own per comparison, derived from the seed (never global)."""
        key = [ord(ch) for ch in label]
        return np.random.default_rng(np.random.SeedSequence([self.seed, BOOTSTRAP_STREAM, *key]))

    def _sentence(self, vs_best: dict[str, Any]) -> str:
        low, high = vs_best["ci95"]
        d = vs_best["difference"]
        where = (
            f"(Brier difference {d:+.3f}, 95% interval {low:+.3f} to {high:+.3f}; "
            f"{len(self.scored_cases)} cases in {self.n_clusters} clusters)"
        )
        if high < 0:
            verdict = f"better than the best reference, {vs_best['reference']}, by {-d:.3f}"
        elif low > 0:
            verdict = f"worse than the best reference, {vs_best['reference']}, by {d:.3f}"
        else:
            verdict = f"indistinguishable from the best reference, {vs_best['reference']}"
        return f"The {self.forecaster} is {verdict} {where}."

    def interval_of(
        self, statistic: Callable[[Sequence[int]], float], label: str, batch: Batch | None = None
    ) -> list[float] | None:
        """A case-cluster bootstrap interval of a pooled statistic (``batch``: its vectorised
        twin over all resamples, :mod:`sanctionsim.history.resampled`)."""
        from sanctionsim.history.bootstrap import cluster_bootstrap

        if self.n_clusters < 2 or not math.isfinite(statistic(range(self.n_clusters))):
            return None
        interval = cluster_bootstrap(
            lambda idx: statistic(list(idx)),
            self.n_clusters,
            resamples=self.resamples,
            rng=self._rng(label),
            batch=batch,
        )
        return [interval.low, interval.high]

    # -- outputs -------------------------------------------------------------------------------
    def _interval_later(
        self, statistic: Callable[[Sequence[int]], float], label: str, executor: Executor | None
    ) -> Callable[[], list[float] | None]:
        """:meth:`interval_of`, computed when called, or started now in ``executor``'s processes
        (the recalibration intervals fit thousands of models: there they run beside the rest of
        the document). Each interval draws from its own stream: where it runs moves no bit."""
        if executor is None:
            return partial(self.interval_of, statistic, label)
        return executor.submit(self.interval_of, statistic, label).result

    def model_scores(self, executor: Executor | None = None) -> dict[str, Any] | None:
        """The ``model`` block of the JSON contract (None when nothing is scored)."""
        from sanctionsim.history.resampled import resampled_auc
        from sanctionsim.history.scores import (
            brier_decomposition,
            reliability_table,
            sharpness,
        )

        rows = self._pooled()
        if not len(rows):
            return None
        p, y = rows[:, 0].copy(), rows[:, 1].copy()
        recalibration = {
            label: self._interval_later(fit, label, executor)
            for label, fit in (("in_the_large", self.in_the_large), ("slope", self.slope))
        }
        return {
            "brier": self.headline(),
            "log_score": self.log_score(),
            "auc_easing": _finite(self.auc_easing()),
            "auc_easing_ci95": self.interval_of(
                self.auc_easing,
                "auc",
                partial(resampled_auc, self._pooled_blocks[True], self.horizons),
            ),
            "auc_easing_within_case": _finite(self.auc_easing_within()),
            "auc_easing_within_case_ci95": self.interval_of(self.auc_easing_within, "auc_within"),
            "easing_comparisons_within_case": int(self._within_case_counts[:, 1].sum()),
            "c_index": self.c_index(),
            "by_kind": {k: self.headline("model", k) for k in EVENT_KINDS},
            "reliability": [b.to_dict() for b in reliability_table(p, y, bins=BINS)],
            "calibration": {
                "in_the_large": _finite(self.in_the_large()),
                "in_the_large_ci95": recalibration["in_the_large"](),
                "slope": _finite(self.slope()),
                "slope_ci95": recalibration["slope"](),
            },
            "sharpness": sharpness(p),
            "decomposition": brier_decomposition(p, y, bins=BINS).to_dict(),
            "pairs": len(rows),
        }

    def to_dict(self, executor: Executor | None = None) -> dict[str, Any]:
        """The JSON document of ``sanctionsim history --json`` (docs/cli.md); an ``executor``
        (a process pool) computes its longest intervals beside the rest, to the same values."""
        from sanctionsim.history.case_document import case_document

        model = self.model_scores(executor)
        headlines = {r: self.headline(r) for r in REFERENCES}
        references = {
            r: {"brier": headlines[r], "by_kind": {k: self.headline(r, k) for k in EVENT_KINDS}}
            for r in REFERENCES
        }
        best = None
        if model is not None:
            best = min(REFERENCES, key=lambda r: headlines[r] or math.inf)
        return {
            "protocol_version": self.protocol,
            "forecaster": self.forecaster,
            "model_version": self.model_version,
            "calibration": self.calibration_id,
            "runs": self.runs,
            "seed": self.seed,
            "horizons": list(self.horizons),
            "cases": [case_document(case) for case in self.cases],
            "model": model,
            "references": references,
            "best_reference": best,
            "skill": self.skill() if model is not None and self.n_clusters >= 1 else None,
        }

    def caption(self) -> str:
        """``model v1 on 3 cases, horizons 12, 36 months: 2,048 runs, seed 0``."""
        runs = f"{self.runs:,} runs, " if self.runs else ""
        horizons = ", ".join(str(h) for h in self.horizons)
        return (
            f"{self.forecaster} on {len(self.cases)} cases, horizons {horizons} months: "
            f"{runs}seed {self.seed}"
        )

    def tidy_rows(self) -> list[Row]:
        """:meth:`rows`."""
        return self.rows()

    def rows(self) -> list[dict[str, Any]]:
        """Every pair of every case, primitive and derived, as one tidy table."""
        result = []
        for case in self.cases:
            common = {
                "case": case.facts.id,
                "cluster": case.cluster,
                "group": case.facts.group,
                "episode_age_months": case.facts.episode_age_months,
                "ended_by": case.facts.ended_by,
            }
            for v, p, *refs in zip(
                case.forecast, case.pairs, *case.references.values(), strict=True
            ):
                result.append(
                    {
                        **common,
                        "event": p.event,
                        "kind": p.kind,
                        "derived": False,
                        "horizon": p.horizon,
                        "forecast": v,
                        "recorded": p.recorded,
                        "reason": p.reason,
                        **{f"ref_{r}": x for r, x in zip(case.references, refs, strict=True)},
                    }
                )
            for d in case.derived:
                result.append(
                    {
                        **common,
                        "event": d["event"],
                        "kind": "derived",
                        "derived": True,
                        "horizon": d["horizon"],
                        "forecast": d["forecast"],
                        "recorded": d["recorded"],
                        "reason": "scored" if d["recorded"] is not None else "censored",
                        **{f"ref_{r}": None for r in case.references},
                    }
                )
        return result


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None
