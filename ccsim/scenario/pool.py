"""Pools of agents: skills, staffing and cost."""

from __future__ import annotations

from typing import Any

import numpy as np
from pydantic import BaseModel, Field, field_validator

from ccsim.fields import FROZEN, Name
from ccsim.scenario.horizon import Horizon


class Pool(BaseModel):
    """A group of agents with the same skills, staffing and cost.

    ``serves`` lists the contact types the pool handles, most important first, or maps each
    to a priority (1 = highest). An arriving contact goes to an idle agent of the pool that
    ranks it highest; a freed agent takes the longest-waiting contact of its highest-priority
    type. ``staffing`` is agents on duty, one number or one per interval of the day.
    """

    model_config = FROZEN

    serves: dict[Name, int] = Field(min_length=1)
    staffing: int | list[int]
    cost_per_hour: float = Field(default=0.0, ge=0)

    @field_validator("serves", mode="before")
    @classmethod
    def _serves_from_list(cls, value: Any) -> Any:
        if isinstance(value, list):
            if len(set(map(str, value))) != len(value):
                raise ValueError(f"serves lists a contact type twice: {value!r}")
            return {name: rank for rank, name in enumerate(value, start=1)}
        if isinstance(value, str):
            return {value: 1}
        return value

    @field_validator("serves")
    @classmethod
    def _check_priorities(cls, value: dict[str, int]) -> dict[str, int]:
        bad = {name: p for name, p in value.items() if p < 1}
        if bad:
            raise ValueError(f"priorities must be whole numbers >= 1 (1 = highest), got {bad}")
        return value

    @field_validator("staffing")
    @classmethod
    def _check_staffing(cls, value: int | list[int]) -> int | list[int]:
        values = value if isinstance(value, list) else [value]
        if not values or any(v < 0 for v in values):
            raise ValueError(f"staffing must be agents >= 0 (one number or a list), got {value!r}")
        return value

    def staffing_per_interval(self, horizon: Horizon) -> np.ndarray:
        """Agents on duty in every interval of the horizon."""
        day = np.broadcast_to(
            np.asarray(self.staffing, dtype=np.int64), (horizon.intervals_per_day,)
        )
        return np.tile(day, horizon.days)
