from . import collections_analysis  # noqa: F401
