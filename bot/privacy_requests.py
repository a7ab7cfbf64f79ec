"""A request about one's own data in everyday words ("FORGET ME PLEASE", "stop tracking
me", "vergeet mij alsjeblieft"), so it is answered as one and never stored as a question
for the owners of the guidelines, who would read it in the report.

Works on text already simplified by ``bot.intents.simplify`` (folded, lower case, no
end punctuation). Pure functions, so every phrasing can be tested without a bot.
"""

from __future__ import annotations

from enum import StrEnum

import regex


class PrivacyRequest(StrEnum):
    """What a person asks for about their own data."""

    FORGET = "forget"
    OPT_OUT = "opt_out"
    EXPLAIN = "explain"
    """Something about forgetting or tracking them, in words not recognised exactly: the
    privacy explanation, whose buttons do the rest."""


_POLITE = frozenset(
    {
        "please",
        "pls",
        "plz",
        "kindly",
        "now",
        "just",
        "thanks",
        "alsjeblieft",
        "alstublieft",
        "aub",
        "a.u.b.",
        "a.u.b",
        "graag",
        "nu",
        "even",
        "svp",
        "hey",
        "hi",
        "hoi",
        "hallo",
        "merkwerker",
    }
)
_FORGET = frozenset(
    {
        "forget me",
        "forget about me",
        "forget all about me",
        "forget everything about me",
        "forget my data",
        "delete me",
        "delete my data",
        "delete all my data",
        "remove my data",
        "erase my data",
        "vergeet mij",
        "vergeet me",
        "vergeet alles over mij",
        "vergeet alles van mij",
        "verwijder mij",
        "verwijder mijn gegevens",
        "verwijder al mijn gegevens",
        "wis mijn gegevens",
        "wis al mijn gegevens",
    }
)
_OPT_OUT = frozenset(
    {
        "stop tracking",
        "stop tracking me",
        "don't track me",
        "dont track me",
        "do not track me",
        "no tracking",
        "stop bijhouden",
        "stop met bijhouden",
        "niet meer bijhouden",
        "hou me niet meer bij",
        "houd me niet meer bij",
        "hou mij niet meer bij",
        "houd mij niet meer bij",
        "volg me niet meer",
        "volg mij niet meer",
        "stop met volgen",
    }
)
_ABOUT_ME = regex.compile(
    r"\b(?:"
    r"forget (?:about |all about |everything about )?me"
    r"|(?:delete|remove|erase|wipe) (?:all )?(?:of )?my (?:data|details|information|info)"
    r"|stop(?:ped)? tracking|(?:don'?t|do not|never) track me"
    r"|vergeet (?:mij|me)|(?:mij|me) (?:te )?vergeten"
    r"|(?:verwijder|wis) (?:al )?mijn (?:gegevens|data)"
    r"|(?:niet meer|stop met) (?:bijhouden|volgen)|houd? (?:mij|me) niet (?:meer )?bij"
    r")\b"
)


def privacy_request(simple: str) -> PrivacyRequest | None:
    """What ``simple`` (a simplified message) asks about the sender's data, or None."""
    core = " ".join(word for word in simple.split() if word not in _POLITE)
    if core in _FORGET:
        return PrivacyRequest.FORGET
    if core in _OPT_OUT:
        return PrivacyRequest.OPT_OUT
    found = _ABOUT_ME.search(core)
    if found is not None and (found.start() == 0 or len(core.split()) <= EXPLAIN_WORDS):
        return PrivacyRequest.EXPLAIN
    return None


EXPLAIN_WORDS = 6
"""A longer message that mentions forgetting or tracking further on is a question like
any other ("mag ik posten over onze actie 'vergeet me niet'?", "can I share how we
stopped tracking customers?"), not a request about the sender's data; one that starts
with it ("forget everything about me, I am leaving") is a request."""
