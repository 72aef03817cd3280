"""ccsim.stats against scipy.stats: t half-width, estimates, paired and Welch intervals."""

import math

import numpy as np
import pandas as pd
import pytest
from scipy import stats as scipy_stats

from ccsim.stats import (
    estimate,
    half_width,
    paired_difference,
    welch_difference,
    welch_half_width,
)

RNG = np.random.default_rng(12)


@pytest.mark.parametrize("confidence", [0.9, 0.95, 0.99])
@pytest.mark.parametrize("n", [2, 5, 30])
def test_estimate_is_scipy_t_interval(n, confidence):
    values = RNG.normal(10, 3, n)
    low, high = scipy_stats.t.interval(
        confidence, n - 1, loc=values.mean(), scale=scipy_stats.sem(values)
    )
    e = estimate(values, confidence)
    assert e.mean == pytest.approx(values.mean())
    assert (e.low, e.high) == pytest.approx((low, high), rel=1e-12)
    assert e.half_width == pytest.approx((high - low) / 2, rel=1e-12)
    assert e.replications == n


def test_estimate_leaves_out_nan_and_clips_to_the_limits():
    values = np.array([0.97, 0.99, np.nan, 1.0, 0.95])
    e = estimate(values, 0.95, (0.0, 1.0))
    defined = values[~np.isnan(values)]
    _, high = scipy_stats.t.interval(0.95, 3, loc=defined.mean(), scale=scipy_stats.sem(defined))
    assert e.replications == 4
    assert high > 1 and e.high == 1.0  # clipped …
    assert e.half_width == pytest.approx(high - defined.mean())  # … the half-width is not


def test_estimate_of_one_or_no_value():
    assert math.isnan(estimate([], 0.95).mean)
    one = estimate([3.0, np.nan], 0.95)
    assert (one.mean, one.replications) == (3.0, 1)
    assert math.isnan(one.low) and math.isnan(one.half_width)


def test_half_width_on_arrays_and_frames_is_nan_below_two_values():
    sd = np.array([1.0, 2.0, 3.0, 4.0])
    n = np.array([0, 1, 4, 10])
    expected = [
        math.nan,
        math.nan,
        scipy_stats.t.ppf(0.975, 3) * 3 / 2,
        scipy_stats.t.ppf(0.975, 9) * 4 / math.sqrt(10),
    ]
    np.testing.assert_allclose(half_width(sd, n, 0.95), expected, rtol=1e-12)
    frame = half_width(pd.DataFrame({"a": sd}), pd.DataFrame({"a": n}), 0.95)
    assert isinstance(frame, pd.DataFrame)
    np.testing.assert_allclose(frame["a"], expected, rtol=1e-12)
    assert half_width(2.0, 4, 0.95) == pytest.approx(scipy_stats.t.ppf(0.975, 3))


@pytest.mark.parametrize("confidence", [0.9, 0.95])
def test_paired_difference_is_scipy_ttest_rel(confidence):
    a = RNG.normal(20, 5, 12)
    b = a + RNG.normal(1.5, 0.5, 12)  # common random numbers: b moves with a
    result = scipy_stats.ttest_rel(b, a)
    ci = result.confidence_interval(confidence_level=confidence)
    d = paired_difference(a, b, confidence)
    assert d.difference == pytest.approx(np.mean(b - a))
    assert (d.low, d.high) == pytest.approx((ci.low, ci.high), rel=1e-12)
    assert d.replications == 12
    assert d.significant == (result.pvalue < 1 - confidence)


def test_paired_difference_drops_pairs_with_a_nan_and_is_not_significant_at_zero():
    a = np.array([1.0, 2.0, np.nan, 4.0])
    b = np.array([1.5, np.nan, 3.0, 4.2])
    d = paired_difference(a, b, 0.95)
    ci = scipy_stats.ttest_rel([1.5, 4.2], [1.0, 4.0]).confidence_interval(0.95)
    assert d.replications == 2
    assert (d.low, d.high) == pytest.approx((ci.low, ci.high))
    same = paired_difference(a, a, 0.95)  # a scenario against itself
    assert (same.difference, same.half_width, same.significant) == (0.0, 0.0, False)
    assert math.isnan(paired_difference([1.0], [2.0], 0.95).low)


@pytest.mark.parametrize(("na", "nb"), [(10, 10), (5, 20)])
def test_welch_difference_is_scipy_ttest_ind_unequal_variances(na, nb):
    a = RNG.normal(20, 2, na)
    b = RNG.normal(22, 6, nb)
    ci = scipy_stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    d = welch_difference(a, b, 0.95)
    assert d.difference == pytest.approx(b.mean() - a.mean())
    assert (d.low, d.high) == pytest.approx((ci.low, ci.high), rel=1e-12)
    assert welch_half_width(a, b, 0.95) == pytest.approx((ci.high - ci.low) / 2, rel=1e-12)


def test_welch_of_constant_samples_and_of_too_few_values():
    assert welch_half_width(np.ones(3), np.ones(4), 0.95) == 0.0
    assert math.isnan(welch_half_width(np.ones(1), np.ones(4), 0.95))


def test_common_random_numbers_make_the_paired_interval_narrower_than_welch():
    a = RNG.normal(100, 10, 20)
    b = a + 1 + RNG.normal(0, 1, 20)
    assert paired_difference(a, b, 0.95).half_width < welch_half_width(a, b, 0.95) / 3
