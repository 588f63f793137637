"""Who the draft is addressed to: the name after the greeting, else the To display name."""

from __future__ import annotations

from email.utils import getaddresses

from mailcoach.facts.patterns import DIRECT_ADDRESS, GENERIC_ADDRESSEES, GREETING, NOT_NAMES, TITLES


def find_counterpart(text: str, *, to: str | None = None) -> str | None:
    """Return the person the draft addresses.

    Args:
        text: plain text; only its first non-empty line is read for a greeting.
        to: the To header, whose first display name is the fallback.

    Returns:
        A name such as "Dana", "Mr. Okafor" or "Dana Price", or None.
    """
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    greeting = GREETING.match(first_line)
    if greeting is not None:
        name = _clean_name(greeting["name"])
        if name is not None:
            return name
    else:
        direct = DIRECT_ADDRESS.match(first_line)
        if direct is not None:
            name = _clean_name(direct["name"], whole=True)
            if name is not None:
                return name
    return _display_name(to) if to else None


def _clean_name(raw: str, *, whole: bool = False) -> str | None:
    """Return the leading capitalised name in ``raw``, with its title if any.

    Args:
        raw: the words after a greeting ("Priya and team", "Mr. Okafor", "team").
        whole: if True, every word of ``raw`` must belong to the name (a first
            line such as "Good news —" is no address).

    Returns:
        "Priya", "Mr. Okafor", or None for a group, a title alone or a
        lower-case or non-name word.
    """
    words: list[str] = []
    for token in raw.split():
        bare = token.rstrip(".")
        low = bare.lower()
        if not words and low in GENERIC_ADDRESSEES:
            return None
        if not bare[:1].isupper() or low in GENERIC_ADDRESSEES or low in NOT_NAMES:
            break
        if low in TITLES:
            if words:
                break
            words.append(token)
            continue
        words.append(bare)
    if not words or words[-1].rstrip(".").lower() in TITLES:
        return None
    if whole and len(words) < len(raw.split()):
        return None
    return " ".join(words)


def _display_name(to: str) -> str | None:
    """Return the first usable display name in a To header.

    Args:
        to: the header ("Dana Price <dana@example.com>, ...").

    Returns:
        The name, with "Last, First" turned around; None if there is none or it
        names a group ("Accounts Payable").
    """
    for name, _address in getaddresses([to]):
        name = " ".join(name.strip().strip("'\"").split())
        if not name or "@" in name:
            continue
        last, comma, first = name.partition(",")
        if comma and first.strip() and "," not in first:
            name = f"{first.strip()} {last.strip()}"
        if name.split()[0].lower() in GENERIC_ADDRESSEES:
            return None
        return name
    return None
