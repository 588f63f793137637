"""The public API: every name in ``__all__``, in any import order, and one input rule.

A ``str`` is text, ``bytes`` a raw message, a ``Path`` a file — in ``check``,
``check_many`` and ``rewrite``; ``compose_letter`` takes a mapping or a ``Path``.
Only ``MailcoachError`` subclasses leave the API (see also tests/test_properties.py).
"""

from __future__ import annotations

import inspect
import os
import random
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path

import pytest

import mailcoach
from mailcoach import (
    FactsError,
    InputError,
    MailcoachError,
    Verdict,
    check,
    check_many,
    compose_letter,
    rewrite,
)

from .conftest import ROOT, SAMPLES

ANGRY = SAMPLES / "drafts" / "overdue-angry.txt"
FACTS = SAMPLES / "cases" / "first-contact-joinery.toml"

#: Imports the names in the order given on the command line, one statement each, and
#: checks that none is a module and each is still what the package holds at the end.
_IMPORT_IN_ORDER = """
import importlib, sys, types
got = {}
for name in sys.argv[1:]:
    exec(f"from mailcoach import {name} as value", globals())
    if isinstance(value, types.ModuleType):
        raise SystemExit(f"{name} is the module {value.__name__}")
    got[name] = value
import mailcoach
for name, value in got.items():
    if getattr(mailcoach, name) is not value:
        raise SystemExit(f"mailcoach.{name} changed after the other imports")
print(len(got))
"""


def _orders() -> list[list[str]]:
    """Return the import orders to try, each in its own interpreter.

    Names served lazily (PEP 562) are the ones whose import runs a submodule, which
    is what can rebind a package attribute; each of them is imported first once, the
    rest following in a shuffled order. Plus all names sorted and reversed.
    """
    names = sorted(mailcoach.__all__)
    lazy = sorted(mailcoach._LAZY)
    rng = random.Random(11)
    orders = [names, names[::-1]]
    for first in lazy:
        rest = [n for n in names if n != first]
        rng.shuffle(rest)
        orders.append([first, *rest])
    return orders


#: A fresh interpreter imports this checkout's package, whichever one is installed.
_FRESH_ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def _import_in_order(order: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", _IMPORT_IN_ORDER, *order],
        capture_output=True,
        text=True,
        timeout=300,
        env=_FRESH_ENV,
    )


def test_every_public_name_imports_in_any_order() -> None:
    """A fresh interpreter per order: earlier imports must not change later names."""
    from concurrent.futures import ThreadPoolExecutor

    orders = _orders()
    assert set(mailcoach._LAZY) <= set(mailcoach.__all__)
    with ThreadPoolExecutor(max_workers=2) as pool:
        results = list(pool.map(_import_in_order, orders))
    failures = [
        (order[0], result.stderr.strip().splitlines()[-1:])
        for order, result in zip(orders, results, strict=True)
        if result.returncode != 0 or result.stdout.strip() != str(len(order))
    ]
    assert not failures


def test_rewrite_and_benchmark_params_import_together() -> None:
    result = _import_in_order(["BenchmarkParams", "rewrite"])
    assert result.returncode == 0, result.stderr
    code = "from mailcoach import BenchmarkParams, rewrite; print(type(rewrite).__name__)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=_FRESH_ENV
    )
    assert out.stdout.strip() == "function"


def test_no_subpackage_shares_a_name_with_a_public_name() -> None:
    import pkgutil

    modules = {m.name for m in pkgutil.iter_modules(mailcoach.__path__)}
    assert not modules & set(mailcoach.__all__)
    for name in mailcoach.__all__:
        value = getattr(mailcoach, name)
        assert not isinstance(value, types.ModuleType), name
        assert name in dir(mailcoach) or hasattr(mailcoach, name)


def test_all_lists_only_what_the_package_serves() -> None:
    assert len(set(mailcoach.__all__)) == len(mailcoach.__all__)
    assert mailcoach.__all__ == sorted(mailcoach.__all__)
    with pytest.raises(AttributeError):
        mailcoach.no_such_name  # noqa: B018


# -- one rule for inputs ---------------------------------------------------------


def test_check_many_takes_a_str_as_text_like_check() -> None:
    text = "You never pay on time."
    [report] = list(check_many([text]))
    assert report.error is None and report.verdict is Verdict.REVISE
    assert report.body == text and report.source == "<text 1>"
    assert [f.rule_id for f in report.findings] == [f.rule_id for f in check(text).findings]


def test_check_many_mixes_text_bytes_paths_and_bad_items() -> None:
    items: list[object] = [
        "We will sue you.",
        b"Subject: x\nFrom: a@x.example\nTo: b@y.example\n\nWe will sue you.\n",
        ANGRY,
        Path("no-such-draft.txt"),
        str(ANGRY),  # a str is text, even when it looks like a file name
        3.5,
    ]
    reports = list(check_many(items))  # type: ignore[arg-type]
    assert [r.source for r in reports] == [
        "<text 1>",
        "<message 2>",
        str(ANGRY),
        "no-such-draft.txt",
        "<text 5>",
        "<item 6>",
    ]
    assert [r.verdict for r in reports[:3]] == [Verdict.HOLD, Verdict.HOLD, check(ANGRY).verdict]
    assert reports[3].verdict is Verdict.ERROR and "does not exist" in (reports[3].error or "")
    assert reports[4].error is None and reports[4].body == str(ANGRY)
    assert reports[5].verdict is Verdict.ERROR and "float" in (reports[5].error or "")


@pytest.mark.parametrize("wrap", [bytes, bytearray, memoryview])
def test_check_takes_bytes_like_raw_messages(wrap: type) -> None:
    raw = ANGRY.read_bytes()
    assert check(wrap(raw)).findings == check(ANGRY).findings


@pytest.mark.parametrize("bad", [None, 42, 3.5, ["You never pay."], object()])
def test_check_refuses_other_types_with_an_input_error(bad: object) -> None:
    with pytest.raises(InputError, match=type(bad).__name__):
        check(bad)  # type: ignore[arg-type]
    with pytest.raises(InputError):
        rewrite(bad)  # type: ignore[arg-type]


def test_rewrite_takes_text_bytes_and_paths_alike() -> None:
    text = ANGRY.read_text(encoding="utf-8")
    by_text, by_bytes, by_path = rewrite(text), rewrite(text.encode()), rewrite(ANGRY)
    assert by_text.text == by_bytes.text == by_path.text
    assert by_text.edits


def test_compose_letter_takes_a_path_or_a_mapping_never_a_str(tmp_path: Path) -> None:
    by_path = compose_letter("first-contact", FACTS)
    assert by_path.text and by_path.source == str(FACTS)
    with pytest.raises(FactsError, match=r"pass Path\("):
        compose_letter("first-contact", str(FACTS))  # type: ignore[arg-type]
    from mailcoach import read_facts

    as_mapping = read_facts(FACTS).model_dump(mode="python")
    assert compose_letter("first-contact", as_mapping).text == by_path.text
    assert read_facts(str(FACTS)) == read_facts(FACTS)  # read_* take file names
    with pytest.raises(FactsError):
        compose_letter("first-contact", 42)  # type: ignore[arg-type]
    with pytest.raises(FactsError):
        read_facts(42)  # type: ignore[arg-type]


def test_lone_surrogates_are_read_not_raised() -> None:
    report = check("Hi \udcff you failed to pay")
    assert report.body == "Hi \ufffd you failed to pay"
    assert any("surrogate" in n for n in report.notes)


#: Arguments no public function takes as its first argument.
WRONG = [None, 42, 3.5, object(), ["a", 1], b"\xff\x00", "", "no-such-thing", "\udcff"]


@pytest.mark.parametrize(
    "name",
    sorted(n for n in mailcoach.__all__ if inspect.isfunction(getattr(mailcoach, n))),
)
def test_public_functions_raise_only_mailcoach_errors_on_wrong_input(name: str) -> None:
    function = getattr(mailcoach, name)
    for bad in WRONG:
        args = (bad, {}) if name == "compose_letter" else (bad,)
        try:
            result = function(*args)
            if isinstance(result, Iterator):
                list(result)
        except MailcoachError:
            continue


def test_check_many_takes_one_draft_as_one_item() -> None:
    [report] = list(check_many("You never pay on time."))
    assert report.verdict is Verdict.REVISE
    with pytest.raises(InputError, match="iterable"):
        list(check_many(42))  # type: ignore[arg-type]
