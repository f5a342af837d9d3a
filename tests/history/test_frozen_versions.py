"""A frozen model version's forecasts of every built-in case are unchanged, case by case.

The score history's current row of each version is what ``history`` printed when it was
measured. Re-running ``history --json`` in full (2,048 runs of 85 cases, most of a minute) for
each of sixteen versions was a third of CI's time, so ``test_track_record.py`` re-runs in full only
the versions that move: v1, the default and the newest version. The others are **frozen**: no
change to the code may alter what they compute. This test holds them to that on every built-in
case, each forecast as ``history`` makes it (the case's fold parameters, the same seed), at 128
runs: one changed byte in any case's probabilities changes its fingerprint. Each version's
figures can still be re-run in full: ``SANCTIONSIM_RERUN_ALL=1 make pytest`` puts every version
in ``test_track_record.py``'s full re-run.

With twenty-odd frozen versions and 160 cases, checking every pair took a quarter of CI's
time. A CI run therefore checks each frozen version on one of ``SHARES`` interleaved shares of
the library (fixed: the share turns with the version's place), so that every case is checked
under several versions and a change to shared code that moves many cases still fails. What a CI
run can miss: a change to what one frozen version alone reads (v2m's Cold War coups, v2p's tie,
v2r's two-sided weight, v2g's carve-outs, ...) that moves only cases outside that version's
share. The full check catches it: ``SANCTIONSIM_FROZEN_EVERY_CASE=1`` asks for it, and the
regeneration below makes it, listing every stored fingerprint that changed and refusing to write
unless told ``--accept-changes``.

The fingerprints are regenerated only when the library grows (every version is then scored
again, each a row of the score history) or when a change is meant to alter a frozen version and
says so in its commit: ``.venv/bin/python tests/history/test_frozen_versions.py``.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
from pathlib import Path

import pytest

from sanctionsim.history.assemble import _forecast_job
from sanctionsim.history.forecast import CaseForecast
from sanctionsim.history.protocol import DEFAULT_HORIZONS
from sanctionsim.scenario.library import case_ids
from sanctionsim.scenario.loader import load_scenario
from sanctionsim.versions import VERSIONS

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # support, when run as a script
from support import rerun_in_full

HERE = Path(__file__).resolve().parent
FINGERPRINTS = HERE / "frozen_versions.json"
RUNS = 128
SEED = 0

SHARES = 4

FROZEN = tuple(v for v in VERSIONS if v not in rerun_in_full())


def checked_cases(model: str) -> list[str]:
    """The cases this run checks under frozen ``model``: every case when asked for, otherwise
    every ``SHARES``-th case from the version's place among the frozen."""
    cases = case_ids()
    if os.environ.get("SANCTIONSIM_FROZEN_EVERY_CASE") == "1":
        return cases
    return cases[FROZEN.index(model) % SHARES :: SHARES]


def fingerprint(forecast: CaseForecast) -> str:
    """The first 16 hex digits of the SHA-256 of a case's probabilities, exactly as floats."""
    values = sorted(
        [kind, event, horizon, repr(p)]
        for kind, table in (("primitive", forecast.probabilities), ("derived", forecast.derived))
        for (event, horizon), p in table.items()
    )
    return hashlib.sha256(json.dumps(values).encode()).hexdigest()[:16]


def fingerprints(model: str, cases: list[str] | None = None) -> dict[str, str]:
    """Each of ``cases``' fingerprint under ``model`` (by default every built-in case), forecast
    as ``history`` forecasts it."""
    calibration = None
    if VERSIONS[model].calibrated:
        from sanctionsim.dynamics.calibration import load_calibration

        calibration = load_calibration(model=model)
    return {
        case: fingerprint(
            _forecast_job(load_scenario(case), DEFAULT_HORIZONS, RUNS, SEED, model, calibration)()
        )
        for case in (case_ids() if cases is None else cases)
    }


def test_the_file_covers_every_frozen_version_and_every_case() -> None:
    stored = json.loads(FINGERPRINTS.read_text())
    assert stored["runs"] == RUNS
    assert stored["seed"] == SEED
    assert sorted(stored["versions"]) == sorted(FROZEN)
    for model in FROZEN:
        assert sorted(stored["versions"][model]) == sorted(case_ids()), model


def test_the_shares_together_check_every_case_under_several_versions() -> None:
    times_checked = dict.fromkeys(case_ids(), 0)
    for model in FROZEN:
        for case in checked_cases(model):
            times_checked[case] += 1
    assert min(times_checked.values()) >= len(FROZEN) // SHARES >= 2


@pytest.mark.slow
@pytest.mark.parametrize("model", FROZEN)
def test_a_frozen_versions_forecasts_are_unchanged(model: str) -> None:
    expected = json.loads(FINGERPRINTS.read_text())["versions"][model]
    changed = {
        case: (expected.get(case), now)
        for case, now in fingerprints(model, checked_cases(model)).items()
        if expected.get(case) != now
    }
    assert not changed, f"{model}'s forecasts changed on {sorted(changed)}"


def main() -> None:
    """Write the fingerprints of every frozen version (see the module's docstring for when),
    after listing every stored one that changed; any change is refused without
    ``--accept-changes``."""
    document = {
        "runs": RUNS,
        "seed": SEED,
        "horizons": list(DEFAULT_HORIZONS),
        "versions": {model: fingerprints(model) for model in FROZEN},
    }
    stored = json.loads(FINGERPRINTS.read_text())["versions"] if FINGERPRINTS.exists() else {}
    changed = sorted(
        (model, case)
        for model, cases in stored.items()
        for case, value in cases.items()
        if document["versions"].get(model, {}).get(case, value) != value
    )
    for model, case in changed:
        print(f"changed: {model} {case}", file=sys.stderr)
    if changed and "--accept-changes" not in sys.argv[1:]:
        print(f"{len(changed)} stored fingerprints changed; nothing written", file=sys.stderr)
        raise SystemExit(1)
    FINGERPRINTS.write_text(json.dumps(document, indent=1, sort_keys=True) + "\n")
    cases = len(case_ids())
    print(f"wrote {FINGERPRINTS} ({len(FROZEN)} versions, {cases} cases)", file=sys.stderr)


if __name__ == "__main__":
    main()
