"""A package whose module holds an array, for soundness_review_round.py (a global reached
through a chain of module attributes)."""
from review_pkg import weights  # noqa: F401
