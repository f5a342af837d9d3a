"""Which model version an experiment's tasks play, and with which calibration.

A spec may say ``model: v2`` and ``calibration: FILE`` (relative to the spec; default the shipped
one): every chunk and sensitivity task then plays model v2 at the calibration's global fit, and
the store's manifest records the version and the calibration's hash, so that ``--resume``
refuses a store simulated otherwise.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sanctionsim.errors import InputError
from sanctionsim.versions import DEFAULT, model_version

if TYPE_CHECKING:
    from sanctionsim.dynamics.calibration import FittedParameters
    from sanctionsim.dynamics.setup import Setup
    from sanctionsim.experiments.spec import ExperimentSpec
    from sanctionsim.scenario.schema import Scenario


@dataclass(frozen=True)
class ModelTerms:
    """The model version a task plays and, for v2, the calibration's global fit and ω."""

    version: str = DEFAULT
    choice: FittedParameters | None = None
    omega: float | None = None
    calibration: dict[str, str] | None = None  # source and hash, for the manifest

    def prepare(self, scenario: Scenario) -> Setup:
        """The engine's set-up of ``scenario`` for this model."""
        from sanctionsim.dynamics.setup import prepare

        return prepare(scenario, self.version, choice=self.choice, omega=self.omega)


def model_terms(spec: ExperimentSpec, base: Path) -> ModelTerms:
    """The spec's model and calibration (v2: the shipped one unless the spec names a file).

    Raises:
        InputError: a calibration named with model v1, or an unreadable calibration file.
    """
    if not model_version(spec.model).calibrated:
        if spec.calibration is not None:
            raise InputError.single("calibration", "only model v2 reads a calibration")
        return ModelTerms(spec.model)
    from sanctionsim.dynamics.calibration import load_calibration

    path = None if spec.calibration is None else base / spec.calibration
    calibration = load_calibration(path, model=spec.model)
    fitted_as = model_version(spec.model).fitted_as  # v2-knights reads v2's fit
    if calibration.model != fitted_as:
        message = f"fitted for model {calibration.model}, not for model {fitted_as}"
        raise InputError.single("calibration", message)
    return ModelTerms(spec.model, calibration.fitted, calibration.omega, calibration.identity())
