"""Every page carries a strict CSP, and no template carries what that CSP would block."""

from __future__ import annotations

import re
from pathlib import Path

TEMPLATES = Path(__file__).resolve().parents[3] / "webapp" / "templates"
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I)
STYLE_ATTRIBUTE = re.compile(r"\sstyle\s*=", re.I)
EVENT_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.I)


def test_pages_answer_with_a_csp_without_unsafe_inline_and_no_framing(browser):
    for path in ("/", "/tra-cuu", "/dang-nhap", "/xac-thuc-chu-ky", "/khong-co-trang-nay"):
        response = browser.client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert "frame-ancestors 'none'" in policy
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "Strict-Transport-Security" not in response.headers, "only over HTTPS"


def test_hsts_over_https(browser):
    response = browser.client.get("/", base_url="https://motcua.example.vn")
    assert response.headers["Strict-Transport-Security"].startswith("max-age=31536000")


def test_no_template_has_an_inline_script_a_style_attribute_or_an_event_handler():
    offending = []
    for template in sorted(TEMPLATES.rglob("*.html")):
        text = template.read_text("utf-8")
        for pattern in (INLINE_SCRIPT, STYLE_ATTRIBUTE, EVENT_HANDLER):
            if pattern.search(text):
                offending.append(f"{template.relative_to(TEMPLATES)}: {pattern.pattern}")
    assert offending == []
