"""Storage: the bot's records (users, questions, draft checks) in SQLite or PostgreSQL.

``Store.open(database_url_from_env(path))`` is all the bot needs; the schema is kept up
to date by Alembic migrations that run when the database is opened.
"""

from __future__ import annotations

from bot.answering.feedback import UnansweredQuestion
from bot.storage.database import (
    DatabaseError,
    create_database_engine,
    database_url_from_env,
    normalize_database_url,
    open_database,
    redact_url,
    sqlite_file,
    upgrade_database,
)
from bot.storage.store import Store, normalize_question
from bot.storage.tables import (
    QUESTION_TEXT_MAX,
    ContentItem,
    ConversationReference,
    DraftCheck,
    Event,
    Feed,
    OutboxMessage,
    Question,
    Role,
    Share,
    User,
)

__all__ = [
    "QUESTION_TEXT_MAX",
    "ContentItem",
    "ConversationReference",
    "DatabaseError",
    "DraftCheck",
    "Event",
    "Feed",
    "OutboxMessage",
    "Question",
    "Role",
    "Share",
    "Store",
    "UnansweredQuestion",
    "User",
    "create_database_engine",
    "database_url_from_env",
    "normalize_database_url",
    "normalize_question",
    "open_database",
    "redact_url",
    "sqlite_file",
    "upgrade_database",
]
