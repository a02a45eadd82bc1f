"""Whether this process runs a real deployment, where development shortcuts are refused.

`MOTCUA_ENV=production` says so explicitly; `MOTCUA_HTTPS=1` (the app behind HTTPS, which
already makes the session cookie secure) says so too. `make run` and the tests set neither.
"""

from __future__ import annotations

import os
from collections.abc import Mapping


def is_production(environ: Mapping[str, str] | None = None) -> bool:
    env = os.environ if environ is None else environ
    return (
        env.get("MOTCUA_ENV", "").strip().lower() == "production"
        or env.get("MOTCUA_HTTPS", "") == "1"
    )
