"""Write every dataset to a folder: ``python -m coursekit.build datasets`` (``make data``).

Generators are deterministic (fixed seeds, rounded floats, fixed line endings),
so the output is byte-identical on every run; a test rebuilds into a temporary
folder and compares.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from coursekit.catalog import all_datasets
from coursekit.schema import Dataset


def to_csv_text(dataset: Dataset, frame: pd.DataFrame) -> str:
    """The exact CSV text for ``frame``, after checking it matches its declaration."""
    if list(frame.columns) != dataset.column_names:
        raise ValueError(
            f"Generator for {dataset.name} returned columns {list(frame.columns)}, "
            f"but its declaration says {dataset.column_names}."
        )
    out = frame.copy()
    for column in dataset.columns:
        if column.kind == "date":
            out[column.name] = pd.to_datetime(out[column.name]).dt.strftime("%Y-%m-%d")
    return out.to_csv(index=False, lineterminator="\n")


def build_all(folder: Path, names: list[str] | None = None) -> list[Path]:
    """Write the chosen datasets (default: all) into ``folder``; return the paths written."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, dataset in all_datasets().items():
        if names and name not in names:
            continue
        path = folder / dataset.filename
        path.write_bytes(to_csv_text(dataset, dataset.build()).encode("utf-8"))
        written.append(path)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("folder", type=Path, help="where to write the CSV files")
    parser.add_argument("names", nargs="*", help="only these datasets (default: all)")
    args = parser.parse_args(argv)
    unknown = set(args.names) - set(all_datasets())
    if unknown:
        parser.error(f"unknown dataset(s): {', '.join(sorted(unknown))}")
    for path in build_all(args.folder, args.names):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
