"""The fit report: the evidence behind a fitted scenario, as text, JSON, tables and plots.

A fit report folder (``ccsim fit --report DIR``, default ``<scenario>.fit/`` beside the
scenario file) holds::

    fit.txt              the report a planner reads (also printed by ccsim fit)
    fit.json             every estimate, machine-readable
    arrivals.csv         offered contacts per date, interval and contact type
    staffing.csv         agents per date and interval (as inferred or given)
    arrival_profile.png  arrivals per hour over the day, each day and the fitted rate
    handle_time.png      handle-time histogram per contact type with the fitted densities
    patience.png         Kaplan–Meier survival of patience with the fitted curves
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd

from ccsim.atomic import write_text
from ccsim.calibration.fit import LogFit
from ccsim.calibration.tuning import Tuning
from ccsim.output.fit_plots import plot_fit
from ccsim.output.fit_summary import fit_summary
from ccsim.output.fit_text import report_text
from ccsim.output.run_folder import OutputError, staged_folder

__all__ = ["fit_report_folder", "fit_summary", "report_text", "write_fit", "write_fit_report"]


def fit_report_folder(out: Path, report_dir: Path | None, force: bool) -> tuple[Path, bool]:
    """Where the fit report of the scenario file ``out`` goes (default: ``<out>.fit`` beside
    it), and whether it replaces an earlier fit report there (only with ``force``).

    Raises:
        OutputError: the folder exists, is not empty, and is not an earlier fit report that
            ``force`` may replace.
    """
    report_dir = report_dir or out.with_name(f"{out.stem}.fit")
    earlier_fit = force and (report_dir / "fit.json").exists()
    if report_dir.exists() and any(report_dir.iterdir()) and not earlier_fit:
        raise OutputError(
            f"--report {report_dir}: already exists and is not empty; choose another "
            "folder (or --force to replace an earlier fit report)"
        )
    return report_dir, earlier_fit


def write_fit(
    fit: LogFit,
    text: str,
    out: Path,
    report_dir: Path,
    replace: bool,
    tuning: Tuning | None = None,
) -> None:
    """Write the fitted scenario ``text`` to ``out`` and the fit report into ``report_dir``
    (staged, so a failure leaves no half-written report; an earlier one is replaced when
    ``replace``)."""
    if replace:
        shutil.rmtree(report_dir)
    with staged_folder(report_dir, option="--report") as staging:
        write_fit_report(fit, staging, tuning)
        write_text(out, text)


def write_fit_report(fit: LogFit, folder: Path, tuning: Tuning | None = None) -> None:
    """Write the report files into the (existing, empty) ``folder``."""
    folder = Path(folder)
    (folder / "fit.txt").write_text(report_text(fit, tuning), encoding="utf-8")
    summary = json.dumps(fit_summary(fit, tuning), indent=2)
    (folder / "fit.json").write_text(summary + "\n", "utf-8")
    grid = fit.grid
    index = pd.MultiIndex.from_product(
        [[f"{d:%Y-%m-%d}" for d in grid.dates], grid.starts()], names=["date", "interval"]
    )
    arrivals = pd.DataFrame({name: t.counts.ravel() for name, t in fit.types.items()}, index=index)
    arrivals.to_csv(folder / "arrivals.csv")
    pd.DataFrame({"agents": fit.staffing.ravel()}, index=index).to_csv(folder / "staffing.csv")
    plot_fit(fit, folder)
