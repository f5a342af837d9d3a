"""Tidy tables of results: one definition per record, shown, framed and exported the same way.

Every frozen result record that a user reads (a forecast, an analysis, a history evaluation, an
experiment, the case list) mixes in :class:`TidyRecord` and defines two things:

* ``caption()``: one line naming what the record is (its repr and its notebook caption);
* ``tidy_rows()``: its table as a list of flat rows (one observation per row, primitives only).

From those, the mixin gives ``__repr__`` (short: never the record's contents), ``_repr_html_``
(Jupyter's display) and ``to_frame()`` (pandas, imported only then). The command line prints
the same rows with ``--csv`` (:func:`csv_text`) and writes them beside its JSON with ``--out``
(:func:`write_table`: CSV and Parquet), so a table reads the same in a notebook, a spreadsheet,
Stata or R. Only the standard library and pyarrow are used here; pandas stays an extra.

>>> print(csv_text([{"metric": "p_cascade", "mean": 0.25, "key": None}]), end="")
metric,mean,key
p_cascade,0.25,
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import Sequence
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

if TYPE_CHECKING:
    import pandas as pd

Row = dict[str, Any]
HTML_ROWS = 40
"""Rows a notebook display shows before it says how many more there are."""


def _cell(value: Any) -> Any:
    """A value for a CSV or Parquet cell: lists and mappings as JSON, the rest unchanged."""
    if isinstance(value, list | tuple | dict):
        return json.dumps(value, sort_keys=isinstance(value, dict))
    return value


def flat(rows: Sequence[Row]) -> list[Row]:
    """The rows with every list or mapping cell written as JSON text (a cell holds one value)."""
    return [{key: _cell(value) for key, value in row.items()} for row in rows]


def columns(rows: Sequence[Row]) -> list[str]:
    """Every column of ``rows``, in the order first seen."""
    names: dict[str, None] = {}
    for row in rows:
        names.update(dict.fromkeys(row))
    return list(names)


def csv_text(rows: Sequence[Row]) -> str:
    """The rows as CSV text with a header (missing values empty, lists and mappings as JSON)."""
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns(rows), lineterminator="\n")
    writer.writeheader()
    writer.writerows(flat(rows))
    return buffer.getvalue()


def write_table(rows: Sequence[Row], folder: Path, stem: str) -> tuple[Path, Path]:
    """Write ``stem.csv`` and ``stem.parquet`` in ``folder`` (each atomically); their paths."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from sanctionsim.files import write_atomically, write_text_atomically

    folder.mkdir(parents=True, exist_ok=True)
    table = pa.Table.from_pylist(flat(rows)) if rows else pa.table({})
    parquet, text = folder / f"{stem}.parquet", folder / f"{stem}.csv"
    write_atomically(parquet, lambda temporary: pq.write_table(table, temporary))
    write_text_atomically(text, csv_text(rows))
    return text, parquet


def frame(rows: Sequence[Row]) -> pd.DataFrame:
    """The rows as a pandas DataFrame (pandas is imported here, never before)."""
    import pandas as pd

    return pd.DataFrame(list(rows), columns=columns(rows))


def _html_cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return escape(str(_cell(value)))


def html_table(rows: Sequence[Row], caption: str, limit: int = HTML_ROWS) -> str:
    """An HTML table of ``rows`` under ``caption`` (escaped), at most ``limit`` rows shown.

    >>> html = html_table([{"a": 1.23456, "b": "<x>"}], "t")
    >>> html[html.index("<tbody>") :]
    '<tbody><tr><td>1.235</td><td>&lt;x&gt;</td></tr></tbody></table>'
    """
    names = columns(rows)
    head = "".join(f"<th>{escape(name)}</th>" for name in names)
    body = "".join(
        "<tr>" + "".join(f"<td>{_html_cell(row.get(name))}</td>" for name in names) + "</tr>"
        for row in rows[:limit]
    )
    more = ""
    if len(rows) > limit:
        more = (
            f"<tfoot><tr><td colspan='{len(names)}'>… {len(rows) - limit} more rows: "
            "<code>.to_frame()</code> has them all</td></tr></tfoot>"
        )
    return (
        f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
        f"<tbody>{body}</tbody>{more}</table>"
    )


class TidyRecord:
    """Mixin of a result record: a short repr, a notebook table and a tidy pandas frame.

    A dataclass using it is declared with ``repr=False`` so that this ``__repr__`` is kept. The
    notebook table leaves out ``_caption_columns`` (what the caption already says, the same in
    every row) and ends with ``_note`` (what an interval means), when given.
    """

    _caption_columns: ClassVar[tuple[str, ...]] = ()
    _note: ClassVar[str] = ""

    def caption(self) -> str:
        """One line naming the record (its id, sizes, seed): what ``repr`` shows."""
        raise NotImplementedError

    def tidy_rows(self) -> list[Row]:
        """The record's table: one flat row per observation."""
        raise NotImplementedError

    def to_frame(self) -> pd.DataFrame:
        """:meth:`tidy_rows` as a pandas DataFrame (imports pandas)."""
        return frame(self.tidy_rows())

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.caption()}>"

    def _repr_html_(self) -> str:
        hidden = set(self._caption_columns)
        rows = [{k: v for k, v in row.items() if k not in hidden} for row in self.tidy_rows()]
        note = f"<p>{escape(self._note)}</p>" if self._note else ""
        return html_table(rows, self.caption()) + note
