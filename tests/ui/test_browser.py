"""A real browser (headless Chromium from the distribution) asks the St Petersburg question."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# set UI_SCREENSHOT=docs/ui.png to refresh the README picture
SCREENSHOT = os.environ.get("UI_SCREENSHOT")


@pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine (apt-get install chromium)")
def test_a_browser_user_sees_the_cited_sentence_in_the_panel(app_url):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(app_url)
        page.locator("#question textarea").fill("What did Hanoi sign with St Petersburg?")
        page.locator("#ask").click()
        panel = page.locator("#citations")
        panel.locator("mark").first.wait_for(timeout=60_000)
        text = panel.inner_text()
        assert "Sankt Petersburg" in text or "Saint Petersburg" in text
        assert panel.locator(".cite-card").count() >= 1
        if SCREENSHOT:
            Path(SCREENSHOT).parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=SCREENSHOT, full_page=True)
        browser.close()
