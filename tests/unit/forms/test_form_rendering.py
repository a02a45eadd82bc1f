"""The form macro as a browser and a screen reader get it: labels, errors, escaping, round trip."""

import json
from html.parser import HTMLParser
from pathlib import Path

import jinja2
import pytest
from werkzeug.datastructures import MultiDict

from forms.definition import load_form
from forms.rendering import error_links, form_fields
from forms.validation import coerce_form_input, validate_submission

FORM = load_form(Path(__file__).parent / "household.json")
TEMPLATES = Path(__file__).parents[3] / "webapp" / "templates"
PAGE = (
    '{% from "_macros/form.html" import error_summary, render_fields %}'
    "{{ error_summary(links) }}<form method='post'>{{ render_fields(fields) }}</form>"
)


class Page(HTMLParser):
    """Elements with their attributes, and the text of each label by its `for`."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.label_text: dict[str, str] = {}
        self._label_for: str | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = {name: value or "" for name, value in attrs}
        self.elements.append((tag, attributes))
        if tag == "label":
            self._label_for = attributes.get("for")
            self.label_text[self._label_for] = ""

    def handle_endtag(self, tag):
        if tag == "label":
            self._label_for = None

    def handle_data(self, data):
        if self._label_for:
            self.label_text[self._label_for] += data

    def by_id(self, element_id):
        return next(attrs for _, attrs in self.elements if attrs.get("id") == element_id)

    def controls(self):
        return [
            attrs
            for tag, attrs in self.elements
            if tag in ("input", "select", "textarea") and attrs.get("type") != "hidden"
        ]


def render(data, errors=None):
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True)
    fields = form_fields(FORM, data, errors or {})
    return env.from_string(PAGE).render(fields=fields, links=error_links(fields, errors or {}))


def test_every_control_has_a_label_and_ids_are_unique():
    page = Page(render({"members": [{"full_name": "Bình"}]}))
    ids = [attrs["id"] for _, attrs in page.elements if "id" in attrs]
    assert len(ids) == len(set(ids))
    for control in page.controls():
        assert control["id"] in page.label_text or "aria-label" in control, control
    assert page.label_text["f-cccd"].split() == ["Số", "CCCD", "*", "(bắt", "buộc)"]
    assert page.label_text["f-members-0-full_name"].startswith("Họ và tên")


def test_errors_sit_beside_their_field_and_are_announced():
    data = {"cccd": "123", "members": [{"full_name": "Bình", "relation": "Em họ"}]}
    errors = validate_submission(FORM, data)
    html = render(data, errors)
    page = Page(html)
    cccd = page.by_id("f-cccd")
    assert cccd["aria-invalid"] == "true"
    assert cccd["aria-describedby"] == "f-cccd-help f-cccd-error"
    assert "Số CCCD phải gồm 12 chữ số." in html
    relation = page.by_id("f-members-0-relation")
    assert relation["aria-describedby"] == "f-members-0-relation-error"
    assert "Vui lòng chọn quan hệ với chủ hộ trong danh sách." in html
    assert '<a href="#f-cccd">Số CCCD phải gồm 12 chữ số.</a>' in html
    assert "aria-invalid" not in page.by_id("f-email")


def test_user_data_is_escaped_everywhere():
    evil = '"><script>alert(1)</script>'
    data = {"full_name": evil, "supplement_reason": evil, "members": [{"full_name": evil}]}
    html = render(data, {"full_name": evil})
    assert "<script>" not in html
    # three values, the error beside the field and the same error in the summary
    assert html.count("&lt;script&gt;") == 5
    assert Page(html).by_id("f-full_name")["value"] == evil


def test_sections_and_repeating_groups_are_fieldsets_with_legends():
    html = render({"members": [{"full_name": "Bình"}, {"full_name": "Cường"}]})
    assert '<legend class="form-section__title">Người khai</legend>' in html
    assert "<legend>Thành viên 3</legend>" in html  # two filled rows plus one blank
    assert "<legend>Thành viên 4</legend>" not in html
    assert Page(html).by_id("f-members-1-full_name")["value"] == "Cường"


def test_a_conditional_field_carries_its_condition_and_stays_visible_without_js():
    page = Page(render({"decision": "register"}))
    wrapper = next(
        attrs
        for _, attrs in page.elements
        if "data-visible-if" in attrs and "supplement" in attrs["data-visible-if"]
    )
    assert json.loads(wrapper["data-visible-if"]) == {
        "field": "decision",
        "values": ["supplement"],
    }
    assert "hidden" not in wrapper and "style" not in wrapper
    reason = page.by_id("f-supplement_reason")
    assert reason["aria-describedby"] == "f-supplement_reason-help"
    assert "Chỉ điền khi «Đề nghị» là «Bổ sung thông tin»." in render({})


def test_a_condition_inside_a_row_points_at_the_same_row():
    page = Page(render({"members": [{"full_name": "Bình"}]}))
    conditions = [
        json.loads(a["data-visible-if"]) for _, a in page.elements if "data-visible-if" in a
    ]
    assert {"field": "members-1-relation", "values": ["Khác"]} in conditions


@pytest.mark.parametrize(
    ("path", "widget"),
    [("decision", "radio"), ("supplement_reason", "textarea"), ("agree", "checkbox")],
)
def test_ui_hints_and_types_choose_the_widget(path, widget):
    fields = {f.path: f for section in form_fields(FORM) for f in section.children}
    assert fields[path].widget == widget


def test_what_is_rendered_posts_back_as_the_same_data():
    data = {
        "full_name": "Nguyễn Văn An",
        "phone": "0912345678",
        "household_size": 3,
        "address": {"street": "12 Lê Lợi"},
        "decision": "supplement",
        "supplement_reason": "Thiếu giấy khai sinh",
        "members": [{"full_name": "Bình", "relation": "Vợ", "birth_year": 1990}],
        "agree": True,
    }
    page = Page(render(data))
    post = MultiDict()
    for tag, attrs in page.elements:
        if tag == "input" and attrs.get("type") in ("radio", "checkbox"):
            if "checked" in attrs:
                post.add(attrs["name"], attrs["value"])
        elif tag == "input":
            post.add(attrs["name"], attrs.get("value", ""))
    for tag, attrs in page.elements:
        if tag == "option" and "selected" in attrs:
            post.add("members-0-relation", attrs["value"])
    post.add("supplement_reason", data["supplement_reason"])  # textarea text, not an attribute
    coerced = coerce_form_input(FORM, post)
    coerced["members"][0].pop("is_student")
    assert coerced == data
