"""A form file: JSON Schema (draft 2020-12) for the data plus UI hints for the page.

Loading checks everything an administrator can get wrong, so a broken form is refused at upload
with every problem listed in Vietnamese, never discovered by a citizen halfway through a submit.
The file format is documented in forms/README.md.
"""

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.validators import validator_for

from engine.errors import InvalidInput
from forms.formats import KNOWN_FORMATS

WIDGETS = frozenset({"text", "textarea", "radio", "select", "checkbox", "date", "hidden"})
FIELD_HINT_KEYS = frozenset(
    {"widget", "help", "placeholder", "visibleIf", "messages", "order", "extraRows"}
)
TOP_LEVEL_KEYS = frozenset({"title", "description", "schema", "ui"})
UI_KEYS = frozenset({"order", "sections", "fields"})
PROPERTY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class FormDefinition:
    """One loaded, checked form; `ui` always has `order`, `sections` and `fields` keys."""

    title: str
    schema: dict[str, Any]
    ui: dict[str, Any] = field(default_factory=dict)
    name: str = ""


class FormDefinitionError(InvalidInput):
    """The form file is not usable; `problems` lists every reason in Vietnamese."""

    def __init__(self, problems: list[str], name: str = ""):
        where = f" «{name}»" if name else ""
        lines = "\n".join(f"- {problem}" for problem in problems)
        super().__init__(f"Biểu mẫu{where} không hợp lệ:\n{lines}")
        self.problems = problems


def load_form(path_or_dict: str | Path | dict[str, Any]) -> FormDefinition:
    """Read a form file (or an already parsed dict) and refuse it with all problems at once."""
    name = ""
    if isinstance(path_or_dict, dict):
        document = path_or_dict
    else:
        path = Path(path_or_dict)
        name = path.name
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as error:
            raise FormDefinitionError([f"Không đọc được tệp: {error}"], name) from error
        except json.JSONDecodeError as error:
            problem = f"Tệp không phải JSON hợp lệ (dòng {error.lineno}, cột {error.colno})."
            raise FormDefinitionError([problem], name) from error
    problems = schema_errors(document)
    if problems:
        raise FormDefinitionError(problems, name)
    ui = document.get("ui") or {}
    return FormDefinition(
        title=document["title"],
        schema=document["schema"],
        ui={
            "order": ui.get("order", []),
            "sections": ui.get("sections", []),
            "fields": ui.get("fields", {}),
        },
        name=name,
    )


def schema_errors(document: Any) -> list[str]:
    """Every problem of a form document, in Vietnamese; empty when it can be published."""
    if not isinstance(document, dict):
        return ["Biểu mẫu phải là một đối tượng JSON có các khóa title, schema và ui."]
    problems = [
        f"Khóa «{key}» không được hỗ trợ (chỉ dùng: {', '.join(sorted(TOP_LEVEL_KEYS))})."
        for key in document
        if key not in TOP_LEVEL_KEYS
    ]
    if not isinstance(document.get("title"), str) or not document["title"].strip():
        problems.append("Thiếu tiêu đề biểu mẫu (title).")
    schema = document.get("schema")
    if not isinstance(schema, dict):
        return [*problems, "Thiếu lược đồ dữ liệu (schema), hoặc schema không phải đối tượng."]
    metaschema_problems = _metaschema_problems(schema)
    if metaschema_problems:
        return problems + metaschema_problems
    if schema.get("type") != "object":
        problems.append('Lược đồ gốc phải có "type": "object".')
    problems += _property_problems(schema, schema, "")
    ui = document.get("ui", {})
    if not isinstance(ui, dict):
        problems.append("Phần ui phải là một đối tượng.")
    else:
        problems += _ui_problems(schema, ui)
    return problems


def _metaschema_problems(schema: dict[str, Any]) -> list[str]:
    """All metaschema violations (check_schema stops at the first), with their location."""
    metaschema = Draft202012Validator.META_SCHEMA
    checker = validator_for(metaschema, default=Draft202012Validator)(metaschema)
    problems = []
    for error in sorted(checker.iter_errors(schema), key=lambda e: list(e.absolute_path)):
        where = "/".join(str(part) for part in error.absolute_path) or "(gốc)"
        problems.append(
            f"Lược đồ không hợp lệ tại schema/{where}: giá trị {error.instance!r} "
            f"vi phạm quy tắc «{error.validator}» ({error.message})."
        )
    return problems


def _property_problems(root: dict[str, Any], schema: dict[str, Any], prefix: str) -> list[str]:
    """Names usable in HTML field names, formats we can check, required names that exist."""
    problems = []
    schema = resolve_ref(root, schema)
    if isinstance(schema.get("format"), str) and schema["format"] not in KNOWN_FORMATS:
        problems.append(
            f"Trường «{prefix or '(gốc)'}» dùng định dạng «{schema['format']}» không được hỗ trợ "
            f"(dùng: {', '.join(sorted(KNOWN_FORMATS))})."
        )
    properties = schema.get("properties", {})
    for name, subschema in properties.items():
        path = f"{prefix}.{name}" if prefix else name
        if not PROPERTY_NAME.match(name):
            problems.append(
                f"Tên trường «{path}» chỉ được gồm chữ cái không dấu, chữ số và dấu gạch dưới."
            )
        problems += _property_problems(root, subschema, path)
    for name in schema.get("required", []):
        if properties and name not in properties:
            problems.append(
                f"Trường bắt buộc «{name}» không có trong properties của «{prefix or '(gốc)'}»."
            )
    if isinstance(schema.get("items"), dict):
        problems += _property_problems(root, schema["items"], prefix)
    return problems


def _ui_problems(schema: dict[str, Any], ui: dict[str, Any]) -> list[str]:
    """UI hints must name fields that exist and widgets we render."""
    problems = [f"Khóa ui «{key}» không được hỗ trợ." for key in ui if key not in UI_KEYS]
    top_names = set(schema.get("properties", {}))
    for name in ui.get("order", []):
        if name not in top_names:
            problems.append(f"ui.order nhắc đến trường «{name}» không có trong lược đồ.")
    for index, section in enumerate(ui.get("sections", []), start=1):
        if not isinstance(section, dict) or not isinstance(section.get("fields"), list):
            problems.append(f"Phần thứ {index} trong ui.sections phải có title và fields.")
            continue
        for name in section["fields"]:
            if name not in top_names:
                problems.append(
                    f"Phần «{section.get('title', index)}» nhắc đến trường «{name}» "
                    "không có trong lược đồ."
                )
    fields = ui.get("fields", {})
    if not isinstance(fields, dict):
        return [*problems, "ui.fields phải là một đối tượng: đường dẫn trường → gợi ý."]
    for path, hints in fields.items():
        problems += _field_hint_problems(schema, path, hints)
    return problems


def _field_hint_problems(schema: dict[str, Any], path: str, hints: Any) -> list[str]:
    """One entry of ui.fields: the field exists, keys and widget are known, visibleIf resolves."""
    if subschema_at(schema, path) is None:
        return [f"ui.fields nhắc đến trường «{path}» không có trong lược đồ."]
    if not isinstance(hints, dict):
        return [f"Gợi ý của trường «{path}» phải là một đối tượng."]
    problems = [
        f"Gợi ý «{key}» của trường «{path}» không được hỗ trợ."
        for key in hints
        if key not in FIELD_HINT_KEYS
    ]
    if "widget" in hints and hints["widget"] not in WIDGETS:
        problems.append(
            f"Trường «{path}» dùng kiểu hiển thị «{hints['widget']}» không được hỗ trợ "
            f"(dùng: {', '.join(sorted(WIDGETS))})."
        )
    condition = hints.get("visibleIf")
    if condition is None:
        return problems
    if not isinstance(condition, dict) or not ({"equals", "in"} & set(condition)):
        problems.append(f'visibleIf của «{path}» phải có "field" và "equals" (hoặc "in").')
    else:
        parent = path.rpartition(".")[0]
        target = f"{parent}.{condition.get('field')}" if parent else str(condition.get("field"))
        if subschema_at(schema, target) is None:
            problems.append(
                f"visibleIf của «{path}» nhắc đến trường «{condition.get('field')}» "
                "không cùng cấp trong lược đồ."
            )
    return problems


def resolve_ref(root: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    """Follow local `$ref`s (#/$defs/...) so labels and hints work on shared definitions."""
    seen = set()
    while isinstance(schema, dict) and isinstance(schema.get("$ref"), str):
        ref = schema["$ref"]
        if not ref.startswith("#/") or ref in seen:
            break
        seen.add(ref)
        target: Any = root
        for part in ref[2:].split("/"):
            target = target.get(part, {}) if isinstance(target, dict) else {}
        schema = target
    return schema if isinstance(schema, dict) else {}


def hint_key(path: str) -> str:
    """`members.0.full_name` → `members.full_name`: hints are per field, not per row."""
    return ".".join(part for part in path.split(".") if part and not part.isdigit())


def subschema_at(schema: dict[str, Any], path: str) -> dict[str, Any] | None:
    """The schema of the value at a dotted path (row indexes optional), or None if none."""
    current = resolve_ref(schema, schema)
    for part in path.split(".") if path else []:
        if part.isdigit():
            if current.get("type") != "array":
                return None
            current = resolve_ref(schema, current.get("items", {}))
            continue
        if current.get("type") == "array":
            current = resolve_ref(schema, current.get("items", {}))
        properties = current.get("properties", {})
        if part not in properties:
            return None
        current = resolve_ref(schema, properties[part])
    return current


def field_hints(form: FormDefinition, path: str) -> dict[str, Any]:
    """The UI hints of one field (empty when it has none)."""
    return form.ui.get("fields", {}).get(hint_key(path), {})


def field_label(form: FormDefinition, path: str) -> str:
    """The field's schema `title`, falling back to its property name."""
    subschema = subschema_at(form.schema, path) or {}
    return subschema.get("title") or hint_key(path).rpartition(".")[2] or form.title
