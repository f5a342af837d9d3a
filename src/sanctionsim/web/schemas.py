"""Typed response schemas of the JSON API, as published at ``/openapi.json``.

Each model mirrors a library record's ``to_dict()`` (``show --json``, ``analyze --json``,
``simulate --json``) or a document the app builds. The models forbid keys they do not name, so
the published schema says exactly what comes back; the routes send the records as they are (no
filtering), and ``tests/web/test_schemas.py`` validates a real response of every JSON route
against the published schema, so a record that changes shape fails a test rather than the
schema silently drifting.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from sanctionsim.history.track_record import ScoreRow
from sanctionsim.scenario.schema import Scenario
from sanctionsim.versions import ModelName

Pair = list[float]  # [low, high]


class _Out(BaseModel):
    model_config = ConfigDict(extra="forbid")


# ---------------------------------------------------------------- errors
class ProblemOut(_Out):
    """One located problem of a scenario or policy, as ``sanctionsim check`` prints it."""

    file: str
    line: int | None
    column: int | None
    path: str = Field(description="dotted field path; empty for the whole file")
    message: str
    text: str = Field(description="the one-line form FILE:LINE:COL: field.path: message")


class ErrorOut(_Out):
    """Every 4xx and 503: a message; located problems for a scenario or policy."""

    error: str
    problems: list[ProblemOut] | None = None
    retry_after_seconds: int | None = None


ERRORS: dict[int | str, dict[str, object]] = {
    code: {"model": ErrorOut, "description": text}
    for code, text in (
        (404, "unknown case"),
        (413, "request body too large"),
        (422, "invalid request, scenario or policy (located problems)"),
        (503, "busy or past the time limit; see Retry-After"),
    )
}


# ---------------------------------------------------------------- cases
class CaseRowOut(_Out):
    id: str
    title: str
    start: str
    coalition: list[str]
    target: str


class CasesOut(_Out):
    cases: list[CaseRowOut]


class CaseOut(_Out):
    scenario: Scenario


class PolicyRowOut(_Out):
    id: str
    description: str


class PoliciesOut(_Out):
    policies: list[PolicyRowOut]


# ---------------------------------------------------------------- snapshot (show --json)
class ActorOut(_Out):
    id: str
    name: str
    role: str


class MeasureOut(_Out):
    id: str
    name: str
    imposer: str
    kind: str
    legal_basis: str
    level: float
    status: Literal["in force", "eased", "suspended", "lifted"]
    since: str
    note: str | None
    sources: list[str]


class StageOut(_Out):
    id: str
    target_delivers: str
    member_eases: list[str]
    due: str | None


class DealOut(_Out):
    id: str
    name: str
    member: str
    target: str
    agreed: str
    in_effect: bool
    scope: str
    first_mover: str
    snap_back: bool
    stages: list[StageOut]


class LeverOut(_Out):
    id: str
    kind: str
    holder: str
    beneficiary: str | None
    in_force: bool
    description: str


class RelationOut(_Out):
    between: list[str]
    trust: float


class SnapshotOut(_Out):
    scenario: str
    title: str
    date: str
    actors: list[ActorOut]
    measures: list[MeasureOut]
    side_deals: list[DealOut]
    levers: list[LeverOut]
    relations: list[RelationOut]


# ---------------------------------------------------------------- analysis (analyze --json)
class StabiliserOut(_Out):
    value: float | None
    feasible: bool
    reason: str


class ThresholdOut(_Out):
    delta_star: float | None
    q: float
    s: float
    k: float
    reason: str


class MemberAnalysisOut(_Out):
    member: str
    role: str
    game_type: str
    game_code: str
    adjacent_types: list[str]
    martin_type: str | None
    dominant_action: str | None
    dominant_in_full_game: str | None
    incentive_gap: float
    min_side_payment: float | None
    min_penalty: float | None
    min_detection: float | None
    detection: float
    stabilisation: dict[str, StabiliserOut]
    critical_discount_factor: float | None
    discount_factor: float
    sustained_by_own_patience: bool
    critical_discount_factors: dict[str, ThresholdOut]
    member_vs_rest: list[list[list[float]]]


class PackageOut(_Out):
    members: list[str]
    total_side_payment: float | None
    pressure_held: float
    pressure_threshold: float
    feasible: bool
    reason: str


class AnalysisOut(_Out):
    scenario: str
    date: str
    version: str
    actions: list[str]
    pure_equilibria: list[list[str]]
    pareto_optimal: list[list[str]] | None = Field(
        description="null when the coalition has more than 14 members (not computed: 2^n profiles "
        "compared pairwise)"
    )
    members: dict[str, MemberAnalysisOut]
    least_cost_package: PackageOut


# ---------------------------------------------------------------- forecast (simulate --json)
class IntervalOut(_Out):
    mean: float
    ci95: Pair = Field(description="95% interval of the Monte Carlo estimate")


class MetricsOut(_Out):
    p_target_concedes: IntervalOut
    p_member_eases: dict[str, IntervalOut]
    p_cascade: IntervalOut
    p_deal_delivers: IntervalOut | None
    p_deal_delivers_by_deal: dict[str, IntervalOut]
    p_snap_back: dict[str, IntervalOut]
    cohesion_final: IntervalOut
    mean_payoff_per_month: dict[str, IntervalOut]
    months_to_concession: dict[str, int | None]


class CurvesOut(_Out):
    month: list[int]
    p_eased_by: dict[str, list[float]]
    p_conceded_by: list[float]
    p_deal_delivered_by: dict[str, list[float]]
    p_snapped_back_by: dict[str, list[float]]
    cohesion_quantiles: dict[str, list[float]]
    pressure_quantiles: dict[str, list[float]]
    mean_belief_reliable: dict[str, list[float]]


class CalibrationIdOut(_Out):
    calibration: str = Field(description="the calibration file read")
    calibration_sha256: str


class FoldSetOut(_Out):
    slope: float = Field(description="lambda, the logit choice's slope")
    backing_down: float = Field(description="alpha, the scale of the cost of backing down")
    concession_scale: float | None = Field(
        default=None,
        description="psi, the factor on the analysts' concession hazards (v2f to v2k)",
    )
    carve_out_shift: float | None = Field(
        default=None, description="xi, the shift of a carve-out's intercept (v2g)"
    )
    lobby_weight: float | None = Field(
        default=None, description="eta, the lobby weight on the premium in the choice (v2h)"
    )
    temptation_weight: float | None = Field(
        default=None,
        description="mu, the weight of the premium relative to the case's peers (v2i to v2k)",
    )
    prospect_weight: float | None = Field(
        default=None,
        description="nu, the weight of the target's prospects in the easing odds (v2j)",
    )
    leader_weight: float | None = Field(
        default=None,
        description="zeta, the weight of the leader's case-specific terms in its easing odds (v2k)",
    )
    discretion_weight: float | None = Field(
        default=None,
        description="rho, the shift of the easing odds by the share of aid and diplomatic "
        "measures held (v2l)",
    )
    coup_concession_ratio: float | None = Field(
        default=None,
        description="chi, the factor on psi for an episode that answers a coup (v2m, v2n)",
    )
    cold_war_ratio: float | None = Field(
        default=None,
        description="epsilon, the factor on psi for an episode that starts in the Cold War (v2n)",
    )
    alliance_shift: float | None = Field(
        default=None,
        description="tau, the easing log-odds shift of a sender allied with the target (v2o, v2p)",
    )
    resolve_months: float | None = Field(
        default=None,
        description="T, the months over which a fresh measure's revealed resolve fades (v2r, v2s)",
    )
    folds: int = Field(description="the calibration's folds that chose this parameter set")


class FoldMetricsOut(_Out):
    p_target_concedes: Pair
    p_member_eases: dict[str, Pair]
    p_cascade: Pair
    p_deal_delivers: Pair | None
    p_deal_delivers_by_deal: dict[str, Pair]
    p_snap_back: dict[str, Pair]


class FoldRangeOut(_Out):
    """Model v2: each probability's lowest and highest estimate across the calibration's
    distinct fold parameter sets (paired runs): the fitted parameters' uncertainty only."""

    runs: int = Field(description="runs per parameter set: the forecast's first runs, same seed")
    parameter_sets: list[FoldSetOut]
    metrics: FoldMetricsOut = Field(description="[low, high] per probability, keyed as metrics")


class ForecastOut(_Out):
    model_version: ModelName | None = Field(
        default=None, description="the v2 family only (a forecast without it is model v1's)"
    )
    calibration: CalibrationIdOut | None = Field(default=None, description="model v2 only")
    scenario: str
    start: str
    runs: int
    horizon: int
    seed: int
    block_size: int
    version: str
    members: dict[str, str] = Field(description="each member's strategy")
    deals: list[str]
    metrics: MetricsOut
    fold_range: FoldRangeOut | None = Field(
        default=None,
        description="model v2 only; null when skipped (fold_range: false) or without folds",
    )
    curves: CurvesOut


# ---------------------------------------------------------------- your own scenario
class CheckOut(_Out):
    """A scenario that validates: what it holds."""

    valid: Literal[True]
    scenario: str
    title: str
    start: str
    horizon_months: int
    actors: list[ActorOut]
    measures: int
    side_deals: int
    levers: int


# ---------------------------------------------------------------- policy comparison
class BaselineRowOut(_Out):
    metric: str
    mean: float
    ci95: Pair


class DifferenceOut(_Out):
    metric: str = Field(description="metric, or metric.key (a member or a deal)")
    mean: float
    mean_ci95: Pair
    diff_vs_baseline: float = Field(description="mean paired difference, policy minus baseline")
    ci95: Pair = Field(description="95% interval of the mean paired difference")


class PolicyComparisonOut(_Out):
    policy: str
    source: Literal["built-in", "uploaded"]
    description: str
    applies: bool
    problem: str | None = Field(description="why the policy does not apply to this scenario")
    no_effect: bool = Field(description="every paired difference is exactly zero")
    differences: list[DifferenceOut]


class ComparisonOut(_Out):
    scenario: str
    title: str
    start: str
    runs: int
    horizon: int
    seed: int
    baseline: list[BaselineRowOut]
    policies: list[PolicyComparisonOut]


# ---------------------------------------------------------------- track record
class ScoreRowOut(ScoreRow, _Out):  # the library's record, refusing unknown keys
    pass


class TrackRecordOut(_Out):
    model_in_use: str
    current: str = Field(description="the current row of the model in use, in one sentence")
    protocol: str = Field(description="where the evaluation protocol is written")
    rows: list[ScoreRowOut]
