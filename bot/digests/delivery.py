"""Delivering the outbox: claim due messages, send each through its platform's ``Sender``.

The guarantee: a message written to the outbox is delivered to the platform at least
once, and on a platform that can say what it already has (Slack), exactly once. An
attempt may reach the platform and still not be marked sent: its pass died, or the send
timed out. The row is then ``maybe_sent``, and before the next try the sender is asked
(``Sender.delivered``) whether the message is there, by its outbox key
(``current_delivery_key()`` inside ``send``); if it is, the row is marked sent without
sending again. A platform that cannot tell (Teams, the console) gets it again: at most
one repeat per interrupted attempt.

A claim lasts ``DEFAULT_LEASE`` and the pass renews it while it works, so the rows of a
pass that died are taken up again within a lease, however long a batch takes.

Failed sends are retried with exponential back-off (1, 2, 4 ... minutes, at most an
hour apart) and given up after ``max_attempts``; a person with no stored conversation
reference is marked ``unreachable``. Both are logged, never silently skipped.

A digest's items are recorded as ``suggested`` when it is marked sent, in the same
transaction: only the items it still held, and nothing for a digest withdrawn, given up
or unreachable, so the reports count what people received.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from bot.digests import outbox
from bot.digests.stale import digest_items, without_items
from bot.digests.store import DigestStore
from bot.features import NotDelivered, Sender, Unreachable
from bot.messages import ConversationRef
from bot.serialize import ReplyFormatError, reply_from_json

log = logging.getLogger(__name__)

DEFAULT_LEASE = timedelta(seconds=60)
"""How long a claim lasts without renewal: after a crash, its rows wait at most this long."""
RENEWALS_PER_LEASE = 3
"""A live pass renews its claims this many times per lease (every 20 s for 60 s)."""
DEFAULT_SEND_TIMEOUT = 60.0
"""Seconds one send (or one ``delivered`` question) may take before it counts as failed."""
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
    already_there: int = 0
    """Found at the platform after an interrupted attempt: marked sent, not sent again."""
    withdrawn: int = 0
    """Digests not sent: their person turned digests off, or all their items were retired."""


@dataclass(kw_only=True)
class _Tally:
    sent: int = 0
    retrying: int = 0
    failed: int = 0
    unreachable: int = 0
    already_there: int = 0
    withdrawn: int = 0

    def report(self) -> DeliveryReport:
        return DeliveryReport(
            sent=self.sent,
            retrying=self.retrying,
            failed=self.failed,
            unreachable=self.unreachable,
            already_there=self.already_there,
            withdrawn=self.withdrawn,
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
    secret: str = "",
) -> DeliveryReport:
    """Send every message that is due now through the sender of its platform.

    Only messages for platforms in ``senders`` are claimed; others stay pending for a
    process that can send them. Each message is marked ``sent``, retried later,
    ``failed`` or ``unreachable``; the counts are returned. Never raises for one
    message's failure. While a batch is being sent its claims are renewed every
    ``lease / RENEWALS_PER_LEASE``. ``secret`` keys the ``suggested`` events of people
    who opted out of tracking (``Settings.secret``).
    """
    tally = _Tally()
    gate = asyncio.Semaphore(max(concurrency, 1))
    tally.withdrawn = await asyncio.to_thread(digests.withdraw_unwanted, now=clock())
    if tally.withdrawn:
        log.info("%d digests withdrawn: their people turned digests off", tally.withdrawn)
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
                    secret=secret,
                    tally=tally,
                )

        renewing = asyncio.create_task(_renew(digests, claims, clock=clock, lease=lease))
        try:
            await asyncio.gather(*(one(claim, where.get(claim.id)) for claim in claims))
        finally:
            renewing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewing


async def _renew(
    digests: DigestStore,
    claims: list[outbox.Claim],
    *,
    clock: Callable[[], datetime],
    lease: timedelta,
) -> None:
    """Keep ``claims`` leased while this pass is alive; runs until cancelled."""
    every = max(lease.total_seconds() / RENEWALS_PER_LEASE, 0.01)
    while True:
        await asyncio.sleep(every)
        try:
            await asyncio.to_thread(digests.renew, claims, until=clock() + lease)
        except Exception:  # the next renewal may work; the lease covers a missed one
            log.warning("renewing the outbox claims failed", exc_info=True)


async def _deliver_one(
    digests: DigestStore,
    claim: outbox.Claim,
    to: ConversationRef | None,
    sender: Sender,
    *,
    clock: Callable[[], datetime],
    max_attempts: int,
    send_timeout: float,
    secret: str,
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
    offered: set[int] = set()
    if claim.key.startswith("digest:"):
        gone = await asyncio.to_thread(
            digests.unshareable, digest_items(reply), user_id=claim.user_id, now=clock()
        )
        left = without_items(reply, gone) if gone else reply
        if left is None:
            log.info("outbox %s: none of its items may be shared now; withdrawn", claim.key)
            await asyncio.to_thread(
                digests.mark_given_up, claim, status=outbox.WITHDRAWN, error="nothing left"
            )
            tally.withdrawn += 1
            return
        reply = left
        offered = digest_items(reply)
    found = False
    try:
        with delivering(claim.key):
            found = claim.maybe_sent and await _already_there(sender, claim, to, send_timeout)
            if not found:
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
            digests,
            claim,
            reason,
            # Unless the platform said no, it may have taken the message before failing.
            maybe_sent=not isinstance(error, NotDelivered),
            clock=clock,
            max_attempts=max_attempts,
            tally=tally,
        )
        return
    await _mark_sent(digests, claim, offered, clock=clock, secret=secret)
    if found:
        tally.already_there += 1
    else:
        tally.sent += 1


async def _already_there(
    sender: Sender, claim: outbox.Claim, to: ConversationRef, send_timeout: float
) -> bool:
    """Whether an interrupted attempt delivered ``claim`` after all; raises as ``send`` does."""
    there = await asyncio.wait_for(
        sender.delivered(to=to, key=claim.key, since=claim.created_at), timeout=send_timeout
    )
    if there:
        log.info(
            "outbox %s: an interrupted attempt had delivered it; marked sent, not sent again",
            claim.key,
        )
        return True
    if there is None:
        log.warning(
            "outbox %s: an interrupted attempt may have delivered it, and %s cannot tell; "
            "sending it again",
            claim.key,
            claim.platform,
        )
    return False


async def _mark_sent(
    digests: DigestStore,
    claim: outbox.Claim,
    offered: set[int],
    *,
    clock: Callable[[], datetime],
    secret: str,
) -> None:
    now = clock()
    then = None
    if offered:
        then = functools.partial(
            digests.suggestions.record_received,
            user_id=claim.user_id,
            delivery_key=claim.key,
            item_ids=offered,
            now=now,
            secret=secret,
        )
    if not await asyncio.to_thread(digests.mark_sent, claim, now=now, then=then):
        # Our lease ran out and another pass claimed the row: it may send it again.
        log.warning("outbox %s: sent, but the claim had expired before it was marked", claim.key)


async def _failed_attempt(
    digests: DigestStore,
    claim: outbox.Claim,
    reason: str,
    *,
    maybe_sent: bool,
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
    await asyncio.to_thread(
        digests.mark_retry, claim, at=retry_at, error=reason, maybe_sent=maybe_sent
    )
    tally.retrying += 1
