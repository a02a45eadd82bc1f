"""The worker's status poll: ask the document-management system about submissions whose
callback has not come (lost, or our server was down when it tried), and take what it issued
exactly as a callback would be taken."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, sessionmaker

from connectors.document_management.client import SETTINGS_PROVIDER, document_status
from engine.connector_settings.settings import provider_settings
from engine.db import transaction
from engine.document_issues.exchange import record_issued_document
from engine.document_issues.models import WAITING, DocumentIssue
from engine.files.storage import FileStorage, default_storage
from engine.timestamps import utcnow

log = logging.getLogger(__name__)

#: leave a fresh submission to its callback for this long before asking
QUIET = timedelta(minutes=30)
ASK_EVERY = timedelta(minutes=15)


def poll_document_issues(
    session_factory: sessionmaker[Session],
    *,
    quiet: timedelta = QUIET,
    storage: FileStorage | None = None,
) -> int:
    """One sweep; returns how many submissions the system was asked about."""
    now = utcnow()
    with session_factory() as session, transaction(session):
        rows = session.execute(
            select(DocumentIssue.id, DocumentIssue.provider_id)
            .where(
                DocumentIssue.state == WAITING,
                DocumentIssue.provider_id.is_not(None),
                DocumentIssue.submitted_at <= now - quiet,
                or_(
                    DocumentIssue.checked_at.is_(None),
                    DocumentIssue.checked_at <= now - ASK_EVERY,
                ),
            )
            .order_by(DocumentIssue.id)
            .limit(50)
            .with_for_update(skip_locked=True)
        ).all()
        for issue_id, _ in rows:
            session.get(DocumentIssue, issue_id).checked_at = now
        settings = provider_settings(session, SETTINGS_PROVIDER) if rows else {}
    for _, provider_id in rows:
        try:
            issued = document_status(provider_id, settings)
        except Exception as error:
            log.warning("QLVB submission %s: no answer: %s", provider_id, error)
            continue
        if issued is None:
            continue
        with session_factory() as session, transaction(session):
            record_issued_document(session, storage or default_storage(), issued)
    return len(rows)
