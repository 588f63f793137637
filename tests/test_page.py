"""mailcoach serve: the page, driven in a real headless Chromium (Debian's package).

The browser is the system's ``/usr/bin/chromium`` driven by the playwright package;
no browser is ever downloaded. Without Chromium these tests skip locally and fail
in CI (``CI=true``), so a missing browser is never silently green there.
"""

from __future__ import annotations

import json
import os
import struct
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

import httpx
import pytest

from .conftest import FIXTURES

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DRAFT = (
    "Hi Sam,\n\nPer my last email, invoice 10442 for $8,450.00 was due on 15 October. "
    "You failed to pay again and this is ridiculous. If it is not paid by Friday we will sue."
    "\n\nDana\n"
)
WIDTHS = (420, 1280)


def _unavailable(reason: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason}; CI must run the browser tests (.ci/run installs chromium).")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing (apt-get install -y chromium)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is not installed")
    with sync_playwright() as driver:
        chromium = driver.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Page:
    """A page on the live server that records console errors and outside requests."""

    def __init__(self, browser: Any, url: str, width: int) -> None:
        self.context = browser.new_context(
            viewport={"width": width, "height": 900}, device_scale_factor=1, accept_downloads=True
        )
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.route("**/*", self._only_local(url))
        self.page.goto(url + "/")

    def _only_local(self, url: str) -> Any:
        def handle(route: Any) -> None:
            if route.request.url.startswith(url + "/") or route.request.url.startswith("about:"):
                route.continue_()
            else:
                self.outside.append(route.request.url)
                route.abort()

        return handle

    def close(self) -> None:
        self.context.close()
        assert self.outside == [], "the page asked for something outside the server"
        assert self.errors == [], "console errors (a CSP violation is one)"


@pytest.fixture
def page(browser: Any, live_server: str) -> Iterator[Any]:
    view = Page(browser, live_server, 1280)
    yield view.page
    view.close()


def api(live_server: str, path: str, **kwargs: Any) -> Any:
    return httpx.post(f"{live_server}{path}", timeout=60, **kwargs).json()


def type_draft(page: Any) -> None:
    editor = page.locator("#draft")
    editor.click()
    editor.press_sequentially(DRAFT)
    page.wait_for_function(
        "() => document.querySelectorAll('#highlights mark').length >= 3"
        " && document.querySelector('#status').textContent.includes('findings')"
    )


def test_typing_highlights_each_finding_in_place(page: Any, live_server: str) -> None:
    type_draft(page)
    report = api(live_server, "/v1/check", json={"text": DRAFT})
    marks = page.locator("#highlights mark")
    shown = [(marks.nth(i).get_attribute("class"), marks.nth(i).inner_text())
             for i in range(marks.count())]  # fmt: skip
    assert shown == [(f"c-{f['category']}", f["text"]) for f in report["findings"]]
    assert page.locator("#tone-score").inner_text() == str(report["tone_score"])
    assert page.locator("#verdict").inner_text().lower() == report["verdict"]
    assert "10442" in page.locator("#facts").inner_text()
    assert page.locator("#checklist li").count() == len(report["checklist"])
    assert page.locator("#status").get_attribute("aria-live") == "polite"


def test_a_finding_opens_with_the_keyboard_and_by_click(page: Any, live_server: str) -> None:
    type_draft(page)
    report = api(live_server, "/v1/check", json={"text": DRAFT})
    page.keyboard.press("Tab")  # from the draft to the first finding: a real button
    focused = page.evaluate("document.activeElement.tagName + ' ' + document.activeElement.type")
    assert focused == "BUTTON button"
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    page.keyboard.press("Enter")
    detail = page.locator("#detail")
    detail.wait_for(state="visible")
    first = report["findings"][0]
    assert first["why"] in detail.inner_text() and first["suggestion"] in detail.inner_text()
    assert page.locator("#findings button").first.get_attribute("aria-expanded") == "true"
    last = report["findings"][-1]
    # The first line box of the last mark (a mark that wraps has two).
    box = page.locator("#highlights mark").last.evaluate(
        "m => { const r = m.getClientRects()[0];"
        " return {x: r.x, y: r.y, w: r.width, h: r.height}; }"
    )
    page.mouse.click(box["x"] + min(box["w"] / 2, 20), box["y"] + box["h"] / 2)
    page.wait_for_function(
        "(w) => document.querySelector('#detail').textContent.includes(w)", arg=last["why"]
    )
    assert last["category"] in detail.inner_text()


def test_rewrite_accept_and_skip_build_the_text(page: Any, live_server: str) -> None:
    type_draft(page)
    page.select_option("#benchmark", "none")
    page.click("#rewrite")
    page.locator("#edits .accept").first.wait_for()
    data = api(live_server, "/v1/rewrite", params={"benchmark": "none"}, json={"text": DRAFT})
    edits = data["rewrite"]["edits"]
    assert page.locator("#edits li").count() == len(edits) >= 2
    assert page.locator("#result").inner_text().strip() == DRAFT.strip()  # nothing taken yet
    page.locator("#edits .accept").first.press("Enter")
    first = edits[0]
    expected = DRAFT[: first["start"]] + first["replacement"] + DRAFT[first["end"] :]
    result = page.locator("#result")
    assert result.inner_text().strip() == expected.strip()
    assert DRAFT[first["start"] : first["end"]] not in result.inner_text()
    page.locator("#edits .skip-edit").nth(1).click()
    assert page.locator("#edits .skip-edit").nth(1).get_attribute("aria-pressed") == "true"
    assert result.inner_text().strip() == expected.strip()
    page.click("#accept-all")
    assert result.inner_text().strip() == data["rewrite"]["text"].strip()
    with page.expect_download() as download:
        page.click("#download")
    saved = Path(download.value.path()).read_text(encoding="utf-8")
    assert saved == data["rewrite"]["text"]


@pytest.mark.parametrize("width", WIDTHS)
def test_screenshots_at_both_widths(
    browser: Any, live_server: str, width: int, tmp_path: Path
) -> None:
    view = Page(browser, live_server, width)
    page = view.page
    type_draft(page)
    page.click("#rewrite")
    page.locator("#edits .accept").first.wait_for()
    page.locator("#findings button").first.click()
    sizes = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert sizes[0] <= sizes[1], f"horizontal scroll at {width} px: {sizes}"
    shot = tmp_path / f"page-{width}.png"
    page.screenshot(path=str(shot), full_page=True)
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    png_width, png_height = struct.unpack(">II", data[16:24])
    assert png_width == width and png_height > 600 and len(data) > 10_000
    view.close()


def test_tabs_work_with_the_arrow_keys_and_a_letter_downloads(
    browser: Any, live_server: str
) -> None:
    view = Page(browser, live_server, 420)
    page = view.page
    page.locator("#tab-draft").focus()
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.activeElement.id") == "tab-letter"
    assert (
        page.locator("#panel-letter").is_visible() and not page.locator("#panel-draft").is_visible()
    )
    page.wait_for_function("() => document.querySelectorAll('#letter-kind option').length > 3")
    page.fill("[name='sender.name']", "Maya Lindqvist")
    page.fill("[name='sender.email']", "maya@northfield.example")
    page.fill("[name='recipient.name']", "Dana Whitfield")
    page.fill("[name='recipient.email']", "dana@harbourlane.example")
    page.fill("[name='date']", "2026-11-23")
    row = page.locator(".invoice").first
    row.locator("[data-field='reference']").fill("NJ-2026-0412")
    row.locator("[data-field='amount']").fill("4820.00")
    row.locator("[data-field='issued']").fill("2026-08-14")
    row.locator("[data-field='due']").fill("2026-09-13")
    page.locator("#letter-form button[type='submit']").press("Enter")
    page.locator("#letter-view").wait_for(state="visible")
    text = page.locator("#letter-text").inner_text()
    assert "NJ-2026-0412" in text and "Dana" in text
    with page.expect_download() as download:
        page.click("#letter-eml")
    assert download.value.suggested_filename.endswith(".eml")
    message = message_from_bytes(Path(download.value.path()).read_bytes(), policy=default_policy)
    assert "Dana Whitfield" in message["To"]
    assert page.locator("#letter-ics").is_enabled()
    view.close()


def test_a_facts_file_upload_writes_the_letter(page: Any) -> None:
    page.click("#tab-letter")
    page.wait_for_function("() => document.querySelectorAll('#letter-kind option').length > 3")
    facts = Path(__file__).resolve().parent.parent / "samples" / "cases"
    page.set_input_files("#facts-file", str(facts / "first-contact-joinery.toml"))
    page.locator("#letter-view").wait_for(state="visible")
    assert "NJ-2026-0412" in page.locator("#letter-text").inner_text()


def test_review_tab_shows_the_html_report(page: Any) -> None:
    page.click("#tab-review")
    page.set_input_files("#review-files", str(FIXTURES / "batch" / "outbox.mbox"))
    page.locator("#review-form button[type='submit']").click()
    page.locator("#review-frame").wait_for(state="visible")
    page.wait_for_function(
        "() => document.querySelector('#review-status').textContent.includes('flagged')"
    )
    frame = page.frame_locator("#review-frame")
    assert frame.locator("h1").inner_text() == "Outbox review"
    # The report's own stylesheet applies (allowed by its hash under the page's policy).
    background = frame.locator("body").evaluate("b => getComputedStyle(b).backgroundColor")
    assert background == "rgb(245, 246, 248)"
    assert frame.locator("mark").count() > 0


def test_several_eml_files_are_reviewed_together(page: Any, tmp_path: Path) -> None:
    drafts = FIXTURES / "batch" / "drafts"
    page.click("#tab-review")
    page.set_input_files("#review-files", [str(drafts / "final-notice.eml")] * 2)
    page.locator("#review-form button[type='submit']").click()
    page.wait_for_function(
        "() => document.querySelector('#review-status').textContent.includes('flagged')"
    )
    assert page.locator("#review-status").inner_text().startswith("2 messages reviewed")
    assert json.dumps(page.locator("#review-status").inner_text())  # one readable line


def test_a_long_draft_grows_the_editor_and_keeps_the_marks_aligned(page: Any) -> None:
    editor = page.locator("#draft")
    editor.fill(DRAFT * 8)
    editor.press("End")
    editor.press_sequentially(" Thanks.")
    page.wait_for_function("() => document.querySelectorAll('#highlights mark').length >= 24")
    sizes = editor.evaluate("t => [t.scrollHeight, t.clientHeight]")
    assert sizes[0] <= sizes[1] + 2  # no scrolling inside the editor
    # The last mark sits where the textarea shows its words: same box, same line.
    mark = page.locator("#highlights mark").last.evaluate("m => m.getClientRects()[0].bottom")
    box = editor.bounding_box()
    assert box["y"] + box["height"] * 0.8 < mark < box["y"] + box["height"]


def test_marks_stay_on_their_words_after_characters_outside_the_bmp(page: Any) -> None:
    # The API counts code points; JavaScript strings count UTF-16 units (an emoji is 2).
    editor = page.locator("#draft")
    editor.fill("🙂🙂 Thanks for the call. 𝒳 You failed to pay again and this is ridiculous.")
    editor.press_sequentially(" ")
    page.wait_for_function("() => document.querySelectorAll('#highlights mark').length >= 2")
    marks = page.locator("#highlights mark").all_inner_texts()
    assert marks[:2] == ["You failed to pay again", "ridiculous"]


def test_role_and_type_controls_reach_the_check(page: Any) -> None:
    from mailcoach.facts.kind import DISPUTE_TYPES, ROLES

    roles = page.locator("#role option").evaluate_all("os => os.map(o => o.value)")
    types = page.locator("#type option").evaluate_all("os => os.map(o => o.value)")
    assert roles == ["", *ROLES] and types == ["", *DISPUTE_TYPES, "other"]
    type_draft(page)
    with page.expect_response(lambda r: "/v1/check" in r.url and "role=landlord" in r.url) as got:
        page.locator("#role").select_option("landlord")
    response = got.value
    assert response.ok and "type=" not in response.url  # unset controls are left to the guess
    assert response.json()["dispute"]["roles"]["sender"] == "landlord"
    page.locator("#role").focus()  # a control reachable from the keyboard
    assert page.evaluate("document.activeElement.id") == "role"
