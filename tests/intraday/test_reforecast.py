"""Re-forecast: a day running 20 % over forecast is projected at the right level."""

from __future__ import annotations

import numpy as np
import pytest

from ccsim import load_scenario
from ccsim.intraday.projection import PLAN, project
from ccsim.intraday.reforecast import DEFAULT_PRIOR_CV, Reforecast, forecast_so_far, reforecast
from ccsim.intraday.snapshot import snapshot
from ccsim.model.live import LiveCentre
from ccsim.scenario.overrides import apply_overrides, parse_override

BUSY = "contact_types.voice.arrivals.volume_per_interval=*1.2"


@pytest.mark.unit
def test_the_factor_is_the_gamma_poisson_posterior_mean_shrunk_toward_one():
    k = 1 / DEFAULT_PRIOR_CV**2
    early = Reforecast("voice", actual=12, forecast=10, prior=k)
    late = Reforecast("voice", actual=1200, forecast=1000, prior=k)
    assert early.factor == pytest.approx((k + 12) / (k + 10))
    assert 1.0 < early.factor < 1.02  # 12 calls against 10 is no evidence of a busy day
    assert late.factor == pytest.approx((k + 1200) / (k + 1000))
    assert 1.18 < late.factor < 1.2
    low, high = early.band()
    assert high - low > 5 * (late.band()[1] - late.band()[0]) / 3  # little seen: wide
    rng = np.random.default_rng(0)
    draws = np.array([late.draw(rng) for _ in range(20000)])
    assert draws.mean() == pytest.approx(late.factor, abs=4 * draws.std() / np.sqrt(20000))
    assert draws.std() == pytest.approx(np.sqrt(k + 1200) / (k + 1000), rel=0.03)


@pytest.mark.model
def test_a_day_running_20_percent_over_is_projected_20_percent_over():
    plan = load_scenario("default-day")
    busy = apply_overrides(plan, [parse_override(BUSY)])
    t0 = 13 * 3600.0
    whole_day = forecast_so_far(plan, "voice", 20 * 3600.0)  # to the closing
    rest = whole_day - forecast_so_far(plan, "voice", t0)
    factors, projected, ignored = [], [], []
    for r in range(4):
        live = LiveCentre(busy, r, seed=4)
        live.advance(t0)
        state = snapshot(live)
        found = reforecast(state, plan)["voice"]
        factors.append(found.factor)
        assert found.actual == state.volume_so_far["voice"]
        low, high = found.band(0.998)
        assert low < 1.2 < high
        result = project(plan, state, replications=20, seed=r)
        offered = result.totals[PLAN]["offered"]["voice"] - len(state.waiting)
        projected.append(offered.mean())
        # this state's projection is at its own re-forecast level
        assert offered.mean() == pytest.approx(found.factor * rest, rel=0.02)
        plain = project(plan, state, replications=20, seed=r, reforecast_on=False)
        ignored.append(plain.totals[PLAN]["offered"]["voice"].mean() - len(state.waiting))
    k = 1 / DEFAULT_PRIOR_CV**2
    so_far = whole_day - rest
    expected = (k + 1.2 * so_far) / (k + so_far)  # the shrunk factor's expectation
    assert np.mean(factors) == pytest.approx(expected, abs=3 * np.sqrt(1.2 * so_far) / so_far)
    # The projection's rest-of-day volume is the re-forecast level (≈ 1.2 × forecast,
    # a little shrunk), and clearly above the projection that ignores how the day runs.
    assert np.mean(projected) == pytest.approx(expected * rest, rel=0.03)
    assert np.mean(ignored) == pytest.approx(rest, rel=0.02)
    assert np.mean(projected) > 1.12 * np.mean(ignored)
