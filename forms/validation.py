"""Server-side checks of a submitted form: every error at once, each in Vietnamese, per field path.

The web layer does `coerce_form_input` (HTML strings → typed JSON), then `validate_submission`,
and stores `drop_hidden_fields(...)` when there is no error. Paths use dots and row indexes
(`members.0.full_name`), the same paths `forms.rendering` looks errors up by.
"""

import re
from collections.abc import Iterator, Mapping
from typing import Any

from jsonschema import Draft202012Validator, ValidationError

from forms.definition import FormDefinition, field_hints, field_label, resolve_ref, subschema_at
from forms.formats import FORMAT_CHECKER, FORMAT_MESSAGES

#: Key of errors that belong to no single field (shown above the form).
FORM_ERROR_KEY = "_form"
TRUE_WORDS = frozenset({"true", "on", "1", "yes", "có"})
CHOICE_WIDGETS = frozenset({"select", "radio", "checkbox"})
TYPE_NAMES = {
    "integer": "một số nguyên",
    "number": "một số",
    "string": "văn bản",
    "boolean": "có hoặc không",
    "array": "một danh sách",
    "object": "một nhóm thông tin",
}


def validate_submission(form: FormDefinition, data: dict[str, Any]) -> dict[str, str]:
    """Field path → Vietnamese message for every problem; empty when the data can be accepted.

    Blank strings count as missing and hidden conditional fields are ignored, so a field the
    citizen could not see never blocks the submit.
    """
    hidden: set[str] = set()
    visible = _prune(form, form.schema, data, "", hidden)
    validator = Draft202012Validator(form.schema, format_checker=FORMAT_CHECKER)
    errors: dict[str, str] = {}
    for error in validator.iter_errors(visible):
        for path, message in _messages(form, error):
            if not any(path == h or path.startswith(h + ".") for h in hidden):
                errors.setdefault(path or FORM_ERROR_KEY, message)
    return errors


def drop_hidden_fields(form: FormDefinition, data: dict[str, Any]) -> dict[str, Any]:
    """The data without blank values and without fields whose visibleIf is false: what to store."""
    return _prune(form, form.schema, data, "", set())


def condition_met(condition: Mapping[str, Any], container: Mapping[str, Any]) -> bool:
    """A visibleIf condition against the values of the same object (its sibling fields)."""
    actual = container.get(condition.get("field", ""))
    expected = condition["in"] if "in" in condition else [condition.get("equals")]
    if isinstance(actual, list):
        return any(item in expected for item in actual)
    return actual in expected


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _join(path: str, part: str | int) -> str:
    return f"{path}.{part}" if path else str(part)


def _prune(form: FormDefinition, schema: dict, value: Any, path: str, hidden: set[str]) -> Any:
    """Copy of value without blanks and hidden fields; concrete hidden paths go into `hidden`."""
    schema = resolve_ref(form.schema, schema)
    if isinstance(value, list):
        items = schema.get("items", {})
        return [_prune(form, items, item, _join(path, i), hidden) for i, item in enumerate(value)]
    if not isinstance(value, dict):
        return value
    properties = schema.get("properties", {})
    kept = {key: item for key, item in value.items() if not _is_blank(item)}
    conditions = {
        key: field_hints(form, _join(path, key))["visibleIf"]
        for key in properties
        if "visibleIf" in field_hints(form, _join(path, key))
    }
    changed = True
    while changed:  # a field may depend on a field that is itself conditional
        changed = False
        for key, condition in conditions.items():
            if _join(path, key) not in hidden and not condition_met(condition, kept):
                hidden.add(_join(path, key))
                kept.pop(key, None)
                changed = True
    return {
        key: _prune(form, properties.get(key, {}), item, _join(path, key), hidden)
        for key, item in kept.items()
    }


def _lower_first(label: str) -> str:
    """'Họ và tên' → 'họ và tên' inside a sentence, but 'CCCD' stays 'CCCD'."""
    if len(label) > 1 and label[0].isupper() and label[1].islower():
        return label[0].lower() + label[1:]
    return label


def _label(form: FormDefinition, path: str) -> str:
    """A row of a repeating group reads as '<group label> <n>'."""
    parent, _, last = path.rpartition(".")
    if last.isdigit():
        return f"{field_label(form, parent)} {int(last) + 1}"
    return field_label(form, path)


def _is_choice(form: FormDefinition, path: str) -> bool:
    """Fields picked rather than typed get 'Vui lòng chọn', not 'Vui lòng nhập'."""
    schema = subschema_at(form.schema, path) or {}
    items = resolve_ref(form.schema, schema.get("items", {}))
    return (
        field_hints(form, path).get("widget") in CHOICE_WIDGETS
        or "enum" in schema
        or "oneOf" in schema
        or schema.get("type") == "boolean"
        or "enum" in items
        or "oneOf" in items
    )


def _number(value: float) -> str:
    """Vietnamese writing: 1.000.000 and 2,5."""
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    return str(value).replace(".", ",")


def _messages(form: FormDefinition, error: ValidationError) -> Iterator[tuple[str, str]]:
    """One jsonschema error → (path, message) pairs; `required` yields one per missing field."""
    path = ".".join(str(part) for part in error.absolute_path)
    if error.validator in ("required", "dependentRequired"):
        names = error.validator_value
        if error.validator == "dependentRequired":
            names = [n for deps in names.values() for n in deps]
        for name in names:
            if isinstance(error.instance, dict) and name not in error.instance:
                field_path = _join(path, name)
                custom = field_hints(form, field_path).get("messages", {}).get("required")
                verb = "chọn" if _is_choice(form, field_path) else "nhập"
                label = _lower_first(_label(form, field_path))
                yield field_path, custom or f"Vui lòng {verb} {label}."
        return
    custom = field_hints(form, path).get("messages", {}).get(str(error.validator))
    yield path, custom or _default_message(form, error, path)


def _default_message(form: FormDefinition, error: ValidationError, path: str) -> str:
    """The Vietnamese sentence for one failed keyword."""
    keyword, limit = error.validator, error.validator_value
    label = _label(form, path) if path else form.title
    lower = _lower_first(label)
    if keyword == "format":
        if isinstance(error.cause, ValueError) and str(error.cause):
            return str(error.cause)
        return FORMAT_MESSAGES.get(str(limit), f"{label} không đúng định dạng.")
    if keyword == "type":
        wanted = next(t for t in (limit if isinstance(limit, list) else [limit]) if t != "null")
        return f"{label} phải là {TYPE_NAMES.get(wanted, wanted)}."
    if keyword == "const" and limit is True:
        return f"Vui lòng đánh dấu ô «{label}»."
    if keyword in ("enum", "const") or (keyword == "oneOf" and _is_choice(form, path)):
        return f"Vui lòng chọn {lower} trong danh sách."
    simple = {
        "minLength": f"{label} phải có ít nhất {limit} ký tự.",
        "maxLength": f"{label} không được dài quá {limit} ký tự.",
        "minimum": f"{label} phải lớn hơn hoặc bằng {_number(limit)}.",
        "maximum": f"{label} phải nhỏ hơn hoặc bằng {_number(limit)}.",
        "exclusiveMinimum": f"{label} phải lớn hơn {_number(limit)}.",
        "exclusiveMaximum": f"{label} phải nhỏ hơn {_number(limit)}.",
        "multipleOf": f"{label} phải là bội số của {_number(limit)}.",
        "pattern": f"{label} không đúng định dạng yêu cầu.",
        "minItems": f"{label}: cần ít nhất {limit} mục.",
        "maxItems": f"{label}: tối đa {limit} mục.",
        "uniqueItems": f"{label} có mục bị trùng lặp.",
        "additionalProperties": "Dữ liệu gửi lên có trường không thuộc biểu mẫu.",
    }
    if keyword == "minLength" and limit == 1:
        return f"Vui lòng nhập {lower}."
    return simple.get(str(keyword), f"{label} không hợp lệ.")


def _as_lists(post: Mapping[str, Any]) -> dict[str, list[str]]:
    """Werkzeug MultiDict (first value on []) or a plain dict of lists/strings → lists."""
    if hasattr(post, "getlist"):
        return {key: post.getlist(key) for key in post}
    return {key: value if isinstance(value, list) else [value] for key, value in post.items()}


def _type(schema: dict[str, Any]) -> str:
    kind = schema.get("type", "object" if "properties" in schema else "string")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    return kind


def coerce_form_input(form: FormDefinition, post: Mapping[str, Any]) -> dict[str, Any]:
    """HTML form post → typed JSON per the schema; unparseable strings are kept for validation.

    Nested objects are named `address-street`, repeating groups `members-0-full_name`; rows
    left entirely blank are dropped and the rest renumbered.
    """
    return _coerce_object(form, form.schema, _as_lists(post), "", "")


def _coerce_object(
    form: FormDefinition, schema: dict, values: dict[str, list[str]], prefix: str, path: str
) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, subschema in resolve_ref(form.schema, schema).get("properties", {}).items():
        subschema = resolve_ref(form.schema, subschema)
        name, field_path = f"{prefix}{key}", _join(path, key)
        kind = _type(subschema)
        if kind == "object":
            value: Any = _coerce_object(form, subschema, values, f"{name}-", field_path)
        elif kind == "array":
            value = _coerce_array(form, subschema, values, name, field_path)
        elif kind == "boolean":
            raw = values.get(name, [])
            widget = field_hints(form, field_path).get("widget", "checkbox")
            value = any(v.strip().lower() in TRUE_WORDS for v in raw)
            value = value if raw or widget == "checkbox" else None
        else:
            raw = [v.strip() for v in values.get(name, []) if v.strip()]
            value = _coerce_scalar(subschema, raw[0]) if raw else None
        if value is not None and value != {} and value != []:
            result[key] = value
    return result


def _coerce_array(
    form: FormDefinition, schema: dict, values: dict[str, list[str]], name: str, path: str
) -> list[Any]:
    items = resolve_ref(form.schema, schema.get("items", {}))
    if _type(items) != "object":
        raw = [v.strip() for v in values.get(name, []) if v.strip()]
        return [_coerce_scalar(items, v) for v in raw]
    row_name = re.compile(rf"^{re.escape(name)}-(\d+)-")
    indexes = sorted({int(m.group(1)) for key in values if (m := row_name.match(key))})
    rows: list[Any] = []
    for index in indexes:
        row = _coerce_object(form, items, values, f"{name}-{index}-", _join(path, len(rows)))
        if any(v is not False for v in row.values()):  # an unticked checkbox alone is blank
            rows.append(row)
    return rows


def _coerce_scalar(schema: dict[str, Any], text: str) -> Any:
    """'1.000.000' → 1000000 and '2,5' → 2.5 (Vietnamese writing); ISO dates → dd/mm/yyyy."""
    kind = _type(schema)
    compact = text.replace(" ", "")
    if kind == "integer":
        if re.fullmatch(r"[+-]?\d{1,3}(\.\d{3})+", compact):
            compact = compact.replace(".", "")
        return int(compact) if re.fullmatch(r"[+-]?\d+", compact) else text
    if kind == "number":
        if "," in compact:
            compact = compact.replace(".", "").replace(",", ".")
        if re.fullmatch(r"[+-]?\d+", compact):
            return int(compact)
        return float(compact) if re.fullmatch(r"[+-]?\d+\.\d+", compact) else text
    if kind == "boolean":
        return text.lower() in TRUE_WORDS
    iso = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", text)
    if schema.get("format") == "date-vn" and iso:
        return f"{iso.group(3)}/{iso.group(2)}/{iso.group(1)}"
    return text
