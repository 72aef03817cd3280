"""Random streams: one independent generator per (replication, random source).

The root seed and the replication number give a :class:`numpy.random.SeedSequence`; each
random source of the model (``"arrivals/voice"``, ``"handle/voice"``, ``"patience/voice"``, …)
gets its own child of it, keyed by the source's *name* rather than by its position. Two
scenarios compared on the same seed therefore share their random numbers wherever they share a
source (common random numbers), even when one of them has an extra contact type or pool; and
replication *r* draws the same numbers whichever process or machine runs it.
"""

from __future__ import annotations

import zlib

import numpy as np


def source_key(name: str) -> int:
    """A stable 32-bit key for a random source's name (the same on every platform)."""
    return zlib.crc32(name.encode("utf-8"))


class RandomStreams:
    """Hands out the generator of each random source of one replication.

    Args:
        seed: the experiment's root seed.
        replication: the replication number (0, 1, 2, …).

    Example::

        streams = RandomStreams(seed=7, replication=0)
        rng = streams.generator("arrivals/voice")   # always the same for (7, 0, name)
    """

    def __init__(self, seed: int, replication: int):
        if seed < 0 or replication < 0:
            raise ValueError("seed and replication must be non-negative integers")
        self.seed = seed
        self.replication = replication
        self._generators: dict[str, np.random.Generator] = {}

    def generator(self, source: str) -> np.random.Generator:
        """The generator of ``source`` in this replication (created once, then reused)."""
        rng = self._generators.get(source)
        if rng is None:
            sequence = np.random.SeedSequence(
                entropy=self.seed, spawn_key=(self.replication, source_key(source))
            )
            rng = np.random.Generator(np.random.PCG64(sequence))
            self._generators[source] = rng
        return rng
