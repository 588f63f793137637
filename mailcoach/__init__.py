"""mailcoach: check a dispute email before you send it.

The public API; the CLI uses nothing else::

    from mailcoach import check
    report = check("You never pay on time.")
    report.verdict, report.findings[0].category
"""

from mailcoach.analyze import check, check_many
from mailcoach.errors import (
    ConfigError,
    FactsError,
    InputError,
    LexiconError,
    MailcoachError,
    ModelMissingError,
    TemplateError,
)
from mailcoach.inputs import Unreadable, iter_messages, read_draft
from mailcoach.model import (
    Category,
    Dispute,
    Draft,
    Finding,
    Report,
    Sentiment,
    Severity,
    Verdict,
)
from mailcoach.settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "Category",
    "ConfigError",
    "Dispute",
    "Draft",
    "FactsError",
    "Finding",
    "InputError",
    "LexiconError",
    "MailcoachError",
    "ModelMissingError",
    "Report",
    "Sentiment",
    "Settings",
    "Severity",
    "TemplateError",
    "Unreadable",
    "Verdict",
    "check",
    "check_many",
    "iter_messages",
    "load_settings",
    "read_draft",
]
