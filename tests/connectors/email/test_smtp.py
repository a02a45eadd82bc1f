"""The e-mail connector talks SMTP to the local sandbox server, which keeps what it received."""

import mailbox

import pytest

from connectors.contract import OperationFailed
from connectors.email.client import SmtpSettings, send_email, settings_from_env, smtp_settings
from connectors.email.sandbox import MailSandbox, free_port
from connectors.registry import find_operation


@pytest.fixture
def smtp(tmp_path):
    sandbox = MailSandbox(maildir=tmp_path / "mail").start()
    yield sandbox
    sandbox.stop()


def test_message_arrives_over_smtp_with_vietnamese_text(smtp, tmp_path):
    settings = settings_from_env(smtp.environment)
    result = send_email(
        {"to": "an@example.vn", "subject": "Mã xác minh: 123456", "body": "Xin chào Nguyễn Văn An"},
        "email:verify:1",
        settings,
    )
    message = smtp.wait_for("an@example.vn")
    assert message["Subject"] == "Mã xác minh: 123456"
    assert message.get_content().strip() == "Xin chào Nguyễn Văn An"
    assert message["Message-ID"] == result["message_id"] == "<email-verify-1@motcua>"
    stored = list(mailbox.Maildir(tmp_path / "mail"))
    assert [m["To"] for m in stored] == ["an@example.vn"]


def test_unreachable_server_is_a_retryable_failure():
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2)
    with pytest.raises(OperationFailed):
        send_email({"to": "a@example.vn", "subject": "x", "body": "y"}, "k", settings)


def test_registered_as_email_send_operation(smtp, monkeypatch):
    for name, value in smtp.environment.items():
        monkeypatch.setenv(name, value)
    operation = find_operation("email/send")
    assert operation is not None and not operation.waits_for_result
    operation.perform({"to": "b@example.vn", "subject": "Chào", "body": "Nội dung"}, "k2", {})
    assert smtp.wait_for("b@example.vn")["Subject"] == "Chào"


def test_stored_settings_win_over_the_environment(smtp, monkeypatch):
    monkeypatch.setenv("MOTCUA_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("MOTCUA_SMTP_PORT", str(free_port()))
    stored = {"port": smtp.environment["MOTCUA_SMTP_PORT"], "from": "UBND phường <mc@ubnd.vn>"}
    find_operation("email/send").perform(
        {"to": "c@example.vn", "subject": "Cấu hình", "body": "Từ trang Kết nối"}, "k3", stored
    )
    message = smtp.wait_for("c@example.vn")
    assert message["From"] == "UBND phường <mc@ubnd.vn>"


def test_a_bad_stored_port_is_a_failure_the_worker_reports():
    with pytest.raises(OperationFailed, match="SMTP"):
        smtp_settings({"port": "hai mươi lăm"}, environ={})
