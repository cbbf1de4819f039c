"""The real built-ins, kept from the moment the course helper was first imported.

Why: a hidden test compares a student's value with ``abs``, ``float``, ``len``,
``sorted``... An answer cell that redefines one of them (``float = lambda x: 0``,
by mistake or on purpose) would change what the test computes. Every hidden test
block therefore starts with the same line::

    from coursekit.trusted import *  # the real built-ins, whatever an answer redefined

This module copies the built-ins when ``import coursekit`` first runs (the
lesson's first code cell, before any answer), so that line puts the originals
back even if an answer later rebound the name or changed the ``builtins``
module. What it cannot undo (patching pandas, or this module) is for
``python -m tools.grade_class check`` to report: see the instructor guide.
"""

import builtins as _builtins

_REAL = {name: value for name, value in vars(_builtins).items() if not name.startswith("_")}
globals().update(_REAL)
__all__ = sorted(_REAL)  # noqa: PLE0605 - built from the builtins module's own names

#: The line every hidden test block starts with (a test checks it is there).
HARDENING_LINE = "from coursekit.trusted import *  # the real built-ins, whatever an answer redefined"
