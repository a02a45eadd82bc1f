"""Whether this process runs a real deployment, where development shortcuts are refused.

`MOTCUA_ENV=production` says so explicitly; `MOTCUA_HTTPS=1` (the app behind HTTPS, which
already makes the session cookie secure) says so too. `make run` and the tests set neither.
A deployment refuses to start (DeploymentRefused, with the reason in Vietnamese and English)
rather than run on a development default that anyone can read in this repository.
"""

from __future__ import annotations

import os
from collections.abc import Mapping

SECRET_KEY_VARIABLE = "MOTCUA_SECRET_KEY"
#: the session-signing key of `make run` and the tests: public, so never good in production
DEVELOPMENT_SECRET_KEY = "dev-only-change-me"
#: a session key shorter than this is guessable offline from one signed cookie
SECRET_KEY_MIN_LENGTH = 32


class DeploymentRefused(RuntimeError):
    """This process must not start as configured; the message says what to set."""


def is_production(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return (
        env.get("MOTCUA_ENV", "").strip().lower() == "production"
        or env.get("MOTCUA_HTTPS", "") == "1"
    )


def session_secret(environ: Mapping[str, str] | None = None) -> str:
    """The key that signs session cookies and CSRF tokens: whoever knows it can sign in as
    anyone, so production needs its own, long enough, and never the development default."""
    env = os.environ if environ is None else environ
    secret = env.get(SECRET_KEY_VARIABLE, "").strip()
    if not is_production(env):
        return secret or DEVELOPMENT_SECRET_KEY
    if not secret or secret == DEVELOPMENT_SECRET_KEY or len(secret) < SECRET_KEY_MIN_LENGTH:
        raise DeploymentRefused(
            f"Biến môi trường {SECRET_KEY_VARIABLE} (khóa ký phiên đăng nhập) chưa đặt, còn là "
            f"giá trị mặc định hoặc ngắn hơn {SECRET_KEY_MIN_LENGTH} ký tự; hệ thống không khởi "
            "động ở chế độ production. Tạo khóa bằng "
            '`python -c "import secrets; print(secrets.token_urlsafe(48))"`. '
            f"({SECRET_KEY_VARIABLE} is missing, the development default or shorter than "
            f"{SECRET_KEY_MIN_LENGTH} characters: production refuses to start.)"
        )
    return secret
