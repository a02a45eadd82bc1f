"""The render model of a form: what `webapp/templates/_macros/form.html` turns into HTML.

Everything the template needs is decided here (names, ids, widget, current value as text, the
error beside each field), so the template stays a dumb, escaped printer. HTML names use `-`
(`members-0-full_name`), the form `coerce_form_input` reads back.
"""

from dataclasses import dataclass, field
from typing import Any

from forms.definition import FormDefinition, field_hints, resolve_ref, subschema_at
from forms.validation import FORM_ERROR_KEY


@dataclass
class Option:
    """One choice of a select, radio or checkbox list."""

    value: str
    label: str
    selected: bool = False
    id: str = ""


@dataclass
class Field:
    """One node of the render model.

    `kind` is "input", "section" (ui.sections), "group" (nested object), "repeat" (array of
    objects; its `rows` are "row" nodes whose `children` are the row's fields).
    """

    kind: str
    label: str
    name: str = ""
    path: str = ""
    id: str = ""
    widget: str = "text"
    input_type: str = "text"
    inputmode: str = ""
    value: str = ""
    values: list[str] = field(default_factory=list)
    checked: bool = False
    options: list[Option] = field(default_factory=list)
    error: str = ""
    required: bool = False
    help: str = ""
    placeholder: str = ""
    visible_if: dict[str, Any] | None = None
    visible_if_note: str = ""
    children: list["Field"] = field(default_factory=list)
    rows: list["Field"] = field(default_factory=list)

    @property
    def described_by(self) -> str:
        """ids for aria-describedby: the help text, the condition note, then the error."""
        ids = []
        if self.help or self.visible_if_note:
            ids.append(f"{self.id}-help")
        if self.error:
            ids.append(f"{self.id}-error")
        return " ".join(ids)


def form_fields(
    form: FormDefinition, data: dict[str, Any] | None = None, errors: dict[str, str] | None = None
) -> list[Field]:
    """Sections (or the top-level fields when there are none) with values and errors filled in."""
    data, errors = data or {}, errors or {}
    schema = resolve_ref(form.schema, form.schema)
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))

    def build(key: str) -> Field:
        return _field(form, key, properties[key], data, "", "", key in required, errors)

    sections, placed = [], set()
    for section in form.ui.get("sections", []):
        placed.update(section["fields"])
        children = [build(key) for key in section["fields"]]
        sections.append(Field(kind="section", label=section.get("title", ""), children=children))
    rest = [
        build(key) for key in _ordered(form.ui.get("order", []), properties) if key not in placed
    ]
    return sections + rest


def error_links(fields: list[Field], errors: dict[str, str]) -> list[tuple[str, str]]:
    """(anchor id, message) for an error summary above the form, in page order."""
    links = [("", errors[FORM_ERROR_KEY])] if FORM_ERROR_KEY in errors else []
    for node in fields:
        if node.error:
            links.append((node.id, node.error))
        for row in node.rows:
            links += error_links([row], {})
        links += error_links(node.children, {})
    return links


def _ordered(order: list[str], properties: dict[str, Any]) -> list[str]:
    """ui.order first, then the remaining properties in schema order."""
    return [key for key in order if key in properties] + [k for k in properties if k not in order]


def _text(value: Any) -> str:
    """The value as the text an input shows (bad strings come back unchanged)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _choices(schema: dict[str, Any]) -> list[tuple[str, str]]:
    """(value, label) pairs from `oneOf` of const/title, or from `enum`."""
    if schema.get("type") == "boolean" and "enum" not in schema:
        return [("true", "Có"), ("false", "Không")]
    if all(isinstance(branch, dict) and "const" in branch for branch in schema.get("oneOf", [{}])):
        branches = schema["oneOf"]
        return [(_text(b["const"]), b.get("title", _text(b["const"]))) for b in branches]
    return [(_text(value), _text(value)) for value in schema.get("enum", [])]


def _field(
    form: FormDefinition,
    key: str,
    schema: dict[str, Any],
    container: dict[str, Any],
    parent_path: str,
    parent_name: str,
    required: bool,
    errors: dict[str, str],
) -> Field:
    """One property of an object, with its children or rows when it is a group."""
    schema = resolve_ref(form.schema, schema)
    path = f"{parent_path}.{key}" if parent_path else key
    name = f"{parent_name}{key}"
    hints = field_hints(form, path)
    node = Field(
        kind="input",
        label=schema.get("title", key),
        name=name,
        path=path,
        id=f"f-{name}",
        error=errors.get(path, ""),
        required=required,
        help=hints.get("help", ""),
        placeholder=hints.get("placeholder", ""),
    )
    condition = hints.get("visibleIf")
    if condition:
        _add_condition(form, node, condition, parent_path, parent_name)
    value = container.get(key) if isinstance(container, dict) else None
    kind = schema.get("type", "object" if "properties" in schema else "string")
    items = resolve_ref(form.schema, schema.get("items", {}))
    if kind == "object":
        node.kind = "group"
        node.children = _children(form, schema, value, path, f"{name}-", hints, errors)
    elif kind == "array" and items.get("type", "object") == "object" and "enum" not in items:
        node.kind = "repeat"
        node.rows = _rows(form, schema, items, value, path, name, hints, errors)
    elif kind == "array":
        _fill_list(node, items, value)
    else:
        _fill_input(node, schema, hints, value)
    return node


def _children(
    form: FormDefinition,
    schema: dict[str, Any],
    value: Any,
    path: str,
    name_prefix: str,
    hints: dict[str, Any],
    errors: dict[str, str],
) -> list[Field]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    container = value if isinstance(value, dict) else {}
    return [
        _field(form, key, properties[key], container, path, name_prefix, key in required, errors)
        for key in _ordered(hints.get("order", []), properties)
    ]


def _rows(
    form: FormDefinition,
    schema: dict[str, Any],
    items: dict[str, Any],
    value: Any,
    path: str,
    name: str,
    hints: dict[str, Any],
    errors: dict[str, str],
) -> list[Field]:
    """Filled rows plus blank ones (ui extraRows, default 1) so a row can be added without JS."""
    filled = value if isinstance(value, list) else []
    count = max(len(filled) + hints.get("extraRows", 1), schema.get("minItems", 0), 1)
    if "maxItems" in schema:
        count = max(min(count, schema["maxItems"]), len(filled))
    item_hints = {"order": hints.get("order", [])}
    rows = []
    for index in range(count):
        row_value = filled[index] if index < len(filled) else {}
        row_path, row_name = f"{path}.{index}", f"{name}-{index}"
        rows.append(
            Field(
                kind="row",
                label=f"{items.get('title', schema.get('title', ''))} {index + 1}",
                name=row_name,
                path=row_path,
                id=f"f-{row_name}",
                error=errors.get(row_path, ""),
                children=_children(
                    form, items, row_value, row_path, f"{row_name}-", item_hints, errors
                ),
            )
        )
    return rows


def _add_condition(
    form: FormDefinition, node: Field, condition: dict, parent_path: str, parent_name: str
) -> None:
    """data-visible-if for the page script, and a sentence for readers without JS."""
    wanted = condition["in"] if "in" in condition else [condition.get("equals")]
    node.visible_if = {
        "field": f"{parent_name}{condition['field']}",
        "values": [_text(value) for value in wanted],
    }
    controller_path = f"{parent_path}.{condition['field']}" if parent_path else condition["field"]
    controller = resolve_ref(form.schema, subschema_at(form.schema, controller_path) or {})
    labels = dict(_choices(controller))
    shown = " hoặc ".join(f"«{labels.get(_text(v), _text(v))}»" for v in wanted)
    node.visible_if_note = (
        f"Chỉ điền khi «{controller.get('title', condition['field'])}» là {shown}."
    )


def _fill_list(node: Field, items: dict[str, Any], value: Any) -> None:
    """Array of choices → checkboxes; array of free text → one input per item plus a blank."""
    chosen = [_text(v) for v in value] if isinstance(value, list) else []
    choices = _choices(items)
    if choices:
        node.widget = "checkboxes"
        node.options = [
            Option(v, label, v in chosen, f"{node.id}-{i}") for i, (v, label) in enumerate(choices)
        ]
    else:
        node.widget = "text-list"
        node.values = [*chosen, ""]


def _fill_input(node: Field, schema: dict[str, Any], hints: dict[str, Any], value: Any) -> None:
    """Widget, input type and the value as shown (an ISO date for <input type=date>)."""
    kind = schema.get("type", "string")
    kind = next((k for k in kind if k != "null"), "string") if isinstance(kind, list) else kind
    fmt = schema.get("format", "")
    choices = _choices(schema)
    default = "checkbox" if kind == "boolean" else "select" if choices else "text"
    node.widget = hints.get("widget", default)
    node.value = _text(value)
    if node.widget == "checkbox":
        node.checked = value is True
        return
    if node.widget in ("select", "radio"):
        node.options = [
            Option(v, label, v == node.value, f"{node.id}-{i}")
            for i, (v, label) in enumerate(choices)
        ]
        return
    if node.widget == "date":
        node.input_type = "date"
        parts = node.value.split("/")
        if fmt == "date-vn" and len(parts) == 3 and all(p.isdigit() for p in parts):
            node.value = f"{parts[2]}-{int(parts[1]):02d}-{int(parts[0]):02d}"
        return
    node.input_type = {"hidden": "hidden", "email": "email", "phone-vn": "tel"}.get(
        node.widget if node.widget == "hidden" else fmt, "text"
    )
    if kind == "integer" or fmt in ("cccd", "tax-code-vn"):
        node.inputmode = "numeric"
    elif kind == "number":
        node.inputmode = "decimal"
