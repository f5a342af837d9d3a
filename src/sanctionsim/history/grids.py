"""The grids ``calibrate`` searches and the priors it weighs them by (docs/model-v2.md).

Each version's grid and each fitted parameter's prior were fixed in its design note before any
score of it: λ × α for v2 (:data:`GRID`), ψ × λ × α for v2f (:data:`SCALED_GRID`), one more
parameter on a narrowed ψ × λ × α for v2g, v2h and v2i (ξ, η, μ), and one more on v2j's μ × ψ ×
λ ranges for v2j, v2k and v2l (ν, ζ, ρ); v2m's χ × ψ × μ × λ; v2n's ε × ψ × χ × μ × λ; v2o's
τ × ε × ψ × χ × λ; v2p's τ × ψ × χ × λ; v2q's ψ × χ × μ × λ; v2r's and v2s's T × λ.
:func:`grid_of` gives a version's grid, :func:`log_prior` a point's log prior, :func:`grid_slice`
an ablation's points (``calibrate --fix``).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from sanctionsim.dynamics.calibration import HELD_VALUES, FittedParameters
from sanctionsim.errors import ArgumentError
from sanctionsim.versions import model_version

SLOPES = (0.0, 0.5, 1.0, 2.0, 4.0, 8.0, 16.0)
BACKING_DOWN = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1)
SLOPE_PRIOR_SCALE = 4.0

GRID: tuple[FittedParameters, ...] = tuple(
    FittedParameters(slope, alpha) for slope in SLOPES for alpha in BACKING_DOWN
)

# v2f's grid (docs/model-v2.md, "v2f", F2): ψ × λ × α, λ and α narrowed around every earlier
# fit's choice (λ 2, α 0.005 or 0.01) so that the grid keeps v2's size; ψ's prior is log-normal
# about 1, the analysts' hazards as stated.
SCALED_SLOPES = (1.0, 2.0, 4.0)
SCALED_BACKING_DOWN = (0.002, 0.005, 0.01, 0.02)
CONCESSION_SCALES = (1.0, 1.5, 2.0, 3.0)
CONCESSION_SCALE_PRIOR_SD = math.log(2.0)
SCALED_GRID: tuple[FittedParameters, ...] = tuple(
    FittedParameters(slope, alpha, scale)
    for scale in CONCESSION_SCALES
    for slope in SCALED_SLOPES
    for alpha in SCALED_BACKING_DOWN
)


def _narrowed(parameter: str, values: Sequence[float]) -> tuple[FittedParameters, ...]:
    """``parameter`` over ``values`` (the outermost axis) × ψ ∈ {1.5, 2, 3} × λ ∈ {1, 2} × α ∈
    {0.005, 0.01}: the sub-grid v2g's design narrowed to around v2f's folds, on which v2g, v2h
    and v2i each add their one parameter (48 points, v2f's size)."""
    return tuple(
        FittedParameters(slope, alpha, scale, **{parameter: value})
        for value in values
        for scale in (1.5, 2.0, 3.0)
        for slope in (1.0, 2.0)
        for alpha in (0.005, 0.01)
    )


# v2g's grid (docs/model-v2.md, "v2g", G4): ξ × ψ × λ × α, ψ, λ and α narrowed to the region
# v2f's folds chose so that the grid keeps v2f's size; ξ's prior is normal about 0, a carve-out
# decided like any easing.
CARVE_OUT_SHIFTS = (-2.0, -1.0, 0.0, 1.0)
CARVE_OUT_SHIFT_PRIOR_SD = 1.0
CARVED_GRID = _narrowed("carve_out_shift", CARVE_OUT_SHIFTS)

# v2h's grid (docs/model-v2.md, "v2h", H3): η × ψ × λ × α on v2g's narrowed ranges; η's prior is
# half-normal with scale 5, its mode at 0 (the premium counted once).
LOBBY_WEIGHTS = (0.0, 2.0, 5.0, 10.0)
LOBBY_WEIGHT_PRIOR_SCALE = 5.0
LOBBIED_GRID = _narrowed("lobby_weight", LOBBY_WEIGHTS)

# v2i's grid (docs/model-v2.md, "v2i", I3): μ × ψ × λ × α on the same ranges; μ's prior is
# half-normal with scale 1, its mode at 0 (v2f).
TEMPTATION_WEIGHTS = (0.0, 0.5, 1.0, 2.0)
TEMPTATION_WEIGHT_PRIOR_SCALE = 1.0
TEMPTED_GRID = _narrowed("temptation_weight", TEMPTATION_WEIGHTS)


def _ranked(parameter: str, values: Sequence[float]) -> tuple[FittedParameters, ...]:
    """``parameter`` over ``values`` (the outermost axis) × μ ∈ {0.5, 1, 2} × ψ ∈ {2, 3} × λ ∈
    {1, 2}, α fixed at 0.005: the grid v2j's design narrowed to around v2i's folds, on which v2j,
    v2k and v2l each add their one parameter (48 points)."""
    return tuple(
        FittedParameters(slope, 0.005, scale, temptation_weight=mu, **{parameter: value})
        for value in values
        for mu in (0.5, 1.0, 2.0)
        for scale in (2.0, 3.0)
        for slope in (1.0, 2.0)
    )


# v2j's grid (docs/model-v2.md, "v2j", J3): ν × μ × ψ × λ, α fixed at 0.005 (the value 59 of
# v2i's 77 folds chose) and μ without 0 (no v2i fold chose it), so that the grid keeps v2i's
# size; ν's prior is half-normal with scale 1, its mode at 0 (no reading of the prospects).
PROSPECT_WEIGHTS = (0.0, 0.25, 0.5, 1.0)
PROSPECT_WEIGHT_PRIOR_SCALE = 1.0
PROSPECTS_GRID = _ranked("prospect_weight", PROSPECT_WEIGHTS)

# v2k's grid (docs/model-v2.md, "v2k", K2): ζ × μ × ψ × λ, α fixed at 0.005, v2j's grid with ζ in
# ν's place; ζ's prior is flat on [0, 1] (neither the base rate nor the case favoured).
LEADER_WEIGHTS = (0.0, 0.25, 0.5, 1.0)
LEADER_GRID = _ranked("leader_weight", LEADER_WEIGHTS)

# v2l's grid (docs/model-v2.md, "v2l", L3): ρ × μ × ψ × λ, α fixed at 0.005, v2k's grid with ρ in
# ζ's place; ρ's prior is half-normal with scale 1, its mode at 0 (v2i: the kind not read).
DISCRETION_WEIGHTS = (0.0, 0.5, 1.0, 2.0)
DISCRETION_WEIGHT_PRIOR_SCALE = 1.0
DISCRETION_GRID = _ranked("discretion_weight", DISCRETION_WEIGHTS)

# v2m's grid (docs/model-v2.md, "v2m", M3): χ × ψ × μ × λ, α fixed at 0.005; ψ's lower values
# come back (the episodes answering no coup want less than 3) and μ keeps the two values v2i's
# and v2k's folds chose; χ's prior is log-normal about 1 with sd ln 2, as ψ's (its mode: v2i).
COUP_CONCESSION_RATIOS = (1.0, 1.5, 2.0, 3.0)
COUP_CONCESSION_RATIO_PRIOR_SD = math.log(2.0)
COUP_GRID: tuple[FittedParameters, ...] = tuple(
    FittedParameters(slope, 0.005, scale, temptation_weight=mu, coup_concession_ratio=ratio)
    for ratio in COUP_CONCESSION_RATIOS
    for scale in (1.5, 2.0, 3.0)
    for mu in (0.5, 1.0)
    for slope in (1.0, 2.0)
)

# v2n's grid (docs/model-v2.md, "v2n", N3): ε × ψ × χ × μ × λ, α fixed at 0.005, 48 points as
# v2m's; ψ and χ about v2m's fitted point, ε spanning what the Cold War episodes' ratios ask for,
# and 1; ε's prior is log-normal about 1 with sd ln 2, as ψ's and χ's.
COLD_WAR_RATIOS = (0.4, 0.6, 1.0)
COLD_WAR_RATIO_PRIOR_SD = math.log(2.0)
ERA_GRID: tuple[FittedParameters, ...] = tuple(
    FittedParameters(
        slope,
        0.005,
        scale,
        temptation_weight=mu,
        coup_concession_ratio=ratio,
        cold_war_ratio=era,
    )
    for era in COLD_WAR_RATIOS
    for scale in (2.0, 3.0)
    for ratio in (2.0, 3.0)
    for mu in (0.5, 1.0)
    for slope in (1.0, 2.0)
)

# v2o's grid (docs/model-v2.md, "v2o", O4): τ × ε × ψ × χ × λ, μ fixed at 0.5 and α at 0.005 (v2n's
# choices in 118 of 127 folds), 48 points; τ's prior is half-normal with scale 1.
ALLIANCE_SHIFTS = (0.0, 0.5, 1.0)
ALLIANCE_SHIFT_PRIOR_SCALE = 1.0
ALLIANCE_GRID: tuple[FittedParameters, ...] = tuple(
    FittedParameters(
        slope,
        0.005,
        scale,
        temptation_weight=0.5,
        coup_concession_ratio=ratio,
        cold_war_ratio=era,
        alliance_shift=tau,
    )
    for tau in ALLIANCE_SHIFTS
    for era in (0.6, 1.0)
    for scale in (2.0, 3.0)
    for ratio in (2.0, 3.0)
    for slope in (1.0, 2.0)
)

# v2p's grid (docs/model-v2.md, "v2p", P3): τ × ψ × χ × λ, μ fixed at 0.5, α at 0.005 and ε at 1
# (P2), 32 points; τ reaches 1.5 and keeps v2o's half-normal prior.
COLD_WAR_TIE_SHIFTS = (0.0, 0.5, 1.0, 1.5)
COLD_WAR_TIE_GRID: tuple[FittedParameters, ...] = tuple(
    FittedParameters(
        slope,
        0.005,
        scale,
        temptation_weight=0.5,
        coup_concession_ratio=ratio,
        alliance_shift=tau,
    )
    for tau in COLD_WAR_TIE_SHIFTS
    for scale in (2.0, 3.0)
    for ratio in (2.0, 3.0)
    for slope in (1.0, 2.0)
)

# v2q's grid (docs/model-v2.md, "v2q", Q2): ψ × χ × μ × λ, α fixed at 0.005 and ε at 1 (Q1), 24
# points: v2n's grid without ε, λ 1.5 added between its two slopes.
ONE_LEVEL_GRID: tuple[FittedParameters, ...] = tuple(
    FittedParameters(slope, 0.005, scale, temptation_weight=mu, coup_concession_ratio=ratio)
    for scale in (2.0, 3.0)
    for ratio in (2.0, 3.0)
    for mu in (0.5, 1.0)
    for slope in (1.0, 1.5, 2.0)
)

# v2r's grid, v2s's too (docs/model-v2.md, "v2r", R2; "v2s", S2): T × λ, ψ 2, χ 3 and μ 0.5
# fixed at v2q's fit, α at 0.005 and ε at 1, 12 points; T's prior is flat on the grid (a
# constant, so absent).
RESOLVE_MONTHS = (0.0, 6.0, 12.0, 24.0)
RESOLVE_GRID: tuple[FittedParameters, ...] = tuple(
    FittedParameters(
        slope,
        0.005,
        2.0,
        temptation_weight=0.5,
        coup_concession_ratio=3.0,
        resolve_months=months,
    )
    for months in RESOLVE_MONTHS
    for slope in (1.0, 1.5, 2.0)
)


def grid_of(model: str) -> tuple[FittedParameters, ...]:
    """The grid ``calibrate`` searches for ``model``: v2r's and v2s's (T with λ), v2q's (with χ, ψ
    and μ, ε held at 1), v2p's (with τ, χ and ψ), v2o's (with τ, ε, χ and ψ), v2n's (with ε, χ, ψ
    and μ), v2m's (with χ, ψ and μ), v2l's (with ρ, μ and ψ), v2k's (with ζ, μ and ψ), v2j's (with
    ν, μ and ψ), v2i's (with μ and ψ), v2h's (with η and ψ), v2g's (with ξ and ψ), v2f's (with ψ) or
    every other version's."""
    version = model_version(model)
    if version.resolve_revealed:
        return RESOLVE_GRID
    if version.era_factor_held:
        return ONE_LEVEL_GRID
    if version.tie_in_cold_war_only:
        return COLD_WAR_TIE_GRID
    if version.alliance_read:
        return ALLIANCE_GRID
    if version.era_read:
        return ERA_GRID
    if version.coup_scaled:
        return COUP_GRID
    if version.discretion_read:
        return DISCRETION_GRID
    if version.leader_weighted:
        return LEADER_GRID
    if version.prospects_read:
        return PROSPECTS_GRID
    if version.temptation_ranked:
        return TEMPTED_GRID
    if version.lobby_weighted:
        return LOBBIED_GRID
    if version.carve_outs:
        return CARVED_GRID
    return SCALED_GRID if version.concession_scaled else GRID


PSI, XI, ETA, MU = "concession_scale", "carve_out_shift", "lobby_weight", "temptation_weight"
NU, ZETA, RHO = "prospect_weight", "leader_weight", "discretion_weight"
CHI, EPSILON, TAU = "coup_concession_ratio", "cold_war_ratio", "alliance_shift"
RESOLVE = "resolve_months"
AXES = (RESOLVE, TAU, EPSILON, CHI, RHO, ZETA, NU, MU, ETA, XI, PSI, "slope", "backing_down")
PRIOR_TEXTS = {  # the priors of the parameters only some grids search, as the record words them
    PSI: f"psi log-normal about 1, sd {CONCESSION_SCALE_PRIOR_SD:.4f}",
    XI: f"xi normal about 0, sd {CARVE_OUT_SHIFT_PRIOR_SD:g}",
    ETA: f"eta half-normal, scale {LOBBY_WEIGHT_PRIOR_SCALE:g}",
    MU: f"mu half-normal, scale {TEMPTATION_WEIGHT_PRIOR_SCALE:g}",
    NU: f"nu half-normal, scale {PROSPECT_WEIGHT_PRIOR_SCALE:g}",
    ZETA: "zeta flat on [0, 1]",
    RHO: f"rho half-normal, scale {DISCRETION_WEIGHT_PRIOR_SCALE:g}",
    CHI: f"chi log-normal about 1, sd {COUP_CONCESSION_RATIO_PRIOR_SD:.4f}",
    EPSILON: f"epsilon log-normal about 1, sd {COLD_WAR_RATIO_PRIOR_SD:.4f}",
    TAU: f"tau half-normal, scale {ALLIANCE_SHIFT_PRIOR_SCALE:g}",
    RESOLVE: "T flat on the grid",
}


def grid_axes(grid: Sequence[FittedParameters]) -> dict[str, list[float]]:
    """Each parameter's values on ``grid``, ascending; ψ's, ξ's, η's, μ's, ν's, ζ's, ρ's, χ's and
    ε's and τ's only where the grid searches them."""
    axes = {name: sorted({getattr(p, name) for p in grid}) for name in AXES}
    for name, held in HELD_VALUES.items():
        if axes[name] == [held]:  # held: not a parameter of this grid
            del axes[name]
    return axes


def log_prior(point: FittedParameters) -> float:
    """log p(λ) + log p(α) + log p(ψ) + log p(ξ) + log p(η) + log p(μ) + log p(ν) + log p(ρ) +
    log p(χ) + log p(ε) + log p(τ) up to a constant: half-normal λ, log-uniform α (flat on the
    grid), log-normal ψ, χ and ε about 1, normal ξ about 0 and half-normal η, μ, ν, ρ and τ (each
    0 at the
    value a version that does not fit it holds, so those versions are as before); ζ's prior is
    flat on [0, 1] and T's flat on v2r's grid, constants, so absent."""
    scale = math.log(point.concession_scale) / CONCESSION_SCALE_PRIOR_SD
    shift = point.carve_out_shift / CARVE_OUT_SHIFT_PRIOR_SD
    weight = point.lobby_weight / LOBBY_WEIGHT_PRIOR_SCALE
    temptation = point.temptation_weight / TEMPTATION_WEIGHT_PRIOR_SCALE
    prospects = point.prospect_weight / PROSPECT_WEIGHT_PRIOR_SCALE
    discretion = point.discretion_weight / DISCRETION_WEIGHT_PRIOR_SCALE
    coup = math.log(point.coup_concession_ratio) / COUP_CONCESSION_RATIO_PRIOR_SD
    era = math.log(point.cold_war_ratio) / COLD_WAR_RATIO_PRIOR_SD
    tie = point.alliance_shift / ALLIANCE_SHIFT_PRIOR_SCALE
    return (
        -0.5 * (point.slope / SLOPE_PRIOR_SCALE) ** 2
        - 0.5 * scale**2
        - 0.5 * shift**2
        - 0.5 * weight**2
        - 0.5 * temptation**2
        - 0.5 * prospects**2
        - 0.5 * discretion**2
        - 0.5 * coup**2
        - 0.5 * era**2
        - 0.5 * tie**2
    )


def grid_slice(grid: Sequence[FittedParameters], fixed: Mapping[str, float]) -> list[int]:
    """The indices of ``grid``'s points where each parameter of ``fixed`` holds its value: the
    slice an ablation is fitted on (``calibrate --fix``), e.g. v2k at ζ = 1.

    >>> grid_slice(LEADER_GRID, {"leader_weight": 1.0})[:3], len(LEADER_GRID)
    ([36, 37, 38], 48)

    Raises:
        ArgumentError: a parameter the grid does not search, or a value not on its axis
            (named ``fix``).
    """
    axes = grid_axes(grid)
    for name, value in fixed.items():
        if name not in axes:
            raise ArgumentError.of(
                "fix", f"{name!r} is not searched by this grid (it searches {', '.join(axes)})"
            )
        if value not in axes[name]:
            values = ", ".join(f"{v:g}" for v in axes[name])
            raise ArgumentError.of("fix", f"{name}={value:g} is not on the grid ({values})")
    return [
        k
        for k, point in enumerate(grid)
        if all(getattr(point, name) == value for name, value in fixed.items())
    ]
