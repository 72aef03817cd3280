"""The exercise file: a scenario, the levers a trainee may pull, scripted events, goals.

An exercise is YAML, validated like a scenario (every problem names its YAML path, the bad
value and what is allowed); ``ccsim train --schema`` prints its JSON Schema. Example::

    name: morning-peak
    title: The morning peak
    learning_goal: Add agents before the peak, not after the queue has formed.
    scenario: default-day            # a bundled name, a path (relative to this file), or inline
    briefing: The forecast peaks at 10:30 ...
    debrief: Agents asked for at 10:30 sat down at 10:45, after the peak ...
    levers:
      - {kind: agents, pool: agents, min_extra: -5, max_extra: 12, max_step: 4,
         time_to_seat: 15min, cooldown: 10min}
      - {kind: break, pool: agents, max_agents: 4, duration: 15min, cooldown: 15min}
    events:
      - {at: "10:30", kind: volume_spike, contact_type: voice, factor: 1.5, duration: 30min,
         message: A TV advert ran at 10:25.}
    goals:
      service_level: [{contact_type: voice, weight: 50}]
      abandonment: {max: 0.05, weight: 20}
      occupancy: {min: 0.70, max: 0.90, weight: 30}
    reference_plan:
      - {at: "09:40", lever: "agents:agents", value: 4}

Times (``at``) are clock times of the exercise's first day.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, model_validator

from ccsim.errors import yaml_path
from ccsim.scenario import Scenario, load_scenario
from ccsim.scenario.fields import FROZEN, ClockTime, Duration, PositiveDuration

BUNDLED = Path(__file__).resolve().parents[1] / "exercises"
"""The bundled exercise pack (``ccsim/exercises/*.yaml``)."""


class ExerciseError(ValueError):
    """An exercise file is invalid: one line per problem, each naming its YAML path."""

    def __init__(self, source: str, problems: list[str]):
        self.source = source
        self.problems = problems
        count = len(problems)
        head = f"{source}: {count} problem{'s' if count != 1 else ''} in the exercise"
        super().__init__("\n".join([head, *(f"  - {p}" for p in problems)]))


class AgentsLever(BaseModel):
    """Agents on a pool, added to (or taken off) the plan; they sit down after
    ``time_to_seat``, and the lever rests for ``cooldown`` after each move."""

    model_config = FROZEN
    kind: Literal["agents"]
    pool: str
    min_extra: int = -1000
    max_extra: int = 1000
    max_step: int = Field(default=1000, ge=1)
    time_to_seat: Duration = 0.0
    cooldown: Duration = 0.0


class BreakLever(BaseModel):
    """Send up to ``max_agents`` of a pool to a break or training for ``duration``."""

    model_config = FROZEN
    kind: Literal["break"]
    pool: str
    max_agents: int = Field(default=5, ge=1)
    duration: PositiveDuration = 900.0
    cooldown: Duration = 0.0


class MoveLever(BaseModel):
    """Move agents from one pool (skill group) to another; they sit down after
    ``time_to_seat``; at most ``max_agents`` moved on balance either way."""

    model_config = FROZEN
    kind: Literal["move"]
    source: str = Field(alias="from")
    destination: str = Field(alias="to")
    max_agents: int = Field(default=5, ge=1)
    time_to_seat: Duration = 0.0
    cooldown: Duration = 0.0


class SwitchLever(BaseModel):
    """Switch the callback offer or the bot of a contact type, or time-based overflow."""

    model_config = FROZEN
    kind: Literal["callback_offer", "bot", "overflow"]
    contact_type: str | None = None
    cooldown: Duration = 0.0


Lever = Annotated[AgentsLever | BreakLever | MoveLever | SwitchLever, Field(discriminator="kind")]


def lever_id(lever: AgentsLever | BreakLever | MoveLever | SwitchLever) -> str:
    """The lever's name in ``decisions.csv``: ``agents:<pool>``, ``break:<pool>``,
    ``move:<from>><to>``, ``callback_offer:<type>``, ``bot:<type>``, ``overflow``."""
    if isinstance(lever, AgentsLever | BreakLever):
        return f"{lever.kind}:{lever.pool}"
    if isinstance(lever, MoveLever):
        return f"move:{lever.source}>{lever.destination}"
    return lever.kind if lever.kind == "overflow" else f"{lever.kind}:{lever.contact_type}"


class Event(BaseModel):
    """Something scripted the trainee does not know in advance, with the message they see.

    ``volume_spike``: ``factor`` × the forecast callers of ``contact_type`` for ``duration``;
    ``pool_offline``: ``pool`` takes no contact for ``duration``; ``handle_time``: every
    contact answered takes ``factor`` × its handle time (for ``duration``, or to the end).
    """

    model_config = FROZEN
    at: ClockTime
    kind: Literal["volume_spike", "pool_offline", "handle_time"]
    contact_type: str | None = None
    pool: str | None = None
    factor: float = Field(default=1.0, gt=0, le=10)
    duration: Duration | None = None
    message: str = ""

    @model_validator(mode="after")
    def _check(self) -> Event:
        needs = {"volume_spike": "contact_type", "pool_offline": "pool"}.get(self.kind)
        if needs and getattr(self, needs) is None:
            raise ValueError(f"a {self.kind} event needs {needs}")
        if self.kind != "handle_time" and self.duration is None:
            raise ValueError(f"a {self.kind} event needs a duration (e.g. 20min)")
        if self.kind == "volume_spike" and self.factor < 1:
            raise ValueError(f"a volume spike's factor is 1 or more, not {self.factor}")
        return self


class ServiceLevelGoal(BaseModel):
    """The type's service level against its target (the scenario's, or ``target``): full
    points at or above it, in proportion below; ``per: interval`` scores the share of
    intervals at or above it instead."""

    model_config = FROZEN
    contact_type: str
    target: float | None = Field(default=None, gt=0, le=1)
    per: Literal["day", "interval"] = "day"
    weight: float = Field(default=1.0, ge=0)


class AbandonmentGoal(BaseModel):
    """Abandonment at most ``max``: full points, none at twice ``max``."""

    model_config = FROZEN
    max: float = Field(gt=0, le=1)
    weight: float = Field(default=1.0, ge=0)


class OccupancyGoal(BaseModel):
    """Occupancy within ``min``–``max``: full points, none 10 points outside the band."""

    model_config = FROZEN
    min: float = Field(default=0.7, ge=0, le=1)
    max: float = Field(default=0.9, ge=0, le=1)
    weight: float = Field(default=1.0, ge=0)


class CostGoal(BaseModel):
    """Agent cost at most ``budget``: full points, none at 20 % over."""

    model_config = FROZEN
    budget: float = Field(gt=0)
    weight: float = Field(default=1.0, ge=0)


class Goals(BaseModel):
    """What the trainee is scored on (0-100, weights share the points)."""

    model_config = FROZEN
    service_level: list[ServiceLevelGoal] = []
    abandonment: AbandonmentGoal | None = None
    occupancy: OccupancyGoal | None = None
    cost: CostGoal | None = None


class PlannedDecision(BaseModel):
    """One decision of the reference plan (as ``decisions.csv`` writes it)."""

    model_config = FROZEN
    at: ClockTime
    lever: str
    value: int


class Exercise(BaseModel):
    """A training exercise (see the module docstring)."""

    model_config = FROZEN
    name: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_-]*$", max_length=64)
    title: str
    learning_goal: str
    level: int = Field(default=1, ge=1, le=10)
    scenario: str | dict[str, Any]
    seed: int | None = Field(default=None, ge=0)
    briefing: str = ""
    debrief: str = ""
    levers: list[Lever] = []
    events: list[Event] = []
    goals: Goals = Goals()
    reference_plan: list[PlannedDecision] = []

    def lever(self, name: str) -> AgentsLever | BreakLever | MoveLever | SwitchLever | None:
        """The lever called ``name`` (see :func:`lever_id`), if the exercise has it."""
        return next((lv for lv in self.levers if lever_id(lv) == name), None)


def exercise_schema() -> dict:
    """The JSON Schema of an exercise file."""
    return Exercise.model_json_schema(by_alias=True)


def bundled_exercises() -> list[Path]:
    """The bundled exercise files, easiest first."""
    return sorted(BUNDLED.glob("*.yaml"))


def load_exercise(spec: str | Path) -> tuple[Exercise, Scenario]:
    """Load an exercise (a file, or a bundled exercise's name) and its scenario, checked
    against each other (every pool, type and lever the exercise names exists).

    Raises:
        ExerciseError: the file is missing, not YAML, or invalid.
        ScenarioError: its scenario is invalid.
    """
    path = Path(spec)
    if not path.exists() and (BUNDLED / f"{path.name.removesuffix('.yaml')}.yaml").exists():
        path = BUNDLED / f"{path.name.removesuffix('.yaml')}.yaml"
    source = str(spec)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        names = ", ".join(p.stem for p in bundled_exercises())
        raise ExerciseError(
            source, [f"no such file or bundled exercise (bundled: {names})"]
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ExerciseError(source, [f"cannot be read: {exc}"]) from None
    except yaml.YAMLError as exc:
        raise ExerciseError(source, [f"not valid YAML: {exc}"]) from None
    if not isinstance(data, dict):
        raise ExerciseError(source, ["an exercise is a mapping of keys (name, scenario, …)"])
    try:
        exercise = Exercise.model_validate(data)
    except ValidationError as exc:
        problems = []
        for error in exc.errors():
            where = yaml_path(error["loc"], data, not_keys=("agents", "break", "move"))
            problems.append(f"{where}: {error['msg']} (got {error.get('input')!r})"[:300])
        raise ExerciseError(source, problems) from None
    scenario_spec = exercise.scenario
    if isinstance(scenario_spec, str) and (path.parent / scenario_spec).exists():
        scenario_spec = str(path.parent / scenario_spec)
    scenario = load_scenario(scenario_spec)
    problems = cross_check(exercise, scenario)
    if problems:
        raise ExerciseError(source, problems)
    return exercise, scenario


def cross_check(exercise: Exercise, scenario: Scenario) -> list[str]:
    """Problems between the exercise and its scenario (unknown pools, types, levers)."""
    pools, types = list(scenario.pools), list(scenario.contact_types)
    problems = []

    def check(where: str, value: str | None, allowed: list[str], what: str) -> None:
        if value is not None and value not in allowed:
            problems.append(f"{where}: no {what} {value!r} in the scenario ({', '.join(allowed)})")

    for i, lever in enumerate(exercise.levers):
        if isinstance(lever, AgentsLever | BreakLever):
            check(f"levers[{i}].pool", lever.pool, pools, "pool")
        elif isinstance(lever, MoveLever):
            check(f"levers[{i}].from", lever.source, pools, "pool")
            check(f"levers[{i}].to", lever.destination, pools, "pool")
        elif lever.kind != "overflow":
            check(f"levers[{i}].contact_type", lever.contact_type, types, "contact type")
            ctype = scenario.contact_types.get(lever.contact_type or "")
            feature = "callback" if lever.kind == "callback_offer" else "self_service"
            if ctype is not None and getattr(ctype, feature) is None:
                problems.append(f"levers[{i}]: {lever.contact_type} has no {feature} to switch")
    for i, event in enumerate(exercise.events):
        check(f"events[{i}].contact_type", event.contact_type, types, "contact type")
        check(f"events[{i}].pool", event.pool, pools, "pool")
    for i, goal in enumerate(exercise.goals.service_level):
        check(f"goals.service_level[{i}].contact_type", goal.contact_type, types, "contact type")
    names = [lever_id(lv) for lv in exercise.levers]
    for i, planned in enumerate(exercise.reference_plan):
        check(f"reference_plan[{i}].lever", planned.lever, names, "lever")
    return problems
