"""``merkwerker scheduler``: the process that composes digests and delivers the outbox.

Run it in one process per database (the Procfile's ``scheduler:`` line), or in two for a
standby: one is active and runs the jobs, the other stands by (``bot.scheduling``).
Web processes never run a scheduler: APScheduler keeps its jobs in the database
(``SQLAlchemyJobStore``, table ``apscheduler_jobs``), and a job store must not be run by
two schedulers at once, or every job would run once per process.

Two jobs run every minute: "compose due digests" (writes outbox rows) and "deliver the
outbox" (sends them); both run as soon as a scheduler becomes active. ``--once`` runs one
compose and one delivery pass and exits, for tests and cron-style deployments (it takes
no lock); the hidden ``--now`` fixes the clock for that pass.

The digests, the scheduling lock and the database are imported when the command runs,
not with the module (see ``adapters/cli/main.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import logging
import os
import signal
from collections.abc import Callable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from bot.i18n import t
from bot.settings import Settings, SettingsError

if TYPE_CHECKING:
    from bot.database_access import Store
    from bot.digests import ComposeReport, DeliveryReport, DigestStore, NothingNewMemo
    from bot.features import Sender
    from bot.scheduling import LockTimings

log = logging.getLogger("merkwerker.scheduler")

_runtime: ContextVar[DigestRuntime | None] = ContextVar("digest_runtime", default=None)
"""The running scheduler's state. Jobs in the job store are plain references to functions
in this module (a job store can't hold an engine or a sender), so they find it here: set
in the task that starts the scheduler, whose context the scheduler's timers and job tasks
copy. Nothing is stored in the module itself."""


@dataclass(kw_only=True)
class DigestRuntime:
    """What the jobs need: the database, settings, senders and the clock."""

    store: Store
    settings: Settings
    senders: Mapping[str, Sender]
    default_language: str
    clock: Callable[[], datetime]
    memo: NothingNewMemo
    running: set[asyncio.Task[object]] = field(default_factory=set)

    @property
    def digests(self) -> DigestStore:
        """The digests' rows in ``store``."""
        from bot.digests import DigestStore

        return DigestStore.from_store(self.store)

    async def compose(self) -> ComposeReport:
        """Write the digests that are due now to the outbox."""
        from bot.digests import compose_due_digests

        return await asyncio.to_thread(
            compose_due_digests,
            self.digests,
            now=self.clock(),
            settings=self.settings,
            platforms=frozenset(self.senders),
            default_language=self.default_language,
            memo=self.memo,
        )

    async def deliver(self) -> DeliveryReport:
        """Send what is due in the outbox."""
        from bot.digests import deliver_outbox

        return await deliver_outbox(
            self.digests, self.senders, clock=self.clock, secret=self.settings.secret
        )


async def compose_job() -> None:
    """The every-minute job that composes due digests."""
    runtime = _runtime.get()
    if runtime is None:
        log.warning("compose job ran without a scheduler runtime; ignored")
        return
    with _tracked(runtime):
        report = await runtime.compose()
        if report.written:
            # Send them now rather than at the delivery job's next run; two delivery
            # passes at once are safe (claims are exclusive).
            delivered = await runtime.deliver()
            log.info("outbox delivered: %s", delivered)
    if report.written or report.errors:
        log.info("digests composed: %s", report)


async def deliver_job() -> None:
    """The every-minute job that delivers the outbox."""
    from bot.digests import DeliveryReport

    runtime = _runtime.get()
    if runtime is None:
        log.warning("deliver job ran without a scheduler runtime; ignored")
        return
    with _tracked(runtime):
        report = await runtime.deliver()
    if report != DeliveryReport():
        log.info("outbox delivered: %s", report)


@contextlib.contextmanager
def _tracked(runtime: DigestRuntime) -> Iterator[None]:
    task = asyncio.current_task()
    if task is not None:
        runtime.running.add(task)
    try:
        yield
    finally:
        if task is not None:
            runtime.running.discard(task)


def build_senders(
    env: Mapping[str, str], store: Store, console: Console, notices: Console, language: str
) -> dict[str, Sender]:
    """The console sender, and Slack's and Teams' when their adapters are configured.

    A platform whose adapter is missing or not configured is left out with a notice;
    its messages wait in the outbox for a scheduler that can send them.
    """
    from adapters.console.sender import ConsoleSender
    from adapters.platform import CHAT_PLATFORMS

    senders: dict[str, Sender] = {"console": ConsoleSender(console)}
    for platform in CHAT_PLATFORMS:
        reason: str | None = None
        try:
            sender = platform.sender_from_env(env, store=store)
        except Exception as error:  # a bad setting names itself; don't stop the others
            reason = str(error) or type(error).__name__
        else:
            if sender is None:
                reason = t(language, "digests.platform.not_configured")
            else:
                senders[platform.name] = sender
        if reason is not None:
            notices.print(
                t(language, "digests.platform.skipped", platform=platform.name, reason=reason),
                style="yellow",
                markup=False,
            )
    return senders


def _parse_now(value: str, language: str) -> datetime:
    from adapters.cli.common import fail

    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError:
        fail(t(language, "digests.bad_now", value=value))
    if moment.tzinfo is None or moment.utcoffset() is None:
        fail(t(language, "digests.bad_now", value=value))
    return moment.astimezone(UTC)


def _summary(language: str, composed: ComposeReport, delivered: DeliveryReport) -> str:
    return t(
        language,
        "digests.once.done",
        written=composed.written,
        due=composed.due,
        already=composed.already_written,
        nothing_new=composed.nothing_new,
        over_cap=composed.over_cap,
        errors=composed.errors,
        sent=delivered.sent + delivered.already_there,  # found at the platform: sent before
        retrying=delivered.retrying,
        failed=delivered.failed,
        unreachable=delivered.unreachable,
        withdrawn=delivered.withdrawn,
    )


async def _run_once(runtime: DigestRuntime) -> tuple[ComposeReport, DeliveryReport]:
    composed = await runtime.compose()
    delivered = await runtime.deliver()
    return composed, delivered


async def _close_senders(senders: Mapping[str, Sender]) -> None:
    # Some senders hold connections (Teams' transport); close what can be closed.
    for platform, sender in senders.items():
        close = getattr(sender, "close", None)
        if close is None:
            continue
        try:
            result = close()
            if inspect.isawaitable(result):
                await result
        except Exception:  # closing is best effort on the way out
            log.warning("closing the %s sender failed", platform, exc_info=True)


async def _run(
    *,
    once: bool,
    store: Store,
    settings: Settings,
    default_language: str,
    clock: Callable[[], datetime],
    out: Console,
    notices: Console,
    language: str,
    timings: LockTimings,
) -> None:
    from bot.digests import NothingNewMemo

    # Built inside the event loop: adapters may open connections bound to it.
    senders = build_senders(os.environ, store, out, notices, language)
    runtime = DigestRuntime(
        store=store,
        settings=settings,
        senders=senders,
        default_language=default_language,
        clock=clock,
        memo=NothingNewMemo(),
    )
    token = _runtime.set(runtime)
    try:
        if once:
            composed, delivered = await _run_once(runtime)
            notices.print(_summary(language, composed, delivered), markup=False)
        else:
            await _run_forever(runtime, notices, language, timings)
    finally:
        _runtime.reset(token)
        await _close_senders(senders)


async def _run_forever(
    runtime: DigestRuntime, notices: Console, language: str, timings: LockTimings
) -> None:
    from adapters.cli.scheduler_jobs import DigestJobs, news_line
    from bot.scheduling import LockNews, run_while_active, scheduler_lock, this_process

    lock = scheduler_lock(runtime.store)
    jobs = DigestJobs(
        lock=lock,
        store=runtime.store,
        jobs=(("digests.compose", compose_job), ("digests.deliver", deliver_job)),
        running=runtime.running,
        started_line=t(
            language,
            "digests.scheduler.started",
            platforms=", ".join(sorted(runtime.senders)),
        ),
        notices=notices,
    )

    def tell(news: LockNews) -> None:
        level, line = news_line(news, language=language, retry=timings.heartbeat)
        log.log(level, "%s", line)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(signum, stop.set)
    try:
        await run_while_active(
            lock,
            jobs,
            holder=this_process(),
            timings=timings,
            stop=stop,
            tell=tell,
            clock=lambda: datetime.now(UTC),
        )
    finally:
        await asyncio.to_thread(lock.close)
        notices.print(t(language, "digests.scheduler.stopped"), markup=False)


def scheduler(
    database: Annotated[
        str | None,
        typer.Option(
            "--database", help="Database URL (default: $DATABASE_URL or sqlite file merkwerker.db)."
        ),
    ] = None,
    guidelines: Annotated[
        Path | None,
        typer.Option(
            "--guidelines",
            "-g",
            help="Folder with the guidelines files "
            "(default: $MERKWERKER_GUIDELINES or ./guidelines).",
        ),
    ] = None,
    once: Annotated[
        bool, typer.Option("--once", help="Compose and deliver once, then exit (for cron).")
    ] = False,
    now: Annotated[str | None, typer.Option("--now", hidden=True)] = None,
) -> None:
    """Send digests and other proactive messages, every minute.

    Run it in one process, or in two for a standby: one scheduler is active and runs
    the jobs, any other is standing by. The active one holds the scheduler lock in the
    database (PostgreSQL: an advisory lock; SQLite: a row whose heartbeat it renews
    every 5 s). A standby tries again every 5 s and takes over when the active one
    stops: after a clean stop at its next try; after it dies within 5 s on PostgreSQL
    and within 35 s on SQLite (its heartbeat older than 30 s); after it hangs, within
    35 s on both (PostgreSQL 14 or newer). The new active one runs both jobs at once.
    An active scheduler that loses the lock stops its jobs and stands by. Timings:
    MERKWERKER_SCHEDULER_HEARTBEAT (5 s) and MERKWERKER_SCHEDULER_TAKEOVER (30 s).
    """
    from adapters.cli.common import cli_language, fail, open_library, open_store
    from bot.scheduling import LockTimings

    language = cli_language()
    fixed_now = _parse_now(now, language) if now is not None else None
    if fixed_now is not None and not once:
        fail(t(language, "digests.now_needs_once"))
    library = open_library(guidelines, language)
    store = open_store(database, language)
    try:
        settings = Settings.from_env(guidelines=guidelines, database_url=database)
        timings = LockTimings.from_env(os.environ)
    except SettingsError as error:
        store.close()
        fail(error.message(language))
    out = Console(highlight=False, soft_wrap=True)
    notices = Console(stderr=True, highlight=False, soft_wrap=True)
    logging.basicConfig(
        level=logging.WARNING if once else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    logging.getLogger("apscheduler").setLevel(logging.WARNING)

    def clock() -> datetime:
        return fixed_now or datetime.now(UTC)

    try:
        asyncio.run(
            _run(
                once=once,
                store=store,
                settings=settings,
                default_language=library.current.default_language,
                clock=clock,
                out=out,
                notices=notices,
                language=language,
                timings=timings,
            )
        )
    except Exception as error:  # the database went away, say; one sentence, not a traceback
        log.debug("scheduler stopped by an error", exc_info=True)
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        fail(t(language, "digests.failed", reason=reason), 1)
    finally:
        store.close()
