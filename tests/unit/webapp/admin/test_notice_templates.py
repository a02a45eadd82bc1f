"""Editing a notice template: previewed before it is saved, placeholders checked, used by the
next notice; only a top-level administrator may change it."""

from __future__ import annotations

import re

from sqlalchemy import select

from engine.notifications.models import NoticeTemplate
from engine.outbox.models import OutboxMessage
from tests.factories import complete, open_task, submit

PREVIEWED = re.compile(r'name="previewed" value="([0-9a-f]+)"')
PATH = "/quan-tri/mau-thong-bao/supplement_requested"


def text(response) -> str:
    return response.get_data(as_text=True)


def fields(**changes) -> dict:
    base = {
        "subject": "Hồ sơ {ma_ho_so}: cần bổ sung giấy tờ",
        "body": "Kính gửi {nguoi_nop},\nGiấy tờ cần bổ sung:\n{giay_to_bo_sung}\nHẹn: {ngay_hen}",
        "short_text": "Hồ sơ {ma_ho_so} cần bổ sung, xem {link_tra_cuu}",
        "zns_template_id": "",
    }
    return {**base, **changes}


def test_a_changed_text_is_previewed_then_saved_and_used(browser, demo, session_factory):
    browser.login("quantritinh")
    refused = browser.submit(PATH, {**fields(), "action": "save"}, page=PATH)
    assert "xem trước bản mới" in text(refused)
    with session_factory() as session:
        assert session.get(NoticeTemplate, "supplement_requested") is None

    preview = browser.submit(PATH, {**fields(), "action": "preview"}, page=PATH)
    page = text(preview)
    assert "Hồ sơ 000.00.20.H25-261206-0001: cần bổ sung giấy tờ" in page
    assert "Kính gửi Nguyễn Văn An," in page
    assert "tin SMS" in page
    previewed = PREVIEWED.search(page).group(1)
    saved = browser.submit(PATH, {**fields(), "action": "save", "previewed": previewed}, page=PATH)
    assert saved.status_code == 302

    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id, "reception")
    complete(
        session_factory,
        demo.actor("motcua"),
        task.id,
        {"decision": "supplement", "missing_documents": "Giấy chứng sinh"},
    )
    with session_factory() as session:
        notice = session.scalar(
            select(OutboxMessage).where(
                OutboxMessage.dossier_id == dossier_id,
                OutboxMessage.operation == "notify/applicant",
            )
        )
    assert notice.payload["subject"] == f"Hồ sơ {code}: cần bổ sung giấy tờ"
    assert "- Giấy chứng sinh" in notice.payload["body"]
    assert "Hẹn:" not in notice.payload["body"]  # not yet received: no appointment date


def test_an_unknown_placeholder_is_refused_and_nothing_is_saved(browser, demo, session_factory):
    browser.login("quantritinh")
    response = browser.submit(
        PATH, {**fields(subject="Hồ sơ {ma_hoso}"), "action": "preview"}, page=PATH
    )
    assert response.status_code == 400
    assert "Không có biến {ma_hoso}" in text(response)
    with session_factory() as session:
        assert session.scalar(select(NoticeTemplate)) is None


def test_a_ward_administrator_may_read_but_not_change(browser, demo, session_factory):
    browser.login("quantri")
    assert "bạn có thể xem" in text(browser.client.get("/quan-tri/mau-thong-bao"))
    preview = browser.submit(PATH, {**fields(), "action": "preview"}, page=PATH)
    previewed = PREVIEWED.search(text(preview)).group(1)
    response = browser.submit(
        PATH, {**fields(), "action": "save", "previewed": previewed}, page=PATH
    )
    assert response.status_code == 403
    with session_factory() as session:
        assert session.scalar(select(NoticeTemplate)) is None
