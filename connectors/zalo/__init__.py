"""Zalo, as two connector operations: `zalo/send-template` (a ZNS template message to a phone)
and `zalo/send-message` (an OA consultation text to a Zalo user, e.g. the answer to a lookup).

The rotating refresh token must outlive the process, so `perform` needs a token store. The
worker provides one through `set_token_store_factory` (engine/worker.py hands in the database
store of engine/connector_tokens/). A hook rather than a lazy `import engine...` inside `perform`:
the store needs the worker's session factory, which only the worker has; a lazy import would
open its own database engine behind the worker's back, and would hide the dependency on the
engine inside a function. connectors/ stays importable without the engine either way.

Without a factory `perform` fails (retryable) instead of falling back to memory: a refresh token
spent into a memory store is lost with the process, and the OA with it.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from connectors.contract import Operation, OperationFailed
from connectors.registry import register
from connectors.zalo.client import SETTINGS_PROVIDER, send_template, zalo_settings
from connectors.zalo.messages import send_message
from connectors.zalo.tokens import TokenStore

_token_store_factory: Callable[[], TokenStore] | None = None


def set_token_store_factory(factory: Callable[[], TokenStore] | None) -> None:
    """Where the Zalo operations keep their tokens; set once by the worker (None: unset)."""
    global _token_store_factory
    _token_store_factory = factory


def perform_send_template(payload: dict, idempotency_key: str, stored: Mapping[str, str]) -> dict:
    """The `zalo/send-template` operation; the idempotency key is Zalo's tracking_id."""
    settings = zalo_settings(stored)
    return send_template(
        payload.get("phone", ""),
        payload.get("template_id") or settings.zns_template_id,
        payload.get("template_data") or {},
        idempotency_key,
        settings,
        _token_store(),
    )


def perform_send_message(payload: dict, idempotency_key: str, stored: Mapping[str, str]) -> dict:
    """The `zalo/send-message` operation (Zalo's API takes no idempotency key)."""
    return send_message(
        str(payload.get("user_id", "")),
        str(payload.get("text", "")),
        zalo_settings(stored),
        _token_store(),
    )


def _token_store() -> TokenStore:
    if _token_store_factory is None:
        raise OperationFailed("Zalo: chưa cấu hình nơi lưu token (set_token_store_factory).")
    return _token_store_factory()


register(
    Operation(
        name="zalo/send-template",
        label="Gửi tin Zalo ZNS theo mẫu",
        waits_for_result=False,
        perform=perform_send_template,
        settings_provider=SETTINGS_PROVIDER,
        parameters=("phone", "template_id", "template_data"),
    )
)
register(
    Operation(
        name="zalo/send-message",
        label="Gửi tin nhắn tư vấn Zalo OA cho người dùng",
        waits_for_result=False,
        perform=perform_send_message,
        settings_provider=SETTINGS_PROVIDER,
        parameters=("user_id", "text"),
    )
)
