"""``ccsim train``: a training exercise live in the browser, a classroom, or a headless replay."""

from __future__ import annotations

import json
import socket
import sys
import webbrowser
from pathlib import Path

import click

from ccsim.cli.support import EXIT_USER_ERROR, fail, results_dir_option, seed_option, user_errors


@click.command()
@click.argument("exercise", required=False)
@click.option(
    "--port", type=click.IntRange(0, 65535), default=0, help="Port (default: a free one)."
)
@click.option("--no-browser", is_flag=True, help="Do not open the browser.")
@click.option("--class", "classroom", is_flag=True, help="Several trainees, one leaderboard.")
@seed_option("The random callers (default: the file's).")
@click.option(
    "--replay",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Recompute the score of a decisions.csv, headless.",
)
@click.option("--debrief/--no-debrief", default=True, help="Compute the debrief (slower).")
@results_dir_option("Where session folders go.")
@click.option("--schema", is_flag=True, help="Print the exercise files' JSON Schema.")
@click.option("--list", "list_", is_flag=True, help="List the bundled exercises.")
def train(exercise, port, no_browser, classroom, seed, replay, debrief, results_dir, schema, list_):
    """Steer a simulated day live in the browser, be scored, and see what each decision did.

    EXERCISE is an exercise file or a bundled exercise's name (`ccsim train --list`).

    \b
    Examples:
      ccsim train 2-morning-peak                       # one trainee; opens the browser
      ccsim train --class 4-spike-and-outage --port 8765  # a classroom: /instructor
      ccsim train 2-morning-peak --replay results/train-2-morning-peak-…/decisions.csv
    """
    from ccsim.training.exercise import ExerciseError, bundled_exercises, exercise_schema

    if schema:
        click.echo(json.dumps(exercise_schema(), indent=2))
        return
    if list_:
        from ccsim.training.exercise import load_exercise

        for path in bundled_exercises():
            spec, _ = load_exercise(path)
            click.echo(f"{spec.name:24} {spec.title} — {spec.learning_goal}")
        return
    if exercise is None:
        fail("give an EXERCISE file or bundled name (ccsim train --list shows the pack)")
    from ccsim.training.session import LeverRefused

    with user_errors():
        try:
            _train(exercise, port, no_browser, classroom, seed, replay, debrief, results_dir)
        except (ExerciseError, LeverRefused) as exc:
            fail(str(exc))


def _train(exercise, port, no_browser, classroom, seed, replay, debrief, results_dir) -> None:
    from ccsim.training.exercise import load_exercise

    spec, scenario = load_exercise(exercise)
    if replay is not None:
        _replay(spec, scenario, replay, seed, debrief, results_dir)
        return
    port = _free_port(port)
    import uvicorn

    from ccsim.training.server import Classroom, make_app

    room = Classroom(spec, scenario, results_dir, seed, classroom, debrief)
    url = f"http://127.0.0.1:{port}/"
    click.echo(
        f"ccsim train: {spec.title} at {url}"
        + (f" (instructor: {url}instructor)" if classroom else "")
    )
    click.echo(
        f"Sessions are saved under {results_dir}/; Ctrl-C stops the server (decisions are kept)."
    )
    sys.stdout.flush()
    if not no_browser:
        webbrowser.open(url + ("instructor" if classroom else ""))
    config = uvicorn.Config(make_app(room), host="127.0.0.1", port=port, log_level="warning")
    uvicorn.Server(config).run()


def _free_port(port: int) -> int:
    """``port`` if free on 127.0.0.1 (0: any free one); a port in use is a user error."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            click.echo(
                f"Error: port {port} on 127.0.0.1 is in use (another ccsim train?): choose "
                "another with --port, or leave --port out to take a free one",
                err=True,
            )
            sys.exit(EXIT_USER_ERROR)
        return probe.getsockname()[1]


def _replay(spec, scenario, decisions_path: Path, seed, debrief: bool, results_dir: Path) -> None:
    from ccsim.training.results import session_folder, write_session
    from ccsim.training.session import read_decisions, replay

    decisions = read_decisions(decisions_path)
    folder = session_folder(results_dir, spec.name, "replay")
    session = replay(spec, scenario, decisions, seed, folder / "decisions.csv")
    report = None
    if debrief:
        from ccsim.training.debrief import alternatives, decision_effects

        report = {
            "text": spec.debrief,
            "alternatives": alternatives(spec, scenario, session.seed),
            "decisions": decision_effects(session),
        }
    score = write_session(session, folder, report)
    click.echo(
        f"score {score['score']:.6f} / 100 ({len(decisions)} decisions, seed {session.seed})"
    )
    for goal in score["goals"]:
        click.echo(f"  {goal['goal']:28} {goal['points']:6.1f} / {goal['max_points']:.1f}")
    click.echo(f"written to {folder}")
