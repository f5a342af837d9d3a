"""``sanctionsim analyze``: what game each member plays and what would keep it in."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Annotated

import typer

from sanctionsim.cli._common import input_errors_exit_2, one_format, print_csv, print_json
from sanctionsim.cli.scenario_commands import (
    AtOption,
    CsvOption,
    JsonOption,
    ScenarioArg,
    console,
    load,
    parse_date,
    warn_if_before_measures,
)
from sanctionsim.errors import InputError
from sanctionsim.versions import VERSIONS, in_words

if TYPE_CHECKING:
    from sanctionsim.game.coalition import CoalitionAnalysis, MemberAnalysis
    from sanctionsim.scenario.schema import Scenario

LEGEND = (
    "Legend. game: the 2x2 game of the member against the rest of the coalition, its "
    "Robinson-Goforth code in brackets (Pd Prisoner's Dilemma, Dl Deadlock, Ch Chicken, Sh Stag "
    "Hunt, Ha Harmony; two codes: the member's then the rest's). Martin: Martin's (1992) "
    "leader-follower type (coincidence, coercion, coadjustment), '-' for none. dominant: the "
    "action best whatever the others do. gap T-R: what easing gains the member per month while "
    "the others hold (temptation minus reward), in U. min payment / min penalty: the smallest "
    "monthly side payment for holding, or penalty on a detected easing, that makes holding its "
    "best move. delta*: the least patience (monthly discount factor, 0 to 1) at which the threat "
    "of the others easing for good keeps the member holding ('none': no patience is enough). own "
    "delta: the member's own patience."
)


@input_errors_exit_2
def analyze(
    scenario: ScenarioArg,
    at: AtOption = None,
    pressure_share: Annotated[
        float,
        typer.Option(
            "--pressure-share",
            help="share of the members' easable pressure the leader's package must keep held",
        ),
    ] = 0.75,
    policy: Annotated[
        list[str] | None,
        typer.Option(
            "--policy", help="a built-in policy id or a policy YAML file, applied in order"
        ),
    ] = None,
    model: Annotated[
        str,
        typer.Option(
            help=f"v1, or a version of the v2 family ({in_words(tuple(VERSIONS)[1:])}): v2's "
            "accounting and each member's choice terms under that version"
        ),
    ] = "v1",
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Stage-game analysis per member: game type, dominant action, stabilising levers, delta*."""
    from sanctionsim.experiments.policies import apply_policy, load_policy
    from sanctionsim.game.coalition import analyze as run_analysis

    one_format(json_output, csv_output)
    from sanctionsim.dynamics.calibration import calibration_for

    calibration_for(model, None)  # an unknown model exits 2, naming --model
    if not 0.0 <= pressure_share <= 1.0:
        raise InputError.single("--pressure-share", f"must lie in [0, 1], got {pressure_share}")
    loaded = load(scenario)
    for reference in policy or []:
        loaded = apply_policy(loaded, load_policy(reference))
    date = parse_date(at) if at else None
    warn_if_before_measures(loaded, date or loaded.start)
    result = run_analysis(loaded, date, pressure_share=pressure_share, model=model)
    if json_output:
        print_json(result.to_dict())
        return
    if csv_output:
        print_csv(result.tidy_rows())
        return
    _print(result, loaded)


def _number(value: float | None, digits: int = 3) -> str:
    if value is None or not math.isfinite(value):
        return "none"
    return f"{value:.{digits}f}"


def money(amount: float, utility_unit: str) -> str:
    """``amount`` U a month in the money the scenario's ``utility_unit`` anchors 1 U to, or ""
    when the unit names no sum of money.

    >>> money(2.248, "1 U per month = economic value of about USD 10 million per month")
    ', about $22 m'
    >>> money(0.5, "1 U per month = economic value of about GBP 1 million (1935) per month")
    ', about £0.5 m (1935 money)'
    """
    import re

    found = re.search(
        r"about (USD|GBP|EUR) ([0-9.]+) (million|billion)(?: \((\d{4})\))?", utility_unit
    )
    if found is None:
        return ""
    symbol = {"USD": "$", "GBP": "£", "EUR": "€"}[found[1]]
    millions = amount * float(found[2]) * (1000.0 if found[3] == "billion" else 1.0)
    shown = f"{millions:.0f}" if millions >= 10 else f"{millions:.2g}"
    year = f" ({found[4]} money)" if found[4] else ""
    return f", about {symbol}{shown} m{year}"


def plain_sentence(m: MemberAnalysis, name: str, utility_unit: str) -> str:
    """What a member's analysis means, in one sentence without game theory."""
    whose = f"{name}'" if name.endswith("s") else f"{name}'s"
    payment = m.min_side_payment
    priced = payment is not None and math.isfinite(payment) and payment > 0
    cost = f"{payment:.2f} U a month{money(payment, utility_unit)}" if priced else ""
    if m.dominant_action == "ease":
        first = f"{whose} best move is to ease whatever the others do"
        first += f"; holding would need a payment of at least {cost}" if priced else ""
    elif m.dominant_action == "hold":
        first = f"{whose} best move is to hold whatever the others do; no payment is needed"
    else:
        first = f"{whose} best move depends on what the others do"
        first += (
            f"; a payment of at least {cost} would make holding its best move" if priced else ""
        )
    critical = m.critical_discount_factor
    if m.dominant_action != "hold":
        if critical is not None and math.isfinite(critical) and m.discount_factor >= critical:
            first += (
                "; it would still hold if it expects an easing to end the others' holding for "
                "good, as it values the future enough"
            )
        else:
            first += "; the threat that the others ease in return is too weak to keep it holding"
    return first + "."


def _print(result: CoalitionAnalysis, scenario: Scenario) -> None:
    from rich import box
    from rich.table import Table

    out = console()
    out.print(f"[bold]Stage-game analysis of {result.scenario_id} on {result.date}[/bold]")
    names = {a.id: a.name for a in scenario.actors}
    for m in result.members:
        name = names.get(m.member, m.member)
        out.print(
            f"[bold]{name} ({m.member}, {m.role}):[/bold] "
            + plain_sentence(m, name, scenario.utility_unit),
            highlight=False,
        )
    out.print("Payoffs in U per month at central values; actions: hold / ease.")
    table = Table(box=box.SIMPLE)
    for column in (
        "member",
        "game (member vs rest)",
        "Martin",
        "dominant",
        "gap T-R",
        "min payment",
        "min penalty",
        "delta*",
        "own delta",
    ):
        table.add_column(column)
    for m in result.members:
        table.add_row(
            f"{m.member} ({m.role})",
            m.game_type + (f" [{m.game_code}]" if m.game_code else ""),
            m.martin_type or "-",
            m.dominant_action or "none",
            _number(m.incentive_gap),
            _number(m.min_side_payment),
            _number(m.min_penalty),
            _number(m.critical_discount_factor),
            _number(m.discount_factor, 2),
        )
    out.print(table)
    equilibria = "; ".join("(" + ", ".join(p) + ")" for p in result.pure_equilibria) or "none"
    out.print(f"Pure equilibria of the full game: {equilibria}")
    package = ", ".join(result.package_members) or "nobody"
    out.print(
        f"Leader's least-cost package to keep {result.package_threshold:.3f} of pressure held: "
        f"pay {package}, total {_number(result.package_cost)} U/month ({result.package_reason})."
    )
    for m in result.members:
        reason = m.thresholds["levers_in_force"].reason
        out.print(f"{m.member}: grim trigger with the levers in force: {reason}")
    for member, terms in (result.v2_terms or {}).items():
        out.print(choice_sentence(names.get(member, member), result.model, terms), highlight=False)
    out.print(LEGEND, highlight=False)


def choice_sentence(name: str, model: str, terms: Mapping[str, float | bool]) -> str:
    """A member's choice under a version of the v2 family, in words (docs/model-v2.md).

    >>> terms = {"chance_per_epoch": 0.004, "gain_of_easing": -2.5, "backing_down_cost": 1.2,
    ...          "deadlock": True}
    >>> print(choice_sentence("Japan", "v2b", terms))  # doctest: +NORMALIZE_WHITESPACE
    Japan (model v2b): eases with a chance of 0.40% when it reviews its measures; easing is worth
    -2.50 U against holding, the one-off cost of backing down (1.20 U) included. It plays
    Deadlock: easing pays whatever the others do and no answer to it costs more than it gains,
    so only the cost of backing down and the leader's levers keep it in.
    >>> carving = {**terms, "deadlock": False, "carve_out_share": 0.25,
    ...            "carve_out_chance_per_epoch": 0.01, "gain_of_carve_out": -0.4}
    >>> print(choice_sentence("Japan", "v2g", carving))  # doctest: +NORMALIZE_WHITESPACE
    Japan (model v2g): eases with a chance of 0.40% when it reviews its measures; easing is worth
    -2.50 U against holding, the one-off cost of backing down (1.20 U) included. Or it eases its
    carve-out alone (25% of the pressure it can give up), with a chance of 1.00%; that is worth
    -0.40 U, its share of the cost of backing down included.
    """
    text = (
        f"{name} (model {model}): eases with a chance of {float(terms['chance_per_epoch']):.2%} "
        f"when it reviews its measures; easing is worth {float(terms['gain_of_easing']):.2f} U "
        f"against holding, the one-off cost of backing down "
        f"({float(terms['backing_down_cost']):.2f} U) included."
    )
    if float(terms.get("carve_out_share", 0.0)) > 0:  # model v2g's carve-out
        text += (
            f" Or it eases its carve-out alone ({float(terms['carve_out_share']):.0%} of the "
            f"pressure it can give up), with a chance of "
            f"{float(terms['carve_out_chance_per_epoch']):.2%}; that is worth "
            f"{float(terms['gain_of_carve_out']):.2f} U, its share of the cost of backing down "
            "included."
        )
    if terms.get("deadlock"):
        text += (
            " It plays Deadlock: easing pays whatever the others do and no answer to it costs "
            "more than it gains, so only the cost of backing down and the leader's levers keep "
            "it in."
        )
    return text


def register(app: typer.Typer) -> None:
    """Add this module's commands to ``app``."""
    app.command("analyze")(analyze)
