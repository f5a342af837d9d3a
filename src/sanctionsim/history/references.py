"""The reference forecasters a model must beat, each outcome-blind for the case it forecasts.

docs/cases.md (protocol rule 5) defines them; each returns a probability for every pair of
:func:`sanctionsim.history.protocol.event_pairs`, scored or not:

* ``constant``: 1/3 for every event, the success rate of sanctions episodes (Hufbauer, Schott,
  Elliott & Oegg 2007; about 30% in the Global Sanctions Data Base).
* ``climatology``: the TIES incidence of the case's group conditional on the episode's age
  (:mod:`sanctionsim.history.climatology`) for the concession and the leader's easing; 1/3 for
  members and deals, which no large-N table covers.
* ``loco_frequency``: each kind's frequency at each horizon in the other clusters, shrunk toward
  1/3 by two pseudo-observations and made non-decreasing in the horizon (pool adjacent
  violators; Barlow et al. 1972).
* ``loco_logistic``: a ridge logistic regression on features known on ``start``, fitted on the
  other clusters with a penalty fixed in advance (:data:`RIDGE_PENALTY`; le Cessie & van
  Houwelingen 1992).

"Other clusters" means every case of the training pool outside the forecast case's cluster, so
a case is never forecast from its own outcome, nor from another encoding of the same episode.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
import numpy.typing as npt

from sanctionsim.history.joiners import Joiner, facts_of, forecast_facts
from sanctionsim.history.protocol import EVENT_KINDS, CaseFacts, EventPair

CONSTANT = 1.0 / 3.0
PSEUDO_OBSERVATIONS = 2.0
RIDGE_PENALTY = 1.0
"""Fixed before any score was seen (protocol 1): one unit on standardised features."""
REFERENCES = ("constant", "climatology", "loco_frequency", "loco_logistic")
GROUPS = ("io", "multilateral_no_io", "unilateral")
_CLIMATOLOGY_KIND = {
    "concession": "target_concedes",
    "leader_eases": "leader_eases",
    "member_eases": "member_eases",
    "deal_delivers": "deal_delivers",
}


@dataclass(frozen=True)
class TrainingCase:
    """One case of the training pool: its facts, its pairs and its cluster; ``joiners``, under
    protocol 2, the case's joiners (None under protocol 1)."""

    facts: CaseFacts
    pairs: tuple[EventPair, ...]
    cluster: int
    joiners: tuple[Joiner, ...] | None = None

    @cached_property
    def joined(self) -> Mapping[str, CaseFacts]:
        """The facts each joiner is forecast from, by member (its joining day's)."""
        return forecast_facts(self.joiners or ())

    # Each case is training data for every other cluster's forecast: what the references read
    # from it is worked out once here, not once per forecast case (108 times over).
    @cached_property
    def scored_counts(self) -> Counter[tuple[str, int, str]]:
        """How many scored pairs of each (kind, horizon) it holds (``"n"``) and how many of
        them happened (``"happened"``), keyed ``(kind, horizon, "n" | "happened")``."""
        counts: Counter[tuple[str, int, str]] = Counter()
        for q in self.pairs:
            if q.scored:
                counts[q.kind, q.horizon, "n"] += 1
                counts[q.kind, q.horizon, "happened"] += int(q.recorded or 0)
        return counts

    @cached_property
    def scored_rows(self) -> tuple[npt.NDArray[np.float64], list[int]]:
        """The :func:`features` and the outcomes (0/1) of its scored pairs."""
        scored = [p for p in self.pairs if p.scored]
        return features(self.facts, scored, self.joined), [int(p.recorded or 0) for p in scored]


def constant(pairs: Sequence[EventPair]) -> list[float]:
    """1/3 for every pair."""
    return [CONSTANT] * len(pairs)


def climatology(
    facts: CaseFacts, pairs: Sequence[EventPair], joined: Mapping[str, CaseFacts] | None = None
) -> list[float]:
    """The TIES incidence of the case's group, conditional on its episode age (a joiner's: its
    group and age on its joining day, ``joined``)."""
    from sanctionsim.history.climatology import climatology_forecast

    result = []
    for p in pairs:
        own = facts_of(facts, joined or {}, p)
        kind = _CLIMATOLOGY_KIND[p.kind]
        result.append(climatology_forecast(own.group, kind, own.episode_age_months, p.horizon))
    return result


def pool_adjacent_violators(values: Sequence[float], weights: Sequence[float]) -> list[float]:
    """The weighted least-squares non-decreasing fit to ``values`` (Barlow et al. 1972).

    >>> pool_adjacent_violators([0.2, 0.1, 0.4], [1, 1, 1])
    [0.15000000000000002, 0.15000000000000002, 0.4]
    """
    blocks: list[list[float]] = []  # [mean, weight, count]
    for value, weight in zip(values, weights, strict=True):
        blocks.append([float(value), float(weight), 1])
        while len(blocks) > 1 and blocks[-2][0] > blocks[-1][0]:
            mean2, weight2, count2 = blocks.pop()
            mean1, weight1, count1 = blocks[-1]
            total = weight1 + weight2
            blocks[-1] = [(mean1 * weight1 + mean2 * weight2) / total, total, count1 + count2]
    return [mean for mean, _, count in blocks for _ in range(int(count))]


def loco_frequency(
    pairs: Sequence[EventPair], cluster: int, pool: Sequence[TrainingCase]
) -> list[float]:
    """Each kind's shrunk frequency at each horizon in the clusters other than ``cluster``."""
    horizons = sorted({p.horizon for p in pairs})
    counts: Counter[tuple[str, int, str]] = Counter()
    for case in pool:
        if case.cluster != cluster:
            counts.update(case.scored_counts)  # whole numbers: the order of the sum is moot
    table: dict[tuple[str, int], float] = {}
    for kind in EVENT_KINDS:
        rates, weights = [], []
        for horizon in horizons:
            n, happened = counts[kind, horizon, "n"], counts[kind, horizon, "happened"]
            rates.append((happened + PSEUDO_OBSERVATIONS * CONSTANT) / (n + PSEUDO_OBSERVATIONS))
            weights.append(n + PSEUDO_OBSERVATIONS)
        for horizon, rate in zip(horizons, pool_adjacent_violators(rates, weights), strict=True):
            table[kind, horizon] = rate
    return [table[p.kind, p.horizon] for p in pairs]


FEATURES = (
    *(f"kind={k}" for k in EVENT_KINDS),
    *(f"group={g}" for g in GROUPS),
    "pressure_share",
    "cost_share",
    "log_horizon",
    "episode_age_years",
)


def features(
    facts: CaseFacts, pairs: Sequence[EventPair], joined: Mapping[str, CaseFacts] | None = None
) -> npt.NDArray[np.float64]:
    """The rows of :data:`FEATURES` for ``pairs``: everything known on ``start`` (for a joiner
    of ``joined``, protocol 2: on its joining day)."""
    rows = []
    for p in pairs:
        own = facts_of(facts, joined or {}, p)
        shares = {s.id: (s.pressure_share, s.cost_share) for s in (*own.members, *own.deals)}
        pressure, cost = shares.get(p.subject or "", (0.0, 0.0))
        if p.kind == "deal_delivers":
            pressure, cost = 0.0, 0.0
        rows.append(
            [
                *(float(p.kind == k) for k in EVENT_KINDS),
                *(float(own.group == g) for g in GROUPS),
                pressure,
                cost,
                math.log(p.horizon),
                own.episode_age_months / 12.0,
            ]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(rows), len(FEATURES))


def loco_logistic(
    facts: CaseFacts,
    pairs: Sequence[EventPair],
    cluster: int,
    pool: Sequence[TrainingCase],
    joined: Mapping[str, CaseFacts] | None = None,
) -> list[float]:
    """The ridge logistic regression fitted on the clusters other than ``cluster``.

    With no training pair at all (a pool of one cluster) it says 1/3.
    """
    from sanctionsim.history.logistic import fit_ridge_logistic

    train = [case.scored_rows for case in pool if case.cluster != cluster]
    xs = [x for x, _ in train]
    ys = [y for _, y in train]
    x = np.vstack([np.zeros((0, len(FEATURES))), *xs])
    y = np.asarray([o for outcomes in ys for o in outcomes], dtype=np.float64)
    if y.size == 0 or not pairs:
        return [CONSTANT] * len(pairs)
    model = fit_ridge_logistic(x, y, penalty=RIDGE_PENALTY)
    return [float(v) for v in model.predict(features(facts, pairs, joined))]


def reference_forecasts(
    facts: CaseFacts,
    pairs: Sequence[EventPair],
    cluster: int,
    pool: Sequence[TrainingCase],
    joined: Mapping[str, CaseFacts] | None = None,
) -> dict[str, list[float]]:
    """Every reference's probability for every pair of one case, by reference name (a joiner of
    ``joined``, protocol 2, from its joining day's facts)."""
    return {
        "constant": constant(pairs),
        "climatology": climatology(facts, pairs, joined),
        "loco_frequency": loco_frequency(pairs, cluster, pool),
        "loco_logistic": loco_logistic(facts, pairs, cluster, pool, joined),
    }
