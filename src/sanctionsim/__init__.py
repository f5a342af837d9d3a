"""sanctionsim: model multilateral sanctions coalitions.

A sourced scenario file becomes game-theoretic analysis, Monte Carlo forecasts, policy
comparisons and reports. The Python API (``docs/python.md``) is seven functions at the top level:
:func:`load`, :func:`cases`, :func:`analyze`, :func:`simulate`, :func:`apply_policy`,
:func:`history` and :func:`experiment` (defined in :mod:`sanctionsim.api`). Importing the package
is cheap and has no side effects: the functions, and every subpackage, are imported only when
first used.

>>> import sanctionsim
>>> sanctionsim.__version__
'0.1.0'
>>> sanctionsim.load("dprk-2014").start
datetime.date(2014, 7, 4)
"""

from __future__ import annotations

import types

TYPE_CHECKING = False  # not typing's: importing typing would triple the import time

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "analyze",
    "apply_policy",
    "cases",
    "experiment",
    "history",
    "load",
    "simulate",
]

_API = frozenset(__all__) - {"__version__", "history"}

if TYPE_CHECKING:
    from typing import Any

    from sanctionsim.api import (
        analyze,
        apply_policy,
        cases,
        experiment,
        history,
        load,
        simulate,
    )


def __getattr__(name: str) -> Any:
    """The API's functions, imported from :mod:`sanctionsim.api` on first use (PEP 562)."""
    if name in _API:
        from sanctionsim import api

        value = getattr(api, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'sanctionsim' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})


class _CallableHistory(types.ModuleType):
    """The subpackage :mod:`sanctionsim.history`, callable as the API's ``history(...)``.

    ``sanctionsim.history`` names both the subpackage (scoring forecasts against history) and
    the API's function; Python binds a subpackage to its parent's attribute once imported, so
    the function lives on as the subpackage's ``__call__`` and ``sanctionsim.history.evaluation``
    keeps working.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from sanctionsim.api import history

        return history(*args, **kwargs)


# The subpackage's __init__ holds a docstring only, so this costs nothing at import. (Not an
# import statement: to a type checker, ``sanctionsim.history`` is the API's function.)
__import__("sanctionsim.history").history.__class__ = _CallableHistory
