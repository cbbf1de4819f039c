"""The registry of every dataset, gathered from the modules in ``coursekit.generators``.

A lesson's generator module only has to define ``DATASETS``; nothing else needs
editing, so lessons can be added without touching shared code.
"""

from __future__ import annotations

import importlib
import pkgutil
from functools import cache

from coursekit import generators
from coursekit.schema import Dataset


@cache
def all_datasets() -> dict[str, Dataset]:
    """Every declared dataset by name, in a stable (sorted) order."""
    found: dict[str, Dataset] = {}
    for module_info in sorted(pkgutil.iter_modules(generators.__path__), key=lambda m: m.name):
        if module_info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{generators.__name__}.{module_info.name}")
        for dataset in getattr(module, "DATASETS", ()):
            if dataset.name in found:
                raise RuntimeError(f"Dataset {dataset.name!r} is declared twice.")
            found[dataset.name] = dataset
    return dict(sorted(found.items()))
