"""Which scenario fields each model version reads: one declared registry.

:data:`INPUTS` lists every field of the scenario language that is a *model input* (a number, a
date or a choice that a model could use), with the schema version that added it and who reads
it: a model version (``v1``: today's coalition parameters, dynamics engine and stage game, read in
``coalition/parameters.py``, ``dynamics/engine.py``, ``game/coalition.py``), or the evaluation
protocol (``history/``), which reads the episode's clock but not the forecast's inputs. Fields
not listed are descriptive (ids, names, notes, sources, the timeline) or the record the forecast
never reads by design (``recorded_outcome``, read only by the scorer). A measure's ``kind`` is not
listed either: every measure must have one, so it is never an input a file sets by choice, though
model v2l reads it (its share of aid and diplomatic measures, docs/model-v2.md, "v2l").

``check`` warns when a file sets an input that the chosen model version does not read (to a
value other than its default, which would change nothing), and ``docs/scenario-format.md`` shows
the same registry as a table; a test keeps the two equal. A field is named by its *pattern*: the
dotted path with list indices written ``[]`` (``measures[].pressure``); a mapping field
(``demand.value_to``) is named without its keys.

>>> reads("v1", "measures[].pressure"), reads("v1", "measures[].lock_in")
(True, False)
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from sanctionsim.scenario.schema_base import Estimate
from sanctionsim.scenario.yaml_source import PathKey
from sanctionsim.versions import VERSIONS, kernel_of

MODEL_VERSIONS = tuple(VERSIONS)
"""Every model version (:data:`sanctionsim.versions.VERSIONS`). A version reads what its kernel
reads: ``v1`` (the first model), or ``v2`` (docs/model-v2.md: everything v1 reads and the fields
marked ``v2``), which every version of the v2 family reads alike; and the fields marked with its
own name (``v2-knights``: the third parties' motive, support and changes, and blocs;
``v2-elite``: the target's leaders and exit guarantees, and measures' channel and ``on``;
``v2-escalation``: the provocations, the possible measures, the decision rules' veto and the veto
players' stance)."""

PROTOCOL = "protocol"
"""The evaluation protocol (``docs/cases.md``): reads the episode's clock, not the forecast."""


@dataclass(frozen=True)
class FieldUse:
    """One model input: its pattern, the schema version that added it, who reads it and how."""

    pattern: str
    since: int
    read_by: tuple[str, ...]
    how: str


def _v1(pattern: str, how: str) -> FieldUse:
    """An input of model v1, read by v2 too."""
    return FieldUse(pattern, 1, ("v1", "v2"), how)


def _unread(pattern: str, since: int, why: str) -> FieldUse:
    return FieldUse(pattern, since, (), why)


LATER = "recorded for model versions to come (issue 13, part 2)"
KNIGHTS = "v2-knights"
"""The version that reads black knights and counter-blocs (docs/model-v2.md, "Mechanism: black
knights and counter-blocs")."""
ELITE = "v2-elite"
"""The version that reads the target's leaders and elite pressure (docs/model-v2.md, "Mechanism:
leadership change and elite pressure")."""
ESCALATION = "v2-escalation"
"""The version that reads provocations and possible measures, and the veto players' stance
(docs/model-v2.md, "Mechanism: escalation and provocations")."""
COUP_SCALED = tuple(name for name, version in VERSIONS.items() if version.coup_scaled)
"""The versions that read whether the episode answers a coup: v2m (docs/model-v2.md, "v2m", M1)
and v2n to v2s, built on it."""
HOLDING = tuple(name for name, version in VERSIONS.items() if version.holding)
"""The versions that read the members' value of holding for its own sake: v2-hold
(docs/model-v2.md, "Mechanism: holding for its own sake") and those built on it."""
ALLIANCE_READ = tuple(name for name, version in VERSIONS.items() if version.alliance_read)
"""The versions that read which senders are bound to the target by a defence treaty: v2o
(docs/model-v2.md, "v2o", O1) and v2p, in the Cold War only ("v2p", P1)."""
STANCE = "; v2-escalation: a veto player's stance on `start`"

INPUTS: tuple[FieldUse, ...] = (
    _v1(
        "start",
        "the forecast's date: every dated fact after it is dropped; v2n to v2s: whether it is"
        " before the Cold War's end",
    ),
    _v1("horizon_months", "`simulate`'s default horizon"),
    FieldUse("episode_began", 1, (PROTOCOL, "v2"), "the large-N clock (v2: its intercept)"),
    _v1("actors[].role", "who is in the coalition"),
    _v1("actors[].trade_share", "w_i"),
    _v1("actors[].strategy", "the member's rule in simulations"),
    _v1("actors[].payoffs.defection_premium_base", "g_i(0)"),
    _v1("actors[].payoffs.defection_premium_slope", "dg_i/dP"),
    _v1("actors[].payoffs.un_breach_cost", "kappa_i"),
    _v1("actors[].payoffs.discount_factor", "delta_i"),
    FieldUse(
        "actors[].payoffs.holding_value",
        2,
        HOLDING,
        f"{', '.join(HOLDING)}: H_i, gained each month the member holds",
    ),
    _unread("actors[].kind", 2, LATER),
    _unread("actors[].ties", 2, LATER),
    FieldUse(
        "actors[].decision_rule",
        2,
        (ESCALATION,),
        "v2-escalation: its `veto`, a possible measure's veto players when it names none",
    ),
    _v1("demand.value_to", "beta_i"),
    _unread("demand.changes", 2, LATER),
    _v1("private_issues[].owner", "whose deal values it"),
    _v1("private_issues[].value", "d_i (with a deal agreed by `start`)"),
    _v1("measures[].imposer", "whose easable set or the fixed pressure"),
    _v1("measures[].legal_basis", "`unsc:` measures are not easable without a deal; kappa_i"),
    FieldUse(
        "measures[].imposed",
        1,
        ("v1", "v2"),
        "in force on `start` or history; v2r, v2s: the age a_i of the member's own measures,"
        " which weighs its case-specific easing terms",
    ),
    _v1("measures[].lifted", "in force on `start` or history"),
    _v1("measures[].level", "level on `start`"),
    _v1("measures[].changes[].date", "level on `start`"),
    _v1("measures[].changes[].level", "level on `start`"),
    _unread("measures[].changes[].decided", 2, LATER),
    _unread("measures[].changes[].cause", 2, LATER),
    _unread("measures[].changes[].under", 2, LATER),
    _v1("measures[].pressure", "pressure, as revenue denied"),
    _v1("measures[].cost", "c_i"),
    _unread("measures[].decided", 2, LATER),
    FieldUse(
        "measures[].channel",
        2,
        (ELITE,),
        "v2-elite: `elite` and `status` press on the elite (every version reads the pressure as "
        "revenue denied)",
    ),
    FieldUse(
        "measures[].on",
        2,
        (ELITE,),
        "v2-elite: a measure bearing on another actor is no elite pressure on the target",
    ),
    _unread("measures[].secondary_on", 2, LATER),
    _unread("measures[].enforcement", 2, LATER + "; v1 reads every level as fully enforced"),
    _unread("measures[].saving", 2, LATER),
    FieldUse("measures[].lock_in", 2, ("v2",), "v2: raises the cost of backing down"),
    FieldUse("measures[].renewal_months", 2, ("v2",), "v2: the member's decision epochs"),
    _unread("measures[].exemptions", 2, LATER + "; v1 reads every level as applied by all"),
    _v1("side_deals[].member", "the dealing member"),
    _v1("side_deals[].issue", "d_i"),
    _v1("side_deals[].agreed", "in effect on `start` or history"),
    _v1("side_deals[].first_mover", "who moves first on each stage"),
    _v1("side_deals[].stages[].member_eases", "the member's easable set and ladder"),
    _v1("side_deals[].stages[].delivery_share", "d_i"),
    _unread("side_deals[].stages[].due", 1, "model v1 plays stages without deadlines"),
    _v1("side_deals[].snap_back.on_renege", "staged reciprocity"),
    _v1("side_deals[].snap_back.widen_by", "staged reciprocity"),
    _v1("side_deals[].snap_back.lag_months", "staged reciprocity"),
    _v1("levers[].kind", "s_i, k_i or q_i"),
    _v1("levers[].beneficiary", "whom it is aimed at"),
    _v1("levers[].amount", "s_i or k_i"),
    _v1("levers[].detection", "q_i"),
    _v1("levers[].in_force", "applied in the baseline"),
    _v1("levers[].available_from", "available on `start`"),
    _unread("levers[].measures", 1, "model v1 does not move measures (policies do)"),
    _unread("levers[].cost_to_holder", 1, "model v1 has no payoff for the holder"),
    _unread("levers[].until", 2, LATER),
    _v1("relations[].between", "the pair"),
    _v1("relations[].trust", "sharing of observations"),
    _v1("relations[].changes[].date", "trust on `start`"),
    _v1("relations[].changes[].trust", "trust on `start`"),
    _v1("third_parties[].actor", "the buster"),
    _v1("third_parties[].substitution_capacity", "leakage"),
    _v1("third_parties[].willingness", "leakage"),
    _v1("third_parties[].rent_sensitivity", "leakage"),
    FieldUse(
        "third_parties[].motive",
        2,
        (KNIGHTS, ESCALATION),
        "v2-knights: a political knight busts whatever the rents (v1, v2 bust for rents only)"
        + STANCE,
    ),
    FieldUse(
        "third_parties[].support",
        2,
        (KNIGHTS, ESCALATION),
        "v2-knights: its `amount` supplied whatever the pressure, in force on `start`" + STANCE,
    ),
    FieldUse(
        "third_parties[].changes",
        2,
        (KNIGHTS, ESCALATION),
        "v2-knights: the stance on `start` (changes dated after it are history)" + STANCE,
    ),
    _v1("target.actor", "the target"),
    _v1("target.resolve", "the concession hazard"),
    _v1("target.concession_hazard.base", "the concession hazard"),
    _v1("target.concession_hazard.maximum", "the concession hazard"),
    _v1("target.concession_hazard.steepness", "the concession hazard"),
    _v1("target.reliable_prior", "the target's type"),
    _v1("target.delivery.reliable", "side-deal delivery"),
    _v1("target.delivery.opportunist", "side-deal delivery"),
    _v1("target.renege.reliable", "side-deal reneging"),
    _v1("target.renege.opportunist", "side-deal reneging"),
    _v1("target.track_record[].outcome", "the reliable-type prior"),
    _v1("target.track_record[].outcome_date", "settled before `start` or not yet known"),
    FieldUse(
        "target.leaders",
        2,
        (ELITE,),
        "v2-elite: the leader in office on `start`, its tenure and exit hazard (later entries "
        "are history)",
    ),
    FieldUse(
        "target.exit_guarantees",
        2,
        (ELITE,),
        "v2-elite: one standing on `start` raises its leader's exit hazard",
    ),
    FieldUse(
        "target.provocations",
        2,
        (ESCALATION, *COUP_SCALED),
        "v2-escalation: the provocation hazard and the response share, from those dated by `start`;"
        " v2m to v2s: whether one of kind `coup` is dated within 365 days before `start` (v2n"
        " to v2s: only where `start` is after the Cold War)",
    ),
    _unread("target.inducements", 2, LATER),
    _v1("observation.detection", "q"),
    _v1("observation.false_alarm", "false alarms"),
    _unread("settlements", 2, LATER),
    FieldUse(
        "possible_measures",
        2,
        (ESCALATION,),
        "v2-escalation: adopted after a provocation unless vetoed; `cost`, `channel`, "
        "`adopted_if` not read",
    ),
    _unread("coercion", 2, LATER),
    FieldUse(
        "blocs",
        2,
        (KNIGHTS, ESCALATION),
        "v2-knights: a counter-bloc's third parties bust at full capacity" + STANCE,
    ),
    _unread("mediation", 2, LATER),
    _unread("shocks", 2, LATER),
    FieldUse(
        "episode_group", 2, (PROTOCOL, "v2"), "the large-N group, over the derived one (v2 too)"
    ),
    FieldUse(
        "alliances",
        2,
        ALLIANCE_READ,
        "v2o: a sender bound to the target by a defence treaty on `start` eases with its odds"
        " shifted by tau; v2p: only where `start` is before the Cold War's end",
    ),
)
"""Every model input, in the order of ``docs/scenario-format.md``."""

_BY_PATTERN = {use.pattern: use for use in INPUTS}

DESCRIPTIVE_V2 = frozenset({"sources[].page"})
"""Fields schema version 2 added that are provenance, not model inputs."""


def _read_by(use: FieldUse, version: str) -> bool:
    """Whether model ``version`` reads ``use``: its kernel does, or it is named itself."""
    return kernel_of(version) in use.read_by or version in use.read_by


def reads(version: str, pattern: str) -> bool:
    """Whether model ``version`` reads the input named ``pattern`` (False for non-inputs).

    >>> reads("v2-knights", "blocs"), reads("v2", "blocs")
    (True, False)
    >>> reads("v2-knights", "measures[].pressure")  # what its kernel reads
    True
    >>> reads("v2-elite", "target.leaders"), reads("v2-knights", "target.leaders")
    (True, False)
    """
    use = _BY_PATTERN.get(pattern)
    return use is not None and _read_by(use, version)


def fields_read(version: str) -> tuple[str, ...]:
    """The patterns of every input model ``version`` reads, in registry order."""
    return tuple(use.pattern for use in INPUTS if _read_by(use, version))


def pattern_of(path: PathKey) -> str:
    """The registry name of a path: ``("measures", 3, "pressure")`` -> ``measures[].pressure``."""
    text = ""
    for part in path:
        text += "[]" if isinstance(part, int) else ("." if text else "") + part
    return text


def explicit_fields(model: BaseModel, path: PathKey = ()) -> Iterator[tuple[PathKey, Any, bool]]:
    """Every field a file set, depth first: ``(path, value, differs_from_default)``.

    Quantities (:class:`Estimate`) and mappings are leaves; models and lists of models are
    walked. A caller that does not want a field's inside skips the paths under it."""
    for name, info in type(model).model_fields.items():
        if name not in model.model_fields_set:
            continue
        value = getattr(model, name)
        default = None if info.default_factory is not None else info.default
        differs = value != default and not (info.default_factory is not None and not value)
        yield (*path, name), value, differs
        yield from _inside(value, (*path, name))


def _inside(value: Any, path: PathKey) -> Iterator[tuple[PathKey, Any, bool]]:
    if isinstance(value, BaseModel) and not isinstance(value, Estimate):
        yield from explicit_fields(value, path)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _inside(item, (*path, index))


def unread_inputs(model: BaseModel, version: str) -> Iterator[tuple[PathKey, FieldUse]]:
    """Inputs the file sets (to a non-default value) that model ``version`` does not read.

    The outermost such field is reported, not each field inside it."""
    skip: PathKey | None = None
    for path, _, differs in explicit_fields(model):
        if skip is not None and path[: len(skip)] == skip:
            continue
        use = _BY_PATTERN.get(pattern_of(path))
        if use is None or not differs or _read_by(use, version) or PROTOCOL in use.read_by:
            continue
        skip = path
        yield path, use


READING_TABLE_MARKS = ("<!-- reading-table:start -->", "<!-- reading-table:end -->")
"""The comments around docs/scenario-format.md's table of :data:`INPUTS`."""


def reading_table() -> list[str]:
    """:data:`INPUTS` as the Markdown table docs/scenario-format.md shows.

    >>> reading_table()[2].startswith("| `start` | 1 | v1, v2 |")
    True
    """
    rows = [
        f"| `{use.pattern}` | {use.since} | {', '.join(use.read_by) or 'no'} | {use.how} |"
        for use in INPUTS
    ]
    return ["| field | since | read by | how |", "| --- | --- | --- | --- |", *rows]


def write_reading_table(doc: Path) -> None:
    """Replace the table between :data:`READING_TABLE_MARKS` in ``doc`` with :func:`reading_table`
    (a maintainer's step, from a checkout, after a version or a field joins the registry)."""
    from sanctionsim.files import write_text_atomically

    text = doc.read_text(encoding="utf-8")
    start, end = READING_TABLE_MARKS
    before, rest = text.split(start, 1)
    after = rest.split(end, 1)[1]
    write_text_atomically(doc, "\n".join([before + start, *reading_table(), end + after]))


if __name__ == "__main__":
    write_reading_table(Path(__file__).resolve().parents[3] / "docs" / "scenario-format.md")
