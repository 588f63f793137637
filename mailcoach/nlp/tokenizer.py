"""spaCy's tokenizer, made linear on long runs of punctuation ("Pay now!!!!!!!!…").

spaCy strips a word's trailing punctuation one mark at a time, searching the
rest of the word again after each: a run of n marks at the end of a word costs
about n² steps ("Pay now" followed by 16,000 "!" took 44 s). Such a run always
ends up as one token per mark, so here a long run at the end of a word is cut
off before the text reaches spaCy's tokenizer and its marks are added as tokens
directly. The Doc is built from the original characters: its text, and so every
character offset, is exactly the input's.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable

    from spacy.tokens import Doc
    from spacy.vocab import Vocab

#: Runs at least this long are split here (shorter ones cost spaCy little).
RUN_MIN = 12
#: Marks that may form such a run, if spaCy strips each one from a word's end as a
#: token of its own. Not those that make emoticons (":)", ";-)", "=(", "<3").
RUN_MARKS = "!?,*)]}\"'“”‘’#&_~|^`%"


#: Where a doc made by :class:`RunSafeTokenizer` keeps the text it was made from.
TEXT_KEY = "mailcoach_text"


def doc_text(doc: Doc) -> str:
    """Return ``doc.text``, read once per doc.

    ``Doc.text`` joins every token's text on each call (a Token object per token);
    the components and the analysis ask for it several times per draft. The text a
    doc was tokenized from is kept in ``doc.user_data`` by the tokenizer (spaCy's
    tokenization loses no character: it is ``doc.text``); any other doc has it
    worked out on first use.
    """
    text = doc.user_data.get(TEXT_KEY)
    if not isinstance(text, str):
        text = doc.user_data[TEXT_KEY] = doc.text
    return text


class RunSafeTokenizer:
    """Wrap a spaCy tokenizer: long runs of marks at a word's end become one token each.

    Everything else is the wrapped tokenizer's work (and its ``to_disk``, ``pipe`` …).
    """

    def __init__(self, tokenizer: Callable[[str], Doc], vocab: Vocab) -> None:
        self.tokenizer = tokenizer
        self.vocab = vocab
        singles = "".join(
            m for m in RUN_MARKS if [t.text for t in tokenizer(f"a{m * 4}")] == ["a", *m * 4]
        )
        marks = f"[{re.escape(singles)}]"
        #: a whole run of marks that ends a word (whitespace or the end of the text
        #: follows); it starts where no mark precedes it and never gives back a
        #: mark, so finding runs is linear too
        self.runs = re.compile(f"(?<!{marks}){marks}{{{RUN_MIN},}}+(?=\\s|\\Z)")

    def __call__(self, text: str) -> Doc:
        """Tokenize ``text`` as the wrapped tokenizer would, in time linear in runs of marks."""
        if self.runs.search(text) is None:
            doc = self.tokenizer(text)
            doc.user_data[TEXT_KEY] = text
            return doc
        from spacy.tokens import Doc

        parts: list[Doc] = []
        pos = 0
        for run in self.runs.finditer(text):
            if pos < run.start():
                parts.append(self.tokenizer(text[pos : run.start()]))
            marks = run.group()
            pos = run.end()
            spaces = [False] * len(marks)
            if text.startswith(" ", pos):  # one space after a token is its trailing space
                spaces[-1] = True
                pos += 1
            parts.append(Doc(self.vocab, words=list(marks), spaces=spaces))
        if pos < len(text):
            parts.append(self.tokenizer(text[pos:]))
        # the tokenizer's own attributes (the norms of its special cases) are kept
        doc = Doc.from_docs(parts, ensure_whitespace=False)
        doc.user_data[TEXT_KEY] = text
        return doc

    def pipe(self, texts: Any, batch_size: int = 1000) -> Any:
        """Tokenize a stream of texts."""
        for text in texts:
            yield self(text)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tokenizer, name)
