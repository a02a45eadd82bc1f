"""Vietnamese formats: what a citizen types and whether the form accepts it."""

import pytest
from jsonschema import Draft202012Validator

from forms.formats import (
    FORMAT_CHECKER,
    cccd_problem,
    date_vn_problem,
    email_problem,
    normalize_phone,
    parse_date_vn,
    phone_problem,
    tax_code_problem,
)


@pytest.mark.parametrize("number", ["001099012345", "079203001234", "096185000001"])
def test_real_looking_citizen_ids_are_accepted(number):
    assert cccd_problem(number) is None


@pytest.mark.parametrize(
    ("number", "reason"),
    [
        ("00109901234", "12 chữ số"),
        ("00109901234a", "12 chữ số"),
        ("001 099 012 345", "12 chữ số"),
        ("003099012345", "mã tỉnh 003"),
        ("097099012345", "mã tỉnh 097"),
        ("000099012345", "mã tỉnh 000"),
        ("001299012345", "năm sinh"),
        ("001499012345", "năm sinh"),
    ],
)
def test_malformed_citizen_ids_are_refused_with_the_reason(number, reason):
    assert reason in cccd_problem(number)


@pytest.mark.parametrize(
    "phone",
    [
        "0912345678",
        "0386 123 456",
        "+84 912 345 678",
        "+84912.345.678",
        "84912345678",
        "024 3825 6686",
        "0236.3822.222",
    ],
)
def test_mobile_and_landline_numbers_are_accepted(phone):
    assert phone_problem(phone) is None


@pytest.mark.parametrize(
    "phone", ["0123456789", "0612345678", "091234567", "09123456789", "+1 555 0100", "091234567x"]
)
def test_wrong_phone_numbers_are_refused(phone):
    assert phone_problem(phone).startswith("Số điện thoại")


def test_phone_numbers_are_normalised_to_one_spelling():
    assert normalize_phone("+84 912.345.678") == "0912345678"
    assert normalize_phone("(024) 3825-6686") == "02438256686"


@pytest.mark.parametrize("code", ["0100109106", "0100233488", "0314409058-002", "0100112437"])
def test_published_tax_codes_pass_the_check_digit(code):
    assert tax_code_problem(code) is None


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("0100233480", "chữ số kiểm tra"),
        ("0100109107", "chữ số kiểm tra"),
        ("0100109106-000", "không hợp lệ"),
        ("010010910", "10 chữ số"),
        ("0100109106-02", "10 chữ số"),
        ("01A0109106", "10 chữ số"),
    ],
)
def test_wrong_tax_codes_are_refused(code, reason):
    assert reason in tax_code_problem(code)


@pytest.mark.parametrize("text", ["05/09/2025", "29/02/2024", "1/1/1990"])
def test_real_dates_are_accepted(text):
    assert date_vn_problem(text) is None


def test_dates_are_read_day_first():
    assert parse_date_vn("05/09/2025").isoformat() == "2025-09-05"


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("29/02/2023", "không có thật"),
        ("31/04/2024", "không có thật"),
        ("00/01/2024", "không có thật"),
        ("2024-01-31", "dd/mm/yyyy"),
        ("5-9-2025", "dd/mm/yyyy"),
    ],
)
def test_impossible_or_misshapen_dates_are_refused(text, reason):
    assert reason in date_vn_problem(text)


def test_email_addresses():
    assert email_problem("nguyen.van.a@example.gov.vn") is None
    assert email_problem("nguyenvana@gmail") is not None
    assert email_problem("a b@example.vn") is not None


def test_schema_validation_carries_the_vietnamese_reason():
    validator = Draft202012Validator(
        {"type": "string", "format": "cccd"}, format_checker=FORMAT_CHECKER
    )
    [error] = validator.iter_errors("003099012345")
    assert str(error.cause) == "Số CCCD không hợp lệ: mã tỉnh 003 không tồn tại."
    assert list(validator.iter_errors("001099012345")) == []
