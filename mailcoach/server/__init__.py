"""The local page and JSON API behind ``mailcoach serve`` (FastAPI, run by uvicorn).

The server holds no logic of its own: every route reads its request, calls the
public API (:func:`mailcoach.check`, :func:`mailcoach.rewrite`,
:func:`mailcoach.compose_letter`, :func:`mailcoach.check_many`) and answers with
the renderers the CLI uses, so ``POST /v1/check`` returns what
``mailcoach check --format json`` prints.
"""

from mailcoach.server.app import (
    DEFAULT_HOST,
    DEFAULT_PORT,
    LETTER_MAX_BYTES,
    MIN_TOKEN_LENGTH,
    REVIEW_MAX_BYTES,
    ServeOptions,
    create_app,
    is_loopback,
    refuse_reason,
    warm_up,
)

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "LETTER_MAX_BYTES",
    "MIN_TOKEN_LENGTH",
    "REVIEW_MAX_BYTES",
    "ServeOptions",
    "create_app",
    "is_loopback",
    "refuse_reason",
    "warm_up",
]
