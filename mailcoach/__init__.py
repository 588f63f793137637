"""mailcoach: check a dispute email before you send it.

The public API; the CLI uses nothing else::

    from mailcoach import check, rewrite
    report = check("You never pay on time.")
    report.verdict, report.findings[0].category
    rewrite(report).text
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
from mailcoach.rewrite import (
    Benchmark,
    BenchmarkForm,
    BenchmarkParams,
    Edit,
    RewriteResult,
    benchmark_clause,
    rewrite,
)
from mailcoach.settings import Settings, load_settings

__version__ = "0.1.0"

__all__ = [
    "Benchmark",
    "BenchmarkForm",
    "BenchmarkParams",
    "CaseFacts",
    "Category",
    "ConfigError",
    "Dispute",
    "Draft",
    "Edit",
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
    "RewriteResult",
    "SelfCheckFailed",
    "Sentiment",
    "Settings",
    "Severity",
    "TemplateError",
    "Unreadable",
    "Verdict",
    "benchmark_clause",
    "check",
    "check_many",
    "compose_letter",
    "iter_messages",
    "load_settings",
    "read_draft",
    "read_facts",
    "rewrite",
]
