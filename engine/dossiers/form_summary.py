"""What the applicant declared, read back with the form's own labels and choice titles.

Officers read "Quan hệ với người được khai sinh: Cha", not `"applicant_relationship": "father"`.
The order follows the form (its sections, then ui.order, then the schema), so the page reads
like the paper form the applicant filled in.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from forms.definition import FormDefinition, field_hints, field_label, resolve_ref


@dataclass(frozen=True)
class FormEntry:
    """One answer; a group or section has `children`, a repeated group has `rows`."""

    label: str
    value: str = ""
    children: tuple[FormEntry, ...] = ()
    rows: tuple[tuple[FormEntry, ...], ...] = ()


def form_entries(form: FormDefinition, data: dict[str, Any]) -> list[FormEntry]:
    """The answered fields of `data`; unanswered ones are left out, unknown keys shown last."""
    schema = resolve_ref(form.schema, form.schema)
    properties = schema.get("properties", {})
    entries, placed = [], set()
    for section in form.ui.get("sections", []):
        placed.update(section["fields"])
        children = _entries(form, section["fields"], properties, data, "")
        if children:
            entries.append(FormEntry(label=section.get("title", ""), children=tuple(children)))
    order = [key for key in form.ui.get("order", []) if key in properties]
    order += [key for key in properties if key not in order]
    entries += _entries(form, [key for key in order if key not in placed], properties, data, "")
    entries += [
        FormEntry(label=key, value=_plain(value))
        for key, value in data.items()
        if key not in properties and not _blank(value)
    ]
    return entries


def _entries(
    form: FormDefinition, keys: list[str], properties: dict, data: Any, prefix: str
) -> list[FormEntry]:
    container = data if isinstance(data, dict) else {}
    found = []
    for key in keys:
        if key not in properties or _blank(container.get(key)):
            continue
        found.append(_entry(form, f"{prefix}{key}", properties[key], container[key]))
    return found


def _entry(form: FormDefinition, path: str, schema: dict, value: Any) -> FormEntry:
    schema = resolve_ref(form.schema, schema)
    label = field_label(form, path)
    properties = schema.get("properties", {})
    if isinstance(value, dict) and properties:
        keys = _ordered(field_hints(form, path).get("order", []), properties)
        return FormEntry(label, children=tuple(_entries(form, keys, properties, value, f"{path}.")))
    items = resolve_ref(form.schema, schema.get("items", {}))
    if isinstance(value, list) and items.get("properties"):
        keys = _ordered(field_hints(form, path).get("order", []), items["properties"])
        rows = tuple(
            tuple(_entries(form, keys, items["properties"], row, f"{path}.{index}."))
            for index, row in enumerate(value)
        )
        return FormEntry(label, rows=rows)
    if isinstance(value, list):
        return FormEntry(label, value=", ".join(_choice_title(items, item) for item in value))
    return FormEntry(label, value=_choice_title(schema, value))


def _ordered(order: list[str], properties: dict) -> list[str]:
    return [key for key in order if key in properties] + [k for k in properties if k not in order]


def _choice_title(schema: dict, value: Any) -> str:
    """The title of the chosen `oneOf` branch, "Có"/"Không" for booleans, else the value."""
    for branch in schema.get("oneOf", []):
        if isinstance(branch, dict) and branch.get("const") == value and "title" in branch:
            return branch["title"]
    return _plain(value)


def _plain(value: Any) -> str:
    if isinstance(value, bool):
        return "Có" if value else "Không"
    if isinstance(value, list):
        return ", ".join(_plain(item) for item in value)
    return "" if value is None else str(value)


def _blank(value: Any) -> bool:
    return value is None or value == "" or value == [] or value == {}
