"""One Jinja2 environment per template folder, and the filters our wording uses.

Templates render with ``StrictUndefined``: a variable a template needs but was not
given is an error that names the template, never an empty string in a letter.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable
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
    """Return ``text`` with its first word capitalised, the rest untouched.

    Only a lower-case letter that opens a plain lower-case word changes, and only
    when its capital is one letter: "$10k", "eBay", "iPhone" and "ß…" stay as
    written, so the length of the text never changes.
    """
    for i, char in enumerate(text):
        if char.isalnum():
            word = re.match(r"\w+", text[i:])
            if not char.islower() or word is None or not word[0].islower():
                return text
            upper = char.upper()
            return text[:i] + upper + text[i + 1 :] if len(upper) == 1 else text
    return text


_WORD = re.compile(r"\S+")
_SHOUTED = re.compile(r"[^\W\d_a-z]['\w]*[^\W\d_a-z]")


def quiet(text: str) -> str:
    """Return ``text`` with words in capitals lowered.

    "I", currency codes ("USD") and anything with a digit ("INV-2026-0042") stay.
    """

    def lower(match: re.Match[str]) -> str:
        word = match[0]
        if any(c.isdigit() for c in word):
            return word
        return _SHOUTED.sub(lambda m: m[0] if m[0] in CURRENCY_CODES else _lower(m[0]), word)

    return _WORD.sub(lower, text)


def _lower(word: str) -> str:
    """Return ``word`` in lower case, letter by letter where lowering would change its length."""
    low = word.lower()
    return (
        low
        if len(low) == len(word)
        else "".join(c if len(c.lower()) != 1 else c.lower() for c in word)
    )


def long_date(value: datetime.date, weekday: bool = False) -> str:
    """Return a date as "4 December 2026", or "Friday 4 December 2026" with ``weekday``."""
    text = f"{value.day} {value:%B %Y}"
    return f"{value:%A} {text}" if weekday else text


def and_list(items: Iterable[Any]) -> str:
    """Join items as "a", "a and b" or "a, b and c"."""
    words = [str(item) for item in items]
    if len(words) < 3:
        return " and ".join(words)
    return f"{', '.join(words[:-1])} and {words[-1]}"


def lower_first(text: str) -> str:
    """Return ``text`` with its first letter in lower case unless it opens an acronym ("IT")."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


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
    env.filters["long_date"] = long_date
    env.filters["and_list"] = and_list
    env.filters["lower_first"] = lower_first
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
