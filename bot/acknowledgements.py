"""Thanks and okays: "ok thanks", "top, bedankt", "super", "👍".

A message that only thanks or acknowledges is no question about the guidelines: it gets
"you're welcome" and is never recorded for the owners. Pure functions over text.
"""

from __future__ import annotations

import regex

from bot.answering.text import fold

_WORD = regex.compile(r"\w+")

THANKS_WORDS = frozenset(
    {
        "thanks",
        "thank",
        "thx",
        "tnx",
        "thnx",
        "ty",
        "cheers",
        "bedankt",
        "dank",
        "dankje",
        "dankjewel",
        "dankuwel",
        "merci",
    }
)
"""Words that thank: an acknowledgement with one of them is answered "you're welcome"."""
OK_WORDS = frozenset(
    {
        "ok",
        "oke",
        "okay",
        "okey",
        "okee",
        "okido",
        "oki",
        "k",
        "kk",
        "prima",
        "top",
        "super",
        "cool",
        "great",
        "perfect",
        "perfecto",
        "nice",
        "fine",
        "lovely",
        "awesome",
        "excellent",
        "fijn",
        "mooi",
        "helder",
        "duidelijk",
        "begrepen",
        "understood",
        "noted",
        "genoteerd",
        "gelukt",
        "geweldig",
        "handig",
        "alright",
        "allright",
        "goed",
        "good",
        "ah",
        "aha",
        "oh",
        "ahh",
        "ahja",
    }
)
"""Words that say "understood" or "good": alone or with thanks, an acknowledgement."""
_ACK_FILLERS = frozenset(
    {
        "you",
        "je",
        "jij",
        "jullie",
        "u",
        "wel",
        "very",
        "so",
        "much",
        "a",
        "lot",
        "many",
        "heel",
        "erg",
        "hartelijk",
        "hartstikke",
        "veel",
        "zeer",
        "echt",
        "really",
        "dan",
        "then",
        "dat",
        "is",
        "it",
        "got",
        "i",
        "see",
        "snap",
        "ik",
        "het",
        "zo",
        "voor",
        "for",
        "the",
        "de",
        "help",
        "hulp",
        "answer",
        "antwoord",
        "info",
        "tip",
        "again",
        "weer",
        "nogmaals",
        "all",
        "allemaal",
        "en",
        "and",
        "hoor",
        "hey",
        "hi",
        "hoi",
        "bot",
        "merkwerker",
    }
)
"""Words that go with an acknowledgement ("thank you very much", "dank je wel hoor")."""
_ACK_MAX_WORDS = 7
_SHORTCODE = regex.compile(r":[\w+'-]*[^\W\d_][\w+'-]*:")
"""An emoji the chat left as its name, such as a workspace's own ":party-parrot:" (Slack
turns the standard ones into emoji at the edge, not a workspace's own)."""
_ACK_EMOJI = regex.compile(r"^(?:[👍👌🙏😊🙂😀😄🙌✅💪🎉❤👏✌\p{Emoji_Modifier}\uFE0F]|\s)+$")
"""Emoji that thank or acknowledge, alone or several ("👍", "🙏🏻", "❤️")."""


def acknowledgement(text: str) -> str | None:
    """ "thanks" or "ok" when ``text`` only thanks or acknowledges ("Thanks!", "ok,
    duidelijk", "super, dank je wel 🙏", "👍"), else None. A question in it ("thanks, and
    may I post this photo?", "is it ok?") makes it no acknowledgement; a single word
    with a question mark ("ok?", "thanks?") still is one. Emoji left as names
    ("super :party-parrot:") count as emoji."""
    named = _SHORTCODE.sub(" ", text)
    if named != text and not named.strip():
        return "ok"  # only emoji, such as ":party-parrot:"
    text = named
    if _ACK_EMOJI.match(text):
        return "ok"
    words = _WORD.findall(fold(text))
    if not words or len(words) > _ACK_MAX_WORDS or ("?" in text and len(words) > 1):
        return None
    if any(w not in THANKS_WORDS and w not in OK_WORDS and w not in _ACK_FILLERS for w in words):
        return None
    if any(w in THANKS_WORDS for w in words):
        return "thanks"
    return "ok" if any(w in OK_WORDS for w in words) else None
