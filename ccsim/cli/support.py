"""What every ``ccsim`` command shares: option types, user errors, the progress bar."""

from __future__ import annotations

import math
import os
import sys
from collections.abc import Callable
from contextlib import contextmanager, suppress
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

MAX_REPLICATIONS = 100_000
"""The most replications any option asks for (``--reps``, ``--rerun-reps``, …): beyond it a
run would take days and hold its results in more memory than a machine has."""

MAX_AGENTS = 1_000_000
"""The most agents ``ccsim erlang --agents`` (or ``--lines``) takes: beyond it the formulas
take minutes and the answer is no different from a million's."""


class CountType(click.ParamType):
    """A whole number between ``low`` and ``high`` (a documented cap): ``--reps``, ``--agents``.

    Unlike ``click.IntRange`` the message says why there is a cap and what it is for.
    """

    name = "integer"

    def __init__(self, low: int, high: int, what: str):
        self.low, self.high, self.what = low, high, what

    def convert(self, value, param, ctx):
        if isinstance(value, int) and not isinstance(value, bool):
            number = value
        else:
            try:
                number = int(str(value).strip())
            except ValueError:
                self.fail(f"{_clip(str(value))} is not a whole number", param, ctx)
        if number < self.low:
            self.fail(f"{_clip(str(value))}: at least {self.low:,} {self.what}", param, ctx)
        if number > self.high:
            self.fail(
                f"{_clip(str(value))}: at most {self.high:,} {self.what} (a limit of ccsim: "
                "more would not fit in memory or time)",
                param,
                ctx,
            )
        return number


class ShareType(click.FloatRange):
    """A finite number in a range (a share, a probability): ``nan`` and ``inf`` are refused,
    which ``click.FloatRange`` lets through."""

    def convert(self, value, param, ctx):
        number = super().convert(value, param, ctx)
        if not math.isfinite(number):
            self.fail(f"{_clip(str(value))} is not a finite number", param, ctx)
        return number


def replications(low: int = 1) -> CountType:
    """The type of a ``--reps``-like option: ``low`` to :data:`MAX_REPLICATIONS`."""
    return CountType(low, MAX_REPLICATIONS, "replications")


AGENTS = CountType(1, MAX_AGENTS, "agents")
"""The type of ``ccsim erlang --agents`` and ``--lines``."""

SHARE = ShareType(0, 1)
"""A share from 0 to 1 (``--max-abandon``, ``--max-occupancy``)."""


def _clip(text: str, limit: int = 60) -> str:
    """Options are echoed in messages; a huge one is cut (its length said)."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


# Options several commands share, declared once here. Those whose help text says something
# particular to a command (what --json prints, what the default seed is) take it as an
# argument; the name, type, flags and parameter name are the same everywhere.

Decorator = Callable[[Callable], Callable]


def reps_option(
    help: str = "Replications (default: the file's).", low: int = 1, default: int | None = None
) -> Decorator:
    """``--reps N``: replications, at least ``low`` and at most :data:`MAX_REPLICATIONS`."""
    return click.option(
        "--reps",
        type=replications(low),
        default=default,
        show_default=default is not None,
        help=help,
    )


def seed_option(help: str = "Root seed (default: the file's).") -> Decorator:
    """``--seed S``: the root seed every random stream is derived from."""
    return click.option("--seed", type=click.IntRange(min=0), help=help)


def out_option(help: str, *, file: bool = False, required: bool = False) -> Decorator:
    """``--out PATH``: where the command writes (a folder, or with ``file`` one file)."""
    path = (
        click.Path(dir_okay=False, path_type=Path)
        if file
        else click.Path(file_okay=False, path_type=Path)
    )
    return click.option("--out", type=path, required=required, help=help)


def set_option(
    help: str = "Change a setting: pools.agents.staffing=14, =+2 (add), =*1.1 (multiply); "
    "repeatable.",
) -> Decorator:
    """``--set PATH=VALUE`` (repeatable): overrides, parsed by :mod:`ccsim.scenario.overrides`."""
    return click.option("--set", "overrides", multiple=True, metavar="PATH=VALUE", help=help)


def json_option(help: str) -> Decorator:
    """``--json``: print the machine-readable result (passed as ``as_json``) on stdout."""
    return click.option("--json", "as_json", is_flag=True, help=help)


def quiet_option(help: str = "No progress bar, no tables.") -> Decorator:
    """``--quiet``, ``-q``: print only where the results went."""
    return click.option("--quiet", "-q", is_flag=True, help=help)


XLSX_OPTION = click.option(
    "--xlsx",
    is_flag=True,
    help="Also write the folder's Excel workbook, report.xlsx (as ccsim export --xlsx).",
)
"""``--xlsx`` on ``run``, ``compare`` and ``staff``: the workbook of
:func:`ccsim.output.workbook.write_workbook`, written into the results folder."""


def write_folder_workbook(folder: Path, as_json: bool = False) -> Path:
    """``--xlsx``: the folder's workbook (``FOLDER/report.xlsx``), and where it went — on
    stderr with ``--json``, so standard output stays pure JSON."""
    from ccsim.output.workbook import write_workbook

    path = write_workbook(folder)
    click.echo(f"Workbook written to {path}", err=as_json)
    return path


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


def results_dir_option(
    help: str = "Where new folders are made when --out is not given.",
) -> Decorator:
    """``--results-dir DIR``: where a command makes its dated folders (default ``results``)."""
    return click.option(
        "--results-dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=Path("results"),
        show_default=True,
        help=help,
    )


RESULTS_DIR_OPTION = results_dir_option()


def fail(message: str) -> None:
    click.echo(f"ccsim: {message}", err=True)
    sys.exit(EXIT_USER_ERROR)


@contextmanager
def user_errors():
    """Turn known user mistakes into a message and exit status 2.

    Also a full disk or a closed pipe on standard output (``ccsim schema > /dev/full``): one
    line, exit 2. Ctrl-C says truthfully whether a results folder was finished.
    """
    try:
        yield
    except Exception as exc:  # noqa: BLE001 (what is no user mistake is raised again)
        if _is(exc, "ccsim.errors", "ScenarioError"):
            fail(f"invalid scenario {exc}")
        elif isinstance(exc, _user_error_classes()):
            fail(str(exc))
        elif isinstance(exc, OSError):
            fail(_os_message(exc))
        raise
    except KeyboardInterrupt:
        from ccsim.output.destination import finished_folders

        written = finished_folders()
        if written:
            click.echo(f"ccsim: interrupted; results were written to {written[-1]}", err=True)
        else:
            click.echo("ccsim: interrupted; no results folder was written", err=True)
        sys.exit(130)


_USER_ERRORS = (
    ("ccsim.errors", "ScenarioError"),
    ("ccsim.output.destination", "OutputError"),
    ("ccsim.experiment.executors", "ExecutorError"),
    ("ccsim.output.html.page", "ReportError"),
    ("ccsim.scenario.overrides", "OverrideError"),
    ("ccsim.studies.sweep", "SweepError"),
    ("ccsim.studies.staffing.optimiser", "StaffingError"),
    ("ccsim.studies.staffing.rostering", "RosteringError"),
)
"""The exceptions that are user mistakes (a message, exit status 2), by module and name."""


def _user_error_classes() -> tuple[type[BaseException], ...]:
    """The user-mistake exceptions of the modules loaded so far: one whose module was never
    imported cannot have been raised, so its module (the staffing optimiser: a second of
    imports) is not loaded just to be caught."""
    found = (getattr(sys.modules.get(module), name, None) for module, name in _USER_ERRORS)
    return tuple(cls for cls in found if isinstance(cls, type))


def _is(exc: BaseException, module: str, name: str) -> bool:
    cls = getattr(sys.modules.get(module), name, None)
    return isinstance(cls, type) and isinstance(exc, cls)


def _os_message(exc: OSError) -> str:
    """One line for an operating-system error the command could not avoid."""
    reason = exc.strerror or str(exc)
    if exc.filename is None:  # standard output: a full disk, a file-size limit, a closed pipe
        _silence_stdout()
        return f"cannot write the output: {reason}"
    return f"{_clip(str(exc.filename), 200)}: {reason}"


def _silence_stdout() -> None:
    """Point standard output at /dev/null: what is still buffered cannot fail again at exit."""
    try:
        stream = sys.stdout.fileno()
    except (OSError, ValueError, AttributeError):
        return  # not a real file (a test's captured output)
    # Best effort: if even /dev/null cannot be opened, the one-line message is already out
    # and the exit status says what happened; nothing more useful can be done here.
    with suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream)
        os.close(null)


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
    """Load a scenario file and apply ``--set`` overrides (see :mod:`ccsim.scenario.overrides`).

    The what-if is named after what was set (``two-pools staffing+2``) unless ``name`` is
    given, so its title and results folder are not the base run's."""
    from ccsim.scenario import load_scenario
    from ccsim.scenario.overrides import apply_overrides, parse_override
    from ccsim.studies.variant_names import what_if_name

    scenario = load_scenario(path)
    if not overrides:
        return scenario
    parsed = [parse_override(text) for text in overrides]
    name = name or what_if_name(scenario.name, overrides)
    return apply_overrides(scenario, parsed, name=name)
