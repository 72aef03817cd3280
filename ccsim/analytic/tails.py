"""The three special functions the Erlang chain needs, in numpy, for whole numbers of callers
ahead: without scipy.special, whose import alone cost ``ccsim run`` more than a day's
simulation.

A caller who finds ``k`` callers ahead is answered after ``k + 1`` steps of the queue, so both
"answered within T" laws are tails of a *count* distribution, summed term by term:

* no abandonment: the wait is Erlang(k + 1, c mu), and ``P(wait <= T)`` is the chance that a
  Poisson(c mu T) count reaches ``k + 1`` (the regularised incomplete gamma function);
* with abandonment: ``exp(-theta wait) ~ Beta(c mu / theta + 1, k + 1)`` for an answered
  caller, and ``P(wait <= T) = I_x(k + 1, b)`` with ``x = 1 - exp(-theta T)``, which is the
  chance that a negative-binomial count (``b`` failures, success probability ``x``) reaches
  ``k + 1``.

Each count's probabilities follow by a one-step recurrence in log space. The chance of
reaching ``n`` is one minus the cumulated probabilities below ``n`` while that is the larger
part, and the sum of the terms from ``n`` upward (until they vanish) when it is the smaller,
so a tail of 1e-30 keeps its relative precision.
"""

from __future__ import annotations

import math

import numpy as np

_NEGLIGIBLE = -40.0
"""Stop summing once the terms fall below e^-40 (~4e-18) of the last one asked about (or of
the largest) and keep falling."""
_MAX_EXTRA_TERMS = 1 << 18
"""At most this many terms past the last ``n`` are summed for the upper tails; beyond it
(a count spread over millions of values) the tail is one minus the lower part."""


def logsumexp(values: np.ndarray) -> float:
    """``log(sum(exp(values)))`` without overflow."""
    top = float(np.max(values))
    if not math.isfinite(top):
        return top
    return top + math.log(float(np.sum(np.exp(values - top))))


def poisson_reach(first: int, last: int, mean: float) -> np.ndarray:
    """``P(N >= n)`` for ``N ~ Poisson(mean)`` and ``n = first + 1, …, last + 1``: the
    regularised lower incomplete gamma ``P(n, mean)`` (the Erlang(n) law at ``mean``)."""
    size = last - first + 1
    if mean == 0.0:
        return np.zeros(size)
    if math.isinf(mean):
        return np.ones(size)
    log_mean = math.log(mean)

    def log_steps(j: np.ndarray) -> np.ndarray:  # log P(N = j + 1) - log P(N = j)
        return log_mean - np.log1p(j)

    return _reach(first + 1, last + 1, -mean, log_steps, mean)


def negative_binomial_reach(
    first: int, last: int, b: float, log_x: float, log_1mx: float
) -> np.ndarray:
    """``I_x(n, b)`` for ``n = first + 1, …, last + 1``: the regularised incomplete beta
    function, i.e. the chance that a negative-binomial count with ``b`` failures and success
    probability ``x`` reaches ``n`` (``log_x``, ``log_1mx``: ``log x`` and ``log(1 - x)``,
    passed in so that neither loses precision)."""
    size = last - first + 1
    if log_x == -math.inf:  # x == 0: the count stays at 0
        return np.zeros(size)
    if log_1mx == -math.inf:  # x == 1: the count never stops
        return np.ones(size)
    log_b = math.log(b)

    def log_steps(j: np.ndarray) -> np.ndarray:  # log of (j + b) x / (j + 1)
        return log_b + np.log1p(j / b) - np.log1p(j) + log_x

    mean = b * math.exp(min(log_x - log_1mx, 700.0))  # (an overflow only means "huge")
    return _reach(first + 1, last + 1, b * log_1mx, log_steps, mean)


def _reach(low: int, high: int, log_first: float, log_steps, mean: float) -> np.ndarray:
    """``P(N >= n)`` for ``n = low, …, high`` of a count whose ``log P(N = 0)`` is
    ``log_first`` and whose log probabilities step by ``log_steps(j)`` from ``j`` to ``j + 1``."""
    end = max(high + 1, 64)
    while True:
        j = np.arange(end - 1, dtype=float)
        logs = np.concatenate([[log_first], log_first + np.cumsum(log_steps(j))])
        # Far enough once the terms fall, and fall well below the last one asked about.
        smallest = min(float(logs[high]), float(np.max(logs)))
        done = end > mean and logs[-1] <= logs[-2] and logs[-1] < smallest + _NEGLIGIBLE
        if done or end - high > _MAX_EXTRA_TERMS:
            break
        end *= 2
    terms = np.exp(logs)
    lower = np.concatenate([[0.0], np.cumsum(terms)])[low : high + 1]  # P(N < n)
    if not done:
        return np.clip(1.0 - lower, 0.0, 1.0)
    upper = np.cumsum(terms[::-1])[::-1][low : high + 1]  # P(N >= n), small terms first
    # Each where it is the smaller part, and so the more precise.
    return np.clip(np.where(lower > 0.5, upper, 1.0 - lower), 0.0, 1.0)
