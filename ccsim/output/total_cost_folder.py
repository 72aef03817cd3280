"""The folder of ``ccsim staff --objective total-cost``.

The answer's results folder (``scenario.yaml`` with the answer's staffing, ``summary.json``,
``intervals.csv``, the report), plus ``total_cost.csv`` — every staffing tried with its agent
cost, churn cost and total — and ``total_cost.json`` — the start, the answer and the
difference in words. The report's customer-experience section draws the cost curve from
``total_cost.csv`` (:mod:`ccsim.output.experience`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from ccsim.jsonable import json_value
from ccsim.output.experience import CURVE_FILE
from ccsim.output.run_folder import staged_folder, write_run_files
from ccsim.studies.staffing.total_cost import TotalCostPlan


def total_cost_summary(plan: TotalCostPlan) -> dict:
    """``total_cost.json``: the start, the answer, the difference and every staffing tried."""
    return json_value(
        {
            "objective": "total-cost",
            "replications": plan.replications,
            "max_replications": plan.max_replications,
            "seed": plan.seed,
            "start_kind": plan.start_kind,
            "start": {p: plan.start[p].tolist() for p in plan.pools},
            "answer": {p: v.tolist() for p, v in plan.staffing().items()},
            "start_costs": plan.start_point.as_dict(plan.pools),
            "answer_costs": plan.best.as_dict(plan.pools),
            "explanation": plan.explanation(),
            "changes": plan.changes(),
            "verification": {
                "seed": plan.verification.seed,
                "replications": plan.verification.replications,
                "start_costs": plan.verification.start.as_dict(plan.pools),
                "answer_costs": plan.verification.answer.as_dict(plan.pools),
                "difference": plan.verification.difference.difference,
                "difference_half_width": plan.verification.difference.half_width,
            },
            "moves_judged": len(plan.moves),
            "moves_made": sum(m.accepted for m in plan.moves),
            "tried": [p.as_dict(plan.pools) for p in plan.points],
        }
    )


def write_total_cost(plan: TotalCostPlan, destination: Path) -> Path:
    """The answer's results folder, with the search's ``total_cost.csv`` and ``.json``."""
    destination = Path(destination)
    with staged_folder(destination) as staging:
        rows = pd.DataFrame([p.as_dict(plan.pools) for p in plan.points])
        rows["answer"] = [p.staffing == plan.best.staffing for p in plan.points]
        rows.to_csv(staging / CURVE_FILE, index=False, float_format="%.6g")
        (staging / "total_cost.json").write_text(
            json.dumps(total_cost_summary(plan), indent=1) + "\n", encoding="utf-8"
        )
        write_run_files(plan.result, staging)  # its report reads total_cost.csv
    return destination
