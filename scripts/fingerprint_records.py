"""Fingerprint the records and measures of every bundled scenario (a behaviour check).

Used around a code re-layout: run it before and after, and compare the two JSON files.
Same scenario + same seed must give byte-identical records and measures.

    python scripts/fingerprint_records.py > before.json
    ... change the code ...
    python scripts/fingerprint_records.py --compare before.json
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import importlib
import json
import sys
from pathlib import Path

import numpy as np

import ccsim

SCENARIOS = Path(__file__).resolve().parent.parent / "ccsim" / "scenarios"


def _measure_function():
    # The measure function's home moved in the re-layout; accept either.
    for module, name in (("ccsim.measures", "measure"), ("ccsim.metrics", "measure")):
        try:
            return getattr(importlib.import_module(module), name)
        except (ImportError, AttributeError):
            continue
    raise SystemExit("no measure() found")


def _digest_value(value, h) -> None:
    if isinstance(value, np.ndarray):
        h.update(str(value.dtype).encode())
        h.update(np.ascontiguousarray(value).tobytes())
    elif dataclasses.is_dataclass(value):
        for f in dataclasses.fields(value):
            h.update(f.name.encode())
            _digest_value(getattr(value, f.name), h)
    elif isinstance(value, dict):
        for key in sorted(value, key=str):
            h.update(str(key).encode())
            _digest_value(value[key], h)
    elif isinstance(value, (list, tuple)):
        for item in value:
            _digest_value(item, h)
    elif hasattr(value, "to_csv"):
        h.update(value.to_csv(index=False).encode())
    else:
        h.update(repr(value).encode())


def fingerprint(path: Path, replications: int) -> dict[str, str]:
    scenario = ccsim.load_scenario(path)
    measure = _measure_function()
    records_hash, measures_hash = hashlib.sha256(), hashlib.sha256()
    for replication in range(replications):
        records = ccsim.simulate(scenario, replication=replication)
        _digest_value(records, records_hash)
        measures = measure(records, scenario)
        for part in ("overall", "by_type", "by_pool", "intervals", "by_channel", "by_campaign"):
            _digest_value(getattr(measures, part, None), measures_hash)
    return {"records": records_hash.hexdigest(), "measures": measures_hash.hexdigest()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--compare", type=Path, help="earlier fingerprint file to compare with")
    parser.add_argument("--replications", type=int, default=2)
    args = parser.parse_args()
    prints = {
        path.name: fingerprint(path, args.replications) for path in sorted(SCENARIOS.glob("*.yaml"))
    }
    if args.compare is None:
        json.dump(prints, sys.stdout, indent=2)
        print()
        return 0
    before = json.loads(args.compare.read_text())
    differ = 0
    for name, now in prints.items():
        was = before.get(name)
        for part in ("records", "measures"):
            same = was is not None and was[part] == now[part]
            differ += not same
            print(f"{name:32s} {part:9s} {'same' if same else 'DIFFERENT'}")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
