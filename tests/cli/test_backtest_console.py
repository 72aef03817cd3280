"""The backtest's console text formats values as every other ccsim table (issue 19 item 4):
``86.1 %``, ``12.3 s``, ``1.3 points`` from ``ccsim.output.format``."""

from __future__ import annotations

import re

from paths import DATA

SAMPLE = DATA / "sample-contact-log.csv"
MAPPING = DATA / "sample-log-mapping.yaml"


def test_backtest_prints_percentages_with_a_space_as_the_rest_of_ccsim(cli, tmp_path):
    result = cli(
        "backtest",
        SAMPLE,
        DATA / "sample-centre.yaml",
        "--mapping",
        MAPPING,
        "--out",
        tmp_path / "bt",
    )
    assert result.exit_code == 0, result.output
    text = result.output
    # No compact "86.1%" anywhere the backtest itself prints (breakdowns, replay, errors).
    backtest_text = text[text.index("Backtest of") :]
    assert not re.search(r"\d%", backtest_text), re.findall(r".{30}\d%.{10}", backtest_text)
    assert re.search(r"\d+\.\d{2} % same outcome; waits within 1 s for \d+\.\d{2} %", text)
    # The hour and weekday breakdowns: abandonment "5.3 % / 5.3 %", ASA "6.4 s / 6.4 s".
    assert re.search(r"\n +8 +\d+ +\d+\.\d % / \d+\.\d % +\d+\.\d s / \d+\.\d s", text)
    assert re.search(r"\n +Mon +[\d,]+ +\d+\.\d % / \d+\.\d %", text)
    assert re.search(
        r"abandonment off by \d+\.\d points on average \(\d+\.\d points weighted by calls\), "
        r"ASA by \d+\.\d s \(\d+\.\d s weighted\)",
        text,
    )
