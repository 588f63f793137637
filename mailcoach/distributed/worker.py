"""What runs on a Dask worker: the pipeline plugin and the review tasks.

Every task is a plain function of picklable arguments that reads its messages
itself (workers see the inputs at the same paths as the client) and returns
its Reports in input order. A task has no side effects, so the scheduler may
run it again elsewhere when a worker is lost. This module needs
``dask.distributed``; :mod:`mailcoach.distributed` imports it only when a
review starts.
"""

from __future__ import annotations

import contextlib
import signal
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from distributed import Worker, WorkerPlugin

from mailcoach.analyze import check_many
from mailcoach.errors import InputError, MailcoachError
from mailcoach.inputs.parse import parse_bytes, parse_text, read_draft
from mailcoach.inputs.sources import (
    MessageFile,
    Unreadable,
    iter_mbox_range,
    mbox_starts,
    read_files,
)
from mailcoach.model import Draft, Report
from mailcoach.nlp.pipeline import get_pipeline
from mailcoach.settings import Settings

#: What a bag of messages may hold: what ``check`` takes, or (source id, raw message).
BagItem = bytes | str | Path | Draft | tuple[str, bytes | str]


class PipelinePlugin(WorkerPlugin):
    """Load the pipeline for these settings once, when a worker starts or joins.

    The pipeline is cached per process, so the tasks that follow find it loaded.
    A broken installation (model missing, bad lexicon) is left for the first
    task to raise, so that the client receives the error itself.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def setup(self, worker: Worker) -> None:
        with contextlib.suppress(MailcoachError):
            get_pipeline(self.settings)


class IgnoreInterrupt(WorkerPlugin):
    """Leave Ctrl-C to the client, for workers started alongside it in one terminal.

    Ctrl-C reaches every process of the terminal's foreground group; the client
    stops the review and closes the cluster it started, so its workers need not
    (and should not print) anything of their own.
    """

    def setup(self, worker: Worker) -> None:
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def review_files(
    items: list[MessageFile | Unreadable | Draft],
    max_bytes: int,
    encoding: str | None,
    settings: Settings,
) -> list[Report]:
    """Read and check a run of files (and entries already read), in order."""
    messages = read_files(items, max_bytes=max_bytes, encoding=encoding)
    return list(check_many(messages, settings=settings))


def review_mbox(
    label: str,
    start: int,
    stop: int | None,
    first: int,
    max_bytes: int,
    encoding: str | None,
    settings: Settings,
) -> list[Report]:
    """Read and check the messages of an mbox that begin in bytes [start, stop)."""
    messages = iter_mbox_range(label, start, stop, first, max_bytes=max_bytes, encoding=encoding)
    return list(check_many(messages, settings=settings))


def index_mbox(label: str, start: int, stop: int | None) -> list[int] | None:
    """Return where the messages that begin in [start, stop) begin; None if unreadable."""
    try:
        return mbox_starts(label, start, stop)
    except OSError:
        return None  # the review of this range reports the error, as a local run would


def check_partition(items: Iterable[BagItem], settings: Settings) -> list[Report]:
    """Check one partition of a bag of messages; an unreadable one is an error Report."""
    return list(check_many((_draft(item, settings) for item in items), settings=settings))


def _draft(item: Any, settings: Settings) -> Draft | Unreadable:
    """Turn one bag item into a Draft, or an Unreadable that says why it cannot be."""
    source, data = item if isinstance(item, tuple) else ("-", item)
    try:
        if isinstance(data, Draft):
            return data
        if isinstance(data, bytes):
            return parse_bytes(data, source, max_bytes=settings.max_bytes)
        if isinstance(data, str):
            return parse_text(data, source)
        if isinstance(data, Path):
            return read_draft(data, max_bytes=settings.max_bytes)
    except InputError as exc:
        return Unreadable(source, str(exc))
    return Unreadable(
        str(source),
        f"a {type(data).__name__} is not a message; give bytes (a raw message), "
        "str (text), a Path, a Draft or a (source, message) pair.",
    )
