"""One active scheduler per database, any others standing by: the loop around the lock.

``run_while_active`` tries the lock; while another scheduler holds it, it stands by and
tries again every heartbeat. Once it holds the lock it starts the work, writes a
heartbeat every ``heartbeat`` seconds, and stops the work as soon as the lock is lost:
another scheduler took it over, the connection holding it failed, or no heartbeat could
be written for ``takeover - heartbeat`` seconds (one heartbeat before anyone else may
take over). Then it stands by again. What happens is told through ``LockNews``.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from bot.scheduling.holders import Claim, Holder, Lost, LostHow, Won
from bot.settings import SettingsError
from bot.storage.errors import StorageError

log = logging.getLogger(__name__)

HEARTBEAT_ENV = "MERKWERKER_SCHEDULER_HEARTBEAT"
TAKEOVER_ENV = "MERKWERKER_SCHEDULER_TAKEOVER"
DEFAULT_HEARTBEAT = 5.0
"""Seconds between heartbeats of the active scheduler, and between a standby's tries."""
DEFAULT_TAKEOVER = 30.0
"""Seconds without a heartbeat after which a standby takes the lock over (SQLite)."""


@dataclass(frozen=True, kw_only=True)
class LockTimings:
    """How often the lock is renewed and tried, and when a silent holder counts as gone."""

    heartbeat: float = DEFAULT_HEARTBEAT
    takeover: float = DEFAULT_TAKEOVER

    @property
    def stale_after(self) -> timedelta:
        """The take-over limit as a ``timedelta``."""
        return timedelta(seconds=self.takeover)

    @property
    def margin(self) -> float:
        """How long the active scheduler may go without a heartbeat before it stops."""
        return self.takeover - self.heartbeat

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> LockTimings:
        """Read ``MERKWERKER_SCHEDULER_HEARTBEAT`` and ``..._TAKEOVER`` (seconds).

        Raises ``SettingsError`` for a value that is not a positive number, or a take-over
        limit under three heartbeats (a busy moment would then cost the lock).
        """
        heartbeat = _seconds(env, HEARTBEAT_ENV, DEFAULT_HEARTBEAT)
        takeover = _seconds(env, TAKEOVER_ENV, DEFAULT_TAKEOVER)
        if takeover < 3 * heartbeat:
            raise SettingsError.of(
                "scheduler.settings.takeover_too_short",
                takeover_name=TAKEOVER_ENV,
                takeover=f"{takeover:g}",
                heartbeat_name=HEARTBEAT_ENV,
                heartbeat=f"{heartbeat:g}",
            )
        return cls(heartbeat=heartbeat, takeover=takeover)


def _seconds(env: Mapping[str, str], name: str, default: float) -> float:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not 0 < value < 86400:
        raise SettingsError.of("scheduler.settings.bad_seconds", name=name, value=raw)
    return value


class SchedulerLock(Protocol):
    """The lock in the database (``bot.scheduling.store``); blocking methods."""

    def try_acquire(self, *, holder: str, now: datetime, stale_after: timedelta) -> Won | None:
        """Take the lock, or None while another holds it."""

    def renew(self, claim: Claim, *, now: datetime) -> Lost | None:
        """Write a heartbeat; a ``Lost`` when the lock is no longer ours."""

    def release(self, claim: Claim) -> None:
        """Give the lock up."""

    def current(self) -> Holder | None:
        """Who holds (or last held) the lock."""


class ActiveWork(Protocol):
    """What runs while this scheduler is the active one."""

    async def start(self) -> None:
        """Start the jobs (their first runs right away)."""

    async def stop(self, *, lost: bool) -> None:
        """Stop the jobs: cancel what runs when the lock was ``lost``, else let it finish."""


@dataclass(frozen=True)
class StandingBy:
    """Another scheduler holds the lock (``active``, as its row says; None if unknown)."""

    active: Holder | None


@dataclass(frozen=True)
class BecameActive:
    """This scheduler took the lock; ``previous`` held it before (None: nobody known)."""

    holder: str
    previous: Holder | None
    at: datetime


@dataclass(frozen=True)
class LockLost:
    """This scheduler lost the lock; its jobs have been stopped."""

    lost: Lost


@dataclass(frozen=True)
class LockUnreachable:
    """The lock could not be read or written; tried again after a heartbeat."""

    reason: str


LockNews = StandingBy | BecameActive | LockLost | LockUnreachable


async def run_while_active(
    lock: SchedulerLock,
    work: ActiveWork,
    *,
    holder: str,
    timings: LockTimings,
    stop: asyncio.Event,
    tell: Callable[[LockNews], None],
    clock: Callable[[], datetime],
) -> None:
    """Stand by, run ``work`` while holding the lock, and repeat, until ``stop`` is set.

    On ``stop`` the work is stopped (running jobs may finish) and the lock released, so
    a standby takes over at its next try. The work never runs without the lock: when a
    heartbeat shows the lock lost, the work is stopped before anything else happens.
    """
    told: object = None
    unknown_before = False
    while not stop.is_set():
        try:
            won = await asyncio.to_thread(
                lock.try_acquire, holder=holder, now=clock(), stale_after=timings.stale_after
            )
            active = await asyncio.to_thread(lock.current) if won is None else None
        except StorageError as error:
            reason = _first_line(error)
            if told != ("unreachable", reason):
                tell(LockUnreachable(reason))
                told = ("unreachable", reason)
            await _pause(stop, timings.heartbeat)
            continue
        if won is None:
            # Said once per holder, not at every try. A holder without a row is not
            # told at the first try: the winner writes its row just after taking the
            # lock, so "unknown" is said only when it stays unknown a heartbeat later.
            said = ("standby", active.name if active else None)
            if (active is not None or unknown_before) and told != said:
                tell(StandingBy(active))
                told = said
            unknown_before = active is None
            await _pause(stop, timings.heartbeat)
            continue
        told = None
        unknown_before = False
        tell(BecameActive(holder, won.previous, won.claim.acquired_at))
        lost = await _run_active(lock, work, won.claim, timings=timings, stop=stop, clock=clock)
        if lost is not None:
            tell(LockLost(lost))


async def _run_active(
    lock: SchedulerLock,
    work: ActiveWork,
    claim: Claim,
    *,
    timings: LockTimings,
    stop: asyncio.Event,
    clock: Callable[[], datetime],
) -> Lost | None:
    lost: Lost | None = None
    try:
        await work.start()
        lost = await _keep(lock, claim, timings=timings, stop=stop, clock=clock)
    finally:
        # Stopped first: from here on this process may not hold the lock.
        await work.stop(lost=lost is not None or not stop.is_set())
        await _release(lock, claim, timings)
    return lost


async def _keep(
    lock: SchedulerLock,
    claim: Claim,
    *,
    timings: LockTimings,
    stop: asyncio.Event,
    clock: Callable[[], datetime],
) -> Lost | None:
    """Renew the lock every heartbeat until it is lost (a ``Lost``) or ``stop`` is set."""
    last_beat = time.monotonic()
    while not await _pause(stop, timings.heartbeat):
        left = timings.margin - (time.monotonic() - last_beat)
        # A heartbeat that hangs must not outlast the margin. Past it already (this
        # process was frozen, say), the heartbeat itself tells whether the lock is still
        # ours: nobody may have taken it over.
        timeout = left if left > 0 else timings.heartbeat
        try:
            lost = await asyncio.wait_for(
                asyncio.to_thread(lock.renew, claim, now=clock()), timeout=timeout
            )
        except (StorageError, TimeoutError) as error:
            silent = time.monotonic() - last_beat
            reason = _first_line(error)
            if silent >= timings.margin:
                return Lost(how=LostHow.NO_HEARTBEAT, seconds=silent, detail=reason)
            log.warning("scheduler heartbeat failed (%s); trying again", reason)
            continue
        if lost is not None:
            return lost
        last_beat = time.monotonic()
    return None


async def _release(lock: SchedulerLock, claim: Claim, timings: LockTimings) -> None:
    try:
        await asyncio.wait_for(asyncio.to_thread(lock.release, claim), timeout=timings.heartbeat)
    except (StorageError, TimeoutError):  # the lock times out by itself
        log.debug("releasing the scheduler lock failed", exc_info=True)


async def _pause(stop: asyncio.Event, seconds: float) -> bool:
    """Wait ``seconds`` or until ``stop`` is set; True when it is set."""
    try:
        await asyncio.wait_for(stop.wait(), timeout=seconds)
    except TimeoutError:
        return False
    return True


def _first_line(error: BaseException) -> str:
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
