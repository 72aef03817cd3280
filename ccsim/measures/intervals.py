"""Measures per planning interval: the table behind ``intervals.csv``, and its raw sums.

:func:`interval_table` gives one row per (interval, contact type) and per (interval, pool),
with the interval's day and clock time and every measure that applies; intervals wholly
inside the warm-up are left out. :func:`interval_sums` gives only the raw material, at a
fraction of the cost, for searches that evaluate many staffings.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from ccsim.measures.contacts import COUNT_FIELDS, contact_rates, contact_sums, optional_rates
from ccsim.measures.grid import IntervalGrid
from ccsim.measures.pools import pool_ratios, pool_sums
from ccsim.records import ContactRecords
from ccsim.scenario import Scenario
from ccsim.units import format_clock

if TYPE_CHECKING:
    import pandas as pd


def interval_sums(
    records: ContactRecords, scenario: Scenario
) -> tuple[dict[str, np.ndarray], dict[str, dict[str, np.ndarray]]]:
    """Only the raw per-interval material: per contact type and interval the counts and sums
    of :data:`~ccsim.measures.contacts.COUNT_FIELDS` (arrays types × intervals) and
    ``waiting_at_start``, the contacts waiting just before the interval starts (the queue it
    inherits: at an opening, callers who came while the centre was closed, or an email
    backlog); and per pool its busy, on-duty and scheduled seconds per interval
    (:func:`~ccsim.measures.pools.pool_sums`). A fraction of
    :func:`~ccsim.measures.replication.measure`'s cost, for searches that evaluate many
    staffings (the optimiser)."""
    grid = IntervalGrid(records, scenario)
    sums = contact_sums(grid)
    sums["waiting_at_start"] = np.array(
        [grid.queue_length([t]).waiting_at(grid.starts) for t in range(grid.n_types)]
    ).reshape(grid.n_types, grid.n_intervals)
    return sums, pool_sums(grid)


@dataclass(frozen=True)
class IntervalRows:
    """The interval table as numpy columns, before it is a DataFrame.

    One block of columns per contact type and per pool, each a row per interval. Measuring
    a replication makes these (numpy only); :meth:`frame` makes the table planners read
    (pandas). Kept apart so that a long run can let go of its records before pandas — some
    75 MB once imported — comes into memory beside them.

    Attributes:
        blocks: one dict of columns per contact type, then per pool (a scalar: the same
            value on every row).
        day, clock: each interval's day and clock time (seconds after midnight).
        measured: the intervals with any time after the warm-up (the rows kept).
        experience: the customer-experience columns of the contact-type rows, keyed by
            ``kind``, ``name`` and ``interval`` (None: the scenario has no ``experience``).
    """

    blocks: tuple[dict[str, Any], ...]
    day: np.ndarray
    clock: np.ndarray
    measured: np.ndarray
    experience: pd.DataFrame | None = None

    def frame(self) -> pd.DataFrame:
        """One row per (interval, contact type), then per (interval, pool), after the
        warm-up, with the interval's day and clock time."""
        import pandas as pd

        # The table pandas would make by concatenating one frame per block, made as one
        # frame of joined columns: a column a block lacks is NaN there, a scalar repeats.
        # (One DataFrame instead of a dozen operations: a sweep measures thousands of
        # replications, and this was a tenth of its time.)
        kept = np.flatnonzero(self.measured)  # the intervals with time after the warm-up
        names: list[str] = []
        for block in self.blocks:
            names += [name for name in block if name not in names]
        columns = {
            name: np.concatenate([self._part(b, name, kept) for b in self.blocks]) for name in names
        }
        interval = columns["interval"]
        frame = pd.DataFrame(columns)
        frame.insert(3, "day", self.day[interval])
        clocks = {
            i: format_clock(c)
            for i, c in zip(kept.tolist(), self.clock[kept].tolist(), strict=True)
        }
        frame.insert(4, "start", [clocks[i] for i in interval.tolist()])
        if self.experience is not None:
            frame = frame.merge(self.experience, on=["kind", "name", "interval"], how="left")
        return frame

    @staticmethod
    def _part(block: dict[str, Any], name: str, kept: np.ndarray) -> np.ndarray:
        """Column ``name`` of one block, on the kept intervals."""
        if name not in block:
            return np.full(len(kept), np.nan)
        value = block[name]
        if np.ndim(value) == 0:  # a label ("type", the pool's name) on every row
            return np.full(len(kept), value, dtype=object if isinstance(value, str) else None)
        return np.asarray(value)[kept]


def interval_table(
    grid: IntervalGrid,
    sums: dict[str, np.ndarray],
    pools: dict[str, dict[str, np.ndarray]],
) -> pd.DataFrame:
    """One row per (interval, contact type), then per (interval, pool), after the warm-up
    (:func:`interval_rows` made into a DataFrame).

    Args:
        sums: :func:`~ccsim.measures.contacts.contact_sums` of the grid.
        pools: :func:`~ccsim.measures.pools.pool_sums` of the grid.
    """
    return interval_rows(grid, sums, pools).frame()


def interval_rows(
    grid: IntervalGrid,
    sums: dict[str, np.ndarray],
    pools: dict[str, dict[str, np.ndarray]],
) -> IntervalRows:
    """The columns of :func:`interval_table`, numpy only (see :class:`IntervalRows`)."""
    horizon = grid.scenario.horizon
    day = (grid.starts // 86400).astype(int)
    clock = grid.starts - day * 86400
    every = np.arange(grid.n_intervals)
    blocks: list[dict[str, Any]] = []
    for t, name in enumerate(grid.records.contact_types):
        s = {f: sums[f][t] for f in COUNT_FIELDS}
        queue = grid.queue_length([t])
        blocks.append(
            {
                "kind": "type",
                "name": name,
                "interval": every,
                **contact_rates(s),
                # the service level's counts, for daily levels (ccsim.studies.staffing.risk)
                "answered_within_threshold": s["answered_within"],
                "sl_denominator": s["sl_denominator"],
                "max_queue": queue.max_per_interval,
                "mean_queue": _divide(
                    queue.area_per_interval, horizon.interval * grid.measured_fraction
                ),
                "waiting_at_end": queue.waiting_at(grid.interval_ends),
                "oldest_at_end": queue.oldest_at_each(grid.interval_ends),
                **optional_rates(grid, s),
            }
        )
    for name, values in pools.items():
        blocks.append(
            {
                "kind": "pool",
                "name": name,
                "interval": every,
                "agents": values["scheduled"] / horizon.interval,
                "rostered": values["rostered"] / horizon.interval,
                **pool_ratios(values, total=False),
            }
        )
    return IntervalRows(tuple(blocks), day, clock, grid.measured_fraction > 0)


def _divide(numerator: np.ndarray, denominator: np.ndarray) -> np.ndarray:
    """Elementwise ratio, NaN where the denominator is 0 (an interval inside the warm-up)."""
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(
            denominator > 0, numerator / np.where(denominator > 0, denominator, 1), np.nan
        )
