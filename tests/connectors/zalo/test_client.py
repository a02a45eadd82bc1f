"""The Zalo connector over real HTTP against the sandbox, tokens kept in memory or the database."""

import threading
from datetime import UTC, datetime, timedelta

import pytest
import requests

import connectors.zalo
from connectors.contract import OperationFailed, OperationRefused
from connectors.phones import normalise_phone
from connectors.registry import find_operation
from connectors.zalo.client import refresh_tokens, send_template, zalo_settings
from connectors.zalo.sandbox import NOT_ZALO_USER, SANDBOX_REFRESH_TOKEN, ZaloSandbox
from connectors.zalo.tokens import MemoryTokenStore, Tokens
from engine.connector_tokens.models import ConnectorToken
from engine.connector_tokens.store import DatabaseTokenStore, install_token_stores

DATA = {"ho_ten": "Nguyễn Văn An", "ma_ho_so": "000.00.01.H01-261205-0001"}


@pytest.mark.parametrize(
    "given", ["0912345678", "+84 912 345 678", "84912345678", "0912.345.678", "(+84) 912-345-678"]
)
def test_phone_numbers_are_normalised_to_84(given):
    assert normalise_phone(given) == "84912345678"


@pytest.mark.parametrize("given", ["", "12345", "091234567", "0212345678", "849123456789", "abc"])
def test_an_invalid_phone_is_refused_in_vietnamese(given):
    with pytest.raises(OperationRefused) as refused:
        normalise_phone(given)
    assert refused.value.code == "invalid_phone"
    assert "Số điện thoại không hợp lệ" in refused.value.message


def test_message_arrives_with_template_id_data_and_tracking_id(zalo, settings):
    store = MemoryTokenStore()
    result = send_template("0912 345 678", "231456", DATA, "notify:42", settings, store)
    [message] = zalo.messages
    assert message["phone"] == "84912345678"
    assert message["template_id"] == "231456"
    assert message["template_data"] == DATA
    assert message["tracking_id"] == "notify:42"
    assert result["delivered"] and result["msg_id"] == message["msg_id"]
    assert zalo.refreshes == [SANDBOX_REFRESH_TOKEN]  # the first send fetched an access token


def test_expired_token_is_refreshed_and_the_rotated_refresh_token_persisted(
    zalo, settings, session_factory
):
    store = DatabaseTokenStore(session_factory, "zalo")
    send_template("0912345678", "1", DATA, "k1", settings, store)
    first = store.get()
    zalo.expire_tokens()  # the sandbox says -124; the stored expiry still looks fine
    send_template("0912345678", "1", DATA, "k2", settings, store)
    with session_factory() as session:
        row = session.query(ConnectorToken).filter_by(provider="zalo").one()
    # stored sealed: the row holds neither token in clear
    assert first.refresh_token not in row.refresh_token + row.access_token
    assert row.refresh_token.startswith("fernet:") and row.access_token.startswith("fernet:")
    stored = store.get()
    assert stored.refresh_token != first.refresh_token
    assert stored.access_token != first.access_token
    assert stored.refresh_token not in row.refresh_token
    assert zalo.refreshes == [SANDBOX_REFRESH_TOKEN, first.refresh_token]
    assert [m["tracking_id"] for m in zalo.messages] == ["k1", "k2"]
    # the spent refresh token is refused by Zalo from now on
    with pytest.raises(OperationFailed, match="-14014"):
        refresh_tokens(settings, first.refresh_token)
    assert zalo.valid_refresh_tokens() == {stored.refresh_token}


def test_a_stored_expiry_in_the_past_refreshes_before_sending(zalo, settings):
    store = MemoryTokenStore()
    send_template("0912345678", "1", DATA, "a", settings, store)
    old = store.get()
    store.save(Tokens(old.access_token, old.refresh_token, datetime.now(UTC) - timedelta(1)))
    send_template("0912345678", "1", DATA, "b", settings, store)
    assert len(zalo.refreshes) == 2 and store.get().refresh_token != old.refresh_token


def test_a_second_refresh_uses_the_new_refresh_token(zalo, settings, session_factory):
    store = DatabaseTokenStore(session_factory, "zalo")
    for key in ("r1", "r2", "r3"):
        zalo.expire_tokens()
        send_template("0912345678", "1", DATA, key, settings, store)
    assert len(zalo.refreshes) == len(set(zalo.refreshes)) == 3
    assert len(zalo.messages) == 3


def test_racing_workers_spend_one_refresh_token_once(zalo, settings, session_factory):
    """Both see the same stale pair; the second waits on the lock and takes the first's."""
    store = DatabaseTokenStore(session_factory, "zalo")
    send_template("0912345678", "1", DATA, "warm", settings, store)
    zalo.expire_tokens()
    stale = store.get()
    results, errors = [], []

    def worker(key: str) -> None:
        try:
            results.append(store.rotate(stale, "", lambda token: refresh_tokens(settings, token)))
            send_template("0912345678", "1", DATA, key, settings, store)
        except Exception as error:  # surfaced below
            errors.append(error)

    threads = [threading.Thread(target=worker, args=(f"w{n}",)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert errors == []
    assert results[0] == results[1]
    assert zalo.refreshes == [SANDBOX_REFRESH_TOKEN, stale.refresh_token]
    assert sorted(m["tracking_id"] for m in zalo.messages) == ["w0", "w1", "warm"]


def test_a_phone_without_zalo_is_refused(zalo, settings):
    with pytest.raises(OperationRefused) as refused:
        send_template(NOT_ZALO_USER, "1", DATA, "k", settings, MemoryTokenStore())
    assert refused.value.code == "zalo-118"
    assert "chưa dùng Zalo" in refused.value.message
    assert zalo.messages == []


def test_an_unknown_template_is_refused():
    sandbox = ZaloSandbox(templates={"231456"}).start()
    try:
        settings = zalo_settings({}, sandbox.environment)
        with pytest.raises(OperationRefused) as refused:
            send_template("0912345678", "999", DATA, "k", settings, MemoryTokenStore())
        assert refused.value.code == "zalo-109"
    finally:
        sandbox.stop()


def test_sandbox_down_is_a_retryable_failure_then_delivered(zalo, settings):
    store = MemoryTokenStore()
    send_template("0912345678", "1", DATA, "before", settings, store)
    zalo.down = True
    with pytest.raises(OperationFailed, match="503"):
        send_template("0912345678", "1", DATA, "retry", settings, store)
    zalo.down = False
    send_template("0912345678", "1", DATA, "retry", settings, store)
    assert [m["tracking_id"] for m in zalo.messages] == ["before", "retry"]


def test_an_unreachable_zalo_is_a_retryable_failure(settings):
    from connectors.email.sandbox import free_port

    gone = zalo_settings({"api_base": f"http://127.0.0.1:{free_port()}"}, {})
    store = MemoryTokenStore(Tokens("a", "r", datetime.now(UTC) + timedelta(hours=1)))
    with pytest.raises(OperationFailed):
        send_template("0912345678", "1", DATA, "k", gone, store)


def test_sandbox_speaks_zalo_fields(zalo):
    answer = requests.post(
        f"{zalo.base_url}/message/template",
        headers={"access_token": "nope"},
        json={"phone": "84912345678", "template_id": "1", "template_data": {}},
        timeout=5,
    ).json()
    assert answer["error"] == -124


def test_registered_operation_uses_the_installed_database_store(zalo, session_factory):
    operation = find_operation("zalo/send-template")
    assert operation.parameters == ("phone", "template_id", "template_data")
    assert operation.settings_provider == "zalo" and not operation.waits_for_result
    stored = {key.removeprefix("MOTCUA_ZALO_").lower(): v for key, v in zalo.environment.items()}
    install_token_stores(session_factory)
    try:
        result = operation.perform(
            {"phone": "0912345678", "template_id": "7", "template_data": DATA}, "outbox:9", stored
        )
    finally:
        connectors.zalo.set_token_store_factory(None)
    assert result["msg_id"] == zalo.messages[0]["msg_id"]
    with session_factory() as session:
        assert session.query(ConnectorToken).filter_by(provider="zalo").one().access_token


def test_without_a_token_store_the_operation_waits_for_one():
    connectors.zalo.set_token_store_factory(None)
    with pytest.raises(OperationFailed, match="token"):
        find_operation("zalo/send-template").perform({"phone": "0912345678"}, "k", {})


def test_a_new_refresh_token_in_the_settings_revives_a_dead_chain(zalo, session_factory):
    """The stored chain was lost (refresh token revoked); the administrator authorises the OA
    again and stores the new refresh token: the next send spends it."""
    store = DatabaseTokenStore(session_factory, "zalo")
    store.save(Tokens("dead", "revoked", datetime.now(UTC) - timedelta(1)))
    dead = zalo_settings(
        {"refresh_token": ""}, {**zalo.environment, "MOTCUA_ZALO_REFRESH_TOKEN": ""}
    )
    with pytest.raises(OperationFailed, match="cấp lại refresh token"):
        send_template("0912345678", "1", DATA, "k", dead, store)
    revived = zalo_settings({}, zalo.environment)
    send_template("0912345678", "1", DATA, "k", revived, store)
    assert zalo.refreshes == [SANDBOX_REFRESH_TOKEN]
    assert store.get().refresh_token in zalo.valid_refresh_tokens()
