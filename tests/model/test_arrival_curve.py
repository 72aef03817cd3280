"""A continuous arrival-rate curve (``arrivals: {curve: ...}``, issue 19 item 13), checked
against the curve's own integral: counts per interval (mean and Poisson dispersion), the
arrival-time density within the day (KS), the Erlang figure per interval, and the validation
messages. Every expected figure below is computed here from the formula, not by ccsim."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import ccsim
from ccsim.analytic.figures import erlang_figures
from ccsim.errors import ScenarioError
from ccsim.model.arrivals import draw_first_attempts
from ccsim.model.streams import RandomStreams

OPEN, CLOSE, INTERVAL = 8 * 3600, 18 * 3600, 1800
SINE = {"curve": "sinusoidal", "mean_per_hour": 120, "amplitude": 0.8, "peak": "11:00"}
POINTS = [
    {"at": "08:00", "per_hour": 40},
    {"at": "12:00", "per_hour": 200},
    {"at": "15:00", "per_hour": 200},
    {"at": "18:00", "per_hour": 20},
]


def _spec(arrivals: dict, days: int = 1, **horizon) -> dict:
    return {
        "horizon": {"interval": "30min", "open": "08:00", "close": "18:00", "days": days} | horizon,
        "contact_types": {
            "voice": {
                "arrivals": arrivals,
                "handle_time": {"distribution": "exponential", "mean": "3min"},
            }
        },
        "pools": {"agents": {"serves": ["voice"], "staffing": 30}},
    }


def _sine_volume(a: np.ndarray, b: np.ndarray, mean=120.0, amp=0.8, peak=11 * 3600, period=86400):
    """∫ mean·(1 + amp·cos(2π(t − peak)/period)) dt / 3600 from a to b (by hand)."""
    w = 2 * math.pi / period
    return mean / 3600 * ((b - a) + amp / w * (np.sin(w * (b - peak)) - np.sin(w * (a - peak))))


def _line_volume(a: float, b: float) -> float:
    """The piecewise-linear curve's integral from a to b (fine trapezoids: it is exact on
    straight pieces, and the grid holds every point)."""
    grid = np.union1d(np.linspace(a, b, 2001), [8 * 3600, 12 * 3600, 15 * 3600])
    grid = grid[(grid >= a) & (grid <= b)]
    x = [8 * 3600, 12 * 3600, 15 * 3600, 18 * 3600]
    v = np.interp(grid, x, [40, 200, 200, 20])
    return float(np.sum(np.diff(grid) * (v[1:] + v[:-1]) / 2) / 3600)


def _times(scenario, replications: int) -> list[np.ndarray]:
    return [
        np.asarray(draw_first_attempts(scenario, RandomStreams(3, r), journeys=False).arrival)
        for r in range(replications)
    ]


@pytest.mark.model
def test_counts_per_interval_are_poisson_with_the_integral_as_mean() -> None:
    """Two days (day factors 1 and 1.5), 300 replications: every interval's mean count lies
    in its 99.9 % t-interval around the hand integral × factor, and the counts are Poisson:
    Σ (n − μ)² / μ over replications and intervals is χ² with R·K degrees of freedom."""
    scenario = ccsim.load_scenario(_spec(SINE | {"day_factors": [1.0, 1.5]}, days=2))
    starts = OPEN + INTERVAL * np.arange(20)
    day = _sine_volume(starts, starts + INTERVAL)
    expected = np.concatenate([day, 1.5 * day])
    edges = np.concatenate([starts, [CLOSE], 86400 + starts, [86400 + CLOSE]])
    counts = np.array([np.histogram(t, edges)[0] for t in _times(scenario, 300)])
    counts = np.delete(counts, 20, axis=1)  # the closed night between the days
    assert counts.shape == (300, 40)
    assert day.max() / day.min() > 2  # the curve really varies
    mean = counts.mean(0)
    half = stats.t.ppf(1 - 0.0005 / 40, 299) * counts.std(0, ddof=1) / math.sqrt(300)
    outside = np.abs(mean - expected) > half
    assert not outside.any(), (mean[outside], expected[outside])
    chi2 = float(np.sum((counts - expected) ** 2 / expected))
    p = stats.chi2.sf(chi2, counts.size)
    assert 0.0005 < p < 0.9995, (chi2, counts.size, p)
    # Per-interval dispersion: variance / mean close to 1 (Poisson), not 0 or 2.
    dispersion = counts.var(0, ddof=1) / counts.mean(0)
    assert np.all((dispersion > 0.6) & (dispersion < 1.5)), dispersion


@pytest.mark.model
@pytest.mark.parametrize("kind", ["sinusoidal", "piecewise_linear"])
def test_arrival_times_follow_the_curve_within_the_day(kind: str) -> None:
    """Pooled arrival times of 20 replications (~24,000) against the normalised cumulative
    rate Λ(t)/Λ(close) (KS, exact CDF by hand); the same times against the curve with its
    peak an hour late are rejected (the test can tell)."""
    arrivals = SINE if kind == "sinusoidal" else {"curve": kind, "points": POINTS}
    scenario = ccsim.load_scenario(_spec(arrivals, interval="60min"))
    times = np.concatenate(_times(scenario, 20))
    assert times.size > 20000 and times.min() >= OPEN and times.max() < CLOSE

    if kind == "sinusoidal":
        total = float(_sine_volume(OPEN, CLOSE))

        def cdf(t):
            return _sine_volume(OPEN, np.asarray(t), amp=0.8) / total
    else:
        total = _line_volume(OPEN, CLOSE)

        def cdf(t):
            return np.array([_line_volume(OPEN, s) for s in np.atleast_1d(t)]) / total

    sample = np.sort(times)[:: max(1, times.size // 4000)]  # the line CDF is slow: thin it
    assert stats.kstest(sample, cdf).pvalue > 0.001
    if kind == "sinusoidal":  # the test can tell: the peak an hour late is rejected
        late = _sine_volume(OPEN, np.sort(times), peak=12 * 3600)
        late /= float(_sine_volume(OPEN, CLOSE, peak=12 * 3600))
        assert stats.kstest(late, "uniform").pvalue < 1e-6


@pytest.mark.model
def test_a_flat_curve_draws_exactly_the_constant_rate() -> None:
    """Amplitude 0 is the constant rate: the same arrivals and records as
    ``rate_per_hour: 120`` on the same seed (thinning keeps every proposal)."""
    flat = ccsim.load_scenario(_spec(SINE | {"amplitude": 0}))
    constant = ccsim.load_scenario(_spec({"rate_per_hour": 120}))
    a, b = ccsim.simulate(flat, replication=4), ccsim.simulate(constant, replication=4)
    assert len(a.arrival) > 1000
    np.testing.assert_array_equal(a.arrival, b.arrival)
    np.testing.assert_array_equal(a.wait, b.wait)


@pytest.mark.unit
def test_rates_per_interval_are_the_integral() -> None:
    """What every per-interval reader (Erlang, staffing floor, forecasts) gets."""
    for arrivals, volume in [
        (SINE, lambda a, b: float(_sine_volume(a, b))),
        ({"curve": "piecewise_linear", "points": POINTS}, _line_volume),
    ]:
        scenario = ccsim.load_scenario(_spec(arrivals | {"day_factors": [2.0]}))
        rates = scenario.contact_types["voice"].arrivals.rates_per_second(scenario.horizon)
        starts = OPEN + INTERVAL * np.arange(20)
        hand = [2.0 * volume(s, s + INTERVAL) / INTERVAL for s in starts]
        np.testing.assert_allclose(rates, hand, rtol=1e-9)


def _erlang_c(agents: int, load: float) -> float:
    top = load**agents / math.factorial(agents) * agents / (agents - load)
    return top / (sum(load**k / math.factorial(k) for k in range(agents)) + top)


@pytest.mark.unit
def test_erlang_figure_uses_the_integral_over_the_interval() -> None:
    """One hour, 10:00-11:00, rate 100·(1 + cos(2π(t − 11:00)/4h)): the hour's volume is
    100·(1 + 2/π) = 163.66, not the midpoint rate 170.71; the Erlang C figure with 10 agents
    and 3 min handle time is computed here from that volume."""
    arrivals = {
        "curve": "sinusoidal",
        "mean_per_hour": 100,
        "amplitude": 1,
        "peak": "11:00",
        "period": "4h",
    }
    spec = _spec(arrivals, interval="60min", open="10:00", close="11:00")
    spec["pools"]["agents"]["staffing"] = 10
    figure = erlang_figures(ccsim.load_scenario(spec))["voice"]
    assert figure.model == "Erlang C"
    volume = 100 * (1 + 2 / math.pi)
    load = volume * 180 / 3600
    wait = _erlang_c(10, load)
    sl = 1 - wait * math.exp(-(10 - load) * 20 / 180)
    assert figure.service_level == pytest.approx(sl, rel=1e-6)
    assert figure.asa == pytest.approx(wait * 180 / (10 - load), rel=1e-6)
    midpoint = 100 * (1 + math.cos(math.pi / 4)) * 180 / 3600
    assert abs(figure.asa - _erlang_c(10, midpoint) * 180 / (10 - midpoint)) > 1.0


@pytest.mark.unit
@pytest.mark.parametrize(
    ("change", "path", "words"),
    [
        ({"amplitude": 1.3}, "contact_types.voice.arrivals.amplitude", "less than or equal to 1"),
        ({"curve": "sine"}, "contact_types.voice.arrivals.curve", "piecewise_linear"),
        ({"mean_per_hour": -5}, "contact_types.voice.arrivals.mean_per_hour", "greater than"),
        ({"volume_per_interval": 30}, "contact_types.voice.arrivals", "not both"),
        ({"peak": None}, "contact_types.voice.arrivals", "needs peak"),
        ({"period": "0h"}, "contact_types.voice.arrivals.period", "greater than 0"),
        ({"points": POINTS}, "contact_types.voice.arrivals", "piecewise_linear"),
    ],
)
def test_curve_mistakes_name_the_yaml_path(change: dict, path: str, words: str) -> None:
    arrivals = {k: v for k, v in (SINE | change).items() if v is not None}
    with pytest.raises(ScenarioError) as caught:
        ccsim.load_scenario(_spec(arrivals))
    message = str(caught.value)
    assert f"{path}:" in message and words in message, message


@pytest.mark.unit
def test_piecewise_points_are_checked() -> None:
    backwards = {"curve": "piecewise_linear", "points": POINTS[::-1]}
    with pytest.raises(ScenarioError, match="strictly increasing"):
        ccsim.load_scenario(_spec(backwards))
    with pytest.raises(ScenarioError, match="needs points"):
        ccsim.load_scenario(_spec({"curve": "piecewise_linear"}))
    with pytest.raises(ScenarioError, match="add curve: sinusoidal"):
        ccsim.load_scenario(_spec({"rate_per_hour": 10, "amplitude": 0.2}))


@pytest.mark.model
def test_a_weekday_with_rates_of_its_own_is_not_shaped() -> None:
    """Fri-Sat, an hourly wave (peak at half past, amplitude 1); Saturday gives voice 100 per hour.
    Saturday's hourly counts average 100 and the times are uniform within each hour, while
    Friday's follow the wave (its within-hour positions are far from uniform)."""
    wave = SINE | {"amplitude": 1, "period": "1h", "peak": "08:30"}
    spec = _spec(wave, days=2, interval="60min")
    spec["days_of_week"] = {"first_day": "Fri", "Sat": {"rate_per_hour": {"voice": 100}}}
    scenario = ccsim.load_scenario(spec)
    times = np.concatenate(_times(scenario, 30))
    friday, saturday = times[times < 86400], times[times >= 86400]
    assert saturday.size / 30 / 10 == pytest.approx(100, rel=0.05)
    position = np.mod(saturday, 3600) / 3600
    assert stats.kstest(position, "uniform").pvalue > 0.001
    assert stats.kstest(np.mod(friday, 3600) / 3600, "uniform").pvalue < 1e-6
