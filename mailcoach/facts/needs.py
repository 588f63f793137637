"""What every match of a regular expression must contain, read from the parsed regex.

A pattern whose required text a draft lacks cannot match it, so its scan can be
skipped: the dispute cues, the roles' cues and the date and overdue patterns are
gated this way. The check is only ever a necessary condition.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable, Iterator
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
    return _needed(_parse(pattern))


def _parse(pattern: str) -> Any:
    """Return Python's own parse of a regular expression (raises ``re.error``)."""
    parser: Any = importlib.import_module("re._parser")
    return parser.parse(pattern)


def _needed(parsed: Any) -> Needs | None:
    """Return what every match of a parsed regex contains (see :func:`required_text`)."""
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

    return needed(parsed)


def found_in(need: Needs, lowered: str) -> bool:
    """Tell whether the lower-cased text holds what ``need`` asks for."""
    if isinstance(need, str):
        return need in lowered
    kind, parts = need
    if kind == "all":
        return all(found_in(part, lowered) for part in parts)
    return any(found_in(part, lowered) for part in parts)


def count_matches(pattern: re.Pattern[str] | LazyRegex, text: str, cap: int) -> int:
    """Return ``min(len(pattern.findall(text)), cap)``, scanning no further than the
    ``cap``-th match."""
    return sum(1 for _ in islice(pattern.finditer(text), cap))


def need_test(need: Needs | None) -> Callable[[str], bool]:
    """Return a function of the lower-cased text that is true wherever
    :func:`found_in` is (and perhaps in a few more places): a fast gate.

    It tests the need made smaller by :func:`_simpler`, with plain loops over
    substring tests instead of the recursive calls and generators of ``found_in``
    (a draft is tested against a few hundred needs). Nothing needed: always true.
    """
    simple = None if need is None else _simpler(need)
    return (lambda t: True) if simple is None else _test(simple)


def _test(need: Needs) -> Callable[[str], bool]:
    if isinstance(need, str):
        return lambda t: need in t
    kind, parts = need
    words = tuple(p for p in parts if isinstance(p, str))
    tests = tuple(_test(p) for p in parts if not isinstance(p, str))
    if kind == "all":

        def every(t: str) -> bool:
            for word in words:
                if word not in t:
                    return False
            for test in tests:  # noqa: SIM110  (a loop: no generator per call)
                if not test(t):
                    return False
            return True

        return every

    def one(t: str) -> bool:
        for word in words:
            if word in t:
                return True
        for test in tests:  # noqa: SIM110  (a loop: no generator per call)
            if test(t):
                return True
        return False

    return one


def _simpler(need: Needs) -> Needs | None:
    """Return a smaller need that every text meeting ``need`` meets too.

    A single character is dropped (nearly every text has it); within "all", a
    string that another needed string contains goes (it is there when that one
    is); within "any", a string that contains another option goes (that one is
    there when it is). None: nothing worth testing is left.
    """
    if isinstance(need, str):
        return need if len(need) > 1 else None
    kind, parts = need
    simple = [_simpler(part) for part in parts]
    if kind == "any" and any(part is None for part in simple):
        return None
    known = [part for part in simple if part is not None]
    words = {part for part in known if isinstance(part, str)}
    if kind == "all":
        redundant = {w for w in words if any(w != other and w in other for other in words)}
    else:
        redundant = {w for w in words if any(w != other and other in w for other in words)}
    kept = tuple(dict.fromkeys(p for p in known if not (isinstance(p, str) and p in redundant)))
    if not kept:
        return None
    return kept[0] if len(kept) == 1 else (kind, kept)


def first_chars(pattern: str) -> frozenset[str] | None:
    """Return the characters one of which starts every match of ``pattern``, read from
    the parsed regex (``\\d``, ``\\w`` and ``\\s`` stand for their classes); None when
    that is not known (a negated class, a backreference) or a match may be empty.

    Zero-width parts (``\\b``, lookarounds) are stepped over; an optional part adds
    its first characters to those of what follows it.
    """
    return _first_chars(_parse(pattern))


def _first_chars(parsed: Any) -> frozenset[str] | None:
    """Return the first characters of a parsed regex's matches (see :func:`first_chars`)."""
    c: Any = importlib.import_module("re._constants")
    zero_width = (c.AT, c.ASSERT, c.ASSERT_NOT)
    repeats = (c.MAX_REPEAT, c.MIN_REPEAT, getattr(c, "POSSESSIVE_REPEAT", c.MAX_REPEAT))

    categories = {c.CATEGORY_DIGIT: r"\d", c.CATEGORY_WORD: r"\w", c.CATEGORY_SPACE: r"\s"}

    def in_class(items: Any) -> set[str] | None:
        chars: set[str] = set()
        for op, av in items:
            if op is c.LITERAL:
                chars.add(chr(av))
            elif op is c.RANGE and av[1] - av[0] < 64:
                chars.update(map(chr, range(av[0], av[1] + 1)))
            elif op is c.CATEGORY and av in categories:
                chars.add(categories[av])  # kept as the class escape itself
            else:  # a negated class or category, a wide range
                return None
        return chars

    # flags that change which characters a class or literal matches
    matching = re.IGNORECASE | re.ASCII | re.LOCALE | re.UNICODE
    outer = parsed.state.flags & matching  # those the lookahead will have

    def first(items: Any, flags: int) -> tuple[set[str] | None, bool]:
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
                inner = (flags | av[1]) & ~av[2]
                if inner & matching != outer:  # (?-i:...) in a (?i) pattern: a lookahead
                    return None, False  # outside would read its characters otherwise
                sub, nullable = first(av[-1], inner)
            elif op is c.BRANCH:
                sub = set()
                for branch in av[1]:
                    part, empty = first(branch, flags)
                    if part is None:
                        return None, False
                    sub |= part
                    nullable = nullable or empty
            elif op in repeats:
                sub, nullable = first(av[2], flags)
                nullable = nullable or av[0] == 0
            else:
                return None, False
            if sub is None:
                return None, False
            chars |= sub
            if not nullable:
                return chars, False
        return chars, True

    chars, nullable = first(parsed, parsed.state.flags)
    return None if chars is None or nullable or not chars else frozenset(chars)


def lookahead(pattern: str) -> str:
    """Return ``(?=[...])`` of the characters every match of ``pattern`` starts with,
    or "" when they are not known or it would not help.

    Put in front of the pattern (after any global flags, so that it shares them),
    it changes no match: every match starts with one of them. It lets Python's
    regex engine skip ahead to such a character instead of trying the pattern at
    every position. That helps a pattern that opens with something of no width
    (``\\b``, a lookbehind), which the engine otherwise tries everywhere (two to
    three times slower on a draft); one that opens with a character or a class the
    engine skips ahead for by itself, and a lookahead in front only slows it.
    """
    parsed = _parse(pattern)
    return ahead_of(_first_chars(parsed)) if _opens_with_no_width(parsed) else ""


def _opens_with_no_width(parsed: Any) -> bool:
    """Tell whether a parsed regex starts (inside any leading groups) with ``\\b``,
    ``^`` or a lookaround."""
    c: Any = importlib.import_module("re._constants")
    items = parsed
    while True:
        if not len(items):
            return False
        op, av = items[0]
        if op is c.SUBPATTERN:
            items = av[-1]
            continue
        return op in (c.AT, c.ASSERT, c.ASSERT_NOT)


def ahead_of(chars: frozenset[str] | None) -> str:
    """Return the lookahead of :func:`lookahead` for these first characters."""
    if chars is None:
        return ""
    # single characters escaped; \d, \w and \s as they are
    return "(?=[" + "".join(ch if len(ch) > 1 else re.escape(ch) for ch in sorted(chars)) + "])"


def read_regex(pattern: str) -> tuple[Needs | None, frozenset[str] | None]:
    """Return :func:`required_text` and :func:`first_chars` of ``pattern``, parsing it
    once (the cue files are read on every cold start).

    Raises:
        re.error: if ``pattern`` is not a valid regular expression.
    """
    parsed = _parse(pattern)
    return _needed(parsed), _first_chars(parsed)


def all_of(*needs: Needs | None) -> Needs | None:
    """Return what a sequence of parts needs: what each of them needs."""
    known = tuple(n for n in needs if n is not None)
    return None if not known else known[0] if len(known) == 1 else ("all", known)


def any_of(needs: list[Needs | None]) -> Needs | None:
    """Return what an alternation needs: what one of its branches needs (nothing
    known if one branch needs nothing)."""
    if not needs or any(n is None for n in needs):
        return None
    known = tuple(n for n in needs if n is not None)
    return known[0] if len(known) == 1 else ("any", known)


class LazyRegex:
    """A regular expression that is compiled the first time it is used.

    Most cue patterns are gated off most drafts by their required text, so a cold
    ``check`` of one draft compiles only the few it scans (compiling every cue was
    a few hundredths of a second of each start). The pattern is parsed when it is
    made (:func:`read_regex`), so a syntax error is still found then; a fault only
    compiling finds (a look-behind of varying width) raises ``error`` on first use.
    """

    __slots__ = ("_compiled", "error", "flags", "pattern")

    def __init__(self, pattern: str, flags: int, error: Callable[[re.error], Exception]) -> None:
        self.pattern = pattern
        self.flags = flags
        self.error = error
        self._compiled: re.Pattern[str] | None = None

    @property
    def compiled(self) -> re.Pattern[str]:
        """Return the compiled pattern."""
        if self._compiled is None:
            try:
                self._compiled = re.compile(self.pattern, self.flags)
            except re.error as exc:
                raise self.error(exc) from None
        return self._compiled

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        """Return ``re.Pattern.finditer`` of the compiled pattern."""
        return self.compiled.finditer(text)

    def search(self, text: str) -> re.Match[str] | None:
        """Return ``re.Pattern.search`` of the compiled pattern."""
        return self.compiled.search(text)
