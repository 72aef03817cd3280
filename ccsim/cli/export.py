"""``ccsim export``: a results folder as a spreadsheet workbook or a one-page PDF."""

from __future__ import annotations

from pathlib import Path

import click

from ccsim.cli.support import fail, user_errors


@click.command()
@click.argument("folder", metavar="RESULTS_DIR", type=click.Path(path_type=Path))
@click.option(
    "--xlsx", is_flag=True, help="Write an Excel workbook (default RESULTS_DIR/report.xlsx)."
)
@click.option(
    "--pdf", is_flag=True, help="Print report.html to a PDF (default RESULTS_DIR/report.pdf)."
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The file to write (with one of --xlsx or --pdf); replaced if it exists.",
)
def export(folder, xlsx, pdf, out):
    """Export a results folder for people who work in spreadsheets or on paper.

    --xlsx writes one workbook: the summary, the intervals and, when the folder has them, the
    staffing, roster, total-cost and comparison sheets, formatted (percentages as %, times as
    m:ss, counts as whole numbers, units in the headers, the header row frozen). --pdf prints
    the HTML report with the system's headless Chromium: a run report fits one A4 page (the
    headline figures and table and the service-level chart).

    \b
    Examples:
      ccsim export results/default-day-20260101-120000 --xlsx
      ccsim export results/default-day-20260101-120000 --pdf --out day.pdf
    """
    from ccsim.output.pdf import pdf_pages, write_pdf
    from ccsim.output.workbook import write_workbook

    if not (xlsx or pdf):
        fail("export: say what to write: --xlsx (a workbook), --pdf (the report), or both")
    if xlsx and pdf and out is not None:
        fail("export: --out names one file; give it with --xlsx or --pdf alone, not both")
    for suffix, wanted in ((".xlsx", xlsx), (".pdf", pdf)):
        if wanted and out is not None and out.suffix.lower() != suffix:
            fail(f"export: --out {out} should end in {suffix} for --{suffix[1:]}")
    with user_errors():
        if not Path(folder).is_dir():
            fail(f"export: {folder}: no such results folder")
        if xlsx:
            click.echo(f"Workbook written to {write_workbook(folder, out)}")
        if pdf:
            path = write_pdf(folder, out)
            pages = pdf_pages(path)
            click.echo(f"PDF written to {path} ({pages} page{'s' if pages != 1 else ''})")
