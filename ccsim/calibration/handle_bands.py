"""Handle time by time of day, with very short calls as a component of their own.

Handle times drift over the day (longer calls in the morning, shorter in the evening) and
many logs hold a spike of very short services (a caller who hangs up on hearing the agent, a
transfer): a few per cent of at most :data:`SHORT` seconds, far more than any smooth family puts
there. Fitting one family to everything lets the spike choose the family. So:

* **short component**: the calls of at most :data:`SHORT` seconds, their share and their values
  (drawn as observed);
* **time bands**: hours of the day split into at most :data:`MAX_BANDS` runs of consecutive
  hours with similar mean log handle time (least squares over the hours, the number of bands
  by BIC), per contact type;
* in each band, the long component is fitted as before (:mod:`ccsim.calibration.handle_times`,
  families by AIC) to the calls of at least :data:`SHORT` seconds.

A scenario has one handle time per type: it gets the mixture over the whole day (an
empirical distribution: the short calls' quantiles and the long fit's, weighted by share);
the backtest with the fit in hand draws by band.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ccsim.calibration.handle_times import HandleEstimate, estimate_handle_time
from ccsim.calibration.patience import as_distribution

SHORT = 10.0
"""Handle times under this many seconds form the short component."""
MIN_SHORT_SHARE = 0.01
"""The short component is kept apart when at least this share of calls is that short."""
MAX_BANDS = 4
BAND_P = 0.01
"""A change of band must hold day by day at this significance level (t-test over days)."""
MIN_DAY_CALLS = 5
"""Long calls a band needs on a day for that day to count in the test."""


@dataclass(frozen=True)
class Band:
    """One time band of one contact type.

    Attributes:
        start, end: clock seconds after the business day's midnight, [start, end).
        count: calls answered in the band.
        short_share: share of them of at most :data:`SHORT` seconds (0 when the spike is not kept).
        long: the long component's fits (None when too few calls).
    """

    start: float
    end: float
    count: int
    short_share: float
    long: HandleEstimate | None

    @property
    def long_mean(self) -> float:
        return self.long.mean if self.long is not None else math.nan


@dataclass(frozen=True)
class BandedHandle:
    """Handle time of one contact type by time band, with the short component.

    Attributes:
        bands: the time bands, in clock order (covering the whole day).
        short_values: the observed short handle times (empty when the spike is not kept).
        short_share: the whole day's share of short calls.
    """

    bands: tuple[Band, ...]
    short_values: np.ndarray
    short_share: float

    def band_of(self, clock: np.ndarray) -> np.ndarray:
        """Index of the band of each clock time."""
        ends = np.array([b.end for b in self.bands[:-1]])
        return np.searchsorted(ends, np.asarray(clock, float), side="right")

    def draw(self, clock: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        """Handle times for calls answered at ``clock`` (seconds after midnight)."""
        clock = np.asarray(clock, float)
        band = self.band_of(clock)
        result = np.empty(len(clock))
        for k, b in enumerate(self.bands):
            mine = band == k
            n = int(mine.sum())
            if not n:
                continue
            long = as_distribution(b.long.chosen).draw(rng, n) if b.long else np.full(n, SHORT)
            short = rng.random(n) < b.short_share
            if short.any() and len(self.short_values):
                long[short] = rng.choice(self.short_values, int(short.sum()))
            result[mine] = long
        return result

    def mixture(self) -> dict:
        """The whole day as one scenario distribution: 100 weighted values (20 quantiles of
        the short calls, 80 of the long calls' fitted distributions over the bands)."""
        total = sum(b.count for b in self.bands if b.long is not None) or 1
        long_draws = np.concatenate(
            [
                as_distribution(b.long.chosen).draw(
                    np.random.default_rng(k), max(100, round(20000 * b.count / total))
                )
                for k, b in enumerate(self.bands)
                if b.long is not None
            ]
        )
        share = self.short_share if len(self.short_values) else 0.0
        return _empirical(long_draws, self.short_values, share)

    def band_mixture(self, k: int) -> dict:
        """Band ``k`` as one scenario distribution (its long fit and its short share, as
        :meth:`mixture`); the day's mixture when the band had too few calls to fit."""
        band = self.bands[k]
        if band.long is None:
            return self.mixture()
        draws = as_distribution(band.long.chosen).draw(np.random.default_rng(k), 20000)
        share = band.short_share if len(self.short_values) else 0.0
        return _empirical(draws, self.short_values, share)


def _empirical(long_draws: np.ndarray, short_values: np.ndarray, share: float) -> dict:
    """100 weighted values: 80 quantiles of the long calls, 20 of the short ones (``share``)."""
    long_q = np.quantile(long_draws, (np.arange(80) + 0.5) / 80)
    values = [round(float(v), 3) for v in long_q]
    weights = [round((1 - share) / 80, 6)] * 80
    if share > 0:
        short_q = np.quantile(short_values, (np.arange(20) + 0.5) / 20)
        values += [round(float(v), 3) for v in short_q]
        weights += [round(share / 20, 6)] * 20
    return {"distribution": "empirical", "values": values, "weights": weights}


def estimate_banded_handle(
    handle: np.ndarray, clock: np.ndarray, family: str = "auto", bands: list[float] | None = None
) -> BandedHandle:
    """Bands (given as their start clock times, or found), short component and long fits."""
    handle, clock = np.asarray(handle, float), np.asarray(clock, float)
    short = handle <= SHORT
    share = float(short.mean()) if len(handle) else 0.0
    long_part = long_calls(handle)
    keep_short = share >= MIN_SHORT_SHARE  # as long_calls decides
    starts = bands if bands is not None else find_bands(handle[long_part], clock[long_part])
    edges = [*starts[1:], math.inf]
    result = []
    for start, end in zip(starts, edges, strict=True):
        inside = (clock >= start) & (clock < end)
        x = handle[inside & long_part]
        fit = estimate_handle_time(x, family) if len(x) >= 20 else None
        band_share = float(short[inside].mean()) if keep_short and inside.any() else 0.0
        result.append(Band(float(start), float(end), int(inside.sum()), band_share, fit))
    return BandedHandle(tuple(result), handle[short] if keep_short else np.zeros(0), share)


def long_calls(handle: np.ndarray) -> np.ndarray:
    """Which calls belong to the long component: all of them, unless at least
    :data:`MIN_SHORT_SHARE` are of at most :data:`SHORT` seconds (then those are the spike).

    At most SHORT: a log to the second writes a 9.6 s call as 10 s; counted as long, the
    spike's edge would stretch the long calls' fitted spread (cv) and so the queue.
    """
    handle = np.asarray(handle, float)
    short = handle <= SHORT
    if len(handle) and short.mean() >= MIN_SHORT_SHARE:
        return ~short
    return np.ones(len(handle), dtype=bool)


def find_day_bands(
    handle: np.ndarray, clock: np.ndarray, days: np.ndarray | None = None
) -> list[float]:
    """Band starts (clock seconds) of the long component of ``handle`` (:func:`find_bands`
    of the calls :func:`long_calls` keeps).

    The bands describe the long calls only: with the spike left in, an hour's mean log
    handle time moves with its share of very short calls (a log of 2 s is ~1, of 200 s ~5),
    and an hour whose calls happen to include a few more of them (in the realistic log 11:00,
    7.7 % against 6-7 %) is pulled into a shorter band although its long calls are not
    shorter. The short share is estimated per band separately.

    Args:
        days: each call's business day (any labels); given, every band change must also
            hold from day to day (see :func:`find_bands`).
    """
    handle, clock = np.asarray(handle, float), np.asarray(clock, float)
    long = long_calls(handle)
    return find_bands(handle[long], clock[long], None if days is None else np.asarray(days)[long])


def find_bands(
    handle: np.ndarray, clock: np.ndarray, days: np.ndarray | None = None
) -> list[float]:
    """Band starts (clock seconds): runs of hours with similar mean log handle time (give it
    the long calls: see :func:`find_day_bands`).

    The runs are the least-squares split of the hours into k bands for each k, k chosen by
    BIC over the calls. BIC counts every call as independent evidence; when whole days run
    long or short, thousands of calls overstate it. So, with ``days``, each change between
    two adjacent bands must also show day by day: the per-day difference of the two bands'
    mean log handle times must differ from 0 at the :data:`BAND_P` level (a t-test over the
    days with at least :data:`MIN_DAY_CALLS` calls in both); else one band fewer is tried.
    """
    if len(handle) < 50:
        return [0.0]
    hours = np.floor(clock / 3600.0).astype(int)
    logs = np.log(np.maximum(handle, 1e-3))
    present = np.unique(hours)
    n = np.array([np.sum(hours == h) for h in present], float)
    s = np.array([logs[hours == h].sum() for h in present])
    q = np.array([np.sum(logs[hours == h] ** 2) for h in present])
    m = len(present)

    def sse(i: int, j: int) -> float:  # hours present[i:j] as one band
        total = n[i:j].sum()
        return float(q[i:j].sum() - s[i:j].sum() ** 2 / total)

    best: dict[tuple[int, int], tuple[float, list[int]]] = {}
    for j in range(1, m + 1):
        best[(1, j)] = (sse(0, j), [0])
    for k in range(2, min(MAX_BANDS, m) + 1):
        for j in range(k, m + 1):
            best[(k, j)] = min(
                (best[(k - 1, i)][0] + sse(i, j), [*best[(k - 1, i)][1], i])
                for i in range(k - 1, j)
            )
    total = len(logs)
    bic = {
        k: total * math.log(max(best[(k, m)][0], 1e-12) / total) + 2 * k * math.log(total)
        for k in range(1, min(MAX_BANDS, m) + 1)
    }
    k = min(bic, key=lambda bands: bic[bands])
    while (
        k > 1
        and days is not None
        and not _held_day_by_day(
            [present[i] for i in best[(k, m)][1]], hours, logs, np.asarray(days)
        )
    ):
        k -= 1
    return [0.0] + [float(present[i]) * 3600.0 for i in best[(k, m)][1][1:]]


def _held_day_by_day(starts: list[int], hours: np.ndarray, logs: np.ndarray, days) -> bool:
    """Whether every pair of adjacent bands (starting at hours ``starts``) differs day by
    day: a t-test of the per-day differences of their mean log handle times."""
    from scipy import stats

    band = np.searchsorted(np.asarray(starts), hours, side="right") - 1
    labels, day = np.unique(days, return_inverse=True)
    cells = band * len(labels) + day
    size = len(starts) * len(labels)
    count = np.bincount(cells, minlength=size).reshape(len(starts), len(labels))
    total = np.bincount(cells, weights=logs, minlength=size).reshape(len(starts), len(labels))
    mean = total / np.maximum(count, 1)
    for a in range(len(starts) - 1):
        both = (count[a] >= MIN_DAY_CALLS) & (count[a + 1] >= MIN_DAY_CALLS)
        diff = mean[a, both] - mean[a + 1, both]
        if len(diff) < 3 or not stats.ttest_1samp(diff, 0.0).pvalue < BAND_P:
            return False
    return True
