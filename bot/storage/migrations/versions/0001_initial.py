"""Initial schema: user, question, draft_check.

Revision ID: 0001
Revises:
Create Date: 2026-11-22
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0001"
down_revision: str | Sequence[str] | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_String = sqlmodel.sql.sqltypes.AutoString


def upgrade() -> None:
    """Create the user, question and draft_check tables."""
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("platform", _String(), nullable=False),
        sa.Column("platform_user_id", _String(), nullable=False),
        sa.Column("language", _String(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint(
            "platform", "platform_user_id", name=op.f("uq_user_platform_platform_user_id")
        ),
    )
    op.create_table(
        "question",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("asked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", _String(), nullable=False),
        sa.Column("text", _String(length=1000), nullable=False),
        sa.Column("normalized", _String(length=1000), nullable=False),
        sa.Column("verdict", _String(), nullable=False),
        sa.Column("rule_id", _String(), nullable=True),
        sa.Column("related", _String(), nullable=False),
        sa.Column("guidelines_version", _String(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_question_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_question")),
    )
    op.create_index(
        op.f("ix_question_answered_asked_at"), "question", ["answered", "asked_at"], unique=False
    )
    op.create_index(op.f("ix_question_user_id"), "question", ["user_id"], unique=False)
    op.create_table(
        "draft_check",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("language", _String(), nullable=False),
        sa.Column("verdict", _String(), nullable=False),
        sa.Column("rule_ids", _String(), nullable=False),
        sa.Column("finding_count", sa.Integer(), nullable=False),
        sa.Column("guidelines_version", _String(), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_draft_check_user_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_draft_check")),
    )
    op.create_index(op.f("ix_draft_check_user_id"), "draft_check", ["user_id"], unique=False)


def downgrade() -> None:
    """Drop the tables again (and everything in them)."""
    op.drop_index(op.f("ix_draft_check_user_id"), table_name="draft_check")
    op.drop_table("draft_check")
    op.drop_index(op.f("ix_question_user_id"), table_name="question")
    op.drop_index(op.f("ix_question_answered_asked_at"), table_name="question")
    op.drop_table("question")
    op.drop_table("user")
