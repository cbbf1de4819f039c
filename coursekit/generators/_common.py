"""Small helpers shared by the generator modules."""

from __future__ import annotations

import numpy as np

# One seed per dataset keeps each file stable when another generator changes.


def rng(seed: int) -> np.random.Generator:
    """A NumPy generator with a fixed seed: same numbers on every machine."""
    return np.random.default_rng(seed)
