"""The interval table made from its numpy columns at once equals the table pandas makes by
concatenating one frame per contact type and pool (the definition it replaced for speed):
same rows, columns, order, dtypes and values, warm-up intervals left out, optional measures
and customer-experience columns included."""

from __future__ import annotations

import pandas as pd
import pytest

from ccsim.measures.intervals import IntervalRows
from ccsim.measures.replication import measure_numbers
from ccsim.model import simulate
from ccsim.scenario import load_scenario
from ccsim.scenario.bundled import bundled_text
from ccsim.units import format_clock


def _by_concatenation(rows: IntervalRows) -> pd.DataFrame:
    frame = pd.concat([pd.DataFrame(block) for block in rows.blocks], ignore_index=True)
    frame.insert(3, "day", rows.day[frame["interval"]])
    frame.insert(4, "start", [format_clock(c) for c in rows.clock[frame["interval"]]])
    frame = frame[rows.measured[frame["interval"].to_numpy()]].reset_index(drop=True)
    if rows.experience is not None:
        frame = frame.merge(rows.experience, on=["kind", "name", "interval"], how="left")
    return frame


@pytest.mark.parametrize(
    ("name", "options"),
    [
        ("erlang-a", None),  # a warm-up: its intervals are left out
        ("multi-skill", {"p_wait": True, "occupancy_open_hours": True}),
        ("email-backlog-week", None),
        ("customer-experience", None),
        ("outbound-campaign", None),
    ],
)
def test_interval_table_equals_the_concatenated_frames(name, options):
    import yaml

    data = yaml.safe_load(bundled_text(name))
    if options:
        data["measures"] = options
    scenario = load_scenario(data)
    rows = measure_numbers(simulate(scenario, replication=2), scenario).rows
    expected = _by_concatenation(rows)
    assert len(expected) > 10
    pd.testing.assert_frame_equal(rows.frame(), expected, check_exact=True)
