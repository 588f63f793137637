"""JSON output, schema version 1 (documented in README.md and DESIGN.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from mailcoach.model import ChecklistItem, Finding, Report

if TYPE_CHECKING:
    from mailcoach.rewriting import RewriteResult

SCHEMA_VERSION = 1


def report_to_dict(report: Report) -> dict[str, Any]:
    """Return the schema-version-1 dictionary of a report."""
    return {
        "schema_version": SCHEMA_VERSION,
        "source": report.source,
        "subject": report.subject,
        "to": report.to,
        "verdict": report.verdict.value,
        "tone_score": report.tone_score,
        "sentiment": {
            "compound": report.sentiment.compound,
            "sentences": [
                {"start": s.start, "end": s.end, "compound": s.compound}
                for s in report.sentiment.sentences
            ],
        },
        "findings": [_finding(f) for f in report.findings],
        "dispute": {
            "type": report.dispute.type,
            "amounts": list(report.dispute.amounts),
            "invoices": list(report.dispute.invoices),
            "dates": list(report.dispute.dates),
            "days_overdue": report.dispute.days_overdue,
            "counterpart": report.dispute.counterpart,
            "type_confidence": report.dispute.type_confidence,
            "roles": {
                "sender": report.dispute.sender_role,
                "reader": report.dispute.reader_role,
                "confidence": report.dispute.role_confidence,
            },
        },
        "checklist": _checklist(report.checklist),
        "notes": list(report.notes),
        "error": report.error,
    }


def _checklist(items: Iterable[ChecklistItem]) -> list[dict[str, Any]]:
    return [{"id": c.id, "label": c.label, "ok": c.ok, "advice": c.advice} for c in items]


def _finding(f: Finding) -> dict[str, Any]:
    return {
        "rule_id": f.rule_id,
        "category": f.category.value,
        "severity": f.severity.label,
        "start": f.start,
        "end": f.end,
        "line": f.line,
        "column": f.column,
        "text": f.text,
        "message": f.message,
        "why": f.why,
        "suggestion": f.suggestion,
    }


def rewrite_to_dict(
    result: RewriteResult, *, text: str | None = None, after: Report | None = None
) -> dict[str, Any]:
    """Return the report of the original draft plus its ``rewrite`` object.

    ``text`` and ``after`` override the result's (when only some edits were taken).
    Edit offsets are into the original body, like the findings'.
    """
    final = after or result.after
    clause = result.benchmark
    data = report_to_dict(result.before)
    data["rewrite"] = {
        "text": result.text if text is None else text,
        "edits": [
            {"start": e.start, "end": e.end, "replacement": e.replacement, "rule_id": e.rule_id}
            for e in result.edits
        ],
        "benchmark": None
        if clause is None
        else {
            "text": clause.text,
            "form": clause.form.value,
            "type": clause.dispute_type,
            "existing": clause.existing,
        },
        "verdict": final.verdict.value,
        "findings": [_finding(f) for f in final.findings],
        "checklist": _checklist(final.checklist),
        "notes": list(result.notes),
        "removed": list(result.removed),
        "left_as_written": list(result.left_as_written),
        "completed": list(result.completed),
    }
    return data


def render_json(report: Report) -> str:
    """Render one report as a pretty, key-sorted JSON document."""
    return json.dumps(report_to_dict(report), indent=2, sort_keys=True, ensure_ascii=False)


def render_jsonl(report: Report) -> str:
    """Render one report as a single JSON line."""
    return json.dumps(report_to_dict(report), sort_keys=True, ensure_ascii=False)
