"""The fit report's charts: the fitted model drawn over the contact log it came from.

Three PNG files, one panel per contact type: ``arrival_profile.png`` (arrivals per hour over
the day, each day of the log and the fitted rate), ``handle_time.png`` (the handle-time
histogram with each fitted density) and ``patience.png`` (the Kaplan–Meier survival of
patience with each fitted family's curve and the naive mean time to abandon). A planner sees
at a glance whether the family written fits the log. matplotlib is imported only here, when
a report is written.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from ccsim.calibration.fit import LogFit
from ccsim.calibration.patience import frozen, survival


def plot_fit(fit: LogFit, folder: Path) -> None:
    """Draw the three charts of ``fit`` into ``folder``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    grid = fit.grid
    names = list(fit.types)
    x = np.arange(grid.intervals_per_day)
    fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 4), squeeze=False)
    for ax, t in zip(axes[0], fit.types.values(), strict=True):
        for day, counts in zip(grid.dates, t.counts, strict=True):
            ax.plot(x, counts * 3600 / grid.interval, lw=0.8, alpha=0.5, label=f"{day:%a %d}")
        ax.plot(x, t.rates_per_hour(grid.interval), lw=2.5, color="black", label="fitted")
        _clock_ticks(ax, grid)
        ax.set_title(f"{t.name}: arrivals per hour")
        ax.legend(fontsize=7)
    _save(fig, folder / "arrival_profile.png")

    fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 4), squeeze=False)
    for ax, t in zip(axes[0], fit.types.values(), strict=True):
        if t.handle is None:
            continue
        handle = fit.log.contacts
        values = handle["handle"][(handle["contact_type"] == t.name)].dropna().to_numpy(float)
        top = float(np.quantile(values, 0.995))
        ax.hist(values[values <= top], bins=60, density=True, alpha=0.4, color="grey")
        grid_x = np.linspace(top / 500, top, 400)
        for f in t.handle.fits:
            ax.plot(grid_x, frozen(f.distribution).pdf(grid_x), label=f"{f.family}")
        ax.set_title(f"{t.name}: handle time (s), written: {t.handle.chosen_family}")
        ax.legend(fontsize=8)
    _save(fig, folder / "handle_time.png")

    fig, axes = plt.subplots(1, len(names), figsize=(6 * len(names), 4), squeeze=False)
    for ax, t in zip(axes[0], fit.types.values(), strict=True):
        p = t.patience
        if not p.abandoned:
            ax.set_title(f"{t.name}: nobody abandoned")
            continue
        ax.step(
            np.append(0, p.km_times),
            np.append(1, p.km_survival),
            where="post",
            color="black",
            label="Kaplan-Meier",
        )
        span = np.linspace(0, float(p.km_times.max()) * 1.5, 300)
        for candidate in p.fits:
            ax.plot(
                span,
                survival(candidate, span),
                label=f"{candidate.family} (mean {candidate.mean:.0f} s)",
            )
        ax.axvline(p.naive_mean, ls="--", color="red", lw=1, label="naive mean time to abandon")
        ax.set_ylim(0, 1.02)
        ax.set_xlabel("seconds waited")
        ax.set_title(f"{t.name}: P(patience > t)")
        ax.legend(fontsize=8)
    _save(fig, folder / "patience.png")


def _clock_ticks(ax, grid) -> None:
    labels = grid.starts()
    step = max(1, len(labels) // 8)
    ax.set_xticks(np.arange(len(labels))[::step], labels[::step], rotation=45)


def _save(fig, path: Path) -> None:
    import matplotlib.pyplot as plt

    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
