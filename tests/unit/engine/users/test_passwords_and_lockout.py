"""Reset by mailed code, change, lock-out per account and per address, session expiry."""

import time

import pytest
from argon2 import extract_parameters, profiles

from engine.users import passwords
from engine.users.lockout import IP_MAX_FAILURES
from engine.users.models import User

EMAIL = "an.nguyen@example.vn"  # the demo citizen `congdan`


def test_reset_forgotten_password_with_the_mailed_code(browser, client, demo, mailbox):
    answer = browser.submit("/quen-mat-khau", {"email": EMAIL})
    assert answer.status_code == 302
    code = mailbox.latest_code(EMAIL)
    assert "đặt lại mật khẩu" in mailbox.smtp.wait_for(EMAIL)["Subject"]

    answer = browser.submit(
        f"/dat-lai-mat-khau?email={EMAIL}",
        {"email": EMAIL, "code": code, "new": "moi2026abc", "new_again": "moi2026abc"},
    )
    assert answer.status_code == 302
    assert browser.login("congdan", "motcua2026").status_code == 401
    assert browser.login("congdan", "moi2026abc").status_code == 302


def test_reset_with_a_wrong_code_keeps_the_password(browser, demo, mailbox):
    browser.submit("/quen-mat-khau", {"email": EMAIL})
    code = mailbox.latest_code(EMAIL)
    wrong = "000000" if code != "000000" else "111111"
    answer = browser.submit(
        "/dat-lai-mat-khau",
        {"email": EMAIL, "code": wrong, "new": "moi2026abc", "new_again": "moi2026abc"},
    )
    assert answer.status_code == 400
    assert "Mã không đúng" in answer.get_data(as_text=True)
    assert browser.login("congdan", "motcua2026").status_code == 302


def test_forgot_password_does_not_tell_whether_an_account_exists(browser, demo, mailbox):
    known = browser.submit("/quen-mat-khau", {"email": EMAIL}, follow_redirects=True)
    unknown = browser.submit("/quen-mat-khau", {"email": "ai@example.vn"}, follow_redirects=True)
    assert "Nếu địa chỉ này thuộc một tài khoản" in unknown.get_data(as_text=True)
    assert known.status_code == unknown.status_code == 200
    assert mailbox.deliver() == 1


def test_change_password_ends_other_sessions(app, browser, client, demo):
    other = app.test_client()
    from tests.conftest import Browser

    Browser(other).login("congdan")
    browser.login("congdan")
    answer = browser.submit(
        "/tai-khoan/doi-mat-khau",
        {"current": "motcua2026", "new": "doimoi2026", "new_again": "doimoi2026"},
    )
    assert answer.status_code == 302
    assert client.get("/ho-so-cua-toi").status_code == 200
    ended = other.get("/ho-so-cua-toi")
    assert ended.status_code == 302 and "/dang-nhap" in ended.headers["Location"]


def test_change_password_needs_the_current_one(browser, demo):
    browser.login("congdan")
    answer = browser.submit(
        "/tai-khoan/doi-mat-khau",
        {"current": "sai-mat-khau1", "new": "doimoi2026", "new_again": "doimoi2026"},
    )
    assert answer.status_code == 400
    assert "Mật khẩu hiện tại không đúng." in answer.get_data(as_text=True)


def test_five_failures_lock_the_account_for_fifteen_minutes(browser, demo, session):
    for _ in range(4):
        assert browser.login("congdan", "sai-mat-khau").status_code == 401
    answer = browser.login("congdan", "sai-mat-khau")
    assert "Tài khoản tạm khoá" in answer.get_data(as_text=True)
    answer = browser.login("congdan", "motcua2026")
    assert answer.status_code == 401
    assert "thử lại sau 15 phút" in answer.get_data(as_text=True)

    user = session.query(User).filter_by(username="congdan").one()
    user.locked_until = user.locked_until.replace(year=2000)
    session.commit()
    assert browser.login("congdan", "motcua2026").status_code == 302


def test_one_address_is_throttled_across_accounts(browser, demo):
    for number in range(IP_MAX_FAILURES):
        browser.login(f"khong-ton-tai-{number}", "sai")
    answer = browser.login("congdan", "motcua2026")
    assert answer.status_code == 401
    assert "quá nhiều lần đăng nhập sai từ địa chỉ này" in answer.get_data(as_text=True)


def test_idle_session_expires(browser, client, demo):
    browser.login("congdan")
    assert client.get("/ho-so-cua-toi").status_code == 200
    with client.session_transaction() as cookie:
        cookie["last_seen"] = time.time() - 31 * 60
    answer = client.get("/ho-so-cua-toi", follow_redirects=True)
    assert "hết hạn do không hoạt động" in answer.get_data(as_text=True)
    assert client.get("/ho-so-cua-toi").status_code == 302


def test_session_has_an_absolute_limit_even_when_active(browser, client, demo):
    browser.login("congdan")
    with client.session_transaction() as cookie:
        cookie["signed_in_at"] = time.time() - 9 * 3600
    answer = client.get("/ho-so-cua-toi", follow_redirects=True)
    assert "quá thời hạn" in answer.get_data(as_text=True)


def test_the_hash_cost_comes_from_a_named_argon2_profile(monkeypatch):
    cheap = passwords.hash_password("motcua2026")  # the suite runs with CHEAPEST
    monkeypatch.setenv("MOTCUA_ARGON2_PROFILE", "RFC_9106_LOW_MEMORY")
    passwords._hasher.cache_clear()
    try:
        real = passwords.hash_password("motcua2026")
        assert extract_parameters(real) == profiles.RFC_9106_LOW_MEMORY
        # a hash carries its own parameters: both verify whatever the profile now is
        assert passwords.verify_password(cheap, "motcua2026")
        assert passwords.verify_password(real, "motcua2026")
        monkeypatch.setenv("MOTCUA_ARGON2_PROFILE", "nhanh")
        passwords._hasher.cache_clear()
        with pytest.raises(RuntimeError, match="MOTCUA_ARGON2_PROFILE"):
            passwords.hash_password("motcua2026")
    finally:
        monkeypatch.undo()
        passwords._hasher.cache_clear()
