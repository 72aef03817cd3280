"""A results folder's HTML report as a PDF, printed by the system's headless Chromium.

The report's print stylesheet (``ccsim/output/html/print.css``) lays a run report out as one
A4 page for a manager: the headline figures, the service-level chart and the headline table.
:func:`write_pdf` has Chromium print ``report.html`` exactly as a browser's "Save as PDF"
would (no header or footer lines), so the PDF and a printout from the browser are the same.
Chromium is not a Python package: Debian's ``chromium`` (``apt-get install chromium``) or any
Chrome on the ``PATH``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ccsim.atomic import atomic_file
from ccsim.output.html.page import ReportError

PDF_NAME = "report.pdf"
"""The PDF's default name, in the results folder beside ``report.html``."""

BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
"""Programs tried, in order, when no browser is named."""

TIMEOUT = 120.0
"""Seconds a print may take (a report prints in one or two)."""


class BrowserMissing(ReportError):
    """No headless Chromium to print with; the message says how to install one."""


def find_browser() -> str | None:
    """The path of the first Chromium or Chrome on the ``PATH``, or None."""
    for name in BROWSERS:
        found = shutil.which(name)
        if found:
            return found
    return None


def write_pdf(folder: Path, out: Path | None = None, browser: str | None = None) -> Path:
    """Print ``folder/report.html`` to a PDF and return its path.

    Args:
        folder: a results folder with a ``report.html`` (``ccsim run``, ``compare``,
            ``staff``; ``ccsim report FOLDER`` writes it again for an older folder).
        out: the PDF to write (default: ``folder/report.pdf``); replaced if it exists.
        browser: the Chromium to use (default: :func:`find_browser`).

    Raises:
        BrowserMissing: no Chromium found.
        ReportError: no report in the folder, or Chromium failed to print it.
    """
    report = Path(folder) / "report.html"
    if not report.is_file():
        raise ReportError(
            f"{folder}: no report.html to print; `ccsim report {folder}` writes it for a run folder"
        )
    browser = browser or find_browser()
    if browser is None:
        raise BrowserMissing(
            "no Chromium found to print the report with (looked for "
            f"{', '.join(BROWSERS)} on the PATH); install it, e.g. on Debian or Ubuntu "
            "`sudo apt-get install --no-install-recommends chromium`, then run this again"
        )
    path = Path(out) if out is not None else Path(folder) / PDF_NAME
    with tempfile.TemporaryDirectory(prefix="ccsim-pdf-") as profile, atomic_file(path) as temp:
        command = [
            browser,
            "--headless",
            "--no-sandbox",  # as root in a container there is no sandbox to have
            "--disable-gpu",
            f"--user-data-dir={profile}",  # its own profile: no clash with an open browser
            "--no-pdf-header-footer",
            f"--print-to-pdf={temp}",
            report.resolve().as_uri(),
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReportError(f"{browser} could not print {report}: {exc}") from None
        if done.returncode != 0 or temp.stat().st_size == 0:
            said = done.stderr.decode("utf-8", "replace").strip().splitlines()[-3:]
            raise ReportError(
                f"{browser} could not print {report} (exit status {done.returncode}): "
                + " / ".join(said)
            )
    return path


def pdf_pages(path: Path) -> int:
    """How many pages a PDF written by Chromium has (its page objects counted)."""
    return len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", Path(path).read_bytes()))
