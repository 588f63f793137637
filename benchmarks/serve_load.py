"""Load `mailcoach serve` on 127.0.0.1: warm latency of POST /v1/check, then 20 clients.

The targets (issue 14), on a 200-word draft:

- warm ``POST /v1/check``, one client: p50 <= 50 ms and p99 <= 200 ms;
- 20 concurrent clients for 60 s: no error, and no memory growth of the server
  (its resident memory in the last third of the run within 10% of the first third).

The script starts its own server (``python -m mailcoach serve``) on a free loopback
port and stops it at the end; it never talks to anything but 127.0.0.1. Every phase
is bounded in requests and in time, so it stops by itself. Run by hand, never in CI:

    .venv/bin/python benchmarks/serve_load.py
    .venv/bin/python benchmarks/serve_load.py --requests 300 --clients 20 --seconds 60

Exit code 0 when every target is met, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from tools.local_server import ServerFailed, start, stop  # noqa: E402

P50_TARGET_MS = 50.0
P99_TARGET_MS = 200.0
MEMORY_GROWTH = 0.10
#: One request never waits longer than this; a slower one counts as an error.
REQUEST_TIMEOUT = 30.0
#: The server must answer its health check within this many seconds of starting.
START_TIMEOUT = 240.0

# A 200-word draft in our own words: facts, one blaming and one inflammatory sentence,
# a threat, and calm sentences around them, as a real reply in a dispute reads.
DRAFT = """Hi Jordan,

I am writing about invoice 20871 for $3,120.00, which was due on 15 October, and
invoice 20934 for $1,480.00, which was due on 30 October. Both are still open today.

You failed to pay on time again, and frankly this is getting ridiculous. Our
accounts team has sent three reminders since the start of the month, and each one
was answered with a new date that then passed without a payment.

I would still like to sort this out between us. We have worked together since 2019
and your orders have always mattered to us. If there is a problem with either
invoice, such as a missing delivery note or a wrong quantity, please tell me and I
will look into it the same day.

Could you confirm by Friday 13 November when both invoices will be paid? If a
single payment is hard right now, we could agree a two-part plan on a short call.
If we hear nothing by then, we will pass the account to our lawyers.
I have attached copies of both invoices and the signed delivery notes for reference.

Thank you for your help with this.

Best regards,
Priya Nair
Accounts, Harbor Roasters
"""


def rss_mb(pid: int) -> float:
    """Return the resident memory of process ``pid`` in MB (Linux /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def cpu_seconds(pid: int) -> float:
    """Return the CPU time (user + system) process ``pid`` has used, in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], share: float) -> float:
    """Return the nearest-rank percentile of ``values`` (share in 0..1)."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def start_server() -> tuple[subprocess.Popen[bytes], str]:
    """Start `mailcoach serve` on a free loopback port; return it and its URL."""
    env = {k: v for k, v in os.environ.items() if k != "MAILCOACH_TOKEN"}
    log = tempfile.TemporaryFile()  # noqa: SIM115 (the server's log lives as long as it)
    try:
        return start(env, log, timeout=START_TIMEOUT)
    except ServerFailed as exc:
        log.seek(0)
        sys.exit(f"{exc}: {log.read().decode(errors='replace')}")


def work_ms(response: httpx.Response) -> float:
    """Return the server's own time for a request (its Server-Timing header), in ms."""
    timing = response.headers.get("server-timing", "")
    return float(timing.partition("dur=")[2] or "nan")


def sequential(url: str, requests: int, seconds: float) -> tuple[list[float], list[float]]:
    """Time ``requests`` checks one after another (or until ``seconds`` pass), in ms.

    Returns the round-trip times and the server's work times (the check itself).
    """
    times: list[float] = []
    work: list[float] = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=url, timeout=REQUEST_TIMEOUT) as client:
        for _ in range(requests):
            started = time.perf_counter()
            response = client.post("/v1/check", json={"text": DRAFT})
            times.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200:
                sys.exit(f"POST /v1/check answered {response.status_code}: {response.text}")
            work.append(work_ms(response))
            if time.monotonic() > deadline:
                break
    return times, work


async def concurrent(
    url: str, pid: int, clients: int, seconds: float, max_requests: int
) -> dict[str, object]:
    """Run ``clients`` clients for ``seconds`` (at most ``max_requests`` in all)."""
    times: list[float] = []
    errors: list[str] = []
    memory: list[float] = []
    stop = time.monotonic() + seconds
    sent = 0

    async def client() -> None:
        nonlocal sent
        async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT) as http:
            while time.monotonic() < stop and sent < max_requests:
                sent += 1
                started = time.perf_counter()
                try:
                    response = await http.post("/v1/check", json={"text": DRAFT})
                    if response.status_code != 200 or response.json()["schema_version"] != 1:
                        errors.append(f"{response.status_code}: {response.text[:200]}")
                except (httpx.HTTPError, ValueError, KeyError) as exc:
                    errors.append(repr(exc))
                times.append((time.perf_counter() - started) * 1000)

    async def sample() -> None:
        while time.monotonic() < stop and sent < max_requests:
            memory.append(rss_mb(pid))
            await asyncio.sleep(1.0)
        memory.append(rss_mb(pid))

    began = time.monotonic()
    await asyncio.gather(sample(), *(client() for _ in range(clients)))
    elapsed = time.monotonic() - began
    third = max(1, len(memory) // 3)
    first, last = statistics.median(memory[:third]), statistics.median(memory[-third:])
    return {
        "clients": clients,
        "seconds": round(elapsed, 1),
        "requests": len(times),
        "errors": len(errors),
        "first_errors": errors[:3],
        "requests_per_second": round(len(times) / elapsed, 1),
        "p50_ms": round(percentile(times, 0.50), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "rss_first_third_mb": round(first, 1),
        "rss_last_third_mb": round(last, 1),
        "rss_growth": round(last / first - 1, 4),
        "rss_samples_mb": [round(m, 1) for m in memory],
    }


def summary(measured: tuple[list[float], list[float]]) -> dict[str, float]:
    """Return the count and percentiles of latencies in ms, and the server's share."""
    times, work = measured
    return {
        "requests": len(times),
        "p50_ms": round(percentile(times, 0.50), 1),
        "p90_ms": round(percentile(times, 0.90), 1),
        "p99_ms": round(percentile(times, 0.99), 1),
        "max_ms": round(max(times), 1),
        "check_p50_ms": round(percentile(work, 0.50), 1),
        "http_p50_ms": round(statistics.median(t - w for t, w in zip(times, work, strict=True)), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=500, help="warm sequential requests")
    parser.add_argument("--clients", type=int, default=20, help="concurrent clients")
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the load phase")
    parser.add_argument(
        "--max-requests", type=int, default=20_000, help="cap on requests in the load phase"
    )
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    args = parser.parse_args()
    words = len(DRAFT.split())
    proc, url = start_server()
    try:
        started_rss = rss_mb(proc.pid)
        sequential(url, 30, 60)  # warm: the first requests build matchers lazily
        cpu_before = cpu_seconds(proc.pid)
        warm = summary(sequential(url, args.requests, 120))
        # The server's CPU time per request does not depend on what else the machine
        # runs: on a busy machine the wall-clock latency is this plus waiting for a core.
        warm["server_cpu_ms_per_request"] = round(
            (cpu_seconds(proc.pid) - cpu_before) * 1000 / warm["requests"], 1
        )
        load = asyncio.run(concurrent(url, proc.pid, args.clients, args.seconds, args.max_requests))
        after = summary(sequential(url, args.requests, 120))
    finally:
        stop(proc)
    results = {
        "draft_words": words,
        "load_average": round(os.getloadavg()[0], 1),
        "server_rss_at_start_mb": round(started_rss, 1),
        "warm_one_client": warm,
        "load": load,
        "warm_after_load": after,
    }
    met = {
        f"warm p50 <= {P50_TARGET_MS:g} ms": warm["p50_ms"] <= P50_TARGET_MS,
        f"warm p99 <= {P99_TARGET_MS:g} ms": warm["p99_ms"] <= P99_TARGET_MS,
        "no error under load": load["errors"] == 0,
        f"memory growth under load <= {MEMORY_GROWTH:.0%}": float(str(load["rss_growth"]))
        <= MEMORY_GROWTH,
    }
    if args.json:
        print(json.dumps({**results, "targets": met}, indent=2))
    else:
        print(f"draft: {words} words; server RSS after start-up {started_rss:.0f} MB")
        print(
            f"server CPU time per warm request: {warm['server_cpu_ms_per_request']} ms "
            f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
        )
        for name, part in (("warm, one client", warm), ("warm, after the load", after)):
            print(
                f"{name:<22} {part['requests']:>5} requests  p50 {part['p50_ms']:6.1f} ms  "
                f"p90 {part['p90_ms']:6.1f} ms  p99 {part['p99_ms']:6.1f} ms  "
                f"max {part['max_ms']:6.1f} ms  (the check itself p50 {part['check_p50_ms']} ms, "
                f"HTTP and the rest p50 {part['http_p50_ms']} ms)"
            )
        print(
            f"{load['clients']} clients, {load['seconds']} s: {load['requests']} requests "
            f"({load['requests_per_second']}/s), {load['errors']} errors, "
            f"p50 {load['p50_ms']} ms, p99 {load['p99_ms']} ms; server RSS "
            f"{load['rss_first_third_mb']} -> {load['rss_last_third_mb']} MB "
            f"(first vs last third, {float(str(load['rss_growth'])):+.1%})"
        )
        for name, ok in met.items():
            print(f"  {'met' if ok else 'MISSED'}: {name}")
    sys.exit(0 if all(met.values()) else 1)


if __name__ == "__main__":
    main()
