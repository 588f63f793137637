"""One Jinja2 environment per template folder, and the filters our wording uses.

Templates render with ``StrictUndefined``: a variable a template needs but was not
given is an error that names the template, never an empty string in a letter.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from jinja2 import (
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateNotFound,
    TemplateSyntaxError,
    UndefinedError,
    select_autoescape,
)

from mailcoach.dispute import CURRENCY_CODES
from mailcoach.errors import TemplateError
from mailcoach.resources import template_dir

_NUMBER_WORDS = "zero one two three four five six seven eight nine ten eleven twelve".split()


def number_words(value: int) -> str:
    """Return small counts as words ("three"), larger ones as digits ("14")."""
    return _NUMBER_WORDS[value] if 0 <= value < len(_NUMBER_WORDS) else str(value)


def sentence_case(text: str) -> str:
    """Return ``text`` with its first letter in upper case, the rest untouched."""
    for i, char in enumerate(text):
        if char.isalpha():
            return text[:i] + char.upper() + text[i + 1 :]
    return text


_WORD = re.compile(r"\S+")
_SHOUTED = re.compile(r"[A-Z][A-Z']*[A-Z]")


def quiet(text: str) -> str:
    """Return ``text`` with words in capitals lowered.

    "I", currency codes ("USD") and anything with a digit ("INV-2026-0042") stay.
    """

    def lower(match: re.Match[str]) -> str:
        word = match[0]
        if any(c.isdigit() for c in word):
            return word
        return _SHOUTED.sub(lambda m: m[0] if m[0] in CURRENCY_CODES else m[0].lower(), word)

    return _WORD.sub(lower, text)


def and_join(items: list[str] | tuple[str, ...]) -> str:
    """Return "a", "a and b" or "a, b and c"."""
    items = [str(i) for i in items]
    if len(items) < 3:
        return " and ".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


@cache
def environment(folder: str, *, html: bool = False) -> Environment:
    """Return the environment for ``templates/<folder>/``.

    Args:
        folder: the sub-folder of the bundled templates ("benchmark", "report" …).
        html: autoescape everything (for HTML and SVG output).
    """
    env = Environment(
        loader=FileSystemLoader(template_dir() / folder),
        autoescape=select_autoescape(default_for_string=True, default=True) if html else False,
        undefined=StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["number_words"] = number_words
    env.filters["sentence_case"] = sentence_case
    env.filters["quiet"] = quiet
    env.filters["and_join"] = and_join
    return env


def render(folder: str, name: str, **context: Any) -> str:
    """Render ``templates/<folder>/<name>`` with ``context``.

    Raises:
        TemplateError: if the template is missing, malformed or needs a variable
            that was not given.
    """
    where = f"templates/{folder}/{name}"
    try:
        return environment(folder).get_template(name).render(**context)
    except TemplateNotFound:
        raise TemplateError(
            f"{where} is missing; reinstall mailcoach or restore the file."
        ) from None
    except TemplateSyntaxError as exc:
        raise TemplateError(f"{where}, line {exc.lineno}: {exc.message}.") from None
    except UndefinedError as exc:
        raise TemplateError(f"{where}: {exc.message}.") from None


def exists(folder: str, name: str) -> bool:
    """Tell whether ``templates/<folder>/<name>`` exists."""
    return (template_dir() / folder / name).is_file()
