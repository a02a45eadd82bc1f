"""The administration pages for running the system: calendar, working hours, audit log, system."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from engine.agencies.models import Agency
from engine.calendar.models import AgencyWorkingWindow, CalendarOverride
from engine.connector_settings.models import ConnectorSetting
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE, WARD_CODE
from engine.heartbeat.workers import record_heartbeat
from engine.outbox.models import FAILED, PENDING, OutboxMessage
from engine.timestamps import utcnow

OPERATIONS_PAGES = ["/quan-tri/lich-lam-viec", "/quan-tri/gio-lam-viec", "/quan-tri/nhat-ky"]
#: pages for administrators of a top-level agency only
DEPLOYMENT_PAGES = ["/quan-tri/he-thong", "/quan-tri/ket-noi"]


def text(response) -> str:
    return response.get_data(as_text=True)


def agency_id(session_factory, code: str) -> int:
    with session_factory() as session:
        return session.scalar(select(Agency.id).where(Agency.code == code))


@pytest.mark.parametrize("path", [*OPERATIONS_PAGES, *DEPLOYMENT_PAGES])
def test_pages_refuse_anonymous_and_non_administrators(browser, demo, path):
    assert browser.client.get(path).status_code == 403
    browser.login("thuly")
    assert browser.client.get(path).status_code == 403


def test_admin_navigation_links_every_page(browser, demo):
    browser.login("quantritinh")
    page = text(browser.client.get("/quan-tri/lich-lam-viec"))
    for path in [*OPERATIONS_PAGES, *DEPLOYMENT_PAGES, "/quan-tri/"]:
        assert f'href="{path}"' in page


def test_calendar_page_shows_the_year_and_adds_an_override(browser, demo, session_factory):
    browser.login("quantritinh")
    page = text(browser.client.get("/quan-tri/lich-lam-viec?nam=2026"))
    assert 'class="day-holiday" title="Tết Dương lịch" data-day="2026-01-01"' in page
    assert 'class="day-make_up" title="Ngày làm bù" data-day="2026-08-22"' in page
    assert "Ngày nghỉ thêm (điều chỉnh)" in page  # the legend

    response = browser.submit(
        "/quan-tri/lich-lam-viec",
        {"day": "02/01/2099", "kind": "day_off", "reason": "Nghỉ thêm", "nam": "2099"},
        page="/quan-tri/lich-lam-viec",
    )
    assert response.status_code == 302
    page = text(browser.client.get("/quan-tri/lich-lam-viec?nam=2099"))
    assert 'class="day-extra_day_off" title="Nghỉ thêm" data-day="2099-01-02"' in page
    assert "02/01/2099" in page

    response = browser.submit(
        "/quan-tri/lich-lam-viec",
        {"day": "2099-01-05", "kind": "day_off", "reason": "Nghỉ"},
        page="/quan-tri/lich-lam-viec",
    )
    assert response.status_code == 400
    assert "„2099-01-05” không phải ngày hợp lệ; nhập theo dạng dd/mm/yyyy." in text(response)
    with session_factory() as session:
        [override] = session.scalars(select(CalendarOverride)).all()

    response = browser.submit(
        f"/quan-tri/lich-lam-viec/{override.id}/xoa",
        {"nam": "2099"},
        page="/quan-tri/lich-lam-viec?nam=2099",
    )
    assert response.status_code == 302
    with session_factory() as session:
        assert session.scalars(select(CalendarOverride)).all() == []


def test_a_ward_administrator_reads_the_calendar_but_cannot_change_it(browser, demo):
    browser.login("quantri")
    page = text(browser.client.get("/quan-tri/lich-lam-viec"))
    assert "chỉ quản trị của đơn vị cấp cao nhất được điều chỉnh" in page
    assert "Thêm điều chỉnh" not in page
    response = browser.submit(
        "/quan-tri/lich-lam-viec",
        {"day": "05/01/2099", "kind": "day_off", "reason": "x"},
        page="/quan-tri/nhat-ky",
    )
    assert response.status_code == 403


def test_working_hours_are_saved_validated_and_scoped(browser, demo, session_factory):
    browser.login("quantri")
    ward = agency_id(session_factory, WARD_CODE)
    page = text(browser.client.get("/quan-tri/gio-lam-viec"))
    assert "Đang áp dụng: 07:30–11:30, 13:30–17:00" in page
    assert "tiếp nhận từ 16:30 trở đi" in page

    form = {"opens_0": "07:00", "closes_0": "11:00", "opens_1": "10:30", "closes_1": "16:00"}
    response = browser.submit(
        f"/quan-tri/gio-lam-viec/{ward}", form | {"cutoff": "15:00"}, page="/quan-tri/gio-lam-viec"
    )
    assert response.status_code == 400
    assert "Khung giờ 10:30–16:00 trùng với 07:00–11:00." in text(response)

    form["opens_1"] = "13:00"
    response = browser.submit(
        f"/quan-tri/gio-lam-viec/{ward}", form | {"cutoff": "15:00"}, page="/quan-tri/gio-lam-viec"
    )
    assert response.status_code == 302
    page = text(browser.client.get(f"/quan-tri/gio-lam-viec?don_vi={ward}"))
    assert "Đang áp dụng: 07:00–11:00, 13:00–16:00" in page
    assert "tiếp nhận từ 15:00 trở đi" in page

    partner = agency_id(session_factory, PARTNER_WARD_CODE)
    assert browser.client.get(f"/quan-tri/gio-lam-viec?don_vi={partner}").status_code == 403
    response = browser.submit(
        f"/quan-tri/gio-lam-viec/{partner}",
        form | {"cutoff": "15:00"},
        page="/quan-tri/gio-lam-viec",
    )
    assert response.status_code == 403
    with session_factory() as session:
        owners = set(session.scalars(select(AgencyWorkingWindow.agency_id)))
    assert owners == {ward}


def test_auditor_reads_the_audit_log_and_nothing_else(browser, demo, session_factory):
    browser.login("quantritinh")
    browser.submit(
        "/quan-tri/lich-lam-viec",
        {"day": "05/01/2099", "kind": "day_off", "reason": "Nghỉ thêm"},
        page="/quan-tri/lich-lam-viec",
    )
    browser.client.post("/dang-xuat", data={"csrf_token": browser.token("/quan-tri/nhat-ky")})

    browser.login("thanhtra")
    home = text(browser.client.get("/quan-tri/nhat-ky"))
    assert "calendar_override_added" in home and "Lý Thị Kim" in home
    assert "Thêm ngày nghỉ/làm bù" in home
    assert 'href="/quan-tri/lich-lam-viec"' not in home
    for path in ["/quan-tri/", "/quan-tri/lich-lam-viec", *DEPLOYMENT_PAGES]:
        assert browser.client.get(path).status_code == 403

    filtered = text(browser.client.get("/quan-tri/nhat-ky?action=procedure_updated"))
    assert "Không có mục nào." in filtered
    bad = browser.client.get("/quan-tri/nhat-ky?date_from=hôm qua")
    assert bad.status_code == 400
    assert "„hôm qua” không phải ngày hợp lệ" in text(bad)

    csv = browser.client.get("/quan-tri/nhat-ky.csv")
    assert csv.mimetype == "text/csv"
    assert "calendar_override_added,calendar:2099-01-05" in text(csv)

    missing = text(browser.client.get("/quan-tri/nhat-ky?ho_so=KHONG-CO"))
    assert "Không tìm thấy hồ sơ KHONG-CO trong phạm vi đơn vị của bạn." in missing


def test_system_page_shows_workers_backlog_and_retries_failures(browser, demo, session_factory):
    with session_factory() as session, transaction(session):
        record_heartbeat(session, "may-chu-1:4242")
        for key, status in [("a", PENDING), ("b", FAILED), ("c", FAILED)]:
            session.add(
                OutboxMessage(
                    operation="notify/applicant",
                    payload={},
                    idempotency_key=key,
                    status=status,
                    last_error="OperationFailed: máy chủ không trả lời"
                    if status == FAILED
                    else None,
                    next_attempt_at=utcnow(),
                )
            )
    browser.login("quantri")
    assert browser.client.get("/quan-tri/he-thong").status_code == 403

    browser.client.post("/dang-xuat", data={"csrf_token": browser.token("/quan-tri/")})
    browser.login("quantritinh")
    page = text(browser.client.get("/quan-tri/he-thong"))
    assert "may-chu-1:4242" in page and "Đang hoạt động" in page
    assert "OperationFailed: máy chủ không trả lời" in page
    assert "Thử lại tất cả" in page

    with session_factory() as session:
        failed_id = session.scalar(
            select(OutboxMessage.id).where(OutboxMessage.idempotency_key == "b")
        )
    response = browser.submit(
        f"/quan-tri/he-thong/thu-lai/{failed_id}", {}, page="/quan-tri/he-thong"
    )
    assert response.status_code == 302
    with session_factory() as session:
        assert session.get(OutboxMessage, failed_id).status == PENDING
    response = browser.submit("/quan-tri/he-thong/thu-lai-tat-ca", {}, page="/quan-tri/he-thong")
    assert response.status_code == 302
    with session_factory() as session:
        statuses = set(session.scalars(select(OutboxMessage.status)))
    assert statuses == {PENDING}


def test_connector_page_lists_operations_and_never_shows_a_secret(browser, demo, session_factory):
    browser.login("quantri")
    assert browser.client.get("/quan-tri/ket-noi").status_code == 403
    browser.login("quantritinh")
    page = text(browser.client.get("/quan-tri/ket-noi"))
    assert "email/send" in page and "Gửi thư điện tử" in page

    new = {"provider": "email", "key": "smtp_password", "value": "mat-khau-rat-bi-mat"}
    response = browser.submit("/quan-tri/ket-noi", new | {"is_secret": "1"})
    assert response.status_code == 302
    page = text(browser.client.get("/quan-tri/ket-noi"))
    assert "mat-khau-rat-bi-mat" not in page
    assert "Đã đặt" in page

    with session_factory() as session:
        setting_id = session.scalar(select(ConnectorSetting.id))
    response = browser.submit("/quan-tri/ket-noi", {"setting_id": setting_id, "value": ""})
    assert response.status_code == 302
    with session_factory() as session:
        assert provider_settings(session, "email") == {"smtp_password": "mat-khau-rat-bi-mat"}

    response = browser.submit("/quan-tri/ket-noi", new | {"key": "1 sai"})
    assert response.status_code == 400
    assert "Tên thiết lập bắt đầu bằng chữ" in text(response)
    assert "mat-khau-rat-bi-mat" not in text(response)


def test_connector_page_shows_each_providers_settings_and_where_they_come_from(
    browser, demo, session_factory, monkeypatch
):
    from lxml import html

    from connectors.vnpay.client import vnpay_settings

    monkeypatch.setenv("MOTCUA_SMS_API_KEY", "khoa-tu-moi-truong")
    monkeypatch.delenv("MOTCUA_VNPAY_TMN_CODE", raising=False)
    browser.login("quantritinh")

    def row(provider: str, key: str) -> str:
        page = html.fromstring(browser.client.get("/quan-tri/ket-noi").text)
        (cell,) = page.xpath(f'//*[@id="setting-{provider}-{key}"]')
        values = cell.xpath(".//input[@name='value']/@value")
        return " ".join([*cell.text_content().split(), *values])

    for provider in ("vnpay", "einvoice", "sms", "email"):
        assert browser.client.get("/quan-tri/ket-noi").text.count(f'id="provider-{provider}"') == 1
    assert "Mặc định (hộp cát thử nghiệm)" in row("vnpay", "tmn_code")
    sms_key = row("sms", "api_key")
    assert "Biến môi trường" in sms_key
    assert "khoa-tu-moi-truong" not in browser.client.get("/quan-tri/ket-noi").text

    # switching VNPay to the real service is settings only
    real = {"provider": "vnpay", "key": "tmn_code", "value": "2QXUI4J4"}
    assert browser.submit("/quan-tri/ket-noi", real).status_code == 302
    secret = {"provider": "vnpay", "key": "hash_secret", "value": "SECRETOFTHEREALMERCHANT"}
    assert browser.submit("/quan-tri/ket-noi", secret).status_code == 302  # no is_secret sent
    assert "Đã lưu tại đây" in row("vnpay", "tmn_code")
    assert "2QXUI4J4" in row("vnpay", "tmn_code")
    assert "SECRETOFTHEREALMERCHANT" not in browser.client.get("/quan-tri/ket-noi").text
    with session_factory() as session:
        config = vnpay_settings(provider_settings(session, "vnpay"))
        stored_secret = session.scalar(
            select(ConnectorSetting.is_secret).where(ConnectorSetting.key == "hash_secret")
        )
    assert (config.tmn_code, config.hash_secret) == ("2QXUI4J4", "SECRETOFTHEREALMERCHANT")
    assert stored_secret is True


def test_connector_page_lists_the_national_payment_platform_and_momo_settings(
    browser, demo, session_factory, monkeypatch
):
    from lxml import html

    from connectors.momo.client import momo_settings
    from connectors.national_payment.client import national_payment_settings

    for name in ("MOTCUA_NATIONAL_PAYMENT_CLIENT_ID", "MOTCUA_NATIONAL_PAYMENT_KEY_2"):
        monkeypatch.delenv(name, raising=False)
    browser.login("quantritinh")
    page = browser.client.get("/quan-tri/ket-noi").text
    tree = html.fromstring(page)
    for provider, keys in {
        "national_payment": ("base_url", "client_id", "key_1", "key_2", "version"),
        "momo": ("partner_code", "access_key", "secret_key", "api_url"),
    }.items():
        assert page.count(f'id="provider-{provider}"') == 1
        for key in keys:
            assert tree.xpath(f'//*[@id="setting-{provider}-{key}"]'), (provider, key)
    assert "Nền tảng thanh toán Cổng Dịch vụ công quốc gia" in page
    assert "python -m connectors.national_payment.sandbox --port 5003" in page
    assert "python -m connectors.momo.sandbox --port 5004" in page
    assert "MOTCUA-NTTT-KEY2" not in page  # the sandbox's default secret is not shown either

    # pointing at the real platform is settings only
    for key, value in {"client_id": "000.00.01.H26", "key_2": "KHOA-THU-HAI-THAT"}.items():
        form = {"provider": "national_payment", "key": key, "value": value}
        assert browser.submit("/quan-tri/ket-noi", form).status_code == 302
    form = {"provider": "momo", "key": "api_url", "value": "https://test-payment.momo.vn"}
    assert browser.submit("/quan-tri/ket-noi", form).status_code == 302
    assert "KHOA-THU-HAI-THAT" not in browser.client.get("/quan-tri/ket-noi").text
    with session_factory() as session:
        national = national_payment_settings(provider_settings(session, "national_payment"))
        momo = momo_settings(provider_settings(session, "momo"))
    assert (national.client_id, national.key_2) == ("000.00.01.H26", "KHOA-THU-HAI-THAT")
    assert momo.api_url == "https://test-payment.momo.vn"
