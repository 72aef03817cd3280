"""``ccsim staff``: how many agents, when (parse, call the optimiser, print)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ccsim.cli.support import (
    DURATION,
    JOBS_OPTION,
    RESULTS_DIR_OPTION,
    SCHEDULER_OPTION,
    XLSX_OPTION,
    json_option,
    load_with_overrides,
    out_option,
    quiet_option,
    replications,
    reps_option,
    seed_option,
    step_bar,
    user_errors,
    write_folder_workbook,
)


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
    help="Share of at-work time off the phones, for every pool (default: each pool's own).",
)
@click.option(
    "--absenteeism",
    type=float,
    help="Share of scheduled agents absent on a day, for every pool (default: each pool's own).",
)
@reps_option("Replications per staffing tried during the search.", low=2, default=10)
@click.option(
    "--rerun-reps",
    type=replications(2),
    default=40,
    show_default=True,
    help="The re-run the answer must survive: every targeted interval on the right side of "
    "its target when the written scenario is run again with this many replications.",
)
@click.option(
    "--assurance",
    type=float,
    default=0.95,
    show_default=True,
    help="Probability that such a re-run meets every target, the whole day at once.",
)
@click.option(
    "--confirm-reps",
    type=replications(2),
    default=40,
    show_default=True,
    help="Replications of the confirmation run (a third, independent seed).",
)
@seed_option()
@click.option(
    "--objective",
    type=click.Choice(["targets", "total-cost"]),
    default="targets",
    show_default=True,
    help="targets: the fewest agents meeting the targets. total-cost: the staffing with the "
    "least agent cost + expected cost of customers lost (needs an experience block), found "
    "interval by interval from the target-driven answer and checked on a fresh seed with "
    "--confirm-reps replications (docs/experience.md).",
)
@click.option(
    "--max-reps",
    type=replications(2),
    help="With --objective total-cost: replications a move may get when its paired "
    "difference is not clear of zero (default: 4 × --reps).",
)
@click.option(
    "--keep-targets",
    is_flag=True,
    help="With --objective total-cost: start from the verified target-driven answer (as "
    "--objective targets finds it) and never go below it.",
)
@click.option(
    "--shifts",
    "rosters",
    is_flag=True,
    help="Also choose headcounts for the pools' shift patterns (least cost, an integer "
    "program), verified like the answer; the written scenario is that roster.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Exit with status 1 when any targeted interval misses in the confirmation run.",
)
@JOBS_OPTION
@SCHEDULER_OPTION
@out_option("Write the answer here (must not exist, or be empty).")
@RESULTS_DIR_OPTION
@XLSX_OPTION
@json_option("Print staffing.json instead of tables.")
@quiet_option("No progress, no tables.")
def staff(
    scenario,
    max_abandon,
    max_asa,
    max_occupancy,
    no_service_level,
    confidence,
    shrinkage,
    absenteeism,
    reps,
    rerun_reps,
    assurance,
    confirm_reps,
    seed,
    objective,
    max_reps,
    keep_targets,
    rosters,
    strict,
    jobs,
    scheduler,
    out,
    results_dir,
    xlsx,
    as_json,
    quiet,
):
    """The fewest agents per interval and pool that meet the targets on fresh days.

    Starts from the per-interval Erlang C/A answer and corrects it by simulation (queues
    carried into the next interval, shared pools, closing time): a search on one set of
    random numbers, then a verification on an independent set that adds agents where it
    misses and takes out only agents it shows are not needed, then a confirmation run on a
    third. Every targeted interval must survive a re-run of --rerun-reps replications with
    another seed. Writes staffing.csv (Erlang, required, to schedule, achieved measures and
    a verdict per contact type and interval), staffing.json, the written scenario.yaml
    (agents to schedule, shrinkage and absenteeism kept) with its confirmation run, and
    report.html. With --shifts, the pools' shift patterns get the least-cost headcounts
    covering the agents to schedule, verified the same way (roster.csv).

    \b
    Examples:
      ccsim staff scenarios/default-day.yaml
      ccsim staff scenarios/two-pools.yaml --max-abandon 0.05 --shrinkage 0.3
      ccsim staff scenarios/default-day.yaml --confidence 0.9 --jobs 2
      ccsim staff scenarios/shifts-day.yaml --shifts --strict
      ccsim staff two-pools --xlsx               # also the Excel workbook, report.xlsx
    """
    from rich.console import Console

    from ccsim.experiment.executors import make_executor
    from ccsim.output.console_staffing import print_staffing
    from ccsim.output.run_folder import check_destination, check_results_dir, new_run_folder
    from ccsim.output.staffing_folder import staffing_summary, write_staffing
    from ccsim.studies.staffing.optimiser import Assurance, Targets, optimise_staffing

    if objective == "total-cost":  # issue 17: price lost customers beside the agents
        return _staff_total_cost(
            scenario,
            reps,
            seed,
            shrinkage,
            absenteeism,
            keep_targets,
            jobs,
            scheduler,
            out,
            results_dir,
            quiet,
            xlsx,
            dict(
                service_level=not no_service_level,
                max_abandon=max_abandon,
                max_asa=max_asa,
                max_occupancy=max_occupancy,
                confidence=confidence,
            ),
            dict(
                rerun_reps=rerun_reps,
                assurance=assurance,
                confirm_reps=confirm_reps,
                max_reps=max_reps,
            ),
        )
    with user_errors():
        targets = Targets(
            service_level=not no_service_level,
            max_abandon=max_abandon,
            max_asa=max_asa,
            max_occupancy=max_occupancy,
            confidence=confidence,
        )
        checked = Assurance(rerun_replications=rerun_reps, probability=assurance)
        base = load_with_overrides(scenario, ())
        if out is not None:
            check_destination(out)  # before spending minutes searching
        else:
            check_results_dir(results_dir)
        show = not quiet and not as_json and sys.stderr.isatty()
        with (
            make_executor(jobs, scheduler, 1000) as executor,
            step_bar(show, "staffing") as note,
        ):
            plan = optimise_staffing(
                base,
                targets,
                replications=reps,
                seed=seed,
                confirm_replications=confirm_reps,
                shrinkage=shrinkage,
                absenteeism=absenteeism,
                assurance=checked,
                shifts=rosters,
                executor=executor,
                progress=note,
            )
        folder = write_staffing(plan, out or new_run_folder(results_dir, f"{base.name}-staff"))
        if xlsx:
            write_folder_workbook(folder, as_json)
    summary = staffing_summary(plan)
    if as_json:
        click.echo(json.dumps(summary, indent=2))
    elif not quiet:
        console = Console() if sys.stdout.isatty() else Console(width=200)
        print_staffing(console, plan, summary)
    if not as_json:
        click.echo(f"Staffing written to {folder}")
    if strict and not summary["meets_all"]:
        sys.exit(1)


def _staff_total_cost(
    path,
    reps,
    seed,
    shrinkage,
    absenteeism,
    keep_targets,
    jobs,
    scheduler,
    out,
    results_dir,
    quiet,
    xlsx,
    target_options,
    checks,
):
    """``ccsim staff --objective total-cost``: search, write the folder, print."""
    from rich.console import Console

    from ccsim.experiment.executors import make_executor
    from ccsim.output.experience import print_total_cost
    from ccsim.output.run_folder import check_destination, check_results_dir, new_run_folder
    from ccsim.output.total_cost_folder import write_total_cost
    from ccsim.studies.staffing.targets import Targets
    from ccsim.studies.staffing.total_cost import (
        target_driven_start,
        total_cost_staffing,
        verified_start,
    )
    from ccsim.studies.staffing.verdict import Assurance

    with user_errors():
        targets = Targets(**target_options)
        scenario = load_with_overrides(path, ())
        if scenario.experience is None or scenario.experience.cost_per_lost_customer <= 0:
            total_cost_staffing(scenario)  # says what is missing before any search
        if out is not None:
            check_destination(out)
        else:
            check_results_dir(results_dir)
        show = not quiet and sys.stderr.isatty()
        with make_executor(jobs, scheduler, 1000) as executor, step_bar(show, "total cost") as note:
            if keep_targets:  # the verified answer, a floor the targets hold on
                base, start = verified_start(
                    scenario,
                    targets,
                    shrinkage=shrinkage,
                    absenteeism=absenteeism,
                    replications=reps,
                    seed=seed,
                    confirm_replications=checks["confirm_reps"],
                    assurance=Assurance(
                        rerun_replications=checks["rerun_reps"], probability=checks["assurance"]
                    ),
                    executor=executor,
                    progress=note,
                )
            else:
                base, start = target_driven_start(scenario, targets, shrinkage, absenteeism)
            plan = total_cost_staffing(
                base,
                start,
                replications=reps,
                max_replications=checks["max_reps"],
                verify_replications=checks["confirm_reps"],
                seed=seed,
                keep_targets=keep_targets,
                start_kind="verified" if keep_targets else "erlang",
                executor=executor,
                progress=note,
            )
        folder = write_total_cost(
            plan, out or new_run_folder(results_dir, f"{base.name}-total-cost")
        )
        if xlsx:
            write_folder_workbook(folder)
    if not quiet:
        console = Console() if sys.stdout.isatty() else Console(width=200)
        print_total_cost(console, plan)
    click.echo(f"Total-cost staffing written to {folder}")
