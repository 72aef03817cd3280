"""The training server: a Starlette app on 127.0.0.1 serving the page and its sessions.

The page drives its own clock: while playing it asks the server to advance the day by the
wall time since its last request × the speed (1×, 10×, 60×, 600×), or to the next interval
(step), and gets the floor, the intervals so far and the messages back. Decisions go to
``/decide`` and are refused with a message when out of bounds. Each session is locked while
it advances or decides, so a classroom's trainees (``--class``: several sessions, the same
random callers) never step on each other. When a day ends, its folder is written and the
debrief computed in the background; the page polls for the scorecard.

The debrief is heavy (a staffing search and a replay of the day per plan and per decision:
seconds to minutes of one core), so none of it runs in the server's process: the other
plans (the same for every trainee) are computed once, from the server's start, and each
trainee's decisions when their day ends, each in a child process at the lowest CPU
priority (``nice`` 19) — usually ready when the day ends. A thread of the server would hold
Python's interpreter lock and slow every live page of a classroom; a low-priority child
gives way to the server, which keeps well under half a core.

Routes: ``/`` (the trainee's page), ``/instructor`` (the leaderboard), ``/static/*``, and
the JSON API under ``/api/``.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import multiprocessing
import os
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from ccsim.jsonable import json_value
from ccsim.scenario import Scenario
from ccsim.training.exercise import Exercise, lever_id
from ccsim.training.results import session_folder, write_session
from ccsim.training.session import LeverRefused, Session
from ccsim.training.view import floor_now, intervals_so_far

STATIC = Path(__file__).resolve().parent / "static"
MAX_STEP = 6 * 3600.0  # seconds of simulated time one request may advance


class Trainee:
    """One trainee's session, its folder, and what the end of the day produced."""

    def __init__(self, number: int, name: str, session: Session, folder: Path):
        self.number = number
        self.name = name
        self.session = session
        self.folder = folder
        self.lock = threading.Lock()
        self.score: dict | None = None
        self.effects: list[dict] | None = None
        self.error: str | None = None


class Classroom:
    """The sessions of one server (one trainee, or a class) on the same random callers."""

    def __init__(
        self,
        exercise: Exercise,
        scenario: Scenario,
        results_dir: Path,
        seed: int | None = None,
        classroom: bool = False,
        debrief: bool = True,
    ):
        self.exercise = exercise
        self.scenario = scenario
        self.results_dir = Path(results_dir)
        self.seed = Session(exercise, scenario, seed).seed
        self.classroom = classroom
        self.trainees: dict[int, Trainee] = {}
        self._numbers = itertools.count(1)
        self._lock = threading.Lock()
        self.alternatives: list[dict] | None = None
        self.debrief = debrief
        self.alternatives_begun = False
        self.start_alternatives()

    def start_alternatives(self) -> None:
        """Compute the other plans (the same for every trainee) in the background, once."""
        with self._lock:
            if self.alternatives_begun or not self.debrief:
                return
            self.alternatives_begun = True
        threading.Thread(target=self._alternatives, daemon=True).start()

    def _alternatives(self) -> None:
        from ccsim.training.debrief import alternatives

        try:
            self.alternatives = in_background(alternatives, self.exercise, self.scenario, self.seed)
        except Exception as exc:  # the page shows the reason instead of the plans
            self.alternatives = [{"plan": "debrief", "score": None, "note": str(exc)[:300]}]

    def join(self, name: str) -> Trainee:
        """A new session for trainee ``name`` (its folder created, decisions.csv begun)."""
        with self._lock:
            number = next(self._numbers)
            label = name.strip()[:40] or f"trainee-{number}"
            folder = session_folder(
                self.results_dir, self.exercise.name, label if self.classroom else None
            )
            session = Session(self.exercise, self.scenario, self.seed, folder / "decisions.csv")
            session.advance(self.scenario.horizon.open)  # the clock starts at opening
            trainee = Trainee(number, label, session, folder)
            self.trainees[number] = trainee
            return trainee

    def finish(self, trainee: Trainee) -> None:
        """Write the trainee's folder and debrief (in a background thread)."""

        self.start_alternatives()

        def work() -> None:
            from ccsim.training.debrief import effects_of_decisions

            try:
                with trainee.lock:
                    trainee.score = write_session(trainee.session, trainee.folder)
                    decisions = list(trainee.session.decisions)
                effects = []
                if self.debrief and decisions:
                    ex, sc, seed = self.exercise, self.scenario, trainee.session.seed
                    effects = in_background(effects_of_decisions, ex, sc, decisions, seed)
                trainee.effects = effects
                write_session(trainee.session, trainee.folder, self.debrief_of(trainee))
            except Exception as exc:
                trainee.error = f"{type(exc).__name__}: {exc}"[:300]

        threading.Thread(target=work, daemon=True).start()

    def debrief_of(self, trainee: Trainee) -> dict:
        return {
            "text": self.exercise.debrief,
            "alternatives": self.alternatives,
            "decisions": trainee.effects,
            "note": "the ccsim staff answer comes from a quick search (2 replications per "
            "staffing); every plan ran on the trainee's random callers",
        }


def state_of(room: Classroom, trainee: Trainee) -> dict:
    """What the trainee's page shows now."""
    session = trainee.session
    return {
        "session": trainee.number,
        "name": trainee.name,
        "floor": floor_now(session.centre),
        "intervals": intervals_so_far(session.centre),
        "messages": session.messages(),
        "decisions": [
            {"time": d.time, "clock": d.row()[1], "lever": d.lever, "value": d.value}
            for d in session.decisions
        ],
        "state": session.state,
        "finished": session.finished,
        "folder": str(trainee.folder),
    }


def make_app(room: Classroom) -> Starlette:
    """The ASGI app serving ``room``."""

    def trainee_of(request: Request) -> Trainee:
        number = int(request.path_params["number"])
        if number not in room.trainees:
            raise KeyError(number)
        return room.trainees[number]

    async def page(_request: Request) -> Response:
        return FileResponse(STATIC / "index.html")

    async def instructor(_request: Request) -> Response:
        return FileResponse(STATIC / "instructor.html")

    async def exercise(_request: Request) -> Response:
        ex = room.exercise
        levers = [dict(lv.model_dump(by_alias=True), id=lever_id(lv)) for lv in ex.levers]
        horizon = room.scenario.horizon
        return JSONResponse(
            json_value(
                {
                    "name": ex.name,
                    "title": ex.title,
                    "learning_goal": ex.learning_goal,
                    "briefing": ex.briefing,
                    "levers": levers,
                    "classroom": room.classroom,
                    "seed": room.seed,
                    "open": horizon.open,
                    "close": horizon.close,
                    "interval": horizon.interval,
                    "days": horizon.days,
                    "pools": list(room.scenario.pools),
                    "types": list(room.scenario.contact_types),
                }
            )
        )

    async def join(request: Request) -> Response:
        body = await _body(request)
        trainee = room.join(str(body.get("name", "")))
        return JSONResponse({"session": trainee.number, "name": trainee.name})

    def advance(request: Request, body: dict) -> Response:
        trainee = trainee_of(request)
        session = trainee.session
        target = body.get("to")
        if target not in (None, "end", "interval"):
            raise BadRequest(f"'to' is 'end' or 'interval', not {target!r}")
        seconds = _number(body, "seconds")
        with trainee.lock:
            was_finished = session.finished
            if body.get("to") == "end":
                session.advance(float("inf"))
            elif body.get("to") == "interval":
                horizon = room.scenario.horizon
                starts = [s for s in horizon.interval_starts() if s > session.now]
                ends = horizon.day_closes()
                later = [s for s in list(starts) + list(ends) if s > session.now]
                session.advance(min(later) if later else float("inf"))
            else:
                session.advance(session.now + min(max(seconds, 0.0), MAX_STEP))
            if session.finished and not was_finished:
                room.finish(trainee)
            return JSONResponse(json_value(state_of(room, trainee)))

    async def advance_route(request: Request) -> Response:
        body = await _body(request)
        return await _threaded(advance, request, body)

    async def state(request: Request) -> Response:
        trainee = trainee_of(request)
        with trainee.lock:
            return JSONResponse(json_value(state_of(room, trainee)))

    async def decide(request: Request) -> Response:
        trainee = trainee_of(request)
        body = await _body(request)
        value = body.get("value")
        if isinstance(value, bool) or not isinstance(value, int):
            raise BadRequest(f"'value' is a whole number (agents, or 1/0 to switch), not {value!r}")
        with trainee.lock:
            try:
                decision = trainee.session.decide(str(body.get("lever", "")), value)
            except LeverRefused as exc:
                return JSONResponse({"ok": False, "message": str(exc)}, status_code=400)
        return JSONResponse(
            {
                "ok": True,
                "decision": {
                    "time": decision.time,
                    "lever": decision.lever,
                    "value": decision.value,
                },
            }
        )

    async def scorecard(request: Request) -> Response:
        trainee = trainee_of(request)
        ready = trainee.score is not None
        return JSONResponse(
            json_value(
                {
                    "ready": ready,
                    "error": trainee.error,
                    "score": trainee.score,
                    "debrief": room.debrief_of(trainee),
                    "debrief_ready": trainee.effects is not None
                    and (room.alternatives is not None or not room.debrief),
                    "folder": str(trainee.folder),
                }
            )
        )

    async def leaderboard(_request: Request) -> Response:
        rows = []
        for trainee in list(room.trainees.values()):
            session = trainee.session
            rows.append(
                {
                    "session": trainee.number,
                    "name": trainee.name,
                    "clock": floor_now(session.centre)["clock"],
                    "finished": session.finished,
                    "score": trainee.score["score"] if trainee.score else None,
                    "decisions": [
                        {"clock": d.row()[1], "lever": d.lever, "value": d.value}
                        for d in session.decisions
                    ],
                }
            )
        rows.sort(key=lambda r: (r["score"] is None, -(r["score"] or 0), r["session"]))
        return JSONResponse(json_value({"exercise": room.exercise.title, "trainees": rows}))

    routes = [
        Route("/", page),
        Route("/instructor", instructor),
        Route("/api/exercise", exercise),
        Route("/api/sessions", join, methods=["POST"]),
        Route("/api/sessions/{number:int}/advance", advance_route, methods=["POST"]),
        Route("/api/sessions/{number:int}/state", state),
        Route("/api/sessions/{number:int}/decide", decide, methods=["POST"]),
        Route("/api/sessions/{number:int}/scorecard", scorecard),
        Route("/api/leaderboard", leaderboard),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]

    async def not_found(_request: Request, _exc: Exception) -> Response:
        return JSONResponse({"ok": False, "message": "no such session"}, status_code=404)

    async def bad_request(_request: Request, exc: Exception) -> Response:
        return JSONResponse({"ok": False, "message": str(exc)}, status_code=400)

    async def http_error(_request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException), "registered for HTTPException"
        return JSONResponse({"ok": False, "message": exc.detail}, status_code=exc.status_code)

    handlers = {KeyError: not_found, BadRequest: bad_request, HTTPException: http_error}
    return Starlette(routes=routes, exception_handlers=handlers)


class BadRequest(ValueError):
    """A request the API cannot read (not JSON, a field of the wrong kind): a 400 answer."""


def in_background(function: Callable[..., Any], *args: Any) -> Any:
    """``function(*args)`` in a child process at the lowest CPU priority; its result.

    The calling thread only waits (no CPU, no interpreter lock). The child is a daemon: a
    server stopped meanwhile takes it down.
    """
    context = multiprocessing.get_context("spawn")  # no fork of a threaded server
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(target=_low_priority_child, args=(sender, function, args), daemon=True)
    child.start()
    sender.close()
    try:
        ok, value = receiver.recv()
    except EOFError:
        raise RuntimeError(f"the debrief's process ended early (exit {child.exitcode})") from None
    finally:
        receiver.close()
        child.join()
    if not ok:
        raise RuntimeError(value)
    return value


def _low_priority_child(sender, function: Callable[..., Any], args: tuple) -> None:
    with contextlib.suppress(OSError):  # not allowed here: run at the priority given
        os.nice(19)
    try:
        result = (True, function(*args))
    except Exception as exc:
        result = (False, f"{type(exc).__name__}: {exc}"[:300])
    sender.send(result)
    sender.close()


async def _body(request: Request) -> dict:
    """The request's JSON object ({} for an empty body)."""
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = await request.json()
    except ValueError:
        raise BadRequest("the body is not JSON") from None
    if not isinstance(body, dict):
        raise BadRequest("the body is a JSON object ({...})")
    return body


def _number(body: dict, key: str) -> float:
    """``body[key]`` as a finite number (0 when absent)."""
    value = body.get(key, 0.0)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise BadRequest(f"{key!r} is a number, not {value!r}")
    return float(value)


async def _threaded(function, *args):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(function, *args)
