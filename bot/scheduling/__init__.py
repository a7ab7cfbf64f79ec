"""Scheduling: one active ``merkwerker scheduler`` per database, any others standing by.

``scheduler_lock(store)`` is the lock in the database (``store.py``, the only module here
that speaks SQL); ``run_while_active`` (``lock.py``) stands by, runs the jobs while the
lock is held and stops them when it is lost.
"""

from __future__ import annotations

from bot.scheduling.holders import Claim, Holder, Lost, LostHow, Won, this_process
from bot.scheduling.lock import (
    DEFAULT_HEARTBEAT,
    DEFAULT_TAKEOVER,
    HEARTBEAT_ENV,
    TAKEOVER_ENV,
    ActiveWork,
    BecameActive,
    LockLost,
    LockNews,
    LockTimings,
    LockUnreachable,
    SchedulerLock,
    StandingBy,
    run_while_active,
)
from bot.scheduling.store import SchedulerLockStore, create_missing, lock_holder, scheduler_lock

__all__ = [
    "DEFAULT_HEARTBEAT",
    "DEFAULT_TAKEOVER",
    "HEARTBEAT_ENV",
    "TAKEOVER_ENV",
    "ActiveWork",
    "BecameActive",
    "Claim",
    "Holder",
    "LockLost",
    "LockNews",
    "LockTimings",
    "LockUnreachable",
    "Lost",
    "LostHow",
    "SchedulerLock",
    "SchedulerLockStore",
    "StandingBy",
    "Won",
    "create_missing",
    "lock_holder",
    "run_while_active",
    "scheduler_lock",
    "this_process",
]
