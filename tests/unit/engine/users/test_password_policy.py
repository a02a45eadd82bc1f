"""The password policy: 10+ characters, not a common password, not the person's own name or
address; one Vietnamese message per rule, checked only when a password is chosen."""

from __future__ import annotations

import pytest

from engine.db import transaction
from engine.users.models import User
from engine.users.passwords import common_passwords, hash_password, password_problem

PERSON = {"username": "thuly.lan", "email": "lan.ngo@example.vn", "personal": ("0987654321",)}


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("abc12345", "Mật khẩu phải có ít nhất 10 ký tự."),
        ("a1" * 65, "Mật khẩu không được dài quá 128 ký tự."),
        ("chuacochuso", "Mật khẩu phải có cả chữ cái và chữ số."),
        ("password123", "nằm trong danh sách mật khẩu phổ biến"),
        ("PASSWORD123", "nằm trong danh sách mật khẩu phổ biến"),
        ("AnhYeuEm123", "nằm trong danh sách mật khẩu phổ biến"),
        ("Thuly.Lan2026", "không được trùng hoặc chứa tên đăng nhập"),
        ("lan.ngo@example.vn1", "không được trùng hoặc chứa địa chỉ thư điện tử"),
        ("xx-lan.ngo-2026", "không được trùng hoặc chứa địa chỉ thư điện tử"),
        ("so0987654321", "số định danh, số điện thoại"),
    ],
)
def test_each_rule_has_its_own_message(password, message):
    assert message in (password_problem(password, **PERSON) or "")


def test_a_good_password_passes():
    assert password_problem("Cau-thang-9-bac", **PERSON) is None
    assert password_problem("motcua2026", **PERSON) is None  # the demo accounts' password


def test_the_shipped_list_is_the_public_one():
    common = common_passwords()
    assert len(common) > 19_000
    assert {"123456", "qwerty", "iloveyou", "1234567890", "matkhau123"} <= common


def test_pages_refuse_a_common_password_and_the_username(browser, demo, session_factory):
    answer = browser.submit(
        "/dang-ky",
        {
            "full_name": "Trần Thị Mai",
            "id_number": "001195012345",
            "email": "mai.tran@example.vn",
            "password": "qwertyuiop1",
            "password_again": "qwertyuiop1",
        },
    )
    assert answer.status_code == 400
    assert "Mật khẩu này nằm trong danh sách mật khẩu phổ biến, dễ bị đoán." in answer.text

    browser.login("congdan")
    answer = browser.submit(
        "/tai-khoan/doi-mat-khau",
        {"current": "motcua2026", "new": "congdan-2026", "new_again": "congdan-2026"},
    )
    assert answer.status_code == 400
    assert "Mật khẩu không được trùng hoặc chứa tên đăng nhập của bạn." in answer.text


def test_an_existing_short_password_still_signs_in(browser, demo, session_factory):
    with session_factory() as session, transaction(session):
        user = session.query(User).filter_by(username="congdan").one()
        user.password_hash = hash_password("cu1234")  # chosen under an older, weaker rule
    answer = browser.login("congdan", "cu1234")
    assert answer.status_code == 302 and "/dang-nhap" not in answer.headers["Location"]
