"""What a projection shows: the console table, and the results folder.

The folder (``intraday-<scenario>-<time>/``) holds:

* ``intervals.csv`` — per plan, interval left, group and measure: median, p10, p90;
* ``differences.csv`` — per what-if, group and measure over the rest of the day: the paired
  difference from the plan (mean, 95 % CI, median, 80 % band);
* ``intraday.json`` — everything above, with the state's time, the re-forecast and the
  measured answer time;
* ``fan.png`` — the fan charts (median and 80 % band of the plan; each what-if's median);
* ``report.html`` — a one-page report of the same.

The intraday layer sits below :mod:`ccsim.output`, so the folder is written here with the
foundations' atomic writer: every file is written to a hidden staging folder first, which is
renamed into place only when all are written.
"""

from __future__ import annotations

import html
import json
import math
import shutil
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from ccsim.intraday.measures import CONTACT_MEASURES, POOL_MEASURES
from ccsim.intraday.projection import PLAN, Projection
from ccsim.jsonable import json_value
from ccsim.units import DAY, format_clock

LABELS = {
    "offered": "offered",
    "service_level": "service level",
    "asa": "ASA (s)",
    "abandon_rate": "abandonment",
    "occupancy": "occupancy",
}
SHARES = ("service_level", "abandon_rate", "occupancy")


def _clock(seconds: float) -> str:
    return format_clock(float(seconds) % DAY)


def _value(measure: str, x: float) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    if measure in SHARES:
        return f"{100 * x:.1f} %"
    return f"{x:.0f}"


def interval_table(p: Projection) -> pd.DataFrame:
    """One row per plan, interval left, group and measure: median, p10 and p90."""
    rows = []
    for plan in p.plans:
        for measure in CONTACT_MEASURES + POOL_MEASURES:
            for group in p.groups[measure]:
                median, low, high = p.fan(plan, measure, group)
                for i, start in enumerate(p.starts):
                    rows.append(
                        {
                            "plan": plan,
                            "interval": _clock(start),
                            "partial": bool(i == 0 and start < p.time),
                            "group": group,
                            "measure": measure,
                            "median": median[i],
                            "p10": low[i],
                            "p90": high[i],
                        }
                    )
    return pd.DataFrame(rows)


def difference_table(p: Projection) -> pd.DataFrame:
    """Per plan, group and measure over the rest of the day: the plan's median and band,
    and (for a what-if) the paired difference from the plan."""
    rows = []
    for plan in p.plans:
        for measure in CONTACT_MEASURES + POOL_MEASURES:
            for group in p.groups[measure]:
                median, low, high = p.total(plan, measure, group)
                row: dict[str, object] = {"plan": plan, "group": group, "measure": measure}
                row.update({"median": median, "p10": low, "p90": high})
                if plan != PLAN:
                    diff = p.difference(plan, measure, group)
                    row.update({f"difference_{k}": v for k, v in diff.items()})
                rows.append(row)
    return pd.DataFrame(rows)


def summary(p: Projection, scenario_name: str) -> dict:
    """The projection as plain JSON values."""
    return json_value(
        {
            "scenario": scenario_name,
            "state_time": _clock(p.time),
            "state_day": int(p.time // DAY),
            "replications": p.replications,
            "seed": p.seed,
            "answer_seconds": round(p.seconds, 3),
            "reforecast": {
                name: {
                    "actual": r.actual,
                    "forecast": r.forecast,
                    "prior_contacts": r.prior,
                    "factor": r.factor,
                    "band_80": list(r.band()),
                }
                for name, r in p.reforecasts.items()
            },
            "rest_of_day": difference_table(p).to_dict(orient="records"),
            "intervals": interval_table(p).to_dict(orient="records"),
        }
    )


def console_text(p: Projection) -> str:
    """The console view: the re-forecast, the rest of the day per plan with its paired
    difference, and the plan's fan per interval for the headline measures."""
    lines = [f"Intraday projection from {_clock(p.time)} ({p.replications} replications, "]
    lines[0] += f"seed {p.seed}, answered in {p.seconds:.1f} s)"
    for name, r in p.reforecasts.items():
        low, high = r.band()
        lines.append(
            f"  re-forecast {name}: {r.actual:.0f} seen against {r.forecast:.0f} forecast "
            f"(×{r.raw_ratio:.3f}) → rest of the day ×{r.factor:.3f} (80 %: {low:.3f}–{high:.3f})"
        )
    lines.append("")
    lines.append("Rest of the day: median [80 % band]; what-if − plan: mean (95 % CI)")
    for measure in CONTACT_MEASURES[1:] + POOL_MEASURES:
        for group in p.groups[measure]:
            cells = []
            for plan in p.plans:
                median, low, high = p.total(plan, measure, group)
                cell = f"{plan} {_value(measure, median)} [{_value(measure, low)}–"
                cell += f"{_value(measure, high)}]"
                if plan != PLAN:
                    d = p.difference(plan, measure, group)
                    cell += f" Δ {_signed(measure, d['mean'])} ({_signed(measure, d['low'])}"
                    cell += f"…{_signed(measure, d['high'])})"
                cells.append(cell)
            lines.append(f"  {LABELS[measure]:<12} {group:<10} " + "; ".join(cells))
    lines.append("")
    groups = [(m, g) for m in ("service_level", "asa", "abandon_rate") for g in p.groups[m]]
    groups += [("occupancy", g) for g in p.groups["occupancy"]]
    header = f"  {'interval':<9}" + "".join(f"{LABELS[m] + ' ' + g:>24}" for m, g in groups)
    lines.append(f"Plan per interval: median [80 % band]\n{header}")
    fans = {key: p.fan(PLAN, *key) for key in groups}
    for i, start in enumerate(p.starts):
        label = _clock(max(start, p.time)) + ("*" if i == 0 and start < p.time else "")
        row = f"  {label:<9}"
        for key in groups:
            median, low, high = (values[i] for values in fans[key])
            cell = f"{_value(key[0], median)} [{_value(key[0], low)}–{_value(key[0], high)}]"
            row += f"{cell:>24}"
        lines.append(row)
    lines.append("  * partial: from the state's time to the interval's end")
    return "\n".join(lines)


def _signed(measure: str, x: float) -> str:
    if math.isnan(x):
        return "–"
    if measure in SHARES:
        return f"{100 * x:+.1f} pt"
    return f"{x:+.1f}"


def fan_chart(p: Projection, path: Path) -> None:
    """The fan charts, one panel per headline measure (the first contact type, every pool)."""
    from matplotlib.figure import Figure

    panels = [(m, g) for m in ("service_level", "asa", "abandon_rate") for g in p.groups[m][:1]]
    panels += [("occupancy", g) for g in p.groups["occupancy"]]
    fig = Figure(figsize=(4.2 * len(panels), 3.4))
    x = np.maximum(p.starts, p.time) / 3600.0 % 24
    step = (p.starts[1] - p.starts[0]) / 3600.0 if len(p.starts) > 1 else 0.5
    x = np.append(x, x[-1] + step)  # where the last interval ends

    def ends(values: np.ndarray) -> np.ndarray:
        return np.append(values, values[-1])

    for k, (measure, group) in enumerate(panels):
        ax = fig.add_subplot(1, len(panels), k + 1)
        scale = 100.0 if measure in SHARES else 1.0
        median, low, high = p.fan(PLAN, measure, group)
        ax.fill_between(
            x, ends(low) * scale, ends(high) * scale, step="post", alpha=0.25, label="plan 80 %"
        )
        ax.step(x, ends(median) * scale, where="post", label="plan median", linewidth=2)
        for plan in p.plans[1:]:
            ax.step(x, ends(p.fan(plan, measure, group)[0]) * scale, where="post", label=plan)
        unit = " (%)" if measure in SHARES else ""
        ax.set_title(f"{LABELS[measure]}{unit} — {group}", fontsize=10)
        ax.set_xlabel("hour of day")
        ax.grid(alpha=0.3)
    fig.axes[0].legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)


def html_page(p: Projection, scenario_name: str) -> str:
    """A small self-contained page: the re-forecast, the rest-of-day table, the fan chart."""
    table = difference_table(p)
    rows = []
    for record in table.to_dict(orient="records"):
        measure = record["measure"]
        cells = [record["plan"], record["group"], LABELS[measure]]
        cells += [_value(measure, record[k]) for k in ("median", "p10", "p90")]
        if record["plan"] != PLAN:
            cells.append(
                f"{_signed(measure, record['difference_mean'])} "
                f"({_signed(measure, record['difference_low'])} … "
                f"{_signed(measure, record['difference_high'])})"
            )
        else:
            cells.append("")
        rows.append("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in cells) + "</tr>")
    forecasts = "".join(
        f"<li>{html.escape(n)}: {r.actual:.0f} seen against {r.forecast:.0f} forecast → rest "
        f"of the day × {r.factor:.3f}</li>"
        for n, r in p.reforecasts.items()
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<title>Intraday {html.escape(scenario_name)} from {_clock(p.time)}</title>
<style>body{{font-family:sans-serif;margin:2em}}td,th{{padding:2px 8px;text-align:right}}
table{{border-collapse:collapse}}tr:nth-child(even){{background:#f3f3f3}}</style></head>
<body><h1>Intraday projection: {html.escape(scenario_name)} from {_clock(p.time)}</h1>
<p>{p.replications} replications (seed {p.seed}) on common random numbers; answered in
{p.seconds:.1f} s.</p>
<h2>Re-forecast</h2><ul>{forecasts or "<li>none (no volume so far in the state)</li>"}</ul>
<h2>Rest of the day</h2>
<table><tr><th>plan</th><th>group</th><th>measure</th><th>median</th><th>p10</th><th>p90</th>
<th>what-if − plan: mean (95 % CI)</th></tr>
{"".join(rows)}</table>
<h2>Per interval (median and 80 % band)</h2><img src="fan.png" alt="fan charts">
<p>Full tables: intervals.csv, differences.csv, intraday.json.</p></body></html>
"""


def write_folder(p: Projection, scenario_name: str, destination: Path) -> Path:
    """Write the results folder at ``destination`` (which must not exist or be empty)."""
    destination = Path(destination)
    if destination.exists() and any(destination.iterdir()):
        raise FileExistsError(f"--out {destination}: the folder exists and is not empty")
    destination.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
    try:
        interval_table(p).to_csv(staging / "intervals.csv", index=False)
        difference_table(p).to_csv(staging / "differences.csv", index=False)
        text = json.dumps(summary(p, scenario_name), indent=2, allow_nan=False)
        (staging / "intraday.json").write_text(text + "\n", encoding="utf-8")
        fan_chart(p, staging / "fan.png")
        (staging / "report.html").write_text(html_page(p, scenario_name), encoding="utf-8")
        if destination.exists():
            destination.rmdir()
        staging.rename(destination)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return destination
