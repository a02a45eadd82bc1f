"""Reading the audit trail: filters, pages, each reader's scope, a dossier's history."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from engine.agencies.models import Agency
from engine.db import transaction
from engine.demo import PARTNER_WARD_CODE
from engine.errors import InvalidInput, NotFound
from engine.users.actor import load_actor
from engine.users.admin_audit import AdminAuditEntry, record_admin_change
from engine.users.audit_log import (
    PAGE_SIZE,
    AuditFilters,
    all_audit_entries,
    dossier_history,
    list_audit_entries,
)
from engine.users.models import RoleAssignment, User
from tests.factories import submit


def write(session_factory, actor, action: str, target: str, at: datetime | None = None):
    with session_factory() as session, transaction(session):
        entry = record_admin_change(session, actor, action, target)
        if at is not None:
            entry.at = at


@pytest.fixture
def trail(demo, session_factory):
    write(session_factory, demo.actor("quantri"), "procedure_updated", "procedure:1.001193")
    write(session_factory, demo.actor("quantritinh"), "calendar_override_added", "calendar:x")
    write(
        session_factory,
        demo.actor("quantritinh"),
        "working_hours_changed",
        "agency:000.00.25.H25",
        at=datetime(2026, 1, 10, 3, 0, tzinfo=UTC),
    )
    return demo


def targets(session_factory, actor, **filters) -> list[str]:
    with session_factory() as session:
        page = list_audit_entries(session, actor, AuditFilters(**filters))
        return sorted(entry.target for entry in page.entries)


def test_province_readers_see_everything_ward_administrators_their_own(trail, session_factory):
    everything = ["agency:000.00.25.H25", "calendar:x", "procedure:1.001193"]
    assert targets(session_factory, trail.actor("quantritinh")) == everything
    assert targets(session_factory, trail.actor("thanhtra")) == everything
    assert targets(session_factory, trail.actor("quantri")) == ["procedure:1.001193"]
    ward_admin = trail.actor("quantri")
    with session_factory() as session:
        page = list_audit_entries(session, ward_admin, AuditFilters())
    assert page.actions == ["procedure_updated"]


def test_filters_by_user_action_target_and_local_dates(trail, session_factory):
    auditor = trail.actor("thanhtra")
    assert targets(session_factory, auditor, user="hoàng văn") == ["procedure:1.001193"]
    assert targets(session_factory, auditor, action="calendar_override_added") == ["calendar:x"]
    assert targets(session_factory, auditor, target="25.H25") == ["agency:000.00.25.H25"]
    # 03:00 UTC is 10:00 in Vietnam on 10/01/2026
    assert targets(session_factory, auditor, date_from="10/01/2026", date_to="10/01/2026") == [
        "agency:000.00.25.H25"
    ]
    assert targets(session_factory, auditor, date_to="09/01/2026") == []
    with pytest.raises(InvalidInput) as raised, session_factory() as session:
        list_audit_entries(session, auditor, AuditFilters(date_from="12/01/2026", date_to="1/1"))
    assert "dd/mm/yyyy" in raised.value.field_errors["date_to"]


def test_entries_come_in_pages_newest_first(demo, session_factory):
    admin = demo.actor("quantritinh")
    with session_factory() as session, transaction(session):
        for number in range(PAGE_SIZE + 3):
            entry = record_admin_change(session, admin, "procedure_updated", f"procedure:{number}")
            entry.at = datetime(2026, 1, 1, 0, number % 60, number // 60, tzinfo=UTC)
    with session_factory() as session:
        first = list_audit_entries(session, admin, AuditFilters(), page=1)
        second = list_audit_entries(session, admin, AuditFilters(), page=2)
        assert (first.total, first.pages, len(first.entries), len(second.entries)) == (
            PAGE_SIZE + 3,
            2,
            PAGE_SIZE,
            3,
        )
        assert first.entries[0].target == "procedure:52"
        assert second.entries[-1].target == "procedure:0"
        assert len(all_audit_entries(session, admin, AuditFilters())) == PAGE_SIZE + 3
        assert session.query(AdminAuditEntry).count() == PAGE_SIZE + 3


def test_a_dossier_history_is_shown_within_scope_only(demo, session_factory):
    _, code = submit(session_factory, demo.actor("congdan"))
    ward_admin, auditor = demo.actor("quantri"), demo.actor("thanhtra")
    with session_factory() as session:
        dossier, events = dossier_history(session, ward_admin, code)
        assert dossier.code == code
        assert [event.action for event in events] == ["submitted"]
        assert dossier_history(session, auditor, code)[0].code == code
    partner_admin = _partner_administrator(demo, session_factory)
    with pytest.raises(NotFound), session_factory() as session:
        dossier_history(session, partner_admin, code)


def _partner_administrator(demo, session_factory):
    with session_factory() as session, transaction(session):
        partner = session.scalar(select(Agency.id).where(Agency.code == PARTNER_WARD_CODE))
        user = session.scalar(select(User).where(User.username == "thulycn"))
        session.add(RoleAssignment(user_id=user.id, role="admin", agency_id=partner))
    with session_factory() as session:
        return load_actor(session, user.id)
