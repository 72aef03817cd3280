"""The availability estimate's per-day arrays (made once for all days with numpy) hold, day by
day, exactly what the plain per-day pandas work gives: the day's answered calls sorted by agent
and answer time, their times in seconds after the day's midnight, and the day's waits."""

import numpy as np
import pandas as pd
from paths import DATA

from ccsim.calibration.availability import _DayCalls, _DayWaits
from ccsim.calibration.contact_log import LogFormat, read_contact_log


def test_per_day_arrays_equal_the_per_day_pandas_work():
    log = read_contact_log(
        DATA / "realistic-log.txt", LogFormat.from_options(DATA / "realistic-log-mapping.yaml")
    )
    contacts = log.contacts
    calls = contacts[contacts["outcome"] == "answered"].dropna(subset=["agent"])
    index = pd.DatetimeIndex(log.dates)
    call_dates = log.business_dates(calls["answered"])
    day_calls = _DayCalls.of(calls, index.get_indexer(pd.Index(call_dates)), log.dates)
    waiting = contacts[contacts["wait"] > 0]
    wait_dates = log.business_dates(waiting["arrival"])
    waits = _DayWaits.of(waiting, index.get_indexer(pd.Index(wait_dates)), log.dates)
    second = pd.Timedelta(seconds=1)
    for d, date in enumerate(log.dates):  # Sunday's calls after midnight stay on Sunday
        today = calls[call_dates == date].sort_values(["agent", "answered"])
        agent, answered, ended = day_calls.day(d)
        assert np.array_equal(answered, ((today["answered"] - date) / second).to_numpy(float))
        assert np.array_equal(ended, ((today["ended"] - date) / second).to_numpy(float))
        names = today["agent"].to_numpy()
        assert np.array_equal(agent[1:] == agent[:-1], names[1:] == names[:-1])
        mine = waiting[wait_dates == date]
        begin, end = waits.day(d)
        expected = ((mine["arrival"] - date) / second).to_numpy(float)
        assert np.array_equal(begin, expected)
        assert np.array_equal(end, expected + mine["wait"].to_numpy(float))
    assert day_calls.bounds[-1] == (call_dates.isin(log.dates)).sum()
