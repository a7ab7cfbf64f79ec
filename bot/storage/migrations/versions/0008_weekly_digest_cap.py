"""people who left a daily digest get one a week again

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-08
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0008"
down_revision: str | Sequence[str] | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Lower ``user.digest_cap`` from 7 to 1 for people whose digest is not daily.

    Choosing daily raised the cap to 7 and going back to weekly (or off) left it there,
    so a change of weekday could bring a second weekly digest within days of the last.
    Nothing but the daily choice sets a cap of 7 (no setting, command or import does),
    so every such cap on someone not on daily is one left behind.
    """
    op.execute("UPDATE \"user\" SET digest_cap = 1 WHERE digest <> 'daily' AND digest_cap = 7")


def downgrade() -> None:
    """Nothing: the caps lowered cannot be told from caps that were 1 before."""
