"""Cursor pagination: an opaque cursor (the last id seen, base64), `limit`, `next_cursor`."""

from __future__ import annotations

import base64
from collections.abc import Callable, Sequence

from marshmallow import Schema, fields, validate

from engine.errors import InvalidInput

DEFAULT_LIMIT = 20
MAX_LIMIT = 100


class PageArgs(Schema):
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(1, MAX_LIMIT))
    cursor = fields.String(load_default=None)


def encode_cursor(last_id: int) -> str:
    return base64.urlsafe_b64encode(f"id:{last_id}".encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        kind, _, value = text.partition(":")
        if kind != "id":
            raise ValueError(text)
        return int(value)
    except (ValueError, UnicodeDecodeError) as error:
        raise InvalidInput(
            "Con trỏ trang không hợp lệ.", {"cursor": "Con trỏ trang không hợp lệ."}
        ) from error


def keyset_page(read: Callable[[int, int], Sequence], args: dict) -> dict:
    """One page after the cursor, and the cursor of the next: `read(after_id, count)` asks the
    database for just those rows, by id."""
    return _page_of(read(decode_cursor(args.get("cursor")), args["limit"] + 1), args["limit"])


def _page_of(rows: Sequence, limit: int) -> dict:
    chosen = list(rows[:limit])
    more = len(rows) > limit
    return {"items": chosen, "next_cursor": encode_cursor(chosen[-1].id) if more else None}


def page_schema(item_schema: type[Schema], name: str) -> type[Schema]:
    return Schema.from_dict(
        {
            "items": fields.List(fields.Nested(item_schema)),
            "next_cursor": fields.String(allow_none=True),
        },
        name=name,
    )
