"""The one writer of results: a new folder per run, written atomically.

A run folder holds::

    scenario.yaml      the scenario as run, every default filled in, times as planners write
                       them ("08:00", "3min"), seed, ccsim version
    summary.json       every measure: mean, CI low/high, half-width, replications; risk;
                       warnings (where the result can mislead: ccsim.experiment.cautions)
    intervals.csv      per-interval measures per contact type and pool (mean, CI, risk)
    contacts.parquet   per-contact records of every replication
    service_level.png  service level by interval against the labelled targets (with CI band)
    waiting_times.png  share answered within t per contact type, each on its own time scale
    occupancy.png      occupancy by interval per pool
    report.html        the self-contained HTML report (ccsim.output.html.run), made last

The PNG files are the report's own charts (:mod:`ccsim.output.html.charts`, drawn by
:mod:`ccsim.output.chart`), and the report is written from the run in memory, not read back.

Everything is written into a hidden staging folder and renamed into place only when
complete, and folder names made from user data are made safe: both in
:mod:`ccsim.output.destination`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ccsim.analytic.figures import erlang_figures
from ccsim.experiment.cautions import run_cautions
from ccsim.experiment.replications import ExperimentResult
from ccsim.output.destination import MAX_NAME_BYTES as MAX_NAME_BYTES  # re-exported
from ccsim.output.destination import OutputError as OutputError  # re-exported
from ccsim.output.destination import check_destination as check_destination  # re-exported
from ccsim.output.destination import check_results_dir as check_results_dir  # re-exported
from ccsim.output.destination import check_writable as check_writable  # re-exported
from ccsim.output.destination import finished_folders as finished_folders  # re-exported
from ccsim.output.destination import new_run_folder as new_run_folder  # re-exported
from ccsim.output.destination import safe_name as safe_name  # re-exported
from ccsim.output.destination import staged_folder
from ccsim.output.format import measure_csv
from ccsim.output.html.folder import RunFolder, run_from_result
from ccsim.output.html.run import render_run
from ccsim.scenario.writing import results_scenario_text
from ccsim.studies.staffing.risk import risk_summary, with_risk_columns


def write_results(result: ExperimentResult, destination: Path) -> Path:
    """Write every result file of ``result`` into ``destination`` (created atomically).

    Returns:
        The folder written.

    Raises:
        OutputError: the destination exists and is not empty, or cannot be created.
    """
    destination = Path(destination)
    with staged_folder(destination) as staging:
        write_run_files(result, staging)
    return destination


def summary_with_context(result: ExperimentResult) -> dict:
    """``summary.json``: the experiment's summary plus targets, the Erlang comparison, the
    ``risk`` block (how often targets are met: :func:`ccsim.studies.staffing.risk.risk_summary`) and
    ``warnings`` (where the result can mislead: :mod:`ccsim.experiment.cautions`)."""
    summary = result.summary()
    summary["targets"] = {
        name: {
            "service_level_threshold": c.service_level.threshold,
            "service_level_target": c.service_level.target,
            "service_level_formula": c.service_level.formula,
        }
        for name, c in result.scenario.contact_types.items()
    }
    summary["erlang"] = {k: v.as_dict() for k, v in erlang_figures(result.scenario).items()}
    summary["risk"] = risk_summary(result)
    cautions = run_cautions(result.scenario, result.intervals(), summary)
    summary["warnings"] = [c.as_dict() for c in cautions]
    return summary


def write_run_files(result: ExperimentResult, folder: Path) -> None:
    """Write one experiment's files into the (existing, empty) ``folder``: the tables, the
    three PNG charts and the HTML report, all from what is in memory."""
    written = write_tables(result, folder)
    charts = write_charts(result, written, folder)
    write_report(result, written, charts, folder)


@dataclass(frozen=True)
class Written:
    """What :func:`write_tables` wrote, kept for the charts and the report."""

    summary: dict
    intervals: pd.DataFrame


def write_tables(result: ExperimentResult, folder: Path) -> Written:
    """``scenario.yaml``, ``summary.json``, ``intervals.csv`` and ``contacts.parquet``."""
    from ccsim import __version__

    (folder / "scenario.yaml").write_text(  # times as planners write them: ccsim.scenario.writing
        results_scenario_text(result.scenario, __version__), encoding="utf-8"
    )
    summary = summary_with_context(result)
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    intervals = with_risk_columns(result, result.intervals())
    measure_csv(intervals).to_csv(folder / "intervals.csv", index=False)  # units, no noise
    if result.records:  # one replication at a time, straight from its numpy columns
        import pyarrow as pa
        import pyarrow.parquet as pq

        schema = result.records[0].to_arrow().schema
        # Dictionary pages only for the name columns: tried on millions of distinct times
        # they cost ~50 MB while writing and save nothing.
        names = [f.name for f in schema if pa.types.is_dictionary(f.type)]
        with pq.ParquetWriter(folder / "contacts.parquet", schema, use_dictionary=names) as parquet:
            for records in result.records:
                parquet.write_table(records.to_arrow())
    return Written(summary, intervals)


def write_charts(result: ExperimentResult, written: Written, folder: Path) -> RunFolder:
    """``service_level.png``, ``waiting_times.png`` and ``occupancy.png``: the report's own
    charts (:mod:`ccsim.output.html.charts`), drawn as PNG. Returns the run as the report
    reads it, for :func:`write_report`."""
    from ccsim.output.chart_png import write_chart_png
    from ccsim.output.html import charts

    run = run_from_result(result, written.summary, written.intervals, folder)
    frame = written.intervals
    types, pools = frame[frame["kind"] == "type"], frame[frame["kind"] == "pool"]
    service = charts.service_level_chart(types, run.targets, run.horizon, run.still_open)
    waiting = charts.waiting_chart(run.waits, run.targets, *_per_run(run)) if run.waits else None
    occupancy = charts.rate_chart(
        pools,
        "occupancy",
        "Occupancy by interval (busy time / time on duty)",
        "occupancy",
        pools=True,
    )
    for name, chart, what in (
        ("service_level.png", service, "No service level by interval."),
        ("waiting_times.png", waiting, _no_waits(run)),
        ("occupancy.png", occupancy, "No pool was busy in any interval."),
    ):
        write_chart_png(chart or _empty(what), folder / name)
    return run


def write_report(result: ExperimentResult, written: Written, run: RunFolder, folder: Path) -> Path:
    """``report.html``, from the run in memory (nothing is read back from the folder)."""
    return render_run(run, folder)


def _per_run(run: RunFolder) -> tuple[float, str]:
    from ccsim.output.html.sections import per_replication

    return per_replication(run)


def _no_waits(run: RunFolder) -> str:
    if run.waits is None:
        return "No waiting times: the run kept no per-contact records (--no-records)."
    return "No contact queued, so there is no waiting-time distribution."


def _empty(text: str):
    """A chart with nothing on it but why (the file is still there, as docs/results.md says)."""
    from ccsim.output.chart import Axis, Chart, Panel

    return Chart(
        text, (Panel("", (), Axis("", low=0, high=1), Axis("", low=0, high=1)),), plot_height=120
    )
