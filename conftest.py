"""pytest set-up for the whole repository (tests/ and nbval's run of solutions/)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
for folder in ("tests", "tools"):
    sys.path.insert(0, str(ROOT / folder))
