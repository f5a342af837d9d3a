"""Add rows to the score history from ``history --json`` documents, in both places at once.

The score history lives in ``data/score_history.csv`` and in docs/cases.md's table, and
``tests/history/test_track_record.py`` keeps the two equal. Every scoring of the library, flattering
or not, becomes a row: this module writes it from the JSON that ``history`` printed, so no figure
is copied by hand. A row marked current replaces the model version's earlier current row (both
files), since ``history --json`` prints one figure per version at a commit.

    python -m sanctionsim.history.score_rows v2n.json v1.json --date 2026-12-04 \\
        --commit 894ac9a --what "protocol 1 on the 135" --current

Each row's ``what`` ends with the easing AUC and the calibration slope, read from the document.
It is a maintainer's tool, run from a checkout: docs/cases.md is not part of an installed package.

>>> words = easing_words({"auc_easing": 0.7, "auc_easing_ci95": [0.6, 0.8],
...     "auc_easing_within_case": 0.65, "easing_comparisons_within_case": 40,
...     "calibration": {"slope": 0.9, "slope_ci95": [0.7, 1.1]}})
>>> for part in words.split("; "):
...     print(part)
within case and horizon the easing AUC is 0.65 over 40 comparisons
easing AUC 0.70 (0.60 to 0.80), calibration slope 0.90 (0.70 to 1.10)
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path
from typing import Any

from sanctionsim.history.track_record import COLUMNS, EVENT_KINDS

ROOT = Path(__file__).resolve().parents[3]
SHIPPED_CSV = Path(__file__).resolve().parent / "data" / "score_history.csv"
DOCS_CASES = ROOT / "docs" / "cases.md"
MINUS = "\N{MINUS SIGN}"


def signed(value: float) -> str:
    """A difference as docs/cases.md prints it: a real minus sign, a plus for gains.

    >>> signed(-0.0311), signed(0.0)
    ('−0.031', '+0.000')
    """
    text = f"{value:+.3f}"
    return text.replace("-", MINUS)


def easing_words(model: dict[str, Any]) -> str:
    """The easing AUC (pooled and within case) and the calibration slope, as the rows say them."""
    parts = []
    if model.get("auc_easing_within_case") is not None:
        parts.append(
            f"within case and horizon the easing AUC is {model['auc_easing_within_case']:.2f} "
            f"over {model['easing_comparisons_within_case']} comparisons"
        )
    figures = []
    if model.get("auc_easing") is not None:
        low, high = model["auc_easing_ci95"]
        figures.append(f"easing AUC {model['auc_easing']:.2f} ({low:.2f} to {high:.2f})")
    slope = (model.get("calibration") or {}).get("slope")
    if slope is not None:
        low, high = model["calibration"]["slope_ci95"]
        figures.append(f"calibration slope {slope:.2f} ({low:.2f} to {high:.2f})")
    if figures:
        parts.append(", ".join(figures))
    return "; ".join(parts)


def calibration_cell(document: dict[str, Any]) -> str:
    """The CSV's calibration column: the file's name and the hash's first twelve digits."""
    calibration = document.get("calibration")
    if not calibration:
        return "none"
    source, _, digest = calibration.partition(" sha256:")
    name = source.split(":", 1)[-1]
    return f"{Path(name).name} sha256:{digest[:12]}"


def row_from(document: dict[str, Any], *, date: str, commit: str, what: str) -> dict[str, str]:
    """One CSV row (every column a string) from a ``history --json`` document."""
    scored = [case for case in document["cases"] if case["brier"] is not None]
    best = document["best_reference"]
    skill = document["skill"]["vs_best"]
    low, high = skill.get("ci95") or (None, None)
    model = document["model"]
    reference = document["references"][best]
    words = easing_words(model)
    row = {
        "date": date,
        "commit": commit,
        "protocol": str(document["protocol_version"]),
        "model_version": document["model_version"],
        "calibration": calibration_cell(document),
        "cases": str(len(scored)),
        "clusters": str(len({case["cluster"] for case in scored})),
        "headline": f"{model['brier']:.6f}",
        "best_reference": best,
        "best_reference_brier": f"{reference['brier']:.6f}",
        "skill_vs_best": f"{skill['difference']:.6f}",
        "skill_ci95_low": "" if low is None else f"{low:.6f}",
        "skill_ci95_high": "" if high is None else f"{high:.6f}",
        "current": "no",
        "what": f"{what}; {words}" if words else what,
    }
    for prefix, figures in (("brier", model), ("reference_brier", reference)):
        for kind in EVENT_KINDS:
            brier = figures["by_kind"].get(kind)
            row[f"{prefix}_{kind}"] = "" if brier is None else f"{brier:.6f}"
    return row


def table_line(row: dict[str, str]) -> str:
    """The row as a line of docs/cases.md's score history table."""
    model = row["model_version"] + (" **(current)**" if row["current"] == "yes" else "")
    name, _, digest = row["calibration"].partition(" sha256:")
    calibration = f"{name} (sha256 {digest})" if digest else name
    skill = signed(float(row["skill_vs_best"]))
    if row["skill_ci95_low"]:
        low, high = float(row["skill_ci95_low"]), float(row["skill_ci95_high"])
        skill += f" ({signed(low)} to {signed(high)})"
    best = f"{row['best_reference']} ({float(row['best_reference_brier']):.3f})"
    cells = [
        row["date"],
        f"`{row['commit']}`",
        row["protocol"],
        model,
        calibration,
        f"{row['cases']} ({row['clusters']})",
        f"{float(row['headline']):.3f}",
        best,
        skill,
        row["what"],
    ]
    return "| " + " | ".join(cells) + " |"


def _is_row_line(line: str) -> bool:
    return line.startswith("| 2") and "| `" in line


def add_rows(
    new_rows: list[dict[str, str]], *, csv_path: Path = SHIPPED_CSV, docs_path: Path = DOCS_CASES
) -> None:
    """Append the rows to both files; a current row unmarks its version's earlier current row.

    Both files are read and checked before either is written, and each is replaced whole, so a
    failure leaves them as they were.
    """
    with csv_path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    lines = docs_path.read_text().splitlines()
    table = [i for i, line in enumerate(lines) if _is_row_line(line)]
    if len(table) != len(rows):
        raise ValueError(f"{docs_path} shows {len(table)} rows, {csv_path} holds {len(rows)}")
    for new in new_rows:
        if new["current"] != "yes":
            continue
        for index, row in enumerate(rows):
            if row["model_version"] == new["model_version"] and row["current"] == "yes":
                row["current"] = "no"
                lines[table[index]] = lines[table[index]].replace(" **(current)**", "", 1)
    last = table[-1]
    lines[last + 1 : last + 1] = [table_line(row) for row in new_rows]
    rows.extend(new_rows)
    with csv_path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    docs_path.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Read the documents, build their rows, add them; exit 2 on bad input."""
    parser = argparse.ArgumentParser(prog="python -m sanctionsim.history.score_rows")
    parser.add_argument("documents", nargs="+", type=Path, help="history --json outputs")
    parser.add_argument("--date", required=True, help="the day the rows were measured")
    parser.add_argument("--commit", required=True, help="the commit the rows were measured at")
    parser.add_argument("--what", required=True, help="what was scored, and why")
    parser.add_argument(
        "--current", action="store_true", help="mark each row its version's current"
    )
    arguments = parser.parse_args(argv)
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", arguments.date):
        parser.error(f"--date {arguments.date!r} is not YYYY-MM-DD")
    rows = []
    for path in arguments.documents:
        try:
            document = json.loads(path.read_text())
            row = row_from(
                document, date=arguments.date, commit=arguments.commit, what=arguments.what
            )
        except (OSError, ValueError, KeyError, TypeError) as error:
            print(f"error: {path}: not a history --json document ({error})", file=sys.stderr)
            return 2
        row["current"] = "yes" if arguments.current else "no"
        rows.append(row)
    try:  # the module's paths read at the call, so that a test can point them at copies
        add_rows(rows, csv_path=SHIPPED_CSV, docs_path=DOCS_CASES)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"added {len(rows)} rows")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
