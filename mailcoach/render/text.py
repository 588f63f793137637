"""Human-readable output: each finding shown in place, under its line, then a summary."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from types import MappingProxyType

import click

from mailcoach.model import ChecklistItem, Finding, Report, Severity

SEVERITY_COLOURS = {Severity.ERROR: "red", Severity.WARNING: "yellow", Severity.INFO: "cyan"}
VERDICT_COLOURS = {"ok": "green", "revise": "yellow", "hold": "red", "error": "magenta"}
#: Lines longer than this are cut around the flagged span when shown.
MAX_SHOWN_LINE = 120
#: Control characters (ESC starts a terminal command: clear screen, OSC 8 links, titles)
#: and bidi overrides become U+FFFD, one for one, so offsets and carets stay true.
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_HARMLESS = MappingProxyType(
    {c: "\ufffd" for c in [*range(0x20), *range(0x7F, 0xA0), *map(ord, _BIDI_CONTROLS)]}
    | {ord("\t"): " ", ord("\n"): " ", ord("\r"): " "}
)


def terminal_safe(text: str) -> str:
    """Return ``text`` fit for a terminal: one line, no control or bidi-override characters.

    Tabs and line ends become spaces; every other control character (ESC, BEL …) and
    each bidi override becomes U+FFFD. The length is kept.
    """
    return text.translate(_HARMLESS)


def _style(text: str, colour: bool, **kwargs: object) -> str:
    return click.style(text, **kwargs) if colour else text  # type: ignore[arg-type]


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 or word == "info" else f"{n} {word}s"


def counts(report: Report) -> str:
    """Return '2 errors, 1 warning, 0 info' for a report."""
    c = Counter(f.severity for f in report.findings)
    return ", ".join(
        _plural(c[s], s.label) for s in (Severity.ERROR, Severity.WARNING, Severity.INFO)
    )


def _excerpt(line: str, start: int, end: int) -> tuple[str, int, int]:
    """Cut a long line around ``line[start:end]``; return the text and new offsets."""
    if len(line) <= MAX_SHOWN_LINE:
        return line, start, end
    left = max(0, start - 40)
    right = min(len(line), max(end, start + 1) + 40)
    prefix = "…" if left else ""
    suffix = "…" if right < len(line) else ""
    return prefix + line[left:right] + suffix, start - left + len(prefix), end - left + len(prefix)


def _finding(report: Report, f: Finding, colour: bool) -> list[str]:
    lines = report.body.split("\n")
    line = lines[f.line - 1] if 0 < f.line <= len(lines) else ""
    start = f.column - 1
    end = min(len(line), start + (f.end - f.start))
    shown, s, e = _excerpt(terminal_safe(line), start, end)
    gutter = f"{f.line:>4} | "
    pad = " " * (len(gutter) - 2) + "| "
    sev = _style(f"{f.severity.label:<7}", colour, fg=SEVERITY_COLOURS[f.severity], bold=True)
    out = [
        f"{f.line}:{f.column}: {sev} {f.category.value}  {_style(f.rule_id, colour, dim=True)}",
        gutter + shown,
        pad + " " * s + _style("^" * max(1, e - s), colour, fg=SEVERITY_COLOURS[f.severity]),
        f"{pad}{terminal_safe(f.message)}",
        f"{pad}why: {terminal_safe(f.why)}",
    ]
    if f.suggestion:
        out.append(f"{pad}try: {_style(terminal_safe(f.suggestion), colour, fg='green')}")
    return out


def render_checklist(items: Sequence[ChecklistItem], *, colour: bool = False) -> list[str]:
    """Return the checklist lines: what the draft does, and advice for what it misses."""
    if not items:
        return []
    out = ["", "checklist:"]
    for item in items:
        if item.ok:
            out.append(f"  {_style('yes', colour, fg='green')}  {terminal_safe(item.label)}")
        else:
            advice = terminal_safe(f"{item.label}: {item.advice}")
            out.append(f"  {_style('no ', colour, fg='yellow')}  {advice}")
    return out


def render_text(report: Report, *, colour: bool = False) -> str:
    """Render one report for a terminal: findings in place, then a summary line."""
    head = terminal_safe(
        report.source + (f"  (subject: {report.subject})" if report.subject else "")
    )
    if report.error:
        return f"{head}\nerror: {terminal_safe(report.error)}"
    out = [head]
    for note in report.notes:
        out.append(f"note: {terminal_safe(note)}")
    for finding in report.findings:
        out.append("")
        out.extend(_finding(report, finding, colour))
    out.extend(render_checklist(report.checklist, colour=colour))
    verdict = _style(
        report.verdict.value, colour, fg=VERDICT_COLOURS[report.verdict.value], bold=True
    )
    out.append("")
    out.append(
        f"{verdict}: {counts(report)} · tone {report.tone_score}/100 · "
        f"sentiment {report.sentiment.compound:+.2f}"
    )
    return "\n".join(out)
