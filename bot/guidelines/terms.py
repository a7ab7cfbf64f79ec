"""Finding the terms guideline editors write, as whole words and phrases, in one scan.

A term is an editor's word or phrase ("Project Falcon", "klantnaam"): it is found
whatever the case, with its words written apart, hyphenated or as one word, and never
inside a longer word. ``compile_terms`` compiles a few terms into one pattern;
``TermIndex`` compiles many into one prefix tree, so a draft is scanned once.
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Callable, Iterable, Sequence

import regex

from bot.guidelines.patterns import FLAGS

_WORD_CHAR = regex.compile(r"\w", FLAGS)
_NEVER = r"(?!)"


SEPARATORS = "\\-_\u2010\u2011"
"""Characters that join the words of a term like a space does: ``Project-Falcon``,
``project_falcon`` (hyphen, underscore, Unicode hyphen and non-breaking hyphen), as
the inside of a regular-expression character class."""

_SEPARATOR_RUN = regex.compile(f"[\\s{SEPARATORS}]+")

WORD_JOIN = f"(?:\\s+|[{SEPARATORS}]|)"
"""Between two words of a term: a space, a hyphen or underscore, or nothing, so
"Project Falcon" also finds ``ProjectFalcon``, ``Project-Falcon`` and ``#ProjectFalcon``."""

_FLAT_JOIN = f"[ {SEPARATORS}]?"
"""``WORD_JOIN`` on text whose whitespace runs are already one space."""


def term_words(text: str) -> list[str]:
    """The words of a term: split at whitespace, hyphens and underscores."""
    return [word for word in _SEPARATOR_RUN.split(text) if word]


def term_key(text: str) -> str:
    """The form two spellings of a term share: words joined by one space, case folded.

    "Project Falcon", "project-falcon" and "PROJECT_FALCON" share a key (they find the
    same texts). Folding is per character and only where it gives one character, as
    matching does: "Falcon" and "FALCON" share a key, "Straße" and "STRASSE" do not.
    """
    return "".join(_fold(char) for char in " ".join(term_words(text)))


def loose_key(key: str) -> str:
    """A ``term_key`` without its word breaks: what the key's words written as one word
    fold to, so ``ProjectFalcon`` found in a text leads back to "project falcon"."""
    return key.replace(" ", "")


def _fold(char: str) -> str:
    folded = char.casefold()
    return folded if len(folded) == 1 else char


def _is_word_char(char: str) -> bool:
    return _WORD_CHAR.match(char) is not None


def _term_source(term: str) -> str | None:
    words = term_words(term)
    if not words:
        return None
    body = WORD_JOIN.join(regex.escape(word) for word in words)
    # A boundary only makes sense next to a word character: "#medewerker" and "C++"
    # would otherwise never match, since "#" and "+" are not word characters.
    if _is_word_char(words[0][0]):
        body = r"(?<!\w)" + body
    if _is_word_char(words[-1][-1]):
        body += r"(?!\w)"
    return body


def compile_terms(terms: Sequence[str]) -> regex.Pattern[str]:
    """Compile terms into one pattern that finds each as a whole word or phrase.

    Matching ignores case, and the words of a phrase may be written apart (any
    whitespace), with a hyphen or underscore, or as one word: "Project Falcon" finds
    "project  falcon", "Project-Falcon", "project_falcon", "ProjectFalcon" and
    "#ProjectFalcon". A term is never found inside a longer word ("Falcon" not in
    "Falconry", "Project Falcon" not in "ProjectFalconry").
    Longer terms are tried first, so the longest term at a position wins. Empty terms
    are ignored; with none left the pattern never matches.
    """
    return _compiled_terms(tuple(terms))


@functools.lru_cache(maxsize=4096)
def _compiled_terms(terms: tuple[str, ...]) -> regex.Pattern[str]:
    # Remembered: a reload after an edit compiles only the changed rules' terms (the
    # regex module's own cache holds 500 patterns, fewer than a long file's rules).
    unique: dict[str, str] = {}
    for term in terms:
        key = term_key(term)
        if key and key not in unique:
            unique[key] = term
    ordered = sorted(unique.items(), key=lambda item: (-len(item[0]), item[0]))
    sources = [s for _, term in ordered if (s := _term_source(term)) is not None]
    pattern: regex.Pattern[str] = regex.compile("|".join(sources) or _NEVER, FLAGS)
    return pattern


class _Node:
    """One position in the prefix tree of terms."""

    __slots__ = ("children", "terminal")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.terminal = False


def _render(node: _Node, last: str) -> str:
    # Follow unbranched stretches in a loop: recursing per character would hit
    # Python's recursion limit on a long phrase.
    prefix = ""
    while len(node.children) == 1 and not node.terminal:
        ((char, node),) = node.children.items()
        prefix += _escape(char)
        last = char
    options = [
        _escape(char) + _render(child, char) for char, child in sorted(node.children.items())
    ]
    if node.terminal:
        # Last, so that longer terms through this node are preferred.
        options.append(r"(?!\w)" if _is_word_char(last) else "")
    if len(options) == 1:
        return prefix + options[0]
    return prefix + "(?:" + "|".join(options) + ")"


def _escape(char: str) -> str:
    # The scanner runs on text whose whitespace runs are collapsed to one space; a space
    # in a key is a break between words, which may also be a hyphen, underscore or none.
    return _FLAT_JOIN if char == " " else regex.escape(char)


@functools.cache
def _cased() -> tuple[str, ...]:
    # Every character with a case mapping (all lie below U+20000).
    return tuple(
        c for c in map(chr, range(0x20000)) if c != c.lower() or c != c.upper() or c != c.casefold()
    )


@functools.lru_cache(maxsize=4096)
def _matched_by(char: str) -> frozenset[str]:
    """Every character that ``char`` matches when case is ignored, itself included."""
    pattern = regex.compile(regex.escape(char), FLAGS)
    return frozenset((char, *(c for c in _cased() if pattern.fullmatch(c))))


def _ambiguous(root: _Node) -> bool:
    """Whether some text character could follow two branches of the tree at once.

    Distinct folded characters never match the same text character, except in corners
    of Unicode such as Turkish dotted and dotless i (``I`` matches both ``i`` and ``ı``).
    Only branches with a non-ASCII character can hit those corners.
    """
    stack = [root]
    while stack:
        node = stack.pop()
        stack.extend(node.children.values())
        if len(node.children) < 2 or all(c.isascii() for c in node.children):
            continue
        seen: set[str] = set()
        for char in node.children:
            matched = _matched_by(char)
            if not seen.isdisjoint(matched):
                return True
            seen |= matched
    return False


def _compile_scanner(terms: Iterable[str]) -> tuple[regex.Pattern[str], bool]:
    root = _Node()
    for term in terms:
        node = root
        # Edges are the key's characters: each still matches exactly what the term's
        # own character matches, and a path spells the term's key.
        for char in term_key(term):
            node = node.children.setdefault(char, _Node())
        node.terminal = node is not root
    # One lookbehind for all terms that start with a word character, rather than one
    # per branch: the engine then skips through the text much faster.
    branches = []
    for word_start in (True, False):
        start = _Node()
        start.children = {c: n for c, n in root.children.items() if _is_word_char(c) == word_start}
        if start.children:
            branches.append((r"(?<!\w)" if word_start else "") + _render(start, ""))
    source = "|".join(branches) or _NEVER
    pattern: regex.Pattern[str] = regex.compile(source, FLAGS)
    return pattern, _ambiguous(root)


TermHit = tuple[int, int, str]
"""A term found in a text: start, end and the term's ``term_key``."""


class TermIndex:
    """Many terms compiled into one prefix tree, to find them all in one scan of a text.

    Finds what ``compile_terms`` would find for each term on its own: whole words and
    phrases, case-insensitive, whitespace-tolerant.
    """

    def __init__(self, terms: Iterable[str]) -> None:
        spelling: dict[str, str] = {}
        for term in terms:
            key = term_key(term)
            if key:
                spelling.setdefault(key, term)
        self.keys = frozenset(spelling)
        # An ambiguous tree may report one term where two match; then scan() declines.
        self._scanner, self._ambiguous = _compile_scanner(spelling)
        # A term found written as one word ("ProjectFalcon") is known by its loose key.
        # Terms that differ only in word breaks ("burn out", "burnout") share one; each
        # of them is then confirmed with its own pattern.
        self._by_loose: dict[str, tuple[str, ...]] = {}
        for key in spelling:
            loose = loose_key(key)
            self._by_loose[loose] = (*self._by_loose.get(loose, ()), key)
        self._ambiguous = self._ambiguous or _joins_ambiguous(spelling, self._by_loose)
        self._alike: dict[str, regex.Pattern[str]] = {
            key: compile_terms([spelling[key]])
            for keys in self._by_loose.values()
            if len(keys) > 1
            for key in keys
        }
        # The scanner reports the longest term at each position; a shorter term that
        # also matches there has a key that is a prefix of the longer one's.
        self._shorter: dict[str, tuple[tuple[str, regex.Pattern[str]], ...]] = {}
        single: dict[str, regex.Pattern[str]] = {}
        for key in spelling:
            prefixes = [key[:cut] for cut in range(1, len(key)) if key[:cut] in spelling]
            for prefix in prefixes:
                if prefix not in single:
                    single[prefix] = compile_terms([spelling[prefix]])
            if prefixes:
                self._shorter[key] = tuple((p, single[p]) for p in prefixes)

    def scan(self, text: str) -> list[TermHit] | None:
        """Every occurrence of every term, overlapping ones included, in text order.

        Returns ``None`` in the rare cases where one scan cannot tell which terms
        matched (case variants in corners of Unicode, such as Turkish dotted and dotless
        i); the caller then has to match the terms one by one.
        """
        if self._ambiguous:
            return None
        flat, to_original = _collapse_whitespace(text)
        hits: list[TermHit] = []
        for match in self._scanner.finditer(flat, overlapped=True):
            keys = self._by_loose.get(loose_key(term_key(match.group())))
            if keys is None:
                return None
            start, end = match.span()
            if len(keys) > 1:
                keys = tuple(key for key in keys if _matches_to(self._alike[key], flat, start, end))
            shorter_seen: set[str] = set()
            for key in keys:
                hits.append((to_original(start), to_original(end), key))
                for shorter, pattern in self._shorter.get(key, ()):
                    if shorter in shorter_seen:
                        continue
                    shorter_seen.add(shorter)
                    found = pattern.match(flat, start)
                    if found is not None:
                        hits.append((to_original(start), to_original(found.end()), shorter))
        return hits


def _matches_to(pattern: regex.Pattern[str], text: str, start: int, end: int) -> bool:
    found = pattern.match(text, start)
    return found is not None and found.end() == end


def _joins_ambiguous(keys: Iterable[str], by_loose: dict[str, tuple[str, ...]]) -> bool:
    """Whether one scan could mistake one term for another once word breaks may vanish.

    The scan relies on every term that matches at a position being a prefix of the
    longest one there, or reading just like it ("burn out", "burnout"). Without word
    breaks that can fail: "ab c" and "abc d" read the same up to a point. Such lists
    are rare; they are matched term by term instead.
    """
    for key in keys:
        loose = loose_key(key)
        for cut in range(1, len(loose)):
            for shorter in by_loose.get(loose[:cut], ()):
                if not key.startswith(shorter):
                    return True
    return False


_WHITESPACE = regex.compile(r"\s{2,}|[^\S ]")


def _collapse_whitespace(text: str) -> tuple[str, Callable[[int], int]]:
    """``text`` with each whitespace run made one space, and a map back to offsets in it.

    A quantifier such as ``\\s+`` in the prefix tree makes the scan several times
    slower, so the tree has plain spaces and the text is made to fit.
    """
    runs = _WHITESPACE.finditer(text)
    first = next(runs, None)
    if first is None:
        return text, _same
    pieces: list[str] = []
    after: list[int] = []  # offset in the flat text just after each collapsed run
    shift: list[int] = []  # characters removed up to and including that run
    done = removed = 0
    for run in itertools.chain((first,), runs):
        start, end = run.span()
        pieces += (text[done:start], " ")
        removed += end - start - 1
        after.append(end - removed)
        shift.append(removed)
        done = end
    pieces.append(text[done:])

    def to_original(offset: int) -> int:
        index = bisect.bisect_right(after, offset) - 1
        return offset + shift[index] if index >= 0 else offset

    return "".join(pieces), to_original


def _same(offset: int) -> int:
    return offset
