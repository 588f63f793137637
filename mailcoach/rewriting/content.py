"""What a flagged sentence says that a rewrite must keep, read from its parse.

A sentence's main clauses (the root and the clauses joined to it by "and",
"but", "or") are read one by one. A clause is *content* when it has a subject and
a finite verb and it reports something that happened or was promised, the state
of the work, the goods or the money, a next step, or the writer's availability;
it is not when it is built on a verb of feeling or attitude, passes a verdict
("it was a cheap trick", "you people should be ashamed"), or says in the present
what the reader is like. The words are data (``templates/rewrites/keep.yml``).

:func:`content_clauses` answers for a parsed sentence; :func:`well_formed` tells
whether an edited sentence still stands (a subject and a finite verb, nothing
dangling); :func:`lost_negation` whether an edit turned what it says around.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

from mailcoach.resources import template_dir
from mailcoach.rewriting.rephrase import compile_pattern, read_wording

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

KEEP_FILE = "keep.yml"

_SUBJECTS = frozenset({"nsubj", "nsubjpass", "expl", "csubj", "csubjpass"})
_FINITE = frozenset({"VBD", "VBZ", "VBP", "MD"})
_FIRST = frozenset({"i", "we", "me", "us"})
_POINTING = frozenset({"this", "that", "these", "those", "it", "which", "what"})
_LOOSE_OPEN = frozenset({"and", "but", "or", "so", "nor", "yet", "because", "which"})
_NEG_WORDS = frozenset({"not", "n't", "never", "no", "nobody", "nothing", "none", "nowhere"})


class _Examples(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    keep: list[str] = []
    drop: list[str] = []


class _KeepFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stative: list[str] = Field(min_length=1)
    people: list[str] = Field(min_length=1)
    available: list[str] = Field(min_length=1)
    firm: list[str] = Field(min_length=1)
    verdicts: list[str] = []
    speech: list[str] = Field(min_length=1)
    examples: _Examples = _Examples()


@dataclass(frozen=True, slots=True)
class KeepWords:
    """The words :func:`content_clauses` reads (``keep.yml``)."""

    stative: frozenset[str]
    people: frozenset[str]
    available: frozenset[str]
    firm: frozenset[str]
    verdicts: tuple[re.Pattern[str], ...]
    speech: frozenset[str]
    keep_examples: tuple[str, ...]
    drop_examples: tuple[str, ...]


@lru_cache(maxsize=2)
def load_keep(path: Path | None = None) -> KeepWords:
    """Read what a rewrite must keep (``templates/rewrites/keep.yml`` unless ``path``).

    Raises:
        TemplateError: if the file is missing or invalid.
    """
    where = path or template_dir() / "rewrites" / KEEP_FILE
    data = read_wording(where, _KeepFile)

    def low(words: Sequence[str]) -> frozenset[str]:
        return frozenset(w.strip().lower() for w in words)

    return KeepWords(
        low(data.stative),
        low(data.people),
        low(data.available),
        low(data.firm),
        tuple(compile_pattern(where, p) for p in data.verdicts),
        low(data.speech),
        tuple(data.examples.keep),
        tuple(data.examples.drop),
    )


def main_clauses(doc: Doc | Span) -> list[Token]:
    """Return the heads of the main clauses: the root and the verbs joined to it."""
    roots = [t for t in doc if t.dep_ == "ROOT"]
    out: list[Token] = []
    todo = list(roots)
    while todo:
        head = todo.pop(0)
        out.append(head)
        todo.extend(c for c in head.children if c.dep_ == "conj" and c.pos_ in {"VERB", "AUX"})
    return sorted(out, key=lambda t: t.i)


def _subject(verb: Token) -> Token | None:
    """Return the subject of a clause, the one it shares with the clause before it too."""
    at: Token | None = verb
    while at is not None:
        found = next((c for c in at.children if c.dep_ in _SUBJECTS), None)
        if found is not None:
            return found
        at = at.head if at.dep_ == "conj" and at.head.i != at.i else None
    return None


def _auxes(verb: Token) -> list[Token]:
    own = [c for c in verb.children if c.dep_ in {"aux", "auxpass"}]
    if not own and verb.dep_ == "conj" and verb.tag_ in {"VBN", "VBG", "VB"}:
        own = [c for c in verb.head.children if c.dep_ in {"aux", "auxpass"}]
    return own


def _finite(verb: Token) -> bool:
    return verb.tag_ in _FINITE or any(a.tag_ in _FINITE for a in _auxes(verb))


def _obligation(verb: Token) -> Token | None:
    """Return the verb a "has to" / "needs to" clause is about ("has to be paid")."""
    if verb.lemma_.lower() not in {"have", "need"}:
        return None
    return next(
        (
            c
            for c in verb.children
            if c.dep_ == "xcomp" and any(a.dep_ == "aux" and a.lower_ == "to" for a in c.children)
        ),
        None,
    )


def _is_person(subject: Token, words: KeepWords) -> bool:
    low = subject.lower_
    return (
        subject.pos_ == "PRON"
        or low in words.people
        or low in _POINTING
        or subject.ent_type_ in {"PERSON", "ORG", "NORP"}
    )


def _imperative(verb: Token, words: KeepWords) -> bool:
    """Tell whether a clause without a subject asks the reader to do something."""
    at = verb
    while at.dep_ == "conj" and at.head.i != at.i:
        at = at.head
    return (
        at.dep_ == "ROOT"
        and verb.tag_ == "VB"
        and not _auxes(verb)
        and verb.lemma_.lower() not in words.stative
    )


def _clause_text(verb: Token) -> str:
    """Return the words of a clause without the clauses joined to it."""
    nested = [c for c in verb.children if c.dep_ == "conj"]
    return " ".join(t.text for t in verb.subtree if not any(t in n.subtree for n in nested))


def clause_content(verb: Token, words: KeepWords) -> bool:
    """Tell whether the clause headed by ``verb`` is content a rewrite must keep."""
    if verb.pos_ not in {"VERB", "AUX"}:
        return False
    subject = _subject(verb)
    if subject is None:
        return _imperative(verb, words)  # "Pay up": a request
    if not _finite(verb):
        return False
    if any(p.search(_clause_text(verb)) for p in words.verdicts):
        return False  # "your team dropped the ball": blame said as an idiom
    lemma = verb.lemma_.lower()
    auxes = _auxes(verb)
    modal = next((a.lower_ for a in auxes if a.tag_ == "MD"), None)
    past = verb.tag_ == "VBD" or any(a.lemma_.lower() == "have" or a.tag_ == "VBD" for a in auxes)
    kids = list(verb.children)
    still = any(c.dep_ == "neg" or c.lower_ in {"still", "yet"} for c in kids) or (
        subject.lower_ in _NEG_WORDS
    )
    thing = not _is_person(subject, words)
    first = subject.lower_ in _FIRST
    persisting = any(c.lower_ in {"still", "yet"} for c in kids)
    if subject.lower_ in {"it", "they"} and (past or persisting or (still and lemma != "be")):
        thing = True  # "It still doesn't work", "they arrived damaged": the goods
    about = _obligation(verb)
    if about is not None:
        return thing  # "the bill still has to be paid"; "you have to understand" is none
    predicate = [c for c in kids if c.dep_ in {"acomp", "attr", "advmod", "prep"}]
    if lemma == "be":  # a copula: what something or someone is
        if first and any(p.lower_ in words.available for p in predicate):
            return True  # "I'm around all week": an offer of contact
        if any(p.dep_ == "attr" for p in predicate):
            return False  # "it is not what I expect", "this is a cheap trick": a verdict
        return thing and (past or still)
    if lemma in words.stative:
        return False
    if modal is not None and modal not in words.firm and modal not in {"wo", "sha"}:
        return False  # "you could have told me", "you can't just invent a charge"
    if first and modal is not None:
        return False  # the writer's own offers are read by their own patterns
    if past:
        return True  # something happened
    if modal is not None:
        return True  # something will happen
    if any(
        c.dep_ == "advcl" and any(m.lower_ in {"if", "unless"} for m in c.children) for c in kids
    ):
        return True  # "If we don't hear from you, this goes to collections": a next step
    return thing and (still or verb.tag_ == "VBG" or any(a.tag_ == "VBG" for a in auxes))


def content_clauses(
    doc: Doc | Span, words: KeepWords, skip: Sequence[tuple[int, int]] = ()
) -> list[Token]:
    """Return the heads of the main clauses of ``doc`` that are content.

    A clause whose head falls in one of the ``skip`` character spans (a menace the
    rewrite may take out) does not count.
    """
    return [
        v
        for v in main_clauses(doc)
        if not any(a <= v.idx < b for a, b in skip) and clause_content(v, words)
    ]


_QUOTED = re.compile(r'["\u201c]([^"\u201c\u201d\n]{1,80})["\u201d]')


def reported_quotes(doc: Doc, words: KeepWords) -> list[tuple[int, int]]:
    """Return the character spans of the quotations that report what the reader said.

    The quoted words hang, in the parse, from a verb of speech in the past ("you
    promised someone would be back \"first thing next week\""): the quotation is
    the writer's record of what was said. One under a verb in the present ("your
    reply below says \"end of month\"") points at words the reader can see, and
    is not counted. The span takes in the quotation marks.
    """
    out: list[tuple[int, int]] = []
    for m in _QUOTED.finditer(doc.text):
        inside = [t for t in doc if m.start(1) <= t.idx < m.end(1) and not t.is_punct]
        if any(
            a.pos_ in {"VERB", "AUX"}
            and a.lemma_.lower() in words.speech
            and a.tag_ in {"VBD", "VBN"}
            for t in inside
            for a in t.ancestors
        ):
            out.append(m.span())
    return out


def well_formed(doc: Doc, *, imperative: bool = True) -> str | None:
    """Return why an edited sentence does not stand as a sentence, or None.

    It needs a root verb that is finite with a subject (or a question, or an
    imperative where ``imperative`` allows one: an edit of a sentence that had a
    subject may not leave a bare verb, "Start to finish."), and it may not open
    or close on a joining word or a preposition left without its object.
    """
    words = [t for t in doc if not t.is_punct and not t.is_space]
    if not words:
        return "nothing left"
    if words[0].lower_ in _LOOSE_OPEN:
        return f"opens on {words[0].text!r}"
    last = words[-1]
    # "... the socket run that we never charged you for": a preposition whose object
    # opened its clause, under a verb with its own subject that is not the main one
    head = last.head
    stranded = any(a.dep_ == "relcl" for a in last.ancestors) or (
        head.pos_ in {"VERB", "AUX"}
        and head.dep_ in {"relcl", "ccomp", "acl", "pcomp"}
        and any(c.dep_ in {"nsubj", "nsubjpass"} for c in head.children)
    )
    if last.lower_ in _LOOSE_OPEN or (last.pos_ == "ADP" and last.dep_ == "prep" and not stranded):
        return f"ends on {last.text!r}"
    if re.search(r"[,;:]\s*$", doc.text.rstrip(".!? ")):
        return "orphan punctuation"
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or root.pos_ not in {"VERB", "AUX"}:
        return "no main verb"
    if doc.text.rstrip().endswith("?"):
        return None
    if root.tag_ == "VB" and _subject(root) is None and imperative:
        return None  # an imperative: "Please send the invoice."
    subject = _subject(root)
    if subject is None:
        return "no subject"
    opening = min([root.i, *(c.i for c in root.children if c.dep_ in {"aux", "neg", "advmod"})])
    if subject.i < opening and doc[opening - 1].text == ",":
        between = doc[subject.i + 1 : opening]
        if sum(1 for t in between if t.text == ",") % 2:
            return "a comma between the subject and its verb"  # "Your engineer, left ..."
    if not _finite(root):
        return "no finite verb"
    return None


def lost_negation(old: Doc, new: Doc) -> bool:
    """Tell whether an edit kept a verb but not the negation that went with it.

    "The parts have not arrived" cut to "The parts have arrived" says the opposite.
    """
    kept = {t.lemma_.lower() for t in new if t.pos_ in {"VERB", "AUX"}}
    new_negated = {
        t.head.lemma_.lower()
        for t in new
        if t.dep_ == "neg" or (t.lower_ in _NEG_WORDS and t.dep_.startswith("nsubj"))
    }
    for t in old:
        if t.dep_ == "neg" or (t.lower_ in _NEG_WORDS and t.dep_.startswith("nsubj")):
            head = t.head.lemma_.lower()
            if head in kept and head not in new_negated:
                return True
    return False
