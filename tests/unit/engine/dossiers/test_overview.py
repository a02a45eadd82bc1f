"""What the dossier page reads: labelled form answers, who holds the work, the clock."""

from __future__ import annotations

from datetime import timedelta

import pytest

from engine.dossiers.form_summary import form_entries
from engine.dossiers.overview import dossier_overview
from engine.errors import NotFound
from engine.tasks.completion import claim_task
from forms.definition import load_form
from tests.factories import complete, open_task, submit


def test_form_answers_read_with_the_form_labels_and_choice_titles(demo, session_factory):
    _, code = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session:
        overview = dossier_overview(session, demo.actor("motcua"), code)
    assert overview.form_title == "Tờ khai đăng ký khai sinh"
    answers = {entry.label: entry.value for entry in overview.form_entries}
    assert answers["Họ, chữ đệm và tên người yêu cầu"] == "Nguyễn Văn An"
    assert answers["Quan hệ với người được khai sinh"] == "Cha"
    assert answers["Giới tính"] == "Nữ"
    labels = [entry.label for entry in overview.form_entries]
    assert labels.index("Họ, chữ đệm và tên người yêu cầu") < labels.index("Giới tính")


def test_nested_and_repeated_answers_keep_their_structure():
    form = load_form(
        {
            "title": "Hộ gia đình",
            "schema": {
                "type": "object",
                "properties": {
                    "head": {
                        "type": "object",
                        "title": "Chủ hộ",
                        "properties": {"name": {"type": "string", "title": "Họ tên"}},
                    },
                    "members": {
                        "type": "array",
                        "title": "Thành viên",
                        "items": {
                            "type": "object",
                            "properties": {"name": {"type": "string", "title": "Họ tên"}},
                        },
                    },
                    "agree": {"type": "boolean", "title": "Cam đoan"},
                },
            },
        }
    )
    entries = form_entries(
        form,
        {"head": {"name": "Lê Thị Hoa"}, "members": [{"name": "A"}, {"name": "B"}], "agree": True},
    )
    head, members, agree = entries
    assert (head.label, head.children[0].label, head.children[0].value) == (
        "Chủ hộ",
        "Họ tên",
        "Lê Thị Hoa",
    )
    assert [row[0].value for row in members.rows] == ["A", "B"]
    assert (agree.label, agree.value) == ("Cam đoan", "Có")


def test_current_tasks_say_who_holds_them(demo, session_factory):
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    reception = open_task(session_factory, dossier_id, "reception")
    officer = demo.actor("motcua")
    with session_factory() as session:
        assert dossier_overview(session, officer, code).tasks[0].holder_name is None
        claim_task(session, officer, reception.id)
        session.commit()
        held = dossier_overview(session, officer, code).tasks
    assert [(t.title, t.role_label, t.holder_name) for t in held] == [
        ("Tiếp nhận hồ sơ", "Cán bộ một cửa", "Trần Thị Bình")
    ]


def test_clock_counts_working_days_used_and_left(demo, session_factory):
    dossier_id, code = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session:
        assert dossier_overview(session, demo.actor("motcua"), code).clock.state == "not_started"
    reception = open_task(session_factory, dossier_id, "reception")
    officer = demo.actor("motcua")
    complete(session_factory, officer, reception.id, {"decision": "accept"})
    with session_factory() as session:
        due = dossier_overview(session, officer, code).dossier.due_at
        late = dossier_overview(session, officer, code, now=due + timedelta(days=3))
        near = dossier_overview(session, officer, code, now=due - timedelta(hours=2))
    assert late.clock.state == "overdue" and late.clock.left_days < 0
    assert near.clock.state == "due_soon" and 0 < near.clock.left_days < 1
    assert late.clock.deadline_days == 1


def test_an_officer_of_another_agency_does_not_see_the_dossier(
    demo, session_factory, other_agency_officer
):
    _, code = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session, pytest.raises(NotFound):
        dossier_overview(session, other_agency_officer, code)


def test_the_diagram_is_part_of_the_page(demo, session_factory):
    _, code = submit(session_factory, demo.actor("congdan"))
    with session_factory() as session:
        svg = dossier_overview(session, demo.actor("motcua"), code).diagram_svg
    assert svg.startswith("<svg") and 'data-bpmn-id="Task_Reception"' in svg
    assert "bpmn-node bpmn-userTask is-current" in svg
