"""mailcoach serve: the JSON API over real HTTP, answered as the CLI answers.

Most tests talk to a real ``mailcoach serve`` (uvicorn, on a free loopback port,
started once per session) with httpx; the token tests use the app in-process.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner

from mailcoach.cli import cli
from mailcoach.server import LETTER_MAX_BYTES, ServeOptions, create_app

from .conftest import FIXTURES, SAMPLES

ANGRY = (
    "Hi Sam,\n\nInvoice 10442 for $8,450.00 was due on 15 October. You failed to pay "
    "again and this is ridiculous. If it is not paid by Friday we will sue.\n\nDana\n"
)
CALM = "Hi Sam,\n\nCould you confirm when invoice 10442 will be paid? Thank you.\n\nDana\n"
MBOX = FIXTURES / "batch" / "outbox.mbox"
JOINERY = SAMPLES / "cases" / "first-contact-joinery.toml"
STATIC = Path(__file__).resolve().parent.parent / "mailcoach" / "server" / "static"


@pytest.fixture(scope="module")
def http(live_server: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=live_server, timeout=60) as client:
        yield client


def cli_json(args: list[str], stdin: str | None = None) -> dict[str, object]:
    result = CliRunner().invoke(cli, args, input=stdin, catch_exceptions=False)
    assert result.exit_code in (0, 1), result.stderr
    data: dict[str, object] = json.loads(result.stdout)
    return data


# ----------------------------------------------------------------------- check


def test_check_text_is_the_cli_json(http: httpx.Client) -> None:
    response = http.post("/v1/check", json={"text": ANGRY})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    data = response.json()
    assert data == cli_json(["check", "-", "--format", "json"], ANGRY)
    assert data["schema_version"] == 1 and data["verdict"] == "hold"
    categories = {f["category"] for f in data["findings"]}
    assert {"blaming", "inflammatory", "threatening"} <= categories
    first = data["findings"][0]
    assert ANGRY[first["start"] : first["end"]] == first["text"]


def test_check_a_raw_message_reads_it_as_an_email(http: httpx.Client) -> None:
    raw = (SAMPLES / "drafts" / "reply-with-quote.eml").read_bytes()
    response = http.post("/v1/check", content=raw, headers={"Content-Type": "message/rfc822"})
    assert response.status_code == 200
    data = response.json()
    expected = cli_json(["check", str(SAMPLES / "drafts" / "reply-with-quote.eml"), "--format",
                         "json"])  # fmt: skip
    assert data["subject"] == expected["subject"] and data["subject"]
    assert {**data, "source": None} == {**expected, "source": None}


def test_a_calm_draft_is_ok(http: httpx.Client) -> None:
    data = http.post("/v1/check", content=CALM.encode(), headers={"Content-Type": "text/plain"})
    assert data.json()["verdict"] == "ok" and data.json()["findings"] == []


def test_bad_requests_are_one_line_json_errors(http: httpx.Client) -> None:
    cases = [
        (http.post("/v1/check", json={"draft": "x"}), 400, '{"text"'),
        (http.post("/v1/check", content=b"{not json", headers={"Content-Type": "application/json"}),
         400, "not valid JSON"),
        (http.post("/v1/rewrite", params={"invoices": 99}, json={"text": ANGRY}), 400, "52"),
        (http.post("/v1/rewrite", params={"benchmark": "harsh"}, json={"text": ANGRY}), 400,
         "benchmark"),
        (http.get("/v1/nothing-here"), 404, "no such page"),
        (http.get("/v1/check"), 405, "Method Not Allowed"),
        (http.post("/v1/check", content=b"\x00\x01\x02" * 400), 400, "binary"),
    ]  # fmt: skip
    for response, status, words in cases:
        assert response.status_code == status, response.text
        assert response.headers["content-type"].startswith("application/json")
        body = response.json()
        assert list(body) == ["error"] and words in body["error"]
        assert "\n" not in body["error"]


def test_an_unreadable_draft_gives_the_cli_message(http: httpx.Client, tmp_path: Path) -> None:
    binary = b"%PDF-1.7\n" + bytes(range(256)) * 8
    (tmp_path / "draft.pdf").write_bytes(binary)
    cli_result = CliRunner().invoke(cli, ["check", "-"], input=binary)
    assert cli_result.exit_code == 2
    response = http.post("/v1/check", content=binary)
    assert response.status_code == 400
    assert f"mailcoach: error: {response.json()['error']}" == cli_result.stderr.strip()


# ----------------------------------------------------------------------- rewrite


def test_rewrite_is_the_cli_json(http: httpx.Client) -> None:
    response = http.post("/v1/rewrite", params={"benchmark": "none"}, json={"text": ANGRY})
    assert response.status_code == 200
    data = response.json()
    assert data == cli_json(["rewrite", "-", "--format", "json", "--benchmark", "none"], ANGRY)
    rewritten = data["rewrite"]
    assert rewritten["benchmark"] is None and rewritten["edits"]
    assert "ridiculous" not in rewritten["text"] and "10442" in rewritten["text"]


def test_rewrite_benchmark_choice_reaches_the_clause(http: httpx.Client) -> None:
    unasked = http.post("/v1/rewrite", json={"text": CALM}).json()["rewrite"]["benchmark"]
    assert unasked is None  # a calm draft gets no clause unless one is asked for
    asked = {"benchmark": "positive", "invoices": 2, "terms": "30-day"}
    positive = http.post("/v1/rewrite", params=asked,
                         json={"text": ANGRY}).json()["rewrite"]["benchmark"]  # fmt: skip
    punitive = http.post("/v1/rewrite", params={"benchmark": "punitive", "invoices": 2},
                         json={"text": ANGRY}).json()["rewrite"]["benchmark"]  # fmt: skip
    assert positive["form"] == "positive" and punitive["form"] == "punitive"
    assert positive["text"] != punitive["text"]


# ----------------------------------------------------------------------- letters


def test_letter_kinds_are_the_cli_list(http: httpx.Client) -> None:
    kinds = [k["kind"] for k in http.get("/v1/letters").json()["kinds"]]
    listed = CliRunner().invoke(cli, ["letter", "--list"]).stdout.split("\n")
    assert kinds == [line.split()[0] for line in listed if line.strip()]


def test_letter_from_a_facts_file_is_the_cli_letter(http: httpx.Client) -> None:
    body = JOINERY.read_bytes()
    text = http.post("/v1/letter", params={"kind": "first-contact", "facts_format": "toml",
                                           "format": "text"}, content=body)  # fmt: skip
    assert text.status_code == 200
    cli_result = CliRunner().invoke(cli, ["letter", "first-contact", "--facts", str(JOINERY)])
    assert cli_result.exit_code == 0
    assert text.text == cli_result.stdout
    data = http.post("/v1/letter", params={"kind": "first-contact", "facts_format": "toml"},
                     content=body).json()  # fmt: skip
    assert data["schema_version"] == 1 and data["kind"] == "first-contact"
    assert data["report"]["verdict"] == "ok"
    message = message_from_bytes(data["eml"].encode(), policy=default_policy)
    assert message["Subject"] == data["subject"] and "Dana Whitfield" in message["To"]
    assert data["ics"].startswith("BEGIN:VCALENDAR") and data["follow_ups"]
    assert data["follow_ups"][0]["date"] in data["ics"].replace("-", "") or "DTSTART" in data["ics"]
    eml = http.post("/v1/letter", params={"kind": "first-contact", "facts_format": "toml",
                                          "format": "eml"}, content=body)  # fmt: skip
    assert eml.headers["content-type"] == "message/rfc822"
    assert message_from_bytes(eml.content)["Subject"] == data["subject"]


def test_letter_from_json_facts(http: httpx.Client) -> None:
    facts = json.loads((SAMPLES / "cases" / "first-contact-veterinary.json").read_text())
    response = http.post("/v1/letter", params={"kind": "first-contact"}, json=facts)
    assert response.status_code == 200, response.text
    assert "HL-26-1187" in response.json()["text"]


def test_letter_errors_name_the_field(http: httpx.Client) -> None:
    missing = http.post("/v1/letter", params={"kind": "first-contact"},
                        json={"sender": "Maya Lind", "recipient": "Dana Whitfield"})  # fmt: skip
    assert missing.status_code == 400 and "invoice" in missing.json()["error"]
    unknown = http.post("/v1/letter", params={"kind": "threat"}, json={})
    assert unknown.status_code == 400 and "first-contact" in unknown.json()["error"]
    no_format = http.post("/v1/letter", params={"kind": "first-contact"}, content=b"a = 1")
    assert no_format.status_code == 415
    bad_toml = http.post("/v1/letter", params={"kind": "first-contact", "facts_format": "toml"},
                         content=b"sender = ")  # fmt: skip
    assert bad_toml.status_code == 400 and "mailcoach-facts" not in bad_toml.json()["error"]


def test_letter_never_attaches_a_server_file(http: httpx.Client) -> None:
    facts = json.loads((SAMPLES / "cases" / "first-contact-veterinary.json").read_text())
    facts["documents"] = [{"title": "passwords", "file": "/etc/passwd"}]
    response = http.post("/v1/letter", params={"kind": "first-contact"}, json=facts)
    assert response.status_code == 400 and "file" in response.json()["error"]


# ----------------------------------------------------------------------- review


def test_review_jsonl_and_html_are_the_cli_reports(http: httpx.Client, tmp_path: Path) -> None:
    shutil.copy(MBOX, tmp_path / "outbox.mbox")  # the tests run in tmp_path
    body = MBOX.read_bytes()
    params = {"name": "outbox.mbox"}
    lines = http.post("/v1/review", params={**params, "format": "jsonl"}, content=body)
    assert lines.status_code == 200
    cli_lines = CliRunner().invoke(cli, ["review", "outbox.mbox", "--format", "jsonl", "-j", "1"])
    assert lines.text == cli_lines.stdout
    assert lines.headers["x-mailcoach-messages"] == str(len(cli_lines.stdout.splitlines()))
    html = http.post("/v1/review", params={**params, "format": "html"}, content=body).text
    cli_html = CliRunner().invoke(cli, ["review", "outbox.mbox", "--format", "html", "-j", "1"])
    stamp = re.compile(r"<time datetime=[^>]*>[^<]*</time>")
    assert stamp.sub("", html) == stamp.sub("", cli_html.stdout)
    data = http.post("/v1/review", params=params, content=body).json()
    assert data["messages"] == len(data["reports"]) and data["flagged"] >= 1
    assert data["reports"][0]["source"] == "outbox.mbox#1"


def test_review_of_one_message_and_of_nothing(http: httpx.Client) -> None:
    eml = (FIXTURES / "batch" / "drafts" / "final-notice.eml").read_bytes()
    data = http.post("/v1/review", params={"name": "../../final notice.eml"}, content=eml).json()
    assert [r["source"] for r in data["reports"]] == ["final-notice.eml"]
    empty = http.post("/v1/review", content=b"")
    assert empty.status_code == 400 and "empty" in empty.json()["error"]


# ----------------------------------------------------------------------- limits and safety


def test_a_body_over_the_limit_is_refused_with_413(http: httpx.Client) -> None:
    big = b"x" * (LETTER_MAX_BYTES + 1)
    declared = http.post("/v1/letter", params={"kind": "first-contact"}, content=big,
                         headers={"Content-Type": "application/json"})  # fmt: skip
    assert declared.status_code == 413 and "limit" in declared.json()["error"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: counted as it arrives
        for _ in range(LETTER_MAX_BYTES // 65536 + 2):
            yield b"y" * 65536

    streamed = http.post("/v1/letter", params={"kind": "first-contact"}, content=chunks(),
                         headers={"Content-Type": "application/json"})  # fmt: skip
    assert streamed.status_code == 413


def test_other_host_names_are_refused(live_server: str) -> None:
    for host in ("evil.example", "evil.example:80", "127.0.0.1.evil.example"):
        response = httpx.get(f"{live_server}/", headers={"Host": host})
        assert response.status_code == 421 and "this machine" in response.json()["error"]
    assert httpx.get(f"{live_server}/", headers={"Host": "localhost"}).status_code == 200


def test_the_page_has_a_strict_policy_and_no_outside_assets(http: httpx.Client) -> None:
    page = http.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    directives = dict(d.strip().split(" ", 1) for d in csp.split(";"))
    assert directives["default-src"] == "'self'" and directives["script-src"] == "'self'"
    assert "unsafe" not in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    html = page.text
    assert re.findall(r"<script\b[^>]*>", html) == ['<script src="/static/app.js" defer>']
    assert not re.search(r"\son[a-z]+=|\sstyle=", html)  # no inline handlers or styles
    for name in ("app.js", "app.css"):
        asset = http.get(f"/static/{name}")
        assert asset.status_code == 200
        assert not re.search(r"https?://|//[a-z0-9.-]+\.[a-z]{2,}/", asset.text), name
    assert not re.search(r"(?:src|href)=\"(?:https?:)?//", html)
    assert http.get("/static/../app.py").status_code == 404


def test_openapi_is_served_and_no_cdn_docs(http: httpx.Client) -> None:
    spec = http.get("/openapi.json").json()
    for path in ("/v1/check", "/v1/rewrite", "/v1/letter", "/v1/review"):
        assert "post" in spec["paths"][path], path
    assert "message/rfc822" in spec["paths"]["/v1/check"]["post"]["requestBody"]["content"]
    assert http.get("/docs").status_code == 404 and http.get("/redoc").status_code == 404


def test_concurrent_requests_get_their_own_answers(http: httpx.Client, live_server: str) -> None:
    texts = [ANGRY, CALM] * 4
    results: dict[int, dict[str, object]] = {}

    def post(i: int) -> None:
        with httpx.Client(base_url=live_server, timeout=60) as own:
            results[i] = own.post("/v1/check", json={"text": texts[i]}).json()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(texts))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for i, text in enumerate(texts):
        assert results[i]["verdict"] == ("hold" if text == ANGRY else "ok")


# ----------------------------------------------------------------------- the token


@pytest.mark.filterwarnings("ignore:Using `httpx` with `starlette.testclient`")
def test_a_token_guards_the_api_but_not_the_page() -> None:
    from fastapi.testclient import TestClient

    token = "s3cret-token-for-tests"
    app = create_app(ServeOptions(host="0.0.0.0", token=token))
    with TestClient(app, base_url="http://192.0.2.10:8765") as client:
        assert client.get("/").status_code == 200  # any Host: the token is the guard
        refused = client.post("/v1/check", json={"text": CALM})
        assert refused.status_code == 401 and "token" in refused.json()["error"]
        wrong = client.post("/v1/check", json={"text": CALM},
                            headers={"Authorization": "Bearer not-the-token"})  # fmt: skip
        assert wrong.status_code == 401
        ok = client.post("/v1/check", json={"text": CALM},
                         headers={"Authorization": f"Bearer {token}"})  # fmt: skip
        assert ok.status_code == 200 and ok.json()["verdict"] == "ok"


def test_serve_refuses_another_address_without_a_token() -> None:
    result = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0"])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "--token" in result.stderr
    short = CliRunner().invoke(cli, ["serve", "--host", "0.0.0.0", "--token", "abc"])
    assert short.exit_code == 2 and "16 characters" in short.stderr


def test_serve_refuses_a_port_in_use() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = CliRunner().invoke(cli, ["serve", "--port", str(port)])
    assert result.exit_code == 2 and "cannot listen on 127.0.0.1" in result.stderr


def test_the_page_files_ship_in_the_package() -> None:
    for name in ("index.html", "app.js", "app.css", "icon.svg"):
        assert (STATIC / name).is_file(), name


def test_role_and_type_set_by_the_request_are_the_cli_options(http: httpx.Client) -> None:
    text = "Hi Sam,\n\nThe rent for October is still not in. Could you confirm a date?\n\nDana\n"
    got = http.post(
        "/v1/check", params={"role": "landlord", "type": "payment"}, json={"text": text}
    )
    assert got.status_code == 200
    cli_result = CliRunner().invoke(
        cli,
        ["check", "-", "--format", "json", "--role", "landlord", "--type", "payment"],
        input=text,
    )
    assert got.json()["dispute"] == json.loads(cli_result.stdout)["dispute"]
    assert got.json()["dispute"]["roles"] == {
        "confidence": 1.0,
        "reader": "tenant",
        "sender": "landlord",
    }
    rewritten = http.post("/v1/rewrite", params={"role": "tenant:landlord"}, json={"text": text})
    assert rewritten.json()["dispute"]["roles"]["sender"] == "tenant"
    bad = http.post("/v1/check", params={"role": "wizard"}, json={"text": text})
    assert bad.status_code == 422
    assert bad.json()["error"].startswith("role: must be SENDER or SENDER:READER")
    bad_type = http.post("/v1/check", params={"type": "feud"}, json={"text": text})
    assert bad_type.status_code == 422 and bad_type.json()["error"].startswith("type: must be")
