"""Further measure definitions a scenario may ask for: the ones published studies use.

ccsim's own definitions (``docs/measures.md``) do not change; these add measures beside
them, so that a researcher comparing with a paper reads the paper's figure from ccsim's own
output instead of post-processing the records.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from ccsim.scenario.fields import FROZEN


class MeasureOptions(BaseModel):
    """The scenario's optional ``measures:`` block.

    Attributes:
        p_wait: report ``p_wait``, the probability of waiting (P(wait > 0)): the share of
            contacts reaching the queue that were not answered at once — answered after a
            wait, abandoned, balked, took a callback or still waiting at the end — over
            answered + those. Blocked contacts never reached the queue and count in
            neither. Erlang C's C(c, a) is this figure for M/M/c.
        occupancy_open_hours: report ``occupancy_open_hours``, busy time / time on duty
            counting only time within each day's opening hours (the agents' work on the
            last callers after closing left out), as published figures usually are.
        across_days: how a replication's days are combined into its contact-side ratios
            (service level, ASA, abandon rate, AHT, mean wait, blocking and balk rates,
            time to abandon, ``p_wait``). ``ratio_of_sums`` (default, ccsim's own): the
            horizon's sums divided, so busy days weigh more. ``mean_of_daily_ratios``: each
            day's ratio, averaged over the days on which it is defined. Across replications
            either is then averaged (mean and confidence interval), as every measure is.
    """

    model_config = FROZEN

    p_wait: bool = False
    occupancy_open_hours: bool = False
    across_days: Literal["ratio_of_sums", "mean_of_daily_ratios"] = "ratio_of_sums"
