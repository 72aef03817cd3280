"""One formatting of durations, shares and counts; CSV headers with units and no float noise
(issue 19, items 4 and 8)."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
import pytest

from ccsim.output.format import (
    column_of_header,
    csv_header,
    duration,
    from_csv_headers,
    measure_csv,
    measure_difference,
    measure_value,
)

pytestmark = pytest.mark.unit


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(5.7, "5.7 s"), (45, "45 s"), (192, "3.2 min"), (14133.7, "3.9 h"), (1207511.4, "335 h")],
)
def test_a_duration_reads_in_the_unit_it_reads_best_in(seconds, text):
    assert duration(seconds) == text
    assert measure_value("type.email.asa", seconds) == text  # the console's and the HTML's


def test_a_difference_of_times_is_in_the_unit_asked_for():
    assert measure_difference("asa", -1872.0, "h") == "−0.52 h"
    assert measure_difference("asa", 6.3) == "+6.3 s"
    assert measure_difference("service_level", 0.012) == "+1.2 pts"
    assert measure_value("agent_hours", 502.3) == "502 h"


@pytest.mark.parametrize(
    ("column", "header"),
    [
        ("asa", "asa_s"),
        ("asa_low", "asa_s_low"),
        ("type.voice.mean_wait_high", "type.voice.mean_wait_s_high"),
        ("oldest_at_end", "oldest_at_end_s"),
        ("service_level", "service_level"),  # a share from 0 to 1: no unit
        ("service_level_p10", "service_level_p10"),
        ("overtime_hours", "overtime_hours"),  # says its unit already
        ("kind", "kind"),
    ],
)
def test_csv_headers_say_their_unit_and_read_back(column, header):
    assert csv_header(column) == header
    assert column_of_header(header) == column


def test_csv_values_carry_no_float_noise():
    frame = pd.DataFrame(
        {
            "kind": ["pool", "pool"],
            "overtime_hours": [8.0844e-16, 1.23456789],
            "asa": [14133.6666666, -1e-17],
            "service_level": [0.861234567, np.nan],
        }
    )
    text = io.StringIO()
    measure_csv(frame).to_csv(text, index=False)
    lines = text.getvalue().splitlines()
    assert lines[0] == "kind,overtime_hours,asa_s,service_level"
    assert lines[1] == "pool,0.0,14133.67,0.8612"
    assert lines[2] == "pool,1.235,0.0,"  # -0 reads 0, a missing value stays empty
    assert "e-" not in text.getvalue()
    back = from_csv_headers(pd.read_csv(io.StringIO(text.getvalue())))
    assert list(back.columns) == list(frame.columns)
    assert frame["asa"].tolist() == [14133.6666666, -1e-17]  # the table itself is untouched
