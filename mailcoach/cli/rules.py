"""``mailcoach rules list|explain|test``."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from mailcoach import MailcoachError, Settings
from mailcoach.cli.common import Exit, FatalError, fail, make_settings, settings_options

if TYPE_CHECKING:
    from mailcoach.rules.load import RuleSet


@click.group("rules")
def rules() -> None:
    """List, explain and test the detection rules."""


def _active_rules(settings: Settings) -> RuleSet:
    """Load the active rules, or stop with the lexicon error."""
    from mailcoach.nlp.pipeline import rules_for

    try:
        return rules_for(settings)
    except MailcoachError as exc:
        fail(exc)


@rules.command("list")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@settings_options
def rules_list(
    fmt: str,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """List the active rules: id, level, kind and message.

    \b
    Example:
      mailcoach rules list
      mailcoach rules list --disable sarcastic --format json
    """
    active = _active_rules(make_settings(config, model, lexicons, disable))
    if fmt == "json":
        rows = [
            {
                "id": r.id,
                "category": r.category.value,
                "level": r.severity.label,
                "kind": r.spec.kind,
                "file": r.file,
                "message": r.spec.message,
            }
            for r in active
        ]
        click.echo(json.dumps(rows, indent=2))
        return
    width = max((len(r.id) for r in active), default=10)
    for r in active:
        click.echo(f"{r.id:<{width}}  {r.severity.label:<7}  {r.spec.kind:<10}  {r.spec.why}")
    click.echo(f"\n{len(active)} rules", err=True)


@rules.command("explain")
@click.argument("rule_id")
@settings_options
def rules_explain(
    rule_id: str,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Show what one rule looks for, why it matters and its examples.

    \b
    Example:
      mailcoach rules explain threatening.legal-action
    """
    rule = _active_rules(make_settings(config, model, lexicons, disable)).get(rule_id)
    if rule is None:
        raise FatalError(f"no active rule '{rule_id}'; see 'mailcoach rules list'.")
    spec = rule.spec
    lines = [
        f"{rule.id}  ({rule.category.value}, {rule.severity.label}, kind: {spec.kind})",
        f"file:    {rule.file}",
        f"message: {spec.message}",
        f"why:     {spec.why}",
        f"try:     {spec.suggestion}",
        f"unless:  {', '.join(spec.unless) or '-'}",
        "flags:",
        *(f"  + {t}" for t in spec.examples.flag),
        "passes:",
        *(f"  - {t}" for t in spec.examples.pass_),
    ]
    click.echo("\n".join(lines))


@rules.command("test")
@click.argument("rule_id", required=False)
@settings_options
def rules_test(
    rule_id: str | None,
    config: Path | None,
    model: str | None,
    lexicons: tuple[Path, ...],
    disable: tuple[str, ...],
) -> None:
    """Run every rule's own examples (or one rule's): flags must flag, passes must pass.

    Exit code 1 if any example fails.

    \b
    Example:
      mailcoach rules test
      mailcoach rules test --lexicons ./our-rules
    """
    from mailcoach.rules.examples import run_examples

    settings = make_settings(config, model, lexicons, disable)
    failed = total = 0
    try:
        for result in run_examples(settings, rule_id):
            total += 1
            if not result.ok:
                failed += 1
                want = "should flag" if result.expect_flag else "should pass"
                got = f" (matched: {', '.join(result.matched)})" if result.matched else ""
                click.echo(f"FAIL {result.rule_id}: {want}: {result.text!r}{got}")
    except MailcoachError as exc:
        fail(exc)
    if rule_id and not total:
        raise FatalError(f"no active rule '{rule_id}'; see 'mailcoach rules list'.")
    click.echo(f"{total - failed} passed, {failed} failed")
    sys.exit(Exit.FINDINGS if failed else Exit.OK)
