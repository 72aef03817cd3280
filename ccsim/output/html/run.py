"""The HTML report of one run: one self-contained page a planner can send to a manager.

:func:`render_report` reads a results folder written by
:func:`ccsim.output.run_folder.write_results`
(``scenario.yaml``, ``summary.json``, ``intervals.csv`` and, unless the run used
``--no-records``, ``contacts.parquet``) and writes ``report.html`` into it: the scenario in
plain words, the headline measures with their confidence intervals against the targets,
charts over the day, the waiting-time distribution, and per-pool, per-channel, journey and
campaign tables. The folder is read by :mod:`ccsim.output.html.folder`, the sections are built
in :mod:`ccsim.output.html.sections`, and the page by :mod:`ccsim.output.html.page`.
``ccsim run`` writes the same page from what it holds in memory (:func:`render_run`),
without reading back the files it has just written.
"""

from __future__ import annotations

from pathlib import Path

from ccsim.output.html.folder import RunFolder, load_run, run_title
from ccsim.output.html.page import render_page, write_html
from ccsim.output.html.sections import run_sections

REPORT_NAME = "report.html"


def render_report(folder: Path) -> Path:
    """Write ``folder/report.html`` for the results folder ``folder`` and return its path.

    Raises:
        ReportError: the folder does not exist, has no ``summary.json`` (not a ccsim
            results folder), or one of its files cannot be read.
    """
    return render_run(load_run(Path(folder)), Path(folder))


def render_run(run: RunFolder, folder: Path) -> Path:
    """Write ``folder/report.html`` from ``run`` as it is (read from a folder, or still in
    memory: :func:`ccsim.output.html.folder.run_from_result`) and return its path."""
    title, subtitle = run_title(run)
    return write_html(Path(folder) / REPORT_NAME, render_page(title, run_sections(run), subtitle))
