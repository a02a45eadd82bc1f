"""Registering through the pages; the verification code is read from the SMTP sandbox."""

from datetime import timedelta

from engine.outbox.models import OutboxMessage
from engine.timestamps import utcnow
from engine.users.models import AccountCode, User

CCCD = "001195012345"
EMAIL = "mai.tran@example.vn"


def register(browser, **changes):
    data = {
        "full_name": "Trần Thị Mai",
        "id_number": CCCD,
        "email": EMAIL,
        "phone": "0987654321",
        "password": "matkhau2026",
        "password_again": "matkhau2026",
        **changes,
    }
    return browser.submit("/dang-ky", data)


def test_register_verify_by_mailed_code_then_sign_in(browser, client, mailbox, session):
    answer = register(browser)
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/xac-minh")

    mailbox.deliver()
    message = mailbox.smtp.wait_for(EMAIL)
    assert "Mã xác minh" in message["Subject"]
    assert "Trần Thị Mai" in message.get_content()
    code = mailbox.latest_code(EMAIL)

    answer = browser.submit("/xac-minh", {"code": code})
    assert answer.status_code == 302
    home = client.get("/").get_data(as_text=True)
    assert "Trần Thị Mai" in home

    client.post("/dang-xuat", data={"csrf_token": browser.token("/")})
    assert browser.login(EMAIL, "matkhau2026").status_code == 302
    assert browser.login("0987654321", "matkhau2026").status_code == 302


def test_unverified_account_cannot_sign_in_yet(browser, client, mailbox):
    register(browser)
    client.get("/")
    with client.session_transaction() as cookie:
        cookie.clear()
    answer = browser.login(EMAIL, "matkhau2026")
    assert answer.status_code == 302 and answer.headers["Location"].endswith("/xac-minh")
    page = client.get("/xac-minh").get_data(as_text=True)
    assert "chưa xác minh thư điện tử" in page
    assert client.get("/ho-so-cua-toi").status_code == 302


def test_wrong_code_is_refused_and_counted(browser, client, mailbox, session):
    register(browser)
    code = mailbox.latest_code(EMAIL)
    wrong = "000000" if code != "000000" else "111111"
    answer = browser.submit("/xac-minh", {"code": wrong})
    assert answer.status_code == 400
    assert "Mã không đúng. Bạn còn 4 lần thử." in answer.get_data(as_text=True)
    for _ in range(4):
        browser.submit("/xac-minh", {"code": wrong})
    answer = browser.submit("/xac-minh", {"code": code})
    assert "Không có mã còn hiệu lực" in answer.get_data(as_text=True)
    user = session.query(User).filter_by(email=EMAIL).one()
    assert user.email_verified_at is None


def test_resend_replaces_the_code(browser, mailbox, session):
    register(browser)
    first = mailbox.latest_code(EMAIL)
    session.query(OutboxMessage).delete()
    for row in session.query(AccountCode):
        row.created_at = utcnow() - timedelta(minutes=2)
    session.commit()
    browser.submit("/xac-minh/gui-lai", {}, page="/xac-minh")
    mailbox.smtp.messages.clear()
    second = mailbox.latest_code(EMAIL)
    if first != second:
        answer = browser.submit("/xac-minh", {"code": first})
        assert answer.status_code == 400
    assert browser.submit("/xac-minh", {"code": second}).status_code == 302


def test_field_errors_in_vietnamese(browser, demo):
    answer = register(
        browser, id_number="12345", email="khong-hop-le", password="abc", password_again="abc"
    )
    page = answer.get_data(as_text=True)
    assert answer.status_code == 400
    assert "Số CCCD phải gồm 12 chữ số." in page
    assert "Địa chỉ thư điện tử không hợp lệ." in page
    assert "Mật khẩu phải có ít nhất 10 ký tự." in page


def test_id_number_already_registered(browser, demo):
    answer = register(browser, id_number="074090001234", email="khac@example.vn", phone="")
    assert "Số CCCD này đã có tài khoản" in answer.get_data(as_text=True)


def test_phone_only_account_signs_in_at_once(browser, client, session):
    answer = register(browser, email="", phone="0977000111")
    assert answer.status_code == 302
    assert "Trần Thị Mai" in client.get("/").get_data(as_text=True)
    assert session.query(OutboxMessage).count() == 0


def test_registration_without_csrf_token_is_refused(client):
    answer = client.post("/dang-ky", data={"full_name": "A", "id_number": CCCD})
    assert answer.status_code == 400
