"""The bootstrap's vectorised statistics equal the per-resample ones to the bit.

``history --json`` prints the intervals in full, so a batch twin that differed in the last bit
would move the output: each is compared with ``==`` (not approximately) against the statistic
it stands for, on data with ties, missing clusters and clusters drawn many times.
"""

from __future__ import annotations

import numpy as np

from sanctionsim.history.bootstrap import cluster_bootstrap
from sanctionsim.history.resampled import (
    cluster_counts,
    resampled_auc,
    resampled_nanmean,
    skill_batch,
)
from sanctionsim.history.scores import auc_by_horizon

REFERENCES = ("a", "b", "c")


def _draws(n_clusters: int, seed: int = 3, resamples: int = 400) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n_clusters, size=(resamples, n_clusters))


def _same(batch: np.ndarray, loop: list[float]) -> bool:
    expected = np.array(loop)
    return bool(np.array_equal(batch, expected, equal_nan=True))


def test_cluster_counts_count_each_draw() -> None:
    draws = np.array([[0, 0, 2], [1, 2, 1]])
    assert cluster_counts(draws, 3).tolist() == [[2, 0, 1], [0, 2, 1]]


def test_the_nanmean_of_each_resample_is_numpys_mean_of_that_resample() -> None:
    rng = np.random.default_rng(0)
    values = rng.random(97) * 0.3
    values[[4, 50]] = np.nan  # clusters without a scored pair of some kind
    draws = _draws(97)
    loop = [float(np.nanmean(values[row])) for row in draws]
    assert _same(resampled_nanmean(values, draws), loop)


def test_the_skill_batch_equals_the_statistic_with_the_best_reference_rechosen() -> None:
    rng = np.random.default_rng(1)
    table = {name: rng.random(60) * 0.25 for name in ("model", *REFERENCES)}
    table["b"][7] = np.nan
    draws = _draws(60)
    model = table["model"]
    for reference in (None, "a", "b"):

        def statistic(indices: np.ndarray, reference: str | None = reference) -> float:
            ours = float(np.nanmean(model[indices]))
            if reference is not None:
                return ours - float(np.nanmean(table[reference][indices]))
            return ours - min(float(np.nanmean(table[r][indices])) for r in REFERENCES)

        batch = skill_batch(model, table, reference, REFERENCES)
        assert _same(batch(draws), [statistic(row) for row in draws])


def _easing_blocks(n_clusters: int, horizons: tuple[int, ...], seed: int) -> list[np.ndarray]:
    """Per cluster, (forecast, outcome, horizon) rows: coarse forecasts (many ties), some
    clusters with one outcome only or no row at some horizon."""
    rng = np.random.default_rng(seed)
    blocks = []
    for _ in range(n_clusters):
        size = int(rng.integers(0, 9))
        p = np.round(rng.random(size), 1)
        y = (rng.random(size) < p).astype(np.float64)
        h = rng.choice(horizons, size=size).astype(np.float64)
        blocks.append(np.column_stack([p, y, h]).reshape(-1, 3))
    return blocks


def _auc_easing(blocks: list[np.ndarray], horizons: tuple[int, ...], clusters: np.ndarray) -> float:
    """HistoryEvaluation.auc_easing on these blocks: the pooled rows, per horizon, averaged."""
    rows = np.concatenate([np.empty((0, 3)), *(blocks[int(c)] for c in clusters)])
    return auc_by_horizon(rows, horizons)


def test_the_resampled_auc_equals_the_pooled_auc_of_each_resample() -> None:
    horizons = (12, 36, 60, 120)
    for seed in range(4):
        blocks = _easing_blocks(40, horizons, seed)
        draws = _draws(40, seed=seed)
        loop = [_auc_easing(blocks, horizons, row) for row in draws]
        assert _same(resampled_auc(blocks, horizons, draws), loop)


def test_an_interval_with_its_batch_is_the_interval_without_it() -> None:
    horizons = (12, 60)
    blocks = _easing_blocks(30, horizons, seed=9)
    kwargs = {"resamples": 300}
    slow = cluster_bootstrap(
        lambda idx: _auc_easing(blocks, horizons, idx), 30, rng=np.random.default_rng(5), **kwargs
    )
    fast = cluster_bootstrap(
        lambda idx: _auc_easing(blocks, horizons, idx),
        30,
        rng=np.random.default_rng(5),
        batch=lambda draws: resampled_auc(blocks, horizons, draws),
        **kwargs,
    )
    assert fast == slow
