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
    LetterError,
    LexiconError,
    MailcoachError,
    ModelMissingError,
    TemplateError,
)
from mailcoach.inputs import Unreadable, iter_messages, read_draft
from mailcoach.letters import (
    CaseFacts,
    EscalationRefused,
    Letter,
    SelfCheckFailed,
    compose_letter,
    read_facts,
)
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
    "CaseFacts",
    "Category",
    "ConfigError",
    "Dispute",
    "Draft",
    "EscalationRefused",
    "FactsError",
    "Finding",
    "InputError",
    "Letter",
    "LetterError",
    "LexiconError",
    "MailcoachError",
    "ModelMissingError",
    "Report",
    "SelfCheckFailed",
    "Sentiment",
    "Settings",
    "Severity",
    "TemplateError",
    "Unreadable",
    "Verdict",
    "check",
    "check_many",
    "compose_letter",
    "iter_messages",
    "load_settings",
    "read_draft",
    "read_facts",
]
