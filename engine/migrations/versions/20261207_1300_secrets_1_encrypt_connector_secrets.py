"""secrets: connector secrets and tokens encrypted at rest (Fernet, MOTCUA_SETTINGS_KEY)

A data migration: every secret connector setting and every connector token still stored in
clear is sealed with the first key of MOTCUA_SETTINGS_KEY (or, on a development machine, the
key in var/settings.key; production without the variable stops here with the reason). The
downgrade opens them again for the code before encryption.

Revision ID: secrets_1
Revises: apikeys_1
Create Date: 2026-12-07 13:00:00
"""

import sqlalchemy as sa
from alembic import op

from engine.encryption.cipher import is_sealed, reveal, seal

revision = "secrets_1"
down_revision = "apikeys_1"
branch_labels = None
depends_on = None

settings = sa.table(
    "connector_settings",
    sa.column("id", sa.Integer),
    sa.column("value", sa.Text),
    sa.column("is_secret", sa.Boolean),
)
tokens = sa.table(
    "connector_tokens",
    sa.column("id", sa.Integer),
    sa.column("access_token", sa.Text),
    sa.column("refresh_token", sa.Text),
)


def upgrade() -> None:
    _rewrite(lambda value: value if is_sealed(value) else seal(value))


def downgrade() -> None:
    _rewrite(reveal)


def _rewrite(change) -> None:
    connection = op.get_bind()
    secret_rows = connection.execute(
        sa.select(settings.c.id, settings.c.value).where(settings.c.is_secret.is_(True))
    ).all()
    for row_id, value in secret_rows:
        if value:
            connection.execute(
                settings.update().where(settings.c.id == row_id).values(value=change(value))
            )
    token_rows = connection.execute(
        sa.select(tokens.c.id, tokens.c.access_token, tokens.c.refresh_token)
    ).all()
    for row_id, access, refresh in token_rows:
        connection.execute(
            tokens.update()
            .where(tokens.c.id == row_id)
            .values(
                access_token=change(access) if access else access,
                refresh_token=change(refresh) if refresh else refresh,
            )
        )
