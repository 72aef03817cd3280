"""The Student-t quantile of the confidence intervals, solved without scipy for whole degrees
of freedom (:func:`ccsim.stats.t_quantile`), against scipy.stats."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from ccsim.stats import t_quantile

CONFIDENCES = [0.5, 0.8, 0.9, 0.95, 0.99, 0.999]


@pytest.mark.parametrize("dof", [*range(1, 60), 99, 199, 500, 1000])
def test_whole_degrees_of_freedom_agree_with_scipy(dof):
    for confidence in CONFIDENCES:
        expected = stats.t.ppf((1 + confidence) / 2, dof)
        assert t_quantile(confidence, dof) == pytest.approx(expected, rel=1e-12)


def test_very_many_degrees_of_freedom_still_agree():
    for confidence in CONFIDENCES:
        expected = stats.t.ppf((1 + confidence) / 2, 99_999)
        assert t_quantile(confidence, 99_999) == pytest.approx(expected, rel=1e-10)


def test_arrays_fractions_and_impossible_degrees():
    dof = np.array([[1.0, 2.0], [19.0, 0.0], [7.5, -1.0]])
    ours = t_quantile(0.95, dof)
    expected = stats.t.ppf(0.975, dof)  # NaN where dof <= 0
    assert ours.shape == dof.shape
    np.testing.assert_allclose(ours, expected, rtol=1e-12)
    assert np.isnan(ours[1, 1]) and np.isnan(ours[2, 1])
