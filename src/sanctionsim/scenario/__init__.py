"""Scenarios: the schema, the safe YAML loader with located errors, the built-in cases.

The public entry points are :func:`sanctionsim.scenario.loader.load_scenario` and the
:class:`sanctionsim.scenario.schema.Scenario` model.
"""
