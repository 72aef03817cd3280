"""``ccsim compare`` and ``ccsim sweep``: experiments across scenarios (parse, call, print)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ccsim.cli_support import (
    DURATION,
    JOBS_OPTION,
    RESULTS_DIR_OPTION,
    SCHEDULER_OPTION,
    fail,
    load_with_overrides,
    progress_bar,
    step_bar,
    user_errors,
)


@click.command()
@click.argument("scenarios", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--set",
    "overrides",
    multiple=True,
    metavar="PATH=VALUE",
    help="With one base file: the variant's changes (=VALUE sets, =+N adds, =*F multiplies).",
)
@click.option("--reps", type=click.IntRange(min=1), help="Replications (default: the base's).")
@click.option("--seed", type=click.IntRange(min=0), help="Root seed (default: the base's).")
@JOBS_OPTION
@SCHEDULER_OPTION
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the comparison here (must not exist, or be empty).",
)
@RESULTS_DIR_OPTION
@click.option("--records", is_flag=True, help="Also write each scenario's contacts.parquet.")
@click.option("--all", "every", is_flag=True, help="Print every measure, not only the headline.")
@click.option("--json", "as_json", is_flag=True, help="Print comparison.json instead of tables.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no tables.")
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

    from ccsim.compare import compare_scenarios
    from ccsim.compare_report import write_comparison
    from ccsim.console import print_differences, print_warnings
    from ccsim.report import check_destination, new_run_folder

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
            label = f"{loaded[0].name} with {' '.join(overrides)}"
            loaded.append(load_with_overrides(scenarios[0], overrides, name=label))
            labels.append(label)
        if out is not None:
            check_destination(out)
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
    if as_json:
        click.echo(json.dumps(comparison.summary(), indent=2))
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
    default="service_level",
    show_default=True,
    help="Measure to print and plot: service_level, asa, … or voice.service_level.",
)
@click.option("--reps", type=click.IntRange(min=1), help="Replications per point.")
@click.option("--seed", type=click.IntRange(min=0), help="Root seed (the same at every point).")
@JOBS_OPTION
@SCHEDULER_OPTION
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="The sweep's folder; run again with the same folder to resume. Default: "
    "results/<scenario>-sweep-<fingerprint>/ (the same sweep resumes there by itself).",
)
@RESULTS_DIR_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON records.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar, no table.")
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
    Writes sweep.csv, sweep.parquet (every measure with its CI) and sweep.png.

    \b
    Examples:
      ccsim sweep scenarios/erlang-a.yaml --grid pools.agents.staffing=40:60:2
      ccsim sweep base.yaml --grid pools.agents.staffing=40:60:2 \\
          --grid contact_types.voice.patience.mean=120,300 --measure voice.abandon_rate
    """
    from rich.console import Console

    from ccsim.console import print_sweep, print_warnings
    from ccsim.executors import make_executor
    from ccsim.sweep import (
        grid_points,
        list_points,
        measure_column,
        parse_axis,
        plot_sweep,
        run_sweep,
        sweep_id,
    )

    with user_errors():
        if bool(grids) == bool(points):
            fail("sweep: give --grid PATH=VALUES (one or more) or --points FILE, not both")
        base = load_with_overrides(scenario, ())
        if grids:
            axes = [parse_axis(text) for text in grids]
            chosen = grid_points(axes)
            names = [a.path for a in axes]
        else:
            chosen = list_points(points)
            names = list(dict.fromkeys(k for p in chosen for k in p))
        folder = out or results_dir / f"{base.name}-sweep-{sweep_id(base, chosen, reps, seed)}"
        count = reps or base.experiment.replications
        show = not quiet and not as_json and sys.stderr.isatty()
        try:
            with (
                make_executor(jobs, scheduler, count) as executor,
                progress_bar(count * len(chosen), show, "sweep") as advance,
            ):
                table = run_sweep(
                    base, chosen, folder, reps, seed, executor=executor, progress=advance
                )
        except KeyboardInterrupt:
            click.echo(
                f"ccsim: interrupted; the points finished so far are saved in {folder}. "
                "Run the same command again to resume.",
                err=True,
            )
            sys.exit(130)
        column = measure_column(table, measure)
        plot_sweep(table, names, measure, Path(folder) / "sweep.png")
    if as_json:
        click.echo(table.to_json(orient="records", indent=1))
        return
    if not quiet:
        console = Console() if sys.stdout.isatty() else Console(width=200)
        print_sweep(console, table, names, column)
        warnings = json.loads((Path(folder) / "warnings.json").read_text(encoding="utf-8"))
        for warning in warnings["warnings"]:
            point = chosen[warning["point"]]
            where = ", ".join(f"{name}={point[name]}" for name in names if name in point)
            print_warnings(console, [warning], prefix=f"point {warning['point']} ({where}): ")
    click.echo(f"Sweep written to {folder}")


@click.command()
@click.argument("scenario", type=click.Path(path_type=Path))
@click.option("--max-abandon", type=float, help="At most this share abandoned per interval.")
@click.option("--max-asa", type=DURATION, help="At most this ASA per interval (20s, 1min).")
@click.option("--max-occupancy", type=float, help="At most this occupancy per pool/interval.")
@click.option(
    "--no-service-level",
    is_flag=True,
    help="Do not require the contact types' service-level targets (only the --max-* ones).",
)
@click.option(
    "--confidence",
    type=float,
    help="Meet the targets on this share of days (e.g. 0.9), not only on average.",
)
@click.option(
    "--shrinkage",
    type=float,
    default=0.0,
    show_default=True,
    help="Share of scheduled time off the phones: agents to schedule = required / (1 - s).",
)
@click.option(
    "--reps",
    type=click.IntRange(min=2),
    default=10,
    show_default=True,
    help="Replications per staffing tried during the search.",
)
@click.option(
    "--confirm-reps",
    type=click.IntRange(min=2),
    default=20,
    show_default=True,
    help="Replications of the confirmation run (fresh random numbers).",
)
@click.option("--seed", type=click.IntRange(min=0), help="Root seed (default: the file's).")
@click.option(
    "--shifts",
    "rosters",
    is_flag=True,
    help="Also choose headcounts for the pools' shift patterns (least cost, an integer "
    "program) and simulate that roster.",
)
@JOBS_OPTION
@SCHEDULER_OPTION
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Write the answer here (must not exist, or be empty).",
)
@RESULTS_DIR_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print staffing.json instead of tables.")
@click.option("--quiet", "-q", is_flag=True, help="No progress, no tables.")
def staff(
    scenario,
    max_abandon,
    max_asa,
    max_occupancy,
    no_service_level,
    confidence,
    shrinkage,
    reps,
    confirm_reps,
    seed,
    rosters,
    jobs,
    scheduler,
    out,
    results_dir,
    as_json,
    quiet,
):
    """The fewest agents per interval and pool that meet the targets.

    Starts from the per-interval Erlang C/A answer, then corrects it by simulation (queues
    carried into the next interval, shared pools, closing time) until every interval meets
    every target and no single agent can be taken away. Writes staffing.csv (Erlang-only,
    required and scheduled agents per interval, achieved measures), staffing.json, the
    staffed scenario.yaml with its confirmation run, and report.html. With --shifts, the
    pools' shift patterns get the least-cost headcounts covering the requirement (roster.csv)
    and the folder's run is that roster, simulated.

    \b
    Examples:
      ccsim staff scenarios/default-day.yaml
      ccsim staff scenarios/two-pools.yaml --max-abandon 0.05 --shrinkage 0.3
      ccsim staff scenarios/default-day.yaml --confidence 0.9 --jobs 2
      ccsim staff scenarios/shifts-day.yaml --shifts
    """
    from rich.console import Console

    from ccsim.console import print_roster, print_staffing
    from ccsim.executors import make_executor
    from ccsim.experiment import run_experiment
    from ccsim.optimiser import Targets, optimise_staffing
    from ccsim.report import check_destination, new_run_folder
    from ccsim.rostering import choose_roster, with_roster
    from ccsim.staffing_report import staffing_summary, write_staffing

    with user_errors():
        targets = Targets(
            service_level=not no_service_level,
            max_abandon=max_abandon,
            max_asa=max_asa,
            max_occupancy=max_occupancy,
            confidence=confidence,
        )
        base = load_with_overrides(scenario, ())
        if rosters and all(pool.shifts is None for pool in base.pools.values()):
            fail(
                "--shifts: no pool of the scenario has shifts; give the allowed shift patterns "
                "(start, length, breaks) under a pool's shifts, and ccsim chooses headcounts"
            )
        if out is not None:
            check_destination(out)
        show = not quiet and not as_json and sys.stderr.isatty()
        with (
            make_executor(jobs, scheduler, max(reps, confirm_reps) * 8) as executor,
            step_bar(show, "staffing search") as note,
        ):
            plan = optimise_staffing(
                base,
                targets,
                replications=reps,
                seed=seed,
                confirm_replications=confirm_reps,
                shrinkage=shrinkage,
                executor=executor,
                progress=note,
            )
            chosen, rostered = [], None
            if rosters:
                chosen = [
                    choose_roster(name, pool, base.horizon, plan.required[name])
                    for name, pool in base.pools.items()
                    if pool.shifts is not None
                ]
                rostered = run_experiment(
                    with_roster(base, chosen),
                    replications=confirm_reps,
                    seed=plan.confirmation.scenario.experiment.seed,
                    executor=executor,
                )
        folder = write_staffing(
            plan,
            targets,
            out or new_run_folder(results_dir, f"{base.name}-staff"),
            chosen,
            rostered,
        )
    if as_json:
        click.echo(json.dumps(staffing_summary(plan, targets), indent=2))
        return
    if not quiet:
        console = Console() if sys.stdout.isatty() else Console(width=200)
        print_staffing(console, plan)
        if rostered is not None:
            print_roster(console, chosen, rostered)
    click.echo(f"Staffing written to {folder}")
