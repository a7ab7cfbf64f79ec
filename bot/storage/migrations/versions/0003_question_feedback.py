"""question feedback: "did you mean" choices, picks and helpful / not helpful

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel.sql.sqltypes
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0003"
down_revision: str | Sequence[str] | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Add the choices offered, the rule picked and the feedback to ``question``.

    Existing rows get an empty list of choices and no pick or feedback.
    """
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "choices", sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default=""
            )
        )
        batch_op.add_column(
            sa.Column("picked_rule_id", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("feedback", sqlmodel.sql.sqltypes.AutoString(), nullable=True)
        )
        batch_op.add_column(sa.Column("feedback_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_question_feedback"), ["feedback"], unique=False)


def downgrade() -> None:
    """Remove the feedback columns again."""
    with op.batch_alter_table("question", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_question_feedback"))
        batch_op.drop_column("feedback_at")
        batch_op.drop_column("feedback")
        batch_op.drop_column("picked_rule_id")
        batch_op.drop_column("choices")
