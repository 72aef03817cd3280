"""The charts of a run (issue 19, items 4, 6, 7; issue 15): one chart description drawn as the
report's inline SVG and as the folder's PNG files. The tests read what is drawn — tick labels,
axis labels, target labels, counts, gaps — from the chart objects and the SVG text."""

from __future__ import annotations

import re
import struct
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import ccsim
from ccsim.output.chart import Axis, Panel, _bounds, tick_label, ticks
from ccsim.output.chart_svg import chart_svg
from ccsim.output.html import charts
from ccsim.output.html.folder import load_run
from ccsim.output.run_folder import write_results


def _texts(svg: str) -> list[str]:
    return [re.sub(r"<[^>]+>", "", t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", head[16:24])


@pytest.fixture(scope="module")
def default_day(tmp_path_factory) -> Path:
    scenario = ccsim.load_scenario("default-day")
    result = ccsim.run_experiment(scenario, replications=4, jobs=1)
    return write_results(result, tmp_path_factory.mktemp("charts") / "default")


@pytest.fixture(scope="module")
def email_week(tmp_path_factory) -> Path:
    scenario = ccsim.load_scenario("email-backlog-week")
    result = ccsim.run_experiment(scenario, replications=2, jobs=1)
    return write_results(result, tmp_path_factory.mktemp("charts") / "email")


def _interval_rows(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    frame = load_run(folder).intervals
    return frame[frame["kind"] == "type"], frame[frame["kind"] == "pool"]


# --- the axes: formatted as the console and the tables write values, bounds kept ------------


def test_a_share_axis_never_goes_below_zero_even_for_a_flat_zero_line():
    axis = Axis("abandoned", "percent")
    panel = Panel("", (), Axis("", "category", labels=("08:00",)), axis)
    low, high = _bounds(axis, [0.0, 0.0, 0.0], panel, "y")
    assert low == 0.0 and 0 < high <= 1.0
    values = ticks(low, high, axis)
    assert values and min(values) >= 0.0
    assert all(not tick_label(v, axis).startswith(("-", "−")) for v in values)
    # and a share never runs past 100 %
    assert max(ticks(*_bounds(axis, [0.97, 1.0], panel, "y"), axis)) <= 1.0


def test_tick_labels_read_as_the_console_writes_values():
    share = Axis("service level", "percent")
    assert [tick_label(v, share) for v in ticks(0.0, 1.0, share)] == [
        "0 %", "20 %", "40 %", "60 %", "80 %", "100 %",
    ]  # fmt: skip
    hours = Axis("wait", "duration", "h")
    assert [tick_label(v, hours) for v in ticks(0.0, 12 * 3600, hours)][:3] == [
        "0 h", "2 h", "4 h",
    ]  # fmt: skip
    seconds = Axis("wait", "duration", "s")
    assert tick_label(20.0, seconds) == "20 s"
    waiting = Axis("waiting")  # a count: thousands separated, decimals only as the step needs
    assert tick_label(1200.0, waiting, 200.0) == "1,200"
    assert [tick_label(v, waiting, 0.2) for v in ticks(0.0, 0.85, waiting)][-1] == "0.8"


# --- service level: % axis, labelled targets, x-axis label -------------------------------


def test_service_level_chart_has_percent_axis_labelled_targets_and_interval_axis(email_week):
    run = load_run(email_week)
    types, _ = _interval_rows(email_week)
    chart = charts.service_level_chart(types, run.targets, run.horizon, run.still_open)
    panel = chart.panels[0]
    assert panel.y.kind == "percent" and panel.y.high == 1.0
    assert panel.x.label == "interval start"
    assert {r.label for r in panel.rules} == {
        "voice target 80 % within 20 s",
        "email target 90 % within 4 h",
    }
    text = _texts(chart_svg(chart))
    assert "voice target 80 % within 20 s" in text and "interval start" in text
    assert "100 %" in text and "0 %" in text
    assert not [t for t in text if re.fullmatch(r"[-−]\d.*%", t)]  # no negative share tick


def test_email_intervals_still_open_at_the_end_are_not_plotted_and_said_so(email_week):
    run = load_run(email_week)
    types, _ = _interval_rows(email_week)
    chart = charts.service_level_chart(types, run.targets, run.horizon, run.still_open)
    email = next(s for s in chart.panels[0].series if s.label == "email")
    email_rows = types[types["name"] == "email"]
    last_day = email_rows["day"].to_numpy() == 4
    starts = np.array([int(s[:2]) for s in email_rows["start"]])
    # an arrival in the interval could still be open when the horizon ends at 18:00
    late = last_day & (starts * 3600 + 3600 + 4 * 3600 > 18 * 3600)
    y = np.array(email.y)
    assert late.any() and np.isnan(y[late]).all()  # not plotted: not known yet
    assert np.isfinite(y[~late]).sum() > 30  # everything else is
    notes = " ".join(chart.panels[0].notes)
    assert "not plotted from the last day 14:00" in notes
    assert "contacts were still open when the horizon ended" in notes
    assert "keeps running after closing at 18:00" in notes
    assert "not plotted from the last day" in " ".join(_texts(chart_svg(chart)))


def test_a_one_type_day_has_no_horizon_note(default_day):
    run = load_run(default_day)
    types, _ = _interval_rows(default_day)
    chart = charts.service_level_chart(types, run.targets, run.horizon, run.still_open)
    assert chart.panels[0].notes == ()  # nothing was left open at the end
    assert np.isfinite(chart.panels[0].series[0].y).all()


# --- waiting times: share answered within t, each type on its own scale -------------------


def test_waiting_times_are_shares_answered_within_t_on_each_types_own_scale(email_week):
    run = load_run(email_week)
    chart = charts.waiting_chart(run.waits, run.targets, 2.0, "per replication of 5 days")
    by_type = {p.title.split(":")[0]: p for p in chart.panels}
    assert by_type["voice"].x.unit == "s" and by_type["email"].x.unit == "h"
    assert by_type["voice"].x.label == "wait (s)" and by_type["email"].x.label == "wait (h)"
    for panel in chart.panels:
        assert panel.y.kind == "percent" and panel.y.label == "answered within the wait"
        curve = panel.series[0]
        assert curve.shape == "step" and np.all(np.diff(curve.y) >= 0)  # a share, cumulated
        assert min(curve.y) >= 0.0 and max(curve.y) <= 1.0
    voice_right = by_type["voice"].x.high
    email_right = by_type["email"].x.high
    assert voice_right < 600 < 4 * 3600 <= email_right  # minutes vs hours: not one axis
    text = _texts(chart_svg(chart))
    assert any(t.endswith(" h") for t in text) and any(t.endswith(" s") for t in text)
    # the share at the threshold is the simulated one
    voice = run.waits["voice"]
    within = np.sum(voice["answered"] <= 20) / (len(voice["answered"]) + len(voice["abandoned"]))
    threshold_rule = next(r for r in by_type["voice"].rules if r.axis == "x")
    assert threshold_rule.value == 20 and threshold_rule.label.startswith(f"{100 * within:.1f} %")


def test_the_waiting_chart_of_the_report_counts_per_day_like_the_headline(default_day):
    """Issue 19 item 7: 2,813 answered a day, not 56,267 over all replications."""
    html = (default_day / "report.html").read_text(encoding="utf-8")
    summary = load_run(default_day).summary
    answered = summary["by_type"]["voice"]["answered"]["mean"]
    abandoned = summary["by_type"]["voice"]["abandoned"]["mean"]
    expected = f"voice: {answered:,.0f} answered, {abandoned:,.0f} abandoned"
    assert expected in html
    assert "Counts are per day (mean of 4 replications)." in html
    total = f"{answered * 4:,.0f} answered"
    assert total not in html


# --- the files: the same charts as PNG ---------------------------------------------------


def test_the_folder_keeps_its_three_pngs_drawn_from_the_report_charts(default_day):
    run = load_run(default_day)
    types, pools = _interval_rows(default_day)
    title = "Occupancy by interval (busy time / time on duty)"
    expected = {
        "service_level.png": charts.service_level_chart(
            types, run.targets, run.horizon, run.still_open
        ),
        "occupancy.png": charts.rate_chart(pools, "occupancy", title, "occupancy", pools=True),
    }
    for name, chart in expected.items():
        assert _png_size(default_day / name) == (chart.width, chart.height)
    width, height = _png_size(default_day / "waiting_times.png")
    assert width == 1000 and height > 200


def test_the_report_is_written_from_memory_not_read_back(tmp_path, monkeypatch):
    """write_results never reads the folder it writes (issue 15: no re-reading)."""
    import ccsim.output.html.folder as folder_module

    def refuse(*args, **kwargs):
        raise AssertionError("the run report read its folder back")

    monkeypatch.setattr(folder_module, "load_run", refuse)
    result = ccsim.run_experiment(ccsim.load_scenario("erlang-c"), replications=2, jobs=1)
    folder = write_results(result, tmp_path / "run")
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "Share answered within a given wait" in html and "<svg" in html


def test_no_records_still_writes_every_png_with_the_reason(tmp_path):
    result = ccsim.run_experiment(
        ccsim.load_scenario("erlang-c"), replications=2, jobs=1, keep_records=False
    )
    folder = write_results(result, tmp_path / "run")
    for name in ("service_level.png", "waiting_times.png", "occupancy.png"):
        assert _png_size(folder / name)[0] == 1000
    html = (folder / "report.html").read_text(encoding="utf-8")
    assert "--no-records" in html and html.count("<svg") >= 5


# --- the staffing report's chart: the same drawing, dashed and dotted lines told apart -------


def test_staffing_chart_holds_each_interval_and_tells_the_three_lines_apart():
    from ccsim.output.staffing_folder import agents_chart

    table = pd.DataFrame(
        {
            "pool": ["a"] * 3 + ["b"] * 3,
            "interval": [0, 1, 2] * 2,
            "start": ["09:00", "09:30", "10:00"] * 2,
            "required_agents": [3, 5, 4, 2, 2, 3],
            "erlang_agents": [4, 5, 5, 2, 3, 3],
            "scheduled_agents": [5, 7, 6, 2, 2, 3],
        }
    )
    chart = agents_chart(table)
    series = {s.label: s for s in chart.panels[0].series}
    assert set(series) == {
        "a: required (simulation)", "a: Erlang", "a: to schedule",
        "b: required (simulation)", "b: Erlang",  # b schedules what it needs: no third line
    }  # fmt: skip
    required = series["a: required (simulation)"]
    assert required.shape == "step" and required.x == (-0.5, 0.5, 1.5, 2.5)
    assert required.y == (3, 5, 4, 4)  # the last value held to the end of its interval
    assert series["a: Erlang"].dash == "dashed" and series["a: to schedule"].dash == "dotted"
    svg = chart_svg(chart)
    assert "stroke-dasharray" in svg and "interval start" in _texts(svg)
    assert chart.panels[0].x.labels == ("09:00", "09:30", "10:00")
