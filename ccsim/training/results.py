"""The session folder: ``results/train-<exercise>-<time>/``.

* ``decisions.csv`` — simulated time (seconds, exact), clock, lever, value: written as the
  trainee decides (:class:`ccsim.training.session.Session`);
* ``score.json`` — the scorecard, the seed, and the debrief when it was computed;
* ``results/`` — the day as an ordinary results folder (summary, intervals, contacts,
  charts and the HTML report), written by :mod:`ccsim.output.run_folder`.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from ccsim.experiment.replications import ExperimentResult
from ccsim.jsonable import json_value
from ccsim.output.run_folder import safe_name, write_results
from ccsim.scenario.overrides import with_experiment
from ccsim.training.session import Session


def session_folder(results_dir: Path, exercise: str, trainee: str | None = None) -> Path:
    """A new folder ``<results_dir>/train-<exercise>[-<trainee>]-<time>`` (created)."""
    stamp = time.strftime("%Y%m%d-%H%M%S")
    name = safe_name(f"train-{exercise}" + (f"-{trainee}" if trainee else "") + f"-{stamp}")
    folder = Path(results_dir) / name
    suffix = 1
    while folder.exists():
        suffix += 1
        folder = Path(results_dir) / f"{name}-{suffix}"
    folder.mkdir(parents=True)
    return folder


def write_session(session: Session, folder: Path, debrief: dict | None = None) -> dict:
    """Finish the day and write ``score.json`` and ``results/`` into ``folder``."""
    outcome = session.finish()
    score = dict(outcome.score)
    score["exercise"] = session.exercise.name
    if debrief is not None:
        score["debrief"] = debrief
    text = json.dumps(json_value(score), indent=2) + "\n"
    (folder / "score.json").write_text(text, encoding="utf-8")
    if not (folder / "results").exists():
        scenario = with_experiment(session.scenario, replications=1, seed=session.seed)
        result = ExperimentResult(scenario, [outcome.measures], [outcome.records])
        write_results(result, folder / "results")
    return score
