"""Dossier statuses as data: each internal status, its national code and what it does to the clock.

The legal basis moves; a new circular means a new statuses.json, not new code.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path

_FILE = Path(__file__).with_name("statuses.json")


@dataclass(frozen=True)
class Status:
    code: str
    national: int
    label: str
    #: not_started / running / paused / stopped / finished
    clock: str
    final: bool = False


@cache
def all_statuses() -> dict[str, Status]:
    data = json.loads(_FILE.read_text(encoding="utf-8"))
    return {code: Status(code=code, **fields) for code, fields in data["statuses"].items()}


def get_status(code: str) -> Status:
    try:
        return all_statuses()[code]
    except KeyError:
        raise ValueError(f"unknown dossier status {code!r}") from None


def status_label(code: str) -> str:
    return get_status(code).label
