"""The benchmark clause: a measurable condition on the other side and what follows.

"If the next three invoices are paid on delivery, we will restore your 30-day
terms." The wording is one template per dispute type in ``templates/benchmark/``;
this module picks the template, fills in the parameters and finds where in a draft
the clause goes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum
from functools import lru_cache

from mailcoach.dispute import DISPUTE_TYPES
from mailcoach.errors import TemplateError
from mailcoach.model import Dispute
from mailcoach.resources import template_dir
from mailcoach.settings import Settings
from mailcoach.templating import render

FOLDER = "benchmark"


class BenchmarkForm(StrEnum):
    """Which benchmark to write: what the reader gains, what they lose, or none."""

    POSITIVE = "positive"
    PUNITIVE = "punitive"
    NONE = "none"


@dataclass(frozen=True, slots=True)
class BenchmarkParams:
    """What the clause measures and promises; None means the dispute type's default.

    ``count`` is how many invoices, deliveries, reports or milestones; ``terms`` the
    terms restored or kept ("30-day"); ``period`` how often progress is reported
    ("weekly"); ``restore`` whether the terms were withdrawn and the positive clause
    gives them back ("we will restore your 30-day terms") or they stand and the
    clause keeps them ("we will keep your account on 30-day terms"); None lets
    the rewrite decide from the draft (restore only where it says the terms were
    withdrawn). ``ask`` is True when the user asked for a clause even where the
    draft shows no broken promise or repeat problem.
    """

    form: BenchmarkForm = BenchmarkForm.POSITIVE
    count: int | None = None
    terms: str | None = None
    period: str | None = None
    restore: bool | None = None
    ask: bool = False

    @classmethod
    def chosen(
        cls,
        settings: Settings,
        form: str | None = None,
        count: int | None = None,
        terms: str | None = None,
        period: str | None = None,
    ) -> BenchmarkParams:
        """Return the parameters a user chose, each falling back to the settings'.

        Naming a ``form`` is asking for a clause (``--benchmark`` on the command
        line, ``benchmark=`` on the API), even where the draft shows no broken promise.
        """
        return cls(
            form=BenchmarkForm(form or settings.benchmark),
            count=count or settings.benchmark_count,
            terms=terms or settings.benchmark_terms,
            period=period or settings.benchmark_period,
            ask=form is not None,
        )

    @property
    def asked(self) -> bool:
        """Tell whether the user asked for a clause (``ask``, a figure, or the punitive form)."""
        return (
            self.ask
            or self.form is BenchmarkForm.PUNITIVE
            or any(v is not None for v in (self.count, self.terms, self.period))
        )


@dataclass(frozen=True, slots=True)
class Benchmark:
    """A benchmark clause and where it came from.

    ``existing`` is True when the draft already had one (``text`` is then the
    draft's own sentence and nothing is inserted); ``warning`` is set for the
    punitive form.
    """

    text: str
    form: BenchmarkForm
    dispute_type: str
    existing: bool = False
    warning: str | None = None
    facts: Dispute = field(default_factory=Dispute, compare=False, repr=False)

    @property
    def blanks(self) -> tuple[str, ...]:
        """Return the ``[bracketed]`` blanks the writer still has to fill in."""
        return tuple(re.findall(r"\[[^\]]+\]", self.text))


def benchmark_clause(
    dispute_type: str,
    params: BenchmarkParams | None = None,
    facts: Dispute | None = None,
    *,
    refund: bool = False,
    defaults: bool = True,
    template: str | None = None,
    amount: str | None = None,
) -> Benchmark | None:
    """Write the benchmark clause for a dispute.

    Args:
        dispute_type: one of ``payment``, ``delivery``, ``service``, ``billing``,
            ``contract`` or ``other`` (anything else is treated as ``other``).
        params: the form and the figures; the positive form with defaults if None.
        facts: the draft's or the case's facts, available to the template.
        refund: the writer is waiting for their own refund; the clause is then
            about the refund (``refund.j2``) whatever the dispute type and role (a
            tenant chasing a deposit gets no repair clause).
        defaults: fill a missing count, terms or period with the type's stock
            value; False leaves ``[bracketed]`` blanks (see :attr:`Benchmark.blanks`).
        template: a template of ``templates/benchmark/`` chosen by the sender's
            role (:func:`template_for_role`), used instead of the type's.
        amount: the amount the clause is about, as written (the one the draft
            asks for, or a ``[bracketed]`` blank when the draft names several);
            None lets the template take the facts' first amount.

    Returns:
        The clause, or None when ``params.form`` is ``none``.

    Raises:
        TemplateError: if the template is missing or broken.
    """
    p = params or BenchmarkParams()
    if p.form is BenchmarkForm.NONE:
        return None
    kind = dispute_type if dispute_type in DISPUTE_TYPES else "other"
    facts = facts or Dispute(type=kind)
    text = " ".join(
        render(
            FOLDER,
            "refund.j2" if refund else f"{template}.j2" if template else f"{kind}.j2",
            form=p.form.value,
            count=p.count,
            terms=p.terms,
            period=p.period,
            restore=bool(p.restore),
            facts=facts,
            defaults=defaults,
            amount=amount,
        ).split()
    )
    warning = None
    if p.form is BenchmarkForm.PUNITIVE:
        warning = " ".join(render(FOLDER, "punitive-note.j2", clause=text).split())
    return Benchmark(text=text, form=p.form, dispute_type=kind, warning=warning, facts=facts)


#: What the role table says when a role sets no clause at all.
NO_CLAUSE = "none"


def template_for_role(role: str | None) -> str | None:
    """Return the benchmark template that fits a sender's role (``templates/benchmark/roles.yml``).

    None when the role is unknown or not listed (the dispute type decides);
    :data:`NO_CLAUSE` when that role sets no clause.

    Raises:
        TemplateError: if the table is unreadable or names a missing template.
    """
    if role is None:
        return None
    return _role_table().get(role)


@lru_cache(maxsize=1)
def _role_table() -> dict[str, str]:
    import srsly

    where = template_dir() / FOLDER / "roles.yml"
    try:
        data = srsly.read_yaml(where) or {}
    except (OSError, ValueError) as exc:
        raise TemplateError(f"{where}: cannot read: {exc}.") from None
    if not isinstance(data, dict):
        raise TemplateError(f"{where}: expected a table of role: template.")
    for role, name in data.items():
        if name != NO_CLAUSE and not (where.parent / f"{name}.j2").is_file():
            raise TemplateError(f"{where}: {role}: no template {name}.j2 in {where.parent}.")
    return {str(k): str(v) for k, v in data.items()}
