"""Printing a backtest on the terminal (rich tables)."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ccsim.calibration.backtest import Backtest
from ccsim.calibration.contact_log import ContactLog
from ccsim.measures.catalogue import Kind
from ccsim.output.format import count, kind_of, percent, points


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
    for column in ("type", "measure", "actual (period)", "simulated", "MAE / interval", "bias"):
        table.add_column(column, justify="left" if column in ("type", "measure") else "right")
    for row in bt.errors().itertuples():
        fmt = _percent if kind_of(row.measure) is Kind.FRACTION else _plain
        table.add_row(
            row.contact_type,
            row.measure,
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
            f"{percent(agreement['same_outcome'], 2, compact=True)} same outcome; waits within "
            f"1 s for {percent(agreement['within_1s'], 2, compact=True)}, mean difference "
            f"{agreement['mean_abs_wait_difference']:.3g} s, largest "
            f"{agreement['max_abs_wait_difference']:.3g} s.",
            highlight=False,
        )


def _percent(value: float, signed: bool = False) -> str:
    return points(value, unit="pt") if signed else percent(value)


def _plain(value: float, signed: bool = False) -> str:
    return count(value, 2, signed=signed)
