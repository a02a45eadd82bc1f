"""Sealing a secret for the database and revealing it for the connector that needs it.

A sealed value is `fernet:` followed by the Fernet token, so a row says by itself whether it is
encrypted (a value stored before encryption came in reads as it is until the migration or
`motcua settings rotate-key` seals it). An empty value stays empty: "not set" is no secret.
"""

from __future__ import annotations

from collections.abc import Mapping

from cryptography.fernet import InvalidToken

from engine.encryption.keys import settings_keys
from engine.errors import MotcuaError

PREFIX = "fernet:"


class SecretUnreadable(MotcuaError):
    """A stored secret was sealed with a key that MOTCUA_SETTINGS_KEY no longer lists."""

    def __init__(self, where: str = ""):
        named = f" ({where})" if where else ""
        super().__init__(
            f"Không giải mã được thiết lập kết nối bí mật{named}: khóa trong MOTCUA_SETTINGS_KEY "
            "không khớp khóa đã mã hóa giá trị. Thêm lại khóa cũ vào cuối danh sách "
            "MOTCUA_SETTINGS_KEY, hoặc nhập lại giá trị tại Quản trị › Kết nối."
        )
        self.where = where


def is_sealed(stored: str | None) -> bool:
    return bool(stored) and stored.startswith(PREFIX)


def seal(plain: str, environ: Mapping[str, str] | None = None) -> str:
    """The value as the database keeps it; sealing an already sealed value changes nothing."""
    if not plain or is_sealed(plain):
        return plain
    return PREFIX + settings_keys(environ).encrypt(plain.encode()).decode()


def reveal(stored: str, where: str = "", environ: Mapping[str, str] | None = None) -> str:
    """The plain value; raises SecretUnreadable when no key in force opens it."""
    if not is_sealed(stored):
        return stored
    try:
        return settings_keys(environ).decrypt(stored.removeprefix(PREFIX).encode()).decode()
    except InvalidToken:
        raise SecretUnreadable(where) from None


def is_readable(stored: str, environ: Mapping[str, str] | None = None) -> bool:
    """Whether the keys in force open the value (a plain or empty value always reads)."""
    try:
        reveal(stored, environ=environ)
    except SecretUnreadable:
        return False
    return True


def reseal(stored: str, where: str = "", environ: Mapping[str, str] | None = None) -> str:
    """The value sealed with the first key: a rotation step, and sealing of a plain value."""
    if not stored:
        return stored
    if not is_sealed(stored):
        return seal(stored, environ)
    try:
        token = settings_keys(environ).rotate(stored.removeprefix(PREFIX).encode())
    except InvalidToken:
        raise SecretUnreadable(where) from None
    return PREFIX + token.decode()
