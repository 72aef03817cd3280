"""The most contacts waiting at once per interval (QueueLength.max_per_interval), against
counting by hand and by brute force over every moment the queue can peak."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from ccsim.timeline import QueueLength


def test_max_queue_by_hand():
    # Intervals [0, 10), [10, 20), [20, 30). A waits 1-12, B 2-5, C 5-25 (joins as B
    # leaves: people leave before others join, so 2 at once, not 3), D 15-15.5.
    joined = np.array([1.0, 2.0, 5.0, 15.0])
    left = np.array([12.0, 5.0, 25.0, 15.5])
    queue = QueueLength(joined, left, np.array([0.0, 10.0, 20.0, 30.0]))
    # [0, 10): A+B = 2, then A+C = 2; [10, 20): carried A+C = 2, then C+D = 2;
    # [20, 30): carried C alone = 1 (nobody joins).
    assert queue.max_per_interval.tolist() == [2.0, 2.0, 1.0]
    assert queue.max_overall == 2.0


def test_max_queue_empty_and_warm_up_boundaries():
    none = QueueLength(np.array([]), np.array([]), np.array([0.0, 10.0, 20.0]))
    assert none.max_per_interval.tolist() == [0.0, 0.0]
    # Boundaries squeezed to the end of a warm-up (equal boundaries: an empty interval,
    # which still holds the queue waiting at its start: both callers).
    queue = QueueLength(np.array([3.0, 4.0]), np.array([30.0, 6.0]), np.array([5, 5, 10, 40.0]))
    assert queue.max_per_interval.tolist() == [2.0, 2.0, 1.0]


@settings(max_examples=80, deadline=None)
@given(
    spans=st.lists(st.tuples(st.integers(0, 30), st.integers(0, 8)), min_size=0, max_size=40),
    cuts=st.lists(st.integers(-2, 40), min_size=2, max_size=7, unique=True),
)
def test_max_queue_matches_brute_force(spans, cuts):
    joined = np.array([s for s, _ in spans], float)
    left = joined + np.array([d for _, d in spans], float)
    boundaries = np.sort(np.array(cuts, float))
    queue = QueueLength(joined, left, boundaries)
    for k in range(len(boundaries) - 1):
        start, end = boundaries[k], boundaries[k + 1]
        # The queue it took over, then just after each join inside the interval.
        best = int(np.sum((joined < start) & (left >= start)))
        for t in joined[(joined >= start) & (joined < end)]:
            best = max(best, int(np.sum((joined <= t) & (left > t))))
        assert queue.max_per_interval[k] == best


def test_prefix_sums_across_blocks_are_one_running_total():
    # Regression-style check of an implementation detail: the running totals read at a few
    # indexes, computed block by block, are bit for bit those of one cumulative sum over
    # every value (block edges included), so splitting time across intervals is unchanged.
    from ccsim.timeline import _BLOCK, _prefix_sums_at

    values = np.random.default_rng(3).exponential(180.0, 2 * _BLOCK + 7)
    at = np.array([0, 1, _BLOCK - 1, _BLOCK, _BLOCK + 1, 2 * _BLOCK, 2 * _BLOCK + 7])
    whole = np.concatenate([[0.0], np.cumsum(values)])[at]
    assert np.array_equal(_prefix_sums_at(values, at), whole)
    assert _prefix_sums_at(values[:0], np.array([0, 0])).tolist() == [0.0, 0.0]
