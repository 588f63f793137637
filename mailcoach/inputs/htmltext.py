"""Turn the HTML part of an email into plain text that the splitter understands.

Block elements and ``<br>`` become line breaks, list items become ``- `` lines,
``<script>``, ``<style>`` and ``<head>`` are dropped and entities are unescaped.
Quoted material comes out the way a plain-text mail client writes it, so that
:func:`mailcoach.inputs.split.split_body` recognises it: every line inside a
``<blockquote>`` or a Gmail/Yahoo quote container is prefixed with ``> ``, and a
reply header of Outlook on the web (``divRplyFwdMsg``) quotes the rest of the
message. A Gmail or Outlook signature container gets a ``-- `` line before it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

#: Tags whose content is never shown.
SKIP_TAGS = frozenset({"script", "style", "head", "title", "template", "noscript"})
#: Tags that start and end a line.
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "center", "dd", "div", "dl", "dt", "fieldset",
        "figcaption", "figure", "footer", "form", "header", "main", "nav", "ol", "section",
        "table", "tbody", "tfoot", "thead", "tr", "ul",
    }
)  # fmt: skip
#: Tags that are paragraphs: a blank line before and after.
PARAGRAPH_TAGS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "hr"})
#: Tags with no content and no end tag.
VOID_TAGS = frozenset(
    {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
)
#: Classes of elements whose content is a quoted earlier message.
QUOTE_CLASSES = frozenset({"gmail_quote", "gmail_quote_container", "yahoo_quoted"})
#: Ids of elements that start the quoted earlier message; everything after is quoted.
QUOTE_REST_IDS = frozenset({"divrplyfwdmsg", "appendonsend", "olk_src_body_section"})
#: Classes and ids of signature containers.
SIGNATURE_CLASSES = frozenset({"gmail_signature", "moz-signature"})
SIGNATURE_IDS = frozenset({"signature", "applemailsignature"})
#: The prefix Outlook puts on every class and id of a message it quotes or forwards
#: as HTML ("x_divRplyFwdMsg", "x_gmail_quote"); it is removed before matching.
OUTLOOK_PREFIX = "x_"
#: Paragraph classes that behave like plain lines (Outlook writes one per line).
LINE_PARAGRAPH_CLASSES = frozenset({"msonormal"})

_WHITESPACE_RE = re.compile(r"\s+")
_HIDDEN_STYLE_RE = re.compile(r"display\s*:\s*none", re.IGNORECASE)


def html_to_text(markup: str) -> str:
    """Return readable plain text for the HTML document ``markup``."""
    renderer = _Renderer()
    renderer.feed(markup)
    renderer.close()
    return renderer.text()


def _unprefixed(name: str) -> str:
    """Return a class or id without the prefixes Outlook adds to quoted HTML."""
    while name.startswith(OUTLOOK_PREFIX):
        name = name[len(OUTLOOK_PREFIX) :]
    return name


@dataclass
class _Open:
    """An open element that changes how its content is rendered."""

    tag: str
    quote: bool = False
    container: bool = False
    skip: bool = False
    pre: bool = False
    paragraph: bool = False
    block: bool = False
    list_counter: int | None = None
    is_list: bool = False


class _Renderer(HTMLParser):
    """Collect the text of an HTML document line by line."""

    def __init__(self) -> None:
        """Start with no output."""
        super().__init__(convert_charrefs=True)
        self._lines: list[str] = []
        self._current: list[str] = []
        self._prefix = ""
        self._open: list[_Open] = []
        self._quote_depth = 0
        self._quote_rest = False
        self._container_depth = 0
        self._skip_depth = 0
        self._pre_depth = 0
        self._blank_pending = False

    # -- parser callbacks -------------------------------------------------------------

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Open an element."""
        attributes = {name.lower(): value or "" for name, value in attrs}
        classes = {_unprefixed(c.lower()) for c in attributes.get("class", "").split()}
        element_id = _unprefixed(attributes.get("id", "").lower())
        if tag == "body":
            self._skip_depth = 0
            self._open = [o for o in self._open if not o.skip]
            return
        if tag == "br":
            self._end_line(force=True)
            return
        if tag in VOID_TAGS and tag != "hr":
            return
        if element_id in QUOTE_REST_IDS:
            self._end_line()
            self._quote_rest = True
        if classes & SIGNATURE_CLASSES or element_id in SIGNATURE_IDS:
            self._signature_delimiter()
        if tag == "hr":
            self._paragraph_break()
            return
        entry = _Open(tag)
        if tag in SKIP_TAGS or _HIDDEN_STYLE_RE.search(attributes.get("style", "")):
            entry.skip = True
            self._skip_depth += 1
        if tag == "blockquote":
            self._end_line()
            entry.quote = True
            self._quote_depth += 1
        elif classes & QUOTE_CLASSES:
            self._end_line()
            entry.container = True
            self._container_depth += 1
        if tag == "pre":
            self._paragraph_break()
            entry.pre = True
            self._pre_depth += 1
        if tag in ("ul", "ol"):
            entry.is_list = True
            entry.list_counter = 0 if tag == "ol" else None
        if tag in PARAGRAPH_TAGS and not classes & LINE_PARAGRAPH_CLASSES:
            entry.paragraph = True
            self._paragraph_break()
        elif tag in BLOCK_TAGS or tag in ("p", "blockquote", "li"):
            entry.block = True
            self._end_line()
        elif tag in ("td", "th") and self._current and not self._current[-1].endswith(" "):
            self._current.append(" ")
        self._open.append(entry)
        if tag == "li":
            self._list_item()

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        """Handle ``<br/>`` and friends as start tags with no content."""
        if tag in VOID_TAGS:
            self.handle_starttag(tag, attrs)
        else:
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        """Close an element and everything left open inside it."""
        if tag in VOID_TAGS:
            return
        for index in range(len(self._open) - 1, -1, -1):
            if self._open[index].tag == tag:
                closed = self._open[index:]
                del self._open[index:]
                for entry in reversed(closed):
                    self._close(entry)
                return
        # A stray end tag: still break the line where the element would have.
        if tag in PARAGRAPH_TAGS:
            self._paragraph_break()
        elif tag in BLOCK_TAGS or tag in ("p", "li", "blockquote"):
            self._end_line()

    def handle_data(self, data: str) -> None:
        """Add text, collapsing whitespace outside ``<pre>``."""
        if self._skip_depth:
            return
        if self._pre_depth:
            for index, part in enumerate(data.replace("\r\n", "\n").split("\n")):
                if index:
                    self._end_line(force=True)
                if part:
                    self._write(part)
            return
        text = _WHITESPACE_RE.sub(" ", data)
        if not self._current or self._current[-1].endswith(" "):
            text = text.lstrip()
        if text:
            self._write(text)
        elif not self._current and "\xa0" in data:
            # Outlook and Gmail write an empty line as a paragraph holding &nbsp;.
            self._end_line(force=True)

    # -- output -----------------------------------------------------------------------

    def text(self) -> str:
        """Return the rendered text, one trailing newline, no blank runs."""
        self._end_line()
        lines: list[str] = []
        for line in self._lines:
            blank = not line.strip(" >")
            if blank and (not lines or lines[-1] == line):
                continue
            lines.append(line)
        while lines and not lines[-1].strip(" >"):
            lines.pop()
        return "\n".join(lines) + "\n" if lines else ""

    def _close(self, entry: _Open) -> None:
        """Undo what opening ``entry`` changed."""
        if entry.quote:
            self._end_line()
            self._quote_depth = max(0, self._quote_depth - 1)
        if entry.container:
            self._end_line()
            self._container_depth = max(0, self._container_depth - 1)
        if entry.skip:
            self._skip_depth = max(0, self._skip_depth - 1)
        if entry.pre:
            self._end_line()
            self._pre_depth = max(0, self._pre_depth - 1)
            self._blank_pending = True
        if entry.paragraph:
            self._paragraph_break()
        elif entry.block:
            self._end_line()

    def _line_prefix(self) -> str:
        """Return the quote prefix for a line that starts now.

        Inside a quote container (Gmail's ``gmail_quote``) every line is quoted at
        least once, so the attribution line is quoted too, but the container does
        not add a level to the ``<blockquote>`` within it.
        """
        depth = self._quote_depth + (1 if self._quote_rest else 0)
        if self._container_depth and not depth:
            depth = 1
        return "> " * depth

    def _write(self, text: str) -> None:
        """Append ``text`` to the current line, starting one if needed."""
        if not self._current:
            if self._blank_pending and self._lines and self._lines[-1].strip(" >"):
                self._lines.append(self._line_prefix().rstrip())
            self._blank_pending = False
            self._prefix = self._line_prefix()
        self._current.append(text)

    def _end_line(self, *, force: bool = False) -> None:
        """Finish the current line; with ``force`` (``<br>``) even an empty one."""
        if self._current:
            content = "".join(self._current)
            if not content.strip():
                self._lines.append(self._prefix.rstrip())
            elif content.strip() == "--":  # keep the space of the "-- " delimiter
                self._lines.append(self._prefix + "-- ")
            else:
                self._lines.append(
                    self._prefix + (content if self._pre_depth else content.rstrip())
                )
            self._current = []
        elif force and not self._skip_depth:
            self._lines.append(self._line_prefix().rstrip())

    def _paragraph_break(self) -> None:
        """End the current line and ask for a blank line before the next text."""
        self._end_line()
        self._blank_pending = True

    def _list_item(self) -> None:
        """Start a list item line: "- " in a bulleted list, "1. " in a numbered one."""
        self._end_line()
        lists = [entry for entry in self._open if entry.is_list]
        indent = "  " * max(0, len(lists) - 1)
        if lists and lists[-1].list_counter is not None:
            lists[-1].list_counter += 1
            marker = f"{lists[-1].list_counter}. "
        else:
            marker = "- "
        if not self._skip_depth:
            self._write(indent + marker)

    def _signature_delimiter(self) -> None:
        """Write a "-- " line before a signature unless the message has one already."""
        self._end_line()
        previous = next((line for line in reversed(self._lines) if line.strip(" >")), "")
        if previous.lstrip("> ").rstrip() != "--" and not self._skip_depth:
            self._lines.append(self._line_prefix() + "-- ")
