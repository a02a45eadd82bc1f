"""Table rows as JSON and back, by each column's type, the same on SQLite and PostgreSQL.

The archive holds plain JSON, so a backup taken from the embedded SQLite database restores into
PostgreSQL (and back): timestamps are ISO 8601 with their offset, dates ISO, decimals strings,
bytes base64. JSON columns keep their value as it is.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, LargeBinary, Numeric
from sqlalchemy import Date as DateType
from sqlalchemy import DateTime as DateTimeType
from sqlalchemy import Time as TimeType
from sqlalchemy.types import TypeDecorator


def encode(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    return value


def decoder(column: Column) -> Callable[[Any], Any]:
    """How to turn the column's JSON value back into what its type binds."""
    kind = column.type.impl if isinstance(column.type, TypeDecorator) else column.type
    if isinstance(kind, DateTimeType):
        return _optional(datetime.fromisoformat)
    if isinstance(kind, DateType):
        return _optional(date.fromisoformat)
    if isinstance(kind, TimeType):
        return _optional(time.fromisoformat)
    if isinstance(kind, Numeric) and kind.asdecimal:
        return _optional(Decimal)
    if isinstance(kind, LargeBinary):
        return _optional(base64.b64decode)
    return _same


def _optional(convert: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda value: None if value is None else convert(value)


def _same(value: Any) -> Any:
    return value
