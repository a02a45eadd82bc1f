"""Where the keys that encrypt connector secrets come from.

`MOTCUA_SETTINGS_KEY` lists Fernet keys separated by commas: the first encrypts, every one
decrypts, so a key is rotated by putting the new one first, running `motcua settings rotate-key`
and then dropping the old one. Without the variable a development machine (`make run`, the
tests) uses a key generated once into var/settings.key (`MOTCUA_SETTINGS_KEY_FILE`), with a
warning; a production deployment (engine/deployment.py) refuses to start instead, because a key
kept beside the database protects nothing.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from cryptography.fernet import Fernet, MultiFernet

from engine.deployment import DeploymentRefused, is_production

SETTINGS_KEY_VARIABLE = "MOTCUA_SETTINGS_KEY"
KEY_FILE_VARIABLE = "MOTCUA_SETTINGS_KEY_FILE"
DEVELOPMENT_KEY_FILE = "var/settings.key"

log = logging.getLogger(__name__)


class SettingsKeyError(DeploymentRefused):
    """The keys cannot be had: missing in production, or not a Fernet key."""


MISSING_IN_PRODUCTION = (
    "Chưa đặt biến môi trường MOTCUA_SETTINGS_KEY (khóa mã hóa các thiết lập kết nối bí mật); "
    "hệ thống không khởi động ở chế độ production khi thiếu khóa. Tạo khóa bằng "
    '`python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`. '
    "(MOTCUA_SETTINGS_KEY is not set: production refuses to start without the key that "
    "encrypts connector secrets.)"
)


def settings_keys(environ: Mapping[str, str] | None = None) -> MultiFernet:
    """The keys in force for this process; raises SettingsKeyError when there are none."""
    env = os.environ if environ is None else environ
    listed = tuple(key.strip() for key in env.get(SETTINGS_KEY_VARIABLE, "").split(","))
    listed = tuple(key for key in listed if key)
    if listed:
        return _keys(listed)
    if is_production(env):
        raise SettingsKeyError(MISSING_IN_PRODUCTION)
    return _keys((_development_key(env.get(KEY_FILE_VARIABLE) or DEVELOPMENT_KEY_FILE),))


@lru_cache(maxsize=16)
def _keys(listed: tuple[str, ...]) -> MultiFernet:
    fernets = []
    for number, key in enumerate(listed, start=1):
        try:
            fernets.append(Fernet(key))
        except (ValueError, TypeError):
            raise SettingsKeyError(
                f"MOTCUA_SETTINGS_KEY: khóa thứ {number} không phải khóa Fernet hợp lệ "
                "(32 byte mã hóa base64 URL-safe, 44 ký tự). "
                f"(Key number {number} in MOTCUA_SETTINGS_KEY is not a valid Fernet key.)"
            ) from None
    return MultiFernet(fernets)


@lru_cache(maxsize=16)
def _development_key(path: str) -> str:
    """The development key in `path`, generated on first use; web, worker and CLI started
    from the same folder share it."""
    file = Path(path)
    if not file.exists():
        file.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process of this machine made it first: use that one
        else:
            with os.fdopen(descriptor, "w") as out:
                out.write(Fernet.generate_key().decode() + "\n")
    log.warning(
        "MOTCUA_SETTINGS_KEY chưa đặt: thiết lập kết nối bí mật được mã hóa bằng khóa phát triển "
        "trong %s. Chỉ dùng cho máy phát triển; production phải đặt MOTCUA_SETTINGS_KEY.",
        file,
    )
    return file.read_text().strip()
