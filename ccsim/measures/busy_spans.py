"""Agent busy time per interval, from the contacts' answered → ended spans.

Each answered contact keeps its agent busy from ``answered`` to ``ended``; the time those spans
spend inside each interval is the agents' busy time there
(:func:`~ccsim.timeline.overlap_seconds`). Where an agent can hold several contacts at once
(chats, an email parked while a call is taken), that agent's overlapping spans are first
merged (:func:`~ccsim.timeline.union_spans`), so the time counts once.

A long run has millions of spans, and sorting them makes several copies. They are therefore
measured a block at a time and the blocks' busy times added up: blocks of contacts in record
order when spans need no merging, blocks of agents when they do (an agent's spans must meet
in one block to be merged). A run with fewer than :data:`SPAN_BLOCK` spans is measured in one
piece, exactly as before blocks existed.
"""

from __future__ import annotations

import numpy as np

from ccsim.records import ContactRecords
from ccsim.timeline import overlap_seconds, union_spans

SPAN_BLOCK = 2**18
"""Spans measured at a time (their sorting temporaries: a few MB)."""


def busy_per_interval(
    records: ContactRecords, mine: np.ndarray, boundaries: np.ndarray, merge: bool
) -> np.ndarray:
    """Seconds agents spent on the contacts ``mine`` between consecutive ``boundaries``.

    Args:
        records: the replication's records.
        mine: which contacts count (a mask over the records; each must have been answered).
        boundaries: where time is split (see :class:`~ccsim.measures.grid.IntervalGrid`).
        merge: an agent's overlapping spans count once (concurrent chats, parked work).
    """
    count = int(np.count_nonzero(mine))
    if count <= SPAN_BLOCK:
        start, end = records.answered[mine], records.ended[mine]
        if merge:
            start, end = union_spans(records.agent[mine], start, end)
        return overlap_seconds(start, end, boundaries)
    busy = np.zeros(len(boundaries) - 1)
    if merge:
        groups = -(-count // SPAN_BLOCK)
        group = records.agent % groups  # agents are spread evenly over the groups
        for g in range(groups):
            part = mine & (group == g)
            start, end = union_spans(
                records.agent[part], records.answered[part], records.ended[part]
            )
            busy += overlap_seconds(start, end, boundaries)
        return busy
    for low in range(0, len(mine), SPAN_BLOCK):
        high = low + SPAN_BLOCK
        part = mine[low:high]
        busy += overlap_seconds(
            records.answered[low:high][part], records.ended[low:high][part], boundaries
        )
    return busy
