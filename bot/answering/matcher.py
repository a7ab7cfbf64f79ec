"""The lexical side of matching: BM25 ranking over the rules' examples (and, apart,
over their answers, which hold words no example uses).

Each example, title and keyword list of a rule is one document; a rule scores as its
best document. Words are folded, stemmed in both languages, corrected for light typos
against the guidelines' own vocabulary, and Dutch compounds are split into known
words. Whether the best rule is good enough is decided by how much of the question's
meaning (by inverse document frequency) it covers, so "I don't know" is an honest
answer rather than the nearest guess.
"""

from __future__ import annotations

import bisect
import logging
import math
from collections import Counter
from dataclasses import dataclass
from datetime import date

import bm25s
import numpy as np
import numpy.typing as npt
from rapidfuzz import fuzz, process

from bot.answering.general import GENERAL_EXAMPLES, GENERAL_ID, GENERAL_KEYWORDS
from bot.answering.text import STOPWORDS, content_words, stems, words
from bot.guidelines.rules import Guidelines, Rule

MIN_COVERAGE = 0.4
"""Without the model, the best rule is answered (as a guess) when it covers at least
this much of the question's meaning."""
MIN_SCORE = 1.0
RELATED_RATIO = 0.75
CHOICE_COVERAGE = 0.1
"""Without the model, a question no rule fits well enough gets the rules that share at
least this much of its words as "did you mean" choices. Chosen on the 50 questions to
the shipped guidelines (0.1: 84% offered, 0.2: 80%, 0.3: 64%, none: 46%)."""
MAX_CHOICES = 3
TYPO_CUTOFF = 80.0
STOPWORD_CUTOFF = 85.0
COVERAGE_POWER = 1.0
OOV_WEIGHT = 0.8
"""How much a word the guidelines never use counts against coverage (share of the top idf)."""
MAX_ROOT_EXTRA = 1
"""How much longer a stem may be and still count as the same root ("certifi"/"certif")."""
CORRECTED_CREDIT = 0.5
"""How much a typo-corrected word counts towards coverage: a guess is half a match."""
MAX_QUERY_WORDS = 64
MAX_WORD_CHARS = 48
"""Longer words are taken as they are: not split as compounds, not typo-corrected."""


# bm25s sets its own logger to DEBUG on import, which would log every index build.
logging.getLogger("bm25s").setLevel(logging.WARNING)

_STOPWORD_LIST = sorted(w for w in STOPWORDS if len(w) >= 4)


@dataclass(frozen=True, kw_only=True)
class Candidate:
    """A rule (or the general principles) with how well it fits the question."""

    rule_id: str
    score: float
    coverage: float
    probability: float | None = None
    """With semantic matching: how likely this is the rule meant (0 to 1)."""


@dataclass(frozen=True, kw_only=True)
class MatchResult:
    """The ranked candidates; ``best`` is set only when it fits well enough.

    ``sure`` is false when the best rule is only the likeliest of several; ``choices``
    are then the rules to offer ("did you mean"), best first. Off-topic questions have
    neither a best rule nor choices.
    """

    candidates: tuple[Candidate, ...]
    best: Candidate | None
    related: tuple[Candidate, ...]
    query_words: tuple[str, ...]
    sure: bool = True
    choices: tuple[Candidate, ...] = ()


@dataclass(frozen=True, kw_only=True)
class Lexical:
    """BM25 score per rule (index order) and the analysed question words."""

    scores: npt.NDArray[np.float64]
    analysed: tuple[tuple[str, bool], ...]
    """Each meaningful word and whether it is a typo guess."""
    weights: tuple[float, ...]
    """Each word's idf weight, for coverage."""
    answer_scores: npt.NDArray[np.float64] | None = None
    """BM25 score of each rule's answer text."""


class RuleIndex:
    """A search index over one version of the guidelines."""

    def __init__(self, guidelines: Guidelines) -> None:
        self.version = guidelines.version
        documents: list[list[str]] = []
        owners: list[str] = []
        rule_ids: list[str] = []
        windows: dict[str, Rule] = {}
        sources: list[tuple[str, tuple[str, ...], tuple[str, ...]]] = [
            (GENERAL_ID, GENERAL_EXAMPLES, GENERAL_KEYWORDS)
        ]
        answers: list[list[str]] = [
            self._stem_all(
                content_words(" ".join(t for p in guidelines.principles for t in p.text.values()))
            )
        ]
        for rule in guidelines.rules:
            titles = tuple(rule.title.values())
            sources.append((rule.id, rule.examples + titles, rule.keywords))
            windows[rule.id] = rule
            answers.append(self._stem_all(content_words(" ".join(rule.answer.values()))))
        # The answers, one document per rule: words people use that no example has.
        self._answer_bm25 = bm25s.BM25()
        self._answer_bm25.index([d or ["\x00empty"] for d in answers], show_progress=False)
        for rule_id, texts, keywords in sources:
            rule_ids.append(rule_id)
            for text in texts:
                documents.append(self._stem_all(content_words(text)))
                owners.append(rule_id)
            if keywords:
                documents.append(self._stem_all([w for k in keywords for w in words(k)]))
                owners.append(rule_id)

        self._rules = windows
        self._rule_ids = rule_ids
        position: dict[str, int] = {}
        for index, rule_id in enumerate(rule_ids):
            position.setdefault(rule_id, index)
        self._doc_owner = np.array([position[o] for o in owners], dtype=np.int32)
        # Stems each rule uses anywhere, for the coverage measure.
        self._rule_stems: list[set[str]] = [set() for _ in rule_ids]
        doc_freq: Counter[str] = Counter()
        for owner, doc in zip(self._doc_owner, documents, strict=True):
            self._rule_stems[int(owner)].update(doc)
            doc_freq.update(set(doc))
        total = max(len(documents), 1)
        self._idf = {
            stem: math.log(1 + (total - df + 0.5) / (df + 0.5)) for stem, df in doc_freq.items()
        }
        self._max_idf = math.log(1 + (total + 0.5) / 0.5)
        self._vocabulary = sorted(
            {w for rule_id, texts, kws in sources for t in (*texts, *kws) for w in content_words(t)}
        )
        self._vocabulary_set = frozenset(self._vocabulary)
        self._stem_words = sorted({(st, w) for w in self._vocabulary for st in stems(w)})
        self._bm25 = bm25s.BM25()
        self._bm25.index([d or ["\x00empty"] for d in documents], show_progress=False)

    @staticmethod
    def _stem_all(tokens: list[str]) -> list[str]:
        return [s for token in tokens for s in stems(token)]

    def _correct(self, word: str) -> tuple[list[str], bool]:
        """The word as the guidelines know it (itself, compound parts or a typo fix).

        The flag says whether it was a typo guess.
        """
        if word in self._vocabulary_set or len(word) < 4 or word.isdigit():
            return [word], False
        if len(word) > MAX_WORD_CHARS:
            # No word is this long; splitting and comparing it would cost time
            # quadratic in its length (a pasted 49,000-letter "word" took minutes).
            return [word], False
        if any(s in self._idf for s in stems(word)):
            return [word], False
        parts = self._split_compound(word)
        if parts:
            return parts, False
        relative = self._same_root(word)
        if relative:
            return [relative], False
        if process.extractOne(
            word, _STOPWORD_LIST, scorer=fuzz.ratio, score_cutoff=STOPWORD_CUTOFF
        ):
            # A misspelt "abuot" or "allowd" is still a word that says nothing.
            return [], False
        found = process.extractOne(
            word, self._vocabulary, scorer=fuzz.ratio, score_cutoff=TYPO_CUTOFF
        )
        return ([found[0]], True) if found else ([word], False)

    def _same_root(self, word: str) -> str | None:
        # "certified" and "certification" stem to "certifi" and "certif": a known
        # word whose stem starts the same way (five letters or more) is the same root.
        for stem in stems(word):
            if len(stem) < 5:
                continue
            start = bisect.bisect_left(self._stem_words, (stem[:5], ""))
            best: str | None = None
            for known_stem, known_word in self._stem_words[start:]:
                if not known_stem.startswith(stem[:5]):
                    break
                if abs(len(known_stem) - len(stem)) > MAX_ROOT_EXTRA:
                    continue
                same_root = stem.startswith(known_stem) or known_stem.startswith(stem)
                if same_root and (best is None or len(known_word) < len(best)):
                    best = known_word
            if best is not None:
                return best
        return None

    def _split_compound(self, word: str) -> list[str] | None:
        # Dutch writes compounds as one word ("klantnaam", "kantoorfoto"); try a
        # split into two words the guidelines use, allowing a linking s or e.
        if len(word) < 7:
            return None
        known = self._vocabulary_set
        for cut in range(len(word) - 3, 2, -1):
            left, right = word[:cut], word[cut:]
            if right not in known and not any(s in self._idf for s in stems(right)):
                continue
            for head in (left, left[:-1] if left[-1:] in "se" else None):
                if (
                    head
                    and len(head) >= 3
                    and (head in known or any(s in self._idf for s in stems(head)))
                ):
                    return [head, right]
        return None

    def analyse(self, question: str) -> list[str]:
        """The question's meaningful words after typo correction and compound splitting."""
        return [word for word, _ in self._analyse(question)]

    def _analyse(self, question: str) -> list[tuple[str, bool]]:
        result: list[tuple[str, bool]] = []
        for word in content_words(question)[:MAX_QUERY_WORDS]:
            corrected, guessed = self._correct(word)
            result.extend((w, guessed) for w in corrected)
        return result

    @property
    def rule_ids(self) -> list[str]:
        """The ids in index order; ``GENERAL_ID`` stands for the principles."""
        return self._rule_ids

    def rule(self, position: int) -> Rule | None:
        """The rule at ``position`` (None for the principles)."""
        return self._rules.get(self._rule_ids[position])

    def lexical(self, question: str) -> Lexical:
        """BM25 scores of every rule for ``question``, with what coverage needs."""
        analysed = self._analyse(question)
        query = [word for word, _ in analysed]
        query_stems = [s for word in query for s in stems(word) if s in self._idf]
        scores = np.zeros(len(self._rule_ids), dtype=np.float64)
        if query_stems:
            doc_scores = self._bm25.get_scores(query_stems)
            np.maximum.at(scores, self._doc_owner, doc_scores)
        all_stems = [s for word in query for s in stems(word)]
        answer_scores = np.zeros(len(self._rule_ids), dtype=np.float64)
        if all_stems:
            answer_scores = np.asarray(self._answer_bm25.get_scores(all_stems), dtype=np.float64)
        oov = self._max_idf * OOV_WEIGHT
        weights = [max((self._idf.get(s, oov) for s in stems(w)), default=0.0) for w in query]
        return Lexical(
            scores=scores,
            analysed=tuple(analysed),
            weights=tuple(weights),
            answer_scores=answer_scores,
        )

    def coverage(self, position: int, lexical: Lexical) -> float:
        """How much of the question's meaning (by idf) the rule at ``position`` uses."""
        total_weight = sum(lexical.weights)
        if not total_weight:
            return 0.0
        vocab = self._rule_stems[position]
        covered = sum(
            weight * (CORRECTED_CREDIT if guessed else 1.0)
            for (word, guessed), weight in zip(lexical.analysed, lexical.weights, strict=True)
            if any(s in vocab for s in stems(word))
        )
        return covered / total_weight

    def match(self, question: str, *, today: date) -> MatchResult:
        """Rank the rules active on ``today`` for ``question`` by their words alone."""
        lexical = self.lexical(question)
        query = tuple(word for word, _ in lexical.analysed)
        if not query or not lexical.scores.any():
            return MatchResult(candidates=(), best=None, related=(), query_words=query)
        order = np.argsort(-lexical.scores, kind="stable")
        candidates: list[Candidate] = []
        for index in order[:8]:
            score = float(lexical.scores[index])
            if score <= 0:
                break
            rule = self.rule(int(index))
            if rule is not None and not rule.is_active(today):
                continue
            candidates.append(
                Candidate(
                    rule_id=self._rule_ids[int(index)],
                    score=score,
                    coverage=self.coverage(int(index), lexical),
                )
            )
        good = [c for c in candidates if c.coverage >= MIN_COVERAGE and c.score >= MIN_SCORE]
        # A rule that covers the whole question beats one that scores a little higher on
        # part of it ("trollen onder mijn berichten": trolls, not messages).
        good.sort(key=lambda c: c.score * c.coverage**COVERAGE_POWER, reverse=True)
        best = good[0] if good else None
        related: tuple[Candidate, ...] = ()
        if best is not None:
            related = tuple(
                c
                for c in good[1:4]
                if c.rule_id != GENERAL_ID and c.score >= best.score * RELATED_RATIO
            )
        if best is None:
            choices = tuple(
                c for c in candidates if c.rule_id != GENERAL_ID and c.coverage >= CHOICE_COVERAGE
            )[:MAX_CHOICES]
        elif best.rule_id == GENERAL_ID:
            choices = ()
        else:
            # Words alone are never sure of a rule: the best one is answered as a guess,
            # with the others that fit offered beside it. Over the ten organisations' and
            # the shipped guidelines' question sets, 88 of the 283 rules words alone chose
            # were wrong; even with every word of the question covered, at least three
            # words and a clear lead over the next rule, 2 of 16 were.
            choices = tuple(c for c in (best, *related) if c.rule_id != GENERAL_ID)[:MAX_CHOICES]
            related = ()
        return MatchResult(
            candidates=tuple(candidates),
            best=best,
            related=related,
            query_words=query,
            sure=best is not None and best.rule_id == GENERAL_ID,
            choices=choices,
        )
