"""Values as strict JSON takes them: every results file (summary.json, comparison.json, …)."""

from __future__ import annotations

import math

import numpy as np


def json_value(value):
    """``value`` with NaN and infinities as ``None`` and numpy scalars as Python numbers,
    through dicts, lists and tuples (strict JSON has no NaN)."""
    if isinstance(value, dict):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
