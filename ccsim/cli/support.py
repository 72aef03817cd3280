"""What every ``ccsim`` command shares: option types, user errors, the progress bar."""

from __future__ import annotations

import sys
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

import click

from ccsim.units import parse_duration

EXIT_USER_ERROR = 2


class DurationType(click.ParamType):
    """A duration option: seconds, or a string with a unit (``20s``, ``5min``, ``1h``)."""

    name = "duration"

    def convert(self, value, param, ctx):
        try:
            return parse_duration(value if not isinstance(value, str) else _number_or_text(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


def _number_or_text(text: str) -> float | str:
    try:
        return float(text)
    except ValueError:
        return text


DURATION = DurationType()

# Options several commands share, defined once.
JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    type=click.IntRange(min=0),
    default=0,
    show_default=True,
    help="Worker processes; 0 = every core. Results do not depend on it.",
)
SCHEDULER_OPTION = click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Dask scheduler address, e.g. tcp://10.0.0.5:8786 "
    "(default: $CCSIM_SCHEDULER; none: local processes).",
)
RESULTS_DIR_OPTION = click.option(
    "--results-dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("results"),
    show_default=True,
    help="Where new folders are made when --out is not given.",
)


def fail(message: str) -> None:
    click.echo(f"ccsim: {message}", err=True)
    sys.exit(EXIT_USER_ERROR)


@contextmanager
def user_errors():
    """Turn known user mistakes into a message and exit status 2."""
    from ccsim.errors import ScenarioError
    from ccsim.experiment.executors import ExecutorError
    from ccsim.output.html.page import ReportError
    from ccsim.output.run_folder import OutputError
    from ccsim.scenario.overrides import OverrideError
    from ccsim.studies.staffing.optimiser import StaffingError
    from ccsim.studies.staffing.rostering import RosteringError
    from ccsim.studies.sweep import SweepError

    try:
        yield
    except ScenarioError as exc:
        fail(f"invalid scenario {exc}")
    except OutputError as exc:
        fail(str(exc))
    except ExecutorError as exc:
        fail(str(exc))
    except (ReportError, OverrideError, SweepError, StaffingError, RosteringError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        click.echo("ccsim: interrupted; no results folder was written", err=True)
        sys.exit(130)


@contextmanager
def progress_bar(total: int, enabled: bool, what: str = "replications"):
    """A rich progress bar on stderr (when ``enabled``); yields ``advance(done)`` or None."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        transient=True,
    ) as progress:
        task = progress.add_task(what, total=total)
        advance: Callable[[int], None] = lambda done: progress.update(task, completed=done)  # noqa: E731
        yield advance


@contextmanager
def step_bar(enabled: bool, what: str):
    """A pulsing rich progress bar for work of unknown length (a search); yields
    ``note(text)``, which shows the latest step, or None when not ``enabled``."""
    if not enabled:
        yield None
        return
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(
        "[progress.description]{task.description}",
        BarColumn(),
        TextColumn("{task.fields[step]}"),
        TimeElapsedColumn(),
        transient=True,
    ) as progress:
        task = progress.add_task(what, total=None, step="")
        note: Callable[[str], None] = lambda text: progress.update(task, step=text)  # noqa: E731
        yield note


def load_with_overrides(path, overrides: tuple[str, ...], name: str | None = None):
    """Load a scenario file and apply ``--set`` overrides (see :mod:`ccsim.scenario.overrides`)."""
    from ccsim.scenario import load_scenario
    from ccsim.scenario.overrides import apply_overrides, parse_override

    scenario = load_scenario(path)
    if not overrides:
        return scenario
    parsed = [parse_override(text) for text in overrides]
    return apply_overrides(scenario, parsed, name=name)
