"""The end-of-soak check: nothing lost, nothing doubled, every dossier's parts agree, and every
side effect reached its receiver exactly once.

What "agree" means, from the step (engine/dossiers/step.py): the open `tasks` rows are exactly
the workflow's ready user tasks; the dossier's status is the `dossierStatus` of the task it
waits on, or of the end event it reached; its national code is the status's (statuses.json);
a returned dossier has its finished and returned times; the `timers` row is the workflow's
next timer; the history is one chain of status changes from `submitted` to the current status,
one `task_completed` line per completed task; and each of the procedure's user tasks was
completed at most once.
"""

from __future__ import annotations

import itertools
import mailbox
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from email import policy
from email.parser import BytesParser
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from bench.soaking.receivers import read_journal
from connectors.email.client import _message_id_part
from connectors.national_portal.client import ACCEPTED, SYNC_DOSSIER, SYNC_PROGRESS
from connectors.zalo.client import _tracking_id
from engine.db import make_engine, make_session_factory
from engine.dossiers.models import Dossier, DossierEvent
from engine.dossiers.statuses import get_status
from engine.outbox.models import DONE, OutboxMessage
from engine.tasks.models import COMPLETED, OPEN, Task
from engine.users.models import User
from engine.workflow import runtime
from engine.workflow.models import Timer, WorkflowState

#: outbox rows one returned birth-registration dossier makes, per operation: the applicant is
#: told of reception, result ready and return on each of e-mail, Zalo and SMS; the portal gets
#: the dossier at each of its 5 statuses and the progress of its 4 tasks
EXPECTED_ROWS = {
    "notify/applicant": 3,
    "zalo/send-template": 3,
    "sms/send": 3,
    "national_portal/sync-dossier": 5,
    "national_portal/sync-progress": 4,
}
NOTIFY = ("notify/applicant", "notify/officer", "notify/leader")


@dataclass
class Findings:
    inconsistencies: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    lost: list[str] = field(default_factory=list)
    #: the same message (same Message-ID / key) delivered again: at least once, by design
    redelivered: Counter = field(default_factory=Counter)
    stuck: Counter = field(default_factory=Counter)
    checked: int = 0
    receiver_counts: Counter = field(default_factory=Counter)

    @property
    def ok(self) -> bool:
        return not (self.inconsistencies or self.duplicates or self.lost or self.stuck)


def outbox_backlog(database_url: str) -> Counter | None:
    """Outbox rows not done, by status (None while the database does not answer)."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            rows = session.execute(
                select(OutboxMessage.status).where(OutboxMessage.status != DONE)
            ).scalars()
            return Counter(rows)
    except OperationalError:
        return None
    finally:
        engine.dispose()


def check(
    database_url: str, submitted: dict[str, list[str]], maildir: Path, journals: dict[str, Path]
) -> Findings:
    found = Findings()
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine)() as session:
            dossiers = _check_dossiers(session, submitted, found)
            rows = _check_outbox(session, dossiers, found)
    finally:
        engine.dispose()
    _check_mail(rows, maildir, found)
    _check_sms(rows, read_journal(journals["sms"]), found)
    _check_zalo(rows, read_journal(journals["zalo"]), found)
    _check_portal(rows, dossiers, read_journal(journals["portal"]), found)
    return found


def _check_dossiers(
    session, submitted: dict[str, list[str]], found: Findings
) -> dict[int, Dossier]:
    users = dict(
        session.execute(select(User.username, User.id).where(User.username.in_(submitted))).all()
    )
    in_db = {
        d.code: d
        for d in session.scalars(
            select(Dossier).where(Dossier.applicant_user_id.in_(users.values()))
        )
    }
    known = Counter(code for codes in submitted.values() for code in codes)
    for code, times in known.items():
        if times > 1:
            found.duplicates.append(f"{code}: a client took it for {times} submissions")
    for code in known:
        if code not in in_db:
            found.lost.append(f"{code}: submitted, not in the database")
    for code in in_db:
        if code not in known:
            found.duplicates.append(f"{code}: in the database, no client submitted it")
    for dossier in in_db.values():
        _check_one(session, dossier, found)
        found.checked += 1
    return {d.id: d for d in in_db.values()}


def _check_one(session, dossier: Dossier, found: Findings) -> None:
    def bad(what: str) -> None:
        found.inconsistencies.append(f"{dossier.code}: {what}")

    state = session.get(WorkflowState, dossier.id)
    if state is None:
        bad("no workflow state")
        return
    version = dossier.procedure_version
    workflow = runtime.load_workflow(version.content_hash, lambda: version.spec, state.state)
    ready = {str(task.id): task for task in runtime.open_user_tasks(workflow)}
    tasks = list(session.scalars(select(Task).where(Task.dossier_id == dossier.id)))
    open_rows = {task.spiff_task_id for task in tasks if task.state == OPEN}
    if open_rows != set(ready):
        bad(f"open tasks {sorted(open_rows)} but the workflow waits on {sorted(ready)}")
    if workflow.is_completed():
        expected_status = runtime.end_status(workflow)
    else:
        statuses = {runtime.task_properties(t).get("dossierStatus") for t in ready.values()} - {
            None
        }
        expected_status = statuses.pop() if len(statuses) == 1 else dossier.status
    if dossier.status != expected_status:
        bad(f"status {dossier.status!r}, the workflow says {expected_status!r}")
    if dossier.national_status != get_status(dossier.status).national:
        bad(f"national status {dossier.national_status} for {dossier.status!r}")
    if dossier.status == "returned" and (
        dossier.returned_at is None or dossier.finished_at is None
    ):
        bad("returned without finished/returned times")
    timer = session.get(Timer, dossier.id)
    next_timer = runtime.next_timer_at(workflow)
    if (timer.due_at if timer else None) != next_timer:
        bad(f"timer row {timer.due_at if timer else None}, workflow's next timer {next_timer}")
    completed = Counter(task.bpmn_id for task in tasks if task.state == COMPLETED)
    for bpmn_id, times in completed.items():
        if times > 1:
            bad(f"{bpmn_id} completed {times} times")
    events = list(
        session.scalars(
            select(DossierEvent)
            .where(DossierEvent.dossier_id == dossier.id)
            .order_by(DossierEvent.id)
        )
    )
    if not events or events[0].action != "submitted":
        bad("history does not start with the submission")
        return
    for before, after in itertools.pairwise(events):
        if after.from_status != before.to_status:
            bad(f"history jumps from {before.to_status!r} to an event from {after.from_status!r}")
    if events[-1].to_status != dossier.status:
        bad(f"history ends at {events[-1].to_status!r}, status is {dossier.status!r}")
    lines = sum(1 for event in events if event.action == "task_completed")
    if lines != sum(completed.values()):
        bad(f"{lines} task_completed history lines for {sum(completed.values())} completed tasks")


def _check_outbox(session, dossiers: dict[int, Dossier], found: Findings) -> list[OutboxMessage]:
    rows = list(
        session.scalars(select(OutboxMessage).where(OutboxMessage.dossier_id.in_(dossiers)))
    )
    per_dossier: dict[int, Counter] = defaultdict(Counter)
    for row in rows:
        per_dossier[row.dossier_id][row.operation] += 1
        if row.status != DONE:
            found.stuck[row.status] += 1
            found.inconsistencies.append(
                f"outbox {row.id} {row.operation} {row.status} after {row.attempts} attempts: "
                f"{(row.last_error or '')[:120]}"
            )
    for dossier_id, dossier in dossiers.items():
        # staff warnings (due soon, at risk) depend on when the sweep ran; their keys name the
        # task or dossier and the due time, so the unique key already makes them once each
        made = {op: n for op, n in per_dossier[dossier_id].items() if op in EXPECTED_ROWS}
        if dossier.status == "returned" and made != EXPECTED_ROWS:
            found.inconsistencies.append(
                f"{dossier.code}: outbox rows {dict(per_dossier[dossier_id])}, "
                f"expected {EXPECTED_ROWS}"
            )
    return rows


def _check_mail(rows: list[OutboxMessage], maildir: Path, found: Findings) -> None:
    copies: Counter = Counter()
    parser = BytesParser(policy=policy.default)
    box = mailbox.Maildir(maildir, create=False) if maildir.exists() else None
    for key in list(box.iterkeys()) if box else []:
        message = parser.parsebytes(box.get_bytes(key), headersonly=True)
        copies[str(message["Message-ID"]).strip()] += 1
    found.receiver_counts["e-mails"] = sum(copies.values())
    expected = {}
    for row in rows:
        if row.operation in NOTIFY and row.payload.get("to"):
            expected[f"<{_message_id_part(row.idempotency_key)}@motcua>"] = row
    per_event: Counter = Counter()
    for message_id, row in expected.items():
        got = copies.get(message_id, 0)
        if got == 0 and row.status == DONE:
            found.lost.append(f"e-mail {message_id} ({row.payload.get('template')}) never arrived")
        if got > 1:
            found.redelivered["e-mail"] += got - 1
        per_event[(row.dossier_id, row.operation, row.payload.get("template"))] += 1 if got else 0
    for message_id in copies:
        if message_id not in expected:
            found.duplicates.append(f"e-mail {message_id}: no outbox row asked for it")
    for (dossier_id, _operation, template), times in per_event.items():
        if times > 1:
            found.duplicates.append(
                f"dossier {dossier_id}: {times} different e-mails for {template}"
            )


def _check_keyed(rows, operation, records, record_key, name, found, key_of=lambda k: k) -> None:
    got = Counter(str(record.get(record_key)) for record in records)
    found.receiver_counts[name] = len(records)
    expected = {key_of(row.idempotency_key): row for row in rows if row.operation == operation}
    for key, row in expected.items():
        if got.get(key, 0) == 0 and row.status == DONE and (row.result or {}).get("delivered"):
            found.lost.append(f"{name} {key} recorded as sent, never received")
        if got.get(key, 0) > 1:
            found.redelivered[name] += got[key] - 1
    for key in got:
        if key not in expected:
            found.duplicates.append(f"{name} {key}: no outbox row asked for it")


def _check_sms(rows, records, found: Findings) -> None:
    # the gateway answers a repeated request_id with the first message: a second record is a
    # second SMS on the citizen's phone
    _check_keyed(rows, "sms/send", records, "request_id", "sms", found)
    for key, times in Counter(str(r.get("request_id")) for r in records).items():
        if times > 1:
            found.duplicates.append(f"sms {key}: {times} messages sent")


def _check_zalo(rows, records, found: Findings) -> None:
    _check_keyed(rows, "zalo/send-template", records, "tracking_id", "zalo", found, _tracking_id)


def _check_portal(rows, dossiers: dict[int, Dossier], calls: list[dict], found: Findings) -> None:
    accepted = [call for call in calls if call.get("answer") == ACCEPTED]
    found.receiver_counts["portal calls"] = len(calls)
    last_status: dict[str, int] = {}
    progress: dict[str, set] = defaultdict(set)
    raw_progress: Counter = Counter()
    for call in accepted:
        for record in call.get("data") or []:
            if call["service"] == SYNC_DOSSIER:
                last_status[record["MaHoSo"]] = record["TrangThaiHoSo"]
            elif call["service"] == SYNC_PROGRESS:
                progress[record["MaHoSo"]].add(repr(sorted(record.items())))
                raw_progress[record["MaHoSo"]] += 1
    queued = Counter(
        dossiers[row.dossier_id].code
        for row in rows
        if row.operation == "national_portal/sync-progress"
    )
    for dossier in dossiers.values():
        if last_status.get(dossier.code) != dossier.national_status:
            found.inconsistencies.append(
                f"{dossier.code}: portal has status {last_status.get(dossier.code)}, "
                f"we have {dossier.national_status}"
            )
        if len(progress[dossier.code]) != queued[dossier.code]:
            found.inconsistencies.append(
                f"{dossier.code}: portal has {len(progress[dossier.code])} progress entries, "
                f"we queued {queued[dossier.code]}"
            )
        found.redelivered["portal progress"] += raw_progress[dossier.code] - len(
            progress[dossier.code]
        )
