"""The experience measures through the commands: run, sweep and staff --objective total-cost."""

from __future__ import annotations

import json

import pandas as pd
import pytest

pytestmark = pytest.mark.slow


def test_run_shows_and_writes_the_experience_measures(cli, tmp_path):
    out = tmp_path / "run"
    result = cli("run", "customer-experience", "--reps", "2", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "Customer experience" in result.output and "customers lost" in result.output
    summary = json.loads((out / "summary.json").read_text())
    for name in ("customers_lost", "revenue_at_risk", "effort_score", "total_cost"):
        assert summary["overall"][name]["mean"] > 0
    assert summary["by_channel"]["chat"]["bad_contact_share"]["mean"] > 0
    intervals = pd.read_csv(out / "intervals.csv")
    types = intervals[intervals["kind"] == "type"]
    assert types["customers_lost"].notna().all()
    assert types.groupby("interval")["customers_lost"].sum().gt(0).any()
    assert "Customer experience" in (out / "report.html").read_text()


def test_a_run_without_the_block_shows_nothing_of_it(cli, tmp_path):
    result = cli("run", "erlang-c", "--reps", "2", "--out", str(tmp_path / "run"))
    assert result.exit_code == 0, result.output
    assert "Customer experience" not in result.output
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert "customers_lost" not in summary["overall"]


def test_sweep_prices_staffing(cli, tmp_path):
    result = cli(
        "sweep", "customer-experience", "--grid", "pools.phones.staffing=6,8",
        "--measure", "customers_lost", "--reps", "2", "--jobs", "1",
        "--out", str(tmp_path / "sweep"), "--json",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    rows = json.loads(result.stdout)  # the folder and any note go to stderr
    lost = [row["overall.customers_lost"] for row in rows]
    assert lost[0] > lost[1]


def test_staff_total_cost_writes_the_answer_and_the_curve(cli, tmp_path):
    out = tmp_path / "staff"
    result = cli(
        "staff", "customer-experience", "--objective", "total-cost", "--reps", "2",
        "--max-reps", "2", "--confirm-reps", "10", "--jobs", "1", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "least total cost" in result.output and "target-driven" in result.output
    assert "fresh seed" in result.output
    curve = pd.read_csv(out / "total_cost.csv")
    assert len(curve) >= 3
    saved = json.loads((out / "total_cost.json").read_text())
    # The answer is the staffing the paired moves ended on, flagged in the curve.
    answer = curve[curve["answer"]]
    assert len(answer) == 1
    assert saved["answer_costs"]["total_cost"] == pytest.approx(
        answer["total_cost"].iloc[0], rel=1e-5
    )
    assert saved["answer_costs"]["total_cost"] <= saved["start_costs"]["total_cost"]
    fresh = saved["verification"]
    assert fresh["replications"] == 10 and fresh["seed"] != saved["seed"]
    assert fresh["answer_costs"]["total_cost"] > 0
    assert "agent cost and churn cost" in (out / "report.html").read_text()


def test_staff_total_cost_needs_a_price(cli, tmp_path):
    result = cli("staff", "erlang-c", "--objective", "total-cost", "--out", str(tmp_path / "s"))
    assert result.exit_code == 2
    assert "experience" in result.output
