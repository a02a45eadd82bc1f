"""Password hashing with argon2id.

The cost is one of argon2-cffi's named profiles, RFC 9106's low-memory one unless
MOTCUA_ARGON2_PROFILE names another: the test suite sets CHEAPEST, since it creates hundreds of
accounts and a real hash costs ~50 ms by design. A hash records its own parameters, so
verification works whatever profile made it.
"""

import os
from functools import cache

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


MIN_PASSWORD_LENGTH = 8


def password_problem(password: str, *, personal: tuple[str | None, ...] = ()) -> str | None:
    """The rule citizens read: 8+ characters, a letter and a digit, not their own ID or phone."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Mật khẩu phải có ít nhất {MIN_PASSWORD_LENGTH} ký tự."
    if len(password) > 128:
        return "Mật khẩu không được dài quá 128 ký tự."
    if not any(ch.isalpha() for ch in password) or not any(ch.isdigit() for ch in password):
        return "Mật khẩu phải có cả chữ cái và chữ số."
    lowered = password.lower()
    if any(item and item.lower() in lowered for item in personal):
        return "Mật khẩu không được chứa số định danh, số điện thoại hoặc thư điện tử của bạn."
    return None
