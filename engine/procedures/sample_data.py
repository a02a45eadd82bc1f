"""Sample data for a form, read from its JSON Schema: what a trial run types into each task.

A field takes its `default`, else its first `examples` entry, else its first choice (`oneOf`
const or `enum`), else a placeholder of its type and format. The first choice is usually the
ordinary path (accept, approve), so a trial run with no pasted data walks the common case.
"""

from __future__ import annotations

from typing import Any

from forms.definition import resolve_ref

#: placeholders per `format`, shaped so the platform's format checks would accept them
FORMAT_SAMPLES = {
    "cccd": "001090000001",
    "date-vn": "01/01/2026",
    "phone-vn": "0912345678",
    "email": "mau@example.vn",
    "date": "2026-01-01",
    "date-time": "2026-01-01T08:00:00+07:00",
}
MAX_DEPTH = 6


def sample_from_form(form: dict) -> dict:
    """Sample values for every field of a form document ({"schema": ..., "ui": ...})."""
    schema = form.get("schema", form)
    value = _sample(schema, schema, 0)
    return value if isinstance(value, dict) else {}


def _sample(root: dict, schema: dict, depth: int) -> Any:
    schema = resolve_ref(root, schema) if "$ref" in schema else schema
    if "default" in schema:
        return schema["default"]
    if schema.get("examples"):
        return schema["examples"][0]
    if "const" in schema:
        return schema["const"]
    for key in ("oneOf", "anyOf"):
        choices = [c for c in schema.get(key, []) if isinstance(c, dict) and "const" in c]
        if choices:
            return choices[0]["const"]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "string")
    if kind == "object" or "properties" in schema:
        if depth >= MAX_DEPTH:
            return {}
        return {
            name: _sample(root, child, depth + 1)
            for name, child in schema.get("properties", {}).items()
            if isinstance(child, dict)
        }
    if kind == "array":
        items = schema.get("items")
        count = schema.get("minItems", 0)
        if not isinstance(items, dict) or depth >= MAX_DEPTH:
            return []
        return [_sample(root, items, depth + 1) for _ in range(count)]
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        if "minimum" in schema:
            return schema["minimum"]
        return schema["exclusiveMinimum"] + 1 if "exclusiveMinimum" in schema else 1
    text = FORMAT_SAMPLES.get(schema.get("format", ""), "Dữ liệu mẫu")
    return text[: schema["maxLength"]] if isinstance(schema.get("maxLength"), int) else text
