"""The database `TokenStore` of connectors/zalo/tokens.py (and the national portal's
`SessionStore`): one row per provider, refreshed under
a row lock so two workers never spend the same single-use refresh token.

`rotate` runs the provider's refresh call inside the transaction that holds the lock
(SELECT … FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite): the other worker waits on the
lock, then reads the pair just stored and uses it instead of refreshing again. The HTTP call is
short (one token request) and only contends with other refreshes of the same provider.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

import connectors.national_portal
import connectors.zalo
from connectors.national_portal.client import SETTINGS_PROVIDER as PORTAL_PROVIDER
from connectors.zalo.tokens import Refresh, Tokens
from engine.connector_tokens.models import ConnectorToken
from engine.db import transaction
from engine.encryption.cipher import reveal, seal
from engine.timestamps import utcnow


class DatabaseTokenStore:
    """A provider's tokens in `connector_tokens`, each call in its own short transaction."""

    def __init__(self, session_factory: sessionmaker[Session], provider: str):
        self.session_factory = session_factory
        self.provider = provider

    def get(self) -> Tokens | None:
        with self.session_factory() as session:
            return _tokens(_row(session, self.provider))

    def save(self, tokens: Tokens) -> None:
        with self.session_factory() as session, transaction(session):
            row = _row(session, self.provider, lock=True)
            _write(session, row, self.provider, tokens)

    def rotate(self, seen: Tokens | None, initial_refresh_token: str, refresh: Refresh) -> Tokens:
        with self.session_factory() as session, transaction(session):
            row = _row(session, self.provider, lock=True)
            current = _tokens(row)
            if current is not None and current != seen:
                return current  # another worker rotated meanwhile: its pair is the live one
            fresh = refresh(current.refresh_token if current else initial_refresh_token)
            _write(session, row, self.provider, fresh)
            return fresh


class DatabaseSessionStore:
    """The national portal adapter's session token in `connector_tokens` (access_token), so
    every worker uses one session instead of logging in each."""

    def __init__(self, session_factory: sessionmaker[Session], provider: str = PORTAL_PROVIDER):
        self.session_factory = session_factory
        self.provider = provider

    def get(self) -> str | None:
        with self.session_factory() as session:
            row = _row(session, self.provider)
            if row is None or not row.access_token:
                return None
            return reveal(row.access_token, _where(self.provider))

    def save(self, token: str) -> None:
        with self.session_factory() as session, transaction(session):
            row = _row(session, self.provider, lock=True)
            if row is None:
                row = ConnectorToken(provider=self.provider, expires_at=utcnow())
                session.add(row)
            row.access_token = seal(token)
            row.updated_at = utcnow()

    def forget(self, token: str) -> None:
        with self.session_factory() as session, transaction(session):
            row = _row(session, self.provider, lock=True)
            if row is not None and reveal(row.access_token, _where(self.provider)) == token:
                row.access_token = ""
                row.updated_at = utcnow()


def _row(session: Session, provider: str, lock: bool = False) -> ConnectorToken | None:
    query = select(ConnectorToken).where(ConnectorToken.provider == provider)
    if lock:
        query = query.with_for_update()
    return session.scalar(query)


def _tokens(row: ConnectorToken | None) -> Tokens | None:
    if row is None or not row.refresh_token:
        return None
    where = _where(row.provider)
    return Tokens(reveal(row.access_token, where), reveal(row.refresh_token, where), row.expires_at)


def _write(session: Session, row: ConnectorToken | None, provider: str, tokens: Tokens) -> None:
    if row is None:
        # the first refresh ever: a concurrent first insert fails on the unique provider and
        # that worker's row is retried by the outbox, finding this one
        row = ConnectorToken(provider=provider)
        session.add(row)
    row.access_token = seal(tokens.access_token)
    row.refresh_token = seal(tokens.refresh_token)
    row.expires_at = tokens.expires_at
    row.updated_at = utcnow()
    session.flush()


def _where(provider: str) -> str:
    return f"connector_tokens/{provider}"


def install_token_stores(session_factory: sessionmaker[Session]) -> None:
    """Point the Zalo and national portal connectors at this database; the worker calls it
    before performing rows."""
    connectors.zalo.set_token_store_factory(
        lambda: DatabaseTokenStore(session_factory, connectors.zalo.SETTINGS_PROVIDER)
    )
    connectors.national_portal.set_session_store_factory(
        lambda: DatabaseSessionStore(session_factory)
    )
