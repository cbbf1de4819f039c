"""Dataset generators, one module per lesson topic.

Each module defines ``DATASETS``: a list of ``coursekit.schema.Dataset``. Shared
helpers for modules live in ``coursekit.generators._common``.
"""
