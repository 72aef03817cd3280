"""One queue in steady state: the measures a formula answers with, and when there are none.

Every analytic answer in :mod:`ccsim.analytic.erlang` is a :class:`QueueMeasures` — the
service level, ASA, abandonment, blocking and occupancy of one queue with a fixed number of
agents, long after the start, when the hour-to-hour averages no longer drift. When more work
arrives than the agents can ever handle and nobody leaves, no such averages exist:
:class:`NoSteadyStateError` says so, and what would help.

The argument checks live here too, so that every formula refuses a bad number with the same
message naming the argument and what is allowed.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import asdict, dataclass


class NoSteadyStateError(ValueError):
    """The queue has no steady state: offered load >= agents, nobody abandons, no line limit.

    Every hour more work arrives than the agents can handle, so the queue (and every wait)
    keeps growing; averages such as ASA do not exist. Also raised when a steady state exists
    only on paper: callers so patient (or so many lines) that the queue would settle at
    millions of waiting callers, which no real day ever reaches.
    """


def no_steady_state(load: float, agents: int) -> NoSteadyStateError:
    """The error for a delay queue (no patience, no line limit) loaded at or above its agents."""
    return NoSteadyStateError(
        f"offered load {load:.6g} Erlangs >= {agents} agents: the queue grows without bound; "
        "add agents, patience or a line limit"
    )


@dataclass(frozen=True)
class QueueMeasures:
    """Steady-state performance of one queue with a fixed number of agents.

    Attributes:
        agents: agents logged in and available to take contacts.
        p_wait: probability that an accepted (not blocked) contact has to wait at all.
        service_level: answered within the threshold / (answered + abandoned); blocked
            contacts are excluded.
        asa: average speed of answer, the mean wait of answered contacts in seconds.
        abandon_rate: abandoned / offered (offered includes blocked contacts).
        blocking: blocked / offered, the share that found every trunk line taken.
        occupancy: carried load / agents, the share of agent time spent handling contacts.
    """

    agents: int
    p_wait: float
    service_level: float
    asa: float
    abandon_rate: float
    blocking: float
    occupancy: float

    def as_dict(self) -> dict[str, float | int]:
        """The measures as a plain dict (keys: p_wait, service_level, asa, abandon_rate,
        blocking, occupancy, agents), e.g. for a results table."""
        values = asdict(self)
        keys = ("p_wait", "service_level", "asa", "abandon_rate", "blocking", "occupancy")
        return {**{key: values[key] for key in keys}, "agents": self.agents}


# --- argument checks: every error names the argument and what is allowed -------------------


def checked_count(name: str, value: object, minimum: int) -> int:
    """``value`` as an int, or a ValueError naming ``name`` unless a whole number >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}")
    return int(value)


def checked_number(name: str, value: object, *, positive: bool, allow_inf: bool = False) -> float:
    """``value`` as a float, or a ValueError naming ``name`` unless a number >= 0 (> 0 when
    ``positive``; infinity only when ``allow_inf``)."""
    ok = isinstance(value, numbers.Real) and not isinstance(value, bool)
    number = float(value) if ok else math.nan  # type: ignore[arg-type]
    if not ok or math.isnan(number) or (math.isinf(number) and not allow_inf):
        raise ValueError(f"{name} must be a finite number, got {value!r}")
    if number < 0 or (positive and number == 0):
        raise ValueError(f"{name} must be {'> 0' if positive else '>= 0'}, got {value!r}")
    return number


def clip_probability(probability: float) -> float:
    """``probability`` held inside [0, 1]."""
    # Sums of many tiny terms can overshoot 1 by an ulp; a planner should never see 1.0000001.
    return min(1.0, max(0.0, probability))
