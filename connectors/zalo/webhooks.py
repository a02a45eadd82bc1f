"""The events Zalo posts to our webhook for the OA: read and verified before anything is done.

Protocol, as Zalo's developer documentation states it (the ZNS webhook pages, quoted in several
public integrations) and integrators implement it for the OA events:
- POST, JSON body, e.g. {"app_id", "user_id_by_app", "event_name": "user_send_text",
  "timestamp": "<ms>", "sender": {"id": <user>}, "recipient": {"id": <OA>},
  "message": {"text", "msg_id"}};
- header `X-ZEvent-Signature: mac=<hex>`, where the mac is sha256(appId + data + timeStamp +
  OAsecretKey): a plain SHA-256 (not an HMAC) of the app id, the body exactly as sent, the
  event's `timestamp` and the OA's secret key (not the app's secret key);
- Zalo wants a 200 within about 2 seconds and delivers again otherwise, so an event can come
  twice: `message.msg_id` tells them apart.

Unverified (Zalo's own OA webhook pages were not available, only secondary sources):
- whether the header carries the `mac=` prefix; both forms are accepted;
- whether the timestamp signed is always the body's: some integrations read an
  `X-ZEvent-Timestamp` header, so when one is sent, a mac over it is accepted too;
- whether Zalo checks a new webhook URL with an unsigned empty body; one that is `{}` (or
  empty) without a signature is answered 200 and does nothing (`is_probe`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass

from connectors.zalo.client import ZaloSettings

SIGNATURE_HEADER = "X-ZEvent-Signature"
TIMESTAMP_HEADER = "X-ZEvent-Timestamp"
USER_SEND_TEXT = "user_send_text"
#: "mac=", also as the documentation writes it ("mac = ...")
MAC_PREFIX = re.compile(r"^mac\s*=\s*", re.IGNORECASE)


class InvalidSignature(Exception):
    """The event is not signed with our OA's secret key (or we have no key to check it)."""


class MalformedEvent(Exception):
    """The body is not a JSON object."""


@dataclass(frozen=True)
class TextMessage:
    """What a user wrote to the OA."""

    #: Zalo's id of the message: the same event delivered twice has the same one
    msg_id: str
    #: the user's id as the OA sees it: where the reply goes
    user_id: str
    text: str


@dataclass(frozen=True)
class ZaloEvent:
    name: str
    payload: dict

    @property
    def text_message(self) -> TextMessage | None:
        """The user's text for a `user_send_text` event naming its sender and message id."""
        if self.name != USER_SEND_TEXT:
            return None
        sender = self.payload.get("sender") or {}
        message = self.payload.get("message") or {}
        if not isinstance(sender, dict) or not isinstance(message, dict):
            return None
        msg_id, user_id = str(message.get("msg_id") or ""), str(sender.get("id") or "")
        if not msg_id or not user_id:
            return None
        return TextMessage(msg_id=msg_id, user_id=user_id, text=str(message.get("text") or ""))


def event_signature(app_id: str, body: bytes, timestamp: str, oa_secret_key: str) -> str:
    """sha256(appId + data + timeStamp + OAsecretKey), hex: what Zalo puts after `mac=`."""
    signed = app_id.encode() + body + timestamp.encode() + oa_secret_key.encode()
    return hashlib.sha256(signed).hexdigest()


def is_probe(body: bytes, headers: Mapping[str, str]) -> bool:
    """An unsigned empty body: Zalo checking that the URL answers (unverified), nothing to do."""
    return not headers.get(SIGNATURE_HEADER) and body.strip() in (b"", b"{}")


def read_event(body: bytes, headers: Mapping[str, str], settings: ZaloSettings) -> ZaloEvent:
    """The event, once its signature proves it comes from Zalo for our app and OA."""
    try:
        payload = json.loads(body)
    except ValueError as error:
        raise MalformedEvent("not JSON") from error
    if not isinstance(payload, dict):
        raise MalformedEvent("not a JSON object")
    if not settings.app_id or not settings.oa_secret_key:
        raise InvalidSignature("Zalo app_id or oa_secret_key is not configured")
    given = MAC_PREFIX.sub("", (headers.get(SIGNATURE_HEADER) or "").strip())
    timestamps = {str(payload.get("timestamp") or ""), headers.get(TIMESTAMP_HEADER) or ""}
    expected = [
        event_signature(settings.app_id, body, timestamp, settings.oa_secret_key)
        for timestamp in sorted(timestamps)
        if timestamp
    ]
    if not given or not any(hmac.compare_digest(given.lower(), mac) for mac in expected):
        raise InvalidSignature("X-ZEvent-Signature does not match")
    return ZaloEvent(name=str(payload.get("event_name") or ""), payload=payload)
