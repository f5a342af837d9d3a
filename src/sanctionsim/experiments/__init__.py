"""Experiments: policies as declarative scenario changes, and (later) paired comparisons,
sensitivity analysis and execution backends."""
