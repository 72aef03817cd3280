"""The staffing optimiser (``ccsim staff``): answers that hold on fresh days.

Checked against theory (a steady single queue needs the Erlang C minimum, ±1 agent), against
the contract a planner checks — the written scenario run again with a seed unrelated to the
search's and 40 replications meets every target in every interval — on a one-pool day, a
multi-skill centre with an abandonment cap and shrinkage, a rostered day and staffing for
risk with a busyness factor; for minimality in expectation (one agent fewer anywhere makes a
fresh-seed verification miss there or later); for hours that reconcile; and for what the
console, staffing.csv/json and the HTML report say, misses included.
"""

import json
import math
from functools import partial

import numpy as np
import pandas as pd
import pytest
import yaml

import ccsim
from ccsim.analytic import erlang
from ccsim.experiment.executors import make_executor
from ccsim.experiment.replications import run_experiment
from ccsim.studies.staffing.contract import contract
from ccsim.studies.staffing.optimiser import (
    Assurance,
    StaffingError,
    Targets,
    _scheduled_matrix,
    optimise_staffing,
    with_absence,
)
from ccsim.studies.staffing.search import without
from ccsim.studies.staffing.trials import Trials
from ccsim.studies.staffing.verdict import Judge, check_values

DAY_RATES = [40, 70, 110, 130, 120, 90, 100, 60]

FRESH_SEEDS = (90210, 777)
"""Seeds of the planner's re-runs: unrelated to the search's (the scenario's) and to the
verification's and confirmation's (derived from it)."""


def day_scenario(**pool):
    return ccsim.load_scenario(
        {
            "name": "day",
            "horizon": {"days": 1, "interval": "60min", "open": "08:00", "close": "16:00"},
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": DAY_RATES},
                    "handle_time": {"distribution": "exponential", "mean": "3min"},
                    "patience": {"distribution": "exponential", "mean": "2min"},
                    "service_level": {"threshold": "20s", "target": 0.8},
                }
            },
            "pools": {"agents": {"serves": ["voice"], "staffing": 5, **pool}},
            "experiment": {"seed": 17},
        }
    )


@pytest.fixture(scope="module")
def executor():
    with make_executor(2, "", 100) as pool:
        yield pool


@pytest.fixture(scope="module")
def day_plan(executor):
    return optimise_staffing(day_scenario(cost_per_hour=20), executor=executor)


def rerun(scenario, seed, executor, replications=40):
    """The planner's check: the written scenario, another seed, 40 replications."""
    return run_experiment(
        scenario, replications=replications, seed=seed, keep_records=False, executor=executor
    )


def assert_contract(scenario, targets, executor, seeds=FRESH_SEEDS):
    """Every (contact type, interval): mean on the right side of every target, no 95 %
    interval wholly on the wrong side (with a confidence: the share of days, within its
    sampling error)."""
    from ccsim.studies.staffing.targets import staffing_checks

    for seed in seeds:
        rows = contract(
            rerun(scenario, seed, executor), staffing_checks(scenario, targets), targets.confidence
        )
        assert rows
        missed = [
            (r["check"].name, r["check"].measure, r["day"], r["interval"], round(r["value"], 4))
            for r in rows
            if not r["meets"] or r["significant"]
        ]
        assert not missed, f"seed {seed}: {missed}"


def test_a_steady_single_queue_needs_the_erlang_c_minimum(executor):
    """M/M/c in steady state (one 24-hour interval per day): the answer is Erlang C's."""
    scenario = ccsim.load_scenario(
        {
            "horizon": {
                "days": 2,
                "interval": "24h",
                "open": "00:00",
                "close": "24:00",
                "warmup": "1h",
            },
            "contact_types": {
                "voice": {
                    "arrivals": {"rate_per_hour": 200},
                    "handle_time": {"distribution": "exponential", "mean": "3min"},
                    "service_level": {"threshold": "20s", "target": 0.8},
                }
            },
            "pools": {"agents": {"serves": ["voice"], "staffing": 20}},
            "experiment": {"seed": 4},
        }
    )
    plan = optimise_staffing(scenario, replications=6, confirm_replications=4, executor=executor)
    theory = erlang.fewest_agents(arrival_rate=200 / 3600, aht=180, threshold=20, target=0.8)
    below = erlang.analyse(arrival_rate=200 / 3600, aht=180, threshold=20, agents=theory.agents - 1)
    assert below.service_level < 0.8 <= theory.service_level
    assert abs(int(plan.required["agents"][0]) - theory.agents) <= 1
    assert plan.erlang["agents"][0] == theory.agents


def test_the_answer_holds_on_fresh_re_runs(day_plan, executor):
    assert_contract(day_plan.scenario, day_plan.targets, executor)
    assert not day_plan.misses()


def test_the_search_verification_and_confirmation_use_independent_seeds(day_plan):
    seeds = day_plan.seeds
    assert seeds["search"] == 17  # the scenario's
    assert len({seeds["search"], seeds["verification"], seeds["confirmation"]}) == 3
    assert day_plan.confirmation.scenario.experiment.seed == seeds["confirmation"]
    assert day_plan.effort["verification"].replications >= 40  # judged on its own numbers


def test_the_answer_is_minimal_in_expectation(day_plan, executor):
    """One agent fewer in any interval above its floor: a verification with fresh random
    numbers (common to the answer and the candidate, as many replications as the method's
    most) misses there or later — or at least does not clearly pass (2 standard errors)."""
    from scipy import stats

    required = np.array([day_plan.required["agents"]])
    judge = Judge(day_plan.checks, day_plan.assurance, None, 1, len(DAY_RATES))
    trials = Trials(partial(_scheduled_matrix, day_plan.scenario, day_plan.absence), executor)
    most = day_plan.assurance.max_replications
    candidates = [i for _pool, i in day_plan.floor.removable(required)]
    assert candidates  # some intervals sit above their floor
    snapshots = trials.snapshots([(without(required, (0, i)), 4242, most) for i in candidates])
    t = stats.t.ppf(1 - judge.tail, most - 1)
    failed = 0
    for i, candidate in zip(candidates, snapshots, strict=True):
        values = check_values(candidate, day_plan.checks[0], 1)[:, 0, :]
        mean, sd = values.mean(axis=0), values.std(axis=0, ddof=1)
        slack = mean - 0.8 - t * sd * math.sqrt(1 / 40 + 1 / most)
        in_se = slack[i:] / (sd[i:] / math.sqrt(most))
        assert in_se.min() < 2.0, f"interval {i}: an agent could go ({in_se.round(2)})"
        failed += bool(in_se.min() < 0)
    assert failed >= len(candidates) / 2


def test_the_answer_never_goes_below_the_erlang_floor_but_at_an_empty_opening(day_plan):
    required, floor = day_plan.required["agents"], day_plan.erlang["agents"]
    # One pool serving one type: the floor is that type's own per-interval Erlang figure.
    assert day_plan.floor.groups == [[0]]
    assert list(day_plan.floor.agents[0]) == list(floor)
    waived = day_plan.floor.waived[0]
    assert np.all((required >= floor) | waived)
    assert not waived[1:].any()  # only the opening may inherit no queue
    assert waived[0]  # nobody waits at 08:00: the centre was closed and nobody called


def test_a_continuous_centre_keeps_the_floor_everywhere(executor):
    spec = day_scenario().resolved()
    spec["horizon"] = {"days": 1, "interval": "3h", "open": "00:00", "close": "24:00"}
    spec["contact_types"]["voice"]["arrivals"] = {
        "rate_per_hour": [60, 40, 100, 140, 140, 120, 100, 80]
    }
    plan = optimise_staffing(ccsim.load_scenario(spec), confirm_replications=4, executor=executor)
    assert not plan.floor.waived.any()
    assert np.all(plan.required["agents"] >= plan.erlang["agents"])


def test_the_answer_follows_the_load_and_reports_erlang_beside(day_plan):
    required = day_plan.required["agents"]
    assert np.argmax(required) == np.argmax(DAY_RATES)
    table = day_plan.table()
    assert list(table["erlang_agents"]) == list(day_plan.erlang["agents"])
    assert set(table["verdict"]) == {"meets"}
    totals = day_plan.totals()
    assert totals["required_agent_hours"] == pytest.approx(required.sum())
    assert totals["scheduled_agent_hours"] == pytest.approx(required.sum())  # no shrinkage
    assert totals["scheduled_cost"] == pytest.approx(20 * required.sum())


def test_hours_reconcile_with_shrinkage_and_absenteeism(executor):
    """Required on the phones → to schedule (grossed up for both) → the written scenario,
    which takes them off again; the confirmation pays the scheduled hours less absentees."""
    plan = optimise_staffing(
        day_scenario(cost_per_hour=20),
        shrinkage=0.25,
        absenteeism=0.1,
        executor=executor,
    )
    required, scheduled = plan.required["agents"], plan.scheduled["agents"]
    assert list(scheduled) == [math.ceil(r / (0.75 * 0.9) - 1e-9) for r in required]
    pool = plan.scenario.pools["agents"]
    assert pool.staffing == [int(s) for s in scheduled]
    assert (pool.shrinkage, pool.absenteeism) == (0.25, 0.1)
    totals = plan.totals()
    assert totals["scheduled_agent_hours"] == pytest.approx(scheduled.sum())
    assert totals["expected_paid_hours"] == pytest.approx(0.9 * scheduled.sum())
    paid = plan.confirmation.summary()["overall"]["agent_hours"]
    overtime = plan.confirmation.summary()["overall"]["overtime_hours"]["mean"]
    # Absences are random: the scheduled hours less absentees, within the run's interval.
    assert paid["low"] - 1 <= totals["expected_paid_hours"] + overtime <= paid["high"] + 1
    # The schedule holds: absentees and shrinkage are in every replication judged.
    assert_contract(plan.scenario, plan.targets, executor, seeds=(90210,))


def test_an_abandonment_cap_is_met_on_fresh_days(executor):
    targets = Targets(service_level=False, max_abandon=0.03)
    plan = optimise_staffing(day_scenario(), targets, confirm_replications=20, executor=executor)
    assert {c.measure for c in plan.checks} == {"abandon_rate"}
    assert_contract(plan.scenario, targets, executor, seeds=(90210,))


def test_bad_targets_and_options_are_explained():
    with pytest.raises(StaffingError, match="--confidence"):
        Targets(confidence=1.5)
    with pytest.raises(StaffingError, match="--confidence.*below 1"):
        Targets(confidence=1.0)
    with pytest.raises(StaffingError, match="no target"):
        Targets(service_level=False)
    with pytest.raises(StaffingError, match="--max-asa"):
        Targets(max_asa=-1)
    with pytest.raises(StaffingError, match="--rerun-reps"):
        Assurance(rerun_replications=1)
    with pytest.raises(StaffingError, match="--assurance"):
        Assurance(probability=1.0)
    with pytest.raises(StaffingError, match="--absenteeism"):
        with_absence(day_scenario(), None, 1.0)
    with pytest.raises(StaffingError, match="--shrinkage"):
        with_absence(day_scenario(), -0.1, None)


def write(scenario, path):
    path.write_text(yaml.safe_dump(scenario.resolved()))
    return path


def test_ccsim_staff_writes_the_answer(cli, tmp_path):
    path = write(day_scenario(), tmp_path / "day.yaml")
    out = tmp_path / "staff"
    result = cli("staff", path, "--jobs", 1, "--shrinkage", 0.25, "--out", out, "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.output)
    required = summary["required"]["agents"]
    assert summary["scheduled"]["agents"] == [math.ceil(r / 0.75 - 1e-9) for r in required]
    assert summary["meets_all"] and summary["misses"] == []
    assert summary["shrinkage"] == {"agents": 0.25}
    assert {v["contact_type"] for v in summary["verdicts"]} == {"voice"}
    files = {p.name for p in out.iterdir()}
    assert {
        "staffing.csv",
        "staffing.json",
        "scenario.yaml",
        "summary.json",
        "report.html",
    } <= files
    # The folder's scenario is the written one: `ccsim run` on it repeats the answer.
    staffed = ccsim.load_scenario(out / "scenario.yaml")
    assert staffed.pools["agents"].staffing == summary["scheduled"]["agents"]
    assert staffed.pools["agents"].shrinkage == 0.25
    columns = (out / "staffing.csv").read_text().splitlines()[0].split(",")
    for column in (
        "required_agents",
        "scheduled_agents",
        "contact_type",
        "service_level",
        "verdict",
    ):
        assert column in columns


def test_misses_are_listed_and_strict_fails(cli, tmp_path):
    """An answer asked to survive almost nothing (a huge re-run, 50 % assurance) misses in a
    small confirmation: the console names every miss, the report too, and --strict fails."""
    path = write(day_scenario(), tmp_path / "day.yaml")
    lax = [
        "--seed",
        1,
        "--rerun-reps",
        100000,
        "--assurance",
        0.5,
        "--confirm-reps",
        4,
        "--jobs",
        1,
    ]
    result = cli("staff", path, *lax, "--out", tmp_path / "lax")
    assert result.exit_code == 0, result.output
    line = (
        "2 intervals miss in the confirmation run: voice 14:00 (79.8 % vs 80 %), "
        "voice 15:00 (77.1 % vs 80 %)"
    )
    assert line in " ".join(result.output.split())  # the last line, whatever the width
    rows = [r for r in result.output.splitlines() if r.startswith("│") and "misses" in r]
    assert len(rows) == 2 and "14:00" in rows[0] and "15:00" in rows[1]
    page = (tmp_path / "lax" / "report.html").read_text()
    assert "voice 14:00 (79.8 % vs 80 %)" in page
    assert "the fewest agents that meet the targets" not in page
    strict = cli("staff", path, *lax, "--strict", "--out", tmp_path / "strict")
    assert strict.exit_code == 1
    assert cli("staff", path, "--jobs", 1, "--strict", "--out", tmp_path / "ok").exit_code == 0


def test_bad_staff_options_are_user_errors(cli, tmp_path):
    from cli_checks import assert_user_error

    path = write(day_scenario(), tmp_path / "day.yaml")
    assert_user_error(cli("staff", path, "--confidence", 2), "--confidence")
    assert_user_error(cli("staff", path, "--assurance", 1.2), "--assurance")
    assert_user_error(cli("staff", path, "--absenteeism", 1), "--absenteeism")
    assert_user_error(cli("staff", path, "--rerun-reps", 1), "--rerun-reps")


@pytest.mark.slow
def test_default_day_holds_on_fresh_re_runs(cli, tmp_path, executor):
    out = tmp_path / "staff"
    result = cli("staff", "scenarios/default-day.yaml", "--out", out)
    assert result.exit_code == 0, result.output
    summary = json.loads((out / "staffing.json").read_text())
    written = ccsim.load_scenario(out / "scenario.yaml")
    assert_contract(written, Targets(), executor)
    required, floor = summary["required"]["agents"], summary["floor"][0]["agents"]
    allowed = summary["floor"][0]["waived_at"]
    assert set(allowed) <= {"08:00"}
    assert all(
        r >= e for k, (r, e) in enumerate(zip(required, floor, strict=True)) if k or not allowed
    )


@pytest.mark.slow
def test_two_pools_with_an_abandonment_cap_holds_and_shows_every_type(cli, tmp_path, executor):
    out = tmp_path / "staff"
    result = cli(
        "staff", "scenarios/two-pools.yaml", "--max-abandon", 0.05, "--shrinkage", 0.3, "--out", out
    )
    assert result.exit_code == 0, result.output
    written = ccsim.load_scenario(out / "scenario.yaml")
    assert {p.shrinkage for p in written.pools.values()} == {0.3}
    assert_contract(written, Targets(max_abandon=0.05), executor)
    # The second pool's own contact type, its service level and the abandonment cap, shown.
    billing = [r for r in result.output.splitlines() if "billing_team" in r]
    assert len(billing) == 8
    assert all("billing" in r.split("billing_team", 1)[1] and "%" in r for r in billing)
    assert "abandoned (≤ 5 %)" in result.output
    table = pd.read_csv(out / "staffing.csv")
    assert set(table.loc[table["pool"] == "billing_team", "contact_type"]) == {"billing"}
    assert set(table.loc[table["pool"] == "sales_team", "contact_type"]) == {"sales"}
    assert np.isfinite(table["service_level"]).all() and np.isfinite(table["abandon_rate"]).all()
    page = (out / "report.html").read_text()
    assert page.count("billing_team") >= 8 and "abandoned (≤ 5 %)" in page
    # The two pools share sales: together never below the Erlang figure of their pooled load.
    summary = json.loads((out / "staffing.json").read_text())
    (group,) = summary["floor"]
    assert sorted(group["pools"]) == ["billing_team", "sales_team"]
    together = np.add(summary["required"]["sales_team"], summary["required"]["billing_team"])
    waived = [k == 0 and "09:00" in group["waived_at"] for k in range(8)]
    assert all(t >= f or w for t, f, w in zip(together, group["agents"], waived, strict=True))
    # Hours: to schedule = required / 0.7; the confirmation pays about the scheduled hours.
    for pool, required in summary["required"].items():
        assert summary["scheduled"][pool] == [math.ceil(r / 0.7 - 1e-9) for r in required]
    totals = summary["totals"]
    paid = totals["confirmation_agent_hours"] - totals["confirmation_overtime_hours"]
    assert paid == pytest.approx(totals["scheduled_agent_hours"], rel=0.01)


@pytest.mark.slow
def test_a_chosen_roster_holds_on_fresh_re_runs(cli, tmp_path, executor):
    out = tmp_path / "staff"
    result = cli("staff", "scenarios/shifts-day.yaml", "--shifts", "--out", out)
    assert result.exit_code == 0, result.output
    written = ccsim.load_scenario(out / "scenario.yaml")
    pool = written.pools["agents"]
    assert pool.shifts is not None and (pool.absenteeism, pool.shrinkage) == (0.05, 0.1)
    assert_contract(written, Targets(), executor)
    summary = json.loads((out / "staffing.json").read_text())
    required, scheduled = summary["required"]["agents"], summary["scheduled"]["agents"]
    assert scheduled == [math.ceil(r / (0.9 * 0.95) - 1e-9) for r in required]
    t = summary["totals"]
    assert t["required_agent_hours"] < t["scheduled_agent_hours"] < t["roster_paid_hours"]
    for line in ("Required on the phones:", "To schedule:", "Paid in the chosen roster:"):
        assert line in result.output


@pytest.mark.slow
def test_staffing_for_risk_holds_on_fresh_days_with_a_busyness_factor(executor):
    """With a daily busyness factor, meeting the target on 90 % of days: on fresh days the
    share of (replication, day) pairs on target is at least 90 % within its sampling error,
    in every interval — and it costs more agents than meeting it on average."""
    spec = day_scenario().resolved()
    spec["forecast"] = {"busyness_cv": 0.2}
    busy = ccsim.load_scenario(spec)
    for_risk = optimise_staffing(
        busy, Targets(confidence=0.9), confirm_replications=20, executor=executor
    )
    assert_contract(for_risk.scenario, Targets(confidence=0.9), executor)
    # What was targeted is shown: the share of days on target, per interval.
    from ccsim.output.staffing_display import table_columns_rows
    from ccsim.output.staffing_folder import staffing_summary

    table = for_risk.table()
    assert (table["days_meeting_service_level"] >= 0.75).all()
    columns, rows = table_columns_rows(table, staffing_summary(for_risk))
    assert "days on SL target" in columns
    assert all(row[columns.index("days on SL target")].endswith("%") for row in rows)
    on_average = optimise_staffing(busy, confirm_replications=4, executor=executor)
    assert for_risk.required["agents"].sum() > on_average.required["agents"].sum()
    assert np.all(for_risk.required["agents"] >= on_average.required["agents"] - 1)
