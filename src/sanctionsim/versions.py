"""The model versions: one name each, and what each version is built from.

A *model version* is what ``--model`` names everywhere (``simulate``, ``analyze``, ``history``,
``calibrate``, ``experiment``, ``report``, the app and the Python API). Versions share one of two
*kernels* (the month's engine, the accounting and the random streams): ``v1``'s, or model v2's
(docs/model-v2.md), on which the v2 family differs only in its members' rules
(:data:`sanctionsim.dynamics.rules.RULES_BY_MODEL`). Every version of the v2 family reads a
calibration of its own (λ and α fitted for its rules), shipped as a data file of the package.

Versions are never redefined once scored: a change of structure is a new name, with its own row
in the score history (docs/cases.md), so that every row stays reproducible.

>>> model_version("v2b").kernel, model_version("v2b").calibration_file
('v2', 'calibration-v2b.json')
>>> model_version("v3")
Traceback (most recent call last):
...
sanctionsim.errors.ArgumentError: model: unknown model 'v3' (known: v1, v2, v2-shadow, v2b)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from sanctionsim.errors import ArgumentError

Kernel = Literal["v1", "v2"]
ModelName = Literal["v1", "v2", "v2-shadow", "v2b"]
"""The versions' names as a type (for schemas: the app's API, experiment specs); a test checks
it lists exactly :data:`VERSIONS`."""


@dataclass(frozen=True)
class ModelVersion:
    """A model version: its name, its kernel, its shipped calibration and its design's items.

    Attributes:
        name: what ``--model`` says.
        kernel: ``"v1"`` or ``"v2"``: the month's engine, the accounting (which measures a
            member can ease) and the random streams. Versions on one kernel draw the same
            numbers for a seed (paired comparisons).
        calibration_file: the package's data file of fitted λ and α (None: nothing fitted).
        items: the items of docs/model-v2.md the version implements.
    """

    name: str
    kernel: Kernel
    calibration_file: str | None
    items: str

    @property
    def calibrated(self) -> bool:
        """Whether the version reads a calibration (the v2 family)."""
        return self.calibration_file is not None


VERSIONS: MappingProxyType[str, ModelVersion] = MappingProxyType(
    {
        version.name: version
        for version in (
            ModelVersion("v1", "v1", None, "the first model (docs/model.md)"),
            ModelVersion(
                "v2", "v2", "calibration-v2.json", "v2a: items 1-5 (accounting to the clock)"
            ),
            ModelVersion(
                "v2-shadow",
                "v2",
                "calibration-v2-shadow.json",
                "v2a with item 6, the shadow of the future (v2b's ablation)",
            ),
            ModelVersion(
                "v2b",
                "v2",
                "calibration-v2b.json",
                "v2a with items 6 and 7: the shadow of the future, reciprocity as belief",
            ),
        )
    }
)
"""Every model version by name (read-only)."""

DEFAULT = "v1"
"""The version played when none is named."""


def model_version(name: str) -> ModelVersion:
    """The model version ``name``.

    Raises:
        ArgumentError: an unknown name (naming the argument ``model``).
    """
    if name not in VERSIONS:
        known = ", ".join(VERSIONS)
        raise ArgumentError.of("model", f"unknown model {name!r} (known: {known})")
    return VERSIONS[name]


def kernel_of(name: str) -> Kernel:
    """The kernel of version ``name`` (``"v1"`` or ``"v2"``): also which fields it reads.

    >>> kernel_of("v2-shadow")
    'v2'
    """
    return model_version(name).kernel
