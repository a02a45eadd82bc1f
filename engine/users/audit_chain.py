"""The administrators' audit trail as a hash chain, so a changed or removed entry shows.

Each entry stores the hash of the one before it and its own: SHA-256 over the previous hash and
the entry's canonical JSON (id, who, what, on what, details, when). Changing any field of any
entry, deleting one or reordering them breaks the chain from there on; `motcua audit verify`
walks it and names the first entry that does not match. The chain's head (last id and hash)
sits in one row locked while an entry is added, so two administrators saving at once still
make one chain, not a fork.

What this proves is that the trail was not edited behind the application's back by someone
without the code; someone who can rewrite the whole table and recompute every hash can forge
it, which is why the head can also be exported and kept elsewhere (it is printed by verify).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.db import Base

GENESIS = "0" * 64
ADMIN_AUDIT = "admin_audit"


class AuditChainHead(Base):
    """The last entry of a chain: locked FOR UPDATE while the next entry is linked."""

    __tablename__ = "audit_chain_heads"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)
    last_id: Mapped[int] = mapped_column(default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=GENESIS)


def entry_digest(previous_hash: str, fields: dict) -> str:
    canonical = json.dumps(
        {**fields, "at": _utc_iso(fields["at"])},
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
        default=str,
    )
    return hashlib.sha256(f"{previous_hash}\n{canonical}".encode()).hexdigest()


def chained_fields(entry) -> dict:
    return {
        "id": entry.id,
        "actor_id": entry.actor_id,
        "actor_name": entry.actor_name,
        "action": entry.action,
        "target": entry.target,
        "details": entry.details,
        "at": entry.at,
    }


def lock_head(session: Session) -> AuditChainHead:
    """The chain's head, created if need be, locked until the transaction ends.

    Taken before the new entry is inserted, so entries get their ids in the order they join the
    chain; the insert-or-nothing makes two first-ever writers wait for each other, not fail.
    """
    dialect = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    table = AuditChainHead.__table__
    session.execute(
        dialect_insert(table)
        .values(name=ADMIN_AUDIT, last_id=0, last_hash=GENESIS)
        .on_conflict_do_nothing(index_elements=[table.c.name])
    )
    return session.get(AuditChainHead, ADMIN_AUDIT, with_for_update=True, populate_existing=True)


def link(head: AuditChainHead, entry) -> None:
    """Give a flushed entry, inserted under the head's lock, its place at the end of the chain."""
    entry.previous_hash = head.last_hash
    entry.entry_hash = entry_digest(head.last_hash, chained_fields(entry))
    head.last_id, head.last_hash = entry.id, entry.entry_hash


@dataclass(frozen=True)
class ChainReport:
    checked: int
    #: (entry id, what is wrong) for every entry that breaks the chain
    problems: list[tuple[int, str]]
    head_hash: str

    @property
    def intact(self) -> bool:
        return not self.problems


def verify_chain(entries: Iterable, head: AuditChainHead | None) -> ChainReport:
    """Walk the entries in id order: each must link to the one before and hash to itself."""
    previous, checked, problems, last_id = GENESIS, 0, [], 0
    for entry in entries:
        checked += 1
        last_id = entry.id
        if entry.previous_hash != previous:
            problems.append((entry.id, "không nối với mục liền trước (có mục bị xóa hoặc sửa)"))
        if entry.entry_hash != entry_digest(entry.previous_hash or "", chained_fields(entry)):
            problems.append((entry.id, "nội dung đã bị thay đổi sau khi ghi"))
        previous = entry.entry_hash
    if head is not None and (head.last_id, head.last_hash) != (last_id, previous):
        problems.append((head.last_id, "mục cuối của chuỗi không còn (bị xóa)"))
    return ChainReport(checked=checked, problems=problems, head_hash=previous)


def verify_admin_audit(session: Session) -> ChainReport:
    from engine.users.admin_audit import AdminAuditEntry

    entries = session.scalars(
        select(AdminAuditEntry).order_by(AdminAuditEntry.id).execution_options(yield_per=1000)
    )
    return verify_chain(entries, session.get(AuditChainHead, ADMIN_AUDIT))


def _utc_iso(moment: datetime) -> str:
    if moment.tzinfo is None:  # SQLite hands back what was stored, already UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).isoformat(timespec="microseconds")
