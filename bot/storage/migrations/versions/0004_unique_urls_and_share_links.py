"""one active item per URL, one share link per person, item and network

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision: str = "0004"
down_revision: str | Sequence[str] | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_ACTIVE = sa.text("status != 'retired'")


def upgrade() -> None:
    """Make the two races impossible that the code could only check for beforehand.

    Rows a race already doubled are kept working: of two items with the same URL that
    are not retired, the newer is retired; of two links of one person for the same item
    and network, the newer loses its person (it keeps working, and counts for the item
    only, as an anonymous link does).
    """
    op.execute(
        "UPDATE content_item SET status = 'retired' WHERE status != 'retired' AND EXISTS ("
        " SELECT 1 FROM content_item AS older WHERE older.url = content_item.url"
        " AND older.status != 'retired' AND older.id < content_item.id)"
    )
    op.execute(
        "UPDATE share SET user_id = NULL WHERE user_id IS NOT NULL AND EXISTS ("
        " SELECT 1 FROM share AS older WHERE older.item_id = share.item_id"
        " AND older.user_id = share.user_id AND older.network = share.network"
        " AND older.id < share.id)"
    )
    op.create_index(
        "uq_content_item_active_url",
        "content_item",
        ["url"],
        unique=True,
        sqlite_where=_ACTIVE,
        postgresql_where=_ACTIVE,
    )
    op.create_index(
        "uq_share_item_user_network", "share", ["item_id", "user_id", "network"], unique=True
    )


def downgrade() -> None:
    """Drop the two unique indexes again (the rows stay as they are)."""
    op.drop_index("uq_share_item_user_network", table_name="share")
    op.drop_index("uq_content_item_active_url", table_name="content_item")
