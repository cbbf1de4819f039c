"""Loading a course dataset with the right dtypes, or failing with a message that helps.

Every column is read as text first and converted on purpose, so a bad value is
reported with its column and row instead of silently turning a column into
strings or a date into NaT.
"""

from __future__ import annotations

import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pandas as pd

from coursekit.catalog import all_datasets
from coursekit.errors import DatasetError
from coursekit.paths import find_datasets_dir
from coursekit.schema import Column, Dataset

RESTORE_HINT = (
    "To restore it, run `make data` in the course folder, or `git checkout -- datasets/` to undo local edits."
)
TRUE_WORDS = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False}


def list_datasets() -> list[str]:
    """The names ``load_dataset`` accepts."""
    return list(all_datasets())


def describe_columns(dataset: Dataset) -> str:
    return ", ".join(f"{c.name} ({c.kind})" for c in dataset.columns)


def get_dataset(name: str) -> Dataset:
    """The declaration of ``name``, or an error that lists the names that exist."""
    catalog = all_datasets()
    if name.endswith(".csv"):
        name = name[: -len(".csv")]
    if name not in catalog:
        raise DatasetError(
            f"There is no dataset called {name!r}. Available: {', '.join(catalog)}. "
            "Check the spelling (names use underscores, no .csv needed)."
        )
    return catalog[name]


def load_dataset(
    name: str,
    columns: Sequence[str] | None = None,
    datasets_dir: Path | str | None = None,
) -> pd.DataFrame:
    """Read ``datasets/<name>.csv`` with dates parsed and categories set.

    ``columns`` keeps only those columns (in that order). ``datasets_dir``
    overrides the search for the folder; lessons leave it out.
    """
    dataset = get_dataset(name)
    wanted = _check_requested_columns(dataset, columns)
    folder = Path(datasets_dir) if datasets_dir is not None else find_datasets_dir()
    path = folder / dataset.filename
    raw = _read_table(dataset, path, wanted)
    typed = pd.DataFrame({c.name: _convert(raw[c.name], c, path) for c in dataset.columns if c.name in wanted})
    return typed[list(wanted)]


def _check_requested_columns(dataset: Dataset, columns: Sequence[str] | None) -> list[str]:
    if columns is None:
        return dataset.column_names
    if isinstance(columns, str):
        columns = [columns]
    unknown = [c for c in columns if c not in dataset.column_names]
    if unknown:
        raise DatasetError(
            f"{dataset.filename} has no column {', '.join(map(repr, unknown))}. "
            f"Its columns are: {describe_columns(dataset)}."
        )
    return list(columns)


def _read_table(dataset: Dataset, path: Path, wanted: list[str]) -> pd.DataFrame:
    """The file's wanted columns: numbers and categories parsed by pandas' C parser, the rest as text.

    The fast typed read covers clean files. If a number column holds something
    else (or an integer column has gaps), the columns are read again as text so
    that ``_convert`` can name the bad value or keep the gaps as missing.
    """
    expected = describe_columns(dataset)
    if not path.is_file():
        raise DatasetError(f"The data file {path} is missing. It should hold the columns {expected}. " + RESTORE_HINT)
    options = {"keep_default_na": False, "na_values": [""], "encoding": "utf-8", "index_col": False}
    # Category columns come straight from the parser as categoricals (their values stay text): much
    # faster to check and convert than a column of Python strings.
    numbers = {"int": "int64", "float": "float64", "category": "category"}
    try:
        _check_row_lengths(path)
        _check_header(dataset, path, list(pd.read_csv(path, nrows=0, **options).columns))
        kinds = {c.name: numbers.get(c.kind, str) for c in dataset.columns if c.name in wanted}
        try:
            return pd.read_csv(path, usecols=list(kinds), dtype=kinds, **options)
        except (ValueError, TypeError, OverflowError):
            return pd.read_csv(path, usecols=list(kinds), dtype=str, **options)
    except (csv.Error, ValueError, pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise DatasetError(
            f"The data file {path} is not a readable UTF-8 CSV ({type(exc).__name__}: "
            f"{str(exc).strip()}). It should hold the columns {expected}. " + RESTORE_HINT
        ) from exc


def _check_row_lengths(path: Path) -> None:
    """Every row must have as many fields as the header.

    pandas would otherwise pad a short row with NaN, or quietly turn the extra
    fields of a long row into an index, and the damage would go unnoticed.
    Files without quotes (all of the course's) are checked by counting commas;
    others go through the csv module, which knows about quoted commas.
    """
    data = path.read_bytes()
    if b'"' not in data and b"\r" not in data:
        data.decode("utf-8")  # a file that is not UTF-8 fails here, with the reason
        text = np.frombuffer(data.rstrip(b"\n"), dtype=np.uint8)
        if text.size == 0 or text[0] == ord("\n"):
            raise ValueError("the file is empty")
        # Commas per line, counted with NumPy: a Python loop over lines costs ~0.3 s per 100,000 rows.
        ends = np.append(np.flatnonzero(text == ord("\n")), text.size)
        starts = np.append(0, ends[:-1] + 1)
        commas = np.flatnonzero(text == ord(","))
        per_line = np.searchsorted(commas, ends) - np.searchsorted(commas, starts)
        bad = np.flatnonzero(per_line != per_line[0])
        if bad.size:
            number, width = int(bad[0]) + 1, int(per_line[0])
            raise ValueError(f"line {number} has {int(per_line[bad[0]]) + 1} fields, the header has {width + 1}")
        return
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.reader(handle, strict=True)
        header = next(reader, None)
        if not header:
            raise ValueError("the file is empty")
        for row in reader:
            if len(row) != len(header):
                raise ValueError(f"line {reader.line_num} has {len(row)} fields, the header has {len(header)}")


def _check_header(dataset: Dataset, path: Path, found: list[str]) -> None:
    missing = [c for c in dataset.column_names if c not in found]
    extra = [c for c in found if c not in dataset.column_names]
    if missing or extra:
        problems = []
        if missing:
            problems.append(f"missing column(s) {', '.join(missing)}")
        if extra:
            problems.append(f"unexpected column(s) {', '.join(extra)}")
        raise DatasetError(
            f"The data file {path} has {' and '.join(problems)}. Expected the columns "
            f"{describe_columns(dataset)}; found {', '.join(found) or 'none'}. " + RESTORE_HINT
        )


def _convert(values: pd.Series, column: Column, path: Path) -> pd.Series:
    """Type one column; any value that does not fit is reported, never dropped."""
    present = values.notna()
    if column.kind == "str" or (column.kind in ("int", "float") and pd.api.types.is_numeric_dtype(values)):
        return values
    if column.kind == "date":
        converted = pd.to_datetime(values, format="ISO8601", errors="coerce")
    elif column.kind in ("int", "float"):
        converted = pd.to_numeric(values, errors="coerce")
    elif column.kind == "bool":
        converted = values.str.strip().str.lower().map(TRUE_WORDS)
    else:
        levels = list(column.levels) if column.levels else sorted(values.dropna().unique())
        _reject_bad_values(values, present & ~values.isin(levels), column, path)
        return pd.Series(
            pd.Categorical(values, categories=levels, ordered=column.levels is not None),
            index=values.index,
        )
    _reject_bad_values(values, present & converted.isna(), column, path)
    if column.kind == "int":
        return converted.astype("int64") if present.all() else converted.astype("Int64")
    if column.kind == "bool":
        return converted.astype(bool) if present.all() else converted.astype("boolean")
    return converted


def _reject_bad_values(values: pd.Series, bad: pd.Series, column: Column, path: Path) -> None:
    if bad.any():
        row = int(bad.to_numpy().argmax())
        raise DatasetError(
            f"In {path}, column {column.name!r} should hold {column.kind} values, but row "
            f"{row + 2} of the file has {values.iloc[row]!r}. " + RESTORE_HINT
        )
