"""Password hashing with argon2id, and the rules a new password must meet.

The cost is one of argon2-cffi's named profiles, RFC 9106's low-memory one unless
MOTCUA_ARGON2_PROFILE names another: the test suite sets CHEAPEST, since it creates hundreds of
accounts and a real hash costs ~50 ms by design. A hash records its own parameters, so
verification works whatever profile made it.
"""

import gzip
import os
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError

PROFILES = ("RFC_9106_LOW_MEMORY", "RFC_9106_HIGH_MEMORY", "CHEAPEST")


@cache
def _hasher() -> PasswordHasher:
    name = os.environ.get("MOTCUA_ARGON2_PROFILE", "RFC_9106_LOW_MEMORY")
    if name not in PROFILES:
        raise RuntimeError(f"MOTCUA_ARGON2_PROFILE must be one of {', '.join(PROFILES)}")
    return PasswordHasher.from_parameters(getattr(profiles, name))


def hash_password(password: str) -> str:
    return _hasher().hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher().verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 128
_LISTS = Path(__file__).parent
#: Royce Williams' 20,000 common passwords as Django ships them (see common-passwords-LICENSE.txt)
COMMON_PASSWORDS_FILE = _LISTS / "common-passwords.txt.gz"
#: a few Vietnamese ones of our own (the list above is mostly English)
VIETNAMESE_PASSWORDS_FILE = _LISTS / "vietnamese-common-passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as listed:
        common = {line.strip() for line in listed}
    lines = VIETNAMESE_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    common.update(line.strip() for line in lines if line.strip() and not line.startswith("#"))
    return frozenset(common)


def password_problem(
    password: str,
    *,
    username: str | None = None,
    email: str | None = None,
    personal: tuple[str | None, ...] = (),
) -> str | None:
    """The first rule a new password breaks, in Vietnamese, or None.

    Checked when a password is chosen (registration, a change or reset, an officer's account):
    a stored password is never re-checked, so existing users are not forced to change theirs.
    `personal` holds other things of the person's own (ID number, phone).
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Mật khẩu không được dài quá {MAX_PASSWORD_LENGTH} ký tự."
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        return "Mật khẩu phải có cả chữ cái và chữ số."
    lowered = password.lower()
    if lowered in common_passwords() or lowered.strip() in common_passwords():
        return (
            "Mật khẩu này nằm trong danh sách mật khẩu phổ biến, dễ bị đoán. "
            "Vui lòng chọn mật khẩu khác."
        )
    if username and _contains(lowered, username):
        return "Mật khẩu không được trùng hoặc chứa tên đăng nhập của bạn."
    if email and (_contains(lowered, email) or _contains(lowered, email.split("@")[0])):
        return "Mật khẩu không được trùng hoặc chứa địa chỉ thư điện tử của bạn."
    if any(item and _contains(lowered, item) for item in personal):
        return "Mật khẩu không được chứa số định danh, số điện thoại hoặc thư điện tử của bạn."
    return None


def _contains(lowered_password: str, value: str) -> bool:
    """`value` (3+ characters, so an initial is no match) appears in the password."""
    value = value.strip().lower()
    return len(value) >= 3 and value in lowered_password
