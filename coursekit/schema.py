"""What a dataset is: its file name, its columns and how to type them.

Each generator module declares its datasets with these classes. The same
declaration drives loading (dtypes), the datasheet check and ``make data``, so
a column cannot exist in one place and be missing in another.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

Kind = Literal["date", "category", "int", "float", "str", "bool"]


@dataclass(frozen=True)
class Column:
    """One column. ``levels`` makes a category ordered (for example ratings)."""

    name: str
    kind: Kind
    levels: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Dataset:
    """A CSV in ``datasets/``. ``build`` returns the exact table to write."""

    name: str
    columns: tuple[Column, ...]
    build: Callable[[], pd.DataFrame] = field(compare=False, repr=False)

    @property
    def filename(self) -> str:
        return f"{self.name}.csv"

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]
