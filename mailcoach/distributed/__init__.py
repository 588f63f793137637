"""Review on a Dask cluster: the rows of ``mailcoach review``, computed by many workers.

::

    from distributed import Client
    from mailcoach.distributed import review_on

    with Client("tcp://scheduler:8786") as client:
        for report in review_on(client, ["/shared/outbox.mbox", "/shared/Maildir"]):
            print(report.source, report.verdict)

The client walks the inputs without reading any message: folders and Maildirs
become tasks of up to ``task_messages`` files, and an mbox over
:data:`SPLIT_BYTES` is first indexed in pieces by the workers (where each of its
messages begins) and then reviewed in tasks of ``task_messages`` whole
messages, each a byte range of the file, so a mailbox of any size streams.
Workers read the files themselves, so they must see the inputs at the same
paths as the client (a shared or copied folder). Each worker loads the pipeline
once (:class:`~mailcoach.distributed.worker.PipelinePlugin`); a bounded number
of tasks is in flight, and their reports come back in input order: the same
reports, with the same ids, as a local ``check_many(iter_messages(...))``. When
a worker is lost, the scheduler runs its tasks again elsewhere (up to its
``distributed.scheduler.allowed-failures``); the client takes exactly one
result per task, so no row is lost or repeated.

Dask is an optional extra (``pip install 'mailcoach[dask]'``): this module
imports it only when a function here is called, and says so in a
:class:`~mailcoach.errors.ClusterError` if it is missing.
"""

from __future__ import annotations

import logging
import os
from collections import deque
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mailcoach.errors import ClusterError, InputError, MailcoachError
from mailcoach.inputs.parse import is_text_encoding
from mailcoach.inputs.sources import (
    STDIN,
    MessageFile,
    Unreadable,
    is_mbox,
    read_files,
    walk_inputs,
)
from mailcoach.model import Draft, Report
from mailcoach.settings import Settings

if TYPE_CHECKING:
    from dask.bag import Bag
    from distributed import Client, Future

__all__ = ["SPLIT_BYTES", "check_bag", "connect", "review_on"]

#: A file larger than this is checked for being an mbox, and split if it is one.
SPLIT_BYTES = 256 * 1024
#: Bytes of an mbox indexed by one task (a few seconds of a worker's time).
INDEX_BYTES = 32 * 1024 * 1024
#: Messages per review task: files from a folder, or messages of an mbox.
TASK_MESSAGES = 64
#: A task of files closes once they hold this many bytes, whatever their number.
TASK_BYTES = 4 * 1024 * 1024
#: Review tasks in flight per worker thread (one running, one waiting), at least MIN_IN_FLIGHT.
TASKS_PER_THREAD = 2
MIN_IN_FLIGHT = 4
#: Pieces of an mbox indexed ahead of the review.
INDEX_AHEAD = 2
#: Priority of index tasks over review tasks (Dask runs higher numbers first).
INDEX_PRIORITY = 1
#: How ``--scheduler`` asks for a cluster on this machine: ``local:N`` (N workers).
LOCAL_PREFIX = "local:"
PIP_EXTRA = "pip install 'mailcoach[dask]'"


def _require_dask() -> Any:
    """Import dask.distributed, or raise ClusterError with the command that installs it."""
    try:
        import distributed
    except ImportError:
        raise ClusterError(
            f"reviewing on a Dask cluster needs Dask, which is not installed; {PIP_EXTRA}"
        ) from None
    return distributed


def local_workers(scheduler: str) -> int | None:
    """Return N for a ``local:N`` scheduler address, None for a real address.

    Raises:
        ClusterError: for ``local:`` followed by anything but a number from 1.
    """
    if not scheduler.startswith(LOCAL_PREFIX):
        return None
    count = scheduler[len(LOCAL_PREFIX) :]
    if not count.isdigit() or int(count) < 1:
        raise ClusterError(
            f"{scheduler!r} is not a local cluster; write local:N with N the number of "
            "worker processes, e.g. local:2."
        )
    return int(count)


@contextmanager
def connect(scheduler: str, *, timeout: float | None = None) -> Iterator[Client]:
    """Open a Dask client for ``scheduler`` and close it (and any cluster it started) after.

    Args:
        scheduler: a scheduler's address (``tcp://host:8786``), or ``local:N`` to
            start a cluster of N worker processes (one thread each) on this
            machine, listening on the loopback interface only.
        timeout: seconds to wait for the scheduler (default: Dask's
            ``distributed.comm.timeouts.connect``, 30 s unless configured).

    Raises:
        ClusterError: if Dask is not installed, the address is malformed, or the
            scheduler cannot be reached.
    """
    distributed = _require_dask()
    workers = local_workers(scheduler)
    if workers is not None:
        cluster = distributed.LocalCluster(
            n_workers=workers,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            silence_logs=logging.ERROR,
        )
        with cluster, distributed.Client(cluster) as client:
            from mailcoach.distributed.worker import IgnoreInterrupt

            client.register_plugin(IgnoreInterrupt(), name="mailcoach-ignore-interrupt")
            yield client
        return
    try:
        options = {} if timeout is None else {"timeout": timeout}
        client = distributed.Client(scheduler, **options)
    except (OSError, TimeoutError, ValueError, TypeError) as exc:
        reason = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise ClusterError(
            f"the Dask scheduler at {scheduler} cannot be reached ({reason}); check the "
            "address, or start one with `dask scheduler` and workers with `dask worker`."
        ) from None
    with client:
        yield client


def review_on(
    client: Client,
    sources: Iterable[str | Path] | str | Path,
    *,
    settings: Settings | None = None,
    encoding: str | None = None,
    task_messages: int = TASK_MESSAGES,
    in_flight: int | None = None,
) -> Iterator[Report]:
    """Review messages on a Dask cluster; yield one Report per message, in input order.

    Args:
        client: a connected ``distributed.Client``; its workers need mailcoach,
            the model package and read access to ``sources`` at the same paths.
        sources: what :func:`mailcoach.iter_messages` takes: files, folders, mbox
            files, Maildirs and ``"-"`` (standard input, read here).
        settings: what to flag and how; sent to every worker.
        encoding: the encoding of plain-text drafts (as ``review --encoding``).
        task_messages: messages per task.
        in_flight: review tasks submitted at a time (default: twice the
            cluster's worker threads, at least 4); memory stays flat.

    Yields:
        The same Reports as ``check_many(iter_messages(sources))``; an unreadable
        message is a Report with ``error`` set.

    Raises:
        InputError: at once, if ``encoding`` is not a known text encoding.
        ModelMissingError, LexiconError: from the first task, if a worker's
            installation is broken.
        ClusterError: if the cluster fails (a task lost with too many workers).
    """
    if encoding is not None and not is_text_encoding(encoding):
        raise InputError(
            f"{encoding!r} is not a known text encoding; "
            "use a name such as utf-8, cp1252 or latin-1."
        )
    if task_messages < 1:
        raise ValueError(f"task_messages must be at least 1, not {task_messages}")
    _require_dask()
    return _review(
        client,
        [sources] if isinstance(sources, str | Path) else sources,
        settings or Settings(),
        encoding,
        task_messages,
        in_flight,
    )


def _review(
    client: Client,
    sources: Iterable[str | Path],
    settings: Settings,
    encoding: str | None,
    task_messages: int,
    in_flight: int | None,
) -> Iterator[Report]:
    """Submit the tasks with a bounded number in flight; yield their reports in order."""
    from mailcoach.distributed.worker import PipelinePlugin

    client.register_plugin(PipelinePlugin(settings), name="mailcoach-pipeline")
    threads = sum(client.nthreads().values())  # type: ignore[no-untyped-call]
    limit = in_flight or max(MIN_IN_FLIGHT, TASKS_PER_THREAD * threads)
    plan = _Plan(client, settings, encoding, task_messages)
    pending: deque[Future[Any]] = deque()
    try:
        for future in plan.tasks(sources):
            pending.append(future)
            while len(pending) >= limit:
                yield from _result(pending.popleft())
        while pending:
            yield from _result(pending.popleft())
    finally:
        left = [*pending, *plan.indexing]
        if left:
            try:
                client.cancel(left)  # type: ignore[no-untyped-call]
            except Exception:  # the cluster is already gone: nothing left to cancel
                logging.getLogger(__name__).debug("cancel failed", exc_info=True)


def _result(future: Future[Any]) -> list[Report]:
    """Return a task's reports; a failure of the cluster becomes a ClusterError."""
    try:
        reports: list[Report] = future.result()
    except MailcoachError:
        raise
    except Exception as exc:
        raise ClusterError(
            f"the Dask cluster could not finish a review task ({type(exc).__name__}: "
            f"{exc}); check that the workers are running and can read the inputs."
        ) from None
    return reports


class _Plan:
    """Turn the inputs into review tasks, in input order, submitting each as it is made."""

    def __init__(
        self, client: Client, settings: Settings, encoding: str | None, task_messages: int
    ) -> None:
        self.client = client
        self.settings = settings
        self.encoding = encoding
        self.task_messages = task_messages
        #: Index tasks submitted and not yet used, to cancel if the review stops early.
        self.indexing: deque[Future[Any]] = deque()

    def tasks(self, sources: Iterable[str | Path]) -> Iterator[Future[Any]]:
        """Yield a future per task; runs of files are grouped, large mboxes split."""
        group: list[MessageFile | Unreadable | Draft] = []
        size = 0
        for entry in walk_inputs(sources):
            if isinstance(entry, MessageFile) and entry.label == STDIN:
                group.extend(self._read_here(entry))  # only the client has this input
            elif isinstance(entry, MessageFile) and not entry.single:
                length = _file_size(entry.label)
                if length > SPLIT_BYTES and is_mbox(entry.label):
                    if group:
                        yield self._files(group)
                        group, size = [], 0
                    yield from self._mbox(entry.label, length)
                    continue
                group.append(entry)
                size += length
            else:
                group.append(entry)
            if len(group) >= self.task_messages or size >= TASK_BYTES:
                yield self._files(group)
                group, size = [], 0
        if group:
            yield self._files(group)

    def _read_here(self, entry: MessageFile) -> list[Draft | Unreadable]:
        return list(read_files([entry], max_bytes=self.settings.max_bytes, encoding=self.encoding))

    def _files(self, group: list[MessageFile | Unreadable | Draft]) -> Future[Any]:
        from mailcoach.distributed.worker import review_files

        return self.client.submit(
            review_files,
            group,
            self.settings.max_bytes,
            self.encoding,
            self.settings,
            pure=False,
        )

    def _mbox(self, label: str, length: int) -> Iterator[Future[Any]]:
        """Yield review tasks of whole messages for a large mbox, indexing it piece by piece."""
        from mailcoach.distributed.worker import index_mbox, review_mbox

        pieces = [
            (start, start + INDEX_BYTES if start + INDEX_BYTES < length else None)
            for start in range(0, max(length, 1), INDEX_BYTES)
        ]
        ahead: deque[Future[Any]] = self.indexing
        upcoming = iter(pieces)

        def index_next() -> None:
            piece = next(upcoming, None)
            if piece is not None:
                ahead.append(
                    self.client.submit(
                        index_mbox, label, *piece, pure=False, priority=INDEX_PRIORITY
                    )
                )

        for _ in range(INDEX_AHEAD):
            index_next()
        before = 0  # messages that begin before this piece
        for piece_start, piece_stop in pieces:
            starts: list[int] | None = ahead.popleft().result()
            index_next()
            if starts is None:  # the worker cannot read the file here: one error row, as locally
                yield self._range(review_mbox, label, piece_start, None, before + 1)
                for future in ahead:
                    future.cancel()  # type: ignore[no-untyped-call]
                ahead.clear()
                return
            step = self.task_messages
            for i in range(0, len(starts), step):
                stop = starts[i + step] if i + step < len(starts) else piece_stop
                yield self._range(review_mbox, label, starts[i], stop, before + i + 1)
            before += len(starts)

    def _range(
        self, task: Any, label: str, start: int, stop: int | None, first: int
    ) -> Future[Any]:
        return self.client.submit(
            task,
            label,
            start,
            stop,
            first,
            self.settings.max_bytes,
            self.encoding,
            self.settings,
            pure=False,
        )


def _file_size(label: str) -> int:
    """Return a file's size in bytes; 0 if it cannot be looked at (its read says why)."""
    try:
        return os.stat(label).st_size
    except (OSError, ValueError):
        return 0


def check_bag(bag: Bag, *, settings: Settings | None = None) -> Bag:
    """Check every message of a Dask bag; return a bag of Reports in the same order.

    Args:
        bag: a ``dask.bag.Bag`` of messages: raw message ``bytes``, text ``str``,
            a ``Path``, a ``Draft``, or a ``(source, bytes | str)`` pair that names
            the message in its Report (otherwise its source is ``-``).
        settings: what to flag and how.

    Returns:
        A lazy bag of Reports, one per message, partitioned as ``bag``; a message
        that cannot be read gives a Report with ``error`` set. Each worker process
        loads the pipeline once, the first time it checks a partition.
    """
    _require_dask()
    from mailcoach.distributed.worker import check_partition

    result: Bag = bag.map_partitions(check_partition, settings or Settings())  # type: ignore[no-untyped-call]
    return result
