"""Game-theoretic analysis: normal-form games, Gambit ``.nfg`` files and Nash solvers.

Importing this package is cheap and has no side effects; import the module you need:

- :mod:`sanctionsim.game.normal_form` — the immutable :class:`~.normal_form.Game`;
- :mod:`sanctionsim.game.nfg` — read and write Gambit strategic-form files;
- :mod:`sanctionsim.game.pure` — all pure equilibria, any number of players;
- :mod:`sanctionsim.game.extreme` — all extreme equilibria of two-player games
  (vertex enumeration, correct on degenerate games);
- :mod:`sanctionsim.game.support` — support enumeration (two players, nondegenerate);
- :mod:`sanctionsim.game.lemke_howson` — one equilibrium by Lemke–Howson;
- :mod:`sanctionsim.game.nplayer` — mixed equilibria of small n-player games;
- :mod:`sanctionsim.game.dominance` — dominance, iterated elimination, Pareto optimality;
- :mod:`sanctionsim.game.result` — the frozen result record and the ``solve`` dispatcher.
"""
