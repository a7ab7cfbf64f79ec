"""Who holds the scheduler lock, and why a scheduler lost it: plain values, no SQL."""

from __future__ import annotations

import enum
import os
import socket
from dataclasses import dataclass
from datetime import datetime


def this_process() -> str:
    """The name this process holds the lock under: ``host:pid``."""
    return f"{socket.gethostname()}:{os.getpid()}"


@dataclass(frozen=True, kw_only=True)
class Holder:
    """The scheduler that holds (or last held) the lock, as its row says."""

    name: str
    """``host:pid`` of the process."""
    acquired_at: datetime
    heartbeat_at: datetime


@dataclass(frozen=True, kw_only=True)
class Claim:
    """This process's hold of the lock: its name and the moment it took the lock.

    The pair tells this hold apart from any later one, even by a process with the same
    name (a restarted container often gets the same host name and pid).
    """

    name: str
    acquired_at: datetime


@dataclass(frozen=True, kw_only=True)
class Won:
    """The lock was taken: our claim, and who held it before (None: nobody, or unknown)."""

    claim: Claim
    previous: Holder | None


class LostHow(enum.Enum):
    """Why an active scheduler is no longer active."""

    TAKEN_OVER = "taken_over"
    """Another scheduler took the lock over (our heartbeats had stopped for too long)."""
    CONNECTION_FAILED = "connection_failed"
    """The database connection that held the lock failed (PostgreSQL)."""
    NO_HEARTBEAT = "no_heartbeat"
    """No heartbeat could be written for so long that another may take over."""


@dataclass(frozen=True, kw_only=True)
class Lost:
    """How the lock was lost, and the details for the log."""

    how: LostHow
    holder: str | None = None
    """The new holder, when known (``TAKEN_OVER``)."""
    detail: str = ""
    """The database's error, when there was one."""
    seconds: float = 0.0
    """How long no heartbeat was written (``NO_HEARTBEAT``)."""
