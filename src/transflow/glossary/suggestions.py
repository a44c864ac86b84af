"""Candidate glossary terms: the proper nouns of articles that the glossary does not cover yet.

A name the glossary lacks is a name the engine may translate ("Gala" → "gala
festiva") or respell ("Baku" → "Bacu") unchecked, so the maintainer wants a
short list of the names a batch of articles uses, most frequent first, each
with a sentence to judge it by.

A candidate is a capitalised word, or a run of them joined only by spaces and
lowercase connectors ("Alley of Martyrs", "Ministry of the Interior", "Bashar
al-Assad"), that:

* is not the first word of a sentence (sentences as transflow's segmenter cuts
  them), whose capital says nothing about the word;
* is not in a title-case headline, where every word is capitalised;
* does not overlap a term the glossary already matches (the same
  ``TermMatcher`` translation uses, so what is suggested is exactly what is
  unprotected);
* is not a common word: function words, pronouns, months and days (English),
  or, for a single word, a word the same articles also use in lower case
  ("President" next to "the president"). Common words at the edges of a run
  are trimmed ("Mr Herzog" → "Herzog").

A possessive ending is dropped ("Bayramov’s" → "Bayramov"), as the matcher
matches a name inside its possessive anyway.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from transflow.glossary.matching import TermMatcher
from transflow.glossary.model import Glossary
from transflow.source.articles import ArticleFormat, read_article
from transflow.source.markup import strip_inline
from transflow.source.segmentation import segment

__all__ = ["Suggestion", "suggest_terms"]

DEFAULT_LIMIT = 25

# A word: a letter, then letters, digits, and apostrophes or hyphens inside ("al-Assad",
# "O'Brien", "COVID-19", "Bayramov’s"). Combining diacritics belong to the word, as for the
# matcher, so a decomposed "José" is one word.
_WORD_CHARACTER = r"[\w\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]"
_WORD = re.compile(rf"[^\W\d_]{_WORD_CHARACTER}*(?:['’\-]{_WORD_CHARACTER}+)*")
_POSSESSIVE = re.compile(r"['’]s$")
# Lowercase particles that begin a capitalised name: "al-Assad", "d'Alembert", "ibn-Saud".
_NAME_PARTICLE = re.compile(r"(?:al|el|ad|an|ar|as|ash|at|az|ibn|bin|abu|d|l)['’\-](?=[^\W\d_])")
# Lowercase words that may join the capitalised words of one name.
CONNECTORS = frozenset(
    "of the de da do dos das del della di du des la le van von der den bin ibn al el".split()  # noqa: SIM905 - word lists read better as text
)
_MAX_CONNECTORS = 2
# Stands in for code spans and URLs: not a word character, not whitespace.
_VERBATIM = "\x1f"
# A headline in title case has at least this many words of four letters or more, all capitalised.
_HEADLINE_WORDS = 3
_SENTENCE_END = re.compile(r"[.!?…:;][\"'”’»)\]]*$")

# Capitalised only because of where they stand, or too common to be names. English only; in
# other languages the lower-case-elsewhere rule still applies.
COMMON_WORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """
        a an the this that these those and or but nor so yet for of in on at by to from with
        without about above after against along among around as before behind below beneath
        beside between beyond during except inside into near off onto out outside over past
        since through throughout till toward towards under until up upon via within
        i me my mine we us our ours you your yours he him his she her hers it its they them
        their theirs who whom whose which what where when why how whatever whoever
        is are was were be been being am do does did done have has had will would shall should
        can could may might must not no yes all any both each either every few many more most
        much neither none other others some such than then there here also only just even
        very too again once however moreover furthermore meanwhile therefore thus still while
        although though because if unless whether
        monday tuesday wednesday thursday friday saturday sunday
        january february march april may june july august september october november december
        today yesterday tomorrow tonight
        mr mrs ms miss dr prof sir madam
        """.split()  # noqa: SIM905 - word lists read better as text
    )
}


@dataclass(frozen=True)
class Suggestion:
    """A candidate term, how often it occurs, and where it first does."""

    text: str
    count: int
    example: str  # the first sentence it occurs in, on one line
    article: Path
    line: int  # where that sentence starts


@dataclass(frozen=True)
class _Word:
    text: str
    start: int
    end: int

    @property
    def capitalised(self) -> bool:
        particle = _NAME_PARTICLE.match(self.text)
        first = self.text[particle.end() if particle else 0]
        return first.isupper()


@dataclass(frozen=True)
class _Sentence:
    """A sentence as the engine and the matcher see it: plain text (no Markdown) on one line."""

    text: str  # code spans and URLs blanked out with _VERBATIM: they are never names
    example: str  # the same with them, for people
    article: Path
    line: int  # where the sentence starts in the article
    words: list[_Word]


def suggest_terms(
    articles: Sequence[Path],
    glossary: Glossary,
    source_lang: str = "en",
    limit: int | None = DEFAULT_LIMIT,
) -> list[Suggestion]:
    """Candidate terms in ``articles`` (most frequent first), at most ``limit`` of them."""
    sentences = [sentence for path in articles for sentence in _sentences(path, source_lang)]
    lowercase = {
        word.text.casefold()
        for sentence in sentences
        for word in sentence.words
        if word.text[0].islower()
    }
    common = COMMON_WORDS.get(source_lang, frozenset())
    matcher = TermMatcher(
        (term.text, term) for term in glossary.terms if term.source_lang == source_lang
    )
    counts: Counter[str] = Counter()
    first_seen: dict[str, _Sentence] = {}
    for sentence in sentences:
        if _is_headline(sentence):
            continue
        covered = [(match.start, match.end) for match in matcher.find(sentence.text)]
        for run in _runs(sentence, covered):
            text = _candidate(sentence, run, common, lowercase)
            if text is None:
                continue
            counts[text] += 1
            first_seen.setdefault(text, sentence)
    ranked = sorted(counts, key=lambda text: -counts[text])  # stable: first seen first on ties
    suggestions = []
    for text in ranked[:limit] if limit else ranked:
        sentence = first_seen[text]
        example = " ".join(sentence.text.split())
        suggestions.append(Suggestion(text, counts[text], example, sentence.article, sentence.line))
    return suggestions


def _sentences(path: Path, source_lang: str) -> list[_Sentence]:
    article = read_article(path)
    markdown = article.format is ArticleFormat.MARKDOWN
    sentences = []
    for block in article.blocks:
        if not block.translatable:
            continue
        for sentence in segment(block.text, source_lang):
            plain = text = sentence.text
            if markdown:
                plain, markup = strip_inline(sentence.text)
                text = plain
                for span in markup.protected:
                    text = (
                        text[: span.start] + _VERBATIM * (span.end - span.start) + text[span.end :]
                    )
            # As in the pipeline, which collapses whitespace before matching terms.
            text = " ".join(text.split())
            words = [_Word(m.group(), m.start(), m.end()) for m in _WORD.finditer(text)]
            line = block.line + block.text.count("\n", 0, sentence.start)
            sentences.append(_Sentence(text, " ".join(plain.split()), path, line, words))
    return sentences


def _is_headline(sentence: _Sentence) -> bool:
    """A title-case line without final punctuation: "Presidents Meet in Baku".

    A caption of names ("The President of Israel Isaac Herzog.") ends with a
    period, so it is still read.
    """
    if _SENTENCE_END.search(sentence.text):
        return False
    long_words = [word for word in sentence.words if len(word.text) >= 4]
    return len(long_words) >= _HEADLINE_WORDS and all(word.capitalised for word in long_words)


def _runs(sentence: _Sentence, covered: Sequence[tuple[int, int]]) -> list[list[_Word]]:
    """Maximal runs of capitalised words joined by spaces and at most two connectors."""
    runs: list[list[_Word]] = []
    run: list[_Word] = []
    connectors: list[_Word] = []

    def close() -> None:
        if run:
            runs.append(run.copy())
        run.clear()
        connectors.clear()

    for index, word in enumerate(sentence.words):
        if index == 0 or any(start < word.end and word.start < end for start, end in covered):
            close()
            continue
        previous = connectors[-1] if connectors else run[-1] if run else None
        if previous is not None and sentence.text[previous.end : word.start].strip():
            close()  # punctuation between the words: "Azerbaijan, Israel" is two names
        if word.capitalised:
            run.extend(connectors)
            connectors.clear()
            run.append(word)
        elif run and word.text in CONNECTORS and len(connectors) < _MAX_CONNECTORS:
            connectors.append(word)
        else:
            close()
    close()
    return runs


def _candidate(
    sentence: _Sentence, run: list[_Word], common: frozenset[str], lowercase: set[str]
) -> str | None:
    """The run's text without common words and connectors at its edges; None if nothing is left."""
    while run and (run[0].text.casefold() in common or run[0].text in CONNECTORS):
        run = run[1:]
    while run and (run[-1].text.casefold() in common or run[-1].text in CONNECTORS):
        run = run[:-1]
    if not run:
        return None
    last = run[-1]
    end = last.start + len(_POSSESSIVE.sub("", last.text))
    text = sentence.text[run[0].start : end]
    if len(run) == 1 and (len(text) < 2 or text.casefold() in lowercase):
        return None
    return text
