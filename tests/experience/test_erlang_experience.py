"""Experience measures against closed forms on an M/M/c queue with a bad-wait rule only.

M/M/12 with 10 Erlangs offered, open around the clock for four days after a one-hour warm-up:
in steady state a caller waits longer than t with probability
``P(W > t) = C(c, A) · exp(−(cμ − λ) t)`` (Erlang C), so the share of bad contacts under a
60 s tolerance is that tail. With a churn response p(0), p(1), p(2+) = 0, 0.5, 0.8:

* every issue a customer of its own: expected customers lost = issues × 0.5 · P(W > t);
* a base of N customers among whom n issues fall uniformly (the waits of one customer's
  issues, hours apart, are independent): a customer's bad experiences are
  K ~ Binomial(n, p / N) with p the share of bad issues, and the expected customers lost are
  ``N · (0.5 · P(K = 1) + 0.8 · P(K ≥ 2))``.

Every expected value comes from those formulas (:func:`ccsim.analytic.erlang.erlang_c`);
intervals are Student-t over independent replications at 99.9 %, each with a stated
precision so that a shortened run cannot pass by being vague.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats

import ccsim
from ccsim.analytic.erlang import erlang_c
from ccsim.measures.experience import experience_measures
from ccsim.measures.grid import IntervalGrid
from ccsim.scenario import parse_scenario

pytestmark = pytest.mark.slow

RATE, AHT, AGENTS, TOLERANCE, BASE = 200 / 3600, 180.0, 12, 60.0, 1500
ONLY_WAITS = {
    "wait_over": {"voice": TOLERANCE},
    "abandoned": False,
    "blocked": False,
    "bot_then_queue": False,
    "callback_missed": False,
    "transfers_over": None,
    "not_resolved": False,
}


def scenario(customers: dict):
    return parse_scenario(
        {
            "horizon": {
                "days": 4,
                "interval": "1h",
                "open": "00:00",
                "close": "24:00",
                "warmup": "1h",
            },
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": RATE * 3600},
                    "handle_time": {"distribution": "exponential", "mean": AHT},
                }
            },
            "pools": {"agents": {"serves": ["voice"], "staffing": AGENTS}},
            "experience": {"bad_contact": ONLY_WAITS, "customers": customers},
            "experiment": {"seed": 5},
        },
        source="<m/m/c>",
    )


def tail() -> float:
    """P(W > tolerance) in M/M/c."""
    load = RATE * AHT
    return erlang_c(AGENTS, load) * math.exp(-(AGENTS / AHT - RATE) * TOLERANCE)


def lost_in_base(issues: int, p: float) -> float:
    """N · (0.5 P(K = 1) + 0.8 P(K ≥ 2)), K ~ Binomial(issues, p / N)."""
    k = stats.binom(issues, p / BASE)
    return BASE * (0.5 * k.pmf(1) + 0.8 * k.sf(1))


def interval(values) -> tuple[float, float, float]:
    values = np.asarray(values, float)
    half = stats.t.ppf(0.9995, len(values) - 1) * values.std(ddof=1) / math.sqrt(len(values))
    return values.mean() - half, values.mean() + half, half


@pytest.fixture(scope="module")
def replications():
    own, base = scenario({}), scenario({"size": BASE})
    results = []
    for r in range(24):
        records = ccsim.simulate(own, replication=r)
        grid = IntervalGrid(records, own)
        alone = experience_measures(grid, own.experience)[2]
        shared = experience_measures(IntervalGrid(records, base), base.experience)[2]
        results.append((alone, shared))
    return results


def test_the_share_of_bad_contacts_is_the_erlang_c_tail(replications):
    low, high, half = interval([a["bad_contact_share"] for a, _ in replications])
    assert half < 0.025
    assert low <= tail() <= high


def test_customers_of_their_own_lose_half_of_the_tail(replications):
    low, high, half = interval(
        [a["customers_lost"] / a["customers_contacting"] for a, _ in replications]
    )
    assert half < 0.0125
    assert low <= 0.5 * tail() <= high


def test_a_base_of_customers_loses_the_binomial_closed_form(replications):
    # Per replication: simulated minus the closed form for that replication's issues and
    # share of bad issues (the tail itself is checked above), so that what is tested is how
    # bad experiences add up over the customers of the base.
    differences = [
        b["customers_lost"] - lost_in_base(int(a["customers_contacting"]), a["bad_issue_share"])
        for a, b in replications
    ]
    expected = np.mean([b["customers_lost"] for _, b in replications])
    low, high, half = interval(differences)
    assert half < 0.01 * expected
    assert low <= 0 <= high
    # Bad experiences add up: customers of a base have more each than customers on their own.
    assert np.mean([b["bad_experiences_per_customer"] for _, b in replications]) > np.mean(
        [a["bad_experiences_per_customer"] for a, _ in replications]
    )
