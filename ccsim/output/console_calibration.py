"""Printing a backtest on the terminal (rich tables)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol, cast

from rich.console import Console
from rich.table import Table

from ccsim.calibration.backtest import Backtest
from ccsim.calibration.contact_log import ContactLog
from ccsim.measures.catalogue import Kind
from ccsim.output.format import count, kind_of, percent, points, seconds


class _ErrorRow(Protocol):
    """A row of ``Backtest.errors()`` (the stubs cannot know a frame's columns)."""

    contact_type: str
    measure: str
    actual_period: float
    sim_period: float
    mae: float
    bias: float


def print_backtest(console: Console, bt: Backtest, log: ContactLog) -> None:
    """The log's cleaning summary, what was left out, the error table and wait agreement."""
    for line in log.summary_lines():
        console.print(line, highlight=False)
    for reason, left_out in bt.left_out.items():
        console.print(f"Not simulated: {count(left_out)} contacts ({reason})", highlight=False)
    how = (
        "trace-driven (recorded arrivals and handle times replayed)"
        if bt.mode == "trace"
        else f"model-driven ({bt.replications} replications per day, actual volumes)"
    )
    table = Table(
        title=f"Backtest of {bt.scenario.name}, {len(bt.grid.dates)} day(s), {how}",
        title_justify="left",
    )
    for column in (
        "type",
        "measure",
        "actual (period)",
        "simulated",
        "MAE / interval",
        "bias / interval",
    ):
        table.add_column(column, justify="left" if column in ("type", "measure") else "right")
    for row in cast("Iterable[_ErrorRow]", bt.errors().itertuples()):
        fmt = _percent if kind_of(row.measure) is Kind.FRACTION else _plain
        if row.measure in ("offered", "answered"):
            fmt = _whole
        table.add_row(
            row.contact_type,
            "asa (s)" if row.measure == "asa" else row.measure,
            fmt(row.actual_period),
            fmt(row.sim_period),
            fmt(row.mae),
            fmt(row.bias, signed=True),
        )
    console.print(table)
    agreement = bt.wait_agreement()
    if agreement is not None:
        console.print(
            "Replay against the log, contact by contact: "
            f"{percent(agreement['same_outcome'], 2)} same outcome; waits within "
            f"1 s for {percent(agreement['within_1s'], 2)}, mean difference "
            f"{seconds(agreement['mean_abs_wait_difference'], 2)}, largest "
            f"{seconds(agreement['max_abs_wait_difference'], 2)}.",
            highlight=False,
        )


def print_breakdown(console: Console, bt: Backtest) -> None:
    """All types per hour of the day and per day of the week (abandonment, ASA in s)."""
    from ccsim.calibration.backtest_tables import grouped, hourly_errors

    for by in ("hour", "weekday"):
        console.print("\n".join(_breakdown_lines(grouped(bt, by), by)), highlight=False)
    e = hourly_errors(bt)
    console.print(
        f"Over the {e['hours']} hours of the day (all types): abandonment off by "
        f"{_points(e['abandon_rate_mae'])} on average "
        f"({_points(e['abandon_rate_wmae'])} weighted by calls), ASA by "
        f"{seconds(e['asa_mae'])} ({seconds(e['asa_wmae'])} weighted).",
        highlight=False,
    )


class _GroupRow(Protocol):
    """A row of ``grouped()`` (the stubs cannot know a frame's columns)."""

    actual_offered: int
    actual_abandon_rate: float
    sim_abandon_rate: float
    actual_asa: float
    sim_asa: float


def _breakdown_lines(table, by: str) -> list[str]:
    """Plain-text lines of a breakdown for all types (abandonment in %, ASA in s), formatted
    as every other ccsim table (``ccsim.output.format``)."""
    from ccsim.calibration.backtest import ALL

    rows = table[table["contact_type"] == ALL]
    lines = [f"{by:>7}  offered  abandoned actual / simulated   ASA actual / simulated"]
    for row in cast("Iterable[_GroupRow]", rows.itertuples()):
        lines.append(
            f"{getattr(row, by)!s:>7}  {row.actual_offered:7,d}  "
            f"{percent(row.actual_abandon_rate):>8} / {percent(row.sim_abandon_rate):<8}  "
            f"{seconds(row.actual_asa):>8} / {seconds(row.sim_asa)}"
        )
    return lines


def print_holdout(console: Console, holdout) -> None:
    """The hold-out's prediction error beside the naive forecast's."""
    model, naive = holdout.errors["model"], holdout.errors["naive"]
    console.print(
        f"Hold-out: fitted on the days up to {holdout.until:%Y-%m-%d}, predicted the "
        f"{holdout.backtest.grid.days} day(s) after. Per hour of the day (all types, mean "
        "absolute error, weighted by calls in brackets):",
        highlight=False,
    )
    rows = [("model", model)]
    if "untuned" in holdout.errors:
        rows.append(("model, not tuned", holdout.errors["untuned"]))
    rows.append(("same as last week", naive))
    if "noise" in holdout.errors:
        rows.append(("noise alone", holdout.errors["noise"]))
    if holdout.tuning is not None:
        console.print(
            f"  availability tuned on the fitted days: {holdout.tuning.shift:+.1f} agent",
            highlight=False,
        )
    for name, e in rows:
        console.print(
            f"  {name:<18} abandonment {_points(e['abandon_rate_mae'])} "
            f"({_points(e['abandon_rate_wmae'])}), ASA {seconds(e['asa_mae'])} "
            f"({seconds(e['asa_wmae'])})",
            highlight=False,
        )


def _whole(value: float, signed: bool = False) -> str:
    return count(value, 0, signed=signed)


def _percent(value: float, signed: bool = False) -> str:
    return points(value, unit="pt") if signed else percent(value)


def _plain(value: float, signed: bool = False) -> str:
    return count(value, 2, signed=signed)


def _points(share: float) -> str:
    """An error in shares as unsigned percentage points: ``0.013`` → ``1.3 points``."""
    return points(share, unit="points", signed=False)
