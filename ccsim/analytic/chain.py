"""Exact steady-state outcomes of a contact queue with patience and/or a line limit.

This is the numerical engine behind :func:`ccsim.analytic.erlang.analyse` for the cases that have no
textbook closed form: Erlang A (callers abandon after an exponential patience) and a limited
number of trunk lines (callers who find every line taken hear a busy tone: *blocked*).

The state is ``n``, the number of contacts in the system (being handled or waiting). It is a
birth–death chain: contacts arrive at rate ``lambda`` while a line is free, agents finish at
rate ``min(n, c) * mu`` and each waiting caller gives up at rate ``theta = 1 / patience``.
Poisson arrivals see the steady state (PASTA), so the state an arriving caller finds is drawn
from the stationary distribution. A caller who finds all ``c`` agents busy and ``k`` callers
already waiting then moves up the queue: the number ahead of him falls at rate
``c * mu + j * theta`` (an agent frees up, or someone ahead hangs up) while he himself hangs
up at rate ``theta``. Three facts about that journey give every measure without a
differential-equation solver:

* he is answered with probability ``c mu / (c mu + (k + 1) theta)`` (a telescoping product);
* given that he is answered, the time spent at each position is exponential with rate
  ``c mu + (j + 1) theta``, so his mean wait is the sum of their means;
* that sum of exponentials has a Beta law: ``exp(-theta * wait) ~ Beta(c mu / theta + 1, k + 1)``,
  so "answered within T" is a regularised incomplete beta function (an incomplete gamma
  function, i.e. an Erlang distribution, when nobody abandons).

Everything is computed in log space, so hundreds or thousands of agents are no problem. When
the waiting room is unlimited, the chain is cut where the omitted tail holds less than about
``1e-17`` of the probability.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ccsim.analytic import tails

# Cut the unlimited waiting room once the rest of the tail is below e^-40 (~4e-18) of the mass.
_LOG_TAIL = -40.0
# States whose probability is below e^-45 of the total cannot move any result; skip them.
_LOG_NEGLIGIBLE = -45.0
# Refuse (rather than exhaust memory) when the queue would need more states than this.
MAX_WAITING_STATES = 4_000_000
# Abandonment this small next to the answering rate moves no result in double precision: the
# answered caller's wait is then the Erlang (no-abandonment) law, which is also where the Beta
# form breaks down numerically (a shape near 1e168).
_NEGLIGIBLE_THETA = 1e-13


class QueueTooLongError(ValueError):
    """The steady-state queue would hold millions of callers: too long to compute, and too
    long to mean anything for a contact centre (it is practically unbounded)."""


@dataclass(frozen=True)
class ChainOutcome:
    """What happens to an offered contact, as probabilities per offered contact.

    Attributes:
        blocked: found every trunk line taken and never entered the queue.
        waited: was accepted but found every agent busy, so had to wait.
        answered: reached an agent (at once or after waiting).
        abandoned: hung up while waiting.
        answered_within: reached an agent after waiting at most the threshold.
        wait_of_answered: ``E[wait * 1{answered}]`` in seconds; divide by ``answered`` for ASA.
    """

    blocked: float
    waited: float
    answered: float
    abandoned: float
    answered_within: float
    wait_of_answered: float


def log_waiting_weights(
    arrival_rate: float, full_rate: float, theta: float, room: int | None
) -> tuple[np.ndarray, bool]:
    """Relative weights of "all agents busy and ``k`` callers waiting", ``k = 0, 1, ...``.

    ``w_k = prod_{i=1..k} lambda / (c mu + i theta)``, so ``w_0 = 1``. In an unlimited
    queue the sequence is cut as soon as the rest of the tail is negligible: past the point
    where ``lambda < c mu + i theta`` the ratios only fall, so a geometric series with the
    first omitted ratio bounds everything left out.

    Args:
        arrival_rate: contacts offered per second (``lambda``).
        full_rate: answering rate when every agent is busy, ``c * mu`` per second.
        theta: abandonment rate of one waiting caller, ``1 / mean patience`` (0: never).
        room: waiting places (trunk lines minus agents); ``None`` for unlimited.

    Returns:
        ``(log_w, truncated)``: ``log_w[k] = log w_k`` for ``k = 0..K`` and whether the tail
        beyond ``K`` was dropped (``False`` means ``K == room`` exactly).

    Raises:
        ValueError: the queue never settles (unlimited room, no abandonment, load at or above
            the agents).
        QueueTooLongError: it would need more than ``MAX_WAITING_STATES`` states.
    """
    if room == 0:
        return np.zeros(1), False
    rho = arrival_rate / full_rate
    if room is None and theta == 0.0 and rho >= 1.0:
        raise ValueError("no steady state: unlimited queue, no abandonment, load >= agents")
    # First guess of how far the tail reaches; the loop below doubles it if it falls short.
    # Most likely queue length: where arrivals balance answers plus abandons, or the top of
    # the waiting room if arrivals always win.
    peak = 0.0
    if theta > 0.0:
        peak = max(0.0, (arrival_rate - full_rate) / theta)
    elif rho >= 1.0:
        peak = math.inf
    if room is not None:
        peak = min(peak, room)
    if peak > MAX_WAITING_STATES:
        raise QueueTooLongError(f"the queue would settle around {peak:.3g} waiting callers")
    guess = 64.0
    if theta > 0.0:
        guess += peak + 12.0 * math.sqrt(arrival_rate / theta)
    if rho < 1.0:
        guess = min(guess, 64.0 + 50.0 / -math.log(rho))
    size = int(min(guess, MAX_WAITING_STATES))
    log_lam = math.log(arrival_rate)
    while True:
        if room is not None:
            size = min(size, room)
        log_w = np.zeros(size + 1)
        i = np.arange(1, size + 1, dtype=float)
        np.cumsum(log_lam - np.log(full_rate + theta * i), out=log_w[1:])
        if room is not None and size == room:
            return log_w, False
        nxt = arrival_rate / (full_rate + theta * (size + 1))
        if nxt < 1.0:
            tail = log_w[-1] + math.log(nxt) - math.log1p(-nxt)
            if tail < tails.logsumexp(log_w) + _LOG_TAIL:
                return log_w, True
        if size >= MAX_WAITING_STATES:
            raise QueueTooLongError(f"the queue would need more than {size} waiting places")
        size = min(2 * size, MAX_WAITING_STATES)


def outcomes(
    *,
    arrival_rate: float,
    aht: float,
    agents: int,
    threshold: float,
    theta: float,
    room: int | None,
    erlang_b: float,
) -> ChainOutcome:
    """Steady-state fate of an offered contact in an M/M/c(+M)(/K) queue.

    Args:
        arrival_rate: contacts offered per second, > 0.
        aht: average handle time in seconds, > 0.
        agents: agents ``c`` >= 1.
        threshold: service-level threshold ``T`` in seconds (``inf`` allowed).
        theta: ``1 / mean patience`` per second; 0 means callers never abandon.
        room: waiting places ``lines - agents``; ``None`` for an unlimited queue.
        erlang_b: ``B(c, A)``, the Erlang B blocking of ``c`` agents at the offered load;
            passed in (not recomputed) so that callers can reuse their own stable value.

    Returns:
        The probabilities of each fate, per offered contact.
    """
    full_rate = agents / aht
    if erlang_b <= 0.0:
        # All-agents-busy is astronomically rare (the load is tiny next to the agents).
        return ChainOutcome(0.0, 0.0, 1.0, 0.0, 1.0, 0.0)
    log_w, truncated = log_waiting_weights(arrival_rate, full_rate, theta, room)
    log_mass = tails.logsumexp(log_w)
    # Stationary law: P(n < c) = (1 - B) / Z and P(n = c + k) = B w_k / Z with
    # Z = 1 - B + B * sum(w), which follows from the Erlang B law of the states n <= c.
    log_b = math.log(erlang_b)
    # B rounds to 1 when the load dwarfs the agents (a handle time of 1e19 s): no free agent.
    log_free = math.log1p(-erlang_b) if erlang_b < 1.0 else -math.inf
    log_z = np.logaddexp(log_free, log_b + log_mass)
    p_free = (1.0 - erlang_b) * math.exp(-log_z)
    log_q = log_b + log_w - log_z

    blocked = 0.0
    last_waiting = len(log_w) - 1
    if not truncated and room is not None:
        blocked = math.exp(log_q[room])  # every line taken: the arrival hears a busy tone
        last_waiting = room - 1
    significant = np.flatnonzero(log_w - log_mass > _LOG_NEGLIGIBLE)
    lo, hi = int(significant[0]), min(int(significant[-1]), last_waiting)
    if hi < lo:
        return ChainOutcome(blocked, 0.0, p_free, 0.0, p_free, 0.0)

    k = np.arange(lo, hi + 1, dtype=float)  # callers already waiting when he arrives
    q = np.exp(log_q[lo : hi + 1])
    # With no abandonment his wait is Erlang(k + 1, c mu): P(wait <= T) = P(k+1, c mu T).
    erlang_wait = tails.poisson_reach(lo, hi, full_rate * threshold)
    if theta > 0.0:
        leave = full_rate + (k + 1.0) * theta
        p_answer = full_rate / leave
        p_abandon = (k + 1.0) * theta / leave
        if (hi + 1.0) * theta > _NEGLIGIBLE_THETA * full_rate:
            # exp(-theta * wait) ~ Beta(c mu / theta + 1, k + 1) for an answered caller.
            # I_x(k + 1, b) with x = 1 - exp(-theta T), both logs without cancellation
            late = -math.expm1(-theta * threshold)  # 0 when theta * T underflows
            log_late = math.log(late) if late > 0 else -math.inf
            p_in_time = tails.negative_binomial_reach(
                lo, hi, full_rate / theta + 1.0, log_late, -theta * threshold
            )
        else:
            p_in_time = erlang_wait  # the Beta law's limit as theta -> 0
        # Mean wait of an answered caller: sum of 1 / (c mu + (j + 1) theta), j = 0..k.
        steps = np.cumsum(1.0 / (full_rate + theta * np.arange(1, hi + 2, dtype=float)))
        mean_wait = steps[lo : hi + 1]
    else:
        p_answer = np.ones_like(k)
        p_abandon = np.zeros_like(k)
        p_in_time = erlang_wait
        mean_wait = (k + 1.0) / full_rate
    answered_q = q * p_answer
    return ChainOutcome(
        blocked=blocked,
        waited=float(q.sum()),
        answered=p_free + float(answered_q.sum()),
        abandoned=float((q * p_abandon).sum()),
        answered_within=p_free + float((answered_q * p_in_time).sum()),
        wait_of_answered=float((answered_q * mean_wait).sum()),
    )
