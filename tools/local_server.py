"""Start ``mailcoach serve`` on a free loopback port and stop it again.

One way to run the real server as a child process, shared by the page tests
(``tests/conftest.py``), the README's screenshot (``tools/page_screenshot.py``) and
the load benchmark (``benchmarks/serve_load.py``). Not part of the product.
"""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import IO

import httpx

HOST = "127.0.0.1"


class ServerFailed(Exception):
    """The server exited or did not answer its health check in time (it is stopped)."""


def free_port() -> int:
    """Return a TCP port on the loopback interface that nobody is listening on."""
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def start(
    env: Mapping[str, str],
    log: IO[bytes] | int,
    *,
    cwd: Path | None = None,
    timeout: float = 180.0,
) -> tuple[subprocess.Popen[bytes], str]:
    """Start the server with ``env``, its output to ``log``; return it and its base URL
    once ``/v1/health`` answers.

    Raises:
        ServerFailed: if it exits first or does not answer within ``timeout`` seconds.
    """
    port = free_port()
    command = [sys.executable, "-m", "mailcoach", "serve", "--port", str(port)]
    proc = subprocess.Popen(command, cwd=cwd, env=dict(env), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://{HOST}:{port}"
    deadline = time.monotonic() + timeout
    while True:
        if proc.poll() is not None:
            raise ServerFailed("mailcoach serve exited early")
        try:
            if httpx.get(f"{url}/v1/health", timeout=2).status_code == 200:
                return proc, url
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            stop(proc)
            raise ServerFailed("mailcoach serve did not start in time")
        time.sleep(0.2)


def stop(proc: subprocess.Popen[bytes]) -> None:
    """Stop the server as Ctrl-C would, then for good if it hangs."""
    proc.send_signal(signal.SIGINT)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
