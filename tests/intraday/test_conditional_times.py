"""Conditional patience and residual handle time: the time left given the time already spent."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ccsim.model.time_left import tail_functions, time_left
from ccsim.scenario.distributions import (
    Deterministic,
    Empirical,
    Exponential,
    Gamma,
    LogNormal,
    Uniform,
    Weibull,
)

pytestmark = pytest.mark.unit


def test_exponential_time_left_is_exactly_memoryless():
    # Memoryless: the time left does not depend on the time waited — the very same numbers.
    patience = Exponential(distribution="exponential", mean=120.0)
    fresh = time_left(patience, np.zeros(5000), np.random.default_rng(3))
    after = time_left(patience, np.full(5000, 400.0), np.random.default_rng(3))
    assert np.array_equal(fresh, after)
    assert stats.kstest(after, stats.expon(scale=120.0).cdf).pvalue > 0.001


@pytest.mark.parametrize(
    "distribution",
    [
        LogNormal(distribution="lognormal", mean=270.0, cv=0.8),
        Gamma(distribution="gamma", mean=30.0, cv=0.5),
    ],
)
@pytest.mark.parametrize("elapsed_share", [0.0, 0.5, 2.0])
def test_time_left_follows_the_truncated_distribution(distribution, elapsed_share):
    # X | X > e has cdf 1 − sf(x)/sf(e) for x > e: a KS test of e + time left against it.
    e = elapsed_share * distribution.mean
    frozen = distribution.scipy()
    left = time_left(distribution, np.full(4000, e), np.random.default_rng(11))
    assert (left >= 0).all()

    def truncated_cdf(x):
        return np.where(x > e, 1.0 - frozen.sf(x) / frozen.sf(e), 0.0)

    assert stats.kstest(e + left, truncated_cdf).pvalue > 0.001
    # And the mean residual life against the formula E[X − e | X > e] = ∫_e^∞ sf / sf(e).
    grid = np.linspace(e, e + 40 * distribution.mean, 400_001)
    expected = np.trapezoid(frozen.sf(grid), grid) / frozen.sf(e)
    assert left.mean() == pytest.approx(expected, rel=4 * left.std() / np.sqrt(4000) / expected)


def test_deterministic_and_empirical_time_left():
    fixed = Deterministic(distribution="deterministic", value=60.0)
    assert time_left(fixed, np.array([0.0, 45.0, 90.0]), np.random.default_rng(0)).tolist() == [
        60.0,
        15.0,
        0.0,
    ]
    values = Empirical(distribution="empirical", values=[10.0, 20.0, 30.0, 40.0])
    left = time_left(values, np.full(500, 25.0), np.random.default_rng(0))
    assert set(np.round(25.0 + left, 6)) <= {30.0, 40.0}
    assert time_left(values, np.array([50.0]), np.random.default_rng(0)).tolist() == [0.0]


@pytest.mark.parametrize(
    "distribution",
    [
        LogNormal(distribution="lognormal", mean=180, cv=1.2),
        Gamma(distribution="gamma", mean=200, cv=0.7),
        Weibull(distribution="weibull", mean=150, shape=0.8),
        Uniform(distribution="uniform", low=30, high=300),
    ],
)
def test_the_closed_form_tails_are_scipy_stats_tails(distribution):
    # The warm start computes sf and its inverse with scipy.special (scipy.stats is slow to
    # import); they must be the distributions' own tails.
    sf, isf = tail_functions(distribution)
    frozen = distribution.scipy()
    x = np.array([0.0, 10.0, 100.0, 400.0, 2000.0])
    q = np.array([0.9, 0.5, 0.01, 1e-6])
    assert np.allclose(sf(x), frozen.sf(x), rtol=1e-12, atol=1e-15)
    assert np.allclose(isf(q), frozen.isf(q), rtol=1e-12)


@pytest.mark.parametrize("shape", [0.05, 0.5, 1.0, 4.0, 100.0, 1130.0, 1e5])
def test_the_gamma_tail_and_its_inverse_are_scipys(shape):
    # Plain-Python tails (no scipy import when answering live) against scipy.special.
    from scipy import special

    from ccsim.model.gamma_tail import gamma_isf, gamma_sf

    for q in (1e-200, 1e-12, 1e-3, 0.1, 0.5, 0.9, 0.999, 1 - 1e-9, 1 - 1e-15):
        assert gamma_isf(shape, q) == pytest.approx(special.gammainccinv(shape, q), rel=1e-11)
    for x in shape * np.array([1e-3, 0.5, 1.0, 1.1, 2.0, 5.0]):
        expected = special.gammaincc(shape, x)
        assert gamma_sf(shape, x) == pytest.approx(expected, rel=1e-9, abs=1e-300)
