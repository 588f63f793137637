"""Split a message body into the sender's own text, quoted replies and the signature.

Each line is reduced to one marker letter, as talon's ``mark_message_lines`` does,
and regular expressions over the marker string find the quoted blocks and the
signature:

=====  ===============================================================
``e``  empty (or whitespace-only) line
``m``  quote marker: the line starts with ``>``
``s``  attribution ("On … wrote:", "Dana <d@x> wrote:") followed by quoted lines
``f``  hard splitter ("-----Original Message-----", a forward marker, a
       "From:/Sent:/To:" header block, a line of underscores before one, or an
       attribution followed by unquoted text); it and everything after it is quoted
``d``  signature delimiter ``-- `` (or a bare ``--``)
``c``  closing phrase alone on its line ("Best regards,", "Thanks, Sam")
``p``  mobile footer ("Sent from my phone")
``n``  short line that could belong to a signature (name, title, phone, email)
``g``  short phrase with no sentence punctuation that is not title-cased: a company
       tagline ("Connecting the Loire valley since 2009") when it follows a name; a
       slogan between a name block and its contact lines, which may end in a full
       stop ("Built to Last. Sourced with Care."); an address below a signature
``l``  legal disclaimer ("DISCLAIMER: This message is confidential ... notify the
       sender and delete it"), with the rest of its paragraph (whose cues may be
       spread over its lines)
``t``  any other text
=====  ===============================================================

Markers are assigned line by line (with a few lines of look-ahead for wrapped
attributions and header blocks); after that only the marker string and the named
limits below decide the result.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from mailcoach.facts.spans import lowered_for, may_match
from mailcoach.model import Segment, SegmentKind

#: An attribution may be wrapped over at most this many lines.
ATTRIBUTION_MAX_LINES = 3
#: An "On … wrote:" attribution is at most this many characters (lines joined).
ATTRIBUTION_MAX_CHARS = 300
#: A "<name> wrote:" attribution (no "On …") is at most this many characters.
ATTRIBUTION_NAME_MAX_CHARS = 120
#: A "From:" line opens a header block only if the next lines (at most this many,
#: up to the first empty line) hold at least HEADER_BLOCK_MIN_FIELDS other fields.
HEADER_BLOCK_MAX_LINES = 8
#: Fields among Sent/Date/To/Cc/Subject needed after "From:" to call it a header block.
HEADER_BLOCK_MIN_FIELDS = 2
#: A line of underscores counts as a splitter if a "From:" line follows within this
#: many lines.
UNDERSCORE_LOOKAHEAD_LINES = 2
#: At most this many non-empty lines may follow a bare "--" delimiter (the strict
#: RFC 3676 "-- " delimiter has no limit).
SIGNATURE_MAX_LINES = 11
#: At most this many non-empty lines (disclaimers aside) may follow a closing phrase
#: ("Best regards,") for the block to count as a signature: name, title, company,
#: tagline, address, phone and web, social handles.
SIGNOFF_MAX_LINES = 9
#: A line after a closing phrase is at most this many characters ...
SIGNOFF_MAX_LINE_CHARS = 72
#: ... and at most this many words.
SIGNOFF_MAX_WORDS = 8
#: A tagline ("Quality joinery since 1987") is at most this many characters.
TAGLINE_MAX_CHARS = 60
#: A slogan between a company name and its contact lines may carry commas and
#: capitals ("Built right, the first time — QUALITY YOU CAN STAND ON") up to this many words.
SLOGAN_MAX_WORDS = 12
#: The longest line read as contact details or a slogan: a longer one is prose (and
#: the contact patterns would cost time on it).
CONTACT_LINE_MAX_CHARS = 200
#: Labels a line of contact details may carry beside them ("T:", "Mob:", "Insta:").
CONTACT_LABELS_MAX = 6
#: A slogan below a name block that may end with a full stop and say "your" needs at
#: least this many name, title and company lines right above it ...
NAME_RUN_MIN_LINES = 2
#: ... and a contact line among this many lines right below it; each of its phrases
#: (between commas, full stops and dashes) has at most this many words.
SLOGAN_CONTACT_LOOKAHEAD = 2
SLOGAN_PHRASE_MAX_WORDS = 6
#: A bare name block (no sign-off, no contact details: "Mark", "Luis Ortega /
#: Ortega Builders") ends a stretch with at most this many lines ...
NAME_BLOCK_MAX_LINES = 3
#: ... and its first line (the name) has at most this many words.
NAME_MAX_WORDS = 4
#: At most this many non-empty lines in a long signature block taken whole (a name, its
#: titles, company, slogans, contacts, address, registration lines and disclaimers).
LONG_SIGNATURE_MAX_LINES = 40

EMPTY = "e"
QUOTE = "m"
ATTRIBUTION = "s"
HARD_SPLITTER = "f"
SIG_DELIMITER = "d"
CLOSING = "c"
MOBILE_FOOTER = "p"
DISCLAIMER = "l"
SHORT = "n"
TAGLINE = "g"
TEXT = "t"

_ATTRIBUTION_RES = (
    re.compile(r"On\s.+\swrote\s*:", re.IGNORECASE),
    re.compile(r"Em\s.+\sescreveu\s*:", re.IGNORECASE),
    re.compile(r"Den\s.+\sskrev\s.*:", re.IGNORECASE),
    re.compile(r"Am\s.+\sschrieb\s.*:", re.IGNORECASE),
    re.compile(r"Le\s.+\sa\s+écrit\s*:", re.IGNORECASE),
    re.compile(r"El\s.+\sescribió\s*:", re.IGNORECASE),
    re.compile(r"Op\s.+\sschreef\s.*:", re.IGNORECASE),
    re.compile(r"Il\s.+\sha\s+scritto\s*:", re.IGNORECASE),
)
_ATTRIBUTION_OPENERS = frozenset({"on", "am", "le", "el", "op", "il", "em", "den"})
_NAME_WROTE_RE = re.compile(
    r"\S.*\s(?:wrote|schrieb|a\s+écrit|escribió|escreveu|schreef|skrev|ha\s+scritto)\s*:",
    re.IGNORECASE,
)
_HARD_SPLITTER_RE = re.compile(
    r"-{2,}\s*(?:original\s+message|forwarded\s+message|ursprüngliche\s+nachricht"
    r"|weitergeleitete\s+nachricht|message\s+d'origine|message\s+transféré)\s*-{2,}"
    r"|begin\s+forwarded\s+message\s*:"
    r"|-{2,}\s*forwarded\s+by\s.*",
    re.IGNORECASE,
)
#: A field of a quoted header block, in English and in the languages of the
#: localised attributions above; bold markers ("*From:*", "**Sent:**") from an HTML
#: conversion are allowed around the name.
_HEADER_FIELD_RE = re.compile(
    r"\**(from|sent|date|to|cc|subject"
    r"|von|gesendet|datum|an|betreff"  # German
    r"|de|envoyé|date|à|a|objet"  # French
    r"|enviado|fecha|para|asunto"  # Spanish, Portuguese
    r"|van|verzonden|aan|onderwerp"  # Dutch
    r"|da|inviato|oggetto"  # Italian
    r")\s*:\**(?:\s|$)",
    re.IGNORECASE,
)
#: A field name inside a line ("From: Dana Sent: Monday To: Sam Subject: Pallets").
_INLINE_HEADER_FIELD_RE = re.compile(r"\s\**(sent|date|to|cc|subject)\s*:\**\s", re.IGNORECASE)
#: The localised names of the "From:" field.
_HEADER_FROM_FIELDS = frozenset({"from", "von", "de", "van", "da"})
_HEADER_BLOCK_FIELDS = frozenset(
    {
        "sent", "date", "to", "cc", "subject", "gesendet", "datum", "an", "betreff",
        "envoyé", "à", "a", "objet", "enviado", "fecha", "para", "asunto", "verzonden",
        "aan", "onderwerp", "inviato", "oggetto",
    }
)  # fmt: skip
_UNDERSCORE_RE = re.compile(r"_{10,}")
_CLOSING_PHRASES = (
    "best regards",
    "kind regards",
    "kindest regards",
    "warm regards",
    "warmest regards",
    "with best regards",
    "with kind regards",
    "regards",
    "best wishes",
    "all the best",
    "best",
    "many thanks",
    "thanks again",
    "thanks so much",
    "thanks very much",
    "thanks a lot",
    "thanks",
    "thank you again",
    "thank you so much",
    "thank you very much",
    "thank you",
    "with thanks",
    "cheers",
    "yours sincerely",
    "sincerely yours",
    "sincerely",
    "yours faithfully",
    "yours truly",
    "respectfully",
    "take care",
    "speak soon",
    "talk soon",
    "warmly",
    "rgds",
    "kind rgds",
    "br",
    "thx",
    "ta",
    "yours",
    "with apologies",
    "with thanks and regards",
    "with warm regards",
    "with warmest regards",
    "with best wishes",
    "warmest wishes",
    "cordialement",
    "bien cordialement",
    "bien à vous",
    "merci",
    "merci beaucoup",
    "mit freundlichen grüßen",
    "viele grüße",
    "beste grüße",
    "liebe grüße",
    "met vriendelijke groet",
    "saludos",
    "saludos cordiales",
    "un saludo",
    "atentamente",
    "atenciosamente",
    "cordiali saluti",
    "distinti saluti",
    "med vänliga hälsningar",
)
_CLOSING_RE = re.compile(
    # a closing after thanks: "Thank you and kind regards," / "Thanks again & best wishes"
    r"(?i:(?:many\s+)?thank(?:s|\s+you)(?:\s+(?:again|so\s+much|in\s+advance))?"
    r"\s*(?:,\s*|\s+and\s+|\s*&\s*))?"
    + r"(?i:"
    + "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in _CLOSING_PHRASES)
    + r")\b[,.!]?"
    # an optional group of readers: "Thanks all," / "Thank you, everyone" / "Cheers both"
    + r"(?:\s*,?\s+(?i:all|everyone|everybody|both|team|folks|guys)\b[,.!]?)?"
    # an optional name on the same line: "Thanks, Sam" / "Best - Dana Price"
    + r"(?:\s*[-–—,]?\s*[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,2})?"
)
_MOBILE_FOOTER_RE = re.compile(
    r"(?:sent\s+from\s+my\s+\w[\w\s-]{0,30}"
    r"|sent\s+(?:from|with|via)\s+(?:the\s+)?(?:mail|outlook|yahoo\s+mail|gmail|proton\s*mail"
    r"|spark|blackberry|samsung)\b[\w\s-]{0,30}"
    r"|get\s+outlook\s+for\s+\w+(?:\s*<[^<>\s]+>)?"
    r"|von\s+meinem\s+\w[\w\s-]{0,30}\s+gesendet"
    r"|envoyé\s+de\s+mon\s+\w[\w\s-]{0,30}"
    r"|enviado\s+desde\s+mi\s+\w[\w\s-]{0,30}"
    r"|verzonden\s+(?:vanaf|met)\s+(?:mijn\s+)?\w[\w\s-]{0,30}"
    r"|inviato\s+da\s+\w[\w\s-]{0,30})\.?",
    re.IGNORECASE,
)
_CONTACT_RE = re.compile(
    r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # email address
    r"|(?:https?://|www\.)\S+"  # URL
    r"|\b[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,24}\b(?:/\S*)?"  # bare domain: acme.example.com
    r"|\+?\d[\d ().-]{5,}\d"  # phone number
    r"|(?<![\w@])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?\b"  # handle: @acme.builds
)
#: Characters of which an email address, web address, handle or phone number has one.
_CONTACT_CHARS = frozenset("@./:+()0123456789")
#: A line that opens a legal disclaimer ("DISCLAIMER:", "Confidentiality notice -").
_DISCLAIMER_HEAD_RE = re.compile(
    r"(?:disclaimer|(?:confidentiality|legal|important|privacy)\s+notice"
    r"|privileged\s+(?:and|&)\s+confidential|confidential)\s*[:.\-–—]",
    re.IGNORECASE,
)
#: What a disclaimer says; a line saying two of these things is one.
_DISCLAIMER_CUE_RE = re.compile(
    r"(?P<confidential>confidential)|(?P<privileged>privileged)"
    r"|(?P<recipient>intended\s+(?:\w+\s+){0,4}(?:recipient|addressee)s?)"
    r"|(?P<notify>notify\s+(?:the\s+)?sender)"
    r"|(?P<delete>(?:delete|destroy|erase)\s+(?:it|this|the|all))"
    r"|(?P<unauthorised>unauthori[sz]ed)|(?P<no_liability>accepts?\s+no\s+(?:liability|responsibility))"
    r"|(?P<virus>virus(?:es)?\b)|(?P<prohibited>strictly\s+prohibited)"
    r"|(?P<scanned>scanned\s+(?:by|for|with))"
    r"|(?P<limited>liability\s+(?:[\w'’]+\s+){0,8}?(?:is|are|shall\s+be|will\s+be)\s+limited"
    r"|limit(?:s|ation\s+of)\s+(?:\w+\s+)?liability)"
    r"|(?P<misuse>\bmisuse\b|\b(?:copying|forwarding|disclosure|dissemination)\s+(?:of|or|and|,))"
    r"|(?P<in_error>(?:received|reached\s+you|sent\s+to\s+you)\s+(?:\w+\s+){0,2}"
    r"(?:in\s+error|by\s+mistake))",
    re.IGNORECASE,
)
#: A word of each cue above, looked for before the expression runs.
_DISCLAIMER_CUE_WORDS = (
    "confidential", "privileged", "intended", "notify", "delete", "destroy", "erase",
    "unauthori", "accept", "virus", "prohibited", "scanned", "misuse", "copying",
    "forwarding", "disclosure", "dissemination", "in error", "by mistake", "liabilit",
)  # fmt: skip
_FOUR_DIGITS_RE = re.compile(r"\d{4}")
#: Boilerplate that is a footer on its own: the environment note, and a company's
#: registration details (only with a number in the line: "Registered in England no.
#: 04411873"; "send it to our registered office" is prose).
_FOOTER_NOTE_RE = re.compile(
    r"(?:please\s+)?(?:consider\s+the\s+environment"
    r"|think\s+(?:green\s+)?before\s+(?:you\s+)?print)",
    re.IGNORECASE,
)
_REGISTRATION_RE = re.compile(
    r"registered\s+(?:in|office|address|number|no\b)"
    r"|compan(?:y|ies)\s+(?:registration\s+)?(?:no|number|reg)\b"
    r"|\bvat\s+(?:reg(?:istration)?\.?\s+)?(?:no|number)\b"
    r"|\b(?:ABN|ACN|GSTIN|CIN|SIRET|RCS|KvK|HRB)\b",
    re.IGNORECASE,
)
_PS_RE = re.compile(r"p\.?\s?p?\.?\s?s\b", re.IGNORECASE)
#: Words that make a short line a remark, not a tagline ("Sort it out or else").
_NOT_IN_TAGLINES = frozenset(
    {"or", "else", "stop", "not", "never", "again", "enough", "what", "why", "how", "thanks",
     "thank", "i", "i'm", "me", "my", "this", "those", "they", "is", "are", "was",
     "were", "finally", "really", "honestly", "seriously", "wow", "we", "us", "our", "always"}
)  # fmt: skip
#: Words that make a line a remark even where a signature's slogan would stand (between
#: a company line and a contact line, below a closing phrase): slogans say "not",
#: "always", "what" and "that" ("Support that listens — HUMANS, NOT BOTS", "Moving
#: what matters"), but not "I", "pay", "or else" or "again" (and a question mark
#: already makes a line a remark). "Last" after "to" is the verb ("Built to Last").
_NOT_IN_SLOGANS = frozenset(
    {"or", "else", "stop", "enough", "thanks", "thank", "i", "i'm",
     "me", "my", "finally", "really", "honestly", "seriously", "wow", "again", "pay",
     "paid", "now", "owe", "owed", "still", "yet", "excuse", "excuses", "last", "final",
     "warning", "chance", "joke", "sue", "court"}
)  # fmt: skip
#: Words that make a line a sentence of its own rather than a slogan's phrase ("Your
#: team keeps losing our paperwork" aside, a slogan has no subject pronoun and no
#: auxiliary verb: "Care that stays close to home", "Built to Last").
_NOT_IN_PHRASES = frozenset(
    {"we", "we're", "we've", "we'll", "us", "he", "she", "it's", "they're", "is", "are", "was",
     "were", "been", "has", "have", "had", "do", "does", "did", "can", "can't", "cannot",
     "could", "would", "should", "will", "won't", "shall", "might", "must", "don't",
     "doesn't", "didn't", "isn't", "aren't", "wasn't", "weren't", "haven't", "hasn't",
     "that's", "there's", "here's", "what's", "let's", "just", "so", "who", "why", "how",
     "whoever", "however", "what", "oh", "always", "never", "clearly", "truly", "please",
     "another", "once", "per", "sort", "fix", "shame", "i'll", "i've", "i'd", "ye", "ye're",
     "fault", "cheers", "watch", "stated", "utterly", "them", "they", "respect", "previous"}
)  # fmt: skip
#: Words that make a line in capitals shouting rather than a company name.
_NOT_IN_COMPANY_NAMES = frozenset(
    {"i", "am", "not", "no", "now", "pay", "paid", "never", "again", "enough", "stop", "or",
     "else", "why", "what", "how", "will", "must", "is", "are", "this", "that", "it"}
)  # fmt: skip
#: A word in single quotes, as a writer sneers ("another 'final' invoice").
_SCARE_QUOTE_RE = re.compile(r"(?:^|\s)['‘]\w")
#: "last" as a verb: "Built to Last".
_TO_LAST_RE = re.compile(r"\bto\s+last\b", re.IGNORECASE)
#: What separates the phrases of a slogan.
_PHRASE_BREAK_RE = re.compile(r"[,.;:|•·]|\s[-–—]\s")
#: "No." before a figure is "number" ("No. 14, Kovai Road"), not the word "no".
_NUMBER_ABBREVIATION_RE = re.compile(r"\bno\.\s*(?=\d)", re.IGNORECASE)
#: The reader named as "you" (a slogan may say "your": "Your day, under our roof").
_YOU_RE = re.compile(r"\b(?:you|yourself|yourselves|u|ur)\b", re.IGNORECASE)
_SECOND_PERSON_RE = re.compile(r"\b(?:you|your|yours|yourself|yourselves|u|ur)\b", re.IGNORECASE)
#: Words a name or a title does not contain ("See You In Court" is not a name).
_PRONOUNS = frozenset({"i", "me", "my", "we", "us", "our", "you", "your", "yours", "they"})
#: Words that make a short capitalised line a phrase rather than a name ("Or Else",
#: "Last Chance", "Pay Up Now"); particles of names ("de", "van") are not among them.
_NOT_IN_NAMES = _PRONOUNS | frozenset(
    {"or", "else", "and", "the", "to", "of", "for", "at", "in", "on", "a", "an", "now",
     "not", "no", "never", "again", "last", "final", "see", "pay", "up", "please",
     "thanks", "thank", "sorry", "done", "enough", "today", "tomorrow"}
)  # fmt: skip
#: Company and name suffixes that end with a full stop without ending a sentence.
_ABBREVIATIONS = frozenset(
    {"co", "ltd", "inc", "llc", "plc", "corp", "pty", "gmbh", "ag", "sa", "sas", "bv", "nv",
     "jr", "sr", "esq", "phd", "dr", "st", "rd", "ave"}
)  # fmt: skip
_SMALL_WORDS = frozenset(
    {"of", "and", "for", "the", "at", "in", "on", "to", "a", "an", "de", "du", "von", "van", "y",
     "der", "den", "del", "della", "da", "di", "dos", "das", "ter"}
)  # fmt: skip
_QUOTE_BLOCK_RE = re.compile(r"(?:s+e*)?m(?:e*m)*")
_SIGNATURE_BODY_RE = re.compile(r"[^smf]*")
#: The markers of the lines that may follow a closing phrase, and of a disclaimer's.
SIGNOFF_TAIL = CLOSING + SHORT + MOBILE_FOOTER + EMPTY
DISCLAIMER_TAIL = DISCLAIMER + EMPTY
#: What may follow a sign-off: the above, taglines below a name, and disclaimers.
SIGNOFF_BLOCK = SIGNOFF_TAIL + TAGLINE + DISCLAIMER
#: The markers of a bare name block: names, titles, taglines and blank lines.
NAME_BLOCK = SHORT + TAGLINE + EMPTY
_OWN_STRETCH_RE = re.compile(r"[^x]+")


def split_body(body: str) -> tuple[Segment, ...]:
    """Split ``body`` into own, quoted and signature segments.

    The segments cover ``body`` from start to end, in order, without gaps or
    overlaps, and always start at the beginning of a line. Blank lines between an
    own stretch and a quoted block or signature belong to the latter, so own
    segments carry no leading or trailing blank lines unless they touch the start
    or end of the body. An empty body gives no segments; a body of whitespace only
    gives one own segment.
    """
    if not body:
        return ()
    spans = _line_spans(body)
    texts = [body[start:end].rstrip("\r") for start, end, _ in spans]
    kinds = _line_kinds(mark_lines(texts), texts)
    return _segments(spans, kinds)


def mark_lines(lines: Sequence[str]) -> str:
    """Return one marker letter per line (see the module docstring)."""
    markers: list[str] = []
    i = 0
    while i < len(lines):
        attribution = _attribution_at(lines, i)
        if attribution is not None:
            count, letter = attribution
            markers.extend(letter * count)
            i += count
            continue
        markers.append(_mark_line(lines, i))
        i += 1
    for k in range(len(markers)):
        if (
            _slogan_between_signature_lines(lines, markers, k)
            or _slogan_below_name_block(lines, markers, k)
            or _contact_line_after_signoff(lines, markers, k)
        ):
            markers[k] = TAGLINE
    return _whole_disclaimer_paragraphs("".join(markers), lines)


def _whole_disclaimer_paragraphs(markers: str, lines: Sequence[str]) -> str:
    """Mark every line of a text paragraph that holds a disclaimer line, or that says
    a disclaimer's cues across its lines, as disclaimer.

    A disclaimer wrapped over several lines names its cues in only some of them, and
    may break one cue over two lines ("Our liability for hired / equipment is limited").
    """

    def paragraph(m: re.Match[str]) -> str:
        if DISCLAIMER in m[0]:
            return DISCLAIMER * len(m[0])
        if len(m[0]) > 1 and _says_disclaimer_cues(
            " ".join(line.strip() for line in lines[m.start() : m.end()])
        ):
            return DISCLAIMER * len(m[0])
        return m[0]

    return re.sub(rf"[{TEXT}{TAGLINE}{DISCLAIMER}]+", paragraph, markers)


def _mark_line(lines: Sequence[str], i: int) -> str:
    """Return the marker of ``lines[i]`` when it does not start an attribution."""
    line = lines[i]
    stripped = line.strip()
    if not stripped:
        return EMPTY
    if stripped.startswith(">"):
        return QUOTE
    if line.rstrip() == "--":
        return SIG_DELIMITER
    if _HARD_SPLITTER_RE.fullmatch(stripped):
        return HARD_SPLITTER
    if _UNDERSCORE_RE.fullmatch(stripped) and _from_line_follows(lines, i):
        return HARD_SPLITTER
    if _starts_header_block(lines, i):
        return HARD_SPLITTER
    if _CLOSING_RE.fullmatch(stripped):
        return CLOSING
    if _MOBILE_FOOTER_RE.fullmatch(stripped):
        return MOBILE_FOOTER
    if _is_disclaimer_line(stripped):
        return DISCLAIMER
    if _is_signature_line(stripped):
        return SHORT
    if _is_tagline(stripped):
        return TAGLINE
    return TEXT


def _is_disclaimer_line(stripped: str) -> bool:
    """Return whether a line opens or says a legal disclaimer (two of its usual cues)."""
    if _DISCLAIMER_HEAD_RE.match(stripped) or _FOOTER_NOTE_RE.match(stripped):
        return True
    if (
        _FOUR_DIGITS_RE.search(stripped)
        # a long line of figures (collections mail) seldom holds what every match of
        # the registration regex contains ("registered", "vat" ...): not searched then
        and may_match(_REGISTRATION_RE, lowered_for(stripped))
        and _REGISTRATION_RE.search(stripped)
    ):
        return True
    return _says_disclaimer_cues(stripped)


def _says_disclaimer_cues(stripped: str) -> bool:
    """Return whether a text says two different things a disclaimer says."""
    lowered = stripped.lower()
    if sum(word in lowered for word in _DISCLAIMER_CUE_WORDS) < 2:
        return False  # a cheap test first: most lines hold none of the cue words
    cues = {m.lastgroup for m in _DISCLAIMER_CUE_RE.finditer(stripped)}
    return len(cues) >= 2


def _attribution_at(lines: Sequence[str], i: int) -> tuple[int, str] | None:
    """Return (line count, marker) if an attribution starts at ``lines[i]``.

    The marker is ``s`` when quoted lines follow, ``f`` when an unquoted original
    follows an unmistakable "On <date>, <name> <address> wrote:" line (Yahoo-style),
    and None is returned when the line is just text that happens to end in "wrote:".
    """
    first = lines[i].strip()
    if not first or first.startswith(">"):
        return None
    # Cheap exits first: a one-line attribution ends with ":", a wrapped one starts
    # with the word that opens an "On … wrote:" form.
    wrapped = first.split(maxsplit=1)[0].lower() in _ATTRIBUTION_OPENERS
    if not wrapped and not first.endswith(":"):
        return None
    for count in range(1, (ATTRIBUTION_MAX_LINES if wrapped else 1) + 1):
        chunk = [line.strip() for line in lines[i : i + count]]
        if len(chunk) < count or not chunk[-1]:
            return None
        if count > 1 and chunk[-2].endswith((".", "!", "?")):
            return None  # a sentence ended: this is prose, not a wrapped attribution
        joined = " ".join(chunk)
        if len(joined) > ATTRIBUTION_MAX_CHARS:
            return None
        if not joined.endswith(":"):
            continue
        on_form = any(regex.fullmatch(joined) for regex in _ATTRIBUTION_RES)
        name_form = (
            count == 1
            and len(joined) <= ATTRIBUTION_NAME_MAX_CHARS
            and _NAME_WROTE_RE.fullmatch(joined) is not None
        )
        if not (on_form or name_form):
            continue
        following = _next_non_empty(lines, i + count)
        if following is not None and lines[following].lstrip().startswith(">"):
            return count, ATTRIBUTION
        if on_form and re.search(r"\d", joined) and "@" in joined:
            return count, HARD_SPLITTER
        return None
    return None


def _next_non_empty(lines: Sequence[str], start: int) -> int | None:
    """Return the index of the first non-blank line at or after ``start``."""
    for j in range(start, len(lines)):
        if lines[j].strip():
            return j
    return None


def _from_line_follows(lines: Sequence[str], i: int) -> bool:
    """Return whether a "From:" line follows ``lines[i]`` closely."""
    for line in lines[i + 1 : i + 1 + UNDERSCORE_LOOKAHEAD_LINES]:
        match = _HEADER_FIELD_RE.match(line.strip())
        if match and match.group(1).lower() in _HEADER_FROM_FIELDS:
            return True
    return False


def _starts_header_block(lines: Sequence[str], i: int) -> bool:
    """Return whether ``lines[i]`` is the "From:" line of a quoted header block."""
    match = _HEADER_FIELD_RE.match(lines[i].strip())
    if not match or match.group(1).lower() not in _HEADER_FROM_FIELDS:
        return False
    inline = {m.group(1).lower() for m in _INLINE_HEADER_FIELD_RE.finditer(lines[i])}
    if len(inline & _HEADER_BLOCK_FIELDS) >= HEADER_BLOCK_MIN_FIELDS:
        return True  # a client that ran the header block into one line
    fields: set[str] = set()
    for line in lines[i + 1 : i + 1 + HEADER_BLOCK_MAX_LINES]:
        if not line.strip():
            break
        field = _HEADER_FIELD_RE.match(line.strip())
        if field:
            fields.add(field.group(1).lower())
    return len(fields & _HEADER_BLOCK_FIELDS) >= HEADER_BLOCK_MIN_FIELDS


def _is_signature_line(stripped: str) -> bool:
    """Return whether a line could be part of a signature block.

    It must be short, must not end like a question or exclamation, and apart from
    email addresses, URLs and phone numbers every word must be capitalised (or a
    small joining word, or punctuation): "Sam Ortiz", "Head of Collections",
    "Tel: +1 555 0100". "Please pay by Friday" is not.
    """
    if stripped[-1] in "?!":
        return False
    if len(stripped) > SIGNOFF_MAX_LINE_CHARS and not (
        len(stripped) <= CONTACT_LINE_MAX_CHARS and _contacts_only(stripped)
    ):
        return False
    if any(not _is_title_word(w) and not _CONTACT_CHARS & set(w) for w in stripped.split()):
        return False  # a plain lower-case word: no need to look for contact details
    words = _CONTACT_RE.sub(" ", stripped).split()
    if len(words) > SIGNOFF_MAX_WORDS:
        return False
    return all(_is_title_word(word) for word in words)


def _contacts_only(stripped: str) -> bool:
    """Return whether a line is contact details and their labels, however long it is.

    "www.acme.example | @acme | linkedin.com/company/acme-example" or
    "T: +44 161 496 0732 | M: +44 7700 900418 | E: ana@acme.example".
    """
    if _CONTACT_RE.search(stripped) is None:
        return False
    rest = _CONTACT_RE.sub(" ", stripped).split()
    labels = [w for w in rest if any(c.isalpha() for c in w)]
    return len(labels) <= CONTACT_LABELS_MAX and all(
        _is_title_word(w) or w.endswith(":") for w in labels
    )


def _slogan_between_signature_lines(lines: Sequence[str], markers: list[str], i: int) -> bool:
    """Return whether a text line is a company's slogan inside a signature block.

    "Building trust since 1987 — ON TIME, EVERY TIME" between a company name and a
    phone line: a line with a name or title line right above it and a contact line
    right below it, that ends no sentence, asks and exclaims nothing, speaks to no
    one and holds none of the words that make a tagline a remark.
    """
    if markers[i] != TEXT or i == 0 or i + 1 >= len(lines):
        return False
    if markers[i - 1] != SHORT or _CONTACT_RE.search(lines[i - 1]):
        return False  # a name, title or company line above
    below = lines[i + 1].strip()
    if markers[i + 1] not in SHORT + TAGLINE or not _CONTACT_RE.search(below):
        return False
    stripped = lines[i].strip()
    if len(stripped) > CONTACT_LINE_MAX_CHARS or len(stripped.split()) > SLOGAN_MAX_WORDS:
        return False
    if stripped[-1] in ".:;,!?" or "?" in stripped:
        return False
    if "!" in stripped or _addresses_reader(stripped) or _PS_RE.match(stripped):
        return False
    below_closing = _below_closing(markers, i)
    remarks = _NOT_IN_SLOGANS if below_closing else _NOT_IN_TAGLINES | _NOT_IN_COMPANY_NAMES
    return not (_words(stripped) & remarks)


def _slogan_below_name_block(lines: Sequence[str], markers: list[str], i: int) -> bool:
    """Return whether a text line is the slogan of a name block with contact lines below.

    '"No job too small, no leak too big"' or "Built to Last. Sourced with Care." right
    below a run of at least NAME_RUN_MIN_LINES name, title and company lines, with a
    phone, email or web line among the next SLOGAN_CONTACT_LOOKAHEAD lines (no blank
    line between). There a slogan may end with a full stop, carry commas and quotes
    and say "your" ("Your office, our care"); it still asks and exclaims nothing,
    says no "you" and holds none of the words no slogan holds ("or else", "pay",
    "again", "still").
    """
    if markers[i] != TEXT or _signature_run_above(lines, markers, i) < NAME_RUN_MIN_LINES:
        return False
    if _CONTACT_RE.search(lines[i - 1]):
        return False  # the slogan sits below the company or title line
    below = [line.strip() for line in lines[i + 1 : i + 1 + SLOGAN_CONTACT_LOOKAHEAD]]
    below = below[: below.index("")] if "" in below else below
    if not any(_CONTACT_RE.search(line) for line in below):
        return False
    stripped = lines[i].strip()
    if len(stripped) > CONTACT_LINE_MAX_CHARS or len(stripped.split()) > SLOGAN_MAX_WORDS:
        return False
    if "?" in stripped or "!" in stripped or _PS_RE.match(stripped):
        return False
    first = stripped.lstrip('"“')[:1]
    if not (first.isupper() or first.isdigit()):
        return False  # "k.", "yeah because that worked so well"
    if _SCARE_QUOTE_RE.search(stripped) or _YOU_RE.search(stripped):
        return False  # "another 'system glitch'"
    words = _words(_TO_LAST_RE.sub(" ", stripped))
    if words & (_NOT_IN_SLOGANS | _NOT_IN_PHRASES):
        return False
    if any(len(p.split()) > SLOGAN_PHRASE_MAX_WORDS for p in _PHRASE_BREAK_RE.split(stripped)):
        return False  # a slogan is made of short phrases: "Drawn by hand, delivered on time."
    if any(len(p.split()) == 1 for p in re.split(r"[.;:]", stripped)[:-1]):
        return False  # "Fine. Lawyer's next.", "Pathetic service. Truly."
    return not (_shouted(stripped) and _shouts_at_reader(stripped, below_name=True))


def _signature_run_above(lines: Sequence[str], markers: Sequence[str], i: int) -> int:
    """Return how many name, title, company or tagline lines stand right above line
    ``i``, with no blank line between, if the run opens a block: a blank line, a
    closing phrase or a line ending in a comma is above its first line (0 otherwise)."""
    k = i
    while k > 0 and markers[k - 1] in SHORT + TAGLINE:
        k -= 1
    if k == i or k == 0:
        return 0
    if markers[k - 1] not in EMPTY + CLOSING and not lines[k - 1].rstrip().endswith(","):
        return 0
    return i - k


def _below_closing(markers: Sequence[str], i: int) -> bool:
    """Return whether a closing phrase stands a few lines above line ``i``, with only
    signature-like lines between ("Best regards, / Grace Mwangi / HELPDESKLY LTD")."""
    above = "".join(markers[max(0, i - SIGNOFF_MAX_LINES) : i])
    closing = above.rfind(CLOSING)
    between = above[closing + 1 :] if closing >= 0 else ""
    return closing >= 0 and SHORT in between and all(c in SIGNOFF_BLOCK for c in between)


def _contact_line_after_signoff(lines: Sequence[str], markers: list[str], i: int) -> bool:
    """Return whether a text line is an address or contact line of a signature.

    "14 avenue du Prado, 13008 Marseille" or "www.acme.example | Insta: @acme.builds"
    a few lines below a closing phrase, with only signature-like lines between: it
    holds a figure or contact details, ends no sentence, asks and exclaims nothing,
    speaks to no one and holds none of the words that make a line a remark.
    """
    if markers[i] != TEXT:
        return False
    if not (_below_closing(markers, i) or _below_contact_run(lines, markers, i)):
        return False
    stripped = lines[i].strip()
    if len(stripped) > CONTACT_LINE_MAX_CHARS or len(stripped.split()) > SLOGAN_MAX_WORDS:
        return False
    if not (_CONTACT_RE.search(stripped) or any(c.isdigit() for c in stripped)):
        return False
    if _ends_sentence(stripped) or "?" in stripped:
        return False
    if "!" in stripped or _addresses_reader(stripped):
        return False
    words = _words(_NUMBER_ABBREVIATION_RE.sub(" ", stripped))  # "No. 14, Kovai Road"
    return not (words & (_NOT_IN_TAGLINES | _NOT_IN_COMPANY_NAMES))


def _below_contact_run(lines: Sequence[str], markers: Sequence[str], i: int) -> bool:
    """Return whether line ``i`` follows a signature block with no closing phrase above
    it ("June Tremblay / Illustration & Lettering / 647-555-0119"): at least
    NAME_RUN_MIN_LINES + 1 name, title, company or tagline lines that open a block,
    the last of them a contact line."""
    run = _signature_run_above(lines, markers, i)
    return run > NAME_RUN_MIN_LINES and _CONTACT_RE.search(lines[i - 1]) is not None


def _is_tagline(stripped: str) -> bool:
    """Return whether a line could be a company's tagline or a line of an address.

    It is short, has no sentence punctuation at its end and no question or
    exclamation mark at all, and is not shouted: "Connecting the Loire valley since
    2009", "flat 6". Whether it is one depends on a name line above it.
    """
    if len(stripped) > TAGLINE_MAX_CHARS or stripped[-1] in ".:,;" or "?" in stripped:
        return False
    if any(mark in stripped for mark in ",'\"‘’“”"):
        return False  # "Absolute cowboys, the lot of them", "another 'final' invoice"
    if "!" in stripped or len(stripped.split()) > SIGNOFF_MAX_WORDS:
        return False
    if not (stripped[0].isupper() or stripped[0].isdigit()) or _addresses_reader(stripped):
        return False  # "sort it out or else", "Your claims process is a joke"
    if _PS_RE.match(stripped) or _words(stripped) & _NOT_IN_TAGLINES:
        return False  # "Sort it out or else", "This audit is a shakedown"
    letters = [w for w in stripped.split() if any(c.isalpha() for c in w)]
    return bool(letters) and not (len(letters) >= 2 and all(w.isupper() for w in letters))


def _words(stripped: str) -> set[str]:
    """Return the lower-cased words of a line, without punctuation around them."""
    return {w.strip(".,;:!?()\"'“”‘’").lower() for w in stripped.split()}


def _addresses_reader(stripped: str) -> bool:
    """Return whether a line speaks to the reader ("you", "your", "you're")."""
    return _SECOND_PERSON_RE.search(stripped) is not None


def _is_title_word(word: str) -> bool:
    """Return whether ``word`` looks like part of a name, title or company."""
    core = word.strip("()[]\"'“”‘’,.;:|&/-–—·•")
    if not core or core.lower() in _SMALL_WORDS:
        return True
    first = core[0]
    return first.isupper() or first.isdigit() or not first.isalpha()


def _line_kinds(markers: str, lines: Sequence[str]) -> list[SegmentKind]:
    """Return the kind of every line, given its marker."""
    count = len(markers)
    kinds: list[SegmentKind | None] = [None] * count

    def assign(start: int, end: int, kind: SegmentKind) -> None:
        for k in range(start, end):
            kinds[k] = kind

    hard = markers.find(HARD_SPLITTER)
    limit = count if hard < 0 else hard
    assign(limit, count, SegmentKind.QUOTED)
    for block in _QUOTE_BLOCK_RE.finditer(markers, 0, limit):
        assign(block.start(), block.end(), SegmentKind.QUOTED)

    non_empty_before = [0]
    for c in markers:
        non_empty_before.append(non_empty_before[-1] + (c != EMPTY))
    region_end = -1
    for start in range(limit):
        if markers[start] != SIG_DELIMITER or kinds[start] is not None:
            continue
        if start >= region_end:  # the signature runs up to the next quote or splitter
            tail = _SIGNATURE_BODY_RE.match(markers, start + 1, limit)
            region_end = tail.end() if tail else start + 1
        is_bare = lines[start].rstrip() == lines[start]
        lines_after = non_empty_before[region_end] - non_empty_before[start + 1]
        if is_bare and lines_after > SIGNATURE_MAX_LINES:
            continue
        assign(start, region_end, SegmentKind.SIGNATURE)

    first_text = next((k for k, c in enumerate(markers) if c != EMPTY), count)
    mask = "".join(c if kinds[k] is None else "x" for k, c in enumerate(markers))
    for stretch in _OWN_STRETCH_RE.finditer(mask):
        end = stretch.end()
        # a legal disclaimer that ends the stretch, then a sign-off before it
        legal = _tail_start(mask, stretch.start(), end, DISCLAIMER_TAIL)
        if DISCLAIMER in mask[legal:end]:
            assign(legal, end, SegmentKind.SIGNATURE)
            end = legal
        signoff = _signoff_start(mask, lines, stretch.start(), end, first_text)
        if signoff is None:
            signoff = _contact_block_start(mask, lines, stretch.start(), end)
        if signoff is None:
            signoff = _name_block_start(mask, lines, stretch.start(), end)
        elif mask[signoff] == MOBILE_FOOTER:  # "Sam / Sent from my iPhone"
            signoff = _name_block_start(mask, lines, stretch.start(), signoff) or signoff
        # a long block the tests above took only the tail of, or none of
        whole = _closing_then_name(mask, lines, stretch.start(), end, first_text)
        if whole is None:
            whole = _name_above_contacts(mask, lines, max(stretch.start(), first_text + 1), end)
        if whole is not None and (signoff is None or whole < signoff):
            signoff = whole
        if signoff is not None:
            assign(signoff, end, SegmentKind.SIGNATURE)

    for k, c in enumerate(markers):
        if kinds[k] is None and c != EMPTY:
            kinds[k] = SegmentKind.OWN
    return _resolve_blank_lines(kinds)


def _tail_start(mask: str, start: int, end: int, letters: str) -> int:
    """Return where the run of lines marked only with ``letters`` that ends
    ``mask[start:end]`` begins (``end`` when the last line is marked otherwise)."""
    k = end
    while k > start and mask[k - 1] in letters:
        k -= 1
    return k


def _contact_block_start(mask: str, lines: Sequence[str], start: int, end: int) -> int | None:
    """Return where a block of name and contact lines with no sign-off ends a stretch.

    "Camille / Camille Ashdown / Winemaker / (707) 555-0188": signature-like lines
    (and blank ones) after the last line of prose, at most SIGNATURE_MAX_LINES of
    them, one holding a phone number, an email address or a web address. Without
    the contact line a short last line stays own text ("PAY NOW").
    """
    tail = _tail_start(mask, start, end, SIGNOFF_TAIL + TAGLINE + DISCLAIMER)
    while tail < end and mask[tail] in TAGLINE + DISCLAIMER + EMPTY:
        tail += 1  # the block starts with a name, title or contact line
    block = [k for k in range(tail, end) if mask[k] not in EMPTY + DISCLAIMER]
    if not block or len(block) > SIGNATURE_MAX_LINES or block[0] == start:
        return None
    if not any(_CONTACT_RE.search(lines[k]) for k in block):
        return None
    if _shouting_or_sentences(block, lines, mask):
        return None  # "PAY NOW." above a phone number is still the sender's to answer for
    if not _taglines_follow_names(mask, block[0], end):
        return None
    return block[0]


def _name_block_start(mask: str, lines: Sequence[str], start: int, end: int) -> int | None:
    """Return where a bare name block ends a stretch: "Mark", "Luis Ortega / Ortega Builders".

    The block follows a blank line or a line ending in a comma ("Thanks for bearing
    with me,"), has at most NAME_BLOCK_MAX_LINES lines, opens with a name of at most
    NAME_MAX_WORDS words and holds no shouted line and no sentence: "PAY NOW" and
    "Otherwise, Friday." stay own text.
    """
    tail = _tail_start(mask, start, end, NAME_BLOCK)
    while tail < end and mask[tail] in TAGLINE + EMPTY:
        tail += 1
    block = [k for k in range(tail, end) if mask[k] != EMPTY]
    if not block or len(block) > NAME_BLOCK_MAX_LINES or block[0] == start:
        return None
    before = lines[block[0] - 1].strip()
    if before and not before.endswith(","):
        return None
    name = lines[block[0]].split()
    if len(name) > NAME_MAX_WORDS or any(w.lower().strip(",.!") in _NOT_IN_NAMES for w in name):
        return None
    if len(block) == 1 and len(name) == 1:
        return None  # "Mark" or "Pathetic": one word alone is left to the checker
    if any("." in w and len(w) > 3 and w.lower().rstrip(".") not in _ABBREVIATIONS for w in name):
        return None  # "Worst. Service. Ever"
    if _shouting_or_sentences(block, lines, mask):
        return None
    return block[0]


def _taglines_follow_names(mask: str, start: int, end: int) -> bool:
    """Return whether every tagline in ``mask[start:end]`` has a name line above it."""
    first_tagline = mask.find(TAGLINE, start, end)
    return first_tagline < 0 or SHORT in mask[start:first_tagline]


def _shouting_or_sentences(block: Sequence[int], lines: Sequence[str], mask: str) -> bool:
    """Return whether a signature-like block holds a sentence, or shouts before a name.

    A line in capitals below a name is a company name ("PEARCE & SONS ROOFING");
    above any name it is the sender shouting ("PAY NOW"). A slogan marked as a
    tagline may end with a full stop ("Clear numbers. Trusted advice.").
    """
    named = False
    for k in block:
        stripped = lines[k].strip()
        shouting = _shouted(stripped) and (not named or _shouts_at_reader(stripped, named))
        sentence = mask[k] != TAGLINE and _ends_sentence(stripped)
        if sentence or shouting:
            return True
        named = named or not _shouted(stripped)
    return False


def _shouts_at_reader(line: str, below_name: bool = False) -> bool:
    """Return whether a line in capitals is a remark ("PAY NOW", "YOU OWE US").

    Below a name in a signature block a slogan may say "no" or "not" ("NO JOB TOO
    SMALL"); there only the words no slogan holds make it a remark.
    """
    remarks = _NOT_IN_SLOGANS if below_name else _NOT_IN_COMPANY_NAMES
    return _addresses_reader(line) or bool(_words(line) & remarks)


def _shouted(stripped: str) -> bool:
    """Return whether a line has two or more words, all in capitals (contacts aside)."""
    letters = [w for w in stripped.split() if any(c.isalpha() for c in w)]
    if len(letters) < 2 or not all(w.isupper() for w in letters):
        return False
    return _CONTACT_RE.search(stripped) is None


def _ends_sentence(stripped: str) -> bool:
    """Return whether a line ends a sentence ("Today.", "Pay up!"), not an abbreviation.

    "Tidewater Candle Co." and "K. Alvarez" end with an abbreviation or an initial.
    """
    if _CONTACT_RE.search(stripped):
        return False
    if stripped.endswith("."):
        last = stripped.split()[-1].rstrip(".").lower()
        return not (last in _ABBREVIATIONS or len(last) == 1 or "." in last)
    return stripped.endswith("!")


def _signoff_start(
    mask: str, lines: Sequence[str], start: int, end: int, first_text: int
) -> int | None:
    """Return the line where a sign-off block ends the own stretch ``mask[start:end]``.

    A sign-off is a closing phrase (not the first line of the message) or a mobile
    footer, followed only by closing phrases, short signature-like lines, taglines
    below a name, legal disclaimers and blank lines, at most SIGNOFF_MAX_LINES of
    them apart from the disclaimers.
    """
    tail_start = _tail_start(mask, start, end, SIGNOFF_BLOCK)
    for k in range(tail_start, end):
        line = lines[k].strip()
        if mask[k] == SHORT and _shouted(line) and _shouts_at_reader(line, _below_closing(mask, k)):
            tail_start = k + 1  # "YOU NEED TO PAY NOW" is no company name
    after = sum(1 for c in mask[tail_start:end] if c not in EMPTY + DISCLAIMER)
    for k in range(tail_start, end):
        marker = mask[k]
        if marker not in EMPTY + DISCLAIMER:
            after -= 1  # now the number of non-empty lines after line k
        starts_signoff = marker == MOBILE_FOOTER or (marker == CLOSING and k != first_text)
        if starts_signoff and after <= SIGNOFF_MAX_LINES and _taglines_follow_names(mask, k, end):
            return k
    return None


def _closing_then_name(
    mask: str, lines: Sequence[str], start: int, end: int, first_text: int
) -> int | None:
    """Return where a closing phrase and a name line start a long signature block
    that the line-by-line tests above could not take whole.

    "Warm regards, / Priya Raman / Senior Credit Controller / HARCOURT & VALE LTD /
    Fresh. Reliable. Every kitchen. / T: +44 121 496 0733 / Unit 7, Tameside Trade
    Park / (disclaimers) / Please do not print this e-mail.": the last closing phrase
    of the stretch (not its first line), then a signature below a name (see
    ``_signature_below_name``).
    """
    closing = mask.rfind(CLOSING, start, end)
    if closing < 0 or closing == first_text:
        return None
    block = [i for i in range(closing + 1, end) if mask[i] != EMPTY]
    if not block or len(block) > LONG_SIGNATURE_MAX_LINES:
        return None
    return closing if _signature_below_name(mask, lines, block) else None


def _name_above_contacts(mask: str, lines: Sequence[str], start: int, end: int) -> int | None:
    """Return where a signature with no closing phrase starts, when the tests above
    could not take it whole: the last name line after a blank line with a title or
    company line below it and a contact line in its block ("Marc Tremblay /
    TREMBLAY PLUMBING LTD / "Fixed right, or we come back." / 905-555-0182")."""
    below = 0  # non-empty lines from line k to the end of the stretch
    for k in range(end - 1, start, -1):
        if mask[k] == EMPTY:
            continue
        below += 1
        if below > LONG_SIGNATURE_MAX_LINES:
            return None
        if mask[k] != SHORT or mask[k - 1] != EMPTY:
            continue
        block = [i for i in range(k, end) if mask[i] != EMPTY]
        if len(block) < 2 or mask[block[1]] != SHORT:
            continue
        if any(_CONTACT_RE.search(lines[i]) for i in block) and _signature_below_name(
            mask, lines, block, strict=True
        ):
            return k
    return None


def _signature_below_name(
    mask: str, lines: Sequence[str], block: Sequence[int], *, strict: bool = False
) -> bool:
    """Return whether ``block`` (line numbers, no blank lines) is a name line and the
    lines of a signature below it.

    The name has at most NAME_MAX_WORDS words. Below it any number of lines may
    follow, as long as one is a contact or disclaimer line, no line starts a P.S.,
    asks, exclaims or shouts at the reader, and every line of prose is no remark
    and sits between signature lines or follows a contact or disclaimer line.
    "Regards, / Jo Smith / Smith Builders / I expect payment by Friday." is no such
    block: its last line follows only names, and no line holds contact details.
    With no closing phrase above the name (``strict``), a line of prose above the
    first contact line must read as a slogan: in double quotes, or short phrases
    with no pronoun or auxiliary verb ("Dana Price / Northline Supply / Fine.
    Lawyer's next. / T: 0161 496 0732" keeps its remark).
    """
    if mask[block[0]] != SHORT:
        return False
    name = lines[block[0]].split()
    if len(name) > NAME_MAX_WORDS or any(w.lower().strip(",.!") in _NOT_IN_NAMES for w in name):
        return False
    anchors = [n for n, i in enumerate(block) if mask[i] != TEXT or _CONTACT_RE.search(lines[i])]
    last_anchor = anchors[-1] if anchors else -1  # the last signature or contact line
    contact_seen = False
    for n, i in enumerate(block):
        stripped = lines[i].strip()
        if _PS_RE.match(stripped) or "?" in stripped or "!" in stripped:
            return False
        if _shouted(stripped) and _shouts_at_reader(stripped, below_name=True):
            return False  # "PAY NOW OR ELSE" below a name is still the writer's
        contact = mask[i] == DISCLAIMER or _CONTACT_RE.search(stripped) is not None
        if mask[i] == TEXT and not contact:
            between = n < last_anchor
            if not (contact_seen or between) or _remark(stripped):
                return False
            if strict and not contact_seen and not _slogan_shaped(stripped):
                return False
        contact_seen = contact_seen or contact
    return contact_seen


def _slogan_shaped(stripped: str) -> bool:
    """Return whether a line reads as a slogan: wrapped in double quotes, or short
    phrases with no pronoun, auxiliary verb or remark word, none of one word."""
    if stripped[:1] in '"“' and stripped[-1:] in '"”':
        return True
    if _YOU_RE.search(stripped) or _words(stripped) & (_NOT_IN_SLOGANS | _NOT_IN_PHRASES):
        return False
    return not any(len(p.split()) == 1 for p in re.split(r"[.;:]", stripped)[:-1])


def _remark(stripped: str) -> bool:
    """Return whether a line of prose in a signature block is the writer's remark:
    it holds a word no slogan or footer holds ("again", "still", "pay", "I"), "or
    else", or a word in scare quotes. "Fixed right the first time, or we come back."
    and "Please do not print this e-mail." are not remarks."""
    lowered = stripped.lower()
    if _SCARE_QUOTE_RE.search(stripped) or re.search(r"\bor\s+else\b", lowered):
        return True
    return bool(_words(stripped) & (_NOT_IN_SLOGANS - {"or"}))


def _resolve_blank_lines(kinds: list[SegmentKind | None]) -> list[SegmentKind]:
    """Give each unassigned blank line the kind of a neighbour.

    A blank run between two stretches of the same kind takes that kind; between own
    text and something else it goes to the something else, so own segments do not
    carry blank lines at their edges.
    """
    resolved: list[SegmentKind] = []
    count = len(kinds)
    k = 0
    while k < count:
        kind = kinds[k]
        if kind is not None:
            resolved.append(kind)
            k += 1
            continue
        end = k
        while end < count and kinds[end] is None:
            end += 1
        before = resolved[-1] if resolved else None
        after = kinds[end] if end < count else None
        resolved.extend([_blank_kind(before, after)] * (end - k))
        k = end
    return resolved


def _blank_kind(before: SegmentKind | None, after: SegmentKind | None) -> SegmentKind:
    """Return the kind a blank run takes between ``before`` and ``after``."""
    if before is None and after is None:
        return SegmentKind.OWN
    if before is None or before is after:
        return after or SegmentKind.OWN
    if after is None or after is SegmentKind.OWN:
        return before
    if before is SegmentKind.OWN:
        return after
    return before


def _line_spans(body: str) -> list[tuple[int, int, int]]:
    """Return (start, content end, next line start) for every line of ``body``."""
    spans: list[tuple[int, int, int]] = []
    start = 0
    size = len(body)
    while start < size:
        newline = body.find("\n", start)
        if newline < 0:
            spans.append((start, size, size))
            break
        spans.append((start, newline, newline + 1))
        start = newline + 1
    return spans


def _segments(
    spans: Sequence[tuple[int, int, int]], kinds: Sequence[SegmentKind]
) -> tuple[Segment, ...]:
    """Merge consecutive lines of the same kind into segments."""
    segments: list[Segment] = []
    for (start, _, end), kind in zip(spans, kinds, strict=True):
        if segments and segments[-1].kind is kind:
            segments[-1] = Segment(segments[-1].start, end, kind)
        else:
            segments.append(Segment(start, end, kind))
    return tuple(segments)
