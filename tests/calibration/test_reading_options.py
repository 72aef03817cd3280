"""Reading options on the command line (--placeholder, --clock-tolerance, --day-start) and the
hold-out from two logs (--holdout-log): the same as the mapping file's keys, errors in one
paragraph naming the option."""

import pytest
from cli_checks import assert_user_error
from click.testing import CliRunner
from paths import DATA

from ccsim.calibration.contact_log import LogError, LogFormat, read_contact_log
from ccsim.cli.commands import main as cli

LOG = DATA / "realistic-log.txt"
MAPPING = DATA / "realistic-log-mapping.yaml"
COLUMNS = (
    "arrival=q_start,vru_exit",
    "answered=ser_start",
    "ended=ser_exit,q_exit",
    "outcome=outcome",
    "contact_type=priority",
    "agent=server",
    "id=call_id",
)
OUTCOMES = ("answered=AGENT", "abandoned=HANG", "phantom=PHANTOM")


def test_options_replace_or_add_to_the_mapping_file():
    fmt = LogFormat.from_options(
        MAPPING, placeholders=("--",), clock_tolerance="2.5", day_start="05:00"
    )
    assert fmt.placeholders == ("0:00:00", "--")
    assert fmt.clock_tolerance == 2.5 and fmt.day_start == 5 * 3600.0
    assert LogFormat.from_options(MAPPING, clock_tolerance="4s").clock_tolerance == 4.0


@pytest.mark.parametrize(
    ("options", "words"),
    [
        ({"clock_tolerance": "abc"}, ("--clock-tolerance", "seconds")),
        ({"clock_tolerance": "-1"}, ("--clock-tolerance", ">= 0")),
        ({"clock_tolerance": "inf"}, ("--clock-tolerance", "finite")),
        ({"day_start": "25:00"}, ("--day-start", "not a time of day")),
        ({"placeholders": (" ",)}, ("--placeholder", "no values")),
    ],
)
def test_bad_option_values_name_the_option(options, words):
    with pytest.raises(LogError) as caught:
        LogFormat.from_options(MAPPING, **options)
    for word in words:
        assert word in str(caught.value)


def test_command_line_reads_the_realistic_log_as_the_mapping_file_does():
    maps = LogFormat.from_options(
        maps=COLUMNS, outcome_maps=OUTCOMES, date_column="date", placeholders=("0:00:00",)
    )
    by_options = read_contact_log(LOG, maps)
    by_file = read_contact_log(LOG, LogFormat.from_options(MAPPING))
    assert len(by_options.contacts) == len(by_file.contacts)
    assert by_options.excluded == by_file.excluded


def test_cli_errors_are_one_paragraph(tmp_path):
    runner = CliRunner()
    base = ["--mapping", str(MAPPING)]
    result = runner.invoke(
        cli, ["fit", str(LOG), *base, "--out", str(tmp_path / "x.yaml"), "--day-start", "9am"]
    )
    assert_user_error(result, "--day-start")
    assert not (tmp_path / "x.yaml").exists()
    result = runner.invoke(
        cli,
        ["backtest", str(LOG), *base, "--fit-until", "2026-10-25", "--holdout-log", str(LOG)],
    )
    assert_user_error(result, "--fit-until", "--holdout-log")
    result = runner.invoke(cli, ["backtest", str(LOG), *base, "--holdout-log", str(LOG)])
    assert_user_error(result, "--holdout-log", "must come after")


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ('"%Y-%m-%d %Q"', ("bad directive",)),
        ('"%Y-%m-%d %H:%M:%"', ("stray %",)),
        ('"date and time"', ("no % directive",)),
        ('["%Y", "%m"]', ("expected a format as text",)),
        ("12", ("expected a format as text",)),
    ],
)
@pytest.mark.parametrize("command", ["fit", "backtest"])
def test_a_mapping_files_datetime_format_is_checked_before_reading(tmp_path, command, value, words):
    """A bad ``datetime_format`` in the mapping file is refused up front, like the
    ``--datetime-format`` option: one paragraph naming the file and key, what was wrong and
    what is allowed (exit 2, nothing written), not a traceback from the date parser."""
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING.read_text() + f"\ndatetime_format: {value}\n")
    out = tmp_path / "fitted.yaml"
    args = ["--out", str(out)] if command == "fit" else ["--fit-until", "2026-10-25"]
    result = CliRunner().invoke(
        cli, [command, str(LOG), "--mapping", str(mapping), *args, "--quiet"]
    )
    assert_user_error(result, str(mapping), "datetime_format", *words, "strftime")
    assert not out.exists()


def test_a_good_mapping_file_datetime_format_is_kept_and_the_option_replaces_it(tmp_path):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(MAPPING.read_text() + '\ndatetime_format: "%Y-%m-%d %H:%M:%S"\n')
    assert LogFormat.from_options(mapping).datetime_format == "%Y-%m-%d %H:%M:%S"
    replaced = LogFormat.from_options(mapping, datetime_format="%d/%m/%Y %H:%M:%S")
    assert replaced.datetime_format == "%d/%m/%Y %H:%M:%S"
