"""Writing a backtest: tables, error measures, plots and a JSON summary.

A backtest folder (``results/backtest-<scenario>-<time>/`` or ``--out DIR``, written
atomically like every results folder) holds::

    backtest.csv       per date, interval and contact type: actual_<m>, sim_<m> and, in model
                       mode, sim_<m>_low / sim_<m>_high, for offered, answered, abandon_rate,
                       asa (seconds) and service_level
    over_the_day.csv   the same per interval of the day, all days together
    by_hour.csv        per hour of the (business) day and contact type, all types included:
                       actual and simulated offered, abandonment, ASA (s), service level
    by_weekday.csv     the same per day of the week
    holdout.csv        with --fit-until: per hour, actual, predicted and the naive forecast
    errors.csv         per contact type (and all types) and measure: intervals compared,
                       mean absolute error and bias (simulated − actual) over the
                       date × interval cells (per interval), and the whole period's actual
                       and simulated figure
    waits.parquet      trace mode: every replayed contact's recorded and replayed outcome
                       and wait
    backtest.json      mode, log cleaning summary, contacts left out, errors, wait agreement
    backtest.png       offered, abandonment, ASA and service level over the day: actual
                       against simulated (with its confidence band in model mode)
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd

from ccsim.calibration.backtest import MEASURES, Backtest
from ccsim.calibration.contact_log import ContactLog
from ccsim.output.chart import Axis, Chart, Panel, Series
from ccsim.output.chart_png import write_chart_png

_TITLES = {
    "offered": "offered",
    "abandon_rate": "abandonment rate",
    "asa": "ASA",
    "service_level": "service level",
}


def backtest_summary(bt: Backtest, log: ContactLog, holdout=None) -> dict:
    """The machine-readable summary (the shape of ``backtest.json``)."""
    from ccsim.calibration.backtest_tables import hourly_errors

    errors = bt.errors()
    summary = {
        "mode": bt.mode,
        "scenario": bt.scenario.name,
        "log": log.source,
        "dates": [f"{d:%Y-%m-%d}" for d in bt.grid.dates],
        "replications": bt.replications,
        "rows_read": log.rows_read,
        "rows_not_used": log.excluded,
        "rows_corrected": log.adjusted,
        "reading_notes": list(log.notes),
        "contacts_left_out": bt.left_out,
        "errors": [
            {k: (_number(v) if isinstance(v, float) else v) for k, v in row.items()}
            for row in errors.to_dict("records")
        ],
        "wait_agreement": bt.wait_agreement(),
        "hourly_errors": _plain(hourly_errors(bt)),
    }
    if holdout is not None:
        summary["holdout"] = {
            "fit_until": f"{holdout.until:%Y-%m-%d}",
            "model": _plain(holdout.errors["model"]),
            "naive_same_as_last_week": _plain(holdout.errors["naive"]),
            "model_not_tuned": _plain(holdout.errors["untuned"])
            if "untuned" in holdout.errors
            else None,
            "noise_alone": _plain(holdout.errors["noise"]) if "noise" in holdout.errors else None,
            "availability_shift": None if holdout.tuning is None else holdout.tuning.shift,
        }
    return summary


def _plain(values: dict) -> dict:
    return {k: (_number(v) if isinstance(v, float) else v) for k, v in values.items()}


def write_backtest(bt: Backtest, log: ContactLog, folder: Path, holdout=None) -> None:
    """Write every backtest file into the (existing, empty) ``folder`` (with a hold-out's
    per-hour comparison, ``holdout.csv``, when given)."""
    from ccsim.calibration.backtest_tables import grouped

    folder = Path(folder)
    for by in ("hour", "weekday"):
        grouped(bt, by).to_csv(folder / f"by_{by}.csv", index=False, float_format="%.6g")
    if holdout is not None:
        holdout.hourly.to_csv(folder / "holdout.csv", index=False, float_format="%.6g")
    table = bt.table()
    keep = [c for c in table.columns if not (bt.mode == "trace" and c.endswith(("_low", "_high")))]
    table[keep].to_csv(folder / "backtest.csv", index=False, float_format="%.6g")
    day = bt.table(by_day=False)
    day[keep[1:]].to_csv(folder / "over_the_day.csv", index=False, float_format="%.6g")
    bt.errors().to_csv(folder / "errors.csv", index=False, float_format="%.6g")
    if bt.waits is not None:
        bt.waits.to_parquet(folder / "waits.parquet", index=False)
    (folder / "backtest.json").write_text(
        json.dumps(backtest_summary(bt, log, holdout), indent=2) + "\n", encoding="utf-8"
    )
    _plot(bt, day, folder / "backtest.png")


def _plot(bt: Backtest, day: pd.DataFrame, path: Path) -> None:
    """Offered, abandonment, ASA and service level over the day, actual against simulated,
    one row of panels per contact type (drawn with Pillow: no matplotlib to import)."""
    write_chart_png(backtest_chart(bt, day), path)


_AXES = {
    "offered": Axis("contacts", "count"),
    "abandon_rate": Axis("abandonment", "percent", high=None),
    "asa": Axis("ASA", "duration", unit="s"),
    "service_level": Axis("service level", "percent", high=1.0),
}


def backtest_chart(bt: Backtest, day: pd.DataFrame) -> Chart:
    """The chart of :func:`_plot`: all days together by interval of the day."""
    band = bt.mode == "model"
    shown = [m for m in MEASURES if m in _TITLES]
    panels = []
    for name, mine in day.groupby("contact_type", sort=False):
        labels = tuple(str(v) for v in mine["interval"])
        x = tuple(float(k) for k in range(len(labels)))
        for m in shown:
            simulated = Series(
                f"simulated ({bt.mode})" + (", band" if band else ""),
                x,
                _values(mine, f"sim_{m}"),
                "#1f77b4",
                low=_values(mine, f"sim_{m}_low") if band else (),
                high=_values(mine, f"sim_{m}_high") if band else (),
            )
            actual = Series("actual", x, _values(mine, f"actual_{m}"), "#000000")
            panels.append(
                Panel(
                    f"{name}: {_TITLES[m]}",
                    (simulated, actual),
                    Axis("interval start", "category", labels=labels),
                    _AXES[m],
                )
            )
    days = len(bt.grid.dates)
    return Chart(
        f"Backtest of {bt.scenario.name} over {days} day(s): all days together by interval",
        tuple(panels),
        columns=len(shown),
        width=330 * len(shown),
        plot_height=170,
        alt="actual against simulated offered, abandonment, ASA and service level per interval",
    )


def _values(rows: pd.DataFrame, column: str) -> tuple[float, ...]:
    return tuple(float(v) for v in rows[column])


def _number(value: float) -> float | None:
    return None if not math.isfinite(value) else float(value)
