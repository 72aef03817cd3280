"""Agents present: when the log shows an agent on duty, though not in a call.

An agent who answered at 19:10 and again at 20:40 the same business day was on duty in
between, though the log shows no call of theirs at 19:30-20:30. Where nobody waited, the busy
agents are only a lower bound of the agents available (:mod:`ccsim.calibration.availability`);
the agents present, scaled by the pool's ratio of available to present agents where callers
did wait, say more — most of all for a quiet desk whose one or two calls an hour often miss
an interval altogether. :func:`stretches_on_duty` makes each agent's stretches on duty of a
day; :func:`ccsim.timeline.overlap_seconds` turns them into agent-seconds per interval.
"""

from __future__ import annotations

import numpy as np

PRESENCE_GAP = 5400.0
"""Longest gap (seconds) from the end of an agent's after-call work to their next answer
over which they count as on duty in between; also the farthest an agent's first and last
stretch of the day reach towards the day's edges (:func:`stretches_on_duty`).

Ninety minutes, by measurement on the bundled log: a quiet desk's agents (one or two calls
an hour shared by two people of an evening) have evening gaps of 70 minutes at the 95th
percentile and 89 at the 99th, so a shorter limit splits their evening into pieces: the
desk came out one agent short (rounded) in 11 % of its day-intervals at 60 minutes, 7.5 %
at 75, 4 % at 90 (19 % counting answers within the interval; 120 minutes gains little
more, 3.5 %). It does not bridge a shift change (the leaving agent does not answer again
that day) nor a break of more than an hour and a half; a lunch hour may be bridged, which
matters only where nobody waited (a busy lunch hour is measured) and is scaled by the
pool's ratio of available to present agents. The main pool is not moved by it (within
0.01 agent from 60 to 120 minutes: its shared seats make the ratio absorb the bridging)."""


def stretches_on_duty(
    agent: np.ndarray, answered: np.ndarray, done: np.ndarray, opening: float, closing: float
) -> tuple[np.ndarray, np.ndarray]:
    """Stretches of one day when agents were on duty: the begin and end of each.

    Args:
        agent, answered: the day's calls, sorted by agent and answer time.
        done: when each call's after-call work ended.
        opening, closing: the centre's first and last arrival of the day.

    A stretch runs from an answer to the end of the call's after-call work, joined to the
    agent's next one when the gap is at most :data:`PRESENCE_GAP`. At the day's edges an
    agent's first stretch reaches back, within the same limit, to the pool's previous answer
    (by someone else) or the centre's first call, whichever is later: they may have sat
    waiting while nobody called, but had they sat idle while a colleague answered, the
    caller would as likely have been theirs — so an agent joining the morning's ramp-up at
    08:30 is not pulled back to the opening. Their last stretch reaches forward likewise.
    """
    if not len(agent):
        return np.zeros(0), np.zeros(0)
    # A call may end after the agent's next one does (clock noise): the running latest end
    # of the agent's day, by an offset per agent (codes ascending, times under a day or two).
    offset = agent * 1e7
    done = np.maximum.accumulate(done + offset) - offset
    own = np.ones(len(agent) + 1, dtype=bool)  # where an agent's day begins (and ends)
    own[1:-1] = agent[1:] != agent[:-1]
    new = own[:-1].copy()
    new[1:] |= answered[1:] - done[:-1] > PRESENCE_GAP
    first = np.flatnonzero(new)
    last = np.append(first[1:] - 1, len(agent) - 1)
    begin, end = answered[first], done[last]
    # The day's edges: back from an agent's first answer to the pool's previous answer (by
    # someone else), or the centre's first call; forward likewise from their last.
    times = np.sort(answered)
    k = np.searchsorted(times, begin, side="left") - 1
    before = np.maximum(opening, np.where(k >= 0, times[np.maximum(k, 0)], -np.inf))
    k = np.searchsorted(times, end, side="right")
    after = np.minimum(
        closing, np.where(k < len(times), times[np.minimum(k, len(times) - 1)], np.inf)
    )
    begin = np.where(
        own[first] & (begin - before <= PRESENCE_GAP), np.minimum(begin, before), begin
    )
    end = np.where(own[last + 1] & (after - end <= PRESENCE_GAP), np.maximum(end, after), end)
    return begin, end
