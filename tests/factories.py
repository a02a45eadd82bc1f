"""Building blocks tests share: a valid birth-registration application, acting as a demo user."""

from __future__ import annotations

from datetime import datetime

from engine.db import transaction
from engine.dossiers.submission import submit_dossier
from engine.tasks.completion import complete_task
from engine.tasks.models import OPEN, Task

KHAI_SINH = "1.001193"


def birth_application(**overrides) -> dict:
    application = {
        "applicant_full_name": "Nguyễn Văn An",
        "applicant_id_number": "074090001234",
        "applicant_phone": "0912345678",
        "applicant_address": "Số 5 đường Yersin, phường Phú Cường, tỉnh Bình Dương",
        "applicant_relationship": "father",
        "child_full_name": "Nguyễn Thị Ánh Dương",
        "child_sex": "female",
        "child_date_of_birth": "20/11/2026",
        "child_place_of_birth": "Bệnh viện Đa khoa tỉnh Bình Dương",
        "child_ethnicity": "Kinh",
        "child_nationality": "Việt Nam",
    }
    application.update(overrides)
    return application


def submit(session_factory, actor, data=None, **kwargs):
    with session_factory() as session, transaction(session):
        dossier = submit_dossier(session, actor, KHAI_SINH, data or birth_application(), **kwargs)
        return dossier.id, dossier.code


def open_task(session_factory, dossier_id: int, role: str | None = None) -> Task:
    with session_factory() as session:
        query = session.query(Task).filter_by(dossier_id=dossier_id, state=OPEN)
        if role:
            query = query.filter_by(role=role)
        tasks = query.all()
        assert len(tasks) == 1, f"expected one open task, found {[t.title for t in tasks]}"
        return tasks[0]


def complete(session_factory, actor, task_id: int, data: dict, **kwargs):
    with session_factory() as session, transaction(session):
        return complete_task(session, actor, task_id, data, **kwargs).dossier_id


class _FrozenDatetime(datetime):
    frozen: datetime

    @classmethod
    def now(cls, tz=None):
        return cls.frozen if tz is None else cls.frozen.astimezone(tz)


def freeze_clocks(monkeypatch, moment: datetime) -> None:
    """Move the step's, the timer sweep's and SpiffWorkflow's timer clocks to `moment`."""
    import SpiffWorkflow.bpmn.specs.event_definitions.timer as spiff_timer

    import engine.dossiers.step as step
    import engine.workflow.timers as timers

    _FrozenDatetime.frozen = moment
    monkeypatch.setattr(spiff_timer, "datetime", _FrozenDatetime)
    monkeypatch.setattr(timers, "utcnow", lambda: moment)
    monkeypatch.setattr(step, "utcnow", lambda: moment)
