"""Feeds: new entries arrive as drafts once; broken feeds are reported, never a crash.

Feeds are read from fixture files, and over HTTP from a server on 127.0.0.1 only.
"""

from __future__ import annotations

import json
import shutil
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from content_fixtures import DATA, QueueSetup, queue_on, sqlite_url
from harness import cli
from samples import write_guidelines

from bot.content import ContentError, ContentInput, ContentStatus, Feeds, describe
from bot.content.entries import MAX_ENTRIES

RSS = DATA / "newsroom-rss.xml"
ATOM = DATA / "blog-atom.xml"


@pytest.fixture
def sqlite_setup(tmp_path: Path) -> Iterator[QueueSetup]:
    with queue_on(sqlite_url(tmp_path), tmp_path) as setup:
        yield setup


@pytest.fixture
def any_setup(database_url: str, tmp_path: Path) -> Iterator[QueueSetup]:
    """SQLite and PostgreSQL: for tests where storage matters."""
    with queue_on(database_url, tmp_path) as setup:
        yield setup


def test_rss_entries_arrive_as_drafts_once(any_setup: QueueSetup) -> None:
    feeds = Feeds(any_setup.queue)
    feed = feeds.add(str(RSS), by="anna", topics=("news",))
    assert feed.url == RSS.resolve().as_uri()

    (first,) = feeds.fetch()
    assert first.error is None
    assert [item.title for item in first.added] == [
        "We open an office in Eindhoven",
        "Sustainability report 2025",
    ]
    assert first.skipped == 1  # the entry without a link
    office = first.added[0]
    assert office.status is ContentStatus.DRAFT
    assert office.url == "https://news.testbedrijf.example/2026/eindhoven"
    assert office.summary == "Our third office opens in May & we are hiring."
    assert (office.source, office.feed_id, office.guid) == ("feed", feed.id, "newsroom-0001")
    assert office.topics == ("news",)
    assert office.added_by == f"feed:{feed.id}"
    stored = feeds.get(feed.id)
    assert stored is not None
    assert stored.title == "Testbedrijf Newsroom"
    assert stored.last_fetched_at == any_setup.clock.now
    assert stored.last_error is None

    (second,) = feeds.fetch(feed.id)
    assert second.added == ()
    assert second.known == 2
    assert len(any_setup.queue.list()) == 2
    assert "0 new" in describe(second, "en")


def test_a_retired_feed_entry_does_not_come_back(sqlite_setup: QueueSetup) -> None:
    feeds = Feeds(sqlite_setup.queue)
    feeds.add(str(RSS), by="anna")
    (first,) = feeds.fetch()
    sqlite_setup.queue.retire(first.added[0].id, by="anna")
    (second,) = feeds.fetch()
    assert second.added == ()
    assert len(sqlite_setup.queue.list()) == 2


def test_atom_entries_with_html_titles_become_plain_drafts(sqlite_setup: QueueSetup) -> None:
    feeds = Feeds(sqlite_setup.queue)
    feed = feeds.add(ATOM.resolve().as_uri(), by="anna")
    (outcome,) = feeds.fetch(feed.id)
    assert [(i.title, i.guid) for i in outcome.added] == [
        ("How we test without the network", "tag:blog.testbedrijf.example,2026:post-17"),
        ("Five years of open source", "tag:blog.testbedrijf.example,2026:post-18"),
    ]
    assert outcome.added[0].summary == "Loopback servers & fixtures."


def test_an_entry_whose_link_is_already_queued_is_not_added_again(sqlite_setup: QueueSetup) -> None:
    queue = sqlite_setup.queue
    queue.add(
        ContentInput(url="https://news.testbedrijf.example/2026/eindhoven", title="Eindhoven"),
        by="anna",
    )
    feeds = Feeds(queue)
    feeds.add(str(RSS), by="anna")
    (outcome,) = feeds.fetch()
    assert [i.guid for i in outcome.added] == ["newsroom-0002"]
    assert outcome.known == 1


@pytest.mark.parametrize(
    ("fixture", "key", "english", "dutch"),
    [
        ("broken.xml", "feed_not_a_feed", "not an RSS or Atom feed", "geen RSS- of Atom-feed"),
        (
            "not-a-feed.html",
            "feed_no_content",
            "no RSS or Atom content",
            "geen RSS- of Atom-inhoud",
        ),
    ],
)
def test_a_broken_feed_is_reported_and_the_others_still_fetched(
    sqlite_setup: QueueSetup, fixture: str, key: str, english: str, dutch: str
) -> None:
    feeds = Feeds(sqlite_setup.queue)
    broken = feeds.add(str(DATA / fixture), by="anna")
    feeds.add(str(RSS), by="anna")
    bad, good = feeds.fetch()
    assert bad.error is not None and bad.error.key == key
    assert bad.added == ()
    assert len(good.added) == 2
    stored = feeds.get(broken.id)
    assert stored is not None and stored.last_error is not None
    assert english in stored.last_error
    assert dutch in describe(bad, "nl")
    assert sqlite_setup.queue.list(status="draft") == good.added[::-1]


def test_a_feed_with_errors_but_usable_entries_is_imported_with_a_warning(
    sqlite_setup: QueueSetup,
) -> None:
    feeds = Feeds(sqlite_setup.queue)
    feeds.add(str(DATA / "truncated-rss.xml"), by="anna")
    (outcome,) = feeds.fetch()
    assert outcome.error is None
    assert [i.title for i in outcome.added] == ["This entry arrived whole"]
    assert outcome.warning is not None and outcome.warning.key == "feed_bozo"


def test_a_feed_file_that_disappeared_is_reported(sqlite_setup: QueueSetup, tmp_path: Path) -> None:
    copy = tmp_path / "feed.xml"
    shutil.copy(RSS, copy)
    feeds = Feeds(sqlite_setup.queue)
    feeds.add(str(copy), by="anna")
    copy.unlink()
    (outcome,) = feeds.fetch()
    assert outcome.error is not None and outcome.error.key == "feed_missing_file"


def test_adding_a_feed_checks_the_address_topics_and_duplicates(sqlite_setup: QueueSetup) -> None:
    feeds = Feeds(sqlite_setup.queue)
    with pytest.raises(ContentError) as raised:
        feeds.add("ftp://example.com/feed", by="anna", topics=("Big News",))
    assert sorted(raised.value.keys) == ["bad_feed_url", "bad_topic"]
    with pytest.raises(ContentError) as missing:
        feeds.add("/no/such/feed.xml", by="anna")
    assert missing.value.keys == ("feed_missing_file",)
    feeds.add("https://news.testbedrijf.example/feed.xml", by="anna")
    with pytest.raises(ContentError) as twice:
        feeds.add("https://news.testbedrijf.example/feed.xml", by="bert")
    assert twice.value.keys == ("feed_duplicate",)
    with pytest.raises(ContentError) as unknown:
        feeds.fetch(42)
    assert unknown.value.keys == ("feed_not_found",)


# Over HTTP, from a server on loopback.


class _FeedServer:
    """Serves the RSS fixture with an ETag, honours If-None-Match, and 404s elsewhere."""

    def __init__(self, body: bytes | None = None) -> None:
        body = RSS.read_bytes() if body is None else body
        self.requests: list[dict[str, str]] = []
        requests = self.requests

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                requests.append({k.lower(): v for k, v in self.headers.items()})
                if self.path != "/feed.xml":
                    self.send_error(404)
                    return
                if self.headers.get("If-None-Match") == '"v1"':
                    self.send_response(304)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml; charset=utf-8")
                self.send_header("ETag", '"v1"')
                self.send_header("Last-Modified", "Mon, 02 Feb 2026 09:00:00 GMT")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def feed_server() -> Iterator[_FeedServer]:
    with _FeedServer() as server:
        yield server


def test_http_feeds_are_fetched_conditionally(
    sqlite_setup: QueueSetup, feed_server: _FeedServer
) -> None:
    feeds = Feeds(sqlite_setup.queue)
    feeds.add(f"{feed_server.url}/feed.xml", by="anna")
    (first,) = feeds.fetch()
    assert len(first.added) == 2
    assert "if-none-match" not in feed_server.requests[0]

    (second,) = feeds.fetch()
    assert second.not_modified
    assert second.added == ()
    assert feed_server.requests[1]["if-none-match"] == '"v1"'
    assert feed_server.requests[1]["if-modified-since"] == "Mon, 02 Feb 2026 09:00:00 GMT"
    assert "not changed" in describe(second, "en")


def test_http_errors_are_reported(sqlite_setup: QueueSetup, feed_server: _FeedServer) -> None:
    feeds = Feeds(sqlite_setup.queue)
    feed = feeds.add(f"{feed_server.url}/gone.xml", by="anna")
    (outcome,) = feeds.fetch()
    assert outcome.error is not None and outcome.error.key == "feed_http_status"
    assert "404" in (feeds.get(feed.id).last_error or "")  # type: ignore[union-attr]


def test_a_server_that_does_not_answer_times_out(sqlite_setup: QueueSetup) -> None:
    # A socket that listens but never accepts: the connection opens, no answer comes.
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        feeds = Feeds(sqlite_setup.queue, timeout=0.2)
        feeds.add(f"http://127.0.0.1:{silent.getsockname()[1]}/feed.xml", by="anna")
        (outcome,) = feeds.fetch()
    assert outcome.error is not None and outcome.error.key == "feed_timeout"


def test_a_refused_connection_is_reported(sqlite_setup: QueueSetup) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    feeds = Feeds(sqlite_setup.queue, timeout=2)
    feeds.add(f"http://127.0.0.1:{port}/feed.xml", by="anna")
    (outcome,) = feeds.fetch()
    assert outcome.error is not None and outcome.error.key == "feed_unreachable"


def test_entries_of_a_fetch_that_failed_arrive_with_the_next_fetch(
    tmp_path: Path, feed_server: _FeedServer
) -> None:
    database = sqlite_url(tmp_path)
    good = write_guidelines(tmp_path / "good")
    broken = write_guidelines(tmp_path / "broken")
    (broken / "rules.yaml").write_text("rules: [\n", encoding="utf-8")
    added = cli("feeds", "add", f"{feed_server.url}/feed.xml", database=database)
    assert added.returncode == 0, added.stderr

    failed = cli("feeds", "fetch", "--id", "1", "-g", str(broken), database=database)
    assert failed.returncode == 1

    again = cli("feeds", "fetch", "--id", "1", "-g", str(good), database=database)
    assert again.returncode == 0, again.stderr
    assert "2 new draft(s)" in again.stdout
    assert "if-none-match" not in feed_server.requests[-1]


ATOM_WITH_A_RELATIVE_LINK = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Blog</title><id>urn:blog</id><updated>2026-02-01T09:00:00Z</updated>
  <entry>
    <title>Relative</title><id>urn:blog:1</id><updated>2026-02-01T09:00:00Z</updated>
    <link href="/blog/atom-1"/>
  </entry>
</feed>
"""


def test_a_relative_link_is_read_against_the_feed_address(tmp_path: Path) -> None:
    database = sqlite_url(tmp_path)
    guidelines = str(write_guidelines(tmp_path / "guidelines"))
    with _FeedServer(ATOM_WITH_A_RELATIVE_LINK) as server:
        cli("feeds", "add", f"{server.url}/feed.xml", database=database)
        fetched = cli("feeds", "fetch", "-g", guidelines, database=database)
    assert "Blog: 1 new draft(s), 0 already known, 0 skipped." in fetched.stdout
    listed = cli("content", "list", "--json", database=database)
    assert [item["url"] for item in json.loads(listed.stdout)] == [f"{server.url}/blog/atom-1"]


def test_entries_past_the_limit_are_counted_in_the_summary(tmp_path: Path) -> None:
    items = "".join(
        f"<item><guid>{n}</guid><title>Post {n}</title>"
        f"<link>https://example.com/posts/{n}</link></item>"
        for n in range(MAX_ENTRIES + 5)
    )
    feed = tmp_path / "feed.xml"
    feed.write_text(
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>Big</title>{items}'
        "</channel></rss>",
        encoding="utf-8",
    )
    database = sqlite_url(tmp_path)
    guidelines = str(write_guidelines(tmp_path / "guidelines"))
    cli("feeds", "add", str(feed), database=database)
    english = cli("feeds", "fetch", "-g", guidelines, database=database)
    assert f"Big: {MAX_ENTRIES} new draft(s)" in english.stdout
    assert "5 more entries that were not read: at most 200 are read per fetch" in english.stdout
    dutch = cli("feeds", "fetch", "-g", guidelines, "--lang", "nl", database=database)
    assert "nog 5 berichten die niet zijn gelezen" in dutch.stdout
