"""``ccsim compare`` and ``ccsim sweep``: experiments across scenarios (parse, call, print)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ccsim.cli.support import (
    JOBS_OPTION,
    RESULTS_DIR_OPTION,
    SCHEDULER_OPTION,
    XLSX_OPTION,
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


@click.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
@set_option("With one base file: the variant's changes (=VALUE sets, =+N adds, =*F multiplies).")
@reps_option("Replications (default: the base's).")
@seed_option("Root seed (default: the base's).")
@JOBS_OPTION
@SCHEDULER_OPTION
@out_option("Write the comparison here (must not exist, or be empty).")
@RESULTS_DIR_OPTION
@click.option("--records", is_flag=True, help="Also write each scenario's contacts.parquet.")
@click.option("--all", "every", is_flag=True, help="Print every measure, not only the headline.")
@XLSX_OPTION
@json_option("Print comparison.json instead of tables.")
@quiet_option()
def compare(
    scenarios,
    overrides,
    reps,
    seed,
    jobs,
    scheduler,
    out,
    results_dir,
    records,
    every,
    xlsx,
    as_json,
    quiet,
):
    """Compare SCENARIOS on common random numbers: paired differences with CIs.

    The first scenario is the base; every other is compared with it, replication by
    replication on the same random numbers, so differences are measured far more precisely
    than the measures themselves. Writes differences.csv, interval_differences.csv,
    comparison.json, each scenario's results and report.html.

    \b
    Examples:
      ccsim compare scenarios/default-day.yaml scenarios/chatbot-front-door.yaml
      ccsim compare base.yaml --set pools.tier1.staffing=+2 --set contact_types.voice.aht=*1.1
    """
    from rich.console import Console

    from ccsim.output.compare_folder import write_comparison
    from ccsim.output.console import print_differences, print_warnings
    from ccsim.output.run_folder import check_destination, check_results_dir, new_run_folder
    from ccsim.studies.compare import compare_scenarios, variant_label

    with user_errors():
        if overrides and len(scenarios) != 1:
            fail(
                "--set: give one base scenario file with --set (the variant is the base with "
                f"those changes); got {len(scenarios)} files. To compare files, leave --set out."
            )
        if not overrides and len(scenarios) < 2:
            fail(
                "compare needs two or more scenario files, or one base file with --set "
                "changes (e.g. --set pools.agents.staffing=+2)"
            )
        loaded = [load_with_overrides(path, ()) for path in scenarios]
        labels = [s.name for s in loaded]
        if overrides:
            label = variant_label(overrides)  # staffing+2 aht×1.1
            loaded.append(load_with_overrides(scenarios[0], overrides, name=label))
            labels.append(label)
        if out is not None:
            check_destination(out)  # before spending minutes simulating
        else:
            check_results_dir(results_dir)
        count = reps or loaded[0].experiment.replications
        show = not quiet and not as_json and sys.stderr.isatty()
        with progress_bar(count * len(loaded), show) as advance:
            comparison = compare_scenarios(
                loaded,
                labels=labels,
                replications=reps,
                seed=seed,
                jobs=jobs,
                scheduler=scheduler,
                keep_records=records,
                progress=advance,
            )
        destination = out or new_run_folder(results_dir, f"compare-{loaded[0].name}")
        folder = write_comparison(comparison, destination)
        if xlsx:
            write_folder_workbook(folder, as_json)
    if as_json:
        click.echo(json.dumps(comparison.summary(), indent=2))
        click.echo(f"Comparison written to {folder}", err=True)  # stdout stays pure JSON
        return
    if not quiet:
        console = Console() if sys.stdout.isatty() else Console(width=200)
        print_differences(console, comparison, every)
        for warning in comparison.warnings():
            print_warnings(console, [warning], prefix=f"{warning['scenario']}: ")
    click.echo(f"Comparison written to {folder}")


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option(
    "--grid",
    "grids",
    multiple=True,
    metavar="PATH=VALUES",
    help="A swept setting: PATH=START:STOP:STEP (ends included) or PATH=V1,V2,… (each a "
    "value, +N or *F); several --grid make a grid of every combination.",
)
@click.option(
    "--points",
    type=click.Path(dir_okay=False, path_type=Path),
    help="A YAML list of points instead of a grid: - {pools.agents.staffing: 40, ...}",
)
@click.option(
    "--measure",
    help="Measure to print and plot: service_level, asa, … or voice.service_level. Default: "
    "service_level; on a scenario mixing channels (calls and emails), each contact type's "
    "(one picture per type).",
)
@reps_option("Replications per point.")
@seed_option("Root seed (the same at every point).")
@JOBS_OPTION
@SCHEDULER_OPTION
@out_option(
    "The sweep's folder; run again with the same folder to resume. Default: "
    "results/<scenario>-sweep-<fingerprint>/ (the same sweep resumes there by itself)."
)
@RESULTS_DIR_OPTION
@json_option("Print the table as JSON records.")
@quiet_option("No progress bar, no table.")
def sweep(
    scenario,
    grids,
    points,
    measure,
    reps,
    seed,
    jobs,
    scheduler,
    out,
    results_dir,
    as_json,
    quiet,
):
    """Run SCENARIO at every point of a grid of changes: one row per point, with CIs.

    Every point runs with the same seed and replications (common random numbers), so the
    curve is smooth and each point equals `ccsim run SCENARIO --set …` alone. Finished points
    are saved at once: after an interruption, the same command resumes where it stopped.
    Writes sweep.csv, sweep.parquet (every measure with its CI), one picture per measure
    (sweep-<measure>.png) and summary.json (points run now and reused).

    \b
    Examples:
      ccsim sweep erlang-a --grid pools.agents.staffing=10:16
      ccsim sweep erlang-a --grid pools.agents.staffing=10:16 \\
          --grid contact_types.voice.patience.mean=60,180 --measure voice.abandon_rate
    """
    from rich.console import Console

    from ccsim.experiment.executors import ExecutorError, make_executor
    from ccsim.output.console import print_sweep, print_warnings
    from ccsim.output.run_folder import check_writable, safe_name
    from ccsim.output.sweep_folder import sweep_measures, write_sweep_folder
    from ccsim.studies.sweep import (
        check_measure,
        grid_points,
        list_points,
        measure_column,
        parse_axis,
        resume_sweep,
        sweep_id,
    )

    with user_errors():
        if bool(grids) == bool(points):
            fail("sweep: give --grid PATH=VALUES (one or more) or --points FILE, not both")
        base = load_with_overrides(scenario, ())
        measures = sweep_measures(base, measure)
        for chosen_measure in measures:
            check_measure(base, chosen_measure)  # before the sweep runs, not after
        if grids:
            axes = [parse_axis(text) for text in grids]
            chosen = grid_points(axes)
            names = [a.path for a in axes]
        else:
            chosen = list_points(points)
            names = list(dict.fromkeys(k for p in chosen for k in p))
        default = f"{safe_name(base.name)}-sweep-{sweep_id(base, chosen, reps, seed)}"
        folder = out or results_dir / default
        check_writable(folder, "--out" if out is not None else "--results-dir")
        count = reps or base.experiment.replications
        show = not quiet and not as_json and sys.stderr.isatty()
        try:
            with (
                make_executor(jobs, scheduler, count) as executor,
                progress_bar(count * len(chosen), show, "sweep") as advance,
            ):
                done = resume_sweep(
                    base, chosen, folder, reps, seed, executor=executor, progress=advance
                )
            table = done.table
            columns = [measure_column(table, m) for m in measures]
            files = write_sweep_folder(Path(folder), done, names, measures)
        except KeyboardInterrupt:
            click.echo(f"ccsim: interrupted; {_sweep_state(folder, len(chosen))}", err=True)
            sys.exit(130)
        except ExecutorError as exc:
            fail(f"{exc} {_sweep_state(folder, len(chosen))}")
        except OSError as exc:
            state = _sweep_state(folder, len(chosen))
            fail(f"sweep folder {folder}: cannot write ({exc.strerror or exc}); {state}")
    if files.note:  # on stderr: --json keeps standard output for the table alone
        click.echo(f"ccsim: {files.note} (from {folder})", err=True)
    if as_json:
        click.echo(table.to_json(orient="records", indent=1))
        click.echo(f"Sweep written to {folder}", err=True)  # stdout stays pure JSON
        return
    if not quiet:
        console = Console() if sys.stdout.isatty() else Console(width=200)
        for column in columns:
            print_sweep(console, table, names, column)
        warnings = json.loads((Path(folder) / "warnings.json").read_text(encoding="utf-8"))
        for warning in warnings["warnings"]:
            point = chosen[warning["point"]]
            where = ", ".join(f"{name}={point[name]}" for name in names if name in point)
            print_warnings(console, [warning], prefix=f"point {warning['point']} ({where}): ")
    drawn = ", ".join(path.name for path in files.pictures)
    click.echo(
        f"Sweep written to {folder} (picture{'s' if len(files.pictures) > 1 else ''}: {drawn})"
    )


def _sweep_state(folder: Path, total: int) -> str:
    """What an interrupted or failed sweep left in ``folder``, truthfully, and how to go on."""
    folder = Path(folder)
    saved = len(list((folder / "points").glob("point-*.json"))) if folder.is_dir() else 0
    finished = [name for name in ("sweep.csv", "sweep.parquet") if (folder / name).exists()]
    tables = f" ({', '.join(finished)} written)" if finished else ""
    if saved >= total and len(finished) == 2:
        return f"the sweep is complete in {folder}{tables}."
    return (
        f"{saved} of {total} points are saved in {folder}{tables}. Run the same command "
        "again to finish it (saved points are not run again)."
    )
