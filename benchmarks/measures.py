"""Measures for the benchmarks: KPIs from per-contact records, and an Erlang A reference.

The KPIs follow DESIGN.md ("Measures"):

- service level ``SL = answered within T / (answered + abandoned)`` (the default formula)
- ``ASA`` = mean wait of answered contacts (s)
- abandonment rate = abandoned / offered

Each is given with a batch-means standard error: a single long run is cut into equal
batches of arrival time and the spread of the batch values gives the standard error
(successive contacts are strongly correlated, so the naive binomial error would be far too
small).  Contacts that arrive during the warm-up (the model starts empty) or during the
cool-down (close to the end of the horizon) are left out of these statistics only.

:func:`erlang_a_reference` computes M/M/c+M figures from the birth-death chain, independently
of ``ccsim.analytic.erlang``: it is the fallback when that module is not available and a cross-check
of it when it is.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import numpy as np


@dataclass(frozen=True)
class Kpis:
    """Service level, ASA and abandonment rate, each with a batch-means standard error."""

    contacts: int
    service_level: float
    service_level_se: float
    asa: float
    asa_se: float
    abandon_rate: float
    abandon_rate_se: float

    def as_dict(self) -> dict[str, float]:
        """All fields as a plain dict (for JSON)."""
        return asdict(self)


def _ratios(arrival, wait, answered, abandoned, threshold):
    """SL, ASA and abandonment rate of one set of contacts."""
    n_answered = int(answered.sum())
    n_abandoned = int(abandoned.sum())
    handled = n_answered + n_abandoned
    within = int((answered & (wait <= threshold)).sum())
    sl = within / handled if handled else math.nan
    asa = float(wait[answered].mean()) if n_answered else math.nan
    abandon = n_abandoned / len(arrival) if len(arrival) else math.nan
    return sl, asa, abandon


def kpis(
    columns: dict[str, np.ndarray],
    threshold: float,
    start: float,
    stop: float,
    batches: int = 20,
) -> Kpis:
    """KPIs of the contacts that arrived in ``[start, stop)``, with batch-means errors.

    ``columns`` holds ``arrival``, ``answered`` (NaN if not) and ``outcome``.  Contacts whose
    outcome is neither answered nor abandoned (blocked, or unfinished) count as offered only.
    """
    arrival = np.asarray(columns["arrival"], dtype=float)
    answered_at = np.asarray(columns["answered"], dtype=float)
    outcome = np.asarray(columns["outcome"]).astype(str)
    keep = (arrival >= start) & (arrival < stop)
    arrival, answered_at, outcome = arrival[keep], answered_at[keep], outcome[keep]
    answered = outcome == "answered"
    abandoned = outcome == "abandoned"
    wait = np.where(answered, answered_at - arrival, np.inf)

    overall = _ratios(arrival, wait, answered, abandoned, threshold)
    edges = np.linspace(start, stop, batches + 1)
    which = np.clip(np.searchsorted(edges, arrival, side="right") - 1, 0, batches - 1)
    per_batch = np.array(
        [
            _ratios(
                arrival[which == b],
                wait[which == b],
                answered[which == b],
                abandoned[which == b],
                threshold,
            )
            for b in range(batches)
        ]
    )
    se = np.nanstd(per_batch, axis=0, ddof=1) / math.sqrt(batches)
    return Kpis(
        contacts=int(len(arrival)),
        service_level=overall[0],
        service_level_se=float(se[0]),
        asa=overall[1],
        asa_se=float(se[1]),
        abandon_rate=overall[2],
        abandon_rate_se=float(se[2]),
    )


# Absolute floors on the agreement tolerance: a simulation mean is accepted when it lies
# within max(SIGMAS standard errors, floor) of the analytic value.
SIGMAS = 4.0
FLOORS = {"service_level": 0.005, "asa": 0.5, "abandon_rate": 0.002}
ASA_RELATIVE_FLOOR = 0.03


def agrees(measured: Kpis, expected: dict[str, float]) -> dict[str, bool]:
    """For each KPI, does the simulation agree with the analytic value within tolerance?"""
    result = {}
    for name, floor in FLOORS.items():
        value = getattr(measured, name)
        se = getattr(measured, f"{name}_se")
        if name == "asa":
            floor = max(floor, ASA_RELATIVE_FLOOR * expected[name])
        tolerance = max(SIGMAS * se, floor)
        result[name] = bool(abs(value - expected[name]) <= tolerance)
    return result


# --------------------------------------------------------------------------- Erlang A


def _stationary(lam: float, mu: float, theta: float, agents: int) -> np.ndarray:
    """Stationary distribution of the number in system of M/M/c+M (truncated far out)."""
    log_p = [0.0]
    n = 0
    while True:
        n += 1
        death = min(n, agents) * mu + max(n - agents, 0) * theta
        log_p.append(log_p[-1] + math.log(lam / death))
        if n > agents and log_p[-1] < max(log_p) - 50:  # e^-50: negligible
            break
    log_p_arr = np.array(log_p)
    p = np.exp(log_p_arr - log_p_arr.max())
    return p / p.sum()


def _hypoexponential_cdf(rates: np.ndarray, t: float) -> np.ndarray:
    """``P(X_k <= t)`` for ``X_k = Exp(rates[0]) + ... + Exp(rates[k])``, for every ``k``.

    Computed with the matrix exponential of the pure-death chain ``k -> k-1 -> ... -> 0 ->
    done``; row ``k`` of ``expm(Q t)`` gives the probability of being done by ``t``.
    """
    from scipy.linalg import expm

    size = len(rates) + 1  # states 0..K and the absorbing "done" (last index)
    q = np.zeros((size, size))
    for k, rate in enumerate(rates):
        q[k, k] = -rate
        q[k, k - 1 if k > 0 else size - 1] = rate
    return expm(q * t)[:-1, -1]


def erlang_a_reference(
    arrival_rate: float, aht: float, agents: int, threshold: float, patience: float
) -> dict[str, float]:
    """Exact M/M/c+M service level, ASA and abandonment rate (``arrival_rate`` per second).

    By PASTA an arrival finds ``n`` in system with the stationary probability.  If ``n < c``
    it is answered at once.  Otherwise it has ``k = n - c`` contacts ahead; while ``i`` are
    ahead its position advances at rate ``c*mu + i*theta`` and it abandons at rate ``theta``.
    So it is answered with probability ``prod (c*mu + i*theta) / (c*mu + (i+1)*theta)`` and,
    given that, its wait is hypoexponential with rates ``c*mu + (i+1)*theta``, ``i = 0..k``.
    """
    lam, mu, theta, c = arrival_rate, 1.0 / aht, 1.0 / patience, agents
    p = _stationary(lam, mu, theta, c)
    k_max = len(p) - c  # arrivals that find n >= c have k = n - c in 0..k_max-1 ahead
    advance = c * mu + theta * np.arange(k_max)  # rate of moving up with i ahead
    leave = advance + theta  # total rate out of "i ahead"
    p_answered_k = np.cumprod(advance / leave)
    mean_wait_k = np.cumsum(1.0 / leave)
    within_k = _hypoexponential_cdf(leave, threshold)

    p_queue = p[c:]
    p_immediate = float(p[:c].sum())
    p_answered = p_immediate + float(p_queue @ p_answered_k)
    p_within = p_immediate + float(p_queue @ (p_answered_k * within_k))
    wait_answered = float(p_queue @ (p_answered_k * mean_wait_k))
    return {
        "service_level": float(p_within),  # no blocking: answered + abandoned = offered
        "asa": float(wait_answered / p_answered),
        "abandon_rate": float(1.0 - p_answered),
        "occupancy": float(lam * p_answered / (c * mu)),
    }
