"""Backtest: a contact log cut at times of day; the projection from the live state against
what happened, beside a projection that ignores the live state."""

from __future__ import annotations

import pytest

from ccsim import load_scenario
from ccsim.calibration.contact_log import read_contact_log
from ccsim.calibration.sample_log import records_log
from ccsim.intraday.backtest import backtest_cuts, error_table
from ccsim.model.centre import simulate
from ccsim.scenario.overrides import apply_overrides, parse_override

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

CUTS = (10.5 * 3600, 14 * 3600)


def test_the_live_state_and_the_reforecast_beat_a_projection_ignoring_them(tmp_path):
    # Twelve days of a centre whose days run busier or quieter than forecast (cv 10 %) and
    # queue at the peaks, written as a contact log and read back as calibration reads one.
    scenario = apply_overrides(
        load_scenario("default-day"),
        [
            parse_override(text)
            for text in (
                "horizon.days=12",
                "forecast.busyness_cv=0.1",
                "pools.agents.staffing=*0.92",
                "contact_types.voice.patience={distribution: gamma, mean: 3min, cv: 0.3}",
            )
        ],
    )
    path = tmp_path / "log.csv"
    records_log(simulate(scenario, 0, seed=11)).to_csv(path, index=False)
    log = read_contact_log(path)
    rows = backtest_cuts(log, scenario, CUTS, "agents", replications=10)
    assert len(rows) == 12 * len(CUTS) * 2 * 4
    errors = error_table(rows).set_index(["scope", "cut", "measure"])
    for cut in CUTS:
        # The rest of the day's volume: the re-forecast follows the day's busyness.
        volume = errors.loc[("rest of day", cut, "offered")]
        assert volume["live_error"] < 0.75 * volume["ignoring_state_error"]
        # And so do its waits.
        assert (
            errors.loc[("rest of day", cut, "asa")]["live_error"]
            < errors.loc[("rest of day", cut, "asa")]["ignoring_state_error"]
        )
    # The interval after the cut: the queue and the calls in progress at the cut matter
    # (summed over the cuts: one interval of one day is mostly noise).
    for measure in ("service_level", "asa"):
        near = errors.xs(("next interval", measure), level=("scope", "measure")).sum()
        assert near["live_error"] < near["ignoring_state_error"], measure
