"""suggestions that flow (channel, reason, review message); per-server ask limits; known askers

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suggestion_channel_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("ask_rate", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("ask_seconds", sa.Integer(), nullable=True))
    with op.batch_alter_table("fact_suggestions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("review_channel_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("review_message_id", sa.BigInteger(), nullable=True))
    op.create_table(
        "known_askers",
        sa.Column("guild_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("user_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.PrimaryKeyConstraint("guild_id", "user_id", name=op.f("pk_known_askers")),
    )


def downgrade() -> None:
    op.drop_table("known_askers")
    with op.batch_alter_table("fact_suggestions", schema=None) as batch_op:
        batch_op.drop_column("review_message_id")
        batch_op.drop_column("review_channel_id")
        batch_op.drop_column("reason")
        batch_op.drop_column("channel_id")
    with op.batch_alter_table("guild_settings", schema=None) as batch_op:
        batch_op.drop_column("ask_seconds")
        batch_op.drop_column("ask_rate")
        batch_op.drop_column("suggestion_channel_id")
