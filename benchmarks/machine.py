"""The machine and library versions a benchmark ran on, so figures can be compared."""

from __future__ import annotations

import importlib
import os
import platform
import time


def environment(*modules: str) -> dict:
    """Python, machine, CPUs, ccsim's version and those of ``modules`` (by import name)."""
    result = {
        "python": platform.python_version(),
        "machine": platform.platform(),
        "cpus": os.cpu_count(),
        "ccsim": _version("ccsim"),
    }
    for name in modules:
        result[name] = _version(name)
    result["when"] = time.strftime("%Y-%m-%d %H:%M:%S")
    return result


def _version(name: str) -> str | None:
    try:
        return importlib.import_module(name).__version__
    except Exception:  # noqa: BLE001 (a missing or broken package: no version to report)
        return None
