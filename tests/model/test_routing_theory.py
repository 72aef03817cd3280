"""Statistical validation of multi-skill routing, overflow and transfers against queueing theory.

The companion of ``tests/test_theory.py`` (one queue, one pool) for the features that route
contacts between several queues and pools: priorities between contact types, pools split in
two, time-based overflow to a backup pool, tier-1 → tier-2 transfers and the routing policies.
Every expected value comes from a closed form — Cobham's priority formula written out below,
or Erlang B / C / A via :mod:`ccsim.analytic.erlang` (unit-tested against published tables in
``tests/test_erlang.py``) — or, where no formula exists (warm transfers), from a flow-balance
identity. No expected value was produced by ccsim itself.

The method is that of ``tests/test_theory.py``, whose helpers are repeated here in short so
that the two files can change independently:

* **Steady state.** Constant rates and staffing, open ``00:00``–``24:00`` for several days with
  a one-hour warm-up left out of the measures.
* **Confidence intervals.** One value per independent replication, a Student-t interval at
  :data:`CONFIDENCE` = 99.9 % across them (:func:`t_interval`); every comparison also asserts
  that its half-width is below a stated precision (:func:`assert_covers`), so a shortened run
  cannot pass by becoming vague. Precisions are chosen so that the plausible wrong answers —
  first-come-first-served instead of priorities, separate instead of pooled agents, the
  transfers' source rate instead of the thinned one — lie far outside the interval.
* **Same path, not just same mean.** Where theory says two configurations are the *same*
  queue (a pool split in two, priorities given two ways, a policy that must reduce to
  another), they are run on the same seed and compared call for call: ccsim draws arrival
  and handle times per contact type (common random numbers), so the records must agree
  exactly.
* **Cost.** Experiments run two replications at a time (``jobs=2``); the file simulates
  about 14 million contacts (about a minute on two idle cores). Tests taking more than about
  five seconds are marked ``slow``.
"""

from __future__ import annotations

import numpy as np
import pytest
from theory_support import (
    HOUR,
    WARMUP,
    assert_covers,
    exponential,
    run,
    steady_state,
    t_interval,
)

import ccsim
from ccsim.analytic import erlang
from ccsim.records import ANSWERED

TRANSFER = 2
"""``records.kind`` of a leg created by a transfer (see :data:`ccsim.records.KINDS`)."""


# --- scenarios --------------------------------------------------------------------------------


def contact_type(
    rate_per_hour: float,
    aht: float,
    patience: float | None = None,
    **extra: object,
) -> dict:
    """One contact type's YAML structure: Poisson arrivals, exponential handle times.

    Args:
        rate_per_hour: arrivals per hour (0: the type only receives transfers).
        aht: mean of the exponential handle time in seconds (no separate wrap-up).
        patience: mean of an exponential patience in seconds, or None (nobody abandons).
        **extra: further keys, e.g. ``priority``, ``queue_capacity`` or ``transfers``.
    """
    spec = {
        "arrivals": {"rate_per_hour": rate_per_hour},
        "handle_time": exponential(aht),
        "service_level": {"threshold": 20.0},
        **extra,
    }
    if patience is not None:
        spec["patience"] = exponential(patience)
    return spec


# --- running and summarising ------------------------------------------------------------------


def assert_same_path(one: ccsim.ContactRecords, two: ccsim.ContactRecords) -> None:
    """Assert that two replications made the same contacts with the same outcomes and waits."""
    np.testing.assert_array_equal(one.arrival, two.arrival)
    np.testing.assert_array_equal(one.contact_type, two.contact_type)
    np.testing.assert_array_equal(one.outcome, two.outcome)
    np.testing.assert_allclose(one.wait, two.wait, rtol=0, atol=1e-9)


# --- 1. Non-preemptive priorities: Cobham's formula -------------------------------------------


def cobham_waits(rates: list[float], aht: float, agents: int) -> list[float]:
    """Mean wait in queue of each class of the non-preemptive priority M/M/c queue.

    All classes share one exponential service rate μ = 1 / ``aht``; class 1 is served
    first, and within a class in order of arrival. With ``σ_k = Σ_{i ≤ k} λ_i / (c μ)``
    (``σ_0 = 0``) and ``C(c, a)`` the Erlang C probability of waiting at the total load
    ``a = Σ λ_i / μ``, class ``k`` waits on average

        ``W_k = C(c, a) / (c μ (1 − σ_{k−1}) (1 − σ_k))``

    (A. Cobham, "Priority assignment in waiting line problems", Journal of the Operations
    Research Society of America 2 (1954) 70–76; Gross, Shortle, Thompson & Harris,
    *Fundamentals of Queueing Theory*, 4th ed., §3.4). Averaged over the classes with weights
    λ_k it gives back Erlang C's mean wait: the discipline reorders the queue, but a
    work-conserving one with equal service rates does not change its length.

    Args:
        rates: arrival rate of each class in contacts per second, highest priority first.
        aht: the common mean handle time in seconds.
        agents: c.
    """
    mu = 1.0 / aht
    load = sum(rates) * aht
    waiting = erlang.erlang_c(agents, load)
    sigma = np.concatenate([[0.0], np.cumsum(rates) / (agents * mu)])
    assert sigma[-1] < 1
    return [
        waiting / (agents * mu * (1 - sigma[k - 1]) * (1 - sigma[k]))
        for k in range(1, len(rates) + 1)
    ]


# 10 agents, 180 s: 60 calls/h of class "high" (σ1 = 0.3) and 100/h of "low" (σ2 = 0.8).
# W_high ≈ 10.5 s and W_low ≈ 52.6 s, against 36.8 s for both under first come, first served.
PRIORITY = {"high": 60.0, "low": 100.0, "aht": 180.0, "agents": 10}

PRIORITY_FORMS = {
    # The pool ranks the types: serves {high: 1, low: 2}.
    "pool_ranks": ({"high": 1, "low": 2}, {}, {}),
    # The pool ranks them equally and the contact types' own priority breaks the tie.
    "type_priority": ({"high": 1, "low": 1}, {"priority": 1}, {"priority": 2}),
}


def priority_scenario(form: str, days: int, seed: int, routing: dict | None = None):
    """:data:`PRIORITY` with its two classes ranked in one of :data:`PRIORITY_FORMS`."""
    serves, high, low = PRIORITY_FORMS[form]
    aht = PRIORITY["aht"]
    return steady_state(
        {
            "high": contact_type(PRIORITY["high"], aht, **high),
            "low": contact_type(PRIORITY["low"], aht, **low),
        },
        {"agents": {"serves": serves, "staffing": PRIORITY["agents"]}},
        days,
        seed,
        routing,
    )


@pytest.mark.slow
@pytest.mark.parametrize("form", sorted(PRIORITY_FORMS))
def test_non_preemptive_priority_matches_cobham(form: str) -> None:
    """Two classes, one pool, non-preemptive priority: per-class mean waits (Cobham).

    No abandonment, so ASA is the mean wait of every contact. The centre as a whole stays
    an M/M/10 queue at 8 Erlangs: its overall mean wait is Erlang C's (see
    :func:`cobham_waits`), and occupancy is the load per agent.
    """
    seed = {"pool_ranks": 1101, "type_priority": 1102}[form]
    sim = run(priority_scenario(form, days=10, seed=seed), 40)
    rates = [PRIORITY["high"] / HOUR, PRIORITY["low"] / HOUR]
    w_high, w_low = cobham_waits(rates, PRIORITY["aht"], PRIORITY["agents"])
    assert_covers(sim.by_type("asa", "high"), w_high, "high-priority mean wait", rel=0.05)
    assert_covers(sim.by_type("asa", "low"), w_low, "low-priority mean wait", rel=0.08)
    fcfs = erlang.analyse(
        arrival_rate=sum(rates), aht=PRIORITY["aht"], agents=PRIORITY["agents"], threshold=20.0
    )
    assert_covers(sim.overall("asa"), fcfs.asa, "overall mean wait (Erlang C)", rel=0.08)
    assert_covers(sim.overall("occupancy"), fcfs.occupancy, "occupancy", absolute=0.005)


def test_priority_by_rank_or_by_type_priority_is_the_same_path() -> None:
    """``serves: {high: 1, low: 2}`` and equal ranks with type priorities 1 and 2 agree exactly.

    Both say "a free agent takes the longest-waiting high contact if there is one, else the
    longest-waiting low one"; on the same seed they must make the same decisions.
    """
    one = ccsim.simulate(priority_scenario("pool_ranks", days=3, seed=1103))
    two = ccsim.simulate(priority_scenario("type_priority", days=3, seed=1103))
    assert_same_path(one, two)
    np.testing.assert_array_equal(one.agent, two.agent)


# --- 2. One pool split in two: M/M/c/K and Erlang A -------------------------------------------

SPLIT_CASES = {
    # M/M/12/17 at 11 Erlangs: 5 waiting places, about 6 % blocked.
    "mmck": {
        "rate": 220.0,
        "extra": {"queue_capacity": 5},
        "patience": None,
        "lines": 17,
        "seed": 1201,
    },
    # M/M/12+M at 12.5 Erlangs (more than the agents), mean patience 3 min: 13 % abandon.
    "erlang_a": {"rate": 250.0, "extra": {}, "patience": 180.0, "lines": None, "seed": 1202},
}


def split_scenario(case: dict, pools: dict[str, int], days: int, seed: int) -> ccsim.Scenario:
    """One contact type ``voice`` of :data:`SPLIT_CASES`, served by identical ``pools``."""
    return steady_state(
        {"voice": contact_type(case["rate"], 180.0, case["patience"], **case["extra"])},
        {name: {"serves": ["voice"], "staffing": agents} for name, agents in pools.items()},
        days,
        seed,
    )


@pytest.mark.parametrize("name", sorted(SPLIT_CASES))
def test_split_pool_matches_single_pool_theory(name: str) -> None:
    """Two identical pools of 6 serving one queue are the M/M/12 queue with its limits.

    Blocking with a finite queue (M/M/c/K: ``lines = 12 + queue_capacity``) and abandonment
    with exponential patience (Erlang A) depend only on how many are busy and waiting, which
    a work-conserving first-come-first-served centre does not change by splitting its
    agents. Checked twice: against :func:`ccsim.analytic.erlang.analyse` with 12 agents, and call
    for
    call against a single pool of 12 on the same seed (the queue's path is fixed by the
    arrival, handle and patience times alone, whichever agent answers).
    """
    case = SPLIT_CASES[name]
    single = ccsim.simulate(split_scenario(case, {"all": 12}, days=2, seed=case["seed"]))
    split = ccsim.simulate(split_scenario(case, {"east": 6, "west": 6}, days=2, seed=case["seed"]))
    assert_same_path(single, split)
    assert set(np.unique(split.pool[split.outcome == ANSWERED])) == {0, 1}

    sim = run(split_scenario(case, {"east": 6, "west": 6}, days=4, seed=case["seed"]), 30)
    theory = erlang.analyse(
        arrival_rate=case["rate"] / HOUR,
        aht=180.0,
        agents=12,
        threshold=20.0,
        patience=case["patience"],
        lines=case["lines"],
    )
    assert_covers(
        sim.by_type("service_level", "voice"), theory.service_level, "service level", absolute=0.012
    )
    assert_covers(sim.by_type("asa", "voice"), theory.asa, "ASA", rel=0.05)
    assert_covers(sim.overall("occupancy"), theory.occupancy, "occupancy", absolute=0.005)
    if case["lines"] is not None:
        assert_covers(sim.by_type("blocking_rate", "voice"), theory.blocking, "blocking", rel=0.06)
        assert np.all(sim.by_type("abandoned", "voice") == 0)
    else:
        assert_covers(
            sim.by_type("abandon_rate", "voice"), theory.abandon_rate, "abandon rate", rel=0.04
        )
        assert np.all(sim.by_type("blocked", "voice") == 0)


# --- 3. Time-based overflow between two pools ------------------------------------------------

# Sales: 136 calls/h for 8 agents (6.8 Erlangs, ρ = 0.85); service: 180 calls/h for 12 agents
# (9 Erlangs, ρ = 0.75); 180 s each. Pooled: 15.8 Erlangs on 20 agents.
OVERFLOW = {"sales": (136.0, "sales_team", 8), "service": (180.0, "service_team", 12)}
OVERFLOW_AHT = 180.0


def overflow_scenario(after: str, days: int, seed: int, routing: dict | None = None):
    """Each pool primary for its type and backup for the other after ``after`` of waiting."""
    (rate_a, pool_a, agents_a), (rate_b, pool_b, agents_b) = OVERFLOW.values()
    return steady_state(
        {
            "sales": contact_type(rate_a, OVERFLOW_AHT),
            "service": contact_type(rate_b, OVERFLOW_AHT),
        },
        {
            pool_a: {
                "serves": {"sales": 1, "service": {"priority": 2, "after": after}},
                "staffing": agents_a,
            },
            pool_b: {
                "serves": {"service": 1, "sales": {"priority": 2, "after": after}},
                "staffing": agents_b,
            },
        },
        days,
        seed,
        routing,
    )


@pytest.mark.slow
def test_overflow_at_once_is_full_pooling() -> None:
    """Overflow after 0 s: the two pools act as one M/M/20 queue (Erlang C, pooled).

    Every agent may take every contact at once, so no contact waits while an agent is idle:
    the centre is work-conserving with one exponential service rate, and the number waiting
    is that of M/M/20 fed by both streams (15.8 Erlangs), whatever order each pool takes its
    queues in. Hence the mean queue is Erlang C's ``L_q``, and by Little's law the mean wait
    over all contacts (ASA, no abandonment) is its ``W_q``; occupancy is 15.8 / 20. Separate
    teams would wait 86 s (sales) and 16 s (service): 38 s on average, against 10 s pooled.
    """
    sim = run(overflow_scenario("0s", days=8, seed=1301), 40)
    rate = sum(rate for rate, _, _ in OVERFLOW.values()) / HOUR
    pooled = erlang.analyse(arrival_rate=rate, aht=OVERFLOW_AHT, agents=20, threshold=20.0)
    assert_covers(sim.overall("asa"), pooled.asa, "overall mean wait (pooled Erlang C)", rel=0.08)
    assert_covers(sim.overall("mean_queue"), rate * pooled.asa, "mean queue (pooled L_q)", rel=0.08)
    assert_covers(sim.overall("occupancy"), pooled.occupancy, "occupancy", absolute=0.004)


@pytest.mark.slow
def test_overflow_never_reached_is_two_separate_queues() -> None:
    """Overflow after 10 days (longer than the horizon): two independent Erlang C queues.

    Nobody waits anywhere near 10 days, so no contact ever becomes eligible for the backup
    pool: sales is M/M/8 at 6.8 Erlangs and service M/M/12 at 9 Erlangs, each with its own
    Erlang C waits and occupancy (pooled, both would wait 10 s on average).
    """
    sim = run(overflow_scenario("10d", days=6, seed=1302), 40)
    for name, (rate, pool, agents) in OVERFLOW.items():
        theory = erlang.analyse(
            arrival_rate=rate / HOUR, aht=OVERFLOW_AHT, agents=agents, threshold=20.0
        )
        assert_covers(sim.by_type("asa", name), theory.asa, f"{name} ASA", rel=0.08)
        assert_covers(
            sim.by_type("service_level", name),
            theory.service_level,
            f"{name} service level",
            absolute=0.02,
        )
        assert_covers(
            sim.by_pool("occupancy", pool), theory.occupancy, f"{pool} occupancy", absolute=0.006
        )


# --- 4. Transfers: a tandem of tier 1 and tier 2 ---------------------------------------------

# Tier 1: 360 calls/h, 180 s, 23 agents (18 Erlangs, ρ = 0.78). After handling, 40 % go on to
# tier 2 (240 s, 13 agents), which has no arrivals of its own.
TANDEM = {"rate": 360.0, "aht1": 180.0, "agents1": 23, "p": 0.4, "aht2": 240.0, "agents2": 13}


def tandem_scenario(mode: str, handover: float, days: int, seed: int) -> ccsim.Scenario:
    """:data:`TANDEM` with ``mode`` (cold or warm) transfers and the given handover."""
    transfer = {"to": "tier2", "probability": TANDEM["p"], "mode": mode, "handover": handover}
    return steady_state(
        {
            "tier1": contact_type(TANDEM["rate"], TANDEM["aht1"], transfers=[transfer]),
            "tier2": contact_type(0.0, TANDEM["aht2"]),
        },
        {
            "first_line": {"serves": ["tier1"], "staffing": TANDEM["agents1"]},
            "second_line": {"serves": ["tier2"], "staffing": TANDEM["agents2"]},
        },
        days,
        seed,
    )


@pytest.mark.slow
def test_cold_transfer_tandem_is_a_jackson_network() -> None:
    """Cold transfers: tier 2 is an M/M/13 queue fed at λ p (Burke's theorem).

    Tier 1 is an M/M/23 queue (a cold transfer frees its agent at once). In steady state its
    departures form a Poisson process of rate λ (P. J. Burke, "The output of a queuing
    system", Operations Research 4 (1956) 699–704), and an independent coin per contact thins
    it into a Poisson stream of rate λ p: the two tiers are a Jackson network (J. R. Jackson,
    "Networks of waiting lines", Operations Research 5 (1957) 518–521), whose stationary
    distribution is the product of the two M/M/c ones. So tier 2 is offered λ p = 144 calls/h
    and waits as Erlang C says for 144/h at 240 s on 13 agents; each tier's occupancy is its
    load per agent. (Unthinned, tier 2 would be overloaded: 24 Erlangs on 13 agents.)
    """
    sim = run(tandem_scenario("cold", 0.0, days=6, seed=1401), 40)
    rate, p = TANDEM["rate"] / HOUR, TANDEM["p"]
    offered_per_hour = sim.by_type("offered", "tier2") / sim.measured_hours
    assert_covers(offered_per_hour, TANDEM["rate"] * p, "tier-2 offered per hour", rel=0.01)
    tier1 = erlang.analyse(
        arrival_rate=rate, aht=TANDEM["aht1"], agents=TANDEM["agents1"], threshold=20.0
    )
    tier2 = erlang.analyse(
        arrival_rate=rate * p, aht=TANDEM["aht2"], agents=TANDEM["agents2"], threshold=20.0
    )
    assert_covers(sim.by_type("asa", "tier1"), tier1.asa, "tier-1 ASA", rel=0.12)
    assert_covers(sim.by_type("asa", "tier2"), tier2.asa, "tier-2 ASA", rel=0.08)
    assert_covers(
        sim.by_type("service_level", "tier2"),
        tier2.service_level,
        "tier-2 service level",
        absolute=0.015,
    )
    assert_covers(
        sim.by_pool("occupancy", "first_line"), tier1.occupancy, "tier-1 occupancy", absolute=0.005
    )
    assert_covers(
        sim.by_pool("occupancy", "second_line"), tier2.occupancy, "tier-2 occupancy", absolute=0.006
    )


HANDOVER = 20.0
"""Handover of the warm-transfer test, seconds."""


def warm_transfer_holding(records: ccsim.ContactRecords) -> float:
    """Tier-1 agent time per transferred contact, less its leg's tier-2 wait and the handover.

    Over the tier-1 contacts arriving after the warm-up whose tier-2 leg was answered: the
    mean of (tier-1 agent busy time − the leg's wait − handover). The agent talks for the
    handle time, holds while tier 2 waits, then joins tier 2 for the handover, so this is the
    mean tier-1 handle time of the transferred contacts.
    """
    legs = np.flatnonzero((records.kind == TRANSFER) & (records.outcome == ANSWERED))
    source = records.customer[legs]  # one transfer per customer: the leg's first contact
    measured = records.arrival[source] >= WARMUP
    legs, source = legs[measured], source[measured]
    busy = records.ended[source] - records.answered[source]
    return float(np.mean(busy - records.wait[legs] - HANDOVER))


@pytest.mark.slow
def test_warm_transfer_holds_the_first_agent() -> None:
    """Warm transfers: the tier-1 agent is held for the tier-2 wait plus the handover.

    With the first agent on the line tier 1 is no longer M/M/c and no closed form is known,
    so this checks flow balance instead:

    * exactly, contact by contact: a tier-1 agent is released ``handover`` after tier 2
      answers the leg, which arrived after tier 1 had answered (when its handle time ended);
    * from the records: tier-1 busy time per transferred contact = its tier-2 leg's wait +
      handover + a tier-1 handle time of mean 180 s (whether to transfer is decided
      independently of the handle time);
    * offered work: tier 2 is still offered λ p contacts per hour, and its busy agents are
      λ p (AHT₂ + handover) (Little's law for the agents);
    * tier-1 busy agents (occupancy × 23) = λ AHT₁ + λ p (W₂ + handover): the occupancy rises
      by the holding time, W₂ being the replication's tier-2 ASA.
    """
    records = ccsim.simulate(tandem_scenario("warm", HANDOVER, days=1, seed=1402))
    legs = np.flatnonzero((records.kind == TRANSFER) & (records.outcome == ANSWERED))
    source = records.customer[legs]
    assert np.all(records.transferred_to[source] == 1) and len(legs) > 1000
    np.testing.assert_allclose(
        records.ended[source], records.answered[legs] + HANDOVER, rtol=0, atol=1e-6
    )
    np.testing.assert_array_less(records.answered[source], records.arrival[legs])

    sim = run(
        tandem_scenario("warm", HANDOVER, days=4, seed=1403),
        30,
        {"tier1_handle": warm_transfer_holding},
    )
    rate, p = TANDEM["rate"] / HOUR, TANDEM["p"]
    assert_covers(
        sim.from_records["tier1_handle"],
        TANDEM["aht1"],
        "tier-1 busy time per transfer - tier-2 wait - handover",
        rel=0.01,
    )
    offered_per_hour = sim.by_type("offered", "tier2") / sim.measured_hours
    assert_covers(offered_per_hour, TANDEM["rate"] * p, "tier-2 offered per hour", rel=0.01)
    tier2_busy = sim.by_pool("occupancy", "second_line") * TANDEM["agents2"]
    assert_covers(
        tier2_busy, rate * p * (TANDEM["aht2"] + HANDOVER), "tier-2 busy agents", rel=0.01
    )
    tier1_busy = sim.by_pool("occupancy", "first_line") * TANDEM["agents1"]
    held = rate * p * (sim.by_type("asa", "tier2") + HANDOVER)
    assert_covers(
        tier1_busy - held, rate * TANDEM["aht1"], "tier-1 busy agents less the holding", rel=0.01
    )
    # Power: the holding is visible (at least half an agent more than with cold transfers).
    assert t_interval(tier1_busy).low > rate * TANDEM["aht1"] + 0.5


# --- 5. Routing policies ---------------------------------------------------------------------

LONGEST_IDLE = {"rate": 180.0, "aht": 180.0, "agents": 12}
"""One queue for :class:`~ccsim.model.routing.LongestIdleRouting`: 9 Erlangs on 12 agents."""


@pytest.mark.slow
def test_longest_idle_single_queue_matches_erlang_c() -> None:
    """``longest_idle``, one type, one pool: Erlang C (any work-conserving FCFS policy).

    Also the same path as static priority on the same seed: with one queue and one pool the
    two policies make the same decisions.
    """

    def scenario(policy: str, days: int, seed: int) -> ccsim.Scenario:
        return steady_state(
            {"voice": contact_type(LONGEST_IDLE["rate"], LONGEST_IDLE["aht"])},
            {"agents": {"serves": ["voice"], "staffing": LONGEST_IDLE["agents"]}},
            days,
            seed,
            {"policy": policy},
        )

    assert_same_path(
        ccsim.simulate(scenario("longest_idle", 2, 1501)),
        ccsim.simulate(scenario("static_priority", 2, 1501)),
    )
    sim = run(scenario("longest_idle", days=8, seed=1502), 40)
    theory = erlang.analyse(
        arrival_rate=LONGEST_IDLE["rate"] / HOUR,
        aht=LONGEST_IDLE["aht"],
        agents=LONGEST_IDLE["agents"],
        threshold=20.0,
    )
    assert_covers(
        sim.by_type("service_level", "voice"), theory.service_level, "service level", absolute=0.015
    )
    assert_covers(sim.by_type("asa", "voice"), theory.asa, "ASA", rel=0.08)
    assert_covers(sim.overall("occupancy"), theory.occupancy, "occupancy", absolute=0.005)


def test_longest_idle_with_immediate_overflow_is_one_fcfs_queue() -> None:
    """``longest_idle`` with overflow after 0 s: one first-come-first-served M/M/20 queue.

    The policy ignores ranks and takes the longest-waiting contact of any type a pool
    serves, so the two pools of :func:`overflow_scenario` become one FCFS queue of 20 agents.
    The waits of a FCFS multi-server queue depend only on arrival and handle times
    (Kiefer–Wolfowitz), so they equal call for call those of a single pool of 20 ranking both
    types equally.
    """
    (rate_a, _, agents_a), (rate_b, _, agents_b) = OVERFLOW.values()
    single = steady_state(
        {
            "sales": contact_type(rate_a, OVERFLOW_AHT),
            "service": contact_type(rate_b, OVERFLOW_AHT),
        },
        {"everyone": {"serves": {"sales": 1, "service": 1}, "staffing": agents_a + agents_b}},
        days=3,
        seed=1503,
    )
    fcfs = ccsim.simulate(
        overflow_scenario("0s", days=3, seed=1503, routing={"policy": "longest_idle"})
    )
    assert_same_path(ccsim.simulate(single), fcfs)
    assert set(np.unique(fcfs.pool[fcfs.outcome == ANSWERED])) == {0, 1}


@pytest.mark.parametrize("form", ["pool_ranks", "type_priority"])
def test_priority_aging_without_aging_is_static_priority(form: str) -> None:
    """``priority_aging`` with a huge ``aging`` (10 years) is static priority, call for call.

    A contact gains one level per ``aging`` of waiting; no contact waits anywhere near ten
    years, so no contact ever gains a level and every decision must be the static one.
    """
    aging = {"policy": "priority_aging", "aging": "3650d"}
    static = ccsim.simulate(priority_scenario(form, days=3, seed=1504))
    aged = ccsim.simulate(priority_scenario(form, days=3, seed=1504, routing=aging))
    assert_same_path(static, aged)
    np.testing.assert_array_equal(static.agent, aged.agent)
