"""Tuning availability so that the fitted model reproduces the log's own waits and abandonment.

The work-conserving estimate (:mod:`ccsim.calibration.availability`) measures the agents
taking calls where callers waited and bounds them from below elsewhere; it is a time average,
rounded to whole agents for the model. Whether that staffing, with the fitted handle times,
after-call work and patience, reproduces the log is checked here and corrected if needed:
the fitted period is backtested (model mode, the log's own volumes) with the estimate moved
by a shift of whole tenths of an agent, and the shift whose per-hour abandonment and ASA are
closest to the log's — weighted by the hour's calls, in units of the tolerances (2 points,
10 s) — is kept. The shift is searched only within the bootstrap band of the estimate (how
far another month of the same centre could move it): a shift beyond it would not be a better
estimate of the agents but a fudge for something else (handle times, patience). Ties go to
the smaller shift, and a shift that lowers the score by less than :data:`MIN_GAIN` is not
kept (a gain that small is within the runs' noise); shifts that round to the same agents
are run once. The same seeds serve every shift tried (common random numbers), so
differences between shifts are not noise between runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import yaml

from ccsim.calibration.backtest import run_backtest
from ccsim.calibration.backtest_tables import hourly_errors
from ccsim.calibration.fit import LogFit
from ccsim.scenario import Scenario, parse_scenario

STEP = 0.1
"""Shifts tried: whole tenths of an agent."""
ABANDON_TOLERANCE, ASA_TOLERANCE = 0.02, 10.0
"""The units in which the two errors are added (the backtest's targets)."""
MIN_GAIN = 0.05
"""A shift is kept only when it lowers the score by at least this share."""


@dataclass(frozen=True)
class Tuning:
    """The shift added to the estimated agents and the evidence for it.

    Attributes:
        shift: agents added to every interval's estimate before rounding (0: none).
        limit: the largest shift allowed either way (the bootstrap band's mean half-width).
        tried: shift → the fitted period's hourly errors (:func:`hourly_errors`), nearest
            to 0 first.
        mode, replications: how the fitted period was backtested.
    """

    shift: float
    limit: float
    tried: dict[float, dict[str, float]]
    mode: str
    replications: int

    @property
    def before(self) -> dict[str, float]:
        return self.tried[0.0]

    @property
    def after(self) -> dict[str, float]:
        return self.tried[self.shift]

    def lines(self) -> list[str]:
        """The fit report's paragraph."""
        b, a = self.before, self.after
        return [
            f"Availability tuned on the fitted period ({self.mode} mode, {self.replications} "
            f"replication(s) per day): {self.shift:+.1f} agent per interval (allowed within "
            f"the bootstrap band, ±{self.limit:.1f});",
            "  mean error per hour, weighted by calls: abandonment "
            f"{_points(b['abandon_rate_wmae'])} -> {_points(a['abandon_rate_wmae'])} points "
            f"(bias {_points(b['abandon_rate_bias'], '+')} -> "
            f"{_points(a['abandon_rate_bias'], '+')}), ASA {b['asa_wmae']:.1f} s -> "
            f"{a['asa_wmae']:.1f} s;",
            f"  unweighted: abandonment {_points(b['abandon_rate_mae'])} -> "
            f"{_points(a['abandon_rate_mae'])} points, ASA {b['asa_mae']:.1f} s -> "
            f"{a['asa_mae']:.1f} s."
            + (
                f" Backtest with --availability-shift {self.shift:g} to use it."
                if self.shift
                else " The estimate is kept as it is."
            ),
        ]

    def summary(self) -> dict:
        """For fit.json."""
        return {
            "shift": self.shift,
            "limit": self.limit,
            "mode": self.mode,
            "replications": self.replications,
            "tried": [{"shift": s, **e} for s, e in self.tried.items()],
        }


def score(errors: dict[str, float]) -> float:
    """The two weighted errors in units of their tolerances, added."""
    return errors["abandon_rate_wmae"] / ABANDON_TOLERANCE + errors["asa_wmae"] / ASA_TOLERANCE


def band_half_width(fit: LogFit) -> float:
    """The mean half-width of the main pool's 90 % bootstrap band over the main days (the
    intervals with agents), at least one step."""
    if not fit.availability:
        return 0.0
    first = next(iter(fit.availability.values()))
    mean, low, high = first.band(np.asarray(fit.main_days))
    staffed = mean > 0
    half = float(np.mean((high - low)[staffed]) / 2) if staffed.any() else 0.0
    return max(STEP, math.floor(half / STEP + 0.5) * STEP)


def tune_availability(
    fit: LogFit,
    scenario: Scenario | None = None,
    mode: str = "model",
    replications: int = 3,
    seed: int = 1,
) -> Tuning | None:
    """The shift of the estimated agents that best reproduces the fitted period (module
    docstring); None when the staffing was not estimated from the log's agents."""
    from ccsim.calibration.fitted_scenario import scenario_text

    if not fit.availability:
        return None
    if scenario is None:
        scenario = parse_scenario(yaml.safe_load(scenario_text(fit, "fitted")), "the fit")
    banded = {name: t.banded for name, t in fit.types.items() if t.banded is not None}
    limit = band_half_width(fit)
    tried: dict[float, dict[str, float]] = {}
    seen: dict[bytes, float] = {}  # shifts that round to the same agents give the same run
    steps = int(round(limit / STEP))
    for k in sorted(range(-steps, steps + 1), key=abs):
        shift = round(k * STEP, 1)
        agents = b"".join(
            np.where(a.estimate > 0, np.maximum(np.rint(a.estimate + shift), 0), 0)
            .astype(np.int64)
            .tobytes()
            for a in fit.availability.values()
        )
        if agents in seen:
            tried[shift] = tried[seen[agents]]
            continue
        seen[agents] = shift
        bt = run_backtest(
            fit.log, scenario, mode, "log", replications, seed, None, banded, fit.wrap_up, shift
        )
        tried[shift] = hourly_errors(bt)
    best = min(tried, key=lambda s: (round(score(tried[s]), 9), abs(s)))
    if score(tried[best]) > (1 - MIN_GAIN) * score(tried[0.0]):
        best = 0.0  # a gain this small is within the noise of the runs: keep the estimate
    return Tuning(best, limit, tried, mode, 1 if mode == "trace" else replications)


def _points(share: float, sign: str = "") -> str:
    return f"{share * 100:{sign}.1f}"
