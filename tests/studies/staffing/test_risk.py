"""Forecast uncertainty and staffing for risk (``forecast:``, :mod:`ccsim.studies.staffing.risk`).

Checked against what must hold exactly (no uncertainty: the very same records; a
deterministic handle time shows each day's factor contact by contact; the risk measures
recomputed directly from the replications) and against probability within 99.9 %
confidence intervals: a gamma busyness factor with mean 1 and cv c turns a day's Poisson
count of mean m into a Poisson–gamma mixture with variance m + c²m², and one factor shared
by two types gives their daily counts the covariance c²·m1·m2.
"""

import copy
import dataclasses
import json
import math

import numpy as np
import pytest
from rich.console import Console
from scipy import stats
from theory_support import CONFIDENCE, assert_covers, run

import ccsim
from ccsim.analytic.figures import erlang_figures
from ccsim.errors import ScenarioError
from ccsim.experiment.replications import ExperimentResult
from ccsim.model.arrivals import forecast_factors
from ccsim.model.streams import RandomStreams
from ccsim.output.console import print_run_summary
from ccsim.output.run_folder import summary_with_context, write_results
from ccsim.records import FIRST_ATTEMPT, REDIAL
from ccsim.studies.staffing.risk import (
    RISK_COLUMNS,
    daily_service_levels,
    interval_quantile,
    interval_values,
    meets_target_share,
    risk_summary,
    with_risk_columns,
)
from ccsim.units import DAY


def exponential(mean: str) -> dict:
    return {"distribution": "exponential", "mean": mean}


JOURNEYS = {
    "name": "risk",
    "horizon": {"days": 2, "interval": "30min", "open": "08:00", "close": "12:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": 200},
            "handle_time": exponential("3min"),
            "patience": exponential("2min"),
            "redial": {"probability": 0.5, "delay": exponential("2min")},
            "transfers": [{"to": "billing", "probability": 0.1}],
        },
        "billing": {"arrivals": {"rate_per_hour": 20}, "handle_time": exponential("4min")},
    },
    "pools": {"agents": {"serves": ["voice", "billing"], "staffing": 12}},
    "experiment": {"seed": 3, "confidence": CONFIDENCE},
}
"""Two days of an understaffed morning with redials and transfers (journeys run)."""

RISKY = {
    "name": "risky",
    "horizon": {"days": 20, "interval": "60min", "open": "08:00", "close": "12:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": 200},
            "handle_time": exponential("3min"),
            "patience": exponential("3min"),
        }
    },
    "pools": {"agents": {"serves": ["voice"], "staffing": 13}},
    "experiment": {"seed": 4, "confidence": CONFIDENCE},
}
"""Ten Erlangs on 13 agents: the daily 80/20 target is met on most days, not all."""


def scenario(spec: dict, forecast: dict | None = None, **horizon) -> ccsim.Scenario:
    spec = copy.deepcopy(spec)
    spec["horizon"].update(horizon)
    if forecast is not None:
        spec["forecast"] = forecast
    return ccsim.load_scenario(spec)


def risky_run(
    forecast: dict | None = None, replications: int = 2, days: int | None = None, **options
) -> ExperimentResult:
    """An experiment on RISKY (``days``: a shorter horizon; ``options`` go to run_experiment)."""
    horizon = {} if days is None else {"days": days}
    return ccsim.run_experiment(
        scenario(RISKY, forecast, **horizon),
        replications=replications,
        keep_records=False,
        **options,
    )


@pytest.fixture(scope="module")
def one_day() -> ExperimentResult:
    """One day of RISKY, 30 replications: daily and per-interval risk measures coincide."""
    return risky_run(days=1, replications=30)


@pytest.fixture(scope="module")
def handling() -> ccsim.Scenario:
    """HANDLING loaded: one handle-time factor per day, deterministic handle times."""
    return ccsim.load_scenario(HANDLING)


def answered_days(records: ccsim.ContactRecords) -> tuple[np.ndarray, np.ndarray]:
    """Which contacts were answered (their handle time is recorded then), and the day each
    of them arrived on."""
    answered = ~np.isnan(records.handle)
    return answered, (records.arrival[answered] // DAY).astype(int)


def assert_same_records(a: ccsim.ContactRecords, b: ccsim.ContactRecords) -> None:
    for field in dataclasses.fields(a):
        x, y = getattr(a, field.name), getattr(b, field.name)
        if isinstance(x, np.ndarray):
            np.testing.assert_array_equal(x, y, err_msg=field.name)


# -- (a) no uncertainty: nothing changes --------------------------------------------


@pytest.mark.parametrize("path", ["journeys", "scenarios/after-hours.yaml"])
def test_zero_cvs_give_the_very_same_records(path):
    """``forecast: {busyness_cv: 0, handle_time_cv: 0}`` draws nothing: records bit-identical."""
    spec = JOURNEYS if path == "journeys" else ccsim.load_scenario(path).resolved()
    spec = copy.deepcopy(spec)
    spec.pop("forecast", None)
    plain = ccsim.load_scenario(spec)
    zero = scenario(spec, {"busyness_cv": 0, "handle_time_cv": 0})
    for replication in (0, 1):
        assert_same_records(
            ccsim.simulate(plain, replication=replication),
            ccsim.simulate(zero, replication=replication),
        )


def test_zero_cvs_give_the_same_risk_measures():
    plain = risky_run(days=3, replications=4)
    zero = risky_run({"busyness_cv": 0.0}, days=3, replications=4)
    assert risk_summary(plain)["by_type"] == risk_summary(zero)["by_type"]
    np.testing.assert_array_equal(
        meets_target_share(plain, "voice"), meets_target_share(zero, "voice")
    )


def test_after_hours_scenario_runs_with_busyness():
    """After-hours arrivals take the busyness factor too (smoke test of that path)."""
    spec = ccsim.load_scenario("scenarios/after-hours.yaml").resolved()
    spec["forecast"] = {"busyness_cv": 0.3, "handle_time_cv": 0.2}
    records = ccsim.simulate(ccsim.load_scenario(spec), replication=0)
    assert len(records.arrival) > 0


# -- (b) the busyness factor ---------------------------------------------------------

BUSY_CV = 0.3
COUNTS = {
    "name": "counts",
    "horizon": {"days": 60, "interval": "60min", "open": "08:00", "close": "10:00"},
    "contact_types": {
        "voice": {"arrivals": {"rate_per_hour": 50}, "handle_time": exponential("1min")},
        "sales": {"arrivals": {"rate_per_hour": 25}, "handle_time": exponential("1min")},
    },
    "pools": {"agents": {"serves": ["voice", "sales"], "staffing": 6}},
    "forecast": {"busyness_cv": BUSY_CV},
    "experiment": {"seed": 21, "confidence": CONFIDENCE},
}
M_VOICE, M_SALES = 100.0, 50.0  # expected contacts a day: rate × 2 hours


def _daily_counts(records: ccsim.ContactRecords, t: int) -> np.ndarray:
    days = (records.arrival[records.contact_type == t] // DAY).astype(int)
    return np.bincount(days, minlength=COUNTS["horizon"]["days"]).astype(float)


def test_busyness_overdisperses_daily_counts_as_a_poisson_gamma_mixture():
    """Mean m, variance m + cv²m² per type, covariance cv²·m1·m2 (one factor for all types)."""
    result = run(
        ccsim.load_scenario(COUNTS),
        40,
        {
            "mean": lambda r: _daily_counts(r, 0).mean(),
            "square": lambda r: ((_daily_counts(r, 0) - M_VOICE) ** 2).mean(),
            "sales_square": lambda r: ((_daily_counts(r, 1) - M_SALES) ** 2).mean(),
            "product": lambda r: (
                (_daily_counts(r, 0) - M_VOICE) * (_daily_counts(r, 1) - M_SALES)
            ).mean(),
        },
    )
    values = result.from_records
    c2 = BUSY_CV**2
    assert_covers(values["mean"], M_VOICE, "daily count mean", rel=0.03)
    assert_covers(values["square"], M_VOICE + c2 * M_VOICE**2, "daily count variance", rel=0.15)
    assert_covers(
        values["sales_square"], M_SALES + c2 * M_SALES**2, "sales daily count variance", rel=0.15
    )
    # Poisson alone would give 100: the over-dispersion is there, and of the right size.
    assert_covers(values["product"], c2 * M_VOICE * M_SALES, "covariance of the types", rel=0.25)


# -- (c) the handle-time factor ------------------------------------------------------

HANDLE_CV = 0.25
HANDLING = {
    "name": "handling",
    "horizon": {"days": 60, "interval": "60min", "open": "08:00", "close": "10:00"},
    "contact_types": {
        "voice": {
            "arrivals": {"rate_per_hour": 40},
            "handle_time": {"distribution": "deterministic", "value": "200s"},
            "wrap_up": {"distribution": "deterministic", "value": "40s"},
            "patience": exponential("1min"),
            "redial": {"probability": 0.8, "delay": exponential("1min")},
        }
    },
    "pools": {"agents": {"serves": ["voice"], "staffing": 2}},
    "forecast": {"handle_time_cv": HANDLE_CV},
    "experiment": {"seed": 8, "confidence": CONFIDENCE},
}
HANDLE = 240.0  # talk + wrap-up, deterministic: handle / HANDLE is the day's factor


def _daily_factors(records: ccsim.ContactRecords) -> np.ndarray:
    """Mean handle factor of each day's answered contacts (handle is recorded when answered)."""
    answered, days = answered_days(records)
    sums = np.bincount(days, weights=records.handle[answered] / HANDLE)
    counts = np.bincount(days)
    return sums[counts > 0] / counts[counts > 0]


def test_handle_factor_is_one_per_day_for_first_attempts_and_redials(handling):
    """Every contact of a day (redials too) carries that day's factor, exactly."""
    plain = ccsim.load_scenario({k: v for k, v in HANDLING.items() if k != "forecast"})
    for replication in (0, 1):
        records = ccsim.simulate(handling, replication=replication)
        streams = RandomStreams(handling.experiment.seed, replication)
        busyness, factors = forecast_factors(handling, streams)
        assert busyness is None
        answered, days = answered_days(records)
        assert np.any(records.kind[answered] == REDIAL)
        np.testing.assert_allclose(records.handle[answered] / HANDLE, factors[days], rtol=1e-12)
        # The arrivals are untouched: the same first attempts as without forecast.
        first = ccsim.simulate(plain, replication=replication)
        np.testing.assert_array_equal(
            records.arrival[records.kind == FIRST_ATTEMPT],
            first.arrival[first.kind == FIRST_ATTEMPT],
        )


def test_a_pools_own_handle_time_carries_the_days_factor_too():
    """A skill with its own handle time (and a proficiency factor) is scaled by the day's
    factor like the contact type's own handle time."""
    spec = copy.deepcopy(HANDLING)
    spec["pools"]["agents"]["serves"] = {
        "voice": {
            "handle_time": {"distribution": "deterministic", "value": "100s"},
            "handle_time_factor": 1.5,
        }
    }
    loaded = ccsim.load_scenario(spec)
    records = ccsim.simulate(loaded, replication=0)
    _, factors = forecast_factors(loaded, RandomStreams(loaded.experiment.seed, 0))
    answered, days = answered_days(records)
    np.testing.assert_allclose(records.handle[answered] / 150.0, factors[days], rtol=1e-12)


def test_daily_mean_handle_time_varies_with_the_configured_cv(handling):
    result = run(
        handling,
        40,
        {
            "mean": lambda r: _daily_factors(r).mean(),
            "square": lambda r: ((_daily_factors(r) - 1.0) ** 2).mean(),
        },
    )
    assert_covers(result.from_records["mean"], 1.0, "daily handle factor mean", rel=0.02)
    assert_covers(
        result.from_records["square"], HANDLE_CV**2, "daily handle factor variance", rel=0.15
    )


# -- (d) the risk measures -----------------------------------------------------------


def test_risk_measures_match_a_direct_computation(one_day):
    result = one_day
    levels = np.array(
        [
            r.intervals.query("kind == 'type' and name == 'voice'")["service_level"].to_numpy()
            for r in result.replications
        ]
    )
    defined = ~np.isnan(levels)
    direct = ((levels >= 0.8) & defined).sum(axis=0) / defined.sum(axis=0)
    np.testing.assert_allclose(meets_target_share(result, "voice"), direct)
    assert direct.min() > 0 and direct.max() < 1  # a test that can tell right from wrong
    np.testing.assert_allclose(
        interval_quantile(result, "voice", "service_level", 0.1),
        np.nanquantile(levels, 0.1, axis=0),
    )
    np.testing.assert_allclose(
        interval_quantile(result, "voice", "asa", [0.5, 0.9]),
        np.nanquantile(interval_values(result, "voice", "asa")[:, 0, :], [0.5, 0.9], axis=0),
    )
    # With one day, the daily service level is the run's.
    daily = daily_service_levels(result, "voice")
    whole = np.array([r.by_type["voice"]["service_level"] for r in result.replications])
    np.testing.assert_allclose(daily[:, 0], whole)
    summary = risk_summary(result)["by_type"]["voice"]
    assert summary["p_day_meets_target"] == pytest.approx(np.mean(whole >= 0.8))
    assert summary["daily_service_level"]["p10"] == pytest.approx(np.quantile(whole, 0.1))
    # intervals.csv: per (day, interval) across replications — with one day, the same.
    frame = with_risk_columns(result, result.intervals())
    voice = frame[(frame["kind"] == "type") & (frame["name"] == "voice")]
    np.testing.assert_allclose(voice["p_meets_target"], direct)
    assert frame.loc[frame["kind"] == "pool", list(RISK_COLUMNS)].isna().all().all()


def test_busyness_lowers_the_share_of_days_meeting_the_target():
    """Same mean load, more day-to-day variation: the target is met on fewer days."""
    shares, counts = [], []
    for forecast in (None, {"busyness_cv": 0.2}):
        result = risky_run(forecast, replications=20, jobs=2)
        daily = daily_service_levels(result, "voice").ravel()
        shares.append(np.mean(daily >= 0.8))
        counts.append(daily.size)
    (p0, p1), (n0, n1) = shares, counts
    half = stats.norm.ppf((1 + CONFIDENCE) / 2) * math.sqrt(p0 * (1 - p0) / n0 + p1 * (1 - p1) / n1)
    assert p0 - p1 - half > 0, (p0, p1, half)


def test_unknown_contact_type_is_named(one_day):
    with pytest.raises(KeyError, match="defined: voice"):
        meets_target_share(one_day, "sales")


# -- output ----------------------------------------------------------------------------


def test_results_folder_and_console_show_the_risk(tmp_path):
    result = risky_run({"busyness_cv": 0.2}, days=2, replications=5)
    folder = write_results(result, tmp_path / "out")
    summary = json.loads((folder / "summary.json").read_text())
    risk = summary["risk"]["by_type"]["voice"]
    assert set(risk) >= {"p_day_meets_target", "daily_service_level", "worst_interval"}
    header = (folder / "intervals.csv").read_text().splitlines()[0].split(",")
    assert set(RISK_COLUMNS) <= set(header)

    def printed(result) -> str:
        console = Console(record=True, width=200)
        print_run_summary(console, summary_with_context(result), erlang_figures(result.scenario))
        return console.export_text()

    assert "days on target" in printed(result)
    plain = risky_run(days=2)
    assert "days on target" not in printed(plain)


# -- (e) validation --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("forecast", "path", "message"),
    [
        ({"busyness_cv": -0.1}, "forecast.busyness_cv", "coefficient of variation"),
        ({"busyness_cv": "much"}, "forecast.busyness_cv", "number"),
        ({"handle_time_cv": 2.5}, "forecast.handle_time_cv", "from 0 (no uncertainty) to 2"),
        ({"busyness": 0.1}, "forecast.busyness", "unknown key"),
    ],
)
def test_bad_forecast_settings_are_explained(forecast, path, message):
    with pytest.raises(ScenarioError) as caught:
        scenario(RISKY, forecast)
    lines = [line for line in str(caught.value).splitlines() if path in line]
    assert lines and message in lines[0], str(caught.value)
