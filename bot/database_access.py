"""The database as the edges see it.

The command line, the web server and the platforms open the database, name it in
messages without its password, and tell a database error from others; they take what
they need for that from here rather than from inside ``bot.storage``, whose modules,
tables and queries stay the core's to change.
"""

from __future__ import annotations

from bot.storage import (
    DatabaseError,
    Store,
    create_database_engine,
    database_url_from_env,
    redact_url,
    sqlite_file,
)
from bot.storage.references import ConversationReferences

__all__ = [
    "ConversationReferences",
    "DatabaseError",
    "Store",
    "create_database_engine",
    "database_url_from_env",
    "redact_url",
    "sqlite_file",
]
