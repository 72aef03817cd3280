"""``ccsim intraday`` (the rest of the day from the centre as it is now) and ``ccsim state``
(a state file from a contact log)."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click

from ccsim.cli.support import (
    JOBS_OPTION,
    fail,
    json_option,
    load_with_overrides,
    out_option,
    reps_option,
    results_dir_option,
    seed_option,
    set_option,
    user_errors,
)


def _what_if(text: str) -> tuple[str, tuple[str, ...], Path | None]:
    """``NAME=[@STATE.json;]PATH=VALUE[;PATH=VALUE…]`` → (name, overrides, state file)."""
    name, sep, rest = text.partition("=")
    name = name.strip()
    parts = [part.strip() for part in rest.split(";") if part.strip()]
    state = Path(parts.pop(0)[1:]) if parts and parts[0].startswith("@") else None
    if not sep or not name or not (parts or state) or "." in name:
        fail(
            f"--what-if {text!r}: write NAME=PATH=VALUE, several overrides separated by ';', "
            "and/or NAME=@STATE.json (the what-if starts from that state), e.g. "
            "--what-if 'overtime=pools.agents.staffing=+2' or "
            "--what-if 'lunch-early=@lunch-early.json'"
        )
    return name, tuple(parts), state


@click.command()
@click.argument("scenario", required=False)
@click.option(
    "--state",
    "state_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="The state file (JSON) of the centre now (`--example` prints one).",
)
@set_option("Change the plan.")
@click.option(
    "--what-if",
    "what_ifs",
    multiple=True,
    metavar="NAME=PATH=VALUE[;…]",
    help="A what-if: the plan with these overrides, and/or from another state file "
    "(NAME=@STATE.json), on common random numbers (repeatable).",
)
@reps_option("Replications of the rest of the day.", low=2, default=40)
@seed_option("Root seed (default: the scenario's).")
@JOBS_OPTION
@click.option(
    "--prior-cv",
    type=click.FloatRange(min=0.0, min_open=True),
    help="Re-forecast prior: how far the day may run from forecast (cv; default: the "
    "scenario's forecast.busyness_cv, else 0.1).",
)
@click.option("--no-reforecast", is_flag=True, help="Project the rest of the day as forecast.")
@out_option("Results folder.")
@results_dir_option("Where the folder is made when --out is not given.")
@click.option("--no-folder", is_flag=True, help="Print only; write no results folder.")
@json_option("Print the projection as JSON.")
@click.option("--schema", is_flag=True, help="Print the state file's JSON Schema.")
@click.option("--example", is_flag=True, help="Print the bundled example state file.")
def intraday(
    scenario,
    state_path,
    overrides,
    what_ifs,
    reps,
    seed,
    jobs,
    prior_cv,
    no_reforecast,
    out,
    results_dir,
    no_folder,
    as_json,
    schema,
    example,
):
    """Project the rest of the day from the centre as it is now, for the plan and what-ifs.

    SCENARIO is the day's plan (a file or a bundled name); the state file says who is
    waiting, being served, idle or on a break now, and the volume so far.

    \b
    Examples:
      ccsim intraday --example > now.json
      ccsim intraday default-day --state now.json --what-if 'overtime=pools.agents.staffing=+2'
    """
    from ccsim.intraday.state import StateError, load_state, state_schema

    if schema:
        click.echo(json.dumps(state_schema(), indent=2))
        return
    if example:
        click.echo((Path(__file__).parents[1] / "intraday" / "examples" / "now.json").read_text())
        return
    if scenario is None or state_path is None:
        fail("intraday needs a SCENARIO and --state FILE (or --schema, or --example)")
    parsed = [_what_if(text) for text in what_ifs]
    plans = {name: texts for name, texts, _ in parsed}
    state_files = {name: path for name, _, path in parsed if path is not None}
    if len(plans) != len(what_ifs):
        fail("--what-if: every what-if needs a name of its own")
    with user_errors():
        from ccsim.intraday.projection import PLAN, project
        from ccsim.model.warm_start import WarmStartError
        from ccsim.scenario import load_scenario
        from ccsim.scenario.overrides import (
            OverrideError,
            apply_overrides,
            parse_override,
        )

        # The scenario file is read once; a what-if is the plan's file with its overrides.
        base = load_scenario(scenario)
        plan = load_with_overrides(scenario, overrides) if overrides else base
        variants = {}
        for name, texts in plans.items():
            if name == PLAN:
                fail(f"--what-if: '{PLAN}' is the plan itself; give the what-if another name")
            try:
                parsed_overrides = [parse_override(text) for text in overrides + texts]
                variants[name] = apply_overrides(base, parsed_overrides, name=name)
            except OverrideError as exc:  # the plan's --set loaded above: this what-if's own
                fail(f"--what-if {name}: {str(exc).removeprefix('--set ')}")
        try:
            state = load_state(state_path)
            own_states = {name: load_state(path) for name, path in state_files.items()}
            result = project(
                plan,
                state,
                variants,
                own_states,
                replications=reps,
                seed=seed,
                prior_cv=prior_cv,
                reforecast_on=not no_reforecast,
                source=str(state_path),
                jobs=jobs,
            )
        except (StateError, WarmStartError) as exc:
            fail(str(exc))
            return
        folder = None
        if not no_folder:
            if out is None:
                stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
                base = out = results_dir / f"intraday-{plan.name}-{stamp}"
                for n in range(2, 1000):  # two projections in the same second
                    if not out.exists():
                        break
                    out = base.with_name(f"{base.name}-{n}")
            from ccsim.output.intraday_folder import write_folder

            try:
                folder = write_folder(result, plan.name, out)
            except FileExistsError as exc:
                fail(str(exc))
            except OSError as exc:
                fail(f"--out {out}: cannot write the results folder ({exc.strerror or exc})")
        from ccsim.output.intraday_tables import console_text, summary

        if as_json:
            payload = summary(result, plan.name)
            payload["folder"] = None if folder is None else str(folder)
            click.echo(json.dumps(payload, indent=2, allow_nan=False))
            return
        click.echo(console_text(result))
        if folder is not None:
            click.echo(f"\nResults: {folder}")
    sys.stdout.flush()


def _state_command():
    # The log-reading options are calibration's own (the same mapping files and cleaning).
    from ccsim.cli.log_options import calibration_errors, log_options, read_log, reading_options

    @click.command()
    @click.argument("log", type=click.Path(path_type=Path))
    @click.option("--at", "at", required=True, metavar="HH:MM", help="The cut: a time of day.")
    @click.option("--date", metavar="YYYY-MM-DD", help="The business day (default: the last).")
    @click.option(
        "--scenario",
        "scenario_spec",
        metavar="SCENARIO",
        help="The scenario the state is for (a file or a bundled name): each agent goes to "
        "the pool whose `serves` covers the contact types they answered, and the state is "
        "checked against it.",
    )
    @click.option(
        "--pool",
        default=None,
        help="Put every agent in this pool (default: inferred from --scenario; `agents` "
        "without one).",
    )
    @click.option(
        "--agent-pools",
        "agent_pools_path",
        type=click.Path(path_type=Path),
        metavar="FILE",
        help="A CSV with columns agent,pool naming agents' pools (overrides the inference).",
    )
    @click.option(
        "--idle-window",
        default="30min",
        show_default=True,
        help="An agent who finished a contact this long before the cut is idle.",
    )
    @out_option("Write the state here.", file=True)
    @log_options
    def state(log, at, date, scenario_spec, pool, agent_pools_path, idle_window, out, **reading):
        """Build a state file from a contact log cut at a time of day (for `ccsim intraday`).

        Reads LOG as `ccsim fit` does (same --mapping and options) and writes the centre as
        it was at --at: contacts waiting and in service, agents seen handling contacts, the
        volume so far. Nothing after the cut is used. With --scenario each agent goes to the
        pool that serves the types they answered (--agent-pools FILE overrides it); without
        one, every agent goes to --pool.

        \b
        Examples:
          ccsim state data/sample-contact-log.csv --mapping data/sample-log-mapping.yaml \\
              --date 2026-10-06 --at 11:40 --out now.json
          ccsim state log.csv --at 11:40 --scenario two-pools --agent-pools pools.csv
        """
        from ccsim.intraday.agent_pools import read_agent_pools
        from ccsim.intraday.from_log import state_from_log
        from ccsim.intraday.state import StateError, state_json
        from ccsim.units import parse_clock, parse_duration

        try:
            cut = parse_clock(at)
        except ValueError as exc:
            fail(f"--at {at!r}: {exc}")
        try:
            window = parse_duration(idle_window)
        except ValueError as exc:
            fail(f"--idle-window {idle_window!r}: {exc}")
        scenario = None
        if scenario_spec is not None:
            with user_errors():
                scenario = load_with_overrides(scenario_spec, ())
        if scenario is None and pool is None:
            pool = "agents"
        with calibration_errors():
            contact_log = read_log(log, reading_options(reading))
            try:
                table = None if agent_pools_path is None else read_agent_pools(agent_pools_path)
                if table is not None and scenario is not None:
                    from ccsim.intraday.agent_pools import check_agent_pools

                    check_agent_pools(table, scenario, str(agent_pools_path))
                found = state_from_log(contact_log, cut, pool, date, window, scenario, table)
            except StateError as exc:
                fail(str(exc))
                return
            text = state_json(found)
            if out is None:
                click.echo(text, nl=False)
                return
            from ccsim.atomic import write_text

            write_text(out, text)
            waiting, serving = len(found.waiting), len(found.in_service)
            click.echo(
                f"{out}: {waiting} waiting, {serving} in service, {len(found.agents)} agents "
                f"at {at}; volume so far {dict(found.volume_so_far)}"
            )

    return state


state = _state_command()
