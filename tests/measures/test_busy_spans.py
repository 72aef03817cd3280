"""Agent busy time measured a block of spans at a time equals it measured in one piece.

A long run's spans are measured in blocks (memory); the blocks' busy times must add up to
the whole, whether spans are merged per agent (chats: an agent's spans must meet in one
block) or not. Checked on real replications with the block made tiny, against the one-piece
measure and against a brute-force sum of every span's time in each interval.
"""

from __future__ import annotations

import numpy as np
import pytest

from ccsim.measures import busy_spans
from ccsim.measures.busy_spans import busy_per_interval
from ccsim.measures.grid import IntervalGrid
from ccsim.model import simulate
from ccsim.scenario import load_scenario
from ccsim.scenario.overrides import with_experiment


def _records(name: str):
    scenario = with_experiment(load_scenario(name), replications=1, seed=5)
    return simulate(scenario, replication=0), scenario


def _brute_force(start, end, boundaries) -> np.ndarray:
    low, high = boundaries[:-1], boundaries[1:]
    inside = np.minimum(end[:, None], high) - np.maximum(start[:, None], low)
    return np.clip(inside, 0.0, None).sum(axis=0)


@pytest.mark.parametrize("name", ["default-day", "messaging", "channel-shift"])
@pytest.mark.parametrize("merge", [False, True])
def test_blocks_add_up_to_the_whole(name, merge, monkeypatch):
    records, scenario = _records(name)
    grid = IntervalGrid(records, scenario)
    mine = ~np.isnan(records.answered)
    whole = busy_per_interval(records, mine, grid.boundaries, merge)
    monkeypatch.setattr(busy_spans, "SPAN_BLOCK", 50)  # dozens of blocks
    assert int(mine.sum()) > 10 * 50
    blocked = busy_per_interval(records, mine, grid.boundaries, merge)
    np.testing.assert_allclose(blocked, whole, rtol=1e-12, atol=1e-6)
    if not merge:  # every span counted on its own: the plain sum of each span's share
        expected = _brute_force(records.answered[mine], records.ended[mine], grid.boundaries)
        np.testing.assert_allclose(whole, expected, rtol=1e-9, atol=1e-6)


def test_merged_blocks_count_an_agents_overlapping_chats_once(monkeypatch):
    records, scenario = _records("channel-shift")  # a chat team holding three chats each
    grid = IntervalGrid(records, scenario)
    mine = ~np.isnan(records.answered)
    monkeypatch.setattr(busy_spans, "SPAN_BLOCK", 40)
    merged = busy_per_interval(records, mine, grid.boundaries, merge=True)
    # Brute force: per agent, the union of their spans, interval by interval.
    expected = np.zeros(len(grid.boundaries) - 1)
    for agent in np.unique(records.agent[mine]):
        theirs = mine & (records.agent == agent)
        order = np.argsort(records.answered[theirs])
        start, end = records.answered[theirs][order], records.ended[theirs][order]
        merged_start, merged_end = [start[0]], [end[0]]
        for s, e in zip(start[1:], end[1:], strict=True):
            if s > merged_end[-1]:
                merged_start.append(s)
                merged_end.append(e)
            else:
                merged_end[-1] = max(merged_end[-1], e)
        expected += _brute_force(np.array(merged_start), np.array(merged_end), grid.boundaries)
    np.testing.assert_allclose(merged, expected, rtol=1e-9, atol=1e-6)
    plain = busy_per_interval(records, mine, grid.boundaries, merge=False)
    assert merged.sum() < plain.sum()  # chats overlapped: merged time is less
