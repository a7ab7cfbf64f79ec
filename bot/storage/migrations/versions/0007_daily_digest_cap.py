"""people who chose a daily digest may get one every day

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04
"""

from __future__ import annotations

from collections.abc import Sequence

from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0007"
down_revision: str | Sequence[str] | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Raise ``user.digest_cap`` to 7 for people whose digest is daily.

    Choosing daily in chat left the cap at its default of one a week, which held back
    every daily digest after the first of each week.
    """
    op.execute("UPDATE \"user\" SET digest_cap = 7 WHERE digest = 'daily' AND digest_cap < 7")


def downgrade() -> None:
    """Nothing: the caps raised cannot be told from caps set to 7 before."""
