"""Peer models for the ccsim benchmarks: the same M/M/c+M call centre in plain SimPy and in Ciw.

Both functions simulate one pool of ``agents`` identical agents serving one FCFS queue with
Poisson arrivals, exponential handle times and exponential patience (Erlang A), generate
exactly ``n_arrivals`` contacts, run until every one of them has left (answered and handled,
or abandoned) and keep one record per contact in memory, as ccsim does.

Units: ``arrival_rate`` is per **second**; ``aht`` and ``patience`` are means in seconds.

Each returns the records as columns (a dict of numpy arrays, cheap to build), in the order
the model produced them (not sorted); use
:func:`to_frame` for a pandas DataFrame.  The columns are

- ``arrival``  — arrival time (s)
- ``answered`` — time an agent took the contact (NaN if it abandoned)
- ``ended``    — time the contact left: end of handling, or the moment it abandoned
- ``outcome``  — ``"answered"`` or ``"abandoned"``

The models are written the way a competent SimPy / Ciw user would write them, with no
tuning for speed: that is the point of the comparison.
"""

from __future__ import annotations

import math
import random

import numpy as np
import pandas as pd

ANSWERED = "answered"
ABANDONED = "abandoned"


def to_frame(columns: dict[str, np.ndarray]) -> pd.DataFrame:
    """Turn record columns (as returned by the peer models) into a DataFrame."""
    return pd.DataFrame(columns)


def _columns(rows: list[tuple[float, float, float, str]]) -> dict[str, np.ndarray]:
    """Turn a list of ``(arrival, answered, ended, outcome)`` rows into columns."""
    if not rows:
        empty = np.empty(0)
        return {
            "arrival": empty,
            "answered": empty,
            "ended": empty,
            "outcome": np.empty(0, dtype=object),
        }
    arrival, answered, ended, outcome = zip(*rows, strict=True)
    return {
        "arrival": np.asarray(arrival, dtype=float),
        "answered": np.asarray(answered, dtype=float),
        "ended": np.asarray(ended, dtype=float),
        "outcome": np.asarray(outcome, dtype=object),
    }


# --------------------------------------------------------------------------- plain SimPy


def simulate_plain_simpy(
    arrival_rate: float,
    aht: float,
    patience: float,
    agents: int,
    n_arrivals: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Idiomatic SimPy: one generator process per customer competing for a ``Resource``.

    A source process draws exponential interarrival times and starts one ``customer``
    process per arrival.  The customer requests an agent and waits for whichever comes
    first, the grant or its patience timeout (``yield req | env.timeout(patience)``); if the
    grant did not come, the request is cancelled (leaving the ``with`` block does that) and
    the customer abandons, otherwise it holds the agent for its handle time.

    Random numbers come from one seeded :class:`random.Random`, drawn per customer with
    ``expovariate`` as needed: what the SimPy documentation's examples do, and about 1.2x
    faster than drawing each number as a numpy scalar.  The frequently used callables are
    bound to local names once (``timeout = env.timeout`` ...), as a SimPy user who cares about
    speed writes it; nothing else is tuned, so this is the idiom at its honest best.
    """
    import simpy

    rng = random.Random(seed)
    draw = rng.expovariate
    arrival_per_s, patience_rate, service_rate = arrival_rate, 1.0 / patience, 1.0 / aht
    env = simpy.Environment()
    timeout = env.timeout
    pool = simpy.Resource(env, capacity=agents)
    request = pool.request
    rows: list[tuple[float, float, float, str]] = []
    record = rows.append

    def customer(env: simpy.Environment):
        arrived = env.now
        with request() as req:
            result = yield req | timeout(draw(patience_rate))
            if req not in result:
                record((arrived, math.nan, env.now, ABANDONED))
                return
            answered = env.now
            yield timeout(draw(service_rate))
            record((arrived, answered, env.now, ANSWERED))

    def source(env: simpy.Environment):
        process = env.process
        for _ in range(n_arrivals):
            yield timeout(draw(arrival_per_s))
            process(customer(env))

    env.process(source(env))
    env.run()
    return _columns(rows)


# --------------------------------------------------------------------------- Ciw


def _first_n(distribution, n: int):
    """A Ciw distribution that yields ``n`` samples of ``distribution``, then infinity.

    Used as the interarrival distribution, it makes Ciw generate exactly ``n`` arrivals
    (the first sample is the time of the first arrival), so that the run can drain.
    """
    import ciw

    class FirstN(ciw.dists.Distribution):
        def __init__(self) -> None:
            self.left = n

        def sample(self, t=None, ind=None):
            if self.left <= 0:
                return math.inf
            self.left -= 1
            return distribution.sample(t=t, ind=ind)

    return FirstN()


def simulate_ciw(
    arrival_rate: float,
    aht: float,
    patience: float,
    agents: int,
    n_arrivals: int,
    seed: int,
) -> dict[str, np.ndarray]:
    """Ciw 3 M/M/c+M: one node, ``agents`` servers, exponential reneging (patience).

    Ciw draws from Python's ``random`` module and its own ``ciw.rng``; ``ciw.seed(seed)``,
    the documented way to make a Ciw run reproducible, seeds both (Ciw offers no per-run
    Generator).  Arrivals are limited to ``n_arrivals`` and the run goes on until all of them
    have left (``simulate_until_max_customers(..., method="Finish")`` counts reneged
    customers too).  Records come from ``Q.get_all_records()`` (services and reneges).
    """
    import ciw

    ciw.seed(seed)
    network = ciw.create_network(
        arrival_distributions=[_first_n(ciw.dists.Exponential(rate=arrival_rate), n_arrivals)],
        service_distributions=[ciw.dists.Exponential(rate=1.0 / aht)],
        number_of_servers=[agents],
        reneging_time_distributions=[ciw.dists.Exponential(rate=1.0 / patience)],
    )
    sim = ciw.Simulation(network)
    sim.simulate_until_max_customers(n_arrivals, method="Finish")
    rows = [
        (r.arrival_date, math.nan, r.exit_date, ABANDONED)
        if r.record_type == "renege"
        else (r.arrival_date, r.service_start_date, r.service_end_date, ANSWERED)
        for r in sim.get_all_records(only=["service", "renege"])
    ]
    return _columns(rows)
