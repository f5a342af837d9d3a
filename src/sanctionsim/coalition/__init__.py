"""The coalition model of ``domain/MODEL.md`` §2: parameters read from a scenario, and the
pressure, concession hazard and member payoffs computed from them, vectorised over runs.

Both the static game analysis (:mod:`sanctionsim.game`) and the Monte Carlo engine
(:mod:`sanctionsim.dynamics`) use these functions, so every formula is written once.
"""
