"""Letters from a case's facts: the facts model, composing and self-checking, outputs."""

from mailcoach.letters.compose import (
    KINDS,
    EscalationRefused,
    FollowUp,
    Letter,
    SelfCheckFailed,
    compose_letter,
    describe_kinds,
)
from mailcoach.letters.cost import CostWeighing, weigh_cost
from mailcoach.letters.facts import CaseFacts, Row, format_money, read_facts, read_rows

__all__ = [
    "KINDS",
    "CaseFacts",
    "CostWeighing",
    "EscalationRefused",
    "FollowUp",
    "Letter",
    "Row",
    "SelfCheckFailed",
    "compose_letter",
    "describe_kinds",
    "format_money",
    "read_facts",
    "read_rows",
    "weigh_cost",
]
