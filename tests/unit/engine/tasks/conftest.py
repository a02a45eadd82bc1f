"""An inbox to query: dossiers at the counter of the demo ward, a second agency, more officers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import event

from engine.agencies.models import Agency
from engine.calendar.working_days import WorkingCalendar
from engine.db import transaction
from engine.dossiers.models import Dossier
from engine.tasks.due_state import refresh_task_due_times, running_due_at
from engine.tasks.queries import InboxFilter, count_inbox_tabs, list_inbox_rows
from engine.users.actor import Actor, load_actor
from engine.users.models import RoleAssignment, User
from tests.factories import birth_application, complete, open_task, submit


@dataclass
class InboxWorld:
    session_factory: object
    demo: object
    calendar: WorkingCalendar

    @property
    def ward_id(self) -> int:
        (ward,) = self.demo.actor("motcua").agencies_for("reception")
        return ward

    def counter_dossier(self, name: str, id_number: str = "079188000111", **kwargs) -> int:
        """A dossier registered at the counter for `name`: its reception task is open."""
        application = birth_application(applicant_full_name=name, applicant_id_number=id_number)
        dossier_id, _ = submit(
            self.session_factory,
            self.demo.actor("motcua"),
            application,
            channel=kwargs.pop("channel", 1),
            agency_id=self.ward_id,
        )
        return dossier_id

    def received_dossier(self, name: str, **kwargs) -> int:
        """Received by the one-stop: the processing task is open and the clock runs."""
        dossier_id = self.counter_dossier(name, **kwargs)
        task = open_task(self.session_factory, dossier_id)
        complete(self.session_factory, self.demo.actor("motcua"), task.id, {"decision": "accept"})
        return dossier_id

    def set_clock(self, dossier_id: int, *, due_at=None, paused_at=None) -> None:
        with self.session_factory() as session, transaction(session):
            dossier = session.get(Dossier, dossier_id)
            previous = running_due_at(dossier)
            dossier.due_at = due_at
            dossier.paused_at = paused_at
            refresh_task_due_times(dossier, previous)

    def officer(self, username: str, name: str, roles: dict[str, int]) -> Actor:
        with self.session_factory() as session, transaction(session):
            user = User(username=username, full_name=name, kind="officer")
            user.roles = [RoleAssignment(role=r, agency_id=a) for r, a in roles.items()]
            session.add(user)
            session.flush()
            return load_actor(session, user.id)

    def other_agency(self) -> int:
        with self.session_factory() as session, transaction(session):
            agency = Agency(code="000.00.21.H25", name="UBND phường Hiệp Thành", level="commune")
            session.add(agency)
            session.flush()
            return agency.id

    def rows(self, actor: Actor, now: datetime, **filters):
        with self.session_factory() as session:
            return list_inbox_rows(
                session, actor, InboxFilter(**filters), now=now, calendar=self.calendar
            )

    def names(self, actor: Actor, now: datetime, **filters) -> list[str]:
        return [row.dossier.applicant_name for row in self.rows(actor, now, **filters)]

    def counts(self, actor: Actor, now: datetime, **filters) -> dict[str, int]:
        with self.session_factory() as session:
            return count_inbox_tabs(
                session, actor, InboxFilter(**filters), now=now, calendar=self.calendar
            )


@pytest.fixture
def world(demo, session_factory) -> InboxWorld:
    return InboxWorld(session_factory, demo, WorkingCalendar())


@pytest.fixture
def statements(db_engine):
    """The SQL queries run while the test body runs (SQLite's BEGIN IMMEDIATE left out)."""
    seen: list[str] = []

    def record(_conn, _cursor, statement, *_args):
        if not statement.startswith("BEGIN"):
            seen.append(statement)

    event.listen(db_engine, "before_cursor_execute", record)
    yield seen
    event.remove(db_engine, "before_cursor_execute", record)
