"""review on a Dask cluster: the same rows as the local run, a lost worker, a bag, errors.

The clusters are real ``distributed.LocalCluster``s of worker processes on the
loopback interface, started by the tests and always closed. The corpus is the
benchmark's generated outbox, as an mbox, a folder and a Maildir.
"""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType

import pytest
from click.testing import CliRunner

from mailcoach import ClusterError, check, check_many, iter_messages
from mailcoach.cli import cli
from mailcoach.render.json_format import render_jsonl

from .conftest import ROOT

dask = pytest.importorskip("dask")
distributed = pytest.importorskip("distributed")

from mailcoach.distributed import check_bag, connect, review_on  # noqa: E402

BROKEN = (
    b"From: dana@example.com\nTo: sam@example.com\nSubject: scan\nMIME-Version: 1.0\n"
    b"Content-Type: application/octet-stream\nContent-Transfer-Encoding: base64\n\n"
    b"AAECAwQFBgcICQ==\n"
)
LOCAL_1 = ["--scheduler", "local:1"]
FROM_LINE = "From dana@example.com Mon Nov 23 09:00:00 2026\n"


def _generator() -> ModuleType:
    """The benchmark's outbox generator (benchmarks/ is scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(
        "review_throughput", ROOT / "benchmarks" / "review_throughput.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


GEN = _generator()


def _mbox_with_broken(path: Path, count: int, seed: int) -> None:
    """A generated mbox with an attachment-only and an empty message in the middle."""
    GEN.generate_mbox(path, count, seed=seed)
    text = path.read_text(encoding="utf-8")
    middle = text.index(FROM_LINE, len(text) // 2)
    extra = f"{FROM_LINE}{BROKEN.decode()}\n{FROM_LINE}\n"
    path.write_text(text[:middle] + extra + text[middle:], encoding="utf-8")


def _corpus(root: Path) -> list[str]:
    """Write the 2,000-message corpus; return the review inputs (absolute paths)."""
    _mbox_with_broken(root / "outbox.mbox", 1400, seed=7)  # over SPLIT_BYTES: split by bytes
    GEN.generate(root / "drafts", 406, seed=8)
    (root / "drafts" / "scan.txt").write_bytes(b"\x00\x01binary\x00" * 20)
    (root / "drafts" / "nested").mkdir()
    GEN.generate_mbox(root / "drafts" / "nested" / "small.mbox", 40, seed=9)  # read whole
    maildir = root / "Maildir"
    for sub in ("cur", "new", "tmp"):
        (maildir / sub).mkdir(parents=True)
    for i, body in enumerate(GEN.bodies(150, seed=10)):
        (maildir / ("new" if i < 30 else "cur") / f"17313{i:05d}.M1P1.host").write_text(
            f"From: Dana <dana@example.com>\nTo: Sam <sam@example.com>\nSubject: M{i}\n"
            f"Date: Mon, 23 Nov 2026 09:00:00 +0000\nMIME-Version: 1.0\n\n{body}"
        )
    return [str(root / name) for name in ("outbox.mbox", "drafts", "Maildir", "missing.eml")]


@pytest.fixture(scope="module")
def client(lexicon_cache: Path) -> Iterator[distributed.Client]:
    """A local cluster of 2 worker processes, 1 thread each, shared by this module."""
    with pytest.MonkeyPatch.context() as env:  # the workers inherit this environment
        for name in ("MAILCOACH_CONFIG", "MAILCOACH_MODEL", "MAILCOACH_LEXICONS"):
            env.delenv(name, raising=False)
        env.setenv("MAILCOACH_CACHE", str(lexicon_cache))
        # A task may be lost with its worker this many times before the run fails.
        failures = {"distributed.scheduler.allowed-failures": 3}
        with dask.config.set(failures), connect("local:2") as c:
            yield c


def _rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.strip()]


def test_cluster_gives_the_same_jsonl_as_the_local_run(
    tmp_path: Path, client: distributed.Client
) -> None:
    inputs = _corpus(tmp_path)
    local = subprocess.run(
        [sys.executable, "-m", "mailcoach", "review", *inputs, "--format", "jsonl", "--jobs", "2"],
        capture_output=True,
        text=True,
    )
    assert local.returncode == 3, local.stderr  # findings, and unreadable inputs
    address = client.scheduler.address
    r = CliRunner().invoke(
        cli,
        ["review", *inputs, "--format", "jsonl", "--scheduler", address],
        catch_exceptions=False,
    )
    expected = _rows(local.stdout)
    assert len(expected) == 2000
    assert r.stdout == local.stdout  # byte for byte, in the same order
    assert r.exit_code == 3 and r.stderr == local.stderr
    errors = [json.loads(row) for row in expected if json.loads(row)["error"]]
    assert {e["source"].rsplit("/", 1)[-1] for e in errors} >= {"scan.txt", "missing.eml"}
    assert sum("outbox.mbox#" in e["source"] for e in errors) == 2


def test_a_worker_killed_mid_run_loses_and_repeats_no_row(
    tmp_path: Path, client: distributed.Client
) -> None:
    box = tmp_path / "outbox.mbox"
    _mbox_with_broken(box, 300, seed=11)
    expected = [render_jsonl(r) for r in check_many(iter_messages([str(box)]))]
    pids = set(client.run(os.getpid).values())
    got: list[str] = []
    lost: list[str] = []
    for report in review_on(client, [str(box)], task_messages=8):
        got.append(render_jsonl(report))
        if len(got) == 24:
            busy = {w: keys for w, keys in client.processing().items() if keys}
            worker, keys = next(iter(busy.items()))
            lost = [str(k) for k in keys]
            os.kill(client.run(os.getpid, workers=[worker])[worker], signal.SIGKILL)
    assert got == expected  # every row once, in order
    # the killed worker's tasks went back to the queue, ran again and finished once
    story = [e for e in client.story(*lost) if e[0] == "scheduler"]
    requeued = {e[1] for e in story if (e[2], e[3]) == ("processing", "released")}
    assert requeued and requeued <= set(lost)
    for key in requeued:
        assert sum(e[1] == key and e[3] == "memory" for e in story) == 1
    # ... and the nanny replaced the process
    client.wait_for_workers(2, timeout=120)
    assert set(client.run(os.getpid).values()) != pids


def test_a_bag_of_raw_messages_gives_reports_in_order(client: distributed.Client) -> None:
    import dask.bag as db

    texts = GEN.bodies(12, seed=12)
    raw = [
        f"From: dana@example.com\nTo: sam@example.com\nSubject: S{i}\n\n{t}".encode()
        for i, t in enumerate(texts)
    ]
    items = [("scan.eml", BROKEN), *((f"m{i}.eml", data) for i, data in enumerate(raw)), texts[0]]
    reports = check_bag(db.from_sequence(items, npartitions=3)).compute()
    assert [r.source for r in reports] == ["scan.eml", *(f"m{i}.eml" for i in range(12)), "-"]
    assert reports[0].error and not reports[0].findings
    for report, data in zip(reports[1:13], raw, strict=True):
        assert report.findings == check(data).findings
    assert reports[-1].findings == check(texts[0]).findings


def test_ctrl_c_writes_out_what_was_done_and_closes_the_cluster(tmp_path: Path) -> None:
    import psutil

    box = tmp_path / "outbox.mbox"
    GEN.generate_mbox(box, 600, seed=13)
    proc = subprocess.Popen(
        [sys.executable, "-m", "mailcoach", "review", str(box), "--format", "jsonl", *LOCAL_1],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, as a terminal's foreground job
        # as from a terminal: a test runner started in the background ignores Ctrl-C,
        # and a child would inherit that
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert proc.stdout is not None and proc.stderr is not None
    first = proc.stdout.readline()  # rows are flowing
    children = psutil.Process(proc.pid).children(recursive=True)
    assert children  # the local cluster's worker process
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C reaches the whole group
    rest = proc.stdout.read()  # through the same buffer as the first line, to the end
    stderr = proc.stderr.read()
    proc.wait(timeout=120)
    assert proc.returncode == 130, stderr
    assert "interrupted after" in stderr and "Traceback" not in stderr
    rows = [json.loads(line) for line in _rows(first + rest)]
    assert 0 < len(rows) < 600
    assert [row["source"] for row in rows] == [f"{box}#{n}" for n in range(1, len(rows) + 1)]
    _, alive = psutil.wait_procs(children, timeout=30)
    assert not alive


def test_without_dask_the_option_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)  # import distributed fails
    (tmp_path / "a.txt").write_text("Hi Sam, the statement is attached.\n")
    r = CliRunner().invoke(cli, ["review", str(tmp_path), "--scheduler", "local:2"])
    assert r.exit_code == 2
    assert r.stderr.count("\n") == 1 and "pip install 'mailcoach[dask]'" in r.stderr
    with pytest.raises(ClusterError, match="mailcoach\\[dask\\]"):
        review_on(None, [str(tmp_path)])  # type: ignore[arg-type]


def test_nothing_imports_dask_without_the_option(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("Hi Sam, the statement is attached.\n")
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from mailcoach.cli import cli\n"
        f"r = CliRunner().invoke(cli, ['review', {str(tmp_path)!r}, '--jobs', '1'])\n"
        "assert r.exit_code == 0, r.output\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('dask', 'distributed')))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--scheduler", "local:0"], "local:N"),
        (["--scheduler", "tcp://127.0.0.1:9"], "cannot be reached"),
        (["--scheduler", "local:2", "--jobs", "2"], "not both"),
    ],
)
def test_bad_scheduler_options_are_one_line_errors(
    tmp_path: Path, args: list[str], message: str
) -> None:
    (tmp_path / "a.txt").write_text("Hi Sam, the statement is attached.\n")
    with dask.config.set({"distributed.comm.timeouts.connect": "2s"}):
        r = CliRunner().invoke(cli, ["review", str(tmp_path), *args])
    assert r.exit_code == 2 and message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr
