"""The HTML report: contents match summary.json, one self-contained file, shows in Chromium."""

from __future__ import annotations

import base64
import json
import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import numpy as np
import pytest
import yaml
from cli_checks import assert_user_error
from click.testing import CliRunner
from paths import SCENARIOS

import ccsim as api
from ccsim.cli.commands import main
from ccsim.output.format import duration as fmt_duration
from ccsim.output.format import percent as fmt_pct
from ccsim.output.html.page import Section, figure_html, render_page, table_html
from ccsim.output.html.run import render_report
from ccsim.output.run_folder import write_results


def run_folder(tmp_path_factory, scenario: str, name: str, **options) -> Path:
    result = api.run_experiment(api.load_scenario(SCENARIOS / scenario), jobs=1, **options)
    return write_results(result, tmp_path_factory.mktemp(name) / "run")


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> Path:
    return run_folder(tmp_path_factory, "default-day.yaml", "default", replications=3, seed=4)


@pytest.fixture(scope="module")
def single_run(tmp_path_factory) -> Path:
    """One replication, no per-contact records: no CIs, no waiting-time distribution."""
    return run_folder(
        tmp_path_factory, "erlang-c.yaml", "single", replications=1, keep_records=False
    )


class Page(HTMLParser):
    """The parts of a page the tests look at: headings, tables (cell text), images, links."""

    def __init__(self, text: str):
        super().__init__()
        self.headings: list[str] = []
        self.tables: list[list[list[str]]] = []
        self.images: list[dict] = []
        self.charts: list[dict] = []  # inline <svg> charts: their attributes and "texts"
        self.references: list[str] = []
        self._heading: list[str] | None = None
        self._cell: list[str] | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h2":
            self._heading = []
        elif tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "img":
            self.images.append(attrs)
        elif tag == "svg":
            self.charts.append({**attrs, "texts": []})
        elif tag == "text" and self.charts:
            self._cell = []
        for key in ("src", "href"):
            if key in attrs:
                self.references.append(attrs[key])

    def handle_endtag(self, tag):
        if tag == "h2" and self._heading is not None:
            self.headings.append("".join(self._heading).strip())
            self._heading = None
        elif tag == "text" and self._cell is not None and self.charts:
            self.charts[-1]["texts"].append("".join(self._cell))
            self._cell = None
        elif tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        for part in (self._heading, self._cell):
            if part is not None:
                part.append(data)

    def table(self, first_header: str, column: str = "") -> dict[str, list[str]]:
        """The table whose first column is headed ``first_header`` (and that has ``column``):
        its rows by their first cell."""
        for table in self.tables:
            if table and table[0] and table[0][0] == first_header and column in table[0] + [""]:
                return {row[0]: row for row in table}
        raise AssertionError(f"no table headed {first_header!r}")


def read_page(folder: Path) -> tuple[str, Page]:
    text = (folder / "report.html").read_text(encoding="utf-8")
    return text, Page(text)


def test_run_writes_a_report_that_matches_summary_json(default_run):
    text, page = read_page(default_run)
    summary = json.loads((default_run / "summary.json").read_text())
    assert page.headings[0] == "Contents"
    for title in (
        "Scenario",
        "Headline results",
        "Over the day",
        "Waiting times",
        "Pools",
        "Channels",
        "Erlang comparison",
    ):
        assert title in page.headings, page.headings
    assert "could not be produced" not in text
    assert "<title>ccsim report: default-day</title>" in text

    voice = summary["by_type"]["voice"]
    headline = page.table("contact type", "service level")
    columns = headline["contact type"]
    row = headline["voice"]

    def cell(name):
        return row[columns.index(name)]

    sl = voice["service_level"]
    assert cell("service level") == (
        f"{fmt_pct(sl['mean'])} ({fmt_pct(sl['low'])[:-2]}–{fmt_pct(sl['high'])})"
    )
    target = summary["targets"]["voice"]
    assert cell("target") == "80.0 % within 20 s"
    met = sl["mean"] >= target["service_level_target"]
    assert cell("against target").startswith("✓ met" if met else "✗ missed")
    assert cell("ASA").startswith(fmt_duration(voice["asa"]["mean"], "s"))
    assert cell("abandoned").startswith(fmt_pct(voice["abandon_rate"]["mean"]))
    assert float(cell("offered").split()[0].replace(",", "")) == pytest.approx(
        voice["offered"]["mean"], abs=0.5
    )
    pools = page.table("pool", "occupancy")
    occupancy = summary["by_pool"]["agents"]["occupancy"]["mean"]
    assert pools["agents"][pools["pool"].index("occupancy")].startswith(fmt_pct(occupancy))
    # The scenario in plain words.
    assert "Horizon: 1 day, open 08:00–20:00, in 30 min intervals (24 a day)." in text
    words = page.table("contact type", "channel")
    assert words["voice"][:2] == ["voice", "voice"] and words["voice"][5] == "80 % within 20 s"


def test_the_report_is_one_self_contained_file(default_run):
    text, page = read_page(default_run)
    # six charts over the day and the waiting times, drawn as inline SVG
    assert len(page.charts) >= 7
    for chart in page.charts:
        assert chart["role"] == "img" and chart["aria-label"] and chart["viewbox"]
        assert len(chart["texts"]) > 10  # ticks, axis labels, legend: text, not pixels
    for image in page.images:
        assert image["src"].startswith("data:image/png;base64,")
        png = base64.b64decode(image["src"].split(",", 1)[1], validate=True)
        assert png.startswith(b"\x89PNG\r\n\x1a\n") and image["alt"]
    assert all(ref.startswith(("data:", "#")) for ref in page.references), page.references
    assert "http://" not in text and "https://" not in text
    assert "<script" not in text.lower() and "@import" not in text
    # Written atomically: nothing but the report is left behind.
    assert not [p for p in default_run.iterdir() if p.name.startswith(".")]


def test_one_replication_without_records(single_run):
    text, page = read_page(single_run)
    assert "could not be produced" not in text
    assert "one replication: no CI" in text
    assert "not available" in text and "--no-records" in text
    assert "Customer journeys" not in page.headings  # nothing to show: left out
    row = page.table("contact type", "service level")["voice"]
    assert "(" not in row[2]  # a service level without a confidence interval


def test_text_is_escaped_and_missing_numbers_show_as_dashes(default_run, tmp_path):
    folder = tmp_path / "copy"
    shutil.copytree(default_run, folder)
    summary = json.loads((folder / "summary.json").read_text())
    summary["scenario"] = "<script>alert('x')</script> & co"
    summary["by_type"]["voice"]["asa"] = {"mean": None, "low": None, "high": None}
    (folder / "summary.json").write_text(json.dumps(summary))
    scenario = yaml.safe_load((folder / "scenario.yaml").read_text())
    scenario["description"] = "<b>bold</b> & <i>"
    (folder / "scenario.yaml").write_text(yaml.safe_dump(scenario))
    render_report(folder)
    text, page = read_page(folder)
    assert "<script>" not in text and "<b>bold</b>" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co" in text
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;i&gt;" in text
    headline = page.table("contact type", "service level")
    assert headline["voice"][headline["contact type"].index("ASA")] == "–"


@pytest.mark.parametrize(
    ("scenario", "expected"),
    [
        ("email-backlog-week.yaml", ["Over the horizon"]),
        ("multi-skill.yaml", ["Over the day"]),
        ("redials-callbacks.yaml", ["Customer journeys"]),
        ("outbound-campaign.yaml", ["Outbound campaigns"]),
        ("channel-shift.yaml", ["Channels"]),
    ],
)
def test_every_kind_of_run_gets_its_sections(tmp_path_factory, scenario, expected):
    folder = run_folder(tmp_path_factory, scenario, scenario.split(".")[0], replications=2)
    text, page = read_page(folder)
    assert "could not be produced" not in text
    for title in expected:
        assert title in page.headings
    summary = json.loads((folder / "summary.json").read_text())
    headline = page.table("contact type", "service level")
    for name in summary["by_type"]:
        assert name in headline
    for name in summary["by_pool"]:
        assert name in page.table("pool", "occupancy")


def test_the_page_kit_composes_sections_for_other_reports():
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    fig.subplots().plot([0, 1], [1, 0])
    page = render_page(
        "Compare <A> & B",
        [
            Section("Differences", table_html([["SL <x>", 0.5, None, float("nan")]], list("abcd"))),
            Section("Differences", figure_html(fig, "a chart")),
        ],
        subtitle="two scenarios",
    )
    parsed = Page(page)
    assert "<title>Compare &lt;A&gt; &amp; B</title>" in page
    assert parsed.tables[0][1] == ["SL <x>", "0.50", "–", "–"]
    assert 'id="differences"' in page and 'id="differences-2"' in page  # unique anchors
    assert parsed.images[0]["src"].startswith("data:image/png;base64,")


# --- headless Chromium: the page shows, every image decodes, nothing errs -----------------

CHECK_IMAGES = """
<script>
window.addEventListener("load", function () {
  var images = Array.from(document.images);
  var ok = images.filter(function (i) { return i.complete && i.naturalWidth > 0; });
  document.body.setAttribute("data-images", ok.length + "/" + images.length);
});
</script>
"""
"""Added to a test copy of the page only (the report itself has no JavaScript)."""


@pytest.fixture(scope="module")
def chromium() -> str:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found is None and Path("/usr/bin/chromium").exists():
        found = "/usr/bin/chromium"
    if found is None:
        reason = "Debian's chromium is not installed (.ci/run installs it)"
        if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
            pytest.fail(f"{reason}; CI must run the browser test")
        pytest.skip(reason)
    return found


def browse(chromium: str, tmp_path: Path, page: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            "--enable-logging=stderr",
            "--v=0",
            f"--user-data-dir={tmp_path / 'profile'}",
            *args,
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "HOME": str(tmp_path)},
    )


def console_errors(stderr: str) -> list[str]:
    return [
        line
        for line in stderr.splitlines()
        if "Uncaught" in line or ("CONSOLE" in line and "ERROR" in line)
    ]


def test_the_report_shows_in_headless_chromium(chromium, default_run, tmp_path):
    report = default_run / "report.html"
    checked = tmp_path / "checked.html"
    checked.write_text(
        report.read_text(encoding="utf-8").replace("</body>", CHECK_IMAGES + "</body>"),
        encoding="utf-8",
    )
    dom = browse(chromium, tmp_path, checked, "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert "<title>ccsim report: default-day</title>" in dom.stdout
    images = len(Page(report.read_text(encoding="utf-8")).images)
    assert f'data-images="{images}/{images}"' in dom.stdout  # every image decoded
    assert not console_errors(dom.stderr)

    shot = tmp_path / "shot.png"
    taken = browse(chromium, tmp_path, report, f"--screenshot={shot}", "--window-size=1280,4000")
    assert taken.returncode == 0 and shot.exists(), taken.stderr[-2000:]
    assert not console_errors(taken.stderr)
    from matplotlib.image import imread

    pixels = imread(shot)[..., :3]
    assert pixels.shape[:2] == (4000, 1280)
    colours = np.unique((pixels.reshape(-1, 3) * 255).astype(np.uint8), axis=0)
    assert len(colours) > 50  # text, tables and charts, not a blank page


# --- ccsim report ------------------------------------------------------------------------


def test_ccsim_report_remakes_the_report(single_run):
    (single_run / "report.html").unlink()
    result = CliRunner().invoke(main, ["report", str(single_run)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"Report written to {single_run / 'report.html'}"
    assert (single_run / "report.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_ccsim_report_help_has_an_example():
    result = CliRunner().invoke(main, ["report", "--help"])
    assert result.exit_code == 0 and "Example:" in result.output
    assert re.search(r"ccsim report results/\S+", result.output)


def test_ccsim_report_errors_exit_2(tmp_path):
    cli = CliRunner()

    def report_error(*words):
        assert_user_error(cli.invoke(main, ["report", str(folder)]), *words, one_line=True)

    folder = tmp_path / "nope"
    report_error("RESULTS_DIR", "no such folder")
    folder = tmp_path
    report_error("not a ccsim results folder", "summary.json")
    (tmp_path / "summary.json").write_text("{broken")
    report_error("summary.json", "cannot be read")
    (tmp_path / "summary.json").write_text("[1, 2]")
    report_error("not a ccsim summary")
    assert not (tmp_path / "report.html").exists()
