"""Forecasts of historical sanctions episodes, scored against what history recorded.

Data flows one way through the package:

* :mod:`~sanctionsim.history.protocol`: which (event, horizon) pairs of a case are scored and
  what was recorded (docs/cases.md, "The evaluation protocol"), from the scenario alone;
* :mod:`~sanctionsim.history.forecast`: the model's forecasts (the record removed), or any
  forecaster's CSV file;
* :mod:`~sanctionsim.history.climatology` and :mod:`~sanctionsim.history.references`: the
  outcome-blind references a forecast must beat;
* :mod:`~sanctionsim.history.scores`, :mod:`~sanctionsim.history.bootstrap`,
  :mod:`~sanctionsim.history.logistic`: pure statistics;
* :mod:`~sanctionsim.history.assemble`: forecasts every case and lays each pair beside the
  references; :mod:`~sanctionsim.history.evaluation`: the scores, the skill and the JSON
  contract of ``sanctionsim history``;
* :mod:`~sanctionsim.history.track_record`: the shipped score history.
"""
