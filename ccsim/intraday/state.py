"""The state file: the centre as it is now, the starting point of an intraday projection.

A planner at 11:40 knows — from the ACD's real-time view, a contact log, or by hand — who is
waiting and for how long, who is being served and for how long already, which agents are
idle, busy, in after-call work or on a break and when they are back, the email backlog and
its ages, and how many contacts have come in since the opening. The state file holds exactly
that, in JSON::

    {
      "time": "11:40",
      "waiting": [{"type": "voice", "waited": "4min"}, {"type": "voice", "waited": 35}],
      "in_service": [{"type": "voice", "pool": "agents", "agent": "a1", "spent": "3min"}],
      "agents": [
        {"id": "a1", "pool": "agents", "state": "busy"},
        {"id": "a2", "pool": "agents", "state": "idle"},
        {"id": "a3", "pool": "agents", "state": "after_call_work", "type": "voice",
         "spent": "20s"},
        {"id": "a4", "pool": "agents", "state": "break", "until": "12:10"}
      ],
      "backlog": [{"type": "email", "age": "3h", "count": 12}],
      "volume_so_far": {"voice": 812}
    }

Durations are seconds or strings with a unit (``"4min"``); times of day are ``"HH:MM"``.
The model is strict (no silent coercion of a wrong kind of value), frozen, and every error
names the JSON path of the value that is wrong (``waiting[3].waited``), all in one paragraph.
:func:`check_against` then checks the state against the scenario it is projected with (the
contact types and pools exist, a pool serves what its agents are serving).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ccsim.errors import yaml_path
from ccsim.scenario import Scenario
from ccsim.scenario.fields import ClockTime, Duration, Name
from ccsim.units import DAY, format_clock

_STRICT = ConfigDict(frozen=True, strict=True, extra="forbid")

AgentId = Annotated[str, Field(min_length=1, max_length=64)]
Count = Annotated[int, Field(ge=0)]


class StateError(ValueError):
    """A state file that cannot be used: the message is one paragraph naming each JSON path,
    what was wrong and what is allowed."""


class Waiting(BaseModel):
    """A contact waiting in a queue for an agent.

    Attributes:
        type: its contact type.
        waited: how long it has waited so far.
        attempt: 0 for a first attempt, 1 for the first redial, …
        callback: a callback waiting to be made (the customer is not on the line: no
            abandonment).
    """

    model_config = _STRICT
    type: Name
    waited: Duration = 0.0
    attempt: Count = 0
    callback: bool = False


class InService(BaseModel):
    """A contact an agent is handling now (talking, or a chat or email being worked).

    Attributes:
        type: its contact type.
        pool: the agent's pool.
        agent: the agent's ``id`` in ``agents``.
        spent: how long the agent has been on it so far (talk; after-call work is the agent's
            ``after_call_work`` state).
        includes_wrap_up: ``spent`` may include after-call work (a contact log's handle time
            does not tell talk from wrap-up): the time left is then drawn from talk +
            wrap-up rather than from talk, then a full wrap-up.
    """

    model_config = _STRICT
    type: Name
    pool: Name
    agent: AgentId
    spent: Duration = 0.0
    includes_wrap_up: bool = False


class Agent(BaseModel):
    """An agent on duty now.

    Attributes:
        id: any label, unique in the file (contacts in service name their agent by it).
        pool: the agent's pool.
        state: ``idle``, ``busy`` (one contact or more in ``in_service``),
            ``after_call_work`` (wrap-up after a contact of ``type``, ``spent`` so far) or
            ``break`` (back at ``until``).
        type: the contact type of the after-call work.
        spent: time in after-call work so far.
        until: when an agent on a break is back.
        open_chats: chats the agent holds (checked against ``in_service``; optional).
    """

    model_config = _STRICT
    id: AgentId
    pool: Name
    state: Literal["idle", "busy", "after_call_work", "break"]
    type: Name | None = None
    spent: Duration = 0.0
    until: ClockTime | None = None
    open_chats: Count | None = None

    @model_validator(mode="after")
    def _check_state(self) -> Agent:
        if self.state == "break" and self.until is None:
            raise ValueError("an agent on a break needs 'until' (when they are back, 'HH:MM')")
        if self.state != "break" and self.until is not None:
            raise ValueError("'until' is only for an agent on a break")
        if self.state == "after_call_work" and self.type is None:
            raise ValueError("after-call work needs 'type' (the contact type it follows)")
        if self.state not in ("after_call_work",) and self.type is not None:
            raise ValueError("'type' is only for an agent in after_call_work")
        return self


class Backlog(BaseModel):
    """Deferrable work (email, messaging) waiting, grouped by age.

    Attributes:
        type: the contact type.
        age: how long these items have waited.
        count: how many items of that age.
    """

    model_config = _STRICT
    type: Name
    age: Duration
    count: Annotated[int, Field(ge=1)] = 1


class CentreState(BaseModel):
    """The centre at one moment (see the module docstring).

    Attributes:
        time: the time of day of the state.
        day: the day of the scenario's horizon (0 = the first).
        waiting: contacts waiting for an agent.
        in_service: contacts being handled.
        agents: agents on duty (idle, busy, in after-call work) or on a break.
        backlog: deferrable work waiting, by age.
        volume_so_far: per contact type, the first attempts that arrived from the opening up
            to ``time`` (for the re-forecast; a type left out is not re-forecast).
    """

    model_config = _STRICT
    time: ClockTime
    day: Count = 0
    waiting: tuple[Waiting, ...] = ()
    in_service: tuple[InService, ...] = ()
    agents: tuple[Agent, ...] = ()
    backlog: tuple[Backlog, ...] = ()
    volume_so_far: dict[Name, Count] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check_links(self) -> CentreState:
        problems = []
        seen: dict[str, Agent] = {}
        for i, agent in enumerate(self.agents):
            if agent.id in seen:
                problems.append(f"agents[{i}].id: {agent.id!r} appears twice; ids are unique")
            seen[agent.id] = agent
            if agent.until is not None and agent.until <= self.time:
                problems.append(
                    f"agents[{i}].until: {format_clock(agent.until)} is not after the state's "
                    f"time {format_clock(self.time)}; an agent back already is idle or busy"
                )
        held: dict[str, int] = {}
        for i, contact in enumerate(self.in_service):
            found = seen.get(contact.agent)
            held[contact.agent] = held.get(contact.agent, 0) + 1
            if found is None:
                problems.append(f"in_service[{i}].agent: no agent {contact.agent!r} in agents")
            elif found.state != "busy" or found.pool != contact.pool:
                problems.append(
                    f"in_service[{i}]: agent {contact.agent!r} is {found.state} in pool "
                    f"{found.pool!r}; a contact in service needs a busy agent of its pool"
                )
        for i, agent in enumerate(self.agents):
            if agent.state == "busy" and not held.get(agent.id):
                problems.append(
                    f"agents[{i}]: {agent.id!r} is busy but no contact in in_service names them"
                )
            if agent.open_chats is not None and agent.open_chats != held.get(agent.id, 0):
                problems.append(
                    f"agents[{i}].open_chats: {agent.open_chats}, but in_service lists "
                    f"{held.get(agent.id, 0)} contacts for {agent.id!r}"
                )
        if problems:
            raise ValueError("; ".join(problems))
        return self

    @property
    def seconds(self) -> float:
        """The state's time in seconds from the horizon's first midnight."""
        return self.day * DAY + self.time


def state_schema() -> dict[str, Any]:
    """The JSON Schema of the state file (``ccsim intraday --schema``)."""
    schema = CentreState.model_json_schema()
    schema["title"] = "ccsim intraday state"
    return schema


def parse_state(data: Mapping[str, Any] | str, source: str = "<state>") -> CentreState:
    """Validate a state given as JSON text or as a mapping read from JSON.

    Raises:
        StateError: one paragraph naming every problem by its JSON path.
    """
    if isinstance(data, str):
        try:
            parsed = json.loads(data)
        except json.JSONDecodeError as exc:
            raise StateError(
                f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: "
                f"{exc.msg}); a state file is one JSON object, see `ccsim intraday --schema`"
            ) from None
    else:
        parsed = data
    if not isinstance(parsed, dict):
        raise StateError(
            f"{source}: a state file is a JSON object with 'time', 'waiting', 'in_service', "
            f"'agents', …, not a {type(parsed).__name__}"
        )
    try:
        # JSON mode: strict, but JSON arrays are the tuples of the model.
        return CentreState.model_validate_json(json.dumps(parsed))
    except ValidationError as exc:
        raise StateError(f"{source}: {_problems(exc, parsed)}") from None


def load_state(path: str | Path) -> CentreState:
    """Read and validate a state file (see :func:`parse_state`)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise StateError(f"cannot read the state file {path}: {exc.strerror or exc}") from None
    except UnicodeDecodeError:
        raise StateError(f"{path} is not UTF-8 text; a state file is JSON") from None
    return parse_state(text, str(path))


def _problems(exc: ValidationError, data: dict) -> str:
    errors = exc.errors(include_url=False)
    lines = []
    for error in errors:
        path = yaml_path(error["loc"], data)
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] in ("missing",):
            message = "is required"
        elif error["type"] == "extra_forbidden":
            message = "is not a field of the state file (see `ccsim intraday --schema`)"
        elif "input" in error and error["type"] not in ("value_error",):
            message = f"{message} (got {json.dumps(error['input'], default=str)[:60]})"
        lines.append(f"{path}: {message}" if path != "(top level)" else message)
    count = len(lines)
    head = f"{count} problem{'s' if count != 1 else ''} in the state file: "
    return head + "; ".join(lines)


def check_against(state: CentreState, scenario: Scenario, source: str = "<state>") -> None:
    """Check that the state fits ``scenario``: its types and pools exist, a pool serves the
    types its agents are handling, a callback is waiting only where callbacks are offered,
    and the time is within the horizon.

    Raises:
        StateError: one paragraph naming every problem by its JSON path.
    """
    types, pools = scenario.contact_types, scenario.pools
    type_list, pool_list = ", ".join(types), ", ".join(pools)
    problems = []

    def need_type(path: str, name: str | None) -> None:
        if name is not None and name not in types:
            problems.append(f"{path}: no contact type {name!r} in the scenario ({type_list})")

    def need_pool(path: str, name: str) -> bool:
        if name not in pools:
            problems.append(f"{path}: no pool {name!r} in the scenario ({pool_list})")
            return False
        return True

    if state.day >= scenario.horizon.days:
        problems.append(
            f"day: {state.day}, but the scenario's horizon has {scenario.horizon.days} day(s)"
        )
    for i, w in enumerate(state.waiting):
        need_type(f"waiting[{i}].type", w.type)
        if w.callback and w.type in types and types[w.type].callback is None:
            problems.append(f"waiting[{i}].callback: {w.type} offers no callbacks")
    for i, c in enumerate(state.in_service):
        need_type(f"in_service[{i}].type", c.type)
        known = need_pool(f"in_service[{i}].pool", c.pool) and c.type in types
        if known and c.type not in pools[c.pool].serves:
            problems.append(f"in_service[{i}]: pool {c.pool!r} does not serve {c.type}")
    held: dict[str, int] = {}
    for c in state.in_service:
        held[c.agent] = held.get(c.agent, 0) + 1
    for i, a in enumerate(state.agents):
        need_pool(f"agents[{i}].pool", a.pool)
        need_type(f"agents[{i}].type", a.type)
        slots = pools[a.pool].max_concurrency if a.pool in pools else 1
        if held.get(a.id, 0) > slots:
            problems.append(
                f"agents[{i}]: {a.id!r} holds {held[a.id]} contacts in in_service, but pool "
                f"{a.pool!r} takes {slots} at a time (max_concurrency)"
            )
    for i, b in enumerate(state.backlog):
        need_type(f"backlog[{i}].type", b.type)
    for name in state.volume_so_far:
        need_type(f"volume_so_far.{name}", name)
    if problems:
        count = len(problems)
        raise StateError(
            f"{source}: {count} problem{'s' if count != 1 else ''} against scenario "
            f"{scenario.name!r}: " + "; ".join(problems)
        )


def state_json(state: CentreState) -> str:
    """The state as a state file: times of day as ``"HH:MM"`` (when whole minutes), durations
    in seconds to a tenth, one waiting contact, contact in service or agent per line."""
    data = state.model_dump(mode="json", exclude_defaults=True)

    def clock(seconds: float) -> str | float:
        return format_clock(seconds) if seconds % 60 == 0 else round(seconds, 1)

    data["time"] = clock(state.time)
    for key in ("waited", "spent", "age"):
        for section in ("waiting", "in_service", "agents", "backlog"):
            for item in data.get(section, ()):
                if key in item:
                    item[key] = round(item[key], 1)
    for item in data.get("agents", ()):
        if "until" in item:
            item["until"] = clock(item["until"])
    lines = ["{", f'  "time": {json.dumps(data.pop("time"))},']
    if "day" in data:
        lines.append(f'  "day": {data.pop("day")},')
    for section in ("waiting", "in_service", "agents", "backlog"):
        items = data.pop(section, [])
        if items:
            body = ",\n".join(f"    {json.dumps(item)}" for item in items)
            lines.append(f'  "{section}": [\n{body}\n  ],')
    lines.append(f'  "volume_so_far": {json.dumps(data.pop("volume_so_far", {}))}')
    return "\n".join(lines) + "\n}\n"
