"""Model v2's fitted parameters: the calibration record that ``calibrate`` writes and others read.

Two behavioural parameters are fitted (docs/model-v2.md, "Parameters: three tiers"): λ, the
slope of the logit choice (:mod:`sanctionsim.dynamics.choice`), and α, the scale of the cost of
backing down (:mod:`sanctionsim.coalition.commitment`); v2f fits a third, ψ, the factor on the
analysts' concession hazards (docs/model-v2.md, "v2f"), and v2g a fourth, ξ, the shift of a
carve-out's intercept (docs/model-v2.md, "v2g"). ``sanctionsim calibrate`` fits them on a
library of cases, leaving one cluster out at a time, and writes a :class:`Calibration`: the
parameters fitted on every case, each held-out case's fold parameters, the data used and the
leave-one-cluster-out score. Forecasts read it, never refit: ``simulate`` and the app play the
parameters fitted on every case, ``history`` each case's fold parameters (out of sample).

Each version of the v2 family (:data:`sanctionsim.versions.VERSIONS`) that is fitted has its
own: λ and α are fitted for its rules. The shipped defaults are the package's data files
``dynamics/data/calibration-<version>.json``; ``--calibration FILE`` selects another (of the same
version). A version that reads another's fit (:attr:`~sanctionsim.versions.ModelVersion.fit_of`:
``v2-knights`` reads v2's) takes that version's file and any calibration fitted for it. Every
output records the calibration's hash (:attr:`Calibration.sha256`).

>>> choice = FittedParameters(slope=2.0, backing_down=0.01)
>>> choice.to_dict()
{'slope': 2.0, 'backing_down': 0.01}
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from sanctionsim.errors import ArgumentError, InputError
from sanctionsim.versions import VERSIONS, model_version

CALIBRATION_FORMAT = 1


_NON_NEGATIVE = (
    "slope",
    "backing_down",
    "concession_scale",
    "lobby_weight",
    "temptation_weight",
    "prospect_weight",
    "leader_weight",
    "discretion_weight",
    "coup_concession_ratio",
    "cold_war_ratio",
    "alliance_shift",
    "resolve_months",
)


@dataclass(frozen=True)
class FittedParameters:
    """The fitted parameters of the v2 family: λ (``slope``, dimensionless, >= 0), α
    (``backing_down``, >= 0) and ψ (``concession_scale``, > 0: the factor on the analysts'
    concession hazards, fitted by v2f and v2g and 1 for every other version; docs/model-v2.md,
    "v2f") and ξ (``carve_out_shift``, any finite number: the shift of a carve-out's intercept,
    fitted by v2g only and 0 for every other version; docs/model-v2.md, "v2g", G3) and η
    (``lobby_weight``, >= 0: the weight the member's choice puts on its premium beyond ΔV_i,
    fitted by v2h only and 0 for every other version; docs/model-v2.md, "v2h", H1) and μ
    (``temptation_weight``, >= 0: the weight of the member's premium relative to its case's
    peers in its easing odds, fitted by v2i and v2j and 0 for every other version;
    docs/model-v2.md, "v2i", I1) and ν (``prospect_weight``, >= 0: how far every member's easing
    odds fall with the target's modelled concession hazard against its group's large-N rate,
    fitted by v2j only and 0 for every other version; docs/model-v2.md, "v2j", J1) and ζ
    (``leader_weight``, in [0, 1]: the weight of the leader's case-specific terms in its easing
    odds, fitted by v2k only and 1 for every other version; docs/model-v2.md, "v2k", K1) and ρ
    (``discretion_weight``, >= 0: the shift of a member's easing odds per unit share of aid and
    diplomatic measures among those it holds on the start, fitted by v2l only and 0 for every
    other version; docs/model-v2.md, "v2l", L1) and χ (``coup_concession_ratio``, >= 1: the factor
    on ψ for an episode that answers a coup, fitted by v2m to v2q, held at v2q's 3 by v2r's and
    v2s's grid, and 1 for every other version; docs/model-v2.md, "v2m", M1) and ε
    (``cold_war_ratio``, > 0: the factor on ψ for an episode that starts before the end of the Cold
    War, fitted by v2n and v2o only, and 1 for every other version, v2p to v2s included;
    docs/model-v2.md, "v2n", N1, and "v2q", Q1) and τ (``alliance_shift``, >= 0: the shift of the
    easing log-odds of a sender bound to the target by a defence treaty on the start, fitted by v2o
    and v2p, in the Cold War only for v2p, and 0 for every other version; docs/model-v2.md, "v2o",
    O2, and "v2p", P1; v2p holds ε at 1, P2) and T (``resolve_months``, >= 0: the months over which
    the resolve a member revealed by imposing its measures fades from its easing odds, fitted by v2r
    and v2s only and 0, no fading, for every other version; docs/model-v2.md, "v2r", R1, and "v2s",
    S1).

    >>> FittedParameters(2.0, 0.01, concession_scale=1.5).to_dict()
    {'slope': 2.0, 'backing_down': 0.01, 'concession_scale': 1.5}
    >>> FittedParameters(1.0, 0.01, 2.0, carve_out_shift=-1.0).to_dict()["carve_out_shift"]
    -1.0
    """

    slope: float
    backing_down: float
    concession_scale: float = 1.0
    carve_out_shift: float = 0.0
    lobby_weight: float = 0.0
    temptation_weight: float = 0.0
    prospect_weight: float = 0.0
    leader_weight: float = 1.0
    discretion_weight: float = 0.0
    coup_concession_ratio: float = 1.0
    cold_war_ratio: float = 1.0
    alliance_shift: float = 0.0
    resolve_months: float = 0.0

    def __post_init__(self) -> None:
        for name in _NON_NEGATIVE:
            value = getattr(self, name)
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise ValueError(f"{name} must be a finite number >= 0, got {value!r}")
        for name in ("concession_scale", "cold_war_ratio"):
            if getattr(self, name) == 0:
                raise ValueError(f"{name} must be > 0, got 0")
        if (ratio := self.coup_concession_ratio) < 1:
            raise ValueError(f"coup_concession_ratio must be >= 1, got {ratio!r}")
        if self.leader_weight > 1:
            raise ValueError(f"leader_weight must lie in [0, 1], got {self.leader_weight!r}")
        shift = self.carve_out_shift
        if not (isinstance(shift, int | float) and math.isfinite(shift)):
            raise ValueError(f"carve_out_shift must be a finite number, got {shift!r}")

    def concession_factor(self, answers_coup: bool, cold_war: bool = False) -> float:
        """What multiplies the analyst's concession hazard: ψ, times χ where the episode
        answers a coup (docs/model-v2.md, "v2m", M1), times ε where it starts in the Cold War
        (docs/model-v2.md, "v2n", N1; v2n's reading never passes both).

        >>> FittedParameters(1.0, 0.005, 2.0, coup_concession_ratio=1.5).concession_factor(True)
        3.0
        >>> FittedParameters(1.0, 0.005, 2.0, cold_war_ratio=0.5).concession_factor(False, True)
        1.0
        """
        coup = self.coup_concession_ratio if answers_coup else 1.0
        return self.concession_scale * coup * (self.cold_war_ratio if cold_war else 1.0)

    def to_dict(self) -> dict[str, float]:
        """``{"slope": λ, "backing_down": α}``, with ``"concession_scale": ψ`` where ψ is not 1
        and each parameter only some versions fit (ξ, η, μ, ν, ζ, ρ, χ, ε) where it is not what the
        others hold (so the records of the versions that fit none of them read as they always
        have)."""
        result = {"slope": float(self.slope), "backing_down": float(self.backing_down)}
        for parameter, (_, held) in _FITTED_BY.items():
            value = getattr(self, parameter)
            if value != held:
                result[parameter] = float(value)
        return result


@dataclass(frozen=True)
class Calibration:
    """What ``calibrate`` fitted: global and per-fold parameters, and what they were fitted on.

    Attributes:
        fitted: λ and α fitted on every case of ``cases``.
        folds: for each case of ``cases``, the parameters fitted without its cluster.
        cases: the case ids (and content hashes) the fit used.
        omega: the monthly epoch rate outside renewal dates the fit assumed (fixed, not fitted).
        details: the grid, runs, seed, objective, the LOCO score and per-point objectives.
        sha256: the hash of the file's bytes (or of the canonical JSON when built in memory).
        source: the file read, or ``"in memory"``.
        model: the model version fitted (one of the v2 family).
    """

    fitted: FittedParameters
    folds: Mapping[str, FittedParameters]
    cases: Mapping[str, str]
    omega: float
    details: Mapping[str, Any] = field(default_factory=dict)
    sha256: str = ""
    source: str = "in memory"
    model: str = "v2"

    def for_case(self, case_id: str) -> FittedParameters:
        """The parameters to forecast ``case_id`` out of sample: its fold's when the fit used it,
        else the parameters fitted on every case (the case is new to the fit)."""
        return self.folds.get(case_id, self.fitted)

    def to_dict(self) -> dict[str, Any]:
        """The calibration file's JSON (without its own hash)."""
        return {
            "format": CALIBRATION_FORMAT,
            "model": self.model,
            "fitted": self.fitted.to_dict(),
            "omega": self.omega,
            "folds": {case: p.to_dict() for case, p in sorted(self.folds.items())},
            "cases": dict(sorted(self.cases.items())),
            "details": dict(self.details),
        }

    def to_json(self) -> str:
        """The file's text: indented JSON, keys in a fixed order, a final newline."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    def identity(self) -> dict[str, str]:
        """What an output records of the calibration it used: source and hash."""
        return {"calibration": self.source, "calibration_sha256": self.sha256}


_FITTED_BY = {
    "concession_scale": ("concession_scaled", 1.0),
    "carve_out_shift": ("carve_outs", 0.0),
    "lobby_weight": ("lobby_weighted", 0.0),
    "temptation_weight": ("temptation_ranked", 0.0),
    "prospect_weight": ("prospects_read", 0.0),
    "leader_weight": ("leader_weighted", 1.0),
    "discretion_weight": ("discretion_read", 0.0),
    "coup_concession_ratio": ("coup_scaled", 1.0),
    "cold_war_ratio": ("era_factor_fitted", 1.0),
    "alliance_shift": ("alliance_read", 0.0),
    "resolve_months": ("resolve_revealed", 0.0),
}
"""The parameters only some versions fit: the :class:`~sanctionsim.versions.ModelVersion` flag
of those that do, and the value every other version's calibration must hold (or leave out)."""

HELD_VALUES = MappingProxyType({parameter: held for parameter, (_, held) in _FITTED_BY.items()})
"""What a version that does not fit a parameter holds it at (ψ 1, ξ 0, η 0, μ 0, ν 0, ζ 1, ρ 0,
χ 1, ε 1, τ 0, T 0)."""

SYMBOLS = MappingProxyType(
    {
        "concession_scale": "psi",
        "carve_out_shift": "xi",
        "lobby_weight": "eta",
        "temptation_weight": "mu",
        "prospect_weight": "nu",
        "leader_weight": "zeta",
        "discretion_weight": "rho",
        "coup_concession_ratio": "chi",
        "cold_war_ratio": "epsilon",
        "alliance_shift": "tau",
        "resolve_months": "T",
    }
)
"""The name each parameter only some versions fit is printed by, in the design notes' order."""


def fitted_by(model: str) -> tuple[str, ...]:
    """The parameters beyond λ and α that ``model`` fits, whatever values they were fitted at.

    >>> fitted_by("v2i")
    ('concession_scale', 'temptation_weight')
    >>> fitted_by("v2l")[-1], fitted_by("v2"), fitted_by("v2k")[-1]
    ('discretion_weight', (), 'leader_weight')
    >>> fitted_by("v2m")
    ('concession_scale', 'temptation_weight', 'coup_concession_ratio')
    >>> fitted_by("v2n")[-2:]
    ('coup_concession_ratio', 'cold_war_ratio')
    """
    version = model_version(model)
    return tuple(name for name, (flag, _) in _FITTED_BY.items() if getattr(version, flag))


def _choice(data: Any, where: str, name: str) -> FittedParameters:
    required = {"slope", "backing_down"}
    if not isinstance(data, dict) or not required <= set(data) <= required | set(_FITTED_BY):
        raise InputError.single(
            name,
            f"{where} must have 'slope' and 'backing_down' (and may have 'concession_scale', "
            "'carve_out_shift', 'lobby_weight', 'temptation_weight', 'prospect_weight', "
            "'leader_weight', 'discretion_weight', 'coup_concession_ratio', 'cold_war_ratio', "
            "'alliance_shift' and 'resolve_months')",
        )
    try:
        return FittedParameters(
            float(data["slope"]),
            float(data["backing_down"]),
            **{k: float(data.get(k, held)) for k, (_, held) in _FITTED_BY.items()},
        )
    except (TypeError, ValueError) as error:
        raise InputError.single(name, f"{where}: {error}") from None


def parse_calibration(text: str, name: str) -> Calibration:
    """A calibration from a file's text.

    Raises:
        InputError: not JSON, not a v2 calibration of this format, or a bad parameter.
    """
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError.single(name, f"not JSON: {error.msg}", line=error.lineno) from None
    calibrated = [name for name, version in VERSIONS.items() if version.fits]
    if not isinstance(data, dict) or data.get("model") not in calibrated:
        known = ", ".join(calibrated)
        raise InputError.single(name, f'not a model v2 calibration ("model" not one of {known})')
    if data.get("format") != CALIBRATION_FORMAT:
        raise InputError.single(name, f"calibration format must be {CALIBRATION_FORMAT}")
    omega = data.get("omega")
    if not isinstance(omega, int | float) or not 0 < omega <= 1:
        raise InputError.single(name, "omega must be a number in (0, 1]")
    folds = data.get("folds", {})
    cases = data.get("cases", {})
    if not isinstance(folds, dict) or not isinstance(cases, dict):
        raise InputError.single(name, "folds and cases must be mappings")
    fitted = _choice(data.get("fitted"), "fitted", name)
    fold_parameters = {str(k): _choice(v, f"folds.{k}", name) for k, v in folds.items()}
    version = VERSIONS[data["model"]]
    for parameter, (fits, held) in _FITTED_BY.items():
        if not getattr(version, fits) and any(
            getattr(p, parameter) != held for p in (fitted, *fold_parameters.values())
        ):
            raise InputError.single(
                name,
                f"model {data['model']} does not fit {parameter}: it must be {held:g} or absent",
            )
    return Calibration(
        fitted=fitted,
        folds=fold_parameters,
        cases={str(k): str(v) for k, v in cases.items()},
        omega=float(omega),
        details=data.get("details", {}) if isinstance(data.get("details"), dict) else {},
        sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
        source=name,
        model=str(data["model"]),
    )


MAX_CALIBRATION_FILE = 16 * 1024 * 1024


def calibration_for(model: str, calibration: Calibration | str | Path | None) -> Calibration | None:
    """Check ``model`` and read ``calibration`` (a file's path or a record) for it: the one
    check every command and the Python API make before any work (None: the shipped one, read
    where it is used).

    A version that reads another's fit (``v2-knights``) takes a calibration fitted for that
    version (v2).

    Raises:
        ArgumentError: an unknown ``model``, a ``calibration`` with model v1 or fitted for
            another version, or one that is neither a path nor a :class:`Calibration`.
        InputError: an unreadable or invalid calibration file.
    """
    version = model_version(model)  # an unknown model names the argument ``model``
    if calibration is None:
        return None
    if not version.calibrated:
        raise ArgumentError.of("calibration", "only model v2 reads a calibration")
    if isinstance(calibration, str | Path):
        calibration = load_calibration(calibration)
    if not isinstance(calibration, Calibration):
        raise ArgumentError.of("calibration", "must be a calibration file's path or a Calibration")
    if calibration.model != version.fitted_as:
        reads = "" if version.fit_of is None else f" (model {model} reads {version.fit_of}'s fit)"
        raise ArgumentError.of(
            "calibration",
            f"fitted for model {calibration.model}, not for model {version.fitted_as}{reads}",
        )
    return calibration


def load_calibration(path: Path | str | None = None, *, model: str = "v2") -> Calibration:
    """The calibration in ``path``, or the package's shipped default for ``model`` (for a
    version that reads another's fit, that version's: ``v2-knights`` reads v2's file).

    >>> load_calibration(model="v2-knights").model
    'v2'

    Raises:
        InputError: an unreadable or invalid file (located by its name).
        ArgumentError: a ``model`` that reads no calibration.
    """
    if path is None:
        default = model_version(model).calibration_file
        if default is None:
            raise ArgumentError.of("model", f"model {model} reads no calibration")
        text = resources.files("sanctionsim.dynamics").joinpath("data", default).read_text("utf-8")
        return parse_calibration(text, f"sanctionsim:{default}")
    file = Path(path)
    try:
        if not file.is_file():
            raise InputError.single(str(file), "not a regular file")
        if file.stat().st_size > MAX_CALIBRATION_FILE:
            raise InputError.single(str(file), "larger than 16 MiB: not a calibration")
        with file.open("rb") as handle:
            raw = handle.read(MAX_CALIBRATION_FILE + 1)
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise InputError.single(str(file), f"cannot read: {error}") from None
    return parse_calibration(text, str(file))
