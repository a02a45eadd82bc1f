"""Vietnamese mobile numbers in the international form Zalo and SMS gateways expect (84…).

Applicants type their number every which way (0912 345 678, +84 912.345.678); the providers
take only 84 followed by the nine digits, and refuse anything else with a less helpful error.
"""

from __future__ import annotations

import re

from connectors.contract import OperationRefused

_SEPARATORS = re.compile(r"[\s.\-()]")
#: 84 + a mobile prefix digit (3, 5, 7, 8, 9) + eight digits
_MOBILE = re.compile(r"^84[35789]\d{8}$")


def normalise_phone(phone: str) -> str:
    """0912345678, +84 912 345 678, 84912345678 -> 84912345678; anything else is refused."""
    digits = _SEPARATORS.sub("", str(phone or ""))
    if digits.startswith("+"):
        digits = digits[1:]
    if digits.startswith("0") and len(digits) == 10:
        digits = "84" + digits[1:]
    if not _MOBILE.match(digits):
        raise OperationRefused(
            "invalid_phone", f"Số điện thoại không hợp lệ: {phone!r} (cần dạng 0912345678)."
        )
    return digits
