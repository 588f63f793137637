"""mailcoach: check a dispute email before you send it.

The public API; the CLI uses nothing else::

    from mailcoach import check, rewrite
    report = check("You never pay on time.")
    report.verdict, report.findings[0].category
    rewrite(report).text
"""

import importlib
from typing import TYPE_CHECKING, Any

from mailcoach.analyze import check, check_many
from mailcoach.errors import (
    ClusterError,
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

#: Names served from submodules that ``check`` does not need: they are imported on
#: first use (PEP 562), so checking a draft does not pay for letters or rewriting.
_LAZY = {
    "CaseFacts": "mailcoach.letters",
    "EscalationRefused": "mailcoach.letters",
    "Letter": "mailcoach.letters",
    "SelfCheckFailed": "mailcoach.letters",
    "compose_letter": "mailcoach.letters",
    "read_facts": "mailcoach.letters",
    "Benchmark": "mailcoach.rewriting",
    "BenchmarkForm": "mailcoach.rewriting",
    "BenchmarkParams": "mailcoach.rewriting",
    "Edit": "mailcoach.rewriting",
    "RewriteResult": "mailcoach.rewriting",
    "benchmark_clause": "mailcoach.rewriting",
    "rewrite": "mailcoach.rewriting",
}

if TYPE_CHECKING:
    from mailcoach.letters import (
        CaseFacts,
        EscalationRefused,
        Letter,
        SelfCheckFailed,
        compose_letter,
        read_facts,
    )
    from mailcoach.rewriting import (
        Benchmark,
        BenchmarkForm,
        BenchmarkParams,
        Edit,
        RewriteResult,
        benchmark_clause,
        rewrite,
    )


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'mailcoach' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


__all__ = [
    "Benchmark",
    "BenchmarkForm",
    "BenchmarkParams",
    "CaseFacts",
    "Category",
    "ClusterError",
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
