"""Remake the synthetic sample contact log shipped in data/.

    python scripts/make_sample_log.py

Simulates data/sample-centre.yaml once (its seed: the same log every time) and writes
data/sample-contact-log.csv (an ACD-style export with a few deliberately bad rows) and
data/sample-log-mapping.yaml (how to read it). See ccsim/sample_log.py.
"""

from pathlib import Path

from ccsim.calibration.sample_log import write_sample

DATA = Path(__file__).resolve().parent.parent / "data"

if __name__ == "__main__":
    path = write_sample(DATA / "sample-centre.yaml", DATA)
    print(f"wrote {path} and {DATA / 'sample-log-mapping.yaml'}")
