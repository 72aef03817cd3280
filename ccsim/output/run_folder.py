"""The one writer of results: a new folder per run, written atomically.

A run folder holds::

    scenario.yaml      the fully resolved scenario (seconds everywhere), seed, ccsim version
    summary.json       every measure: mean, CI low/high, half-width, replications; risk;
                       warnings (where the result can mislead: ccsim.experiment.cautions)
    intervals.csv      per-interval measures per contact type and pool (mean, CI, risk)
    contacts.parquet   per-contact records of every replication
    service_level.png  service level by interval against the target (with CI band)
    waiting_times.png  distribution of waiting times
    occupancy.png      occupancy by interval per pool
    report.html        the self-contained HTML report (ccsim.output.html.run), made last

Everything is written into a hidden ``.<name>.partial-*`` folder beside the destination and
renamed into place only when complete, so an interrupted or failed run never leaves a folder
that looks finished, and an existing folder is never overwritten.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import numpy as np
import yaml

from ccsim.analytic.figures import erlang_figures
from ccsim.experiment.cautions import run_cautions
from ccsim.experiment.replications import ExperimentResult
from ccsim.output.html.run import render_report
from ccsim.studies.staffing.risk import risk_summary, with_risk_columns


class OutputError(ValueError):
    """The output folder cannot be used (exists and is not empty, or cannot be written)."""


def new_run_folder(results_root: Path, scenario_name: str, now: datetime | None = None) -> Path:
    """A results folder name that does not exist yet: ``<scenario>-<YYYYmmdd-HHMMSS>[-n]``."""
    stamp = (now or datetime.now()).strftime("%Y%m%d-%H%M%S")
    base = results_root / f"{_safe(scenario_name)}-{stamp}"
    candidate, n = base, 1
    while candidate.exists():
        n += 1
        candidate = base.with_name(f"{base.name}-{n}")
    return candidate


def check_destination(out: Path) -> None:
    """Refuse a destination that exists and is not an empty folder."""
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise OutputError(
            f"--out {out}: already exists and is not an empty folder; results are never "
            "overwritten. Choose a new folder (or leave --out out to get a fresh one in results/)."
        )


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


@contextmanager
def staged_folder(destination: Path) -> Iterator[Path]:
    """A hidden staging folder beside ``destination``, renamed onto it if all goes well.

    Raises:
        OutputError: the destination exists and is not empty, or cannot be created.
    """
    destination = Path(destination)
    check_destination(destination)
    try:
        destination.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(
            tempfile.mkdtemp(prefix=f".{destination.name}.partial-", dir=destination.parent)
        )
    except OSError as exc:
        raise OutputError(f"cannot create the results folder {destination}: {exc}") from None
    try:
        yield staging
        if destination.exists():  # an empty folder the user made for us
            destination.rmdir()
        os.replace(staging, destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


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
    """Write one experiment's files into the (existing, empty) ``folder``."""
    from ccsim import __version__

    (folder / "scenario.yaml").write_text(
        f"# Resolved by ccsim {__version__}, seed {result.scenario.experiment.seed}: the scenario\n"
        "# exactly as run (durations in seconds, clock times in seconds after midnight).\n"
        "# `ccsim run` on this file repeats the run.\n"
        + yaml.safe_dump(result.scenario.resolved(), sort_keys=False),
        encoding="utf-8",
    )
    summary = summary_with_context(result)
    (folder / "summary.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    intervals = with_risk_columns(result, result.intervals())
    intervals.to_csv(folder / "intervals.csv", index=False, float_format="%.6g")
    if result.records:
        result.contacts().to_parquet(folder / "contacts.parquet", index=False)
    _plot_all(result, intervals, folder)
    render_report(folder)  # from the files above; inside the staging folder, so atomic too


def _plot_all(result: ExperimentResult, intervals, folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    types = intervals[intervals["kind"] == "type"]
    pools = intervals[intervals["kind"] == "pool"]

    fig, ax = plt.subplots(figsize=(10, 4.5))
    for name, rows in types.groupby("name", sort=False):
        x = np.arange(len(rows))
        ax.plot(x, rows["service_level"], marker="o", ms=3, label=f"{name}")
        if "service_level_low" in rows:
            ax.fill_between(x, rows["service_level_low"], rows["service_level_high"], alpha=0.2)
        target = result.scenario.contact_types[name].service_level
        ax.axhline(target.target, ls="--", lw=1, color="grey")
        _label_intervals(ax, rows)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("service level")
    ax.set_title("Service level by interval (dashed: target; band: confidence interval)")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(folder / "service_level.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 4.5))
    if result.records:
        for t, name in enumerate(result.records[0].contact_types):
            waits = np.concatenate(
                [r.wait[(r.contact_type == t) & (r.outcome <= 1)] for r in result.records]
            )
            if waits.size:
                ax.hist(waits, bins=60, histtype="step", density=True, label=name)
                threshold = result.scenario.contact_types[name].service_level.threshold
                ax.axvline(threshold, ls="--", lw=1, color="grey")
        ax.legend()
    ax.set_xlabel("wait (seconds; answered and abandoned contacts)")
    ax.set_ylabel("density")
    ax.set_title("Waiting-time distribution (dashed: service-level threshold)")
    fig.tight_layout()
    fig.savefig(folder / "waiting_times.png", dpi=110)
    plt.close(fig)

    fig, ax = plt.subplots(figsize=(10, 4.5))
    for name, rows in pools.groupby("name", sort=False):
        ax.plot(np.arange(len(rows)), rows["occupancy"], marker="o", ms=3, label=name)
        _label_intervals(ax, rows)
    ax.set_ylim(0, 1.02)
    ax.set_ylabel("occupancy")
    ax.set_title("Occupancy by interval (busy time / time on duty)")
    if len(pools):
        ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(folder / "occupancy.png", dpi=110)
    plt.close(fig)


def _label_intervals(ax, rows) -> None:
    labels = [
        f"d{d} {s}" if rows["day"].nunique() > 1 else s
        for d, s in zip(rows["day"], rows["start"], strict=True)
    ]
    step = max(1, len(labels) // 12)
    ax.set_xticks(np.arange(len(labels))[::step], labels[::step], rotation=45, ha="right")


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in name) or "scenario"
