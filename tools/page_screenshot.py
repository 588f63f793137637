"""Take the README's picture of the page (docs/serve.png) from the real thing.

Starts ``mailcoach serve`` on a free loopback port, opens the page in Debian's
headless Chromium (``/usr/bin/chromium``, driven by playwright; no browser is
downloaded), sets the controls, types a supplier's angry draft, opens its
error-level finding and saves a 1280 px wide shot of the whole page.

    .venv/bin/python tools/page_screenshot.py            # writes docs/serve.png
    .venv/bin/python tools/page_screenshot.py out.png

Run by hand after a change to the page; tests/test_page.py takes its own shots.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere
    sys.path.insert(0, str(ROOT))

from tools.local_server import ServerFailed, start, stop  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
WIDTH, HEIGHT = 1280, 1000

# Ours: a supplier chasing two unpaid invoices, with one of each kind of trouble.
DRAFT = """\
Hi Marco,

As previously stated, invoices 2231 and 2240 for $6,310.00 were due on 30 September. \
Your accounts team always has an excuse, and you failed to pay on both dates you \
promised. Thanks for nothing. Frankly this is unacceptable.

If the balance is not cleared by Friday 11 December, we will take legal action.

Priya
"""


def _serve(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("MAILCOACH_")}
    env["PYTHONPATH"] = str(ROOT)
    try:
        return start(env, subprocess.DEVNULL, cwd=folder)
    except ServerFailed as exc:
        sys.exit(str(exc))


def shoot(out: Path) -> None:
    with tempfile.TemporaryDirectory() as folder:
        proc, url = _serve(Path(folder))
        try:
            with sync_playwright() as driver:
                browser = driver.chromium.launch(
                    executable_path=CHROMIUM, args=["--headless", "--no-sandbox"]
                )
                page = browser.new_page(
                    viewport={"width": WIDTH, "height": HEIGHT}, device_scale_factor=1
                )
                page.goto(url + "/")
                page.select_option("#role", "supplier")
                page.select_option("#type", "payment")
                page.locator("#draft").fill(DRAFT)
                page.wait_for_function(
                    "() => document.querySelectorAll('#highlights mark').length >= 6"
                    " && document.querySelector('#status').textContent.includes('findings')"
                )
                page.locator("#findings button", has_text="legal action").click()
                page.locator("#detail").wait_for(state="visible")
                page.locator("#draft").evaluate("t => t.blur()")
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(out), full_page=True)
                browser.close()
        finally:
            stop(proc)


if __name__ == "__main__":
    shoot(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "serve.png")
