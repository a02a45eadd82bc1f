"""An agency's working hours as its administrator edits them: the windows of a working day
(07:30-11:30, 13:30-17:00) and the reception cut-off (received from 16:30 on, the deadline
counts from the next working day).

An agency without its own rows inherits its parent's (engine.calendar.working_days); saving
the form gives the agency its own rows, resetting removes them so it inherits again.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine.agencies.models import Agency
from engine.agencies.tree import administered_agency_ids, agency_tree, require_admin_of
from engine.calendar.models import AgencyReceptionCutoff, AgencyWorkingWindow
from engine.calendar.working_days import Window, agency_cutoff, agency_windows
from engine.configuration.cache import configuration_changed
from engine.errors import InvalidInput, NotFound
from engine.users.actor import Actor
from engine.users.admin_audit import record_admin_change

#: rows the form offers; no agency works in more than a handful of windows a day
MAX_WINDOWS = 4
_CLOCK = re.compile(r"^(\d{1,2})[:hg](\d{2})$")


@dataclass(frozen=True)
class AgencyHours:
    agency: Agency
    windows: tuple[Window, ...]
    cutoff: time
    #: True when the agency keeps its own windows or cut-off, False when it inherits both
    own_windows: bool
    own_cutoff: bool


def agency_hours(session: Session, actor: Actor, agency_id: int) -> AgencyHours:
    agency = _administered_agency(session, actor, agency_id)
    return AgencyHours(
        agency=agency,
        windows=agency_windows(session, agency_id),
        cutoff=agency_cutoff(session, agency_id),
        own_windows=session.scalar(
            select(AgencyWorkingWindow.id).where(AgencyWorkingWindow.agency_id == agency_id)
        )
        is not None,
        own_cutoff=session.get(AgencyReceptionCutoff, agency_id) is not None,
    )


def set_agency_hours(
    session: Session,
    actor: Actor,
    agency_id: int,
    *,
    windows: list[tuple[str, str]],
    cutoff: str,
) -> AgencyHours:
    """Replace the agency's windows and cut-off; blank window rows are ignored.

    Field errors are keyed `opens_<i>`, `closes_<i>` (row i from 0) and `cutoff`.
    """
    agency = _administered_agency(session, actor, agency_id)
    errors: dict[str, str] = {}
    parsed: list[Window] = []
    for index, (opens_text, closes_text) in enumerate(windows):
        if not (opens_text or "").strip() and not (closes_text or "").strip():
            continue
        opens = parse_clock(opens_text, f"opens_{index}", errors)
        closes = parse_clock(closes_text, f"closes_{index}", errors)
        if opens is None or closes is None:
            continue
        if not opens < closes:
            errors[f"closes_{index}"] = "Giờ kết thúc phải sau giờ bắt đầu."
            continue
        for other_opens, other_closes in parsed:
            if opens < other_closes and other_opens < closes:
                errors[f"opens_{index}"] = (
                    f"Khung giờ {opens:%H:%M}–{closes:%H:%M} trùng với "
                    f"{other_opens:%H:%M}–{other_closes:%H:%M}."
                )
                break
        else:
            parsed.append((opens, closes))
    if not parsed and not errors:
        errors["opens_0"] = "Nhập ít nhất một khung giờ làm việc."
    cutoff_time = parse_clock(cutoff, "cutoff", errors)
    if parsed and cutoff_time is not None:
        first_open, last_close = min(parsed)[0], max(parsed)[1]
        if not first_open < cutoff_time <= last_close:
            errors["cutoff"] = (
                f"Giờ chốt tiếp nhận phải trong giờ làm việc "
                f"({first_open:%H:%M}–{last_close:%H:%M})."
            )
    if errors:
        raise InvalidInput("Giờ làm việc chưa hợp lệ.", errors)

    before = _described(agency_windows(session, agency_id), agency_cutoff(session, agency_id))
    # a core delete: the watch on these models sees only the ORM's changes
    configuration_changed(session)
    session.execute(delete(AgencyWorkingWindow).where(AgencyWorkingWindow.agency_id == agency_id))
    for opens, closes in sorted(parsed):
        session.add(AgencyWorkingWindow(agency_id=agency_id, opens_at=opens, closes_at=closes))
    rule = session.get(AgencyReceptionCutoff, agency_id)
    if rule is None:
        session.add(AgencyReceptionCutoff(agency_id=agency_id, cutoff=cutoff_time))
    else:
        rule.cutoff = cutoff_time
    session.flush()
    record_admin_change(
        session,
        actor,
        "working_hours_changed",
        f"agency:{agency.code}",
        {"before": before, "after": _described(tuple(sorted(parsed)), cutoff_time)},
    )
    return agency_hours(session, actor, agency_id)


def reset_agency_hours(session: Session, actor: Actor, agency_id: int) -> AgencyHours:
    """Drop the agency's own rows: it keeps its parent's hours (or the national default)."""
    agency = _administered_agency(session, actor, agency_id)
    before = _described(agency_windows(session, agency_id), agency_cutoff(session, agency_id))
    # core deletes: the watch on these models sees only the ORM's changes
    configuration_changed(session)
    session.execute(delete(AgencyWorkingWindow).where(AgencyWorkingWindow.agency_id == agency_id))
    session.execute(
        delete(AgencyReceptionCutoff).where(AgencyReceptionCutoff.agency_id == agency_id)
    )
    session.flush()
    hours = agency_hours(session, actor, agency_id)
    record_admin_change(
        session,
        actor,
        "working_hours_reset",
        f"agency:{agency.code}",
        {"before": before, "after": _described(hours.windows, hours.cutoff)},
    )
    return hours


def parse_clock(text: str | None, field: str, errors: dict[str, str]) -> time | None:
    """'07:30' (also '7:30', '7h30') as a time; a Vietnamese message in `errors` otherwise."""
    text = (text or "").strip()
    match = _CLOCK.match(text)
    if not match or int(match[1]) > 23 or int(match[2]) > 59:
        errors[field] = (
            f"„{text}” không phải giờ hợp lệ; nhập theo dạng HH:MM (ví dụ 07:30)."
            if text
            else "Nhập giờ theo dạng HH:MM (ví dụ 07:30)."
        )
        return None
    return time(int(match[1]), int(match[2]))


def _administered_agency(session: Session, actor: Actor, agency_id: int) -> Agency:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("Không tìm thấy đơn vị.")
    require_admin_of(session, actor, agency_id)
    return agency


def _described(windows: tuple[Window, ...], cutoff: time) -> dict:
    return {
        "windows": [f"{opens:%H:%M}–{closes:%H:%M}" for opens, closes in windows],
        "cutoff": f"{cutoff:%H:%M}",
    }


def administered_agencies(session: Session, actor: Actor) -> list[tuple[Agency, int]]:
    """The active agencies the actor administers, as a tree (agency, depth) for a picker."""
    scope = administered_agency_ids(session, actor)
    return [
        (agency, depth)
        for agency, depth in agency_tree(session, include_retired=False)
        if scope is None or agency.id in scope
    ]
