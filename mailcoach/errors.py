"""Exceptions raised by mailcoach.

The library raises only :class:`MailcoachError` subclasses. Each message is one
sentence that says what went wrong, where, and what to do about it; the CLI prints
it as it is, without a traceback.
"""

from __future__ import annotations


class MailcoachError(Exception):
    """Base class of every error mailcoach raises on purpose."""


class InputError(MailcoachError):
    """A draft or message could not be read (missing, binary, too large, malformed)."""


class LexiconError(MailcoachError):
    """A rule file is invalid; the message names the file, the rule and the field."""


class TemplateError(MailcoachError):
    """A Jinja2 template is missing or failed to render."""


class FactsError(MailcoachError):
    """A case-facts file is invalid; the message names the file and the field."""


class ConfigError(MailcoachError):
    """A configuration file or setting is invalid."""


class ModelMissingError(MailcoachError):
    """The spaCy model named in the settings is not installed."""


class LetterError(MailcoachError):
    """A letter cannot be written: refused for these facts, or it failed its own check."""


class ClusterError(MailcoachError):
    """A Dask cluster cannot be used: Dask is missing, or the scheduler is unreachable."""
