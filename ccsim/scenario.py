"""Scenario files: YAML in, validated and frozen scenario objects out.

A scenario describes one contact centre over a planning horizon: when it is open, which
contact types arrive and how (volumes, handle times, patience, service-level targets), which
pools of agents serve them with what staffing and cost, and how to run the experiment
(replications, seed, confidence). Every object is immutable after loading, and every mistake
is reported with the YAML path of the offending key (``contact_types.voice.patience.mean``),
the bad value and what is allowed.

The README documents every key with a complete example.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

import numpy as np
import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from ccsim.distributions import DISTRIBUTION_NAMES, Distribution
from ccsim.errors import ScenarioError, yaml_path
from ccsim.fields import FROZEN, ClockTime, Duration, Name, PositiveDuration, Probability
from ccsim.units import DAY, format_clock, format_duration

SERVICE_LEVEL_FORMULAS = (
    "answered_and_abandoned",
    "exclude_short_abandons",
    "abandons_after_threshold",
    "answered_only",
)
"""Ways to count service level (see :mod:`ccsim.metrics` for the exact definitions)."""


class Horizon(BaseModel):
    """When the centre is open and how the day is cut into planning intervals.

    Opening hours are the same every day. A centre open ``"00:00"``–``"24:00"`` runs
    continuously across days (for steady-state studies); otherwise the doors close at
    ``close``: no new contacts arrive, and the agents on duty serve the contacts still
    waiting before they leave (that time is recorded as overtime).
    """

    model_config = FROZEN

    days: int = Field(default=1, ge=1, le=366)
    interval: PositiveDuration = 1800.0
    open: ClockTime = 0.0
    close: ClockTime = DAY
    warmup: Duration = 0.0

    @model_validator(mode="after")
    def _check(self) -> Horizon:
        if self.close <= self.open:
            raise ValueError(
                f"close ({format_clock(self.close)}) must be after open ({format_clock(self.open)})"
            )
        length = self.close - self.open
        if self.interval < 60 or abs(length / self.interval - round(length / self.interval)) > 1e-9:
            raise ValueError(
                f"interval {format_duration(self.interval)} must be at least 1 minute and divide "
                f"the opening hours ({format_duration(length)}) exactly; 15min, 30min and 60min "
                "are usual"
            )
        if self.warmup >= self.days * length:
            raise ValueError("warmup must be shorter than the whole horizon")
        return self

    @property
    def continuous(self) -> bool:
        """True when the centre never closes (open 00:00 to 24:00)."""
        return self.open == 0.0 and self.close == DAY

    @property
    def intervals_per_day(self) -> int:
        return round((self.close - self.open) / self.interval)

    @property
    def n_intervals(self) -> int:
        """Intervals over the whole horizon."""
        return self.days * self.intervals_per_day

    def interval_starts(self) -> np.ndarray:
        """Start time (seconds from day 0 midnight) of every interval of the horizon."""
        per_day = self.open + self.interval * np.arange(self.intervals_per_day)
        return (DAY * np.arange(self.days)[:, None] + per_day[None, :]).ravel()

    def day_closes(self) -> np.ndarray:
        """The closing time of each day (seconds from day 0 midnight)."""
        return DAY * np.arange(self.days) + self.close


class Arrivals(BaseModel):
    """How many contacts arrive: a Poisson stream, piecewise constant per interval.

    Give exactly one of ``rate_per_hour`` (contacts per hour) or ``volume_per_interval``
    (expected contacts in each interval), either as one number for the whole day or as one
    number per interval of the opening day. ``day_factors`` multiplies the whole day (one
    factor per day of the horizon: a busier Monday).
    """

    model_config = FROZEN

    rate_per_hour: float | list[float] | None = None
    volume_per_interval: float | list[float] | None = None
    day_factors: list[float] | None = None

    @model_validator(mode="after")
    def _check(self) -> Arrivals:
        given = [self.rate_per_hour is not None, self.volume_per_interval is not None]
        if sum(given) != 1:
            raise ValueError(
                "give exactly one of rate_per_hour (contacts per hour) or volume_per_interval "
                "(contacts in each interval)"
            )
        for name in ("rate_per_hour", "volume_per_interval", "day_factors"):
            value = getattr(self, name)
            values = value if isinstance(value, list) else [] if value is None else [value]
            if any(not np.isfinite(v) or v < 0 for v in values):
                raise ValueError(f"{name} must be non-negative finite numbers, got {value!r}")
            if isinstance(value, list) and not value:
                raise ValueError(f"{name} must not be an empty list")
        return self

    def rates_per_second(self, horizon: Horizon) -> np.ndarray:
        """Arrival rate (contacts per second) in every interval of the horizon."""
        per_day = horizon.intervals_per_day
        if self.rate_per_hour is not None:
            day = np.broadcast_to(np.asarray(self.rate_per_hour, float) / 3600.0, (per_day,))
        else:
            day = np.broadcast_to(
                np.asarray(self.volume_per_interval, float) / horizon.interval, (per_day,)
            )
        factors = (
            np.ones(horizon.days)
            if self.day_factors is None
            else np.asarray(self.day_factors, float)
        )
        return (factors[:, None] * day[None, :]).ravel()


class ServiceLevel(BaseModel):
    """The service-level goal, e.g. 80/20: 80 % of contacts answered within 20 seconds.

    ``formula`` chooses how abandoned contacts count (see the README): the default
    ``answered_and_abandoned`` is answered-within-threshold / (answered + abandoned).
    ``short_abandon`` is the cut-off for ``exclude_short_abandons``.
    """

    model_config = FROZEN

    threshold: Duration = 20.0
    target: Probability = 0.8
    formula: Literal[SERVICE_LEVEL_FORMULAS] = "answered_and_abandoned"  # type: ignore[valid-type]
    short_abandon: Duration = 5.0


class ContactType(BaseModel):
    """A stream of contacts (a queue): arrivals, handle time, patience and targets.

    Handle time is the agent's time on the contact: talk and hold (``handle_time``) plus
    after-call work (``wrap_up``, optional). ``patience`` is how long a caller waits before
    hanging up (none: callers never abandon). ``queue_capacity`` limits waiting places and
    ``lines`` the contacts of this type in the centre (waiting + being served, the trunk
    lines); a contact arriving beyond either is blocked (busy tone).
    """

    model_config = FROZEN

    channel: Literal["voice"] = "voice"
    arrivals: Arrivals
    handle_time: Distribution
    wrap_up: Distribution | None = None
    patience: Distribution | None = None
    service_level: ServiceLevel = ServiceLevel()
    queue_capacity: int | None = Field(default=None, ge=0)
    lines: int | None = Field(default=None, ge=1)

    @property
    def aht(self) -> float:
        """Average handle time in seconds (talk + wrap-up)."""
        return self.handle_time.mean + (self.wrap_up.mean if self.wrap_up else 0.0)


class Pool(BaseModel):
    """A group of agents with the same skills, staffing and cost.

    ``serves`` lists the contact types the pool handles, most important first, or maps each
    to a priority (1 = highest). An arriving contact goes to an idle agent of the pool that
    ranks it highest; a freed agent takes the longest-waiting contact of its highest-priority
    type. ``staffing`` is agents on duty, one number or one per interval of the day.
    """

    model_config = FROZEN

    serves: dict[Name, int] = Field(min_length=1)
    staffing: int | list[int]
    cost_per_hour: float = Field(default=0.0, ge=0)

    @field_validator("serves", mode="before")
    @classmethod
    def _serves_from_list(cls, value: Any) -> Any:
        if isinstance(value, list):
            if len(set(map(str, value))) != len(value):
                raise ValueError(f"serves lists a contact type twice: {value!r}")
            return {name: rank for rank, name in enumerate(value, start=1)}
        if isinstance(value, str):
            return {value: 1}
        return value

    @field_validator("serves")
    @classmethod
    def _check_priorities(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {name: p for name, p in value.items() if p < 1}
        if bad:
            raise ValueError(f"priorities must be whole numbers >= 1 (1 = highest), got {bad}")
        return value

    @field_validator("staffing")
    @classmethod
    def _check_staffing(cls, value: int | list[int]) -> int | list[int]:
        values = value if isinstance(value, list) else [value]
        if not values or any(v < 0 for v in values):
            raise ValueError(f"staffing must be agents >= 0 (one number or a list), got {value!r}")
        return value

    def staffing_per_interval(self, horizon: Horizon) -> np.ndarray:
        """Agents on duty in every interval of the horizon."""
        day = np.broadcast_to(
            np.asarray(self.staffing, dtype=np.int64), (horizon.intervals_per_day,)
        )
        return np.tile(day, horizon.days)


class Experiment(BaseModel):
    """How many replications to run, from which seed, with which confidence level."""

    model_config = FROZEN

    replications: int = Field(default=10, ge=1, le=100_000)
    seed: int = Field(default=1, ge=0, lt=2**63)
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)


class Scenario(BaseModel):
    """A whole contact centre over a planning horizon, validated and frozen."""

    model_config = FROZEN

    name: str = "scenario"
    description: str = ""
    horizon: Horizon = Horizon()
    contact_types: dict[Name, ContactType] = Field(min_length=1)
    pools: dict[Name, Pool] = Field(min_length=1)
    experiment: Experiment = Experiment()

    @model_validator(mode="after")
    def _check_references(self) -> Scenario:
        per_day = self.horizon.intervals_per_day
        problems: list[str] = []

        def check_length(path: str, value: object) -> None:
            if isinstance(value, list) and len(value) != per_day:
                problems.append(
                    f"{path} has {len(value)} values but the opening day has {per_day} intervals "
                    f"of {format_duration(self.horizon.interval)} "
                    f"({format_clock(self.horizon.open)}-{format_clock(self.horizon.close)}); "
                    f"give one value per interval or a single number"
                )

        for name, ctype in self.contact_types.items():
            check_length(
                f"contact_types.{name}.arrivals.rate_per_hour", ctype.arrivals.rate_per_hour
            )
            check_length(
                f"contact_types.{name}.arrivals.volume_per_interval",
                ctype.arrivals.volume_per_interval,
            )
            factors = ctype.arrivals.day_factors
            if factors is not None and len(factors) != self.horizon.days:
                problems.append(
                    f"contact_types.{name}.arrivals.day_factors has {len(factors)} values but the "
                    f"horizon has {self.horizon.days} days; give one factor per day"
                )
        for name, pool in self.pools.items():
            check_length(f"pools.{name}.staffing", pool.staffing)
            for served in pool.serves:
                if served not in self.contact_types:
                    problems.append(
                        f"pools.{name}.serves names contact type {served!r}, which is not defined; "
                        f"defined contact types: {', '.join(self.contact_types)}"
                    )
        served_types = {t for pool in self.pools.values() for t in pool.serves}
        for name in self.contact_types:
            if name not in served_types:
                problems.append(
                    f"contact_types.{name} is served by no pool; add it to some pool's serves"
                )
        if problems:
            # One line per problem, each starting with its own YAML path (see _describe).
            raise ValueError(_PROBLEM_LIST + "\n".join(problems))
        return self

    def with_experiment(self, **changes: Any) -> Scenario:
        """A copy with experiment settings changed (validated), e.g. ``seed=7``."""
        data = self.model_dump(mode="json", by_alias=True)
        data["experiment"].update({k: v for k, v in changes.items() if v is not None})
        return parse_scenario(data, source=f"{self.name} (options)")

    def resolved(self) -> dict[str, Any]:
        """The fully resolved scenario as plain data (seconds everywhere), for results."""
        return self.model_dump(mode="json", by_alias=True)


def load_scenario(spec: str | Path | Mapping[str, Any]) -> Scenario:
    """Load and validate a scenario from a YAML file or from already-parsed data.

    Args:
        spec: a path to a YAML file, or a mapping with the same structure.

    Returns:
        The validated, frozen :class:`Scenario`.

    Raises:
        ScenarioError: the file is missing, is not YAML, or breaks a rule; the message
            names each offending YAML path, the bad value and what is allowed.
    """
    if isinstance(spec, Mapping):
        return parse_scenario(dict(spec), source="<scenario>")
    path = Path(spec)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ScenarioError(str(path), ["file not found"]) from None
    except IsADirectoryError:
        raise ScenarioError(str(path), ["is a folder, not a scenario file"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ScenarioError(str(path), [f"cannot be read: {exc}"]) from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ScenarioError(str(path), [f"not valid YAML: {where}{problem}"]) from None
    if not isinstance(data, dict):
        raise ScenarioError(
            str(path), ["the file must hold a mapping with keys such as contact_types and pools"]
        )
    data.setdefault("name", path.stem)
    return parse_scenario(data, source=str(path))


def parse_scenario(data: dict[str, Any], source: str) -> Scenario:
    """Validate parsed scenario data, turning pydantic's errors into YAML-path messages."""
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        problems: list[str] = []
        union_paths: dict[str, int] = {}
        for error in exc.errors():
            location = error["loc"]
            if location and location[-1] == "[key]":
                # A bad mapping key: point at the mapping that holds it.
                location = location[:-2]
            path = yaml_path(location, data, not_keys=_NOT_KEYS)
            if _from_union_member(error["loc"]):
                # `3 | [3, 4]` style fields fail once per member; say it once, with both forms.
                if path in union_paths:
                    problems[union_paths[path]] += f"; or {_plain(error['msg'])}"
                    continue
                union_paths[path] = len(problems)
            problems.extend(_describe(error, path))
        raise ScenarioError(source, problems) from None


_PROBLEM_LIST = "problems:\n"
_UNION_MEMBERS = {"int", "float", "list[int]", "list[float]", "str"}
_NOT_KEYS = _UNION_MEMBERS | set(DISTRIBUTION_NAMES)


def _from_union_member(location: tuple[Any, ...]) -> bool:
    return bool(location) and location[-1] in _UNION_MEMBERS


def _plain(message: str) -> str:
    return message.removeprefix("Value error, ").replace("Input should be", "should be")


def _describe(error: Mapping[str, Any], path: str) -> list[str]:
    kind = error["type"]
    message = _plain(str(error["msg"]))
    if message.startswith(_PROBLEM_LIST):
        return message.removeprefix(_PROBLEM_LIST).splitlines()
    if error["loc"] and error["loc"][-1] == "[key]":
        return [
            f"{path}: {error['input']!r} is not a valid name; use a letter, "
            "then letters, digits, '_' or '-' (no dots or spaces)"
        ]
    return [_describe_one(error, kind, message, path)]


def _describe_one(error: Mapping[str, Any], kind: str, message: str, path: str) -> str:
    if kind == "extra_forbidden":
        return f"{path}: unknown key (check the spelling; the README lists every key)"
    if kind == "missing":
        return f"{path}: required key is missing"
    if kind == "union_tag_invalid":
        tag = error.get("ctx", {}).get("tag")
        return (
            f"{path}.distribution: {tag!r} is not a known distribution; allowed: exponential, "
            "deterministic, lognormal, gamma, weibull, uniform, empirical"
        )
    if kind == "union_tag_not_found":
        return (
            f"{path}: say which distribution with a 'distribution' key (exponential, "
            "deterministic, lognormal, gamma, weibull, uniform, empirical)"
        )
    value = error.get("input")
    shown = (
        ""
        if isinstance(value, (dict, list)) or value is None or str(value) in message
        else f" (got {value!r})"
    )
    return f"{path}: {message}{shown}"
