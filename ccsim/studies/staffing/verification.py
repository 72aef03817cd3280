"""The independent verification: verify, repair, prune — on replications the search never saw.

Step 3 of :func:`ccsim.studies.staffing.optimiser.optimise_staffing`. The search's answer was
judged on the
replications that found it, so it is optimistic. Here every candidate answer is judged on a
second, independent set of replications (its own root seed), with the prediction bound of
:mod:`ccsim.studies.staffing.verdict`:

1. **Verify and repair.** Wherever the independent replications miss a target (the bound
   fails), one agent more there; verify again, until every check passes.
2. **Prune.** Try each agent out, one at a time (all candidates simulated at once): an agent
   goes only if the independent replications show every check from that interval on still
   passing. Removals at least two intervals apart go together (checked together); then
   verify and repair again, until no single agent can go. A candidate refused once stays
   refused while the staffing has nowhere more agents than when it was refused (fewer
   agents never help), so only new questions are simulated.
3. **Floor.** No group of pools goes below the per-interval Erlang figure of its pooled load
   (:mod:`ccsim.studies.staffing.floor`), except in an interval that inherits no queue — the opening
   of a centre that closes, where (in at least :data:`EMPTY_OPENINGS` of the replications)
   nobody is waiting — and only where the simulation shows the targets met with fewer.

Replications are spent where verdicts are uncertain: a staffing is judged on
``first_replications``, and doubled (up to ``max_replications``) only while some check it is
asked about is within noise of its bound.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from ccsim.studies.staffing.floor import Floor
from ccsim.studies.staffing.search import MAX_ROUNDS, add_agents, out_of_reach, spaced, without
from ccsim.studies.staffing.trials import Trials
from ccsim.studies.staffing.verdict import Judge, Verdicts, check_values

SCREEN_REPLICATIONS = 10
"""Replications a candidate removal is first simulated with, to be refused on common random
numbers when plainly needed (:meth:`~ccsim.studies.staffing.verdict.Judge.refused`) before it is
verified on its own."""

EMPTY_OPENINGS = 0.95
"""Share of replications with nobody waiting at an opening for it to count as inheriting no
queue (callers who came while closed, or an email backlog, make a queue)."""


@dataclass(frozen=True)
class Verified:
    """A staffing judged on the independent replications.

    Attributes:
        misses: the (pool, interval of the day) that need an agent more (empty: it passes).
        verdicts: the verdicts per check and cell.
        snapshots: the replications behind them.
    """

    misses: set[tuple[int, int]]
    verdicts: Verdicts
    snapshots: list[dict]


class Verifier:
    """Verification on an independent seed, with repair and pruning.

    Args:
        trials: the simulations (shared with the search; another seed, so no overlap).
        judge: the verdicts.
        seed: the verification's root seed (never the search's).
        serves: per pool, the indexes of the contact types it serves.
        progress: called with a line of text after each step (or None).
    """

    def __init__(
        self,
        trials: Trials,
        judge: Judge,
        seed: int,
        serves: list[list[int]],
        progress: Callable[[str], None] | None,
    ):
        self.trials = trials
        self.judge = judge
        self.seed = seed
        self.serves = serves
        self.progress = progress
        self.history: list[str] = []
        self.effort: list[tuple[int, int]] = []  # (staffings, replications) of other trials
        self.most_replications = 0
        self.floor: Floor | None = None

    def verify(
        self,
        asked: list[tuple[np.ndarray, int]],
        first_miss: bool = False,
        base: np.ndarray | None = None,
    ) -> list[Verified]:
        """Judge each (staffing, first cell) on the independent replications, from the
        first cell on (earlier cells are those of a staffing already verified).

        Each cell's verdict is settled at the first replication count (the first, then
        doubled) at which it is not uncertain, or at the most: a function of the staffing
        and the cell alone, so asking again — for more cells, or after other staffings —
        gives the same verdict. Replications are added only while a cell asked about is
        still uncertain — and, with ``first_miss``, only until one is settled as a miss
        (enough to refuse a candidate removal). With ``base`` (the staffing the candidates
        take an agent from), a candidate is also refused as soon as common random numbers
        show it hopeless (:meth:`~ccsim.studies.staffing.verdict.Judge.refused`)."""
        assurance = self.judge.assurance
        start = assurance.first_replications
        base_values = None
        if base is not None:
            most = assurance.max_replications
            snapshots = self.trials.snapshots([(base, self.seed, most)])[0]
            base_values = [check_values(snapshots, c, self.judge.days) for c in self.judge.checks]
            start = min(SCREEN_REPLICATIONS, start)
        reps = [start] * len(asked)
        settled: list[np.ndarray | None] = [None] * len(asked)
        decided: list[np.ndarray | None] = [None] * len(asked)
        results: list[Verified | None] = [None] * len(asked)
        pending = list(range(len(asked)))
        while pending:
            batch = self.trials.snapshots([(asked[k][0], self.seed, reps[k]) for k in pending])
            still = []
            for k, snapshots in zip(pending, batch, strict=True):
                values = [check_values(snapshots, c, self.judge.days) for c in self.judge.checks]
                verdicts = self.judge.verdicts(values, planned=assurance.max_replications)
                first = asked[k][1]
                if base_values is not None:
                    refused = self.judge.refused(values, base_values, first)
                    if refused:
                        results[k] = Verified(refused, verdicts, snapshots)
                        continue
                if reps[k] < assurance.first_replications:  # screened only: now verify
                    reps[k] = assurance.first_replications
                    still.append(k)
                    continue
                held, done = settled[k], decided[k]
                if held is None or done is None:  # both made at the first verification
                    held = settled[k] = np.zeros_like(verdicts.passed)
                    done = decided[k] = np.zeros_like(verdicts.passed)
                last = reps[k] >= assurance.max_replications
                new = ~done & (~verdicts.uncertain | last)
                held[new] = verdicts.passed[new]
                done |= new  # in place: decided[k] is this array
                missed = first_miss and (done & ~held)[:, first:].any()
                if not missed and not done[:, first:].all():
                    reps[k] = min(2 * reps[k], assurance.max_replications)
                    still.append(k)
                    continue
                final = Verdicts(held | ~done, ~held & done, reps[k])
                results[k] = Verified(self.judge.misses(final, first), final, snapshots)
                self.most_replications = max(self.most_replications, reps[k])
            pending = still
        verified = [r for r in results if r is not None]
        assert len(verified) == len(asked), "every staffing asked about has its verdicts"
        return verified

    def settle(
        self, start: np.ndarray, floor: Floor, openings: list[int], erlang: np.ndarray
    ) -> np.ndarray:
        """From the search's answer to the verified, minimal one (module docstring).

        Args:
            start: the search's answer (pools × intervals of the day).
            floor: the steady-state floor, waived nowhere yet.
            openings: intervals of the day that open the centre (may inherit no queue).
            erlang: the pools' own Erlang figures (where agents lifted to the floor go).

        Returns:
            The answer; :attr:`floor` is then the floor it respects (waived at the openings
            that inherit no queue).
        """
        tentative = np.zeros_like(floor.waived)
        tentative[:, openings] = True
        first = self.verify([(floor.waive(tentative).lift(start, erlang), 0)])[0]
        self.floor = floor = floor.waive(self._inherit_nothing(first.snapshots, openings, floor))
        current = floor.lift(start, erlang)
        refused: dict[tuple[int, int], np.ndarray] = {}
        for _ in range(MAX_ROUNDS):
            current = self.repair(current)
            candidates = [
                c
                for c in floor.removable(current)
                if c not in refused or not np.all(current <= refused[c])
            ]
            if not candidates:
                break
            outcomes = self.verify(
                [(without(current, c), self.judge.first_cell(c[1])) for c in candidates],
                first_miss=True,
                base=current,
            )
            passed = []
            for candidate, outcome in zip(candidates, outcomes, strict=True):
                if outcome.misses:
                    refused[candidate] = current.copy()
                else:
                    passed.append(candidate)
            self.note(f"verification down: {len(passed)} of {len(candidates)} agents not needed")
            if not passed:
                break
            chosen = spaced(passed, current, floor)
            while len(chosen) > 1:
                first_cell = self.judge.first_cell(min(i for _p, i in chosen))
                together = [(without(current, *chosen), first_cell)]
                if not self.verify(together, first_miss=True, base=current)[0].misses:
                    break
                chosen = chosen[::2]
            current = without(current, *chosen)
        return current

    def repair(self, current: np.ndarray) -> np.ndarray:
        """Verify ``current``; one agent more wherever the independent replications miss,
        until they miss nowhere."""
        for _ in range(MAX_ROUNDS):
            misses = self.verify([(current, 0)])[0].misses
            if not misses:
                return current
            current = add_agents(current, misses)
            self.note(f"verification up: +1 agent in {len(misses)} (pool, interval)s")
        raise out_of_reach()

    def _inherit_nothing(
        self, snapshots: list[dict], openings: list[int], floor: Floor
    ) -> np.ndarray:
        """Per group of pools and interval of the day: an opening at which nobody of the
        group's contact types waits in at least :data:`EMPTY_OPENINGS` of the replications."""
        waived = np.zeros(floor.waived.shape, dtype=bool)
        per_day = floor.waived.shape[1]  # the same shape as waived's
        waiting = np.stack([s["waiting_at_start"] for s in snapshots])  # reps × types × ints
        for g, pools in enumerate(floor.groups):
            types = sorted({t for p in pools for t in self.serves[p]})
            for i in openings:
                at_opening = waiting[:, types, i::per_day].sum(axis=1)  # reps × days
                waived[g, i] = np.mean(at_opening == 0) >= EMPTY_OPENINGS
        return waived

    def note(self, text: str) -> None:
        self.history.append(text)
        if self.progress is not None:
            self.progress(text)
