"""Who is writing to whom: two questions, answered apart, from cue kinds in rule data.

A dispute has two parties: the one who *provides* (goods, work, premises, a
service) and is owed money, and the one who *pays* and is owed the goods, the
work, a repair or a refund. The roles are that side in one of four *settings*
(``lexicons/disputes.yml``, ``parties.settings``): trade (supplier, buyer),
tenancy (landlord, tenant), freelance work (freelancer, client) and retail
(company, consumer). So the sender's role is read as

- the sender's **side**, from grammar and ownership: whose thing the money or
  goods are ("my invoice", "your order", "the deposit I paid" is the payer's), who
  does the paying or the providing ("we delivered", "you haven't paid", "charged
  me", "pay you", "please pay"; in the passive the subject is the one the verb is
  done to: "I have not been paid"), who owns a failure ("that was our error"),
  who waits for what; and
- the **setting**, from the words for the thing in dispute (rent, tenancy,
  retainer, purchase order, subscription) and the writer's voice (one person
  writing "I" or a firm writing "we");

and both the sender's title in the closing lines ("Credit Control", "Property
Manager", "Customer Care Team") and the reader's in the greeting ("Dear Accounts
Payable") tell both at once.

Python here knows the cue *kinds* (owner, action, mention, title, voice) and
English grammar words (pronouns, auxiliaries, the passive, "please"); every word
that points to a side or a setting is data. The link between a subject and its
verb is read from the words between them (auxiliaries, negation, a few adverbs),
not from a dependency parse: the roles are read on every draft, and the pipeline
parses only the sentences a rule needs. Each
match of a pattern counts at most :data:`CUE_CAP` times. Each answer's confidence
is its share of the evidence with :data:`DOUBT` added to the runner-up, so a
single weak cue gives a low confidence; the pair is as sure as its less sure
half (0.0 when one question has no evidence at all: the roles are then a guess
that nothing downstream should lean on).
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Final, Literal

from pydantic import BaseModel, ConfigDict, Field

from mailcoach.errors import LexiconError
from mailcoach.facts.needs import (
    CASE_ODD,
    LazyRegex,
    Needs,
    ahead_of,
    all_of,
    any_of,
    count_matches,
    need_test,
    read_regex,
)

#: How often one pattern counts at most, per party it points at.
CUE_CAP: Final = 2
#: Evidence added to the losing answer when working out a confidence: with one
#: cue of weight 3 and nothing against it, the answer is 3 / (3 + 2) = 0.6 sure.
DOUBT: Final = 2
#: The cues' confidence in a setting from which they, not the relationship model, decide
#: it (chosen out of fold, see tools/train_kind.py).
CUES_SURE: Final = 0.6
#: The last lines of the sender's own text that may hold a sign-off and title
#: (when the signature was not split off), besides the signature itself.
CLOSING_LINES: Final = 4
#: A greeting or closing line longer than this many words is prose, not a title.
TITLE_WORDS: Final = 8
#: A share of first-person singular words at or above this makes the voice "one
#: person"; at or below ``1 - VOICE_SHARE``, "a firm".
VOICE_SHARE: Final = 0.7

Side = Literal["provider", "payer"]
SIDES: Final[tuple[Side, Side]] = ("provider", "payer")
OTHER: Final[dict[str, Side]] = {"provider": "payer", "payer": "provider"}

#: Pronouns by whom they point at (normalised text: apostrophes are plain).
_SENDER = r"i|we|me|us|my|our|mine|ours"
_READER = r"you|your|yours|u|ur"
_OWNERS = r"my|our|your|ur"
#: Words that make the verb after them a request to the reader ("please pay").
_REQUEST = r"please|kindly|pls|plz"
#: The one acted on, after the verb ("pay you").
_OBJECTS = r"me|us|you"
_SUBJECT = r"(?P<who>i|we|you|u)(?:'m|'re|'ve|'ll|'d)?"
#: Words that may stand between a subject and its verb: auxiliaries, negation,
#: adverbs and "to" ("you have not yet paid", "you promised to deliver").
_BETWEEN = (
    r"(?:(?:have|has|had|haven't|hasn't|hadn't|do|did|does|don't|didn't|doesn't|will|won't|"
    r"would|wouldn't|can|can't|cannot|could|couldn't|should|shouldn't|shall|must|may|might|"
    r"am|are|is|was|were|aren't|isn't|wasn't|weren't|be|been|being|not|never|already|"
    r"still|just|also|only|yet|now|then|actually|finally|even|ever|really|always|"
    r"promised|agreed|need|needed|going|want|wanted|able|happy|willing|glad|ready|"
    r"prepared|to)\s+){0,4}"
)
#: Up to two words between a possessive and its noun ("your last three invoices").
_MODIFIERS = (
    r"(?:(?!(?:is|was|are|were|has|have|had|and|or|to|the|a|an|for|of|on|in|at|with|from|"
    r"that|this|it|be|been|will|would)\b)[$£€]?[\w'-]+(?:[.,]\d+)*\s+){0,2}?"
)


class _Sides(BaseModel):
    """A cue kind that lists words per side: the provider's and the payer's."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    weight: int
    provider: list[str] = []
    payer: list[str] = []


class _Owner(_Sides):
    """Whose thing: "my/our/your THING", with the side that owns each thing."""

    kind: Literal["owner"]


class _Action(_Sides):
    """Who acts: "I/we/you VERB" and "please VERB" (the agent; in the passive, the one
    acted on) and "VERB me/us/you" (the one acted on)."""

    kind: Literal["action"]


class _Pointer(BaseModel):
    """A cue kind whose patterns point to a side, a setting or both."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    weight: int
    side: Side | None = None
    setting: str | None = None
    patterns: list[str]


class _Mention(_Pointer):
    """Words anywhere in the sender's text that point to a side, a setting or both."""

    kind: Literal["mention"]


class _Title(_Pointer):
    """A title in the closing lines (the sender's) or in the greeting (the reader's)."""

    kind: Literal["title"]
    whose: Literal["sender", "reader"]


class _Voice(BaseModel):
    """The settings a lone writer ("I") or a firm ("we") points to, per the sender's side."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    kind: Literal["voice"]
    weight: int
    singular: dict[Side, list[str]] = {}
    plural: dict[Side, list[str]] = {}


PartyCue = Annotated[_Owner | _Action | _Mention | _Title | _Voice, Field(discriminator="kind")]


class PartiesSpec(BaseModel):
    """The ``parties`` section of the cue file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    settings: dict[str, dict[Side, str]]
    cues: list[PartyCue] = []


@dataclass(frozen=True, slots=True)
class Evidence:
    """What the cues found: points per side of the sender and per setting."""

    side: Counter[str]
    setting: Counter[str]


#: One compiled pattern: (regex, weight, what a match points at). The target is
#: ("side", name) for the sender's side, or ("setting", name).
_Target = tuple[str, str]


class Parties:
    """The compiled ``parties`` section."""

    def __init__(self, spec: PartiesSpec, where: Path, roles: tuple[str, ...]) -> None:
        self.settings = spec.settings
        for name, pair in spec.settings.items():
            for side in SIDES:
                if side not in pair:
                    raise LexiconError(f"{where}: parties: setting {name!r} has no {side}.")
                if pair[side] not in roles:
                    raise LexiconError(f"{where}: parties: unknown role {pair[side]!r}.")
        # each pattern beside what every match of it contains (see _absent)
        self._owner: list[tuple[LazyRegex, _Need, int, Side]] = []
        self._subject: list[tuple[LazyRegex, _Need, int, Side]] = []
        self._object: list[tuple[LazyRegex, _Need, int, Side]] = []
        self._mention: list[tuple[LazyRegex, _Need, int, list[_Target]]] = []
        self._titles: list[tuple[re.Pattern[str], int, str, Side | None, str | None]] = []
        self._voice: list[_Voice] = []
        for i, cue in enumerate(spec.cues):
            field = f"parties cue {i + 1} ({cue.kind})"
            if isinstance(cue, _Voice):
                for table in (cue.singular, cue.plural):
                    for names in table.values():
                        self._known(names, where, field)
                self._voice.append(cue)
            elif isinstance(cue, _Owner | _Action):
                for side in SIDES:
                    words = getattr(cue, side)
                    if not words:
                        continue
                    a = _alternation(words, where, field)
                    # what a match needs and starts with, from the words and the
                    # template around them (see _gated)
                    if isinstance(cue, _Owner):
                        rx = rf"\b(?P<who>{_OWNERS})\s+{_MODIFIERS}(?:{a.source})\b"
                        who = _part(_OWNERS)
                        gated = _gated(rx, all_of(who[0], a.need), who[1], a, where, field)
                        self._owner.append((*gated, cue.weight, side))
                    else:
                        alt = rf"(?:re-?)?(?:{a.source})"  # "we can re-deliver"
                        rx = rf"\b{_SUBJECT}\s+{_BETWEEN}(?:{alt})\b"
                        who = _part(_SUBJECT)
                        gated = _gated(rx, all_of(who[0], a.need), who[1], a, where, field)
                        self._subject.append((*gated, cue.weight, side))
                        rx = rf"\b(?:{alt})\s+(?:to\s+|for\s+)?(?P<who>{_OBJECTS})\b"
                        need = all_of(a.need, _part(_OBJECTS)[0])
                        first = None if a.first is None else a.first | {"r"}
                        self._object.append(
                            (*_gated(rx, need, first, a, where, field), cue.weight, side)
                        )
                        rx = rf"\b(?P<who>{_REQUEST})\s+(?:do\s+)?(?:{alt})\b"
                        who = _part(_REQUEST)
                        gated = _gated(rx, all_of(who[0], a.need), who[1], a, where, field)
                        self._subject.append((*gated, cue.weight, side))
            else:
                if cue.setting is not None:
                    self._known([cue.setting], where, field)
                a = _alternation(cue.patterns, where, field)
                rx = rf"\b(?:{a.source})\b"
                if isinstance(cue, _Mention):
                    targets: list[_Target] = []
                    if cue.side is not None:
                        targets.append(("side", cue.side))
                    if cue.setting is not None:
                        targets.append(("setting", cue.setting))
                    gated = _gated(rx, a.need, a.first, a, where, field)
                    self._mention.append((*gated, cue.weight, targets))
                else:
                    pattern = _regex(rx, where, field)
                    self._titles.append((pattern, cue.weight, cue.whose, cue.side, cue.setting))

    def _known(self, names: list[str], where: Path, field: str) -> None:
        for name in names:
            if name not in self.settings:
                raise LexiconError(f"{where}: {field}: unknown setting {name!r}.")

    def evidence(self, text: str, signature: str = "") -> Evidence:
        """Return the points each side and setting gets from ``text`` (the sender's own
        text) and ``signature`` (the sign-off block split off from it, if any)."""
        side: Counter[str] = Counter()
        setting: Counter[str] = Counter()

        def add(target: _Target, points: int) -> None:
            (side if target[0] == "side" else setting)[target[1]] += points

        def person(word: str, owned_by: Side) -> Side:
            """The sender's side when ``word`` (a pronoun, or a request word that makes
            the reader the agent) names who is on ``owned_by``."""
            return owned_by if re.fullmatch(_SENDER, word, re.I) else OTHER[owned_by]

        # a pattern whose required text the draft lacks finds nothing: not scanned
        lowered = None if CASE_ODD.intersection(text) else text.lower()
        for table in (self._owner, self._subject, self._object):
            for pattern, need, weight, owned in table:
                if _absent(need, lowered):
                    continue
                seen: Counter[str] = Counter()
                for m in pattern.finditer(text):
                    who = m["who"]
                    done_to = table is self._object or (table is self._subject and _passive(m))
                    on = OTHER[owned] if done_to else owned
                    sender_side = person(who, on)
                    seen[sender_side] += 1
                    if seen[sender_side] <= CUE_CAP:
                        side[sender_side] += weight
        for pattern, need, weight, targets in self._mention:
            n = 0 if _absent(need, lowered) else count_matches(pattern, text, CUE_CAP)
            for target in targets:
                add(target, weight * n)
        greeting, closing = _greeting(text), _closing(text, signature)
        for title, weight, whose, of_side, of_setting in self._titles:
            found = title.search(closing if whose == "sender" else greeting)
            if found is None:
                continue
            if of_side is not None:
                add(("side", of_side if whose == "sender" else OTHER[of_side]), weight)
            if of_setting is not None:
                add(("setting", of_setting), weight)
        return Evidence(+side, +setting)

    def voice_points(self, text: str, sender_side: str) -> dict[str, int]:
        """Return the points the writer's voice gives each setting, given the side."""
        singular = len(_SINGULAR.findall(text))
        plural = len(_PLURAL.findall(text))
        if singular + plural == 0:
            return {}
        share = singular / (singular + plural)
        voice = "singular" if share >= VOICE_SHARE else "plural" if share <= 1 - VOICE_SHARE else ""
        points: Counter[str] = Counter()
        for cue in self._voice:
            table = cue.singular if voice == "singular" else cue.plural if voice else {}
            for name in table.get(sender_side, []):  # type: ignore[call-overload]
                points[name] += cue.weight
        return dict(points)


#: First-person words, one person or many; the lookahead (the letters they start
#: with) spares the regex engine trying every position.
_SINGULAR = re.compile(r"(?=[im])\b(?:i|me|my|mine)\b", re.I)
_PLURAL = re.compile(r"(?=[uow])\b(?:we|us|our|ours)\b", re.I)


@dataclass(frozen=True, slots=True)
class PartyGuess:
    """The sender's and the reader's role, and how sure the cues make the pair."""

    sender: str | None
    reader: str | None
    confidence: float


def share(points: dict[str, int], order: tuple[str, ...]) -> tuple[str | None, float]:
    """Return the answer with the most points (ties in ``order``) and its confidence."""
    ranked = sorted(order, key=lambda k: (-points.get(k, 0), order.index(k)))
    best = points.get(ranked[0], 0)
    if best <= 0:
        return None, 0.0
    second = points.get(ranked[1], 0) if len(ranked) > 1 else 0
    return ranked[0], best / (best + second + DOUBT)


def infer(
    parties: Parties,
    text: str,
    signature: str = "",
    setting: tuple[str, float] | None = None,
    side: tuple[str, float] | None = None,
) -> PartyGuess:
    """Return who writes to whom in ``text``, or no roles when nothing points anywhere.

    ``setting``, when given, is the relationship and how sure of it a model is
    (see :mod:`mailcoach.facts.text_model`): it decides unless the setting cues are
    at least :data:`CUES_SURE` sure and surer than the model. ``side``, likewise, is
    the sender's side and a model's probability for it: it decides where it is surer
    than the side cues.
    With evidence for only one of the two questions, the other takes its first
    answer in file order, and the confidence says how little is known.
    """
    found = parties.evidence(text, signature)
    if not found.side and not found.setting:
        return PartyGuess(None, None, 0.0)
    cue_side, side_sure = share(found.side, SIDES)
    sender_side: Side = cue_side or SIDES[0]  # type: ignore[assignment]
    if side is not None and side[0] in SIDES and side[1] > side_sure:
        sender_side, side_sure = side  # type: ignore[assignment]
    points = found.setting.copy()
    points.update(parties.voice_points(text, sender_side))
    order = tuple(parties.settings)
    best, setting_sure = share(dict(points), order)
    name = best or order[0]
    # the model reads the relationship better out of fold, except where the cues are
    # sure of it (a title such as "Credit Control", several cues that agree)
    model_decides = setting_sure < CUES_SURE or (setting is not None and setting[1] > setting_sure)
    if setting is not None and setting[0] in parties.settings and model_decides:
        name, setting_sure = setting
    pair = parties.settings[name]
    return PartyGuess(
        pair[sender_side], pair[OTHER[sender_side]], round(min(side_sure, setting_sure), 2)
    )


#: A form of "be" (or "get") right before a participle makes the subject the one
#: the verb is done to: "I have not been paid", "we got charged".
_PASSIVE = re.compile(r"\b(?:be|been|being|am|is|are|was|were|get|got|gotten|getting)\s+\S+$", re.I)


def _passive(m: re.Match[str]) -> bool:
    """Tell whether a subject-and-verb match is in the passive voice."""
    phrase = m[0]
    return not phrase.lower().endswith("ing") and bool(_PASSIVE.search(phrase))


#: Where a greeting ends when it shares its line with the text ("dear landlord, the ...").
_GREETING_END = re.compile(r"[,:;\u2014-]")
#: Where the last sentence of a one-line text begins ("... today please. flat 9b").
_SENTENCE_END = re.compile(r"[.!?]\s+")


def _greeting(text: str) -> str:
    """Return the greeting: the first line, or its words up to a comma when the
    greeting runs on into the text, if short enough to be one."""
    for line in text.splitlines():
        if line.strip():
            head = _GREETING_END.split(line, maxsplit=1)[0]
            return head if len(head.split()) <= TITLE_WORDS else ""
    return ""


def _closing(text: str, signature: str) -> str:
    """Return the signature and the short lines among the last lines of the text,
    or the last words after the last full stop (the first line, a greeting, is
    never among them)."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) == 1:
        *_, tail = _SENTENCE_END.split(lines[0].strip())
        lines = ["", tail] if tail != lines[0].strip() else [""]
    short = [line for line in lines[1:][-CLOSING_LINES:] if len(line.split()) <= TITLE_WORDS]
    return "\n".join([*short, signature])


@dataclass(frozen=True, slots=True)
class _Alt:
    """Words (regular expressions) joined as one alternation, with what every match
    of it contains and the characters its matches start with (None: not known)."""

    words: list[str]
    source: str
    need: Needs | None
    first: frozenset[str] | None


def _alternation(words: list[str], where: Path, field: str) -> _Alt:
    needs: list[Needs | None] = []
    firsts: list[frozenset[str] | None] = []
    for word in words:
        try:
            need, first = read_regex(word)
        except re.error as exc:
            raise LexiconError(f"{where}: {field}: bad pattern {word!r}: {exc}.") from None
        needs.append(need)
        firsts.append(first)
    first = None if any(f is None for f in firsts) else frozenset().union(*firsts)  # type: ignore[arg-type]
    return _Alt(words, "|".join(f"(?:{w})" for w in words), any_of(needs), first)


@functools.cache
def _part(pattern: str) -> tuple[Needs | None, frozenset[str] | None]:
    """Return what a fixed part of the patterns (the pronouns) needs and starts with."""
    return read_regex(pattern)


#: What every match of a pattern contains, lower-cased (None: nothing known), and
#: a test of it on lower-cased text (see mailcoach.facts.needs).
_Need = tuple[Needs | None, Callable[[str], bool]]


def _gated(
    pattern: str,
    need: Needs | None,
    first: frozenset[str] | None,
    alt: _Alt,
    where: Path,
    field: str,
) -> tuple[LazyRegex, _Need]:
    """Return ``pattern``, told the characters its matches start with (it runs
    faster) and compiled when first scanned, with a test of what every match of it
    contains.

    Both are put together from what was read of each word (``alt``) and of the
    template's fixed parts, rather than read from the whole pattern: the words are
    parsed once anyway, and the templates repeat long fixed parts.
    """

    def bad(exc: re.error) -> LexiconError:
        for word in alt.words:  # name the word at fault if one is
            try:
                re.compile(word)
            except re.error as fault:
                return LexiconError(f"{where}: {field}: bad pattern {word!r}: {fault}.")
        return LexiconError(f"{where}: {field}: bad pattern {pattern!r}: {exc}.")

    return LazyRegex(ahead_of(first) + pattern, re.IGNORECASE, bad), (need, need_test(need))


def _absent(need: _Need, lowered: str | None) -> bool:
    """Tell whether the text ``lowered`` came from lacks what every match needs
    (never when nothing is known, or the text holds a letter that lower-casing
    does not stand in for under IGNORECASE)."""
    return lowered is not None and not need[1](lowered)


def _regex(pattern: str, where: Path, field: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern, re.IGNORECASE)
    except re.error as exc:
        raise LexiconError(f"{where}: {field}: bad pattern {pattern!r}: {exc}.") from None
