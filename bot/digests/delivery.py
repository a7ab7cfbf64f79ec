"""Delivering the outbox: claim due messages, send each through its platform's ``Sender``.

The guarantee: a message written to the outbox is delivered to the platform at least
once. It is sent more than once only when a pass dies (or its lease runs out) after the
platform accepted the message and before it was marked sent; the outbox key is passed
on to the sender (``current_delivery_key()``) so a platform that takes an idempotency
key can drop that repeat. In-process senders such as the console show it exactly once.

Failed sends are retried with exponential back-off (1, 2, 4 ... minutes, at most an
hour apart) and given up after ``max_attempts``; a person with no stored conversation
reference is marked ``unreachable``. Both are logged, never silently skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.digests import outbox
from bot.digests.store import DigestStore
from bot.features import Sender, Unreachable
from bot.messages import ConversationRef
from bot.serialize import ReplyFormatError, reply_from_json

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(minutes=10)
"""How long a claim lasts; must exceed the time one batch takes to send."""
DEFAULT_SEND_TIMEOUT = 60.0
"""Seconds one send may take before it counts as failed (keeps a batch within its lease)."""
DEFAULT_MAX_ATTEMPTS = 8
MAX_BACKOFF = timedelta(hours=1)

_delivery_key: ContextVar[str | None] = ContextVar("merkwerker_delivery_key", default=None)


@contextlib.contextmanager
def delivering(key: str) -> Iterator[None]:
    """Inside this block, ``current_delivery_key()`` is ``key`` (the message being sent)."""
    token = _delivery_key.set(key)
    try:
        yield
    finally:
        _delivery_key.reset(token)


def current_delivery_key() -> str | None:
    """The outbox key of the message being sent, inside ``Sender.send``; None elsewhere.

    The same message always has the same key, also when it is sent again after a
    crash: a sender may hand it to its platform as an idempotency key.
    """
    return _delivery_key.get()


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt: 1, 2, 4 ... minutes, capped."""
    return min(timedelta(minutes=2 ** max(attempts - 1, 0)), MAX_BACKOFF)


@dataclass(frozen=True, kw_only=True)
class DeliveryReport:
    """What one delivery pass did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unreachable: int = 0


@dataclass(kw_only=True)
class _Tally:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unreachable: int = 0

    def report(self) -> DeliveryReport:
        return DeliveryReport(
            sent=self.sent, retrying=self.retrying, failed=self.failed, unreachable=self.unreachable
        )


def _utc_now() -> datetime:
    return datetime.now(UTC)


async def deliver_outbox(
    digests: DigestStore,
    senders: Mapping[str, Sender],
    *,
    clock: Callable[[], datetime] = _utc_now,
    lease: timedelta = DEFAULT_LEASE,
    max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    batch: int = 50,
    concurrency: int = 8,
    send_timeout: float = DEFAULT_SEND_TIMEOUT,
) -> DeliveryReport:
    """Send every message that is due now through the sender of its platform.

    Only messages for platforms in ``senders`` are claimed; others stay pending for a
    process that can send them. Each message is marked ``sent``, retried later,
    ``failed`` or ``unreachable``; the counts are returned. Never raises for one
    message's failure.
    """
    tally = _Tally()
    gate = asyncio.Semaphore(max(concurrency, 1))
    while True:
        claims = await asyncio.to_thread(
            digests.claim_due,
            now=clock(),
            lease=lease,
            platforms=frozenset(senders),
            limit=batch,
        )
        if not claims:
            return tally.report()
        where = await asyncio.to_thread(digests.addresses, claims)

        async def one(claim: outbox.Claim, to: ConversationRef | None) -> None:
            async with gate:
                await _deliver_one(
                    digests,
                    claim,
                    to,
                    senders[claim.platform],
                    clock=clock,
                    max_attempts=max_attempts,
                    send_timeout=send_timeout,
                    tally=tally,
                )

        await asyncio.gather(*(one(claim, where.get(claim.id)) for claim in claims))


async def _deliver_one(
    digests: DigestStore,
    claim: outbox.Claim,
    to: ConversationRef | None,
    sender: Sender,
    *,
    clock: Callable[[], datetime],
    max_attempts: int,
    send_timeout: float,
    tally: _Tally,
) -> None:
    if to is None:
        log.warning(
            "outbox %s: no conversation with user %s on %s is stored; marked unreachable",
            claim.key,
            claim.user_id,
            claim.platform,
        )
        await asyncio.to_thread(
            digests.mark_given_up,
            claim,
            status=outbox.UNREACHABLE,
            error="no stored conversation reference",
        )
        tally.unreachable += 1
        return
    try:
        reply = reply_from_json(claim.payload)
    except ReplyFormatError as error:
        log.error("outbox %s: payload cannot be read (%s); marked failed", claim.key, error)
        await asyncio.to_thread(
            digests.mark_given_up, claim, status=outbox.FAILED, error=str(error)
        )
        tally.failed += 1
        return
    token = _delivery_key.set(claim.key)
    try:
        await asyncio.wait_for(sender.send(to=to, reply=reply), timeout=send_timeout)
    except Unreachable as error:
        log.warning(
            "outbox %s: user %s cannot be reached (%s); marked unreachable",
            claim.key,
            claim.user_id,
            error,
        )
        await asyncio.to_thread(
            digests.mark_given_up, claim, status=outbox.UNREACHABLE, error=str(error)
        )
        tally.unreachable += 1
        return
    except Exception as error:  # any adapter failure is one failed attempt, not a crash
        reason = f"{type(error).__name__}: {error}"
        await _failed_attempt(
            digests, claim, reason, clock=clock, max_attempts=max_attempts, tally=tally
        )
        return
    finally:
        _delivery_key.reset(token)
    if not await asyncio.to_thread(digests.mark_sent, claim, now=clock()):
        # Our lease ran out and another pass claimed the row: it may send it again.
        log.warning("outbox %s: sent, but the claim had expired before it was marked", claim.key)
    tally.sent += 1


async def _failed_attempt(
    digests: DigestStore,
    claim: outbox.Claim,
    reason: str,
    *,
    clock: Callable[[], datetime],
    max_attempts: int,
    tally: _Tally,
) -> None:
    if claim.attempts >= max_attempts:
        log.error(
            "outbox %s: giving up after %d attempts; last error: %s",
            claim.key,
            claim.attempts,
            reason,
        )
        await asyncio.to_thread(digests.mark_given_up, claim, status=outbox.FAILED, error=reason)
        tally.failed += 1
        return
    retry_at = clock() + backoff(claim.attempts)
    log.warning(
        "outbox %s: attempt %d failed (%s); retrying at %s",
        claim.key,
        claim.attempts,
        reason,
        retry_at.isoformat(timespec="seconds"),
    )
    await asyncio.to_thread(digests.mark_retry, claim, at=retry_at, error=reason)
    tally.retrying += 1
