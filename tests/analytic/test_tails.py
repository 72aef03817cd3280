"""The Erlang chain's special functions in numpy (:mod:`ccsim.analytic.tails`) against scipy's
own: the incomplete gamma and beta functions for whole numbers of callers ahead, down to
tails of 1e-290, and logsumexp."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import special

from ccsim.analytic import tails

RANGES = [(0, 10), (0, 300), (5, 80), (100, 2000)]


def _relative_error(ours: np.ndarray, reference: np.ndarray) -> float:
    shown = reference > 1e-290  # below that a double holds nothing to compare
    if not shown.any():
        return 0.0
    return float(np.max(np.abs(ours[shown] - reference[shown]) / reference[shown]))


@pytest.mark.parametrize("mean", [0.001, 0.5, 3.0, 11.1, 50.0, 400.0, 5000.0])
def test_poisson_reach_is_the_regularised_incomplete_gamma(mean):
    for first, last in RANGES:
        n = np.arange(first + 1, last + 2, dtype=float)
        ours = tails.poisson_reach(first, last, mean)
        assert ours.shape == n.shape
        assert _relative_error(ours, special.gammainc(n, mean)) < 1e-10


@pytest.mark.parametrize("b", [1.5, 2.0, 10.0, 123.4, 1e4, 1e8, 1e12])
@pytest.mark.parametrize("theta_t", [1e-6, 0.01, 0.2, 1.0, 5.0, 30.0])
def test_negative_binomial_reach_is_the_regularised_incomplete_beta(b, theta_t):
    x = -math.expm1(-theta_t)
    for first, last in RANGES:
        n = np.arange(first + 1, last + 2, dtype=float)
        ours = tails.negative_binomial_reach(first, last, b, math.log(x), -theta_t)
        assert _relative_error(ours, special.betainc(n, b, x)) < 1e-9


def test_the_edges_of_the_tails():
    assert np.all(tails.poisson_reach(0, 5, 0.0) == 0.0)  # no time: nobody reached
    assert np.all(tails.poisson_reach(0, 5, math.inf) == 1.0)  # infinite threshold
    assert np.all(tails.negative_binomial_reach(0, 5, 3.0, -math.inf, 0.0) == 0.0)
    assert np.all(tails.negative_binomial_reach(0, 5, 3.0, 0.0, -math.inf) == 1.0)


def test_logsumexp_matches_scipy_without_overflow():
    values = np.array([1000.0, 999.0, -5.0, 1e-3])
    assert tails.logsumexp(values) == pytest.approx(special.logsumexp(values), rel=1e-15)
    assert tails.logsumexp(np.array([-math.inf, -math.inf])) == -math.inf
