"""What every match of a regular expression must contain, read from the parsed regex.

A pattern whose required text a draft lacks cannot match it, so its scan can be
skipped: the dispute cues, the roles' cues and the date and overdue patterns are
gated this way. The check is only ever a necessary condition.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from itertools import islice
from typing import Any, Final

#: Characters that IGNORECASE matches to an ASCII letter besides the 52 ASCII
#: letters; in their presence lower-casing the text is no stand-in for IGNORECASE.
CASE_ODD: Final = frozenset("\u0130\u0131\u017f\u212a")

#: What a match must contain, lower-cased: a string; ("all", parts): every part;
#: ("any", parts): one of them. None: nothing is known (the cue is always scanned).
Needs = str | tuple[str, tuple["Needs", ...]]


def required_text(pattern: str) -> Needs | None:
    """Return what every match of ``pattern`` contains, read from the parsed regex.

    A sequence needs each of its runs of literal characters and what each of its
    groups and repeats (of at least one) needs; an alternation needs what one of its
    branches needs, if each branch needs something. Other parts (classes, optional
    parts, lookarounds) need nothing. Compared with the lower-cased text, this is
    only ever a necessary condition, so a cue that fails it cannot match.
    """
    parser: Any = importlib.import_module("re._parser")
    constants: Any = importlib.import_module("re._constants")
    repeats = (constants.MAX_REPEAT, constants.MIN_REPEAT)

    def needed(items: Any) -> Needs | None:
        parts: list[Needs] = []
        run: list[str] = []
        for op, av in items:
            if op is constants.LITERAL:
                run.append(chr(av).lower())
                continue
            if run:
                parts.append("".join(run))
                run = []
            need: Needs | None = None
            if op is constants.SUBPATTERN:
                need = needed(av[-1])
            elif op is constants.BRANCH:
                options = [needed(branch) for branch in av[1]]
                if all(option is not None for option in options):
                    need = ("any", tuple(o for o in options if o is not None))
            elif op in repeats and av[0] >= 1:
                need = needed(av[2])
            if need is not None:
                parts.append(need)
        if run:
            parts.append("".join(run))
        if not parts:
            return None
        return parts[0] if len(parts) == 1 else ("all", tuple(parts))

    return needed(parser.parse(pattern))


def found_in(need: Needs, lowered: str) -> bool:
    """Tell whether the lower-cased text holds what ``need`` asks for."""
    if isinstance(need, str):
        return need in lowered
    kind, parts = need
    if kind == "all":
        return all(found_in(part, lowered) for part in parts)
    return any(found_in(part, lowered) for part in parts)


def count_matches(pattern: re.Pattern[str], text: str, cap: int) -> int:
    """Return ``min(len(pattern.findall(text)), cap)``, scanning no further than the
    ``cap``-th match."""
    return sum(1 for _ in islice(pattern.finditer(text), cap))


def need_test(need: Needs | None) -> Callable[[str], bool]:
    """Return a function that tells what :func:`found_in` does for ``need``.

    It is one boolean expression of substring tests (``'invoice' in t and ...``),
    without the recursive calls of ``found_in``: a draft is tested against a few
    hundred needs. The expression is built only from the needed strings, each
    written as a Python literal by ``repr``. Nothing needed: always true.
    """

    def source(part: Needs) -> str:
        if isinstance(part, str):
            return f"{part!r} in t"
        kind, parts = part
        return "(" + (" and " if kind == "all" else " or ").join(map(source, parts)) + ")"

    if need is None:
        return lambda t: True
    test: Callable[[str], bool] = eval(f"lambda t: {source(need)}")
    return test


def first_chars(pattern: str) -> frozenset[str] | None:
    """Return the characters one of which starts every match of ``pattern``, read from
    the parsed regex; None when that is not known (a class such as ``\\w``, a
    backreference) or a match may be empty.

    Zero-width parts (``\\b``, lookarounds) are stepped over; an optional part adds
    its first characters to those of what follows it.
    """
    parser: Any = importlib.import_module("re._parser")
    c: Any = importlib.import_module("re._constants")
    zero_width = (c.AT, c.ASSERT, c.ASSERT_NOT)
    repeats = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT))

    def in_class(items: Any) -> set[str] | None:
        chars: set[str] = set()
        for op, av in items:
            if op is c.LITERAL:
                chars.add(chr(av))
            elif op is c.RANGE and av[1] - av[0] < 64:
                chars.update(map(chr, range(av[0], av[1] + 1)))
            else:  # a negated class, a category (\d, \w), a wide range
                return None
        return chars

    def first(items: Any) -> tuple[set[str] | None, bool]:
        """The first characters of a sequence, and whether it may match nothing."""
        chars: set[str] = set()
        for op, av in items:
            if op in zero_width:
                continue
            if op is c.LITERAL:
                return chars | {chr(av)}, False
            if op is c.IN:
                found = in_class(av)
                return (None if found is None else chars | found), False
            nullable = False
            if op is c.SUBPATTERN:
                sub, nullable = first(av[-1])
            elif op is c.BRANCH:
                sub = set()
                for branch in av[1]:
                    part, empty = first(branch)
                    if part is None:
                        return None, False
                    sub |= part
                    nullable = nullable or empty
            elif op in repeats:
                sub, nullable = first(av[2])
                nullable = nullable or av[0] == 0
            else:
                return None, False
            if sub is None:
                return None, False
            chars |= sub
            if not nullable:
                return chars, False
        return chars, True

    chars, nullable = first(parser.parse(pattern))
    return None if chars is None or nullable or not chars else frozenset(chars)


def lookahead(pattern: str) -> str:
    """Return ``(?=[...])`` of the characters every match of ``pattern`` starts with,
    or "" when they are not known.

    Put in front of the pattern (after any global flags, so that it shares them),
    it changes no match: every match starts with one of them. It lets Python's
    regex engine skip ahead to such a character instead of trying the pattern at
    every position; a pattern that opens with ``\\b`` is otherwise tried everywhere
    (two to three times slower on a draft).
    """
    chars = first_chars(pattern)
    if chars is None:
        return ""
    return "(?=[" + "".join(re.escape(ch) for ch in sorted(chars)) + "])"
