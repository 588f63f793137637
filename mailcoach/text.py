"""Small text helpers shared by the pipeline and the renderers."""

from __future__ import annotations

import bisect

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
