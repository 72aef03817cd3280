"""Statistical validation: the simulator against queueing theory.

Every test here runs ccsim on a scenario for which queueing theory has an exact answer and
checks that the answer lies inside the simulation's confidence interval. No expected value
in this file was produced by ccsim itself: each one comes from a closed form (Erlang B, C and
A via :mod:`ccsim.analytic.erlang`, which is unit-tested against published tables in
``tests/test_erlang.py``; Pollaczek–Khinchine and the M_t/G/∞ formula written out below).

How the comparisons are made:

* **Steady state.** Single-interval-rate scenarios are open ``00:00``–``24:00`` for several
  days (the centre runs continuously) with a one-hour warm-up that is left out of the
  measures, so the start from an empty centre does not bias the averages.
* **Confidence intervals.** Each replication gives one value of a measure; across
  replications we form a Student-t interval (:func:`t_interval`). Replications are
  independent, so this interval is valid even though waits *within* a replication are
  strongly autocorrelated.
* **Decisive, not flaky.** The file makes about fifty comparisons. At 99 % each, a
  perfectly correct model would fail at least one of them on two changes of seed in five (or
  of the order in which random numbers are drawn); at :data:`CONFIDENCE` = 99.9 % that drops
  to about one in twenty. Runs are sized so that the intervals stay narrow all the same, and
  every comparison also asserts that its half-width is below a stated precision, so a
  shortened run cannot make a test pass by becoming vague. Seeds are fixed: every test is
  deterministic.
* **Cost.** Steady-state runs use ``jobs=2`` (replications in parallel). The whole file
  simulates about 22 million contacts (a minute on two idle cores); tests taking more than
  about five seconds are marked ``slow``.
"""

from __future__ import annotations

import numpy as np
import pytest
from theory_support import (
    CONFIDENCE,
    HOUR,
    WARMUP,
    Run,
    assert_covers,
    exponential,
    run,
    steady_state,
    t_interval,
)

import ccsim
from ccsim.analytic import erlang
from ccsim.records import ANSWERED

# --- scenarios --------------------------------------------------------------------------------


def contact_type(
    rate_per_hour: float | list[float],
    handle_time: dict,
    patience: float | None = None,
    threshold: float = 20.0,
    **extra: object,
) -> dict:
    """One contact type's YAML structure: Poisson arrivals, a handle time, optional patience.

    Args:
        rate_per_hour: arrivals per hour (one number, or one per interval).
        handle_time: the handle-time distribution (talk + wrap-up; no separate wrap-up).
        patience: mean of an exponential patience in seconds, or None (nobody abandons).
        threshold: service-level threshold in seconds.
        **extra: further keys, e.g. ``queue_capacity`` or ``lines``.
    """
    spec = {
        "arrivals": {"rate_per_hour": rate_per_hour},
        "handle_time": handle_time,
        "service_level": {"threshold": threshold},
        **extra,
    }
    if patience is not None:
        spec["patience"] = exponential(patience)
    return spec


def single_queue(
    rate_per_hour: float,
    handle_time: dict,
    agents: int,
    days: int,
    seed: int,
    patience: float | None = None,
    **extra: object,
) -> ccsim.Scenario:
    """The textbook case: one contact type ``voice`` served by one pool of ``agents``."""
    return steady_state(
        {"voice": contact_type(rate_per_hour, handle_time, patience, **extra)},
        {"agents": {"serves": ["voice"], "staffing": agents}},
        days,
        seed,
    )


# --- running and summarising ------------------------------------------------------------------


def fraction_waited(records: ccsim.ContactRecords) -> float:
    """P(wait): the share of contacts answered after the warm-up that waited at all.

    With continuous arrival times a contact that finds an agent idle waits exactly 0, and
    one that queues waits a positive time, so ``wait > 0`` is the event "had to wait".
    """
    measured = (records.arrival >= WARMUP) & (records.outcome == ANSWERED)
    return float(np.mean(records.wait[measured] > 0))


# --- 1. Erlang C: M/M/c ---------------------------------------------------------------------

# 20 agents, 340 calls/h at 180 s: 17 Erlangs, occupancy 0.85, ASA ≈ 23 s, P(wait) ≈ 0.39.
ERLANG_C = {"rate_per_hour": 340.0, "aht": 180.0, "agents": 20}


def erlang_c_theory() -> erlang.QueueMeasures:
    """Erlang C for :data:`ERLANG_C` (threshold 20 s)."""
    return erlang.analyse(
        arrival_rate=ERLANG_C["rate_per_hour"] / HOUR,
        aht=ERLANG_C["aht"],
        agents=ERLANG_C["agents"],
        threshold=20.0,
    )


@pytest.fixture(scope="module")
def erlang_c_run() -> Run:
    """M/M/20 at 85 % occupancy: 60 replications of 12 days (about 5.9 million calls)."""
    scenario = single_queue(
        ERLANG_C["rate_per_hour"],
        exponential(ERLANG_C["aht"]),
        ERLANG_C["agents"],
        days=12,
        seed=101,
    )
    return run(scenario, 60, {"p_wait": fraction_waited})


@pytest.mark.slow
def test_erlang_c_matches_simulation(erlang_c_run: Run) -> None:
    """M/M/c: service level, ASA, probability of waiting and occupancy (Erlang C)."""
    theory = erlang_c_theory()
    assert_covers(
        erlang_c_run.by_type("service_level"), theory.service_level, "service level", absolute=0.015
    )
    assert_covers(erlang_c_run.by_type("asa"), theory.asa, "ASA", rel=0.05)
    assert_covers(erlang_c_run.from_records["p_wait"], theory.p_wait, "P(wait)", absolute=0.015)
    assert_covers(erlang_c_run.overall("occupancy"), theory.occupancy, "occupancy", absolute=0.005)
    # Nobody abandons and nobody is blocked in M/M/c.
    assert np.all(erlang_c_run.by_type("abandoned") == 0)
    assert np.all(erlang_c_run.by_type("blocked") == 0)


# --- 2. Erlang A: M/M/c+M -------------------------------------------------------------------

ERLANG_A_CASES = {
    # 15 agents, 13.5 Erlangs (90 %), mean patience 3 min: about 6 % abandon.
    "normal": {"rate_per_hour": 270.0, "agents": 15, "patience": 180.0, "seed": 201},
    # 10 agents, 12 Erlangs (1.2 x the agents), patience 2 min: Erlang C has no steady state.
    "overloaded": {"rate_per_hour": 240.0, "agents": 10, "patience": 120.0, "seed": 202},
}


def erlang_a_theory(case: dict) -> erlang.QueueMeasures:
    """Erlang A (exponential patience) for one of :data:`ERLANG_A_CASES`, AHT 180 s."""
    return erlang.analyse(
        arrival_rate=case["rate_per_hour"] / HOUR,
        aht=180.0,
        agents=case["agents"],
        threshold=20.0,
        patience=case["patience"],
    )


@pytest.fixture(scope="module", params=sorted(ERLANG_A_CASES))
def erlang_a_run(request: pytest.FixtureRequest) -> tuple[dict, Run]:
    """Erlang A cases: 30 replications of 6 days each (about 1 million calls per case)."""
    case = ERLANG_A_CASES[request.param]
    scenario = single_queue(
        case["rate_per_hour"],
        exponential(180.0),
        case["agents"],
        days=6,
        seed=case["seed"],
        patience=case["patience"],
    )
    return case, run(scenario, 30)


def test_erlang_a_matches_simulation(erlang_a_run: tuple[dict, Run]) -> None:
    """M/M/c+M: service level, ASA, abandonment and occupancy (Erlang A)."""
    case, sim = erlang_a_run
    theory = erlang_a_theory(case)
    assert_covers(
        sim.by_type("service_level"), theory.service_level, "service level", absolute=0.01
    )
    assert_covers(sim.by_type("asa"), theory.asa, "ASA", rel=0.04)
    assert_covers(sim.by_type("abandon_rate"), theory.abandon_rate, "abandon rate", rel=0.04)
    assert_covers(sim.overall("occupancy"), theory.occupancy, "occupancy", absolute=0.005)


# --- 3. Finite lines: Erlang B and M/M/c/K ----------------------------------------------------

FINITE_CASES = {
    # Erlang B, M/M/10/10 at 8 Erlangs: 12.2 % blocked; no waiting place at all...
    "erlang_b_queue_capacity": {
        "rate": 160.0,
        "limit": {"queue_capacity": 0},
        "lines": 10,
        "patience": None,
    },
    # ... or, equivalently, 10 trunk lines for 10 agents.
    "erlang_b_lines": {"rate": 160.0, "limit": {"lines": 10}, "lines": 10, "patience": None},
    # M/M/10/15 at 9 Erlangs: 5 waiting places.
    "mmck_queue_capacity": {
        "rate": 180.0,
        "limit": {"queue_capacity": 5},
        "lines": 15,
        "patience": None,
    },
    # M/M/10/15+M at 11 Erlangs, patience 2 min: blocked, abandoned and answered.
    "mmck_lines_patience": {"rate": 220.0, "limit": {"lines": 15}, "lines": 15, "patience": 120.0},
}


@pytest.mark.parametrize("name", sorted(FINITE_CASES))
def test_finite_lines_match_theory(name: str) -> None:
    """Blocking (Erlang B / M/M/c/K), and waits and abandonment of the accepted calls.

    ``queue_capacity`` limits waiting places and ``lines`` limits calls in the centre; with
    10 agents always on duty both are the birth–death chain with ``lines = 10 + places``.
    """
    case = FINITE_CASES[name]
    scenario = single_queue(
        case["rate"],
        exponential(180.0),
        10,
        days=5,
        seed=301,
        patience=case["patience"],
        **case["limit"],
    )
    sim = run(scenario, 30)
    theory = erlang.analyse(
        arrival_rate=case["rate"] / HOUR,
        aht=180.0,
        agents=10,
        threshold=20.0,
        patience=case["patience"],
        lines=case["lines"],
    )
    assert_covers(sim.by_type("blocking_rate"), theory.blocking, "blocking", rel=0.06)
    assert_covers(sim.overall("occupancy"), theory.occupancy, "occupancy", absolute=0.006)
    if case["lines"] == 10:
        # Pure loss system: an accepted call never waits.
        assert np.all(sim.by_type("asa") == 0.0)
        assert np.all(sim.by_type("service_level") == 1.0)
        return
    assert_covers(
        sim.by_type("service_level"), theory.service_level, "service level", absolute=0.015
    )
    assert_covers(sim.by_type("asa"), theory.asa, "ASA", rel=0.06)
    assert_covers(sim.by_type("abandon_rate"), theory.abandon_rate, "abandon rate", absolute=0.006)


# --- 4. One agent, general handle times: Pollaczek–Khinchine ----------------------------------


def pollaczek_khinchine_wait(arrival_rate: float, mean: float, cv: float) -> float:
    """Mean wait in queue of the M/G/1 queue (Pollaczek–Khinchine formula).

    ``Wq = λ E[S²] / (2 (1 − ρ))`` with ``ρ = λ E[S]`` and ``E[S²] = E[S]² (1 + cv²)``
    (e.g. Kleinrock, *Queueing Systems* vol. 1, eq. 5.105; Gross & Harris, *Fundamentals of
    Queueing Theory*, sec. 5.1). M/D/1 is the case ``cv = 0``: ``Wq = ρ E[S] / (2 (1 − ρ))``.
    """
    rho = arrival_rate * mean
    assert rho < 1
    return arrival_rate * mean**2 * (1 + cv**2) / (2 * (1 - rho))


MG1_CASES = {
    "deterministic": ({"distribution": "deterministic", "value": 60.0}, 0.0),
    "gamma_cv0.5": ({"distribution": "gamma", "mean": 60.0, "cv": 0.5}, 0.5),
    "lognormal_cv1.5": ({"distribution": "lognormal", "mean": 60.0, "cv": 1.5}, 1.5),
}


@pytest.mark.parametrize(
    "name",
    [
        pytest.param(name, marks=pytest.mark.slow) if name.startswith("lognormal") else name
        for name in sorted(MG1_CASES)
    ],
)
def test_single_agent_matches_pollaczek_khinchine(name: str) -> None:
    """M/D/1 and M/G/1 at ρ = 0.7: mean wait (P–K), P(wait) = ρ (PASTA), occupancy = ρ.

    The heavier the handle-time tail, the noisier the mean wait: the lognormal case (cv 1.5)
    gets more and longer replications than the others, and a slightly looser precision.
    """
    handle_time, cv = MG1_CASES[name]
    rate_per_hour = 42.0  # one call every 85.7 s on average, 60 s each: ρ = 0.7
    replications, days, precision = (50, 50, 0.06) if cv > 1 else (40, 14, 0.05)
    scenario = single_queue(rate_per_hour, handle_time, 1, days=days, seed=401)
    sim = run(scenario, replications, {"p_wait": fraction_waited})
    rate = rate_per_hour / HOUR
    rho = rate * 60.0
    assert_covers(
        sim.by_type("mean_wait"),
        pollaczek_khinchine_wait(rate, 60.0, cv),
        "mean wait (P-K)",
        rel=precision,
    )
    assert_covers(sim.from_records["p_wait"], rho, "P(wait)", absolute=0.01)
    assert_covers(sim.overall("occupancy"), rho, "occupancy", absolute=0.01)


# --- 5. Time-varying arrivals: M_t/G/∞ --------------------------------------------------------

# Half-hourly rates (calls per hour), 08:00-14:00, with sharp steps so the number busy lags
# well behind the "stationary" λ E[S]; the last hour is quiet and left out (it also carries the
# agents finishing after closing).
MT_RATES = [600.0, 1800.0, 1800.0, 300.0, 300.0, 1200.0, 2400.0, 600.0, 0.0, 900.0, 0.0, 0.0]
MT_INTERVAL = 1800.0
MT_MEAN_SERVICE = 600.0
MT_AGENTS = 600  # never all busy: at most 400 calls in progress on average (Poisson, sd 20)


def _mt_integrated_survival(kind: str, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``G(x) = ∫₀ˣ P(S > y) dy`` and ``H(x) = ∫₀ˣ G(y) dy`` (both 0 for x ≤ 0)."""
    s = MT_MEAN_SERVICE
    x = np.maximum(x, 0.0)
    if kind == "exponential":
        g = s * -np.expm1(-x / s)
        h = s * x + s * s * np.expm1(-x / s)
    else:  # deterministic: S = s
        g = np.minimum(x, s)
        h = np.where(x <= s, x * x / 2, s * x - s * s / 2)
    return g, h


def mt_infinite_server_busy(kind: str) -> np.ndarray:
    """Mean number busy, averaged over each interval, of an M_t/G/∞ queue started empty.

    Eick, Massey & Whitt, "The physics of the M_t/G/∞ queue", Operations Research 41 (1993):
    ``m(t) = ∫_{-∞}^{t} λ(u) P(S > t − u) du``. With λ constant (λ_k) on [a_k, b_k) this is
    ``m(t) = Σ_k λ_k (G(t − a_k) − G(t − b_k))`` and its average over [t₀, t₁] is
    ``Σ_k λ_k (H(t₁ − a_k) − H(t₀ − a_k) − H(t₁ − b_k) + H(t₀ − b_k)) / (t₁ − t₀)``.
    Times are relative to opening.
    """
    rates = np.asarray(MT_RATES) / HOUR
    starts = MT_INTERVAL * np.arange(len(rates))
    a, b = starts[:, None], starts[:, None] + MT_INTERVAL  # arrival intervals (rows)
    t0, t1 = starts[None, :], starts[None, :] + MT_INTERVAL  # measured intervals (columns)
    h = [_mt_integrated_survival(kind, x)[1] for x in (t1 - a, t0 - a, t1 - b, t0 - b)]
    area = h[0] - h[1] - h[2] + h[3]
    return rates @ area / MT_INTERVAL


@pytest.mark.parametrize("kind", ["exponential", "deterministic"])
def test_time_varying_arrivals_infinite_server(kind: str) -> None:
    """M_t/M/∞ and M_t/D/∞: busy agents and offered calls, interval by interval.

    600 agents for at most 400 calls in progress on average: nobody ever waits, so the agents
    busy are the calls in the system, whose mean follows the M_t/G/∞ formula (including its
    lag after each step of the rate). Offered calls per interval are Poisson with mean
    rate × interval length. Every interval but the last is checked, a Bonferroni split of the
    error probability keeping the family of comparisons as strict as a single one.
    """
    handle = (
        exponential(MT_MEAN_SERVICE)
        if kind == "exponential"
        else {"distribution": "deterministic", "value": MT_MEAN_SERVICE}
    )
    scenario = ccsim.load_scenario(
        {
            "horizon": {"days": 1, "interval": "30min", "open": "08:00", "close": "14:00"},
            "contact_types": {"voice": contact_type(MT_RATES, handle)},
            "pools": {"agents": {"serves": ["voice"], "staffing": MT_AGENTS}},
            "experiment": {"seed": 501, "confidence": CONFIDENCE},
        }
    )
    sim = run(scenario, 100)
    checked = len(MT_RATES) - 1
    confidence = 1 - (1 - CONFIDENCE) / (2 * checked)

    def per_interval(kind_: str, column: str) -> np.ndarray:
        """replications × intervals array of one column of the interval tables."""
        rows = []
        for r in sim.replications:
            frame = r.intervals[r.intervals["kind"] == kind_].sort_values("interval")
            rows.append(frame[column].to_numpy(float))
        return np.array(rows)[:, :checked]

    # Busy agents on average = busy time / interval length = occupancy × agents on duty.
    on_duty = per_interval("pool", "agent_hours") * HOUR / MT_INTERVAL
    busy = np.nan_to_num(per_interval("pool", "occupancy")) * on_duty
    offered = per_interval("type", "offered")
    assert np.all(sim.by_type("asa") == 0.0), "an M_t/G/∞ caller never waits"
    theory = mt_infinite_server_busy(kind)
    for k in range(checked):
        assert_covers(
            busy[:, k],
            theory[k],
            f"busy agents, interval {k}",
            absolute=max(0.05 * theory[k], 3.0),
            confidence=confidence,
        )
        expected = MT_RATES[k] / HOUR * MT_INTERVAL
        assert_covers(
            offered[:, k],
            expected,
            f"offered, interval {k}",
            absolute=max(0.05 * expected, 1.0),
            confidence=confidence,
        )
    # Power: the naive stationary figure λ_k E[S] is rejected in the intervals after a step.
    naive = np.asarray(MT_RATES[:checked]) / HOUR * MT_MEAN_SERVICE
    intervals = [t_interval(busy[:, k], confidence) for k in range(checked)]
    rejected = [k for k, ci in enumerate(intervals) if not ci.low <= naive[k] <= ci.high]
    assert len(rejected) >= checked // 2, rejected


# --- 6. Little's law and flow balance ---------------------------------------------------------


def test_littles_law_erlang_a(erlang_a_run: tuple[dict, Run]) -> None:
    """Mean queue length: L_q = λ W_q on every path, and = λ · P(abandon) · mean patience.

    Sample-path identity (the measures must agree to rounding): the area under the queue-length
    curve over the measured period is the sum of the waits of the calls that arrived in it, so
    ``mean_queue × T = mean_wait × (answered + abandoned)``; likewise every offered call has
    exactly one outcome. Theory: in M/M/c+M each waiting caller abandons at rate θ = 1 / mean
    patience, so the abandonment flow ``λ P(abandon)`` equals ``θ E[L_q]`` (Little's law for
    the abandoning callers), i.e. ``E[L_q] = λ P(abandon) / θ`` with P(abandon) from Erlang A.
    """
    case, sim = erlang_a_run
    queued = sim.by_type("answered") + sim.by_type("abandoned")
    np.testing.assert_allclose(
        sim.by_type("mean_queue") * sim.measured_seconds,
        sim.by_type("mean_wait") * queued,
        rtol=1e-9,
    )
    np.testing.assert_array_equal(
        sim.by_type("offered"),
        queued
        + sim.by_type("blocked")
        + np.array([r.by_type["voice"]["unserved"] for r in sim.replications]),
    )
    theory = erlang_a_theory(case)
    expected_queue = case["rate_per_hour"] / HOUR * theory.abandon_rate * case["patience"]
    assert_covers(sim.by_type("mean_queue"), expected_queue, "mean queue", rel=0.05)


@pytest.mark.slow
def test_littles_law_erlang_c(erlang_c_run: Run) -> None:
    """Mean queue length of M/M/c: ``L_q = λ W_q`` with Erlang C's ``W_q`` (= its ASA)."""
    theory = erlang_c_theory()
    expected_queue = ERLANG_C["rate_per_hour"] / HOUR * theory.asa
    assert_covers(erlang_c_run.by_type("mean_queue"), expected_queue, "mean queue", rel=0.05)


# --- 7. Several pools and several contact types -----------------------------------------------


def split_pools_scenario(days: int, seed: int) -> ccsim.Scenario:
    """:data:`ERLANG_C`'s 20 agents as two identical pools of 12 and 8, one queue."""
    return steady_state(
        {"voice": contact_type(ERLANG_C["rate_per_hour"], exponential(ERLANG_C["aht"]))},
        {
            "first": {"serves": ["voice"], "staffing": 12},
            "second": {"serves": ["voice"], "staffing": 8},
        },
        days,
        seed,
    )


def test_split_pools_follow_the_same_path() -> None:
    """Two identical pools serving one queue are one M/M/c queue, call for call.

    The waits of a FIFO multi-server queue are fixed by the arrival and handle times alone
    (Kiefer–Wolfowitz recursion), whichever agent answers; ccsim draws those per contact type,
    so on the same seed the split centre must reproduce the single pool's waits exactly.
    """
    single = single_queue(
        ERLANG_C["rate_per_hour"],
        exponential(ERLANG_C["aht"]),
        ERLANG_C["agents"],
        days=3,
        seed=701,
    )
    one = ccsim.simulate(single, replication=0)
    two = ccsim.simulate(split_pools_scenario(days=3, seed=701), replication=0)
    np.testing.assert_array_equal(one.arrival, two.arrival)
    np.testing.assert_array_equal(one.outcome, two.outcome)
    np.testing.assert_allclose(one.wait, two.wait, rtol=0, atol=1e-9)
    assert set(np.unique(two.pool)) == {0, 1}, "both pools must take calls"


@pytest.mark.slow
def test_split_pools_match_erlang_c() -> None:
    """One queue, two identical pools (12 + 8 agents): Erlang C for 20 agents (multi-pool path)."""
    sim = run(split_pools_scenario(days=10, seed=702), 40)
    theory = erlang_c_theory()
    assert_covers(
        sim.by_type("service_level"), theory.service_level, "service level", absolute=0.02
    )
    assert_covers(sim.by_type("asa"), theory.asa, "ASA", rel=0.08)
    assert_covers(sim.overall("occupancy"), theory.occupancy, "occupancy", absolute=0.006)


@pytest.mark.slow
def test_two_types_one_pool_match_erlang_c() -> None:
    """Two contact types, same handle times, same priority, one pool: FCFS M/M/c on the sum.

    Poisson streams superpose, and a freed agent takes the longest-waiting call of either
    type, so the centre is one M/M/20 queue fed at 340 calls/h, and each type — a random
    sample of its calls — sees Erlang C's service level and ASA.
    """
    scenario = steady_state(
        {
            "billing": contact_type(240.0, exponential(ERLANG_C["aht"])),
            "sales": contact_type(100.0, exponential(ERLANG_C["aht"])),
        },
        {"agents": {"serves": {"billing": 1, "sales": 1}, "staffing": ERLANG_C["agents"]}},
        days=10,
        seed=703,
    )
    sim = run(scenario, 40)
    theory = erlang_c_theory()
    for name, precision in (("billing", 0.08), ("sales", 0.09)):
        assert_covers(
            sim.by_type("service_level", name),
            theory.service_level,
            f"{name} service level",
            absolute=0.025,
        )
        assert_covers(sim.by_type("asa", name), theory.asa, f"{name} ASA", rel=precision)
    assert_covers(sim.overall("occupancy"), theory.occupancy, "occupancy", absolute=0.006)
