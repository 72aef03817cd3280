"""A training session: one trainee's day, their decisions, and the score.

The day runs on :class:`ccsim.model.live.LiveCentre`. A decision (:meth:`Session.decide`)
is checked against its lever's limits and cooldown — a move out of bounds is refused with a
message and changes nothing — then takes effect at the simulated instant it is made (agents
added sit down ``time_to_seat`` later). Each decision is appended to ``decisions.csv`` at
once, so closing the server loses nothing already decided.

Replaying a ``decisions.csv`` (:func:`replay`) runs the day straight to each decision's
instant and makes it there: the calendar then holds the same events in the same order as in
the live session, so records, measures and score are identical, bit for bit, however the
live session paused, stepped or changed speed.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ccsim.measures import ReplicationMeasures, measure
from ccsim.model.live import LiveCentre, VolumeSpike
from ccsim.records import ContactRecords
from ccsim.scenario import Scenario
from ccsim.training.exercise import (
    AgentsLever,
    BreakLever,
    Exercise,
    ExerciseError,
    MoveLever,
    lever_id,
)
from ccsim.units import format_clock

FIELDS = ("time", "clock", "lever", "value")


class LeverRefused(ValueError):
    """A decision the exercise does not allow (out of bounds, resting, unknown lever)."""


@dataclass(frozen=True)
class Decision:
    """One decision: at simulated ``time`` (seconds), ``lever`` moved by ``value``."""

    time: float
    lever: str
    value: int

    def row(self) -> list[str]:
        """The decision as a ``decisions.csv`` row (the time exact: ``repr`` round-trips)."""
        return [repr(float(self.time)), format_clock(self.time), self.lever, str(self.value)]


@dataclass(frozen=True)
class Outcome:
    """The finished day: records, measures and the scorecard."""

    records: ContactRecords
    measures: ReplicationMeasures
    score: dict


class Session:
    """One trainee's run of an exercise.

    Args:
        exercise: the exercise.
        scenario: its scenario.
        seed: the random callers (default: the exercise's ``seed``, else the scenario's);
            trainees on the same seed meet the same callers.
        decisions_file: append each decision here (``decisions.csv``); None: keep in memory.
        scenario_override: run this scenario instead (a debrief's alternative plan).
    """

    def __init__(
        self,
        exercise: Exercise,
        scenario: Scenario,
        seed: int | None = None,
        decisions_file: Path | None = None,
    ):
        self.exercise = exercise
        self.scenario = scenario
        if seed is None:
            seed = exercise.seed if exercise.seed is not None else scenario.experiment.seed
        self.seed = seed
        spikes = [
            VolumeSpike(e.contact_type or "", e.at, e.at + (e.duration or 0.0), e.factor)
            for e in exercise.events
            if e.kind == "volume_spike"
        ]
        self.centre = LiveCentre(scenario, 0, seed, spikes=spikes)
        self.decisions: list[Decision] = []
        self.state: dict[str, int] = {}  # agents added, moved or switched, per lever
        self._rested: dict[str, float] = {}  # lever -> when it may move again
        self._file = decisions_file
        if decisions_file is not None:
            with open(decisions_file, "w", newline="", encoding="utf-8") as out:
                csv.writer(out).writerow(FIELDS)
        self._schedule_events()
        self.outcome: Outcome | None = None

    def _schedule_events(self) -> None:
        centre = self.centre
        for event in self.exercise.events:
            if event.kind == "pool_offline":
                centre.at(event.at, _offline(centre, event.pool or "", event.duration or 0.0))
            elif event.kind == "handle_time":
                centre.at(event.at, _slowdown(centre, event.factor))
                if event.duration is not None:
                    centre.at(event.at + event.duration, _slowdown(centre, 1.0))

    # -- the clock --------------------------------------------------------------------

    @property
    def now(self) -> float:
        return self.centre.now

    @property
    def finished(self) -> bool:
        return self.centre.finished

    def advance(self, until: float) -> None:
        """Run the day up to ``until`` (to the end when ``until`` is past it)."""
        self.centre.advance(until)

    def messages(self) -> list[dict]:
        """The scripted events' messages the trainee has seen by now."""
        return [
            {"time": e.at, "clock": format_clock(e.at), "text": e.message or e.kind}
            for e in self.exercise.events
            if e.at <= self.now
        ]

    # -- decisions --------------------------------------------------------------------

    def check(self, lever: str, value: int) -> None:
        """Raise :class:`LeverRefused` (with the reason) unless the move is allowed now."""
        spec = self.exercise.lever(lever)
        if spec is None:
            names = ", ".join(lever_id(lv) for lv in self.exercise.levers) or "none"
            raise LeverRefused(f"no lever {lever!r} in this exercise (levers: {names})")
        if self.finished:
            raise LeverRefused("the day is over")
        resting = self._rested.get(lever, -math.inf)
        if self.now < resting:
            raise LeverRefused(f"{lever} rests until {format_clock(resting)} (cooldown)")
        current = self.state.get(lever, 0)
        if isinstance(spec, AgentsLever):
            if value == 0 or abs(value) > spec.max_step:
                raise LeverRefused(f"{lever}: move 1 to {spec.max_step} agents at a time")
            if not spec.min_extra <= current + value <= spec.max_extra:
                raise LeverRefused(
                    f"{lever}: {current + value:+d} agents on the plan is outside the limits "
                    f"({spec.min_extra:+d} to {spec.max_extra:+d})"
                )
        elif isinstance(spec, BreakLever):
            if not 1 <= value <= spec.max_agents:
                raise LeverRefused(f"{lever}: send 1 to {spec.max_agents} agents at a time")
            on_phones = self.centre.target(spec.pool)
            if value > on_phones:
                raise LeverRefused(f"{lever}: only {on_phones} agents are on the phones")
        elif isinstance(spec, MoveLever):
            if value == 0 or abs(current + value) > spec.max_agents:
                raise LeverRefused(
                    f"{lever}: at most {spec.max_agents} agents moved either way "
                    f"({current:+d} so far)"
                )
        elif value not in (0, 1):
            raise LeverRefused(f"{lever}: 1 switches it on, 0 off (not {value})")

    def decide(self, lever: str, value: int) -> Decision:
        """Make a decision now (see :meth:`check`); it is written to ``decisions.csv``."""
        value = int(value)
        self.check(lever, value)
        spec = self.exercise.lever(lever)
        assert spec is not None, "check() refuses unknown levers"
        decision = Decision(self.now, lever, value)
        self._apply(spec, value)
        self.decisions.append(decision)
        if spec.cooldown:
            self._rested[lever] = self.now + spec.cooldown
        if self._file is not None:
            with open(self._file, "a", newline="", encoding="utf-8") as out:
                csv.writer(out).writerow(decision.row())
        return decision

    def _apply(self, spec, value: int) -> None:
        centre, now, lever = self.centre, self.now, lever_id(spec)
        if isinstance(spec, AgentsLever):
            self.state[lever] = self.state.get(lever, 0) + value
            if value > 0 and spec.time_to_seat:
                centre.at(now + spec.time_to_seat, lambda: centre.add_agents(spec.pool, value))
            else:
                centre.add_agents(spec.pool, value)
        elif isinstance(spec, BreakLever):
            centre.send_to_break(spec.pool, value, spec.duration)
        elif isinstance(spec, MoveLever):
            self.state[lever] = self.state.get(lever, 0) + value
            source, destination = spec.source, spec.destination
            if value < 0:
                source, destination = destination, source
            count = abs(value)
            centre.add_agents(source, -count)  # they leave now, sit down there later
            centre.at(now + spec.time_to_seat, lambda: centre.add_agents(destination, count))
        else:
            self.state[lever] = value
            if spec.kind == "callback_offer":
                centre.set_callback_offer(spec.contact_type, bool(value))
            elif spec.kind == "bot":
                centre.set_bot(spec.contact_type, bool(value))
            else:
                centre.set_overflow(bool(value))

    # -- the end ----------------------------------------------------------------------

    def finish(self) -> Outcome:
        """Run the rest of the day and score it (once)."""
        if self.outcome is None:
            from ccsim.training.scoring import scorecard

            records = self.centre.run()
            measures = measure(records, self.scenario)
            score = scorecard(self.exercise, self.scenario, measures)
            score["decisions"] = len(self.decisions)
            score["seed"] = self.seed
            self.outcome = Outcome(records, measures, score)
        return self.outcome


def _offline(centre: LiveCentre, pool: str, duration: float) -> Callable[[], None]:
    return lambda: centre.pool_offline(pool, duration)


def _slowdown(centre: LiveCentre, factor: float) -> Callable[[], None]:
    return lambda: centre.handle_time_factor(factor)


def read_decisions(path: Path) -> list[Decision]:
    """The decisions of a ``decisions.csv`` (time in seconds, lever, value), in order.

    Raises:
        ExerciseError: the file is missing or a row is malformed (the row is named).
    """
    try:
        with open(path, newline="", encoding="utf-8") as source:
            rows = list(csv.DictReader(source))
    except OSError as exc:
        raise ExerciseError(str(path), [f"cannot be read: {exc.strerror or exc}"]) from None
    decisions = []
    for number, row in enumerate(rows, start=2):
        try:
            decisions.append(Decision(float(row["time"]), row["lever"], int(row["value"])))
        except (KeyError, TypeError, ValueError):
            raise ExerciseError(
                str(path), [f"row {number}: needs time (seconds), lever and value, got {row}"]
            ) from None
    return decisions


def replay(
    exercise: Exercise,
    scenario: Scenario,
    decisions: list[Decision],
    seed: int | None = None,
    decisions_file: Path | None = None,
) -> Session:
    """Run the day headless with ``decisions`` made at their instants; return the session
    (call :meth:`Session.finish` for the score).

    Raises:
        LeverRefused: a decision the exercise does not allow (its time and lever named).
    """
    session = Session(exercise, scenario, seed, decisions_file)
    for decision in decisions:
        session.advance(decision.time)
        if session.now != decision.time:
            raise LeverRefused(f"decision at {decision.time!r} s: the day ends before then")
        try:
            session.decide(decision.lever, decision.value)
        except LeverRefused as exc:
            raise LeverRefused(f"decision at {format_clock(decision.time)}: {exc}") from None
    return session
