"""The availability estimate's per-day arrays (made once for all days with numpy) hold, day by
day, exactly what the plain per-day pandas work gives: the day's answered calls sorted by agent
and answer time, their times in seconds after the day's midnight, and the day's waits."""

import numpy as np
import pandas as pd
from paths import DATA

from ccsim.calibration.availability import _DayCalls, _DayWaits
from ccsim.calibration.contact_log import LogFormat, read_contact_log
from ccsim.calibration.presence import PRESENCE_GAP, stretches_on_duty


def _realistic_day_calls():
    """The realistic log, its answered calls, their business dates and per-day arrays."""
    log = read_contact_log(
        DATA / "realistic-log.txt", LogFormat.from_options(DATA / "realistic-log-mapping.yaml")
    )
    contacts = log.contacts
    calls = contacts[contacts["outcome"] == "answered"].dropna(subset=["agent"])
    index = pd.DatetimeIndex(log.dates)
    call_dates = log.business_dates(calls["answered"])
    day_calls = _DayCalls.of(calls, index.get_indexer(pd.Index(call_dates)), log.dates)
    return log, calls, call_dates, day_calls


def test_per_day_arrays_equal_the_per_day_pandas_work():
    log, calls, call_dates, day_calls = _realistic_day_calls()
    contacts = log.contacts
    index = pd.DatetimeIndex(log.dates)
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


def _plain_stretches(calls: pd.DataFrame, date, wrap: float, opening: float, closing: float):
    """The stretches on duty of one day, agent by agent, call by call."""
    begins, ends = [], []
    second = pd.Timedelta(seconds=1)
    everyone = ((calls["answered"] - date) / second).to_numpy(float)
    for _, mine in calls.sort_values(["agent", "answered"]).groupby("agent", sort=True):
        answered = ((mine["answered"] - date) / second).to_numpy(float)
        done = ((mine["ended"] - date) / second).to_numpy(float) + wrap
        stretches = [[answered[0], done[0]]]
        for a, e in zip(answered[1:], done[1:], strict=True):
            if a - stretches[-1][1] > PRESENCE_GAP:
                stretches.append([a, e])
            else:
                stretches[-1][1] = max(stretches[-1][1], e)
        # The day's edges: to a colleague's answer before the first, after the last, or to
        # the centre's first and last call, whichever is nearer, within the limit.
        before = max([opening] + [t for t in everyone if t < stretches[0][0]])
        after = min([closing] + [t for t in everyone if t > stretches[-1][1]])
        if stretches[0][0] - before <= PRESENCE_GAP:
            stretches[0][0] = min(stretches[0][0], before)
        if after - stretches[-1][1] <= PRESENCE_GAP:
            stretches[-1][1] = max(stretches[-1][1], after)
        begins += [b for b, _ in stretches]
        ends += [e for _, e in stretches]
    return np.array(begins), np.array(ends)


def test_stretches_on_duty_equal_the_agent_by_agent_work():
    log, calls, call_dates, day_calls = _realistic_day_calls()
    joined = reached = 0
    for d, date in enumerate(log.dates):
        agent, answered, ended = day_calls.day(d)
        opening, closing = answered.min() - 1200.0, ended.max() + 600.0  # beyond any answer
        # After-call work of 30.5 s: off the log's whole seconds, so no end ties an answer
        # (which pandas' and numpy's sums could round either way).
        begin, end = stretches_on_duty(agent, answered, ended + 30.5, opening, closing)
        today = calls[call_dates == date]
        expected_begin, expected_end = _plain_stretches(today, date, 30.5, opening, closing)
        assert np.allclose(begin, expected_begin) and np.allclose(end, expected_end)
        joined += len(answered) - len(begin)
        reached += int(np.isin([opening, closing], np.concatenate([begin, end])).sum())
    assert joined > 0.9 * len(calls)  # most calls join a stretch: the test joins something
    assert reached > 0  # and some edges reach the centre's first or last call
