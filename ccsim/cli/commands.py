"""The ``ccsim`` command: parse options, call the library, print. Nothing else.

User mistakes (a bad scenario file, an impossible option) print one clear paragraph and exit
with status 2; they never show a traceback.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path

import click

from ccsim import __version__
from ccsim.cli.support import (
    AGENTS,
    DURATION,
    EXIT_USER_ERROR,
    JOBS_OPTION,
    RESULTS_DIR_OPTION,
    SCHEDULER_OPTION,
    XLSX_OPTION,
    ShareType,
    fail,
    json_option,
    load_with_overrides,
    out_option,
    progress_bar,
    quiet_option,
    reps_option,
    seed_option,
    set_option,
    user_errors,
    write_folder_workbook,
)

DEFAULT_SCENARIO = "default-day"
"""The bundled default: a voice queue over an opening day with two peaks."""


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", "-V", prog_name="ccsim")
def main() -> None:
    """ccsim — simulate a contact centre before you change its staffing.

    \b
    Quick start:
      ccsim run                                   # the bundled default day
      ccsim run erlang-a --reps 30 --seed 7       # another bundled scenario
      ccsim scenarios                             # list the bundled scenarios
      ccsim validate my-centre.yaml
      ccsim erlang --calls 100 --interval 30min --aht 180 --agents 14 --threshold 20
    """


@main.command()
@click.argument("scenario", required=False, type=click.Path(dir_okay=True, path_type=Path))
@reps_option()
@seed_option()
@JOBS_OPTION
@SCHEDULER_OPTION
@out_option(
    "Write results here (must not exist, or be empty). Default: results/<scenario>-<time>/."
)
@RESULTS_DIR_OPTION
@set_option()
@click.option("--no-records", is_flag=True, help="Do not keep or write per-contact records.")
@XLSX_OPTION
@json_option("Print summary.json instead of tables.")
@quiet_option()
def run(
    scenario,
    reps,
    seed,
    jobs,
    scheduler,
    out,
    results_dir,
    overrides,
    no_records,
    xlsx,
    as_json,
    quiet,
):
    """Simulate SCENARIO (default: the bundled default day) and write a results folder.

    SCENARIO is a YAML file or the name of a bundled scenario (`ccsim scenarios` lists them).

    \b
    Example:
      ccsim run default-day --reps 30 --seed 7 --jobs 2
      ccsim run two-pools --set pools.sales_team.staffing=+2
      ccsim run two-pools --xlsx                  # also the Excel workbook, report.xlsx
    """
    # Only what simulating needs is imported before it: the writers (pandas among them) come
    # after, so that a long run's records are gone before they arrive (a smaller peak).
    from ccsim.experiment.replications import run_experiment
    from ccsim.output.destination import check_destination, check_results_dir, new_run_folder

    with user_errors():
        loaded = load_with_overrides(scenario or DEFAULT_SCENARIO, overrides)
        if out is not None:
            check_destination(out)  # before spending minutes simulating
        else:
            check_results_dir(results_dir)
        count = reps or loaded.experiment.replications
        show_progress = not quiet and not as_json and sys.stderr.isatty()
        with progress_bar(count, show_progress) as advance:
            result = run_experiment(
                loaded,
                replications=reps,
                seed=seed,
                jobs=jobs,
                scheduler=scheduler,
                keep_records=not no_records,
                progress=advance,
            )
        from ccsim.output.run_folder import summary_with_context, write_results

        folder = write_results(result, out or new_run_folder(results_dir, loaded.name))
        if xlsx:
            write_folder_workbook(folder, as_json)
    summary = summary_with_context(result)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
        click.echo(f"Results written to {folder}", err=True)  # stdout stays pure JSON
        return
    if not quiet:
        from rich.console import Console

        from ccsim.analytic.figures import erlang_figures
        from ccsim.output.console import print_run_summary, print_warnings

        console = Console() if sys.stdout.isatty() else Console(width=200)
        print_run_summary(
            console, summary, erlang_figures(result.scenario), result.scenario.has_journeys
        )
        print_warnings(console, summary["warnings"])
    click.echo(f"Results written to {folder}")


@main.command()
@click.argument("results_dir", metavar="RESULTS_DIR", type=click.Path(path_type=Path))
def report(results_dir):
    """Write (again) the HTML report of a results folder: RESULTS_DIR/report.html.

    One self-contained page to send on: the scenario in plain words, headline measures with
    confidence intervals against the targets, charts over the day, waiting times, pools and
    channels. `ccsim run` writes it too; this remakes it (say, after upgrading ccsim).

    \b
    Example:
      ccsim report results/default-day-20260101-120000
    """
    from ccsim.output.compare_folder import render_comparison_report
    from ccsim.output.html.run import render_report
    from ccsim.output.staffing_folder import render_staffing_report

    with user_errors():
        if (Path(results_dir) / "comparison.json").exists():
            path = render_comparison_report(results_dir)
        elif (Path(results_dir) / "staffing.json").exists():
            path = render_staffing_report(results_dir)
        else:
            path = render_report(results_dir)
    click.echo(f"Report written to {path}")


@main.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
def validate(scenarios):
    """Check scenario files without running them (exit status 2 if any is invalid).

    \b
    Example:
      ccsim validate my-centre.yaml two-pools
    """
    from ccsim.errors import ScenarioError
    from ccsim.scenario import load_scenario

    failed = False
    for path in scenarios:
        try:
            s = load_scenario(path)
        except ScenarioError as exc:
            click.echo(f"ccsim: invalid scenario {exc}", err=True)
            failed = True
            continue
        click.echo(
            f"{path}: OK — {len(s.contact_types)} contact type(s), {len(s.pools)} pool(s), "
            f"{s.horizon.days} day(s) of {s.horizon.intervals_per_day} intervals"
        )
    if failed:
        sys.exit(EXIT_USER_ERROR)


@main.command()
@click.option(
    "--copy",
    "folder",
    type=click.Path(file_okay=False, path_type=Path),
    help="Copy every bundled scenario into this folder, to edit.",
)
@click.option("--force", is_flag=True, help="With --copy: overwrite files of the same name.")
def scenarios(folder, force):
    """List the bundled scenarios (or copy them out with --copy DIR).

    Any command takes a bundled scenario by name (`ccsim run two-pools`) as well as a file.

    \b
    Example:
      ccsim scenarios
      ccsim scenarios --copy my-scenarios && ccsim run my-scenarios/default-day.yaml
    """
    from ccsim.scenario.bundled import bundled_description, bundled_names, copy_bundled

    if folder is None:
        names = bundled_names()
        width = max(len(name) for name in names)
        for name in names:
            click.echo(f"{name:<{width}}  {bundled_description(name)}")
        return
    try:
        written = copy_bundled(folder, force=force)
    except FileExistsError as exc:
        fail(str(exc))
    click.echo(f"{len(written)} scenarios copied to {folder}")


@main.command()
def schema():
    """Print the JSON Schema of scenario files (for editor checking and completion).

    \b
    Example:
      ccsim schema > ccsim-scenario.schema.json
    """
    from ccsim.scenario.editor_schema import scenario_json_schema

    with user_errors():  # a full disk or /dev/full: one line, exit 2
        click.echo(json.dumps(scenario_json_schema(), indent=2))


@main.command()
@click.option(
    "--calls", type=click.FloatRange(min=0), required=True, help="Contacts offered per interval."
)
@click.option(
    "--interval",
    type=DURATION,
    default="30min",
    show_default=True,
    help="Interval length the calls arrive in.",
)
@click.option("--aht", type=DURATION, required=True, help="Average handle time (seconds or 3min).")
@click.option(
    "--threshold",
    type=DURATION,
    default="20s",
    show_default=True,
    help="Service-level threshold T.",
)
@click.option("--agents", type=AGENTS, help="Agents on the phones.")
@click.option(
    "--target",
    type=click.FloatRange(0, 1, min_open=True, max_open=True),
    help="Service-level target: find the fewest agents meeting it.",
)
@click.option("--patience", type=DURATION, help="Mean patience: Erlang A instead of Erlang C.")
@click.option(
    "--lines",
    type=AGENTS,
    help="Trunk lines = agents + waiting places (= agents: Erlang B).",
)
@click.option(
    "--shrinkage",
    type=ShareType(0, 1, max_open=True),
    default=0.0,
    help="Share of paid time off the phones: grosses up the agents to schedule.",
)
@json_option("Print the result as JSON.")
def erlang(calls, interval, aht, threshold, agents, target, patience, lines, shrinkage, as_json):
    """The analytic Erlang C / A / B calculator planners know.

    \b
    Examples:
      ccsim erlang --calls 100 --interval 30min --aht 180 --agents 14 --threshold 20
      ccsim erlang --calls 100 --aht 180 --target 0.8 --patience 120 --shrinkage 0.3 --json
    """
    from rich.console import Console

    from ccsim.analytic import erlang as analytic
    from ccsim.output.console import print_erlang

    if (agents is None) == (target is None):
        fail(
            "give exactly one of --agents K (measures for K agents) or --target 0.8 "
            "(the fewest agents meeting that service level)"
        )
    if not math.isfinite(calls):  # FloatRange lets nan and inf through
        fail(f"--calls must be a finite number of contacts per interval, got {calls}")
    if interval <= 0 or aht <= 0:
        fail("--interval and --aht must be longer than 0 seconds")
    if patience is not None and patience <= 0:
        fail("--patience must be longer than 0 seconds (leave it out for Erlang C)")
    if lines is not None and agents is not None and lines < agents:
        fail(
            f"--lines {lines} is fewer than --agents {agents}; lines count agents plus "
            "waiting places, so give at least as many lines as agents"
        )
    queue = {
        "arrival_rate": calls / interval,
        "aht": aht,
        "threshold": threshold,
        "patience": patience,
        "lines": lines,
    }
    try:
        if agents is not None:
            measures = analytic.analyse(agents=agents, **queue)
        else:
            measures = analytic.fewest_agents(target=target, **queue)
    except analytic.NoSteadyStateError as exc:
        fail(
            f"Erlang C has no steady state: {exc}. On the command line: more --agents, "
            "--patience SECONDS (Erlang A) or --lines N."
        )
    except ValueError as exc:
        fail(f"{exc}")
    result = measures.as_dict()
    if shrinkage:
        result["scheduled_agents"] = analytic.gross_up(result["agents"], shrinkage)
    model = "Erlang A" if patience is not None else "Erlang C"
    if lines is not None:
        model = (
            "Erlang B"
            if lines == result["agents"] and patience is None
            else (f"{model} with {lines} lines")
        )
    if as_json:
        click.echo(json.dumps(result, indent=2))
    else:
        print_erlang(
            Console(),
            result,
            f"{model}: {calls:g} calls per "
            f"{interval / 60:g} min, AHT {aht:g}s, threshold {threshold:g}s",
        )


def _register_experiment_commands() -> None:
    # Comparisons and sweeps live in their own module (this one would grow past a screenful
    # of options otherwise); they share the helpers of ccsim.cli.support.
    from ccsim.cli.experiments import compare, sweep
    from ccsim.cli.staff import staff

    main.add_command(compare)
    main.add_command(sweep)
    main.add_command(staff)


def _register_calibration_commands() -> None:
    # Calibrating from a contact log and backtesting against it (ccsim.cli.calibration).
    from ccsim.cli.calibration import backtest, fit

    main.add_command(fit)
    main.add_command(backtest)


_register_experiment_commands()
_register_calibration_commands()
from ccsim.cli.train import train  # noqa: E402  (ccsim train, issue 16)

main.add_command(train)
from ccsim.cli.intraday import intraday, state  # noqa: E402  (issue 18)

main.add_command(intraday)
main.add_command(state)
from ccsim.cli.export import export  # noqa: E402  (ccsim export, issue 19)

main.add_command(export)
