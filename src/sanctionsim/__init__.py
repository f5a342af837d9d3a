"""sanctionsim: model multilateral sanctions coalitions.

A sourced scenario file becomes game-theoretic analysis, Monte Carlo forecasts, policy
comparisons and reports. Importing the package is cheap and has no side effects: every
subpackage is imported only when used.

>>> import sanctionsim
>>> sanctionsim.__version__
'0.1.0'
"""

__version__ = "0.1.0"

__all__ = ["__version__"]
