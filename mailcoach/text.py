"""Small text helpers shared by the pipeline and the renderers."""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata
from dataclasses import dataclass, field

# Typographic characters mapped one-to-one to their plain forms, so that offsets
# in the normalised text are offsets in the original.
_PLAIN = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00a0": " ",
        "\u2007": " ",
        "\u202f": " ",
        "\uff01": "!",
    }
)


def normalize(text: str) -> str:
    """Return ``text`` with curly quotes, apostrophes and odd spaces made plain.

    The result has the same length as the input, character for character.
    """
    return text.translate(_PLAIN)


class LineIndex:
    """Turn character offsets into 1-based (line, column) pairs."""

    def __init__(self, text: str) -> None:
        self.starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]

    def position(self, offset: int) -> tuple[int, int]:
        """Return the 1-based line and column of ``offset``."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return line + 1, offset - self.starts[line] + 1


# -- folding for matching -------------------------------------------------------------

#: Characters that render as nothing (or nearly) but split words for the matcher:
#: every format character (Unicode category Cf: zero-width space and joiners, soft
#: hyphen, word joiner, byte-order mark, bidi marks), plus the combining grapheme
#: joiner and the variation selectors.
_INVISIBLE_EXTRA = frozenset({"\u034f", *(chr(c) for c in range(0xFE00, 0xFE10))})


@functools.lru_cache(maxsize=4096)
def _fold_char(char: str) -> str:
    """Return what one non-ASCII character is matched as: "" if invisible."""
    kind = unicodedata.category(char)
    if char in _INVISIBLE_EXTRA or kind == "Cf":
        return ""
    if kind == "Cs":  # a lone surrogate cannot be encoded for the model: not a character
        return "\ufffd"
    return unicodedata.normalize("NFKC", char).translate(_PLAIN)


#: A run of characters that folding may change: anything outside printable ASCII
#: other than tab and newline (ASCII itself is left alone, so most drafts are copied).
_FOLDABLE = re.compile(r"[^\t\n\x20-\x7e]+")
#: What makes a run that is already NFKC need folding all the same: the format
#: characters of Unicode 14 (Python 3.11's; a newer one is still folded when it sits
#: in a run that also holds one of these or is not NFKC), the extras, surrogates,
#: and the characters :func:`normalize` makes plain.
_FOLD_ANYWAY = re.compile(
    "[\u00ad\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2\u180e\u200b-\u200f"
    "\u202a-\u202e\u2060-\u2064\u2066-\u206f\ufeff\ufff9-\ufffb\U000110bd\U000110cd"
    "\U00013430-\U00013438\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0001"
    "\U000e0020-\U000e007f\u034f\ufe00-\ufe0f\ud800-\udfff"
    + re.escape("".join(chr(c) for c in _PLAIN))
    + "]"
)


def _run_is_plain(run: str) -> bool:
    """Tell whether a run of non-ASCII text folds to itself (checked in C, not per char)."""
    return unicodedata.is_normalized("NFKC", run) and not _FOLD_ANYWAY.search(run)


@dataclass(frozen=True, slots=True)
class Folded:
    """Text as the rules see it, and the way back to offsets in the original.

    ``text`` is the original with invisible characters removed and each other
    character replaced by its NFKC compatibility form (fullwidth and mathematical
    letters become plain ones, ligatures are spelled out) and made plain as by
    :func:`normalize`. ``pieces`` cut ``text`` into stretches, each
    ``(text_start, original_start, original_length, text_length)``: a stretch of
    equal lengths maps character for character, any other is one original
    character that became several (or whose neighbours were dropped).
    """

    text: str
    original_length: int
    pieces: tuple[tuple[int, int, int, int], ...] = ()
    starts: tuple[int, ...] = field(default=(), repr=False)

    @property
    def identity(self) -> bool:
        """Tell whether ``text`` is the original, so offsets need no mapping."""
        return not self.starts and len(self.text) == self.original_length

    def _piece(self, offset: int) -> tuple[int, int, int, int]:
        return self.pieces[bisect.bisect_right(self.starts, offset) - 1]

    def start(self, offset: int) -> int:
        """Return the original offset where the folded character at ``offset`` begins."""
        if self.identity:
            return offset
        if offset >= len(self.text):
            return self.original_length
        t0, o0, olen, tlen = self._piece(offset)
        return o0 + (offset - t0) if olen == tlen else o0

    def end(self, offset: int) -> int:
        """Return the original offset where the folded text up to ``offset`` ends."""
        if self.identity:
            return offset
        if offset <= 0:
            return self.start(0)
        t0, o0, olen, tlen = self._piece(offset - 1)
        return o0 + (offset - t0) if olen == tlen else o0 + olen

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Return the original ``(start, end)`` of the folded span ``text[start:end]``."""
        first = self.start(start)
        return first, max(first, self.end(end))


def fold(text: str) -> Folded:
    """Return ``text`` as the rules match it, with the map back to its offsets.

    Zero-width and other invisible characters are dropped and look-alike forms
    (fullwidth ``ｓｕｅ``, mathematical bold, ligatures, odd spaces, curly quotes)
    become plain letters, so that ``s\u200bue`` or ``ｓｕｅ`` reads as ``sue``.
    Text with nothing to fold (most drafts) is returned as it is, with no map.
    """
    if not _FOLDABLE.search(text):
        return Folded(text, len(text))
    out: list[str] = []
    pieces: list[list[int]] = []  # [text_start, original_start, original_length, text_length]
    length = 0
    changed = False

    def add(original: int, new: str, count: int) -> None:
        nonlocal length
        n = len(new)
        if n == 0:
            return
        out.append(new)
        last = pieces[-1] if pieces else None
        if n == count and last is not None and last[2] == last[3] and last[1] + last[2] == original:
            last[2] += n
            last[3] += n
        else:
            pieces.append([length, original, count, n])
        length += n

    last = 0
    for match in _FOLDABLE.finditer(text):
        if _run_is_plain(match.group()):
            continue  # kept with the ASCII around it
        if match.start() > last:
            add(last, text[last : match.start()], match.start() - last)
        for i in range(match.start(), match.end()):
            new = _fold_char(text[i])
            changed = changed or new != text[i]
            add(i, new, 1)
        last = match.end()
    if len(text) > last:
        add(last, text[last:], len(text) - last)
    if not changed:
        return Folded(text, len(text))
    return Folded(
        "".join(out),
        len(text),
        tuple((a, b, c, d) for a, b, c, d in pieces),
        tuple(p[0] for p in pieces),
    )
