"""Server-side validation and coercion of HTML posts, as a citizen submitting a form sees it."""

from pathlib import Path

from werkzeug.datastructures import MultiDict

from forms.definition import load_form
from forms.validation import (
    FORM_ERROR_KEY,
    coerce_form_input,
    drop_hidden_fields,
    validate_submission,
)

FORM = load_form(Path(__file__).parent / "household.json")

VALID = {
    "full_name": "Nguyễn Văn An",
    "cccd": "001099012345",
    "phone": "+84 912 345 678",
    "birth_date": "05/09/1999",
    "decision": "register",
    "members": [{"full_name": "Trần Thị Bình", "relation": "Vợ"}],
    "agree": True,
}


def test_a_complete_submission_has_no_error():
    assert validate_submission(FORM, VALID) == {}


def test_every_error_is_returned_at_once_in_vietnamese():
    data = {
        "full_name": "A",
        "cccd": "12345",
        "phone": "0123",
        "birth_date": "31/02/2024",
        "tax_code": "0100233480",
        "email": "an@gmail",
        "household_size": 0,
        "postcode": "1000",
        "decision": "supplement",
        "members": [{"full_name": "Bình", "relation": "Em họ", "birth_year": 1800}],
        "agree": False,
    }
    assert validate_submission(FORM, data) == {
        "full_name": "Họ và tên phải có ít nhất 2 ký tự.",
        "cccd": "Số CCCD phải gồm 12 chữ số.",
        "phone": (
            "Số điện thoại không hợp lệ: số di động gồm 10 chữ số bắt đầu bằng 03, 05, 07, 08 "
            "hoặc 09; số cố định gồm 11 chữ số bắt đầu bằng 02."
        ),
        "birth_date": "Ngày 31/02/2024 không có thật.",
        "tax_code": "Mã số thuế không hợp lệ: chữ số kiểm tra (chữ số thứ 10) không khớp.",
        "email": "Địa chỉ thư điện tử không hợp lệ.",
        "household_size": "Số nhân khẩu phải lớn hơn hoặc bằng 1.",
        "postcode": "Mã bưu chính gồm 5 chữ số.",
        "supplement_reason": "Vui lòng nhập lý do bổ sung.",
        "members.0.relation": "Vui lòng chọn quan hệ với chủ hộ trong danh sách.",
        "members.0.birth_year": "Năm sinh phải lớn hơn hoặc bằng 1.900.",
        "agree": "Vui lòng đánh dấu ô «Tôi cam đoan thông tin trên là đúng».",
    }


def test_missing_and_blank_required_fields_ask_to_fill_or_choose():
    errors = validate_submission(FORM, {"full_name": "   ", "members": [{}]})
    assert errors["full_name"] == "Vui lòng nhập họ và tên."
    assert errors["cccd"] == "Vui lòng nhập số CCCD."
    assert errors["decision"] == "Vui lòng chọn đề nghị."
    assert errors["members.0.full_name"] == "Vui lòng nhập họ và tên."
    assert errors["members.0.relation"] == "Vui lòng chọn quan hệ với chủ hộ."


def test_an_empty_repeating_group_and_a_wrong_type_are_reported():
    errors = validate_submission(FORM, {**VALID, "members": [], "household_size": "ba"})
    assert errors["members"] == "Thành viên hộ gia đình: cần ít nhất 1 mục."
    assert errors["household_size"] == "Số nhân khẩu phải là một số nguyên."


def test_a_hidden_conditional_field_never_blocks_the_submit():
    data = {**VALID, "decision": "register", "supplement_reason": "x"}
    assert validate_submission(FORM, data) == {}
    assert "supplement_reason" not in drop_hidden_fields(FORM, data)


def test_a_visible_conditional_field_is_validated_and_kept():
    data = {**VALID, "decision": "supplement"}
    assert validate_submission(FORM, data) == {"supplement_reason": "Vui lòng nhập lý do bổ sung."}
    data["supplement_reason"] = "ngắn"
    assert validate_submission(FORM, data) == {
        "supplement_reason": "Lý do bổ sung phải có ít nhất 5 ký tự."
    }
    data["supplement_reason"] = "Bổ sung giấy khai sinh"
    assert validate_submission(FORM, data) == {}
    assert drop_hidden_fields(FORM, data)["supplement_reason"] == "Bổ sung giấy khai sinh"


def test_a_condition_inside_a_repeating_group_looks_at_its_own_row():
    members = [
        {"full_name": "Bình", "relation": "Khác"},
        {"full_name": "Cường", "relation": "Con", "relation_other": "bỏ qua"},
    ]
    data = {**VALID, "members": members}
    assert validate_submission(FORM, data) == {
        "members.0.relation_other": "Vui lòng nhập quan hệ cụ thể."
    }
    assert drop_hidden_fields(FORM, data)["members"][1] == {"full_name": "Cường", "relation": "Con"}


def test_fields_outside_the_form_are_reported_above_it():
    form = load_form(
        {
            "title": "Tờ khai",
            "schema": {
                "type": "object",
                "properties": {"a": {"type": "string"}},
                "additionalProperties": False,
            },
        }
    )
    assert validate_submission(form, {"a": "x", "b": "y"}) == {
        FORM_ERROR_KEY: "Dữ liệu gửi lên có trường không thuộc biểu mẫu."
    }


def test_a_repeating_group_post_becomes_typed_rows():
    post = {
        "full_name": ["  Nguyễn Văn An "],
        "members-0-full_name": ["Trần Thị Bình"],
        "members-0-relation": ["Vợ"],
        "members-0-birth_year": ["1990"],
        "members-0-is_student": ["true"],
        "members-1-full_name": [""],
        "members-1-relation": [""],
        "members-2-full_name": ["Nguyễn Văn Cường"],
        "members-2-relation": ["Con"],
        "members-2-birth_year": ["hai nghìn"],
        "csrf_token": ["abc"],
    }
    data = coerce_form_input(FORM, post)
    assert data["full_name"] == "Nguyễn Văn An"
    assert data["members"] == [
        {"full_name": "Trần Thị Bình", "relation": "Vợ", "birth_year": 1990, "is_student": True},
        {
            "full_name": "Nguyễn Văn Cường",
            "relation": "Con",
            "birth_year": "hai nghìn",
            "is_student": False,
        },
    ]
    assert "csrf_token" not in data
    errors = validate_submission(FORM, data)
    assert errors["members.1.birth_year"] == "Năm sinh phải là một số nguyên."


def test_a_werkzeug_multidict_with_nested_objects_dates_and_checkboxes():
    post = MultiDict(
        [
            ("address-street", "12 Lê Lợi"),
            ("household_size", "1.000"),
            ("birth_date", "1999-09-05"),
            ("decision", "supplement"),
            ("agree", "true"),
        ]
    )
    data = coerce_form_input(FORM, post)
    assert data == {
        "address": {"street": "12 Lê Lợi"},
        "household_size": 1000,
        "birth_date": "05/09/1999",
        "decision": "supplement",
        "agree": True,
    }
    assert coerce_form_input(FORM, MultiDict())["agree"] is False


def test_numbers_written_the_vietnamese_way():
    form = load_form(
        {
            "title": "Phí",
            "schema": {
                "type": "object",
                "properties": {
                    "area": {"type": "number", "title": "Diện tích"},
                    "fee": {"type": "integer", "title": "Lệ phí"},
                    "tags": {"type": "array", "items": {"type": "string", "enum": ["a", "b"]}},
                },
            },
        }
    )
    data = coerce_form_input(form, {"area": ["2,5"], "fee": ["1.500.000"], "tags": ["a", "b"]})
    assert data == {"area": 2.5, "fee": 1500000, "tags": ["a", "b"]}
    assert coerce_form_input(form, {"area": ["nan"]}) == {"area": "nan"}
    assert validate_submission(form, {"area": "nan"}) == {"area": "Diện tích phải là một số."}
