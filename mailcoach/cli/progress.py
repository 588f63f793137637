"""A progress line on stderr for long batches."""

from __future__ import annotations

import time
from collections.abc import Iterable

import click

from mailcoach import Report


class Progress:
    """A one-line progress display on stderr: count, rate, flagged, ETA when known."""

    #: Seconds between redraws.
    INTERVAL = 0.2

    def __init__(self, total: int | None, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.count = self.flagged = self.unreadable = 0
        #: Whether a report reached the --fail-on threshold (set by the review loop).
        self.hit = False
        self.started = self.drawn = time.monotonic()

    def count_total(self, inputs: Iterable[str]) -> None:
        """Count the messages in ``inputs`` and take that as the total (run it aside)."""
        from mailcoach.inputs.sources import count_messages

        self.total = count_messages(inputs)

    def update(self, report: Report) -> None:
        """Count one report and redraw now and then."""
        self.count += 1
        self.unreadable += report.error is not None
        self.flagged += report.error is None and bool(report.findings)
        now = time.monotonic()
        if self.enabled and now - self.drawn >= self.INTERVAL:
            self.drawn = now
            self._draw(now)

    def _draw(self, now: float) -> None:
        elapsed = max(now - self.started, 1e-6)
        rate = self.count / elapsed
        if self.total and self.total >= self.count:
            left = (self.total - self.count) / rate if rate else 0.0
            where = f"{self.count}/{self.total} ({100 * self.count // self.total}%)"
            eta = f" · ETA {int(left // 60)}:{int(left % 60):02d}"
        else:
            where, eta = f"{self.count}", ""
        line = (
            f"{where} messages · {rate:.0f}/s · {self.flagged} flagged · "
            f"{self.unreadable} unreadable{eta}"
        )
        click.echo(f"\r\x1b[2K{line}", err=True, nl=False)

    def close(self) -> None:
        """Clear the progress line."""
        if self.enabled:
            click.echo("\r\x1b[2K", err=True, nl=False)
