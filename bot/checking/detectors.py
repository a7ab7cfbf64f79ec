"""Built-in detectors for personal data in a draft: e-mail, phone, IBAN and BSN.

Each detector is a pure function returning ``(start, end, matched_text)`` spans in text
order. They lean towards precision: a post full of dates, amounts and order numbers
should not be flagged, so numbers must also pass a checksum or a plausible layout.
The patterns never backtrack (their repeats are possessive); where a match should end,
such as the top-level domain or the last group of an IBAN, is decided in Python.
"""

from __future__ import annotations

import bisect
import itertools
from collections.abc import Callable, Iterable

import regex

from bot.guidelines.rules import Detector

Span = tuple[int, int, str]
"""Where a detector found something: start and end offsets and the text between."""

_EMAIL = regex.compile(
    r"""
    (?<![\w.%+\-])                    # start at the beginning of the address
    [\w%+\-]++(?:\.[\w%+\-]++)*+      # local part: dot-separated atoms
    @
    (?P<domain>[^\W_][\w\-]*+(?:\.[^\W_][\w\-]*+)*+)
    """,
    regex.VERBOSE | regex.UNICODE,
)

_SEP = r"(?:\ ?-\ ?|\ )"
_PHONE = regex.compile(
    rf"""
    (?<![\w+(])(?<!\d[\-.:])          # not the tail of another number
    (?P<head>\+\d++|0\d*+|\(0\d{{1,3}}\)|\(\+\d{{1,3}}\))
    (?:(?P<part>
        {_SEP}?\(\d{{1,4}}\)            # (0) or an area code in parentheses
      | (?<=\)){_SEP}?\d++              # digits straight after a parenthesis
      | {_SEP}\d++                      # digits after a space or hyphen
    )){{0,6}}+                          # "+31 (0)6 12 34 56 78" has six parts
    """,
    regex.VERBOSE,
)
_DATE_START = regex.compile(r"\d{1,2}([\-/.])\d{1,2}\1(?:19|20)\d\d(?!\d)")
_TRUNK_ZERO = regex.compile(r"\(0\)")
_DIGIT_RUN = regex.compile(r"\d+")
_GLUED_AFTER = regex.compile(r"[\w@]|[\-.:]\d")

_IBAN = regex.compile(
    # At most 34 characters, so at most eight more groups of four after the first.
    r"(?<!\w)(?P<head>[A-Za-z]{2}\d{2}[A-Za-z0-9]*+)(?:\ (?P<part>[A-Za-z0-9]{1,4}+)(?!\w)){0,8}+",
    regex.VERBOSE,
)
_IBAN_LENGTHS = {
    "AT": 20, "BE": 16, "CH": 21, "DE": 22, "DK": 18, "ES": 24, "FI": 18, "FR": 27,
    "GB": 22, "IE": 22, "IT": 27, "LU": 20, "NL": 18, "NO": 15, "PL": 28, "PT": 25,
    "SE": 24,
}  # fmt: skip

_BSN = regex.compile(
    r"""
    (?<![\w.,\-/])(?<!\d\ )
    (?:\d{9}|\d{4}\.\d{2}\.\d{3}|\d{3}\ \d{3}\ \d{3})
    (?![\w]|[.,\-/]\d|\ \d)
    """,
    regex.VERBOSE,
)


def find_emails(text: str) -> list[Span]:
    """Every e-mail address in ``text`` (name@domain.tld, Unicode names included)."""
    found: list[Span] = []
    for m in _EMAIL.finditer(text):
        # The domain ends with a top-level domain of letters ("jan@x.nl." ends at "nl");
        # drop labels from the end until one is.
        labels = m.group("domain").split(".")
        while len(labels) > 1 and not (labels[-1].isalpha() and 2 <= len(labels[-1]) <= 63):
            labels.pop()
        if len(labels) > 1:
            end = m.start("domain") + len(".".join(labels))
            found.append((m.start(), end, text[m.start() : end]))
    return found


def _phone_digits_ok(candidate: str) -> bool:
    international = candidate.startswith(("+", "(+", "00"))
    if international:
        # "(0)" in "+31 (0)20 ..." is the trunk zero dialled only from inside the country.
        groups = _DIGIT_RUN.findall(_TRUNK_ZERO.sub("", candidate))
        digits = "".join(groups).removeprefix("00")
        if not digits or sum(len(g) == 1 for g in groups) > 1:
            return False
        if digits.startswith("31"):
            # +31 numbers have nine digits after the country code; some write the 0 too.
            national = digits[2:]
            if len(national) == 10 and national.startswith("0"):
                national = national[1:]
            return len(national) == 9 and national[0] != "0"
        return 9 <= len(digits) <= 15 and digits[0] != "0"
    groups = _DIGIT_RUN.findall(candidate)
    digits = "".join(groups)
    if len(digits) != 10 or digits[1] == "0":
        return False
    if len(groups) == 1:
        return True
    first, rest = groups[0], groups[1:]
    # Dutch numbers start with an area code of 3 or 4 digits, or 06 for mobiles; a
    # two-digit first group is otherwise a day or month.
    if not (first == "06" and digits[2] != "0") and len(first) not in (3, 4):
        return False
    return all(len(g) >= 2 for g in rest)


def find_phones(text: str) -> list[Span]:
    """Every phone number in ``text``: Dutch national, +31 and 0031, and other +country numbers.

    Dates (06-12-2024), times, years, amounts (0,50), version numbers and the digits
    inside an IBAN are left alone: a Dutch number has exactly ten digits in a plausible
    grouping, an international one nine to fifteen.
    """
    return _phones(text, find_ibans(text))


def _phones(text: str, taken: list[Span]) -> list[Span]:
    found: list[Span] = []
    overlaps = _overlap_test(taken)
    position = 0
    while (m := _PHONE.search(text, position)) is not None:
        start = m.start()
        accepted = None
        if _digit_count(text, start, m.end()) >= 9:
            accepted = _longest_phone(text, m)
        if accepted is None:
            # A number may start inside what was grabbed ("0 06 12345678").
            position = m.end("head")
            continue
        if not overlaps(start, accepted):
            found.append((start, accepted, text[start:accepted]))
        position = accepted
    return found


def _digit_count(text: str, start: int, end: int) -> int:
    return sum(c.isdigit() for c in text[start:end])


def _longest_phone(text: str, m: regex.Match[str]) -> int | None:
    """Where the phone number that ``m`` starts ends, if it starts one."""
    start = m.start()
    head = m.group("head").strip("()")
    national = head.startswith("0") and not head.startswith("00")
    # Cheap rejections first: text full of digit groups otherwise costs a lot.
    if national and not (len(head) in (3, 4, 10) or head == "06"):
        return None
    if not national:
        country = "".join(c for c in m.group()[:12] if c.isdigit()).removeprefix("00")
        if country[:1] in ("", "0"):
            return None
    pieces: list[tuple[int, int]] = [m.span("head"), *m.spans("part")]
    counts = itertools.accumulate(_digit_count(text, s, e) for s, e in pieces)
    # The scan is greedy: "06 12345678 2024" grabs the year too, so try shorter
    # endings, from the longest down, and keep the first that is a phone number.
    for (_, end), digits in reversed(list(zip(pieces, counts, strict=True))):
        if digits < (10 if national else 9):
            return None  # shorter endings have fewer digits still
        if digits > (10 if national else 17):
            continue
        candidate = text[start:end]
        if _GLUED_AFTER.match(text, end) or _DATE_START.match(candidate):
            continue
        if _phone_digits_ok(candidate):
            return end
    return None


def _iban_ok(compact: str) -> bool:
    country = compact[:2]
    expected = _IBAN_LENGTHS.get(country)
    if expected is not None and len(compact) != expected:
        return False
    if not 15 <= len(compact) <= 34:
        return False
    rearranged = compact[4:] + compact[:4]
    number = "".join(str(int(c, 36)) for c in rearranged)
    return int(number) % 97 == 1


def find_ibans(text: str) -> list[Span]:
    """Every IBAN in ``text`` that passes the mod-97 check, written solid or in groups of 4."""
    found: list[Span] = []
    for m in _IBAN.finditer(text):
        spans = [m.span("head"), *m.spans("part")]
        # A grouped IBAN may be followed by a short word ("BE68 5390 0754 7034 voor"):
        # try the longest run of groups first.
        for count in range(len(spans), 0, -1):
            end = spans[count - 1][1]
            compact = "".join(text[s:e] for s, e in spans[:count]).upper()
            if _iban_ok(compact):
                found.append((m.start(), end, text[m.start() : end]))
                break
    return found


def bsn_checksum_ok(digits: str) -> bool:
    """Whether nine digits pass the BSN eleven-test (and are not all zeros)."""
    if len(digits) != 9 or not digits.isdigit() or set(digits) == {"0"}:
        return False
    total = sum(int(d) * w for d, w in zip(digits, (9, 8, 7, 6, 5, 4, 3, 2, -1), strict=True))
    return total % 11 == 0


def _overlap_test(taken: Iterable[Span]) -> Callable[[int, int], bool]:
    """A test whether ``start``-``end`` overlaps any of ``taken``, fast for many spans."""
    spans = sorted((start, end) for start, end, _ in taken)
    starts = [start for start, _ in spans]
    furthest = list(itertools.accumulate((end for _, end in spans), max))

    def overlaps(start: int, end: int) -> bool:
        before = bisect.bisect_left(starts, end) - 1  # the last span starting before end
        return before >= 0 and furthest[before] > start

    return overlaps


def _bsns(text: str, taken: list[Span]) -> list[Span]:
    found: list[Span] = []
    overlaps = _overlap_test(taken)
    for m in _BSN.finditer(text):
        digits = "".join(c for c in m.group() if c.isdigit())
        if bsn_checksum_ok(digits) and not overlaps(m.start(), m.end()):
            found.append((m.start(), m.end(), m.group()))
    return found


def find_bsns(text: str) -> list[Span]:
    """Every citizen service number (BSN) in ``text``.

    Nine digits (also written 1234.56.782 or 123 456 782) that pass the eleven-test,
    are not part of a longer number and are not inside a phone number, IBAN or e-mail
    address found in the same text.
    """
    return run_detectors(text, [Detector.BSN])[Detector.BSN]


def run_detectors(text: str, wanted: Iterable[Detector]) -> dict[Detector, list[Span]]:
    """The spans of each wanted detector, as its ``find_*`` function would give them,
    running each finder at most once."""
    asked = set(wanted)
    # Phones skip the digits of IBANs, and a BSN skips digits that belong to any other.
    everything = Detector.BSN in asked
    results: dict[Detector, list[Span]] = {}
    if everything or asked & {Detector.IBAN, Detector.PHONE}:
        results[Detector.IBAN] = find_ibans(text)
    if everything or Detector.PHONE in asked:
        results[Detector.PHONE] = _phones(text, results[Detector.IBAN])
    if everything or Detector.EMAIL in asked:
        results[Detector.EMAIL] = find_emails(text)
    if everything:
        results[Detector.BSN] = _bsns(text, [span for spans in results.values() for span in spans])
    return {d: results[d] for d in Detector if d in asked}
