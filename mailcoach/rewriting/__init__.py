"""Rewrite a checked draft: calmer sentences, kept facts, one benchmark clause."""

from mailcoach.rewriting.benchmark import (
    Benchmark,
    BenchmarkForm,
    BenchmarkParams,
    benchmark_clause,
)
from mailcoach.rewriting.engine import Edit, RewriteResult, apply_edits, check_edited, rewrite

__all__ = [
    "Benchmark",
    "BenchmarkForm",
    "BenchmarkParams",
    "Edit",
    "RewriteResult",
    "apply_edits",
    "benchmark_clause",
    "check_edited",
    "rewrite",
]
