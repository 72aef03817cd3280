"""The floor no fit can beat: the realistic log's known truth, backtested against the log.

A model-mode backtest compares one recorded period with the mean of simulated ones, so even
a perfect model shows an error: the recorded hours are one draw of the centre's noise (an
hour with thirty calls has an abandonment rate that moves by several points from one week to
the next). On the synthetic log of :mod:`ccsim.calibration.realistic_log` the perfect model
is known — the agents really taking calls per interval, the talk times by band with their
short spike, the after-call work and each class's patience — so :func:`truth_backtest`
backtests it exactly as a fitted scenario is backtested (model mode, the log's volumes and
each day's hours). Its error over the hours is the floor; what a fit shows above it is the
fit's own error (its bias, hour by hour, against the truth's simulated mean).
"""

from __future__ import annotations

import numpy as np

from ccsim.calibration.backtest import Backtest, run_backtest
from ccsim.calibration.contact_log import ContactLog
from ccsim.calibration.log_grid import IntervalGrid
from ccsim.calibration.realistic_log import PATIENCE, WRAP_CV, WRAP_MEAN, talk_times
from ccsim.scenario import Scenario
from ccsim.scenario.overrides import derive


class TruthTalk:
    """The true talk times by time band with the short spike (drawn by clock time, as a
    fit's :class:`~ccsim.calibration.handle_bands.BandedHandle` is)."""

    def draw(self, clock: np.ndarray, rng: np.random.Generator) -> np.ndarray:
        return talk_times(np.asarray(clock, float), rng)


def truth_scenario(fitted: Scenario) -> Scenario:
    """``fitted`` (a scenario fitted on the realistic log: its classes, pools and priorities)
    with the true patience and after-call work of every class."""

    def true(data: dict) -> None:
        for name, ctype in data["contact_types"].items():
            ctype["patience"] = {"distribution": "exponential", "mean": PATIENCE[name]}
            ctype["wrap_up"] = {"distribution": "gamma", "mean": WRAP_MEAN, "cv": WRAP_CV}

    return derive(fitted, true, source=f"{fitted.name} with the realistic log's truth")


def truth_staffing(truth: dict, log: ContactLog, interval: float = 1800.0) -> dict:
    """The true agents per pool and (day, interval) of the log's grid (``truth``: the
    realistic log's truth file, read as JSON)."""
    grid = IntervalGrid.from_log(log, interval)
    pools = next(iter(truth["available"].values())).keys()
    agents = {p: np.zeros((grid.days, grid.intervals_per_day), dtype=np.int64) for p in pools}
    for d, date in enumerate(grid.dates):
        key = f"{date:%Y-%m-%d}"
        first = round((truth["hours"][key][0] - grid.open) / interval)
        for pool, values in truth["available"][key].items():
            agents[pool][d, first : first + len(values)] = values
    return agents


def truth_backtest(
    log: ContactLog,
    fitted: Scenario,
    truth: dict,
    replications: int = 20,
    seed: int = 7,
) -> Backtest:
    """The known truth backtested against ``log`` in model mode (module docstring)."""
    interval = fitted.horizon.interval
    types = fitted.contact_types
    return run_backtest(
        log,
        truth_scenario(fitted),
        "model",
        truth_staffing(truth, log, interval),
        replications,
        seed,
        banded=dict.fromkeys(types, TruthTalk()),
    )
