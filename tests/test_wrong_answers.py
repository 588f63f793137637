"""Inputs that used to get an answer that looked right and was not (issue 11, part 5).

Invisible and look-alike characters, broken transfer encodings, UTF-32, error rows
that read as clean, and config typos that were silently ignored.
"""

from __future__ import annotations

import base64
import codecs
import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailcoach import (
    Category,
    ConfigError,
    InputError,
    Severity,
    Verdict,
    check,
    check_many,
    load_settings,
)
from mailcoach.cli import cli
from mailcoach.text import fold

# -- invisible and look-alike characters --------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "We will s\u200bue you.",  # zero-width space
        "We will s\u00adue you.",  # soft hyphen
        "We will s\u200du\u2060e you.",  # zero-width joiner, word joiner
        "We will \uff53\uff55\uff45 you.",  # fullwidth letters
        "We will \U0001d42c\U0001d42e\U0001d41e you.",  # mathematical bold
        "\ufeffWe\u3000will\u2003sue you.",  # byte-order mark, ideographic and em spaces
    ],
)
def test_hidden_and_lookalike_characters_do_not_defeat_the_rules(text: str) -> None:
    report = check(text)
    threats = [f for f in report.findings if f.category is Category.THREATENING]
    assert threats, report.findings
    assert report.verdict is Verdict.HOLD
    for f in report.findings:
        assert report.body[f.start : f.end] == f.text
        assert f.text.replace("\u00ad", "").replace("\u200b", "")  # the original span


def test_offsets_are_into_the_original_text_after_folding() -> None:
    text = "Hi,\n\nWe will s\u200bue you. Y\u200bou ne\u00adver pay on ti\ufb00me.\n"
    report = check(text)
    assert report.body == text
    texts = [f.text for f in report.findings]
    assert "s\u200bue" in texts
    blame = next(f for f in report.findings if f.category is Category.BLAMING)
    assert blame.text.startswith("Y\u200bou ne\u00adver pay")
    for f in report.findings:
        assert text[f.start : f.end] == f.text
        line_start = text.rfind("\n", 0, f.start) + 1
        assert (f.line, f.column) == (text.count("\n", 0, f.start) + 1, f.start - line_start + 1)
    for s in report.sentiment.sentences:
        assert text[s.start : s.end].strip()


def test_fold_maps_every_span_back_inside_the_original() -> None:
    text = "a\u200bb \ufb01x \uff21\u00ad\u00adc \u2019d\u200b"
    folded = fold(text)
    assert folded.text == "ab fix Ac 'd"
    for a in range(len(folded.text) + 1):
        for b in range(a, len(folded.text) + 1):
            start, end = folded.span(a, b)
            assert 0 <= start <= end <= len(text)
            if b > a:  # a folded span comes from an original span that folds to it
                assert folded.text[a:b] in fold(text[start:end]).text


def test_plain_text_is_not_copied_or_mapped() -> None:
    folded = fold("You never pay on time.")
    assert folded.identity and folded.text == "You never pay on time."


# -- transfer encodings and byte-order marks -----------------------------------------

TEXT = "We will sue you if the invoice is not paid today.\n"
ENCODED = base64.b64encode(TEXT.encode()).decode()


def _eml(payload: str, cte: str = "base64", ctype: str = "text/plain; charset=utf-8") -> bytes:
    return (
        "From: ana@example.com\nTo: bo@example.com\nSubject: Invoice 7\n"
        f"Content-Type: {ctype}\nContent-Transfer-Encoding: {cte}\n\n{payload}\n"
    ).encode()


def _cli(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.mark.parametrize(
    "payload",
    [
        ENCODED[:20] + "!*" + ENCODED[20:],  # characters outside base64
        ENCODED[:1],  # cut short before a single byte
        "%%%% not base64 at all %%%%",
    ],
)
def test_undecodable_base64_is_an_input_error_not_a_clean_check(
    payload: str, tmp_path: Path
) -> None:
    with pytest.raises(InputError, match="could not be decoded"):
        check(_eml(payload))
    path = tmp_path / "broken.eml"
    path.write_bytes(_eml(payload))
    r = _cli("check", str(path))
    assert r.exit_code == 2
    assert len(r.stderr.strip().splitlines()) == 1 and "could not be decoded" in r.stderr


@pytest.mark.parametrize("cut", [41, 42, 43])  # 4n+1 used to be checked as raw base64
def test_base64_cut_short_is_checked_as_far_as_it_goes_with_a_note(cut: int) -> None:
    report = check(_eml(ENCODED[:cut]))
    assert report.body and TEXT.startswith(report.body.rstrip("\n"))
    assert "V2Ug" not in report.body  # not the encoded text
    assert any("cut short" in n for n in report.notes)
    assert any(f.category is Category.THREATENING for f in report.findings)


def test_base64_cut_inside_a_utf8_character_drops_only_that_character() -> None:
    text = "We will sue you \u2014 no more delays \u2014 today.\n"
    encoded = base64.b64encode(text.encode()).decode()
    cut = next(n for n in range(len(encoded), 0, -1) if n % 4 == 1)
    report = check(_eml(encoded[:cut]))
    assert "\ufffd" not in report.body and text.startswith(report.body)
    assert any("cut short" in n for n in report.notes)


def test_broken_plain_part_falls_back_to_its_html_alternative() -> None:
    html = base64.b64encode(b"<p>We will sue you.</p>").decode()
    data = (
        "From: ana@example.com\nTo: bo@example.com\nSubject: x\nMIME-Version: 1.0\n"
        'Content-Type: multipart/alternative; boundary="b"\n\n'
        "--b\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        f"{ENCODED[:10]}**{ENCODED[10:]}\n"
        "--b\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\n"
        f"{html}\n--b--\n"
    ).encode()
    report = check(data)
    assert report.body.strip() == "We will sue you."
    assert any("text/plain part is not valid base64" in n for n in report.notes)


def test_malformed_quoted_printable_is_noted() -> None:
    report = check(_eml("We will sue you =ZZ today=E2=80=94 thanks=", cte="quoted-printable"))
    assert "We will sue you =ZZ today\u2014 thanks" in report.body
    assert any("quoted-printable" in n and "malformed" in n for n in report.notes)
    assert check(_eml("Fine =E2=80=94 text=\n here.", cte="quoted-printable")).notes == ()


def test_unknown_transfer_encoding_is_noted() -> None:
    report = check(_eml("We will sue you.", cte="base65"))
    assert any("'base65' is unknown" in n for n in report.notes)


@pytest.mark.parametrize("codec", ["utf-32", "utf-32-be", "utf-16"])
def test_a_byte_order_mark_picks_the_utf_encoding(codec: str, tmp_path: Path) -> None:
    data = TEXT.encode(codec)
    if codec == "utf-32-be":
        data = codecs.BOM_UTF32_BE + data
    path = tmp_path / "draft.txt"
    path.write_bytes(data)
    report = check(path)
    assert report.body == TEXT
    assert report.verdict is Verdict.HOLD


# -- error rows never read as clean --------------------------------------------------


def test_an_unreadable_message_has_the_verdict_error_everywhere(tmp_path: Path) -> None:
    (tmp_path / "a.eml").write_bytes(_eml(ENCODED[:20] + "!*" + ENCODED[20:]))
    (tmp_path / "b.txt").write_text("Thanks, the payment arrived.\n", encoding="utf-8")
    reports = list(check_many([tmp_path / "a.eml", tmp_path / "b.txt"]))
    assert [r.verdict for r in reports] == [Verdict.ERROR, Verdict.OK]
    assert reports[0].error and "could not be decoded" in reports[0].error

    r = _cli("review", str(tmp_path), "--format", "jsonl", "--jobs", "1")
    rows = {Path(str(row["source"])).name: row for row in map(json.loads, r.stdout.splitlines())}
    assert r.exit_code == 3
    assert rows["a.eml"]["verdict"] == "error" and rows["a.eml"]["error"]
    assert rows["b.txt"]["verdict"] == "ok" and rows["b.txt"]["error"] is None

    r = _cli("review", str(tmp_path), "--format", "csv", "--jobs", "1")
    table = {Path(row["source"]).name: row for row in csv.DictReader(io.StringIO(r.stdout))}
    assert table["a.eml"]["verdict"] == "error" and table["a.eml"]["tone_score"] == ""
    assert table["b.txt"]["verdict"] == "ok"


# -- config typos are errors with a suggestion ---------------------------------------


@pytest.mark.parametrize(
    ("toml", "expected"),
    [
        ('[levels]\n"blamng" = "error"\n', "did you mean 'blaming'?"),
        ('[levels]\n"blamng.you-never" = "error"\n', "did you mean 'blaming.you-never'?"),
        ('[levels]\n"blaming.you-nevr" = "error"\n', "did you mean 'blaming.you-never'?"),
        ('disable = ["blaming.you-nevr"]\n', "did you mean 'blaming.you-never'?"),
        ('disable = ["threatning"]\n', "did you mean 'threatening'?"),
        ('fail_on = "error"\n', "did you mean 'fail-on'?"),
        ('[levles]\nblaming = "error"\n', "did you mean 'levels'?"),
        ('[benchmark]\nfrom = "none"\n', "did you mean 'form'?"),
    ],
)
def test_a_config_typo_is_an_error_with_a_suggestion(
    toml: str, expected: str, tmp_path: Path
) -> None:
    (tmp_path / "mailcoach.toml").write_text(toml, encoding="utf-8")
    draft = tmp_path / "d.txt"
    draft.write_text("You never pay on time.\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(expected)):
        check(draft, settings=load_settings(cwd=tmp_path))
    r = CliRunner().invoke(cli, ["check", str(draft), "--config", str(tmp_path / "mailcoach.toml")])
    assert r.exit_code == 2 and expected in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_config_entries_that_name_real_rules_and_categories_still_work(tmp_path: Path) -> None:
    (tmp_path / "mailcoach.toml").write_text(
        'disable = ["threatening", "blaming.you-never"]\n[levels]\nblaming = "error"\n'
        '"passive_aggressive.per-my-last" = "info"\n',
        encoding="utf-8",
    )
    settings = load_settings(cwd=tmp_path)
    report = check("Per my last email, we will sue you. You failed to pay.", settings=settings)
    assert {f.category for f in report.findings} <= {Category.BLAMING, Category.PASSIVE_AGGRESSIVE}
    assert all(f.severity is Severity.ERROR for f in report.findings if f.category == "blaming")


def test_tool_mailcoach_that_is_not_a_table_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool]\nmailcoach = "strict"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"must be a table"):
        load_settings(tmp_path / "pyproject.toml")
