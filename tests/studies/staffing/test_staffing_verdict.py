"""The verdicts behind ``ccsim staff`` (ccsim.studies.staffing.verdict, staffing_contract,
staffing_verification), checked on data whose truth is known.

The prediction bound is tested for what it promises — a re-run rarely fails an accepted
interval — by Monte Carlo on normal and Bernoulli data; the Wilson interval against its
textbook values; the verification's repair-and-prune loop on a synthetic centre whose
service level per agent is known exactly.
"""

import math

import numpy as np
import pytest
from scipy import stats

from ccsim.studies.staffing.contract import critical_share, wilson
from ccsim.studies.staffing.floor import Floor
from ccsim.studies.staffing.targets import Check
from ccsim.studies.staffing.verdict import Assurance, Judge
from ccsim.studies.staffing.verification import Verifier

LEVEL = Check("service_level", "type", "voice", 0, 0.8, False, 0)
TRIALS = 20_000


def judge_one_cell(confidence=None):
    """One check, one interval, 95 % assurance: a false acceptance at most 5 % of the time."""
    return Judge([LEVEL], Assurance(), confidence, days=1, per_day=1)


@pytest.mark.parametrize("shift", [-0.5, 0.0, 0.2, 0.4, 0.6, 1.0])
def test_an_accepted_interval_rarely_fails_the_planners_re_run(shift):
    """Normal replications (mean 0.8 + shift·σ): P(accepted and the 40-replication re-run's
    mean below the target) stays within the 5 % promised, wherever the truth lies."""
    rng = np.random.default_rng(7)
    sigma, n, rerun = 0.12, 40, 40
    mean = 0.8 + shift * sigma
    verification = rng.normal(mean, sigma, (n, TRIALS))
    judge = judge_one_cell()
    passed, _hopeless = judge._on_mean(LEVEL, verification, growth=2.0, scale=1.0)
    re_run = rng.normal(mean, sigma / math.sqrt(rerun), TRIALS)
    both = np.mean(passed & (re_run < 0.8))
    assert both <= 0.05 + 3 * math.sqrt(0.05 * 0.95 / TRIALS), both
    if shift >= 1.0:
        assert passed.mean() > 0.95  # a comfortable interval is accepted


@pytest.mark.parametrize("p", [0.8, 0.9, 0.95, 0.98])
def test_an_accepted_share_rarely_fails_the_planners_re_run(p):
    """Days on target drawn with probability p: P(accepted and the re-run's share has a
    Wilson interval wholly below 90 %) stays near the 5 % promised."""
    rng = np.random.default_rng(11)
    n, rerun = 80, 40
    met = (rng.random((n, 1, TRIALS)) < p).astype(float)
    judge = judge_one_cell(confidence=0.9)
    passed, _hopeless = judge._on_share(LEVEL, met, growth=1.0, scale=1.0)
    re_run = rng.binomial(rerun, p, TRIALS) / rerun
    fails = re_run < critical_share(0.9, rerun)
    both = np.mean(passed & fails)
    assert both <= 0.06, both  # the normal approximation of a binomial: a little slack
    if p >= 0.98:
        assert passed.mean() > 0.9


def test_wilson_matches_the_textbook_and_critical_share_is_the_edge():
    low, high = wilson(8, 10)  # Newcombe (1998), table I: 0.4902 to 0.9433
    assert (round(low, 4), round(high, 4)) == (0.4902, 0.9433)
    assert wilson(0, 40)[0] == 0.0 and wilson(40, 40)[1] == 1.0
    edge = critical_share(0.9, 40)
    k = round(edge * 40)
    assert wilson(k, 40)[1] >= 0.9 > wilson(k - 1, 40)[1]


def test_the_bound_uses_students_t_and_the_re_run_size():
    """An interval 0.9 of the way to the bound for a 40-replication re-run is refused; a
    larger re-run is a smaller noise to survive, and accepts it."""
    rng = np.random.default_rng(3)
    z = rng.normal(size=(40, 1))
    z = (z - z.mean()) / z.std(ddof=1)  # mean exactly 0, s.d. exactly 1
    s = 0.1
    needed = stats.t.ppf(0.95, 39) * s * math.sqrt(1 / 40 + 1 / 40)
    values = 0.8 + 0.9 * needed + s * z
    assert not judge_one_cell()._on_mean(LEVEL, values, 1.0, 1.0)[0][0]
    assert judge_one_cell()._on_mean(LEVEL, values + 0.11 * needed, 1.0, 1.0)[0][0]
    bigger = Judge([LEVEL], Assurance(rerun_replications=400), None, 1, 1)
    assert bigger._on_mean(LEVEL, values, 1.0, 1.0)[0][0]


def test_a_candidate_plainly_needed_is_refused_on_common_random_numbers():
    judge = Judge([LEVEL], Assurance(), None, days=1, per_day=3)
    rng = np.random.default_rng(5)
    base = rng.normal(0.92, 0.05, (80, 1, 3))
    same = base[:10].copy()
    worse = base[:10].copy()
    worse[:, 0, 1] -= 0.15  # one agent fewer in interval 1 costs 15 points there
    assert judge.refused([same], [base], first_cell=0) == set()
    assert judge.refused([worse], [base], first_cell=0) == {(0, 1)}
    assert judge.refused([worse], [base], first_cell=2) == set()  # before its first cell


def floor_of(agents):
    """A one-pool floor (one group), waived nowhere."""
    agents = np.array(agents)
    return Floor([[0]], agents, np.zeros(agents.shape, dtype=bool))


class SyntheticCentre:
    """A stand-in for the simulation: in interval i, a replication's service level is
    normal with mean ``0.5 + 0.04 × agents`` and s.d. 0.08, independent across intervals
    and replications; at the opening, ``waiting_at_opening`` contacts wait."""

    def __init__(self, waiting_at_opening=0.0):
        self.staffings = self.replications = 0
        self.waiting_at_opening = waiting_at_opening

    def snapshots(self, asked):
        result = []
        for staffing, seed, count in asked:
            agents = np.asarray(staffing, float)[0]
            levels = []
            for r in range(count):
                noise = np.random.default_rng([seed, r]).normal(0, 0.08, len(agents))
                levels.append(
                    {
                        "service_level": (0.5 + 0.04 * agents + noise)[None, :],
                        "waiting_at_start": np.array(
                            [[self.waiting_at_opening] + [0.0] * (len(agents) - 1)]
                        ),
                    }
                )
            result.append(levels)
            self.replications += count
        return result


def test_the_verification_settles_on_the_fewest_agents_that_pass():
    """Each interval needs the fewest agents whose mean clears the bound (about
    0.8 + 2.3 × 0.08 × √(1/40 + 1/80) ≈ 0.835 at 80 replications, 0.842 at 40): 9 agents
    (mean 0.86), not 8 (0.82)."""
    judge = Judge([LEVEL], Assurance(), None, days=1, per_day=4)
    verifier = Verifier(SyntheticCentre(), judge, seed=99, serves=[[0]], progress=None)
    start = np.array([[6, 14, 10, 9]])  # too few, too many, right, one short
    answer = verifier.settle(start, floor_of([[3, 3, 3, 3]]), openings=[0], erlang=start)
    assert answer.tolist() == [[9, 9, 9, 9]]
    assert verifier.floor.waived.tolist() == [[True, False, False, False]]
    assert verifier.most_replications <= Assurance().max_replications
    assert any(line.startswith("verification up") for line in verifier.history)
    assert any(line.startswith("verification down") for line in verifier.history)


def test_the_floor_holds_unless_the_opening_inherits_no_queue():
    judge = Judge([LEVEL], Assurance(), None, days=1, per_day=4)
    verifier = Verifier(SyntheticCentre(), judge, seed=99, serves=[[0]], progress=None)
    floor = floor_of([[12, 12, 3, 3]])  # the Erlang figure asks more than the need
    start = np.array([[10, 10, 10, 10]])
    answer = verifier.settle(start, floor, openings=[0], erlang=start)
    assert answer.tolist() == [[9, 12, 9, 9]]  # the empty opening may go below it
    # Callers already waiting at the opening (say, after-hours callers): the floor holds.
    queued = Verifier(SyntheticCentre(2.0), judge, seed=99, serves=[[0]], progress=None)
    answer = queued.settle(start, floor, openings=[0], erlang=start)
    assert answer.tolist() == [[12, 12, 9, 9]] and not queued.floor.waived.any()
