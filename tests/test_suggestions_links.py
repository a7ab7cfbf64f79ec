"""Share links: UTM tags, share URLs per network, tokens, and counting real clicks."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import parse_qs, parse_qsl, urlsplit

import pytest
from sqlmodel import Session, select
from suggestions_fixtures import T0, add_item, add_user, count, events

from bot.messages import Link, Reply
from bot.settings import Settings
from bot.storage import Store
from bot.storage.tables import Share
from bot.suggestions import resolve_click, suggest, suggestions_reply, tagged_url
from bot.suggestions.captions import X_LIMIT, fit_for_x, x_length
from bot.suggestions.links import share_url, token_in_share_url


@pytest.fixture
def store(database_url: str) -> Iterator[Store]:
    store = Store.open(database_url, clock=lambda: T0)
    yield store
    store.close()


def links(reply: Reply) -> dict[str, str]:
    return {part.label: part.url for part in reply.parts if isinstance(part, Link)}


def reply_for(
    store: Store, user_id: int, settings: Settings | None = None, delivery_key: str = "k1"
) -> Reply:
    found = suggest(store.engine, user_id=user_id, now=T0)
    return suggestions_reply(
        store.engine,
        user_id=user_id,
        language="en",
        now=T0,
        suggestions=found,
        settings=settings or Settings(),
        delivery_key=delivery_key,
    )


def test_utm_tags_are_exact_and_the_urls_own_query_and_fragment_stay() -> None:
    url = "https://example.com/news/a?ref=home&q=a%20b&utm_source=newsletter#section-2"
    tagged = tagged_url(url, network="linkedin", item_id=42, token="tok_en-123")
    assert tagged == (
        "https://example.com/news/a?ref=home&q=a%20b&utm_source=linkedin"
        "&utm_medium=employee_advocacy&utm_campaign=item-42&utm_content=tok_en-123#section-2"
    )
    plain = tagged_url("https://example.com", network="email", item_id=7, token="abcdefgh")
    assert dict(parse_qsl(urlsplit(plain).query)) == {
        "utm_source": "email",
        "utm_medium": "employee_advocacy",
        "utm_campaign": "item-7",
        "utm_content": "abcdefgh",
    }


def test_the_x_text_fits_in_a_post_with_its_link() -> None:
    long_caption = "Wij bouwen aan de energietransitie met nieuwe windparken op zee. " * 10
    text = fit_for_x(long_caption)
    assert text.endswith("…")
    assert x_length(text) + 1 + 23 <= X_LIMIT
    assert x_length("🎉" * 10) == 20  # emoji count double
    assert x_length("see https://example.com/" + "x" * 100) == 4 + 23
    short = "Proud of the team!"
    assert fit_for_x(short) == short
    url = share_url("x", target="https://example.com/a?b=c", title="T", caption=long_caption)
    query = parse_qs(urlsplit(url).query)
    assert query["url"] == ["https://example.com/a?b=c"]
    assert x_length(query["text"][0]) + 1 + 23 <= X_LIMIT


def test_linkedin_and_email_share_urls() -> None:
    target = "https://example.com/a?b=c&d=e"
    linkedin = share_url("linkedin", target=target, title="T", caption="C")
    assert linkedin.startswith("https://www.linkedin.com/sharing/share-offsite/?url=")
    assert parse_qs(urlsplit(linkedin).query) == {"url": [target]}
    email = share_url("email", target=target, title="Big news", caption="Look at this")
    assert email.startswith("mailto:?subject=Big%20news&body=")
    assert parse_qs(urlsplit(email).query)["body"] == [f"Look at this\n\n{target}"]


def test_reply_links_carry_pseudonymous_tokens_and_tags(store: Store) -> None:
    person = add_user(store)
    item = add_item(store.engine, "Wind farm opens", url="https://example.com/wind?x=1")
    reply = reply_for(store, person)
    urls = links(reply)
    assert set(urls) == {"Share on LinkedIn", "Post on X", "Send by e-mail"}
    target = parse_qs(urlsplit(urls["Share on LinkedIn"]).query)["url"][0]
    tags = parse_qs(urlsplit(target).query)
    assert tags["x"] == ["1"]
    assert tags["utm_source"] == ["linkedin"]
    assert tags["utm_campaign"] == [f"item-{item}"]
    token = tags["utm_content"][0]
    assert re.fullmatch(r"[A-Za-z0-9_-]{16}", token)  # 96 random bits, nothing about U1
    colleague = add_user(store, "U2")
    theirs = parse_qs(urlsplit(links(reply_for(store, colleague))["Share on LinkedIn"]).query)
    assert token not in theirs["url"][0]
    with Session(store.engine) as session:
        shares = session.exec(select(Share)).all()
    assert {(s.network, s.user_id, s.item_id) for s in shares} == {
        (network, who, item)
        for network in ("linkedin", "x", "email")
        for who in (person, colleague)
    }
    # Shown again, the person keeps the same links, so their clicks add up on one link.
    assert links(reply_for(store, person, delivery_key="k2")) == urls
    assert count(store.engine, Share) == 6  # three each for U1 and U2


def test_with_a_public_url_links_go_through_the_redirect(store: Store) -> None:
    person = add_user(store)
    add_item(store.engine)
    settings = Settings(public_url="https://mw.example.com")
    urls = links(reply_for(store, person, settings))
    target = parse_qs(urlsplit(urls["Share on LinkedIn"]).query)["url"][0]
    assert target.startswith("https://mw.example.com/r/")
    token = target.rsplit("/", 1)[1]
    with Session(store.engine) as session:
        share = session.exec(select(Share).where(Share.token == token)).one()
    assert share.network == "linkedin"
    assert token_in_share_url(urls["Post on X"]) is not None


def test_resolve_click_counts_each_real_click_once(store: Store) -> None:
    person = add_user(store, team="Sales")
    item = add_item(store.engine, url="https://example.com/a#top")
    reply_for(store, person)
    with Session(store.engine) as session:
        share = session.exec(select(Share).where(Share.network == "x")).one()
    later = T0 + timedelta(hours=1)
    target = resolve_click(store.engine, share.token, now=later, user_agent="Mozilla/5.0")
    assert target == (
        "https://example.com/a?utm_source=x&utm_medium=employee_advocacy"
        f"&utm_campaign=item-{item}&utm_content={share.token}#top"
    )
    clicks = events(store.engine, "link_clicked")
    assert len(clicks) == 1
    click = clicks[0]
    assert (click.user_id, click.team, click.item_id, click.share_id, click.network) == (
        person,
        "Sales",
        item,
        share.id,
        "x",
    )
    assert click.occurred_at == later
    resolve_click(store.engine, share.token, now=later, user_agent="Mozilla/5.0")
    assert len(events(store.engine, "link_clicked")) == 2


@pytest.mark.parametrize(
    "agent",
    [
        "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
        "LinkedInBot/1.0 (compatible; Mozilla/5.0; Apache-HttpClient +http://www.linkedin.com)",
        "Twitterbot/1.0",
        "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
        "Mozilla/5.0 (Windows NT 6.1; WOW64) SkypeUriPreview Preview/0.5",
    ],
)
def test_link_previews_are_redirected_but_not_counted(store: Store, agent: str) -> None:
    person = add_user(store)
    add_item(store.engine)
    reply_for(store, person)
    with Session(store.engine) as session:
        token = session.exec(select(Share.token)).first()
    assert token is not None
    assert resolve_click(store.engine, token, now=T0, user_agent=agent) is not None
    assert resolve_click(store.engine, token, now=T0, record=False) is not None  # HEAD
    assert events(store.engine, "link_clicked") == []


def test_unknown_and_tampered_tokens_resolve_to_nothing(store: Store) -> None:
    person = add_user(store)
    add_item(store.engine)
    reply_for(store, person)
    with Session(store.engine) as session:
        token = session.exec(select(Share.token)).first()
    assert token is not None
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    for bad in (tampered, "unknown-token", "", "x" * 65, "../../etc/passwd", token + "'--"):
        assert resolve_click(store.engine, bad, now=T0) is None
    assert events(store.engine, "link_clicked") == []


def test_suggested_is_recorded_once_per_delivery(store: Store) -> None:
    person = add_user(store)
    first = add_item(store.engine, "One")
    second = add_item(store.engine, "Two")
    reply_for(store, person, delivery_key="digest:2026-W10")
    reply_for(store, person, delivery_key="digest:2026-W10")
    suggested = events(store.engine, "suggested")
    assert sorted(e.item_id for e in suggested) == sorted([first, second])
    assert {e.idempotency_key for e in suggested} == {
        f"suggested:digest:2026-W10:{first}",
        f"suggested:digest:2026-W10:{second}",
    }
    reply_for(store, person, delivery_key="digest:2026-W11")
    assert len(events(store.engine, "suggested")) == 4
