"""The report's words about the inputs: expected contacts per day, for every way of giving
arrivals (hand-computed figures)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ccsim.output.html.words import per_day_volumes

pytestmark = pytest.mark.unit

HORIZON = {"interval": 1800.0, "open": 8 * 3600.0, "close": 18 * 3600.0, "days": 2}


def test_constant_rate_and_volume_per_interval():
    assert per_day_volumes({"rate_per_hour": 120}, HORIZON).tolist() == [1200.0, 1200.0]
    volumes = {"volume_per_interval": 10, "day_factors": [1.0, 0.5]}
    assert per_day_volumes(volumes, HORIZON).tolist() == [200.0, 100.0]


def test_a_sinusoidal_curve_reads_as_its_integral_over_the_opening_hours():
    arrivals = {
        "curve": "sinusoidal",
        "mean_per_hour": 120,
        "amplitude": 0.3,
        "peak": 11 * 3600.0,
        "period": 24 * 3600.0,
        "day_factors": [1.0, 1.2],
    }
    # ∫ 120 (1 + 0.3 cos(2π (t − 11) / 24)) dt over 08:00–18:00, t in hours
    span = 10 + 0.3 * 24 / (2 * math.pi) * (
        math.sin(2 * math.pi * 7 / 24) - math.sin(2 * math.pi * -3 / 24)
    )
    np.testing.assert_allclose(
        per_day_volumes(arrivals, HORIZON), [120 * span, 1.2 * 120 * span], rtol=1e-9
    )


def test_a_piecewise_linear_curve_reads_as_its_integral():
    arrivals = {
        "curve": "piecewise_linear",
        "points": [{"at": 8 * 3600.0, "per_hour": 30}, {"at": 10 * 3600.0, "per_hour": 150}],
    }
    # 08:00–10:00 a ramp from 30 to 150 (mean 90) for 2 h, then flat at 150 for 8 h
    np.testing.assert_allclose(
        per_day_volumes(arrivals, HORIZON), [90 * 2 + 150 * 8] * 2, rtol=1e-9
    )


def test_arrivals_it_cannot_read_give_no_figure():
    assert per_day_volumes({"curve": "sinusoidal"}, HORIZON) is None
    assert per_day_volumes({}, HORIZON) is None
