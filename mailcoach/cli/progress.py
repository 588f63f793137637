"""A progress bar on stderr for long batches, drawn by rich."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from mailcoach import Report

if TYPE_CHECKING:
    from rich.progress import Progress as Bar
    from rich.progress import TaskID


class Progress:
    """Count reports and show a bar on stderr: count, total, rate, ETA, flagged, unreadable.

    On a terminal the bar is redrawn a few times a second; elsewhere (a file, a pipe)
    it is drawn once, at the end. :meth:`close` always draws the final count and ends
    the line, so the bar stays as the batch's last word on stderr. ``NO_COLOR`` is
    honoured. Disabled, it only counts.
    """

    #: Redraws per second on a terminal.
    REDRAWS = 5

    def __init__(self, total: int | None, enabled: bool) -> None:
        self.total = total
        self.enabled = enabled
        self.count = self.flagged = self.unreadable = 0
        #: Whether a report reached the --fail-on threshold (set by the review loop).
        self.hit = False
        self._bar: Bar | None = None
        self._task: TaskID | None = None
        if enabled:
            self._bar, self._task = _start(total, self.REDRAWS)

    def count_total(self, inputs: Iterable[str]) -> None:
        """Count the messages in ``inputs`` and take that as the total (run it aside)."""
        from mailcoach.inputs.sources import count_messages

        self.total = count_messages(inputs)
        bar, task = self._bar, self._task
        if bar is not None and task is not None:
            bar.update(task, total=self.total)  # rich's updates take a lock

    def update(self, report: Report) -> None:
        """Count one report and move the bar on."""
        self.count += 1
        self.unreadable += report.error is not None
        self.flagged += report.error is None and bool(report.findings)
        if self._bar is not None and self._task is not None:
            self._bar.update(
                self._task, advance=1, flagged=self.flagged, unreadable=self.unreadable
            )

    def close(self) -> None:
        """Draw the final count and end the bar's line (once; later calls do nothing)."""
        if self._bar is not None:
            self._bar.refresh()
            self._bar.stop()
            self._bar = None


def _start(total: int | None, redraws: int) -> tuple[Bar, TaskID]:
    """Start a rich progress bar on stderr (rich is imported only when one is shown)."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        ProgressColumn,
        Task,
        TextColumn,
    )
    from rich.progress import Progress as Bar
    from rich.text import Text

    class RateColumn(ProgressColumn):
        """Messages per second and the time left, averaged since the start.

        (rich's own speed is taken over recent updates only, and the first reports
        come in a burst once the model has loaded.)
        """

        def render(self, task: Task) -> Text:
            elapsed = task.elapsed or 0.0
            rate = task.completed / elapsed if elapsed > 0 else 0.0
            shown = f"{rate:.{0 if rate >= 10 else 1}f}/s" if task.completed else "-/s"
            if task.total is not None and rate > 0 and not task.finished:
                left = int((task.total - task.completed) / rate)
                shown += f" · ETA {left // 60}:{left % 60:02d}"
            return Text(shown, style="progress.data.speed")

    bar = Bar(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TextColumn("{task.fields[flagged]} flagged · {task.fields[unreadable]} unreadable"),
        console=Console(stderr=True),
        refresh_per_second=redraws,
    )
    task = bar.add_task("messages", total=total, flagged=0, unreadable=0)
    bar.start()
    return bar, task
