"""Benchmark how long the scenario reader takes to accept or refuse large hostile files.

Each file is at most the 2 MiB size limit (issue 16, item 5: any such file should be accepted or
refused within 2 s). The files are made here:

* ``keys-16k``: dprk-2014 plus 16,000 unknown top-level keys (about 210 KB);
* ``keys-2mib``: dprk-2014 plus unknown keys up to 2 MiB;
* ``flow-2mib``: one flow sequence ``[1,1,...]`` of 2 MiB (about a million values);
* ``block-2mib``: one block sequence ``- 1`` of 2 MiB (about half a million values);
* ``comment-2mib``: the valid case followed by a comment line up to 2 MiB (few values);
* ``dprk-2014``: the built-in case itself, for scale.

Each is loaded with :func:`sanctionsim.scenario.loader.load_scenario` in this process; the
median of ``--repeats`` runs (default 3) is printed as JSON, with what the reader answered.

Run: ``.venv/bin/python benchmarks/bench_hostile_files.py [--repeats N]``.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

from sanctionsim.errors import ScenarioError
from sanctionsim.scenario.library import case_path
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.scenario.yaml_source import MAX_FILE_BYTES


def make_files(folder: Path) -> dict[str, Path]:
    """The benchmark's files, written under ``folder``."""
    source = case_path("dprk-2014")
    assert source is not None
    base = source.read_text(encoding="utf-8")
    room = MAX_FILE_BYTES - len(base.encode()) - 64
    texts = {
        "dprk-2014": base,
        "keys-16k": base + "".join(f"k{i:05d}: 1\n" for i in range(16_000)),
        "keys-2mib": base + "".join(f"k{i:06d}: 1\n" for i in range(room // 11)),
        "flow-2mib": "a: [" + "1," * (MAX_FILE_BYTES // 2 - 16) + "1]\n",
        "block-2mib": "a:\n" + "- 1\n" * (MAX_FILE_BYTES // 4 - 16),
        "comment-2mib": base + "# " + "x" * room + "\n",
    }
    paths = {}
    for name, text in texts.items():
        path = folder / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        assert path.stat().st_size <= MAX_FILE_BYTES, name
        paths[name] = path
    return paths


def measure(path: Path, repeats: int) -> dict[str, object]:
    """Median seconds to load ``path``, and the answer (accepted, or the first problem)."""
    times = []
    answer = ""
    for _ in range(repeats):
        start = time.perf_counter()
        try:
            load_scenario(path)
            answer = "accepted"
        except ScenarioError as error:
            answer = f"refused ({len(error.problems)} lines): {str(error.problems[0])[-90:]}"
        times.append(time.perf_counter() - start)
    return {
        "bytes": path.stat().st_size,
        "median_s": round(statistics.median(times), 2),
        "answer": answer,
    }


def main() -> None:
    """Make the files, time each, print one JSON document."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        files = make_files(Path(folder))
        results = {name: measure(path, args.repeats) for name, path in files.items()}
    document = {"python": platform.python_version(), "repeats": args.repeats, "files": results}
    print(json.dumps(document, indent=2))


if __name__ == "__main__":
    main()
