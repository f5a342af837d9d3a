"""The target's behaviour and the members' beliefs about its type, vectorised over runs.

* **Type.** In each run the target is the *reliable* type with the probability drawn for that
  run from the reliable-type prior (a Beta draw from the dated track record,
  :func:`sanctionsim.coalition.parameters.reliable_prior_from_record`), else the *opportunist*.
* **Side deals.** While a stage is due (the member has paid for it), the target delivers it in a
  month with its type's delivery probability ``d`` and reneges with its reneging probability
  ``r``, competing: one uniform ``u`` per run and month gives *deliver* if ``u < d``, *renege*
  if ``d <= u < d + r``, else *wait* (``d + r`` is capped at 1, delivery first).
* **Concession.** Each month the target concedes on the demand with the hazard
  :func:`sanctionsim.coalition.payoffs.concession_hazard` of the net pressure (TIES logic).
* **Beliefs.** Members update ``P(reliable)`` by Bayes' rule on the deal moves they observe.
  The deal's own member sees every move; another member hears of it only when the deal member
  shares it (probability: their trust), and a shared report is wrong with the false-alarm
  probability (replaced by one of the two other outcomes at random), which the update accounts
  for.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import numpy.typing as npt

if TYPE_CHECKING:
    from sanctionsim.coalition.parameters import CoalitionParameters

BoolArray = npt.NDArray[np.bool_]
FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int8]

DELIVER, RENEGE, WAIT = 0, 1, 2


def draw_types(params: CoalitionParameters, uniform: FloatArray) -> BoolArray:
    """Whether the target is the reliable type in each run: ``u < prior``."""
    result: BoolArray = uniform < params.reliable_prior
    return result


def move_probabilities(
    params: CoalitionParameters, reliable: BoolArray
) -> tuple[FloatArray, FloatArray]:
    """Per run, the monthly chances of delivering and of reneging on a due stage, by type."""
    deliver = np.where(reliable, params.delivery_reliable, params.delivery_opportunist)
    renege = np.where(reliable, params.renege_reliable, params.renege_opportunist)
    deliver = np.minimum(deliver, 1.0)
    renege = np.minimum(renege, 1.0 - deliver)
    return deliver, renege


def deal_moves(
    uniform: FloatArray, deliver: FloatArray, renege: FloatArray, due: BoolArray
) -> IntArray:
    """The target's move on a deal in each run: DELIVER, RENEGE or WAIT (WAIT when not due)."""
    move = np.full(uniform.shape, WAIT, dtype=np.int8)
    move[due & (uniform < deliver)] = DELIVER
    move[due & (uniform >= deliver) & (uniform < deliver + renege)] = RENEGE
    return move


def move_likelihoods(deliver: FloatArray, renege: FloatArray) -> npt.NDArray[np.float64]:
    """``(runs, 3)``: the chance of each move (DELIVER, RENEGE, WAIT) of a due stage."""
    result: npt.NDArray[np.float64] = np.stack([deliver, renege, 1.0 - deliver - renege], axis=-1)
    return result


def type_likelihoods(params: CoalitionParameters) -> tuple[FloatArray, FloatArray]:
    """The move likelihoods ``(runs, 3)`` under the reliable and under the opportunist type."""
    reliable = np.ones(params.runs, dtype=np.bool_)
    return (
        move_likelihoods(*move_probabilities(params, reliable)),
        move_likelihoods(*move_probabilities(params, ~reliable)),
    )


def garbled(likelihood: npt.NDArray[np.float64], noise: FloatArray) -> npt.NDArray[np.float64]:
    """Likelihood of a *report*: right with probability 1 - noise, else one of the others.

    ``P(report = x) = (1 - f) P(x) + f (1 - P(x)) / 2``.
    """
    f = noise[:, None]
    result: npt.NDArray[np.float64] = (1.0 - f) * likelihood + f * (1.0 - likelihood) / 2.0
    return result


def bayes_update(
    belief: FloatArray, likelihood_reliable: FloatArray, likelihood_opportunist: FloatArray
) -> FloatArray:
    """Posterior ``P(reliable)`` after an observation with these likelihoods (Bayes' rule).

    >>> float(bayes_update(np.array([0.5]), np.array([0.2]), np.array([0.05]))[0])
    0.8
    """
    top = belief * likelihood_reliable
    bottom = top + (1.0 - belief) * likelihood_opportunist
    result: FloatArray = np.where(bottom > 0, top / np.where(bottom > 0, bottom, 1.0), belief)
    return result


def report(move: IntArray, uniform_noise: FloatArray, noise: FloatArray) -> IntArray:
    """A shared report of ``move``: wrong with probability ``noise``, then either other move.

    The uniform decides both whether the report is wrong (``u < noise``) and, reusing the same
    draw rescaled (``u / noise < 1/2``), which of the two other moves is reported.
    """
    wrong = uniform_noise < noise
    shift = np.where(uniform_noise < noise / 2.0, 1, 2).astype(np.int8)
    result: IntArray = np.where(wrong, (move + shift) % 3, move).astype(np.int8)
    return result


def concedes(uniform: FloatArray, hazard: FloatArray) -> BoolArray:
    """Whether the target concedes this month: ``u < h(P)``."""
    result: BoolArray = uniform < hazard
    return result
