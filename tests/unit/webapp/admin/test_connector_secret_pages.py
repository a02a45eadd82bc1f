"""Quản trị › Kết nối with secrets sealed at rest: masked, kept on an empty submit, and a key
that no longer opens them is shown to the administrator and answered cleanly elsewhere."""

from __future__ import annotations

from cryptography.fernet import Fernet
from sqlalchemy import select, text

from engine.connector_settings.models import ConnectorSetting
from engine.connector_settings.settings import provider_settings

SECRET = "HASHSECRETOFTHEREALMERCHANT"
FORM = {"provider": "vnpay", "key": "hash_secret", "is_secret": "1"}


def stored_value(session_factory) -> str:
    with session_factory() as session:
        return session.execute(text("SELECT value FROM connector_settings")).scalar_one()


def test_a_declared_secret_is_masked_sealed_and_kept_on_an_empty_submit(
    browser, demo, session_factory
):
    browser.login("quantritinh")
    assert browser.submit("/quan-tri/ket-noi", FORM | {"value": SECRET}).status_code == 302
    sealed = stored_value(session_factory)
    assert SECRET not in sealed and sealed.startswith("fernet:")

    page = browser.client.get("/quan-tri/ket-noi").text
    row = page.split('id="setting-vnpay-hash_secret"')[1].split("</tr>")[0]
    assert "Đã đặt ••••••••" in row
    assert SECRET not in page and sealed not in page

    with session_factory() as session:
        setting_id = session.scalar(select(ConnectorSetting.id))
    empty = FORM | {"value": "", "setting_id": setting_id}
    assert browser.submit("/quan-tri/ket-noi", empty).status_code == 302
    assert stored_value(session_factory) == sealed
    with session_factory() as session:
        assert provider_settings(session, "vnpay")["hash_secret"] == SECRET


def test_a_wrong_key_shows_on_the_page_and_callers_get_a_clean_answer(
    browser, demo, session_factory, monkeypatch
):
    browser.login("quantritinh")
    assert browser.submit("/quan-tri/ket-noi", FORM | {"value": SECRET}).status_code == 302
    monkeypatch.setenv("MOTCUA_SETTINGS_KEY", Fernet.generate_key().decode())

    page = browser.client.get("/quan-tri/ket-noi")
    assert page.status_code == 200
    row = page.text.split('id="setting-vnpay-hash_secret"')[1].split("</tr>")[0]
    assert "Không giải mã được với khóa hiện tại (MOTCUA_SETTINGS_KEY): nhập lại giá trị" in row

    answer = browser.client.get("/ket-noi/thanh-toan/vnpay/ipn?vnp_TxnRef=1")
    assert answer.status_code == 503
    assert "Một kết nối của hệ thống chưa sẵn sàng" in answer.text
    assert "Traceback" not in answer.text and SECRET not in answer.text

    # typing the secret in again seals it with the key now in force
    with session_factory() as session:
        setting_id = session.scalar(select(ConnectorSetting.id))
    again = FORM | {"value": SECRET, "setting_id": setting_id}
    assert browser.submit("/quan-tri/ket-noi", again).status_code == 302
    with session_factory() as session:
        assert provider_settings(session, "vnpay")["hash_secret"] == SECRET
