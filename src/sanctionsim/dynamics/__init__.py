"""Dynamics: strategies vectorised over Monte Carlo runs, tournaments, the simulation kernel.

Submodules are imported on use (``sanctionsim.dynamics.strategies``,
``sanctionsim.dynamics.tournament``) so that importing the package stays cheap.
"""
