"""A citizen who chose e-mail, Zalo and SMS is told of a supplement request on all three, over real
SMTP and real HTTP to the Zalo and SMS sandboxes; the dossier page shows what became of each
copy, including an SMS gateway outage and the copy delivered once it is back."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select, update

import connectors.zalo
from connectors.sms.sandbox import SmsSandbox
from connectors.zalo.sandbox import ZaloSandbox
from engine.connector_tokens.store import install_token_stores
from engine.db import transaction
from engine.notifications.models import ChannelPreference
from engine.outbox.dispatch import perform_due
from engine.outbox.models import OutboxMessage
from engine.timestamps import utcnow
from engine.users.models import User
from tests.factories import complete, open_task, submit

MISSING = "Bản sao Giấy chứng sinh; Giấy chứng nhận kết hôn của cha mẹ"


@pytest.fixture
def zalo(session_factory, monkeypatch):
    sandbox = ZaloSandbox().start()
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    install_token_stores(session_factory)
    yield sandbox
    connectors.zalo.set_token_store_factory(None)
    sandbox.stop()


@pytest.fixture
def sms(monkeypatch):
    sandbox = SmsSandbox().start()
    for name, value in sandbox.environment.items():
        monkeypatch.setenv(name, value)
    yield sandbox
    sandbox.stop()


def text(response) -> str:
    return response.get_data(as_text=True)


def choose_channels(browser, **channels: bool):
    return browser.submit(
        "/tai-khoan/nhan-thong-bao", {name: "1" for name, on in channels.items() if on}
    )


def delivery_rows(page: str) -> list[tuple[str, str]]:
    """(channel, state) of each row of the deliveries table, in order."""
    section = page.split('id="thong-bao-da-gui"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<tr class="delivery[^"]*">(.*?)</tr>', section, re.S)
    cells = [re.findall(r"<td>(.*?)</td>", row, re.S) for row in rows]
    states = [re.search(r'delivery__state">([^<]+)<', row).group(1) for row in rows]
    return [(cell[2], state) for cell, state in zip(cells, states, strict=True)]


def ask_for_supplement(session_factory, demo) -> str:
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    task = open_task(session_factory, dossier_id, "reception")
    complete(
        session_factory,
        demo.actor("motcua"),
        task.id,
        {"decision": "supplement", "missing_documents": MISSING},
    )
    return code


def test_supplement_request_reaches_every_chosen_channel_and_the_page_shows_each(
    browser, demo, session_factory, smtp, zalo, sms
):
    browser.login("congdan")
    assert choose_channels(browser, email=True, zalo=True, sms=True).status_code == 302
    code = ask_for_supplement(session_factory, demo)

    sms.down = True
    perform_due(session_factory)
    page = text(browser.client.get(f"/ho-so/{code}"))
    assert ("Zalo", "Đã gửi") in delivery_rows(page)
    assert ("E-mail", "Đã gửi") in delivery_rows(page)
    assert ("SMS", "Đang thử gửi lại") in delivery_rows(page)
    assert sms.messages == []

    mail = smtp.wait_for("an.nguyen@example.vn")
    body = mail.get_content()
    assert mail["Subject"] == f"Hồ sơ {code}: yêu cầu bổ sung"
    assert "- Bản sao Giấy chứng sinh\n- Giấy chứng nhận kết hôn của cha mẹ" in body
    [zns] = zalo.messages
    assert zns["phone"] == "84912345678" and zns["template_id"] == "250001"
    assert zns["template_data"]["ma_ho_so"] == code
    assert "bổ sung" in zns["template_data"]["noi_dung"]

    sms.down = False
    with session_factory() as session, transaction(session):
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.operation == "sms/send")
            .values(next_attempt_at=utcnow())
        )
    perform_due(session_factory)
    perform_due(session_factory)
    [message] = sms.messages
    assert message["to"] == "84912345678"
    assert message["text"] == f"Hồ sơ {code}: Cơ quan yêu cầu bổ sung hồ sơ."
    page = text(browser.client.get(f"/ho-so/{code}"))
    states = delivery_rows(page)
    assert [state for channel, state in states if channel in ("E-mail", "Zalo", "SMS")] == [
        "Đã gửi"
    ] * 3
    assert len(zalo.messages) == 1 and len(smtp.messages_to("an.nguyen@example.vn")) == 1

    browser.login("motcua")
    officer_page = text(browser.client.get(f"/can-bo/ho-so/{code}"))
    assert ("SMS", "Đã gửi") in delivery_rows(officer_page)
    assert "lần thử" in officer_page  # the officer sees that the SMS needed a second attempt


def test_e_mail_only_is_the_default_and_turning_it_off_keeps_the_portal_list(
    browser, demo, session_factory, smtp
):
    code = ask_for_supplement(session_factory, demo)
    with session_factory() as session:
        operations = session.scalars(
            select(OutboxMessage.operation).where(OutboxMessage.dossier_id.isnot(None))
        ).all()
    assert "zalo/send-template" not in operations and "sms/send" not in operations

    browser.login("congdan")
    assert choose_channels(browser, email=False).status_code == 302
    code_two = ask_for_supplement(session_factory, demo)
    perform_due(session_factory)
    assert [m["Subject"] for m in smtp.messages_to("an.nguyen@example.vn")] == [
        f"Hồ sơ {code}: yêu cầu bổ sung"
    ]
    page = text(browser.client.get(f"/ho-so/{code_two}"))
    assert delivery_rows(page) == [("Cổng dịch vụ công", "Chỉ trên Cổng")]
    assert code_two in text(browser.client.get("/thong-bao"))


def test_zalo_without_a_phone_number_is_refused_and_nothing_changes(browser, demo, session_factory):
    with session_factory() as session, transaction(session):
        session.execute(update(User).where(User.username == "congdan").values(phone=None))
    browser.login("congdan")
    response = choose_channels(browser, email=True, zalo=True)
    assert response.status_code == 400
    assert "chưa có số điện thoại" in text(response)
    with session_factory() as session:
        assert session.scalar(select(ChannelPreference)) is None


def test_officers_have_no_channel_page(browser, demo):
    browser.login("thuly")
    response = browser.client.get("/tai-khoan/nhan-thong-bao")
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/can-bo/thong-bao"
    )
