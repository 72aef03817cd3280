"""Remake the synthetic contact logs shipped in data/.

    python scripts/make_sample_log.py

Simulates data/sample-centre.yaml once (its seed: the same log every time) and writes
data/sample-contact-log.csv (an ACD-style export with a few deliberately bad rows) and
data/sample-log-mapping.yaml (how to read it); see ccsim/calibration/sample_log.py. Then
simulates four weeks of a realistic centre with known truth and writes data/realistic-log.txt
(tab-separated, with VRU placeholders, a clock offset, priority classes, shared seats,
unlogged after-call work, a short and an evening day, phantoms), its mapping and
data/realistic-log-truth.json; see ccsim/calibration/realistic_log.py.
"""

from pathlib import Path

from ccsim.calibration.realistic_log import write_realistic
from ccsim.calibration.sample_log import write_sample

DATA = Path(__file__).resolve().parent.parent / "data"

if __name__ == "__main__":
    path = write_sample(DATA / "sample-centre.yaml", DATA)
    print(f"wrote {path} and {DATA / 'sample-log-mapping.yaml'}")
    path = write_realistic(DATA)
    print(f"wrote {path}, {DATA / 'realistic-log-mapping.yaml'} and its truth")
