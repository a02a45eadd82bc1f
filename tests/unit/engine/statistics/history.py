"""A generated history of dossiers across 2026's holidays, written straight into the read model.

Each dossier's times come from the calendar (due time, pauses) and a seeded random generator
(reception, processing time, outcome), so a test can count what the report should say with
plain Python over `GeneratedDossier` values.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from engine.agencies.models import Agency
from engine.calendar.deadlines import DAYS, Deadline
from engine.calendar.models import CalendarOverride
from engine.calendar.working_days import VIETNAM_TZ, calendar_from_session
from engine.dossiers.models import Dossier, DossierEvent, Rating, RatingOfficer
from engine.procedures.models import Procedure, ProcedureVersion
from engine.users.models import User

#: a make-up Saturday the administrator recorded (not in the `holidays` package)
MAKE_UP_SATURDAY = date(2026, 3, 7)


@dataclass
class GeneratedDossier:
    id: int
    agency_id: int
    field: str
    channel: int
    status: str
    received_at: datetime | None
    due_at: datetime | None
    finished_at: datetime | None
    returned_at: datetime | None
    timing: str | None
    paused_at: datetime | None
    supplement_at: datetime | None


def generate_history(session, count: int = 240, seed: int = 2026) -> list[GeneratedDossier]:
    rng = random.Random(seed)
    session.add(CalendarOverride(day=MAKE_UP_SATURDAY, kind="working_day", reason="Làm bù"))
    province = session.query(Agency).filter_by(level="province").one()
    ward = session.query(Agency).filter_by(code="000.00.20.H25").one()
    other_ward = Agency(
        code="000.00.21.H25", name="UBND xã Tân An", level="commune", parent=province
    )
    session.add(other_ward)
    birth = session.query(Procedure).filter_by(code="1.001193").one()
    certification = Procedure(
        code="2.000815", name="Chứng thực bản sao", field="Chứng thực", deadline_working_days=1
    )
    session.add(certification)
    session.flush()
    version = ProcedureVersion(
        procedure_id=certification.id,
        number=1,
        content_hash="x" * 64,
        process_id="p",
        files={},
        spec="",
    )
    session.add(version)
    session.flush()
    calendar = calendar_from_session(session)
    procedures = [(birth, birth.versions[0].id), (certification, version.id)]
    generated = []
    start = datetime(2026, 1, 5, tzinfo=VIETNAM_TZ)
    for number in range(count):
        procedure, version_id = rng.choice(procedures)
        agency = rng.choice([ward, other_ward, province])
        channel = rng.choice([1, 2, 2, 3])
        received = start + timedelta(days=rng.randint(0, 260), minutes=rng.randint(7 * 60, 17 * 60))
        deadline = Deadline(DAYS, rng.choice([1, 3, 5]))
        due = calendar.deadline_due_at(received, deadline)
        outcome = rng.random()
        supplement_at = paused_at = finished = returned = timing = None
        status = "processing"
        if rng.random() < 0.2:
            supplement_at = received + timedelta(hours=rng.randint(1, 30))
            answered = supplement_at + timedelta(days=rng.randint(0, 6))
            if outcome < 0.1:
                status, paused_at = "supplement_requested", supplement_at
            else:
                due = calendar.resume_after_pause(due, deadline, supplement_at, answered)
        if status == "processing":
            if outcome < 0.6:
                finished = received + timedelta(hours=rng.randint(1, 24 * 12))
                timing = str(calendar.classify(due, finished))
                status = "result_ready"
                if rng.random() < 0.7:
                    status, returned = "returned", finished + timedelta(hours=rng.randint(1, 60))
            elif outcome < 0.66:
                status, finished = "withdrawn", received + timedelta(days=rng.randint(0, 4))
            elif outcome < 0.7:
                status, finished = "stopped", received + timedelta(days=rng.randint(0, 4))
        if outcome > 0.96:
            status, finished, due, timing = "refused", received, None, None
            received_at = None
        else:
            received_at = received
        row = Dossier(
            code=f"GEN-{number:05d}",
            procedure_id=procedure.id,
            procedure_version_id=version_id,
            agency_id=agency.id,
            receiving_agency_id=agency.id,
            applicant_name=f"Người nộp {number}",
            channel=channel,
            status=status,
            national_status=4,
            form_data={},
            created_at=received,
            received_at=received_at,
            due_at=due,
            paused_at=paused_at,
            finished_at=finished,
            returned_at=returned,
            timing=timing,
        )
        session.add(row)
        session.flush()
        if supplement_at is not None:
            session.add(
                DossierEvent(
                    dossier_id=row.id,
                    action="task_completed",
                    from_status="processing",
                    to_status="supplement_requested",
                    at=supplement_at,
                )
            )
        generated.append(
            GeneratedDossier(
                row.id,
                agency.id,
                procedure.field,
                channel,
                status,
                _utc(received_at),
                _utc(due),
                _utc(finished),
                _utc(returned),
                timing,
                _utc(paused_at),
                _utc(supplement_at),
            )
        )
    session.flush()
    return generated


def _utc(moment: datetime | None) -> datetime | None:
    return moment.astimezone(UTC) if moment else None


def local_midnight(day: date) -> datetime:
    return datetime.combine(day, time.min, tzinfo=VIETNAM_TZ)


@dataclass
class GeneratedRating:
    dossier_id: int
    agency_id: int
    level: int
    created_at: datetime
    officer_ids: tuple[int, ...]


def generate_ratings(
    session, history: list[GeneratedDossier], seed: int = 766
) -> list[GeneratedRating]:
    """Most returned dossiers rated by the citizen, a day or so after the return, by officers
    drawn from the demo's (the last one works in the partner ward)."""
    rng = random.Random(seed)
    users = {u.username: u.id for u in session.query(User)}
    officers = [users["thuly"], users["thuly2"], users["thulycn"]]
    generated = []
    for dossier in history:
        if dossier.returned_at is None or rng.random() < 0.25:
            continue
        level = rng.choices([5, 4, 3, 2, 1], weights=[5, 4, 2, 1, 1])[0]
        created = dossier.returned_at + timedelta(hours=rng.randint(1, 72))
        chosen = tuple(sorted(rng.sample(officers, rng.randint(0, 2))))
        session.add(
            Rating(
                dossier_id=dossier.id,
                user_id=users["congdan"],
                agency_id=dossier.agency_id,
                level=level,
                comment=f"Góp ý {dossier.id}" if level <= 2 else None,
                created_at=created,
                officers=[RatingOfficer(user_id=officer) for officer in chosen],
            )
        )
        generated.append(GeneratedRating(dossier.id, dossier.agency_id, level, created, chosen))
    session.flush()
    return generated
