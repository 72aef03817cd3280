"""ccsim train in a real browser: Playwright drives the system's Chromium.

The test starts ``ccsim train`` on a bundled exercise, clicks a lever, checks the page shows
the change, runs the day at top speed, and checks the scorecard equals the headless replay
of the decisions the page made. Chromium comes from the system (``/usr/bin/chromium``,
installed by ``.ci/run``); Playwright's own browser download is not used.
"""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "ccsim",
            "train",
            "1-steady-erlang-c",
            "--no-browser",
            "--no-debrief",
            "--port",
            str(port),
            "--results-dir",
            str(tmp_path / "results"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(url + "api/exercise", timeout=2).read()
            break
        except OSError:
            if process.poll() is not None:
                pytest.fail(process.stdout.read().decode())
            time.sleep(0.3)
    yield url, tmp_path / "results"
    process.terminate()
    process.wait(timeout=20)


@pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium")
def test_a_trainee_pulls_a_lever_and_the_scorecard_equals_the_replay(server, tmp_path):
    playwright = pytest.importorskip("playwright.sync_api")
    from matplotlib.image import imread

    from ccsim.training.exercise import load_exercise
    from ccsim.training.session import read_decisions, replay

    url, results = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1300, "height": 1000})
        page.goto(url)
        lever = page.locator(".lever[data-lever='agents:agents']")
        lever.locator("input").fill("2")
        lever.locator("button.plus").click()
        page.wait_for_function("document.querySelector('#message').textContent.includes('+2')")
        assert page.locator(".extra[data-pool='agents']").inner_text() == "+2"
        assert "agents:agents" in page.locator("#decisions").inner_text()
        lever.locator("input").fill("9")  # beyond max_step: refused with a message
        lever.locator("button.plus").click()
        page.wait_for_function(
            "document.querySelector('#message').textContent.includes('at a time')"
        )
        page.locator("header button[data-speed='600']").click()
        page.wait_for_function(
            "document.querySelector('#bigscore').dataset.score !== undefined", timeout=240_000
        )
        shown = float(page.locator("#bigscore").get_attribute("data-score"))
        shot = tmp_path / "page.png"
        page.screenshot(path=str(shot), full_page=True)
        browser.close()
    pixels = imread(shot)
    assert pixels.std() > 0.02  # not a blank page
    (folder,) = results.glob("train-1-steady-erlang-c-*")
    decisions = read_decisions(folder / "decisions.csv")
    assert [(d.lever, d.value) for d in decisions] == [("agents:agents", 2)]
    exercise, scenario = load_exercise("1-steady-erlang-c")
    assert replay(exercise, scenario, decisions).finish().score["score"] == shown
