"""Tests of the analytic Erlang B / C / A formulas in ccsim.analytic.erlang.

Every expected number comes from outside the code under test: published Erlang tables and a
published worked example, exact rational arithmetic on the textbook definitions, closed forms
(M/M/1, M/M/2, M/M/c/K, the M/M/c+M queue with patience equal to AHT), or an independent dense
Markov-chain solution built here with plain linear algebra and a matrix exponential.
"""

from __future__ import annotations

import math
from fractions import Fraction

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import linalg, stats

from ccsim.analytic import chain as erlang_chain
from ccsim.analytic import erlang
from ccsim.analytic.erlang import (
    NoSteadyStateError,
    QueueMeasures,
    analyse,
    erlang_b,
    erlang_c,
    fewest_agents,
    gross_up,
)

# --- independent references ------------------------------------------------------------------


def exact_erlang_b(agents: int, load: Fraction) -> Fraction:
    """Erlang B straight from its definition, in exact rational arithmetic."""
    terms = [Fraction(1)]
    for n in range(1, agents + 1):
        terms.append(terms[-1] * load / n)  # A^n / n!
    return terms[-1] / sum(terms)


def exact_erlang_c(agents: int, load: Fraction) -> Fraction:
    """Erlang C from the textbook sum formula (not via Erlang B), exactly."""
    terms = [Fraction(1)]
    for n in range(1, agents + 1):
        terms.append(terms[-1] * load / n)
    top = terms[agents] * agents / (agents - load)
    return top / (sum(terms[:agents]) + top)


def dense_chain(lam, aht, agents, threshold, patience=None, lines=None, top=300):
    """Reference solution by brute force: dense generator, least squares, matrix exponential.

    Stationary law of the number in system from ``pi Q = 0``; for an arrival that finds ``k``
    waiting, a transient chain on "j ahead" with an absorbing "answered" state (abandonment
    leaks mass). Answered within T from ``expm``; P(answered) and E[wait * 1{answered}] from
    the fundamental matrix ``(-S)^-1``.
    """
    mu, theta = 1.0 / aht, 0.0 if patience is None else 1.0 / patience
    size = (lines if lines is not None else top) + 1
    gen = np.zeros((size, size))
    for n in range(size - 1):
        gen[n, n + 1] = lam
        gen[n + 1, n] = min(n + 1, agents) * mu + max(n + 1 - agents, 0) * theta
    gen -= np.diag(gen.sum(axis=1))
    system = np.vstack([gen.T, np.ones(size)])
    rhs = np.zeros(size + 1)
    rhs[-1] = 1.0
    pi = np.linalg.lstsq(system, rhs, rcond=None)[0]
    blocked = pi[-1] if lines is not None else 0.0
    places = size - 1 - agents if lines is not None else size - agents  # k an arrival may find
    sub = np.zeros((places, places))
    to_agent = np.zeros(places)
    for j in range(places):
        down = agents * mu + j * theta
        if j:
            sub[j, j - 1] = down
        else:
            to_agent[0] = down
        sub[j, j] = -(down + theta)
    fundamental = np.linalg.inv(-sub)
    p_answer = fundamental @ to_agent
    wait_answered = fundamental @ p_answer
    augmented = np.zeros((places + 1, places + 1))
    augmented[:places, :places] = sub
    augmented[:places, places] = to_agent
    within = linalg.expm(augmented * threshold)[:places, places]
    free = pi[:agents].sum()
    q = pi[agents : agents + places]
    accepted = 1.0 - blocked
    answered = free + q @ p_answer
    busy = np.minimum(np.arange(size), agents) @ pi
    queue = np.maximum(np.arange(size) - agents, 0) @ pi
    return {
        "p_wait": q.sum() / accepted,
        "service_level": (free + q @ (within)) / accepted,
        "asa": (q @ wait_answered) / answered,
        "abandon_rate": q @ (1.0 - p_answer),
        "blocking": blocked,
        "occupancy": busy / agents,
        "mean_queue": queue,
    }


def assert_measures(measures: QueueMeasures, expected: dict, rel=1e-9, abs_=1e-12):
    for key in ("p_wait", "service_level", "asa", "abandon_rate", "blocking", "occupancy"):
        got = getattr(measures, key)
        assert got == pytest.approx(expected[key], rel=rel, abs=abs_), key


# --- Erlang B ---------------------------------------------------------------------------------


def test_erlang_b_table_value_10_servers_5_erlangs():
    # Standard Erlang B tables: 10 trunks offered 5 Erlangs block 1.8385 % of calls.
    assert erlang_b(10, 5.0) == pytest.approx(0.018385, abs=5e-7)


@pytest.mark.parametrize(
    ("servers", "table_load"),
    # Erlang B table, grade of service 1 % (e.g. ITU-T/Teletraffic Engineering Handbook
    # tables; loads printed to 3-4 significant figures, hence the tolerance).
    [(1, 0.0101), (2, 0.153), (5, 1.36), (10, 4.46), (20, 12.03), (50, 37.90), (100, 84.06)],
)
def test_erlang_b_matches_published_one_percent_table(servers, table_load):
    assert erlang_b(servers, table_load) == pytest.approx(0.01, abs=1.5e-4)


@pytest.mark.parametrize(
    ("agents", "load"),
    [(1, "1"), (2, "1"), (3, "2"), (7, "3.5"), (25, "20"), (60, "75"), (120, "100.25")],
)
def test_erlang_b_equals_exact_definition(agents, load):
    assert erlang_b(agents, float(load)) == pytest.approx(
        float(exact_erlang_b(agents, Fraction(load))), rel=1e-12
    )


@pytest.mark.parametrize(("agents", "load"), [(1000, 1000.0), (3000, 2800.0), (5000, 6000.0)])
def test_erlang_b_stable_for_thousands_of_agents(agents, load):
    # Closed form through the Poisson law: B = P(N = c) / P(N <= c) for N ~ Poisson(A).
    poisson = stats.poisson(load)
    expected = math.exp(poisson.logpmf(agents) - poisson.logcdf(agents))
    assert erlang_b(agents, load) == pytest.approx(expected, rel=1e-9)


def test_erlang_b_edge_values():
    assert erlang_b(0, 3.0) == 1.0  # no trunks: everything blocked
    assert erlang_b(5, 0.0) == 0.0  # no traffic: nothing blocked


# --- Erlang C ---------------------------------------------------------------------------------

# Call Centre Helper, "Erlang C Formula - Made Simple With an Easy Worked Example": 100 calls
# in 30 minutes, AHT 180 s, 80/20 target -> 10 Erlangs; 14 agents give P(wait) 17.41 %,
# service level 88.84 %, ASA 7.8 s, occupancy 71.4 %; grossed up for 30 % shrinkage: 20 agents.
WORKED = {"arrival_rate": 100 / 1800, "aht": 180.0, "threshold": 20.0}


def test_worked_example_fourteen_agents():
    m = analyse(agents=14, **WORKED)
    assert m.p_wait == pytest.approx(0.1741, abs=5e-5)
    assert m.service_level == pytest.approx(0.8884, abs=5e-5)
    assert m.asa == pytest.approx(7.8, abs=0.05)
    assert m.occupancy == pytest.approx(0.714, abs=5e-4)
    assert m.abandon_rate == 0.0 and m.blocking == 0.0
    assert gross_up(m.agents, 0.30) == 20


def test_worked_example_fewest_agents_for_80_20():
    m = fewest_agents(target=0.8, **WORKED)
    assert m.agents == 14
    # 13 agents just miss: 1 - C(13, 10) exp(-3 * 20 / 180), C from the exact sum formula.
    below = 1 - float(exact_erlang_c(13, Fraction(10))) * math.exp(-3 * 20 / 180)
    assert below < 0.8


@pytest.mark.parametrize(("agents", "load"), [(1, "0.5"), (2, "1.5"), (14, "10"), (90, "85.5")])
def test_erlang_c_equals_exact_sum_formula(agents, load):
    assert erlang_c(agents, float(load)) == pytest.approx(
        float(exact_erlang_c(agents, Fraction(load))), rel=1e-12
    )


def test_single_agent_is_mm1():
    lam, aht, threshold = 1 / 60, 45.0, 30.0
    rho, mu = lam * aht, 1 / aht
    m = analyse(arrival_rate=lam, aht=aht, agents=1, threshold=threshold)
    assert m.p_wait == pytest.approx(rho, rel=1e-12)
    assert m.service_level == pytest.approx(1 - rho * math.exp(-(mu - lam) * threshold))
    assert m.asa == pytest.approx(rho / (mu - lam), rel=1e-12)


def test_two_agents_mm2_waiting_probability():
    rho = 0.7  # per-agent utilisation; C(2, 2 rho) = 2 rho^2 / (1 + rho)
    assert erlang_c(2, 2 * rho) == pytest.approx(2 * rho**2 / (1 + rho), rel=1e-12)


@pytest.mark.parametrize("load", [10.0, 10.5])
def test_no_steady_state_in_planner_words(load):
    with pytest.raises(NoSteadyStateError, match=r"Erlangs >= 10 agents.*grows without bound"):
        erlang_c(10, load)
    with pytest.raises(ValueError, match="add agents, patience or a line limit"):
        analyse(arrival_rate=load / 100, aht=100.0, agents=10, threshold=20.0)


@pytest.mark.parametrize(("agents", "load"), [(14, 10.0), (500, 480.0), (1200, 1150.0)])
def test_chain_reproduces_erlang_c_closed_form(agents, load):
    lam, aht, threshold = load / 180.0, 180.0, 20.0
    fate = erlang_chain.outcomes(
        arrival_rate=lam,
        aht=aht,
        agents=agents,
        threshold=threshold,
        theta=0.0,
        room=None,
        erlang_b=erlang_b(agents, load),
    )
    c = erlang_c(agents, load)
    spare = (agents - load) / aht
    assert fate.blocked == 0.0 and fate.abandoned == 0.0
    assert fate.answered == pytest.approx(1.0, abs=1e-14)
    assert fate.waited == pytest.approx(c, rel=1e-10)
    assert fate.answered_within == pytest.approx(1 - c * math.exp(-spare * threshold), rel=1e-10)
    assert fate.wait_of_answered == pytest.approx(c / spare, rel=1e-10)


# --- limits linking Erlang A, B, C and line limits ----------------------------------------------


def erlang_c_expected(lam, aht, agents, threshold):
    load = lam * aht
    c = float(exact_erlang_c(agents, Fraction(load)))
    spare = (agents - load) / aht
    return {
        "p_wait": c,
        "service_level": 1 - c * math.exp(-spare * threshold),
        "asa": c / spare,
        "abandon_rate": 0.0,
        "blocking": 0.0,
        "occupancy": load / agents,
    }


@pytest.mark.parametrize(("agents", "load"), [(3, 2.4), (14, 10.0), (60, 55.0)])
def test_endless_patience_is_erlang_c(agents, load):
    lam, aht, threshold = load / 240.0, 240.0, 20.0
    m = analyse(arrival_rate=lam, aht=aht, agents=agents, threshold=threshold, patience=1e10)
    assert_measures(m, erlang_c_expected(lam, aht, agents, threshold), rel=1e-6, abs_=1e-7)


@pytest.mark.parametrize("patience", [None, 90.0])
def test_endless_lines_is_unlimited_queue(patience):
    kw = {"arrival_rate": 11 / 180, "aht": 180.0, "agents": 12, "threshold": 15.0}
    unlimited = analyse(patience=patience, **kw)
    assert_measures(analyse(patience=patience, lines=100_000, **kw), unlimited.as_dict(), rel=1e-9)


@pytest.mark.parametrize("patience", [None, 60.0])
@pytest.mark.parametrize(("agents", "load"), [(1, 0.8), (10, 5.0), (40, 44.0)])
def test_lines_equal_agents_is_erlang_b(agents, load, patience):
    lam, aht = load / 300.0, 300.0
    m = analyse(
        arrival_rate=lam, aht=aht, agents=agents, threshold=20.0, patience=patience, lines=agents
    )
    b = float(exact_erlang_b(agents, Fraction(load)))
    expected = {
        "p_wait": 0.0,
        "service_level": 1.0,
        "asa": 0.0,
        "abandon_rate": 0.0,
        "blocking": b,
        "occupancy": load * (1 - b) / agents,
    }
    assert_measures(m, expected, rel=1e-12)


def test_zero_patience_abandons_exactly_the_erlang_b_share():
    # Callers who hang up the instant they would queue: the Erlang B loss system again.
    m = analyse(arrival_rate=9 / 200, aht=200.0, agents=10, threshold=20.0, patience=1e-9)
    b = float(exact_erlang_b(10, Fraction(9)))
    assert m.abandon_rate == pytest.approx(b, rel=1e-6)
    assert m.p_wait == pytest.approx(b, rel=1e-6)
    assert m.service_level == pytest.approx(1 - b, rel=1e-6)


@pytest.mark.parametrize(("agents", "load"), [(5, 4.0), (20, 26.0), (300, 310.0)])
def test_patience_equal_to_aht_is_poisson_in_system(agents, load):
    # With theta = mu every contact leaves at rate mu whatever it is doing, so the number in
    # system is that of M/M/inf: Poisson(A). PASTA then gives P(wait) and the abandon rate
    # (abandonment flow = theta * mean queue).
    aht = 120.0
    n = stats.poisson(load)
    m = analyse(arrival_rate=load / aht, aht=aht, agents=agents, threshold=10.0, patience=aht)
    k = np.arange(agents, agents + 2000)
    mean_queue = float(((k - agents) * n.pmf(k)).sum())
    assert m.p_wait == pytest.approx(n.sf(agents - 1), rel=1e-9)
    assert m.abandon_rate == pytest.approx(mean_queue / load, rel=1e-9)
    everyone = np.arange(agents + 2000)
    busy = float((np.minimum(everyone, agents) * n.pmf(everyone)).sum())
    assert m.occupancy == pytest.approx(busy / agents, rel=1e-9)


def test_endless_patience_when_overloaded_is_practically_unbounded():
    # A steady state exists on paper (a queue of ~44 million callers), not in any real day.
    with pytest.raises(NoSteadyStateError, match="grows without bound"):
        analyse(arrival_rate=0.1, aht=180.0, agents=10, threshold=20.0, patience=1e9)
    with pytest.raises(NoSteadyStateError, match="grows without bound"):
        analyse(arrival_rate=0.1, aht=180.0, agents=10, threshold=20.0, lines=10**9)
    # ...and staffing for it behaves like Erlang C (18 Erlangs, 80/20).
    found = fewest_agents(arrival_rate=0.1, aht=180.0, threshold=20.0, target=0.8, patience=1e9)
    assert (
        found.agents
        == fewest_agents(arrival_rate=0.1, aht=180.0, threshold=20.0, target=0.8).agents
    )


# --- line limits and Erlang A against independent solutions ----------------------------------


@pytest.mark.parametrize(("agents", "lines", "load"), [(3, 6, 2.5), (8, 12, 9.5), (20, 45, 19.0)])
def test_mmck_closed_form(agents, lines, load):
    # M/M/c/K (Gross & Harris): pi_n ~ A^n/n! up to c, then A^c/c! rho^(n-c) up to K; an
    # accepted caller finding k waiting has an Erlang(k + 1, c mu) wait.
    aht, threshold = 150.0, 20.0
    weights = [load**n / math.factorial(n) for n in range(agents + 1)]
    weights += [weights[-1] * (load / agents) ** j for j in range(1, lines - agents + 1)]
    pi = np.array(weights) / sum(weights)
    accepted = 1 - pi[-1]
    q, k = pi[agents:lines], np.arange(lines - agents)
    rate = agents / aht
    expected = {
        "p_wait": q.sum() / accepted,
        "service_level": 1 - (q * stats.poisson.cdf(k, rate * threshold)).sum() / accepted,
        "asa": (q * (k + 1) / rate).sum() / accepted,
        "abandon_rate": 0.0,
        "blocking": pi[-1],
        "occupancy": load * accepted / agents,
    }
    m = analyse(arrival_rate=load / aht, aht=aht, agents=agents, threshold=threshold, lines=lines)
    assert_measures(m, expected, rel=1e-9)


@pytest.mark.parametrize(
    ("agents", "load", "patience", "lines", "threshold"),
    [
        (3, 4.0, 60.0, None, 20.0),  # overloaded: 133 % of the agents, still steady
        (5, 4.5, 300.0, None, 30.0),
        (4, 3.0, 100.0, 9, 15.0),  # patience and a line limit together
        (2, 2.4, 500.0, 12, 60.0),
        (6, 5.0, 45.0, None, 0.0),  # threshold 0: only contacts answered at once count
    ],
)
def test_erlang_a_against_dense_chain(agents, load, patience, lines, threshold):
    aht = 180.0
    lam = load / aht
    ref = dense_chain(lam, aht, agents, threshold, patience, lines)
    m = analyse(
        arrival_rate=lam,
        aht=aht,
        agents=agents,
        threshold=threshold,
        patience=patience,
        lines=lines,
    )
    assert_measures(m, ref, rel=1e-7, abs_=1e-10)
    # Abandonment flow balance: lambda * P(abandon) = theta * E[queue length].
    assert lam * m.abandon_rate == pytest.approx(ref["mean_queue"] / patience, rel=1e-7)


def test_erlang_a_overloaded_large_centre():
    lam, aht, agents = 20_000 / 3600, 216.0, 1000  # 1200 Erlangs on 1000 agents
    m = analyse(arrival_rate=lam, aht=aht, agents=agents, threshold=20.0, patience=180.0)
    # At 120 % load the agents are all but saturated; what they cannot carry is abandoned.
    carried = lam * aht * (1 - m.abandon_rate)
    assert m.occupancy == pytest.approx(carried / agents, rel=1e-12)
    assert 0.99 < m.occupancy <= 1.0
    assert m.abandon_rate == pytest.approx(1 - m.occupancy * agents / (lam * aht), rel=1e-9)
    assert 0.0 <= m.service_level < 0.5 and m.p_wait > 0.9


def test_large_centres_are_fast_and_finite():
    import time

    start = time.perf_counter()
    for kw in ({}, {"patience": 150.0}, {"lines": 1100}, {"patience": 600.0, "lines": 1300}):
        m = analyse(arrival_rate=20_000 / 3600, aht=178.0, agents=1000, threshold=20.0, **kw)
        assert all(math.isfinite(v) for v in m.as_dict().values())
    assert time.perf_counter() - start < 1.0  # milliseconds each in practice


# --- zero traffic, validation, dataclass -------------------------------------------------------


@pytest.mark.parametrize(
    "kw", [{}, {"patience": 30.0}, {"lines": 5}, {"patience": 9.0, "lines": 7}]
)
def test_no_traffic(kw):
    m = analyse(arrival_rate=0.0, aht=180.0, agents=3, threshold=20.0, **kw)
    assert m.as_dict() == {
        "p_wait": 0.0,
        "service_level": 1.0,
        "asa": 0.0,
        "abandon_rate": 0.0,
        "blocking": 0.0,
        "occupancy": 0.0,
        "agents": 3,
    }
    assert fewest_agents(arrival_rate=0.0, aht=180.0, threshold=20.0, target=0.8).agents == 0


def test_as_dict_keys():
    keys = list(analyse(agents=14, **WORKED).as_dict())
    assert keys == [
        "p_wait",
        "service_level",
        "asa",
        "abandon_rate",
        "blocking",
        "occupancy",
        "agents",
    ]


@pytest.mark.parametrize(
    ("overrides", "name"),
    [
        ({"arrival_rate": -1.0}, "arrival_rate"),
        ({"arrival_rate": math.nan}, "arrival_rate"),
        ({"aht": 0.0}, "aht"),
        ({"aht": math.inf}, "aht"),
        ({"agents": 0}, "agents"),
        ({"agents": 2.5}, "agents"),
        ({"agents": True}, "agents"),
        ({"threshold": -1.0}, "threshold"),
        ({"patience": 0.0}, "patience"),
        ({"patience": -5.0}, "patience"),
        ({"lines": 13}, "lines"),
    ],
)
def test_bad_arguments_are_named(overrides, name):
    kw = {"arrival_rate": 0.05, "aht": 180.0, "agents": 14, "threshold": 20.0, **overrides}
    with pytest.raises(ValueError, match=name):
        analyse(**kw)


def test_bad_arguments_elsewhere():
    with pytest.raises(ValueError, match="target"):
        fewest_agents(target=1.5, **WORKED)
    with pytest.raises(ValueError, match="agents"):
        erlang_b(-1, 2.0)
    with pytest.raises(ValueError, match="load"):
        erlang_c(3, -0.5)
    with pytest.raises(ValueError, match="shrinkage"):
        gross_up(10, 1.0)
    with pytest.raises(ValueError, match="shrinkage"):
        gross_up(10, -0.1)


def test_fewest_agents_unreachable_within_max_agents():
    with pytest.raises(ValueError, match="max_agents"):
        fewest_agents(target=0.95, max_agents=12, **WORKED)  # 10 Erlangs needs more than 12


def test_fewest_agents_respects_lines():
    m = fewest_agents(target=0.99, threshold=5.0, arrival_rate=0.2, aht=100.0, lines=22)
    assert m.agents <= 22 and m.service_level >= 0.99


@pytest.mark.parametrize(
    ("agents", "shrinkage", "scheduled"),
    [(14, 0.3, 20), (10, 0.0, 10), (10, 0.25, 14), (0, 0.5, 0), (7, 0.3, 10), (100, 0.35, 154)],
)
def test_gross_up(agents, shrinkage, scheduled):
    assert gross_up(agents, shrinkage) == scheduled


def test_no_steady_state_error_is_a_value_error():
    assert issubclass(erlang.NoSteadyStateError, ValueError)


# --- properties --------------------------------------------------------------------------------

rates = st.floats(min_value=1e-4, max_value=2.0)
ahts = st.floats(min_value=5.0, max_value=1200.0)
thresholds = st.floats(min_value=0.0, max_value=600.0)
patiences = st.one_of(st.none(), st.floats(min_value=1.0, max_value=3600.0))


@st.composite
def queues(draw):
    """Random (but steady) queues: Erlang A, line limits, or Erlang C with agents > load."""
    lam, aht = draw(rates), draw(ahts)
    load = lam * aht
    patience = draw(patiences)
    limited = draw(st.booleans())
    if patience is None and not limited:
        agents = math.floor(load) + 1 + draw(st.integers(0, 30))
    else:
        agents = draw(st.integers(1, max(2, int(1.5 * load) + 5)))
    lines = agents + draw(st.integers(0, 60)) if limited else None
    return {
        "arrival_rate": lam,
        "aht": aht,
        "agents": agents,
        "threshold": draw(thresholds),
        "patience": patience,
        "lines": lines,
    }


@settings(max_examples=150, deadline=None)
@given(queues())
def test_measures_are_proportions(kw):
    m = analyse(**kw)
    for name in ("p_wait", "service_level", "abandon_rate", "blocking", "occupancy"):
        assert 0.0 <= getattr(m, name) <= 1.0, name
    assert m.asa >= 0.0
    assert m.abandon_rate + m.blocking <= 1.0 + 1e-12
    # Nobody can be answered within T more often than answered at all.
    accepted = 1 - m.blocking
    assert m.service_level * accepted <= accepted - m.abandon_rate + 1e-9


@settings(max_examples=100, deadline=None)
@given(queues())
def test_an_extra_agent_never_hurts(kw):
    if kw["lines"] is not None and kw["lines"] == kw["agents"]:
        kw["lines"] += 1  # room for the extra agent
    now = analyse(**kw)
    more = analyse(**{**kw, "agents": kw["agents"] + 1})
    assert more.service_level >= now.service_level - 1e-9
    assert more.p_wait <= now.p_wait + 1e-9
    assert more.abandon_rate <= now.abandon_rate + 1e-9
    assert more.asa <= now.asa * (1 + 1e-9) + 1e-9


@settings(max_examples=60, deadline=None)
@given(queues(), st.floats(min_value=0.05, max_value=0.95))
def test_fewest_agents_is_the_fewest(kw, target):
    kw.pop("agents")
    m = fewest_agents(target=target, **kw)
    assert m.service_level >= target
    stable_floor = math.floor(kw["arrival_rate"] * kw["aht"]) + 1
    floor = stable_floor if kw["patience"] is None and kw["lines"] is None else 1
    if m.agents > floor:
        assert analyse(**{**kw, "agents": m.agents - 1}).service_level < target


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 400), st.floats(0.01, 0.999), thresholds)
def test_chain_agrees_with_erlang_c_everywhere(agents, utilisation, threshold):
    aht = 200.0
    load = utilisation * agents
    fate = erlang_chain.outcomes(
        arrival_rate=load / aht,
        aht=aht,
        agents=agents,
        threshold=threshold,
        theta=0.0,
        room=None,
        erlang_b=erlang_b(agents, load),
    )
    c = erlang_c(agents, load)
    late = c * math.exp(-(agents - load) / aht * threshold)
    assert fate.waited == pytest.approx(c, rel=1e-9, abs=1e-15)
    assert 1 - fate.answered_within == pytest.approx(late, rel=1e-6, abs=1e-13)
