"""Loading form files: good ones load, broken ones are refused with every problem listed."""

import json
from pathlib import Path

import pytest

from engine.errors import InvalidInput
from forms.definition import FormDefinitionError, field_label, load_form, schema_errors

HOUSEHOLD = Path(__file__).parent / "household.json"


def _form(properties, ui=None, **schema):
    return {
        "title": "Tờ khai",
        "schema": {"type": "object", "properties": properties, **schema},
        "ui": ui or {},
    }


def test_a_form_file_loads_with_its_title_and_labels():
    form = load_form(HOUSEHOLD)
    assert form.title == "Tờ khai thay đổi thông tin cư trú"
    assert form.name == "household.json"
    assert field_label(form, "members.0.full_name") == "Họ và tên"
    assert field_label(form, "address.street") == "Số nhà, đường"
    assert schema_errors(json.loads(HOUSEHOLD.read_text(encoding="utf-8"))) == []


def test_an_invalid_json_schema_is_refused_listing_every_problem():
    document = _form({"age": {"type": "integr"}, "name": {"type": "string", "minLength": -1}})
    with pytest.raises(FormDefinitionError) as caught:
        load_form(document)
    error = caught.value
    assert isinstance(error, InvalidInput)
    assert error.message.startswith("Biểu mẫu không hợp lệ:")
    assert len(error.problems) == 2
    assert "schema/properties/age/type" in error.message
    assert "schema/properties/name/minLength" in error.message


def test_ui_hints_naming_missing_fields_or_unknown_widgets_are_refused():
    document = _form(
        {"decision": {"type": "string"}, "note": {"type": "string"}},
        ui={
            "order": ["nam"],
            "sections": [{"title": "A", "fields": ["decisoin"]}],
            "fields": {
                "note": {"widget": "slider", "visibleIf": {"field": "desicion", "equals": "x"}},
                "ghost": {"help": "?"},
            },
        },
    )
    problems = schema_errors(document)
    assert "ui.order nhắc đến trường «nam» không có trong lược đồ." in problems
    assert any("«decisoin»" in p for p in problems)
    assert any("«slider» không được hỗ trợ" in p for p in problems)
    assert any("visibleIf của «note»" in p and "«desicion»" in p for p in problems)
    assert "ui.fields nhắc đến trường «ghost» không có trong lược đồ." in problems


def test_a_format_nobody_checks_is_refused_rather_than_silently_ignored():
    problems = schema_errors(_form({"phone": {"type": "string", "format": "phone_vn"}}))
    assert len(problems) == 1
    assert "«phone_vn» không được hỗ trợ" in problems[0]


def test_field_names_must_be_usable_in_html_and_required_names_must_exist():
    problems = schema_errors(_form({"ho-ten": {"type": "string"}}, required=["ho_ten"]))
    assert any("«ho-ten»" in p for p in problems)
    assert any("Trường bắt buộc «ho_ten»" in p for p in problems)


def test_a_document_without_title_or_schema_is_refused():
    assert schema_errors({"ui": {}}) == [
        "Thiếu tiêu đề biểu mẫu (title).",
        "Thiếu lược đồ dữ liệu (schema), hoặc schema không phải đối tượng.",
    ]
    assert schema_errors([]) != []


def test_a_file_that_is_not_json_is_refused_with_the_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"title": "x",\n  "schema": }', encoding="utf-8")
    with pytest.raises(FormDefinitionError) as caught:
        load_form(path)
    assert "«broken.json»" in caught.value.message
    assert "dòng 2" in caught.value.message
