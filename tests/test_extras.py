"""The extras say what they are for (DESIGN.md: the core stays light; heavy tools are extras):
matplotlib is the notebook example's alone, and the Makefile's install still brings it, so that
the tests of docs/python.md and examples/notebook.py run."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXTRAS: dict[str, list[str]] = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"][
    "optional-dependencies"
]


def _name(requirement: str) -> str:
    return re.split(r"[<>=!~\[; ]", requirement, maxsplit=1)[0].lower()


def installed_by(extras: list[str]) -> set[str]:
    """The distributions ``pip install '.[extras]'`` asks for, self-references expanded."""
    names: set[str] = set()
    pending, seen = list(extras), set()
    while pending:
        extra = pending.pop()
        if extra in seen:
            continue
        seen.add(extra)
        for requirement in EXTRAS[extra]:
            if _name(requirement) == "sanctionsim":
                pending += re.search(r"\[(.*)\]", requirement).group(1).split(",")  # type: ignore[union-attr]
            else:
                names.add(_name(requirement))
    return names


def test_matplotlib_is_the_notebook_extras_and_make_install_brings_it() -> None:
    makefile = (ROOT / "Makefile").read_text()
    line = re.search(r"pip install .*'\.\[([a-z,]+)\]'", makefile)
    assert line is not None, "the Makefile's install line moved: update this test"
    assert "matplotlib" in installed_by(line.group(1).split(","))
    assert "matplotlib" in installed_by(["notebook"])
    assert "matplotlib" not in installed_by(["report"])  # figures are Vega-Lite, drawn once
    assert {"pandas", "altair", "vl-convert-python"} <= installed_by(["report"])


def test_the_package_never_imports_matplotlib() -> None:
    importing = [
        path.relative_to(ROOT).as_posix()
        for path in (ROOT / "src").rglob("*.py")
        if re.search(r"^\s*(import|from) matplotlib", path.read_text(), re.MULTILINE)
    ]
    assert importing == []
