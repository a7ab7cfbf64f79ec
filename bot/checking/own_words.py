"""Whether a draft that shares company content adds words of the author's own.

*Voeg toe* (Add) asks people to say why something matters to them rather than only
repost it. The reminder is only useful for a draft that shares something (a link, or
the caption or title of a company item) and adds nothing to it. "Own words" are the
draft's words that are not in the shared items' title, summary, captions or link,
leaving out stop words ("the", "de", "en"...), hashtags, mentions and links: a pasted
caption with "#proud @acme" added is still only the caption.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass

import regex

LINK = regex.compile(r"(?:https?://|www\.)\S+", regex.IGNORECASE)
_LINK_START: regex.Pattern[str] = regex.compile(r"^(?:https?://)?(?:www\.)?", regex.IGNORECASE)
_TAG = regex.compile(r"[#@]\w+")
_WORD = regex.compile(r"[^\W\d_]{2,}")

MATCHING_SHARE = 0.6
"""Share of an item's text (its content words) a draft must hold to count as sharing it."""

MIN_MATCHING_WORDS = 3
"""A text must have this many content words before it is looked for in a draft, so a
one-word title does not turn every draft that uses that word into a share."""

STOP_WORDS = frozenset(
    """
    a an and are as at be been but by can do for from has have he her his how i if in
    into is it its just me more my new no not now of on or our out so than that the
    their them then there these they this to up us was we were what when where which
    who will with you your yours ours about all also am any get got here let see very
    de het een en van in op te dat die dit is zijn was waren wat wie waar hoe met voor
    aan bij naar om uit over als maar ook nog wel niet geen er hier daar ik je jij u we
    wij ze zij hij haar hun ons onze mijn jouw zo dan toch al meer nu of door tot want
    heb hebt heeft hebben ben bent kan kun kunnen wordt worden werd zal zou moet mag
    """.split()
)


@dataclass(frozen=True, kw_only=True)
class SharedItem:
    """A company content item as far as sharing goes: its link and its texts (title,
    summary and captions, in every language)."""

    url: str
    texts: tuple[str, ...]


def content_words(text: str) -> set[str]:
    """The words of ``text`` that carry meaning: no links, hashtags, mentions, numbers
    or stop words, case folded."""
    text = _TAG.sub(" ", LINK.sub(" ", text))
    return {w for word in _WORD.findall(text) if (w := word.casefold()) not in STOP_WORDS}


@functools.lru_cache(maxsize=4096)
def _item_words(text: str) -> frozenset[str]:
    # The same live items come with every draft; their words are worked out once.
    return frozenset(content_words(text))


def _link_key(url: str) -> str:
    """A link as two spellings of it share: no scheme, ``www.``, slash or punctuation at the end."""
    link: str = _LINK_START.sub("", url.strip())
    return link.rstrip("/.,;:!?)").casefold()


def needs_own_words(draft: str, shared: Iterable[SharedItem] = ()) -> bool:
    """Whether ``draft`` shares something but has no words of the author's own.

    A draft shares something when it holds a link or most of the words of one of the
    ``shared`` items' texts. A draft that shares nothing never needs the reminder.
    """
    links = {_link_key(found) for found in LINK.findall(draft)}
    items = tuple(shared)
    if not (links or items):
        return False  # nothing to share: the common case costs one search for a link
    words = content_words(draft)
    theirs: set[str] = set()
    sharing = bool(links)
    for item in items:
        texts = [_item_words(text) for text in item.texts]
        linked = bool(item.url) and _link_key(item.url) in links
        quoted = any(
            len(text) >= MIN_MATCHING_WORDS and len(text & words) >= MATCHING_SHARE * len(text)
            for text in texts
        )
        if linked or quoted:
            sharing = True
            theirs.update(*texts)
    if not sharing:
        return False
    return not (words - theirs)
