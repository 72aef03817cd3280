"""ccsim export --pdf: the run report printed by the system Chromium on exactly one A4 page,
and that page is not blank (rendered to an image with PDFium and looked at by counting ink)."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

import ccsim as api
from ccsim.output.pdf import BrowserMissing, pdf_pages, write_pdf
from ccsim.output.run_folder import write_results

chromium = pytest.mark.skipif(
    shutil.which("chromium") is None, reason="needs the system Chromium (apt-get install chromium)"
)
A4_POINTS = (595, 842)


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    result = api.run_experiment(api.load_scenario("two-pools"), replications=2, seed=3, jobs=1)
    return write_results(result, tmp_path_factory.mktemp("pdf") / "run")


@chromium
def test_run_report_prints_on_one_a4_page_that_is_not_blank(run, cli, tmp_path):
    pdfium = pytest.importorskip("pypdfium2")
    out = tmp_path / "day.pdf"
    result = cli("export", run, "--pdf", "--out", out)
    assert result.exit_code == 0, result.output
    assert "(1 page)" in result.output
    document = pdfium.PdfDocument(str(out))
    assert len(document) == 1 == pdf_pages(out)
    page = document[0]
    assert tuple(round(v) for v in page.get_size()) == A4_POINTS
    pixels = np.asarray(page.render(scale=1).to_pil().convert("L"))
    ink = pixels < 200
    assert ink.mean() > 0.02  # text, table and chart: not a white page
    rows = np.flatnonzero(ink.any(axis=1))
    # The chart lies below the table: ink reaches well down the page, not only the title.
    assert rows.max() > 0.5 * pixels.shape[0]
    text = page.get_textpage().get_text_range()
    assert "Headline results" in text and "Service level" in text
    assert "Pools" not in text.splitlines()  # the other sections stay on screen


@chromium
def test_full_report_sections_still_print_for_a_comparison(tmp_path, cli):
    """Only the run report is cut to one page; other reports print all their sections."""
    folder = tmp_path / "cmp"
    assert (
        cli(
            "compare",
            "erlang-c",
            "--set",
            "pools.agents.staffing=+1",
            "--reps",
            2,
            "--jobs",
            1,
            "--out",
            folder,
        ).exit_code
        == 0
    )
    path = write_pdf(folder)
    assert path == folder / "report.pdf"
    assert pdf_pages(path) > 1


def test_missing_browser_or_report_exit_2(run, tmp_path, cli, monkeypatch):
    monkeypatch.setattr("ccsim.output.pdf.find_browser", lambda: None)
    result = cli("export", run, "--pdf")
    assert result.exit_code == 2
    assert "apt-get install" in result.output and "chromium" in result.output
    with pytest.raises(BrowserMissing):
        write_pdf(run)
    empty = tmp_path / "empty"
    empty.mkdir()
    result = cli("export", empty, "--pdf")
    assert result.exit_code == 2 and "no report.html" in result.output
