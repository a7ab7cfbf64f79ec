"""What a message asks for: help, a check of a draft post, or a question about the rules.

Pure functions over text, so every phrasing can be tested without a bot. ``understand``
reads free text a person typed; a named command (Slack's ``/merkwerker <name>
<argument>``) is read by ``bot.named_commands``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

import regex

from bot.acknowledgements import acknowledgement
from bot.answering.text import LINK, fold
from bot.privacy_requests import PrivacyRequest, privacy_request


class Intent(StrEnum):
    """The kinds of request the bot understands."""

    HELP = "help"
    CHECK = "check"
    ASK = "ask"
    EMPTY = "empty"
    SHARE = "share"
    """"What can I share?": content suggestions."""
    SETTINGS = "settings"
    """Topics and digest frequency; ``text`` is the folded command ("digest weekly")."""
    PRIVACY = "privacy"
    """How tracking works, opting out and in; ``text`` is the folded command ("opt out")."""
    MYDATA = "mydata"
    """"What do you know about me?": an export of the person's data."""
    FORGET = "forget"
    """"Forget me": delete the person's personal rows."""
    QUEUE = "queue"
    """Comms: queue a URL for sharing; ``text`` holds the URL and anything after it, or
    the whole message when it has no web link (the feature says how to write one)."""
    REPORT = "report"
    """Comms: the participation report's summary and a link to the full report."""
    COMMAND = "command"
    """A chat command or a stray button number ("clear", "quit", "3"): not a question,
    so it is never recorded as one."""
    THANKS = "thanks"
    """"Thanks", "ok", "super, dank je!", "👍": an acknowledgement, not a question, so it
    is never recorded as one; ``text`` is "thanks" when it thanks, else "ok"."""


@dataclass(frozen=True, kw_only=True)
class Understood:
    """An intent and the text it applies to (the draft for CHECK, the question for ASK)."""

    intent: Intent
    text: str


HELP_WORDS = frozenset(
    {
        "help",
        "hulp",
        "helpen",
        "?",
        "hi",
        "hoi",
        "hallo",
        "hello",
        "hey",
        "start",
        "menu",
        "goedemorgen",
        "goedemiddag",
        "good morning",
        "wat kun je",
        "wat kan je",
        "wat kun je allemaal",
        "what can you do",
        "how does this work",
        "hoe werkt dit",
    }
)

CHAT_COMMANDS = frozenset(
    {
        "clear",
        "cls",
        "wissen",
        "reset",
        "restart",
        "opnieuw",
        "opnieuw beginnen",
        "cancel",
        "annuleer",
        "annuleren",
        "stop",
        "stoppen",
        "quit",
        "exit",
        "afsluiten",
        "bye",
        "doei",
        "back",
        "terug",
        "yes",
        "no",
        "ja",
        "nee",
    }
)
"""Words typed in a chat that are never questions about the guidelines."""

_BUTTON_NUMBER = regex.compile(r"^[\[(#]?\s*(\d{1,3})\s*[\]).]?$")
_NO_LETTERS = regex.compile(r"^[^\p{L}]*$")
_DIGITS = regex.compile(r"\d")

_CHECK_COMMAND = regex.compile(
    r"^\s*(?:check|controleer|controleren|toets|review|draft|concept|nakijken|kijk na)"
    r"\s*(?::|\n|\s)\s*(?P<draft>.+)$",
    regex.IGNORECASE | regex.DOTALL,
)
# "mag ik dit posten: ...", "is this ok to post?\n..." — a short lead-in about "this"
# text, then the draft after a colon or a line break.
_LEAD_IN = regex.compile(
    r"^(?P<lead>[^\n:]{3,120}?)\s*[:?]?\s*(?::|\n)\s*(?P<draft>.+)$", regex.DOTALL
)
_LEAD_IN_WORDS = frozenset(
    {
        "dit",
        "deze",
        "onderstaand",
        "onderstaande",
        "hieronder",
        "bericht",
        "tekst",
        "concept",
        "this",
        "below",
        "following",
        "draft",
        "text",
        "message",
        "tweet",
    }
)
_QUESTION_LEADS = frozenset(
    """
    can could may might is am are should do does would will ok okay oke
    mag mogen kan kun kunnen moet moeten zou zouden wil wilt
    what how where wat hoe waar welke which
    """.split()
)
"""First words of a question ("can I share this <link>"), as ``fold`` writes them."""
_CHECK_WORDS = frozenset({"check", "controleer", "controleren", "nakijken", "review", "toets"})
LINK_QUESTION_WORDS = 12
"""At most this many words beside its links for a message to be a question about them."""
_HASHTAG_OR_LINK = regex.compile(r"(?:^|\s)#\w{2,}|https?://|www\.", regex.IGNORECASE)
_WORD = regex.compile(r"\w+")
PASTED_POST_CHARS = 200


_PHRASES: dict[Intent, frozenset[str]] = {
    Intent.SHARE: frozenset(
        {
            "share",
            "delen",
            "suggestions",
            "suggestion",
            "suggesties",
            "suggestie",
            "what can i share",
            "what could i share",
            "what should i share",
            "anything to share",
            "something to share",
            "give me something to share",
            "what to share",
            "content",
            "wat kan ik delen",
            "wat zal ik delen",
            "wat kan ik vandaag delen",
            "iets om te delen",
            "heb je iets om te delen",
            "wat te delen",
            "wat valt er te delen",
        }
    ),
    Intent.MYDATA: frozenset(
        {
            "mydata",
            "my data",
            "mijn data",
            "mijn gegevens",
            "export",
            "export my data",
            "what do you know about me",
            "what do you store about me",
            "what data do you have",
            "wat weet je over mij",
            "wat weet je van mij",
            "welke gegevens heb je van mij",
            "exporteer mijn gegevens",
        }
    ),
    Intent.FORGET: frozenset(
        {
            "forget",
            "forget me",
            "delete my data",
            "remove my data",
            "erase my data",
            "vergeet",
            "vergeet mij",
            "vergeet me",
            "verwijder mijn gegevens",
            "wis mijn gegevens",
        }
    ),
    Intent.REPORT: frozenset(
        {
            "report",
            "rapport",
            "rapportage",
            "participation report",
            "deelnamerapport",
            "show the report",
            "toon het rapport",
        }
    ),
}
_PREFIXES: dict[Intent, tuple[str, ...]] = {
    Intent.SETTINGS: (
        "settings",
        "setting",
        "instellingen",
        "instelling",
        "topics",
        "topic",
        "onderwerpen",
        "onderwerp",
        "digest",
    ),
    Intent.PRIVACY: ("privacy", "tracking", "opt out", "opt-out", "opt in", "opt-in"),
}
WEB_LINK = regex.compile(r"https?://\S+", regex.IGNORECASE)
QUEUE_WORDS = ("queue", "wachtrij", "inplannen")
"""The words that start ``queue <url> [title]`` in a chat message."""
_QUEUE = regex.compile(
    r"^(?:" + "|".join(QUEUE_WORDS) + r")(?:\s+(?P<rest>.*))?$", regex.IGNORECASE | regex.DOTALL
)
# Anything written as an address ("ftp://…", "www.…", Slack's "<…>"), web link or not.
_LINK_LIKE = regex.compile(r"^<?(?:[a-z][a-z0-9+.-]*://|www\.)", regex.IGNORECASE)


def _command(simple: str, stripped: str) -> Understood | None:
    for intent, phrases in _PHRASES.items():
        if simple in phrases:
            return Understood(intent=intent, text="")
    for intent, prefixes in _PREFIXES.items():
        for prefix in prefixes:
            if simple == prefix or simple.startswith(prefix + " "):
                # Settings and privacy keep the whole (folded) command, such as
                # "digest weekly" or "opt out", for the feature to read.
                return Understood(intent=intent, text=simple)
    return None


def _queue_command(stripped: str, simple: str) -> Understood | None:
    """``queue <url> [title]`` at any length (links with tracking parameters are long),
    and ``queue`` alone or with an address that is not a web link, for the feature to
    say how to write it. Words before the link only in a short message ("queue this:
    https://…"), so a pasted post that starts with "Wachtrij" stays a post."""
    if simple in QUEUE_WORDS:
        return Understood(intent=Intent.QUEUE, text=stripped)
    found = _QUEUE.match(stripped)
    if found is None:
        return None
    rest = (found["rest"] or "").strip()
    url = WEB_LINK.search(rest)
    if _LINK_LIKE.match(rest):
        starts_with_url = url is not None and url.start() <= 1
        return Understood(intent=Intent.QUEUE, text=rest if starts_with_url else stripped)
    if url is None or len(simple) > PASTED_POST_CHARS:
        return None
    return Understood(intent=Intent.QUEUE, text=rest[url.start() :].strip())


def button_number(text: str) -> int | None:
    """The number of a button typed as text ("3", "[3]", "(3)", "3.", "3)", "#3"), or None."""
    found = _BUTTON_NUMBER.match(text.strip())
    return int(found.group(1)) if found else None


def _not_a_question(text: str) -> bool:
    """A button number in any of its typed forms, or a few symbols without a letter
    ("👍", "²", "①", "!!"): never a question about the guidelines. A longer run of digits
    (a phone number to check) is left to the other intents."""
    if button_number(text) is not None:
        return True
    return bool(_NO_LETTERS.match(text)) and len(_DIGITS.findall(text)) <= 3 and len(text) <= 12


def simplify(text: str) -> str:
    """``text`` folded, without end punctuation or question marks, one space between words."""
    return " ".join(fold(text.strip()).strip(" !.?").replace("?", " ").split())


def understand(text: str) -> Understood:
    """Decide what ``text`` asks for."""
    stripped = text.strip()
    if not stripped:
        return Understood(intent=Intent.EMPTY, text="")
    simple = simplify(stripped)
    if simple in HELP_WORDS or stripped == "?":
        return Understood(intent=Intent.HELP, text="")
    thanks = acknowledgement(stripped)
    if thanks is not None:
        return Understood(intent=Intent.THANKS, text=thanks)
    if simple.lstrip("/") in CHAT_COMMANDS or _not_a_question(stripped):
        return Understood(intent=Intent.COMMAND, text=simple)
    queue = _queue_command(stripped, simple)
    if queue is not None:
        return queue
    if len(simple) <= PASTED_POST_CHARS:
        command = _command(simple, stripped)
        if command is not None:
            return command

    check_command = _CHECK_COMMAND.match(stripped)
    if check_command and check_command.group("draft").strip():
        return Understood(intent=Intent.CHECK, text=check_command.group("draft").strip())

    if _question_about_a_link(stripped):
        return Understood(intent=Intent.ASK, text=stripped)

    lead_in = _LEAD_IN.match(stripped)
    if lead_in:
        lead_words = set(_WORD.findall(fold(lead_in.group("lead"))))
        draft = lead_in.group("draft").strip()
        if lead_words & _LEAD_IN_WORDS and len(lead_words) <= 12 and len(draft) >= 12:
            return Understood(intent=Intent.CHECK, text=draft)

    if _looks_like_a_post(stripped):
        return Understood(intent=Intent.CHECK, text=stripped)
    privacy = _privacy(simple)
    if privacy is not None:
        return privacy
    return Understood(intent=Intent.ASK, text=stripped)


def _privacy(simple: str) -> Understood | None:
    # Asking to be forgotten or untracked is never a question to store for the owners.
    request = privacy_request(simple)
    if request is PrivacyRequest.FORGET:
        return Understood(intent=Intent.FORGET, text="")
    if request is PrivacyRequest.OPT_OUT:
        return Understood(intent=Intent.PRIVACY, text="opt out")
    if request is PrivacyRequest.EXPLAIN:
        return Understood(intent=Intent.PRIVACY, text="privacy")
    return None


def _question_about_a_link(text: str) -> bool:
    # "can I share this https://…", "mag ik dit posten: https://…": a question about a
    # page, not a draft to check (its only text would be the link). Its words around
    # the links are few, on one or two lines, with no hashtag, and ask something.
    if not LINK.search(text):
        return False
    rest = LINK.sub(" ", text).strip()
    found = _WORD.findall(fold(rest))
    lines = [line for line in rest.splitlines() if line.strip()]
    if not found or len(found) > LINK_QUESTION_WORDS or len(lines) > 2 or "#" in rest:
        return False
    if _CHECK_WORDS.intersection(found):
        return False  # "can you check this: https://…" asks for a check
    return rest.rstrip(" :.-").endswith("?") or found[0] in _QUESTION_LEADS


def _looks_like_a_post(text: str) -> bool:
    # Questions end with a question mark; pasted posts are long, span lines, or
    # carry hashtags and links.
    if text.rstrip().endswith("?") and len(text) < PASTED_POST_CHARS * 2:
        return False
    if len(text) >= PASTED_POST_CHARS:
        return True
    lines = [line for line in text.splitlines() if line.strip()]
    return len(lines) >= 3 or bool(_HASHTAG_OR_LINK.search(text))
