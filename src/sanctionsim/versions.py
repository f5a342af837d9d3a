"""The model versions: one name each, and what each version is built from.

A *model version* is what ``--model`` names everywhere (``simulate``, ``analyze``, ``history``,
``calibrate``, ``experiment``, ``report``, the app and the Python API). Versions share one of two
*kernels* (the month's engine, the accounting and the random streams): ``v1``'s, or model v2's
(docs/model-v2.md), on which the v2 family differs only in its members' rules
(:data:`sanctionsim.dynamics.rules.RULES_BY_MODEL`). Every version of the v2 family reads a
calibration (λ and α fitted for its rules), shipped as a data file of the package: its own, or,
for a version whose design fits nothing new (``v2-knights``: what third parties supply,
docs/model-v2.md, "Mechanism: black knights and counter-blocs"), the fit of the version it
builds on (:attr:`ModelVersion.fit_of`); likewise ``v2-elite`` (the target's leadership change
and elite pressure, docs/model-v2.md, "Mechanism: leadership change and elite pressure") and
``v2-escalation`` (the target's provocations and the adoption of possible measures,
docs/model-v2.md, "Mechanism: escalation and provocations") and ``v2-hold`` (each member's value
of holding for its own sake, docs/model-v2.md, "Mechanism: holding for its own sake").
Each later version is its design note's section of docs/model-v2.md (``v2c`` to ``v2s``), and
its :attr:`ModelVersion.items` says in one line what it adds to the version it builds on; each
flag's behaviour is tested in that version's ``tests/dynamics/test_model_*.py``.

Versions are never redefined once scored: a change of structure is a new name, with its own row
in the score history (docs/cases.md), so that every row stays reproducible.

>>> model_version("v2b").kernel, model_version("v2b").calibration_file
('v2', 'calibration-v2b.json')
>>> knights = model_version("v2-knights")
>>> knights.kernel, knights.busting, knights.fitted_as, knights.calibration_file
('v2', 'knights', 'v2', 'calibration-v2.json')
>>> elite = model_version("v2-elite")
>>> elite.kernel, elite.leadership, elite.fitted_as, model_version("v2").leadership
('v2', True, 'v2', False)
>>> model_version("v2s").resolve_one_sided, model_version("v2r").resolve_one_sided
(True, False)
>>> model_version("v3")  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
sanctionsim.errors.ArgumentError: model: unknown model 'v3' (known: v1, v2, v2-shadow, v2b, ...)
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

from sanctionsim.errors import ArgumentError

Kernel = Literal["v1", "v2"]
Busting = Literal["commercial", "knights"]
"""What third parties supply: ``commercial``, every third party busts for rents (model v1's
leakage); ``knights``, political busting, support, stances on the date and counter-blocs
(docs/model-v2.md, "Mechanism: black knights and counter-blocs")."""
ModelName = Literal[
    "v1",
    "v2",
    "v2-shadow",
    "v2b",
    "v2-knights",
    "v2-elite",
    "v2-escalation",
    "v2-hold",
    "v2c",
    "v2c-hold",
    "v2d",
    "v2e",
    "v2f",
    "v2g",
    "v2h",
    "v2i",
    "v2j",
    "v2k",
    "v2l",
    "v2m",
    "v2n",
    "v2o",
    "v2p",
    "v2q",
    "v2r",
    "v2s",
]
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
        busting: what third parties supply (:data:`Busting`); the parameters' builder reads it
            (:func:`sanctionsim.coalition.parameters.draw_parameters`).
        fit_of: the version whose calibration this one reads (None: its own). A version that
            reads another's fit is never fitted itself (``calibrate`` refuses it).
        leadership: whether the target's leader may leave office, its successor's resolve
            redrawn, elite measures and exit guarantees raising that hazard (the engine's set-up
            reads it: :mod:`sanctionsim.dynamics.leadership`).
        escalation: whether the target provokes and possible measures are adopted during the
            forecast (:mod:`sanctionsim.dynamics.escalation`; docs/model-v2.md, "Mechanism:
            escalation and provocations").
        holding: whether each member gains its holding value H_i for every month it holds
            (``payoffs.holding_value``; docs/model-v2.md, "Mechanism: holding for its own sake").
        classics_believe: whether a member playing a classic strategy sees the others through
            item 7's belief rather than each month's report (docs/model-v2.md, "v2d").
        persistent_inclination: whether each member draws, once a run, a persistent shock to
            its logit (docs/model-v2.md, "v2e", E1; the engine's streams and clock read it).
        concession_scaled: whether the version fits ψ, the factor on the analysts' concession
            hazards (docs/model-v2.md, "v2f"); ``calibrate`` then searches v2f's grid, and a
            calibration of any other version must leave ψ at 1.
        carve_outs: whether a member may ease one measure, its carve-out, rather than all
            (docs/model-v2.md, "v2g"); ``calibrate`` then searches v2g's grid (ξ with ψ, λ and
            α), and a calibration of any other version must leave ξ at 0.
        lobby_weighted: whether the member's choice weighs its premium with a fitted lobby
            weight η (docs/model-v2.md, "v2h"); ``calibrate`` then searches v2h's grid (η with
            ψ, λ and α), and a calibration of any other version must leave η at 0.
        temptation_ranked: whether the member's premium relative to its case's peers shifts
            its easing odds by a fitted weight μ (docs/model-v2.md, "v2i"); ``calibrate`` then
            searches v2i's grid (μ with ψ, λ and α), and any other version must leave μ at 0.
        prospects_read: whether every member's easing odds fall with the target's modelled
            concession hazard against its group's large-N rate, by a fitted weight ν
            (docs/model-v2.md, "v2j", J1); ``calibrate`` then searches v2j's grid (ν with μ, ψ
            and λ), and any other version must leave ν at 0.
        leader_ranked: whether the leader is among the peers the premium's ranking compares
            (v2i); v2j ranks the members without it, its τ 0 (docs/model-v2.md, "v2j", J2).
        leader_weighted: whether the leader's case-specific terms (τ_L and λ·ΔV_L/S_L) are
            weighed by a fitted ζ (docs/model-v2.md, "v2k", K1); ``calibrate`` then searches
            v2k's grid (ζ with μ, ψ and λ), and any other version must leave ζ at 1.
        discretion_read: whether a member's share of aid and diplomatic measures on the start
            shifts its easing odds by a fitted ρ (docs/model-v2.md, "v2l", L1); ``calibrate``
            then searches v2l's grid (ρ with μ, ψ and λ), and any other version must leave ρ
            at 0.
        coup_scaled: whether the concession hazard of an episode that answers a coup is scaled by
            a fitted χ besides ψ (docs/model-v2.md, "v2m", M1); ``calibrate`` then searches
            v2m's grid (χ with ψ, μ and λ), and any other version must leave χ at 1.
        era_read: whether the version reads the era (the start before the Cold War's end): χ
            then acts only after it, and where ε is fitted (:attr:`era_factor_fitted`) the Cold
            War's concession is scaled by ε besides ψ (docs/model-v2.md, "v2n", N1).
        alliance_read: whether a sender bound to the target by a defence treaty on the start
            (the scenario's ``alliances``) has its easing odds shifted by a fitted τ
            (docs/model-v2.md, "v2o", O2); ``calibrate`` then searches v2o's grid (τ with ε, χ,
            ψ and λ), and any other version must leave τ at 0.
        tie_in_cold_war_only: whether τ acts only for an episode that starts before the end of
            the Cold War (docs/model-v2.md, "v2p", P1); ``calibrate`` then searches v2p's grid
            (τ with χ, ψ and λ, ε held at 1).
        era_factor_held: whether the version reads the era for χ only, ε held at 1 (v2q's one
            concession level for both eras, docs/model-v2.md, "v2q", Q1; v2r's and v2s's too).
        resolve_revealed: whether the case-specific part of a member's easing logit is weighed
            by 1 − exp(−a_i/T), a_i the age of its own measures, so that a fresh measure's
            revealed resolve fades over T months (docs/model-v2.md, "v2r", R1); ``calibrate``
            then searches v2r's grid (T with λ), and any other version must leave T at 0.
        resolve_one_sided: whether that weight only lowers the easing odds (the terms enter as
            min(x, r·x): docs/model-v2.md, "v2s", S1); v2s, on v2r's grid.
    """

    name: str
    kernel: Kernel
    calibration_file: str | None
    items: str
    busting: Busting = "commercial"
    fit_of: str | None = None
    leadership: bool = False
    escalation: bool = False
    holding: bool = False
    classics_believe: bool = False
    persistent_inclination: bool = False
    concession_scaled: bool = False
    carve_outs: bool = False
    lobby_weighted: bool = False
    temptation_ranked: bool = False
    prospects_read: bool = False
    leader_ranked: bool = True
    leader_weighted: bool = False
    discretion_read: bool = False
    coup_scaled: bool = False
    era_read: bool = False
    alliance_read: bool = False
    tie_in_cold_war_only: bool = False
    era_factor_held: bool = False
    resolve_revealed: bool = False
    resolve_one_sided: bool = False

    @property
    def calibrated(self) -> bool:
        """Whether the version reads a calibration (the v2 family)."""
        return self.calibration_file is not None

    @property
    def era_factor_fitted(self) -> bool:
        """Whether the version fits ε (v2n, v2o); v2p to v2s read the era but hold ε at 1,
        so a calibration of theirs with another ε is refused (docs/model-v2.md, "v2q", Q1)."""
        return self.era_read and not (self.era_factor_held or self.tie_in_cold_war_only)

    @property
    def fitted_as(self) -> str:
        """The version a calibration it reads must have been fitted for: ``fit_of``, or itself."""
        return self.name if self.fit_of is None else self.fit_of

    @property
    def fits(self) -> bool:
        """Whether ``calibrate`` fits this version (calibrated, and reading its own fit)."""
        return self.calibrated and self.fit_of is None


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
            ModelVersion(
                "v2-knights",
                "v2",
                "calibration-v2.json",
                "v2a with black knights' political busting and counter-blocs (issue 13, part 2)",
                busting="knights",
                fit_of="v2",
            ),
            ModelVersion(
                "v2-elite",
                "v2",
                "calibration-v2.json",
                "v2a with the target's leadership change and elite pressure (issue 13, part 2)",
                fit_of="v2",
                leadership=True,
            ),
            ModelVersion(
                "v2-escalation",
                "v2",
                "calibration-v2.json",
                "v2a with the target's provocations and escalation (issue 13, part 2)",
                fit_of="v2",
                escalation=True,
            ),
            ModelVersion(
                "v2-hold",
                "v2",
                "calibration-v2.json",
                "v2a with holding for its own sake, H_i per month held (issues 11 and 13)",
                fit_of="v2",
                holding=True,
            ),
            ModelVersion(
                "v2c",
                "v2",
                "calibration-v2c.json",
                "v2a with the decision's whole stake as the choice's scale (C1; issue 11)",
            ),
            ModelVersion(
                "v2c-hold",
                "v2",
                "calibration-v2c.json",
                "v2c with holding for its own sake, H_i per month held (issue 11)",
                fit_of="v2c",
                holding=True,
            ),
            ModelVersion(
                "v2d",
                "v2",
                "calibration-v2c.json",
                "v2c-hold with the classic strategies reading reports by belief (issue 11)",
                fit_of="v2c",
                holding=True,
                classics_believe=True,
            ),
            ModelVersion(
                "v2e",
                "v2",
                "calibration-v2e.json",
                "v2-hold with a persistent inclination per member, refitted (E1-E4; issue 11)",
                holding=True,
                persistent_inclination=True,
            ),
            ModelVersion(
                "v2f",
                "v2",
                "calibration-v2f.json",
                "v2-hold, a fitted factor on the analysts' concession hazards (F1-F3, issue 11)",
                holding=True,
                concession_scaled=True,
            ),
            ModelVersion(
                "v2g",
                "v2",
                "calibration-v2g.json",
                "v2f with carve-outs: one measure eased rather than all (G1-G5, issue 11)",
                holding=True,
                concession_scaled=True,
                carve_outs=True,
            ),
            ModelVersion(
                "v2h",
                "v2",
                "calibration-v2h.json",
                "v2f with a lobby weight on the premium in the choice (H1-H3, issue 11)",
                holding=True,
                concession_scaled=True,
                lobby_weighted=True,
            ),
            ModelVersion(
                "v2i",
                "v2",
                "calibration-v2i.json",
                "v2f with the premium relative to the case's peers in the easing odds (I1-I3, "
                "issue 11)",
                holding=True,
                concession_scaled=True,
                temptation_ranked=True,
            ),
            ModelVersion(
                "v2j",
                "v2",
                "calibration-v2j.json",
                "v2i with the target's prospects in the easing odds and the leader outside the "
                "peers' ranking (J1-J3, issue 11)",
                holding=True,
                concession_scaled=True,
                temptation_ranked=True,
                prospects_read=True,
                leader_ranked=False,
            ),
            ModelVersion(
                "v2k",
                "v2",
                "calibration-v2k.json",
                "v2i with the leader's case-specific terms weighed by a fitted zeta (K1-K2, "
                "issue 11)",
                holding=True,
                concession_scaled=True,
                temptation_ranked=True,
                leader_weighted=True,
            ),
            ModelVersion(
                "v2l",
                "v2",
                "calibration-v2l.json",
                "v2i with a member's aid and diplomatic measures raising its easing odds by a "
                "fitted rho (L1-L3, issue 11)",
                holding=True,
                concession_scaled=True,
                temptation_ranked=True,
                discretion_read=True,
            ),
            ModelVersion(
                "v2m",
                "v2",
                "calibration-v2m.json",
                "v2i with the concession of an episode answering a coup scaled by a fitted chi "
                "(M1-M3, issue 11)",
                holding=True,
                concession_scaled=True,
                temptation_ranked=True,
                coup_scaled=True,
            ),
            ModelVersion(
                "v2n",
                "v2",
                "calibration-v2n.json",
                "v2m with the concession of a Cold War episode scaled by a fitted epsilon, chi "
                "for post-1991 coups only (N1-N3, issue 11)",
                holding=True,
                concession_scaled=True,
                temptation_ranked=True,
                coup_scaled=True,
                era_read=True,
            ),
            ModelVersion(
                "v2o",
                "v2",
                "calibration-v2o.json",
                "v2n with a sender bound to the target by a defence treaty easing sooner, by a "
                "fitted tau (O1-O4, issue 11)",
                holding=True,
                concession_scaled=True,
                temptation_ranked=True,
                coup_scaled=True,
                era_read=True,
                alliance_read=True,
            ),
            ModelVersion(
                "v2p",
                "v2",
                "calibration-v2p.json",
                "v2o with the tie acting in the Cold War only and the era's factor epsilon held at "
                "1 (P1-P4, issue 11)",
                holding=True,
                concession_scaled=True,
                temptation_ranked=True,
                coup_scaled=True,
                era_read=True,
                alliance_read=True,
                tie_in_cold_war_only=True,
            ),
            ModelVersion(
                "v2q",
                "v2",
                "calibration-v2q.json",
                "v2n with the era's factor epsilon held at 1: one concession level for both eras, "
                "chi for post-1991 coups only (Q1-Q2, issue 11)",
                holding=True,
                concession_scaled=True,
                temptation_ranked=True,
                coup_scaled=True,
                era_read=True,
                era_factor_held=True,
            ),
            ModelVersion(
                "v2r",
                "v2",
                "calibration-v2r.json",
                "v2q with a fresh measure's revealed resolve fading from its sender's easing odds "
                "over a fitted T months (R1-R3, issue 11)",
                holding=True,
                concession_scaled=True,
                temptation_ranked=True,
                coup_scaled=True,
                era_read=True,
                era_factor_held=True,
                resolve_revealed=True,
            ),
            ModelVersion(
                "v2s",
                "v2",
                "calibration-v2s.json",
                "v2r with the revealed resolve one-sided: it only lowers a fresh sender's easing "
                "odds (S1-S3, issue 11)",
                holding=True,
                concession_scaled=True,
                temptation_ranked=True,
                coup_scaled=True,
                era_read=True,
                era_factor_held=True,
                resolve_revealed=True,
                resolve_one_sided=True,
            ),
        )
    }
)
"""Every model version by name (read-only)."""

DEFAULT: ModelName = "v2n"
"""The version played when none is named: v2n since 2026-12-04 (session 19), by the rule fixed
before its blind test (docs/model-v2.md, "v2n and its blind test, as measured"); v2i before it,
v2f before that. ``v1`` and every other version stay selectable by name and reproducible."""


def in_words(names: tuple[str, ...] = tuple(VERSIONS)) -> str:
    """Version names as a sentence's list, for help texts.

    >>> in_words(("v1", "v2", "v2b"))
    'v1, v2 or v2b'
    """
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


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
