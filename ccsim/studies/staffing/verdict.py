"""When does an interval meet its target? Judged so that the answer holds when the day is run again.

A planner checks a staffing by simulating it again with other random numbers — say
``ccsim run staffed.yaml --seed 777 --reps 40`` — and reading every interval: is its mean
service level at or above the target? That re-run is itself noisy: an interval whose true
mean is 80.3 % against an 80 % target fails it four times in ten, and a day has dozens of
intervals. So "meets" cannot mean "the mean we measured is above the target"; it has to
mean "a re-run will show it above the target", with room for both the re-run's noise and
our own.

**The prediction bound.** Let an interval's measure have mean ``m`` and per-replication
standard deviation ``s`` over the ``n`` replications we simulated, and let the planner's
re-run have ``R`` replications (:attr:`Assurance.rerun_replications`, default 40). The re-run's
mean differs from ours by noise of standard deviation ``s·√(1/R + 1/n)``, so the interval
is accepted only if::

    m − target ≥ t · s · √(1/R + 1/n)          (an upper limit: target − m ≥ …)

where ``t`` makes a false acceptance rare enough that the *whole day* — every checked
(measure, interval) at once, ``K`` of them — passes the re-run with probability
:attr:`Assurance.probability` (default 95 %): ``t`` is Student's quantile at
``1 − (1 − probability) / K`` with ``n − 1`` degrees of freedom (Bonferroni: safe whatever
the correlation between intervals; Student's, because ``s`` is estimated too).

**Staffing for risk** (``confidence q``): the re-run's statement is the share of its
(replication, day) pairs meeting the target, at least ``q`` within its own sampling error —
its 95 % Wilson interval reaches ``q``. The re-run passes if its share is at least ``p*``,
the smallest share whose Wilson interval reaches ``q``; with ``p̂`` our share of ``n``
pairs and binomial noise, the interval is accepted only if::

    p̂ − p* ≥ z · √(p̃(1 − p̃) · (1/N + 1/n))

with ``N`` the re-run's pairs and ``p̃`` our share kept between ``p*`` and
``1 − 1/(2n)`` (never a zero variance when every day met the target).

**Spending replications where the verdict is uncertain.** A verdict is *pass* (the bound
holds: valid at any ``n``), *hopeless* (even two standard errors better, and with the most
replications we would spend, it would fail), or *uncertain*. Only uncertain verdicts ask for
more replications (:class:`Judge` callers double ``n`` up to :attr:`Assurance.max_replications`);
at the cap an uncertain verdict counts as a miss.

The same rules judge a staffing in the search, in the independent verification, and when
pruning ("is this agent needed?"), so minimality is judged consistently;
:func:`ccsim.studies.staffing.contract.contract` reads a finished run (the confirmation, or a
planner's re-run) the way the planner does.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from scipy import stats

from ccsim.studies.staffing.contract import critical_share
from ccsim.studies.staffing.targets import Check, StaffingError, on_target

HOPE = 1.5
"""Standard errors of optimism before a failing verdict is called hopeless (a refusal the
most replications would overturn about one time in fifteen: the price of not spending them)."""


@dataclass(frozen=True)
class Assurance:
    """How sure the answer must be to hold on a planner's re-run.

    Attributes:
        rerun_replications: the re-run the answer must survive (``--rerun-reps``).
        probability: the chance that such a re-run shows every targeted interval on the
            right side of its target (``--assurance``).
        first_replications: replications a staffing is first verified with.
        max_replications: at most this many (doubling from the first) where a verdict is
            still uncertain.
    """

    rerun_replications: int = 40
    probability: float = 0.95
    first_replications: int = 40
    max_replications: int = 80

    def __post_init__(self) -> None:
        if self.rerun_replications < 2:
            raise StaffingError(
                f"--rerun-reps: give the replications of the re-run the answer must survive "
                f"(2 or more, e.g. 40), got {self.rerun_replications}"
            )
        if not 0.5 <= self.probability < 1:
            raise StaffingError(
                "--assurance: give the probability that a re-run meets every target, in "
                f"[0.5, 1) (e.g. 0.95), got {self.probability}"
            )
        if not 2 <= self.first_replications <= self.max_replications:
            raise StaffingError(
                "verification replications: the first must be at least 2 and at most the "
                f"maximum, got {self.first_replications} and {self.max_replications}"
            )


@dataclass(frozen=True)
class Verdicts:
    """Verdicts of one staffing: per check, per cell (``(day, interval)``, or interval of
    the day for shares), from the replications simulated so far.

    Attributes:
        passed, hopeless: boolean arrays checks × cells.
        replications: replications behind the verdicts.
    """

    passed: np.ndarray
    hopeless: np.ndarray
    replications: int

    @property
    def uncertain(self) -> np.ndarray:
        return ~self.passed & ~self.hopeless


class Judge:
    """Applies the prediction bound to a staffing's replications.

    Args:
        checks: what is targeted.
        assurance: the re-run to survive and how surely.
        confidence: None (targets on the mean) or q (on a share q of days).
        days: days of the horizon; per_day: intervals a day.
    """

    def __init__(
        self,
        checks: list[Check],
        assurance: Assurance,
        confidence: float | None,
        days: int,
        per_day: int,
    ):
        self.checks = checks
        self.assurance = assurance
        self.confidence = confidence
        self.days = days
        self.per_day = per_day
        cells = per_day if confidence is not None else days * per_day
        self.cells = cells
        self.tail = (1 - assurance.probability) / (len(checks) * cells)
        self.z = float(stats.norm.ppf(1 - self.tail))
        if confidence is not None:
            self.rerun_pairs = assurance.rerun_replications * days
            self.critical_share = critical_share(confidence, self.rerun_pairs)

    def cell_interval(self, cell: int) -> int:
        """The interval of the day of a cell."""
        return cell % self.per_day

    def first_cell(self, interval: int) -> int:
        """The first cell an agent more or less in ``interval`` (of the day) can change: that
        interval on the first day (cells run day by day), or every cell when shares pool the
        days (a later day's earlier interval comes after it)."""
        return interval if self.confidence is None or self.days == 1 else 0

    def misses(self, verdicts: Verdicts, first_cell: int = 0) -> set[tuple[int, int]]:
        """The (pool, interval of the day) that need an agent more: where a check fails in
        a cell from ``first_cell`` on."""
        failing = ~verdicts.passed
        failing[:, :first_cell] = False
        return {
            (self.checks[k].pool, self.cell_interval(int(c)))
            for k, c in zip(*np.nonzero(failing), strict=True)
        }

    def verdicts(
        self, values: list[np.ndarray], planned: int | None = None, aim: int | None = None
    ) -> Verdicts:
        """Judge per-replication values, one array (replications × days × intervals) per check.

        Args:
            planned: the replications a verdict could still get (default: the maximum);
                used to call a failing verdict hopeless.
            aim: judge against the bound that this many replications would set (the
                search aims at the verification's bound with its most replications, though
                it has fewer); default: the replications given.
        """
        reps = values[0].shape[0]
        ceiling = planned or max(reps, self.assurance.max_replications)
        scale = (aim / reps) if aim else 1.0
        passed, hopeless = [], []
        for check, v in zip(self.checks, values, strict=True):
            if self.confidence is None:
                p, h = self._on_mean(check, v.reshape(reps, -1), ceiling / reps, scale)
            else:
                p, h = self._on_share(check, v, ceiling / reps, scale)
            passed.append(p)
            hopeless.append(h)
        return Verdicts(np.array(passed), np.array(hopeless), reps)

    def _on_mean(self, check: Check, v: np.ndarray, growth: float, scale: float):
        n = np.sum(~np.isnan(v), axis=0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            mean = np.nanmean(v, axis=0)
            sd = np.nan_to_num(np.nanstd(v, axis=0, ddof=1))
        gap = (check.bound - mean) if check.at_most else (mean - check.bound)
        rerun = 1.0 / self.assurance.rerun_replications
        safe_n = np.maximum(n, 1)
        # Student's t: the standard deviation is itself estimated from these replications.
        t = stats.t.ppf(1 - self.tail, np.maximum(safe_n * scale - 1, 1))
        t_best = stats.t.ppf(1 - self.tail, np.maximum(safe_n * growth - 1, 1))
        margin = t * sd * np.sqrt(rerun + 1.0 / (safe_n * scale))
        best = t_best * sd * np.sqrt(rerun + 1.0 / (safe_n * growth))
        enough = n >= 2
        passed = (n == 0) | (enough & (gap >= margin - 1e-12))
        hopeless = enough & ~passed & (gap + HOPE * sd / np.sqrt(safe_n) < best)
        return passed, hopeless

    def refused(
        self, candidate: list[np.ndarray], base: list[np.ndarray], first_cell: int
    ) -> set[tuple[int, int]]:
        """Where a candidate (the base staffing with one agent fewer) is hopeless, judged on
        common random numbers: over all the base's replications its mean (or share of days
        on target) is the base's plus the paired difference, which its own first
        replications measure precisely. Hopeless where that prediction, :data:`HOPE`
        standard errors of the difference better, still misses the bound the base's
        replications set, though the base meets it there (elsewhere the removal is not what
        fails)."""
        failing = set()
        for check, c, b in zip(self.checks, candidate, base, strict=True):
            mine, theirs = self._paired(check, c, b, first_cell)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                difference = mine - theirs[: len(mine)]
                shift = np.nanmean(difference, axis=0)
                spread = np.nan_to_num(np.nanstd(difference, axis=0, ddof=1))
                level = np.nanmean(theirs, axis=0)
                counted = np.sum(~np.isnan(theirs), axis=0)
                sd = np.nan_to_num(np.nanstd(mine, axis=0, ddof=1))
                base_sd = np.nan_to_num(np.nanstd(theirs, axis=0, ddof=1))
            predicted = level + shift
            if self.confidence is None:
                sign = -1.0 if check.at_most else 1.0
                gap, base_gap = sign * (predicted - check.bound), sign * (level - check.bound)
                t = stats.t.ppf(1 - self.tail, len(theirs) - 1)
                width = t * np.sqrt(1.0 / self.assurance.rerun_replications + 1.0 / len(theirs))
                margin, base_margin = width * sd, width * base_sd
            else:
                gap, base_gap = predicted - self.critical_share, level - self.critical_share
                margin = self._share_margin(predicted, counted)
                base_margin = self._share_margin(level, counted)
            hopeless = gap + HOPE * spread / np.sqrt(len(mine)) < margin
            hopeless &= (base_gap >= base_margin) & (np.sum(~np.isnan(difference), axis=0) >= 2)
            for cell in np.nonzero(hopeless)[0]:
                failing.add((check.pool, self.cell_interval(int(cell) + first_cell)))
        return failing

    def _paired(self, check: Check, candidate: np.ndarray, base: np.ndarray, first_cell: int):
        """The values compared replication by replication: the measure per (day, interval)
        cell, or, for shares, 1/0 per (replication, day) for each interval of the day."""
        if self.confidence is None:
            mine = candidate.reshape(len(candidate), -1)[:, first_cell:]
            return mine, base.reshape(len(base), -1)[:, first_cell:]
        width = candidate.shape[2] - first_cell
        mine = on_target(check, candidate)[:, :, first_cell:].reshape(-1, width)
        return mine, on_target(check, base)[:, :, first_cell:].reshape(-1, width)

    def _share_margin(self, share: np.ndarray, n: np.ndarray) -> np.ndarray:
        """The prediction bound's margin for a share of ``n`` days (module docstring)."""
        safe_n = np.maximum(n, 1)
        plausible = np.clip(share, self.critical_share, 1 - 0.5 / safe_n)
        rerun = 1.0 / self.rerun_pairs
        return self.z * np.sqrt(plausible * (1 - plausible) * (rerun + 1.0 / safe_n))

    def _on_share(self, check: Check, v: np.ndarray, growth: float, scale: float):
        defined = ~np.isnan(v)
        met = on_target(check, v) == 1
        n = defined.sum(axis=(0, 1))
        x = met.sum(axis=(0, 1))
        safe_n = np.maximum(n, 1)
        share = x / safe_n
        # The binomial variance at our share, kept off 0 at the top (every day met: half a
        # day's worth short of all) and not below the critical share's (where it decides).
        plausible = np.clip(share, self.critical_share, 1 - 0.5 / safe_n)
        spread = plausible * (1 - plausible)
        rerun = 1.0 / self.rerun_pairs
        margin = self.z * np.sqrt(spread * (rerun + 1.0 / (safe_n * scale)))
        best = self.z * np.sqrt(spread * (rerun + 1.0 / (safe_n * growth)))
        gap = share - self.critical_share
        passed = (n == 0) | (gap >= margin - 1e-12)
        hopeless = ~passed & (gap + HOPE * np.sqrt(spread / safe_n) < best)
        return passed, hopeless


def check_values(snapshots: list[dict], check: Check, days: int) -> np.ndarray:
    """A check's per-replication values (replications × days × intervals) from the search's
    snapshots (see :func:`ccsim.studies.staffing.trials.snapshot`)."""
    table = "occupancy" if check.kind == "pool" else check.measure
    values = np.stack([s[table][check.index] for s in snapshots])
    return values.reshape(len(snapshots), days, -1)
