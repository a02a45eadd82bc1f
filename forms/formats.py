"""Vietnamese `format` values for form schemas, checked by one shared `jsonschema.FormatChecker`.

Each `*_problem` function returns the Vietnamese sentence a citizen should read, or None when the
value is fine; the checker raises it as the error's cause so validation can show it verbatim.
Non-string values pass here: the schema's `type` keyword reports them.
"""

import re
from datetime import date

from jsonschema import FormatChecker

#: Province codes that open a 12-digit citizen ID (the 63 provinces before the 2025 merger; the
#: merged provinces kept codes from this list and issued cards keep theirs).
CCCD_PROVINCE_CODES = frozenset(
    re.findall(
        r"\d{3}",
        "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
        "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
        "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096",
    )
)

#: Weights of the first nine digits of a tax code (mã số thuế); the tenth digit is
#: 10 - (weighted sum mod 11), checked against published codes such as 0100109106.
TAX_CODE_WEIGHTS = (31, 29, 23, 19, 17, 13, 7, 5, 3)

MOBILE_PREFIXES = ("03", "05", "07", "08", "09")

#: The sentence shown when a format fails and its checker gave no more precise reason.
FORMAT_MESSAGES = {
    "cccd": "Số CCCD phải gồm 12 chữ số.",
    "phone-vn": "Số điện thoại không hợp lệ.",
    "tax-code-vn": "Mã số thuế phải gồm 10 chữ số, hoặc 10 chữ số, dấu gạch ngang và 3 chữ số.",
    "date-vn": "Ngày phải theo dạng dd/mm/yyyy, ví dụ 05/09/2025.",
    "email": "Địa chỉ thư điện tử không hợp lệ.",
}

_PHONE_SEPARATORS = re.compile(r"[\s.\-()]")
_DATE_VN = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s.]+(\.[^@\s.]+)+$")


def cccd_problem(value: str) -> str | None:
    """Structure of a citizen ID: province code, gender/century digit, birth year not in future."""
    if not re.fullmatch(r"\d{12}", value):
        return FORMAT_MESSAGES["cccd"]
    if value[:3] not in CCCD_PROVINCE_CODES:
        return f"Số CCCD không hợp lệ: mã tỉnh {value[:3]} không tồn tại."
    century = 1900 + 100 * (int(value[3]) // 2)
    if century + int(value[4:6]) > date.today().year:
        return "Số CCCD không hợp lệ: năm sinh mã hoá trong số lớn hơn năm hiện tại."
    return None


def normalize_phone(value: str) -> str:
    """Digits only with a leading 0, so '+84 912.345.678' and '0912345678' compare equal."""
    digits = _PHONE_SEPARATORS.sub("", value.strip())
    if digits.startswith("+84"):
        digits = "0" + digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        digits = "0" + digits[2:]
    return digits


def phone_problem(value: str) -> str | None:
    """A mobile (10 digits, 03/05/07/08/09) or a landline (11 digits starting 02)."""
    digits = normalize_phone(value)
    if not digits.isdigit():
        return "Số điện thoại chỉ được gồm chữ số (có thể có +84, dấu cách hoặc dấu chấm)."
    if len(digits) == 10 and digits.startswith(MOBILE_PREFIXES):
        return None
    if len(digits) == 11 and digits.startswith("02"):
        return None
    return (
        "Số điện thoại không hợp lệ: số di động gồm 10 chữ số bắt đầu bằng 03, 05, 07, 08 "
        "hoặc 09; số cố định gồm 11 chữ số bắt đầu bằng 02."
    )


def tax_code_check_digit(first_nine: str) -> str | None:
    """The tenth digit for these nine, or None when no valid code can start with them."""
    remainder = sum(w * int(d) for w, d in zip(TAX_CODE_WEIGHTS, first_nine, strict=True)) % 11
    check = 10 - remainder
    return None if check == 10 else str(check)


def tax_code_problem(value: str) -> str | None:
    """10 digits (enterprise) or 10-3 digits (branch), with the tax authority's check digit."""
    match = re.fullmatch(r"(\d{10})(?:-(\d{3}))?", value.strip())
    if not match:
        return FORMAT_MESSAGES["tax-code-vn"]
    main, branch = match.groups()
    if main[2:9] == "0000000" or branch == "000":
        return "Mã số thuế không hợp lệ."
    if tax_code_check_digit(main[:9]) != main[9]:
        return "Mã số thuế không hợp lệ: chữ số kiểm tra (chữ số thứ 10) không khớp."
    return None


def parse_date_vn(value: str) -> date | None:
    """The date written as dd/mm/yyyy (one-digit day and month accepted), None when not real."""
    match = _DATE_VN.match(value.strip())
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def date_vn_problem(value: str) -> str | None:
    """dd/mm/yyyy and a day that exists on the calendar (no 31/02)."""
    if not _DATE_VN.match(value.strip()):
        return FORMAT_MESSAGES["date-vn"]
    if parse_date_vn(value) is None:
        return f"Ngày {value.strip()} không có thật."
    return None


def email_problem(value: str) -> str | None:
    """One @, no spaces, a dotted domain: enough to catch typos without refusing real addresses."""
    return None if _EMAIL.match(value.strip()) else FORMAT_MESSAGES["email"]


PROBLEM_FINDERS = {
    "cccd": cccd_problem,
    "phone-vn": phone_problem,
    "tax-code-vn": tax_code_problem,
    "date-vn": date_vn_problem,
    "email": email_problem,
}


def _register(checker: FormatChecker, name: str, find_problem) -> None:
    """Raise the Vietnamese problem as the FormatError's cause."""

    @checker.checks(name, raises=ValueError)
    def check(instance: object) -> bool:
        if not isinstance(instance, str):
            return True
        problem = find_problem(instance)
        if problem:
            raise ValueError(problem)
        return True


def build_format_checker() -> FormatChecker:
    """jsonschema's standard formats plus ours (ours replace its lenient `email`)."""
    checker = FormatChecker()
    for name, find_problem in PROBLEM_FINDERS.items():
        _register(checker, name, find_problem)
    return checker


FORMAT_CHECKER = build_format_checker()

#: The formats a form may name; any other `format` is refused at upload (it would check nothing).
KNOWN_FORMATS = frozenset(FORMAT_CHECKER.checkers)
