"""Scoring forecasts of historical sanctions episodes against what history recorded.

:mod:`sanctionsim.history.scoring` holds the pure scoring functions (Brier score, the base-rate
reference, calibration bins, the recorded events of a case); :mod:`sanctionsim.history.forecast`
forecasts every built-in case from its start date and scores it. ``docs/cases.md`` states the
honesty rules the built-in cases follow.
"""
