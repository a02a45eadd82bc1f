"""Browser end-to-end fixtures: the app served on a free local port, Debian's Chromium driven
by Playwright. Screenshots go to test-artifacts/ at the repository root.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
DEMO_PASSWORD = "motcua2026"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def chromium():
    if not shutil.which(CHROMIUM):
        if os.environ.get("CI") == "true":
            pytest.fail(f"{CHROMIUM} is missing: .ci/run installs Debian's chromium")
        pytest.skip(f"{CHROMIUM} not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium):
    context = chromium.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def sign_in(live_server):
    """Sign a demo account in on `page`: `sign_in(page, "quantri")` (password motcua2026)."""

    def sign_in(page, username: str, password: str = DEMO_PASSWORD) -> None:
        page.goto(f"{live_server}/dang-nhap")
        page.fill("#username", username)
        page.fill("#password", password)
        page.click("button[type=submit]")
        page.wait_for_selector("text=Đăng xuất")

    return sign_in


@pytest.fixture
def sign_out():
    def sign_out(page) -> None:
        page.click("text=Đăng xuất")
        page.wait_for_selector("header a:has-text('Đăng nhập')")

    return sign_out


@pytest.fixture
def screenshot():
    """Save a full-page screenshot as a test artifact; returns its path."""
    ARTIFACTS.mkdir(exist_ok=True)

    def take(page, name: str) -> Path:
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
