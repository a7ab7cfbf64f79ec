"""Guessing whether a message is Dutch or English, when the platform does not say."""

from __future__ import annotations

import regex

_WORD = regex.compile(r"\p{L}+")

_DUTCH = frozenset(
    """
    de het een en van ik je jij u wij we mijn onze ons mag mogen kan kun wil is zijn
    wat wie waar wanneer hoe waarom welke niet wel ook maar of als dat dit die er
    op voor met bij naar over om te aan uit dan nog geen mee hier zeggen delen posten
    foto klant collega werk bedrijf vraag graag even alstublieft bedankt dank hoi hallo
    """.split()
)
_ENGLISH = frozenset(
    """
    the a an and of i you we my our us may can could would should want is are be
    what who where when how why which not also but or if that this there on for with
    at to about from than no here say share post photo client colleague work company
    question please thanks thank hi hello it do does my your am
    """.split()
)


def language_of(text: str, *, fallback: str) -> str:
    """``"nl"`` or ``"en"`` by counting common words; ``fallback`` when it is unclear."""
    nl = en = 0
    for word in _WORD.findall(text.casefold()[:2000]):
        nl += word in _DUTCH
        en += word in _ENGLISH
    if nl == en:
        return fallback
    return "nl" if nl > en else "en"


def language_from_locale(locale: str | None, supported: tuple[str, ...]) -> str | None:
    """The supported language of a platform locale such as ``nl-NL`` or ``en_US``."""
    if not locale:
        return None
    code = locale.replace("_", "-").split("-")[0].lower()
    return code if code in supported else None


def told_language(text: str, locale: str | None, supported: tuple[str, ...]) -> str | None:
    """The one of ``supported`` that the platform ``locale`` or the words of ``text`` make
    clear, or None when neither does (a command, a number, a name)."""
    from_locale = language_from_locale(locale, supported)
    if from_locale:
        return from_locale
    detected = language_of(text, fallback="")
    return detected if detected in supported else None
