"""pytest set-up for the whole repository (tests/ and nbval's run of solutions/).

Imports: ``tools`` is a package at the root and the test helpers live in tests/;
both are on pytest's path through ``pythonpath`` in pyproject.toml.
"""
