"""Weigh the cost of pursuing a balance against the balance itself (DOMAIN.md, point 9)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from mailcoach.errors import FactsError
from mailcoach.letters.facts import MAX_AMOUNT, MAX_HOURS, CaseFacts
from mailcoach.templating import render

#: At or above this share of the balance (in %), pursuing it is a close call.
CLOSE_SHARE = 50


@dataclass(frozen=True, slots=True)
class CostWeighing:
    """What pursuing the balance is expected to cost, against what it brings in."""

    hourly: Decimal
    hours: Decimal
    cost: Decimal
    balance: Decimal
    costs_more: bool
    close: bool
    text: str


def weigh_cost(
    facts: CaseFacts, *, hourly: Decimal | None = None, hours: Decimal | None = None
) -> CostWeighing | None:
    """Compare hourly cost × expected hours with the balance due.

    Args:
        facts: the case; its ``cost`` table gives the defaults.
        hourly: our cost per hour, overriding ``cost.hourly``.
        hours: the hours the dispute is expected to take, overriding ``cost.hours``.

    Returns:
        The weighing (with its one-paragraph note), or None when the hourly cost or
        the hours are unknown.

    Raises:
        FactsError: if the hourly cost or the hours are not above zero, or beyond
            what a facts file may give (an amount below 10^15, at most 10,000 hours).
    """
    rate = hourly if hourly is not None else (facts.cost.hourly if facts.cost else None)
    time = hours if hours is not None else (facts.cost.hours if facts.cost else None)
    if rate is None or time is None:
        return None
    if not (rate.is_finite() and 0 < rate < MAX_AMOUNT):
        raise FactsError(f"the hourly cost must be above zero and below {MAX_AMOUNT:,}.")
    if not (time.is_finite() and 0 < time <= MAX_HOURS):
        raise FactsError(f"the hours must be above zero and at most {MAX_HOURS:,}.")
    cost = rate * time
    balance = facts.total_due
    costs_more = cost >= balance
    close = not costs_more and cost * 100 >= balance * CLOSE_SHARE
    text = render(
        "letters",
        "_cost.j2",
        hourly=facts.money(rate),
        hours=f"{time.normalize():f}",
        cost=facts.money(cost),
        balance=facts.money(balance),
        costs_more=costs_more,
        close=close,
        share=round(100 * cost / balance) if balance else None,
    )
    return CostWeighing(rate, time, cost, balance, costs_more, close, " ".join(text.split()))
