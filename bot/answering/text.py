"""Turning questions and rule examples into comparable words, in Dutch and English.

Every word is stemmed with both the Dutch and the English Snowball stemmer, so a
question matches a rule whichever of the two languages either is written in, and
"klanten"/"klant" or "posting"/"posted" meet on the same stem.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

import regex
import snowballstemmer
from bm25s.stopwords import STOPWORDS_DUTCH, STOPWORDS_EN_PLUS

WORD = regex.compile(r"[\p{L}\p{N}]+")
_NL = snowballstemmer.stemmer("dutch")
_EN = snowballstemmer.stemmer("english")

# Words that occur in nearly every question to this bot and so say nothing about
# which rule is meant ("mag ik ... posten?", "can I share ...?").
QUESTION_WORDS = frozenset(
    """
    mag mogen magik kan kun kunnen wil wilt willen moet moeten zou zouden
    ok oke okay oké prima goed gewoon eigenlijk even graag iets dingen ding
    posten post plaatsen delen deel gedeeld zetten vermelden noemen zeggen vertellen
    social socials sociale media online openbaar publiek
    can could may might allowed allow permitted ok okay fine should would want
    share sharing shared post posting posted publish mention say tell put write
    please thing things something anything really
    wat welke welk wie wanneer waar waarom hoe hoeveel waarover waarmee
    what which who whom whose when where why how whether about regarding
    iemand someone somebody anyone ever onze jullie hun zit zitten gaat gaan doe doen
    us get got getting gets go going let lets im ive dont cant isnt thats whats
    tips tip advice advies ga zet laten zien weten gebruiken maken use make talk
    """.split()
)

STOPWORDS = frozenset(STOPWORDS_DUTCH) | frozenset(STOPWORDS_EN_PLUS) | QUESTION_WORDS

LINK = regex.compile(r"<?(?:https?://|www\.)[^\s<>|]+(?:\|[^>]*)?>?", regex.IGNORECASE)
"""A web link as people paste it ("https://…", "www.…", Slack's "<https://…|label>")."""
_SITE = regex.compile(r"^<?(?:https?://)?(?:www\.)?(?P<site>[^/?#:\s<>|]+)", regex.IGNORECASE)


def links_as_sites(text: str) -> str:
    """``text`` with each web link written as its site ("linkedin.com").

    The bot cannot open a link, and the words of its address ("…/nieuws/nieuwe-windpark-
    opening") name a page, not what the person asks: matched as words they outweighed
    the question ("can I share this <link>?" got the rule on unreleased products).
    """
    if "://" not in text and "www." not in text.casefold():
        return text

    def site(link: regex.Match[str]) -> str:
        found = _SITE.match(link.group())
        return found.group("site").casefold() if found else ""

    return " ".join(LINK.sub(site, text).split())


def fold(text: str) -> str:
    """Lowercase and strip accents, so "één" and "een", "Café" and "cafe" compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    """The folded words of ``text``, in order."""
    return list(_words(text))


def without_words(text: str, drop: frozenset[str]) -> str:
    """``text`` without the words whose folded form is in ``drop``."""
    if not drop:
        return text
    return str(WORD.sub(lambda m: "" if fold(m.group()) in drop else m.group(), text))


def content_words(text: str) -> list[str]:
    """The words that carry meaning: no stop words (in any inflection), no single letters."""
    return list(_content_words(text))


# Both remembered: a reload after an edit of one rule folds only that rule's texts again
# (folding every text of 500 rules takes a few hundred milliseconds).
@lru_cache(maxsize=65536)
def _words(text: str) -> tuple[str, ...]:
    return tuple(WORD.findall(fold(text)))


@lru_cache(maxsize=65536)
def _content_words(text: str) -> tuple[str, ...]:
    return tuple(
        w
        for w in _words(text)
        if len(w) > 1 and w not in STOPWORDS and not any(s in _QUESTION_STEMS for s in stems(w))
    )


@lru_cache(maxsize=65536)
def stems(word: str) -> tuple[str, ...]:
    """The distinct Dutch and English stems of a folded word."""
    nl = _NL.stemWord(word)
    en = _EN.stemWord(word)
    return (nl,) if nl == en else (nl, en)


# Inflections of the question words ("gemaakt", "posting") say as little as the words.
_QUESTION_STEMS = frozenset(s for w in QUESTION_WORDS if len(w) > 3 for s in stems(w))
