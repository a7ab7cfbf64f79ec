"""What a failing database raises, named so that callers outside storage can catch it.

The areas' stores let the driver's and SQLAlchemy's errors through as they are; a chat
feature or a command that wants to say "the database is away" in one sentence catches
``StorageError`` instead of importing SQLAlchemy itself.
"""

from __future__ import annotations

from sqlalchemy.exc import SQLAlchemyError

StorageError = SQLAlchemyError
"""The base of every error a store raises for the database (connection lost, locked,
constraint broken, ...)."""

__all__ = ["StorageError"]
