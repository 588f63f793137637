"""``mailcoach serve``: the local page and JSON API."""

from __future__ import annotations

import socket
from pathlib import Path

import click

from mailcoach import MailcoachError
from mailcoach.cli.common import FatalError, fail, make_settings, settings_options

SERVE_EXIT_HELP = """\b
Exit codes:
  0    stopped with Ctrl-C
  2    refused to start: another address without a token, a port in use,
       a bad lexicon or a missing model"""


def _listen(host: str, port: int) -> socket.socket:
    """Return a socket bound to ``host``:``port``, or stop with a one-line reason."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as exc:
        raise FatalError(f"cannot listen on {host}:{port}: {exc.strerror or exc}.") from None
    return sock


@click.command("serve", epilog=SERVE_EXIT_HELP)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Anything but this machine (127.0.0.1, ::1, localhost) "
    "needs --token too.",
)
@click.option(
    "--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="TCP port."
)
@click.option(
    "--token",
    envvar="MAILCOACH_TOKEN",
    metavar="TEXT",
    help="Access token (16 characters or more) the API asks for as "
    "'Authorization: Bearer TEXT'. Also read from MAILCOACH_TOKEN.",
)
@settings_options
def serve_cmd(
    host: str,
    port: int,
    token: str | None,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Serve the page and the JSON API on this machine, the pipeline loaded once.

    The page checks a draft as you type, rewrites it edit by edit, writes
    letters and reviews an uploaded mbox. The API answers POST /v1/check,
    /v1/rewrite, /v1/letter and /v1/review with the CLI's JSON; its OpenAPI
    description is at /openapi.json. Nothing is fetched from the network and
    nothing is kept: every request is answered and forgotten.

    \b
    Example:
      mailcoach serve
      mailcoach serve --port 9000
      curl -s localhost:8765/v1/check -H 'Content-Type: text/plain' --data-binary @draft.txt
      MAILCOACH_TOKEN=$(openssl rand -hex 16) mailcoach serve --host 0.0.0.0
    """
    import uvicorn

    from mailcoach.server import ServeOptions, create_app, refuse_reason, warm_up

    reason = refuse_reason(host, token)
    if reason is not None:
        raise FatalError(reason)
    settings = make_settings(config, model, lexicons, disable)
    try:
        warm_up(settings)
    except MailcoachError as exc:
        fail(exc)
    sock = _listen(host, port)
    app = create_app(ServeOptions(host=host, port=port, token=token, settings=settings))
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    click.echo(f"mailcoach: serving {url} (Ctrl-C stops)", err=True)
    if token:
        click.echo(f"mailcoach: open {url}#token=<your token> to use the page", err=True)
    config_ = uvicorn.Config(
        app, log_level="warning", access_log=False, server_header=False, lifespan="on"
    )
    uvicorn.Server(config_).run(sockets=[sock])
