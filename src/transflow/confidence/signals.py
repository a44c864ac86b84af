"""The evidence for one translation, measured signal by signal.

Each function looks at one way a translation goes wrong without the reviewer
noticing, because the output still reads fluently: a clause left out or
appended, a negation gained or lost, a name or number swapped. Most of them
compare the source with the *back-translation* (the translation translated
back into the source language), because two texts in the same language can
be compared word for word; where no back-translation exists, the cross-language
versions (lengths, negation counts, names copied verbatim) still work.

The functions return plain numbers and words; ``transflow.confidence.combine``
weighs them into one confidence and turns them into sentences for a reviewer.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from transflow.languages import UnknownLanguageError, base, is_character_level
from transflow.queue.checks import punctuation_problems

if TYPE_CHECKING:
    from sacrebleu.metrics.chrf import CHRF

# A word: letters or digits, with inner apostrophes ("don't", "Herzog's", "n'est").
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
# Negation scope ends at clause punctuation (see ``negations``).
_CLAUSE_BREAK = re.compile(r"[,;:()\[\]\"“”«»—–]|\s-\s")
# Short capitalised abbreviations before a name are titles: "Mr.", "Dr.", "Mt.", "St.".
_TITLE = re.compile(r"[A-Z][a-z]{0,2}\.\s+[A-Z]")
_POSSESSIVE = re.compile(r"['’]s?$")
# Source words shorter than this are mostly function words, which paraphrase
# freely in a round trip ("the", "of", "has"), so they say nothing when missing.
_CONTENT_WORD_LENGTH = 4
# Words are compared by their first letters, so "accused"/"accusing" match.
_STEM_LENGTH = 5
# A run of unmatched words at the end this long or longer is a lost or added clause.
_CLAUSE_WORDS = 3


def _word_set(listed: str) -> frozenset[str]:
    return frozenset(listed.split())


@dataclass(frozen=True)
class NegationWords:
    """How one language says "not".

    ``negators`` always negate. ``concord`` words negate only when nothing
    before them in the clause already does: Portuguese "não disse nada" and
    French "ne … pas" are one negation, as the English "did not say anything"
    is; counting both words would make every such translation look like an
    added negation. ``prefixes`` are elided forms ("n'").
    """

    negators: frozenset[str]
    concord: frozenset[str] = frozenset()
    suffixes: tuple[str, ...] = ()
    prefixes: tuple[str, ...] = ()

    def kind(self, word: str) -> str | None:
        """``"negator"``, ``"concord"`` or ``None`` for a case-folded word."""
        if word in self.negators:
            return "negator"
        if (self.suffixes and word.endswith(self.suffixes)) or (
            self.prefixes and word.startswith(self.prefixes)
        ):
            return "negator"
        return "concord" if word in self.concord else None


# Languages without an entry have no negation signal of their own: the
# round-trip comparison still works when the *source* language has one (it is
# the back-translation's language), the cross-language one needs both.
NEGATION_WORDS: dict[str, NegationWords] = {
    "en": NegationWords(
        negators=_word_set("not no never nobody nothing none nowhere neither without cannot"),
        concord=_word_set("nor"),
        suffixes=("n't", "n’t"),
    ),
    # "no" is not here: in Portuguese it is the contraction "em" + "o".
    "pt": NegationWords(
        negators=_word_set("não sem"),
        concord=_word_set("nunca jamais nem nenhum nenhuma nenhuns nenhumas ninguém nada"),
    ),
    "es": NegationWords(
        negators=_word_set("no sin"),
        concord=_word_set(
            "nunca jamás ni ningún ninguno ninguna ningunos ningunas nadie nada tampoco"
        ),
    ),
    # "pas", "rien", "personne", "plus" negate only with "ne", which is counted
    # (spoken French without "ne" is not recognised).
    "fr": NegationWords(negators=_word_set("ne sans"), prefixes=("n'", "n’")),
    # "weder … noch" is one negation; "noch" alone is "still".
    "de": NegationWords(
        negators=_word_set(
            "nicht kein keine keinen keinem keiner keines nie niemals niemand nichts ohne weder"
        ),
    ),
}


def words(text: str) -> list[str]:
    return _WORD.findall(text)


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """``word`` case-folded without accents: "Azerbaijão" and "azerbaijao" compare equal."""
    decomposed = unicodedata.normalize("NFD", word.casefold())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def negation_words(language: str) -> NegationWords | None:
    try:
        return NEGATION_WORDS.get(base(language))
    except UnknownLanguageError:
        return None


def negations(text: str, language: str) -> list[str] | None:
    """The words that negate a clause of ``text``, one per negation; ``None`` without a list."""
    vocabulary = negation_words(language)
    if vocabulary is None:
        return None
    found = []
    for clause in _CLAUSE_BREAK.split(text):
        negated = False
        for word in words(clause):
            kind = vocabulary.kind(word.casefold())
            if kind == "negator" or (kind == "concord" and not negated):
                found.append(word)
            negated = negated or kind is not None
    return found


# Marks that open a quotation in the languages transflow counts negations in.
_OPENING_QUOTES = frozenset('“„«‹‘"')


def names(text: str) -> list[str]:
    """Capitalised words and numbers of ``text``: the names, places and figures in it.

    Whether a capitalised first word of a sentence is a name cannot be known
    without a dictionary; it is kept, and ``missing_names`` looks for it
    without regard to case, so "The" finds "the" in the back-translation.
    Single letters ("I", "A") and titles ("Mr.", "Mt.") are left out, and so
    is a capitalised word right after an opening quotation mark: a quoted
    sentence starts there (“The…”), so its capital says nothing.
    """
    found = []
    for match in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", match.group())
        is_number = any(char.isdigit() for char in word)
        is_title = _TITLE.match(text, match.start()) is not None
        opens_quote = text[: match.start()].rstrip()[-1:] in _OPENING_QUOTES
        if is_number or (word[:1].isupper() and len(word) > 1 and not is_title and not opens_quote):
            found.append(word)
    return found


def first_word(text: str) -> str | None:
    """The first word of ``text``, which is capitalised whether or not it is a name."""
    match = _WORD.search(text)
    return _POSSESSIVE.sub("", match.group()) if match else None


@lru_cache(maxsize=65536)
def _name_key(word: str) -> str:
    """How a name is compared: folded; a number by its digits ("221bn" is "221", "63rd" "63")."""
    digits = "".join(char for char in word if char.isdigit())
    return digits or fold(_POSSESSIVE.sub("", word))


def _name_keys(*texts: str) -> set[str]:
    return {_name_key(word) for text in texts for word in words(text)}


def _has_name(name: str, keys: set[str]) -> bool:
    """Whether ``name`` or, for a longer word, a form sharing its stem is among ``keys``.

    Names are compared without case and accents, and the stem finds
    inflected or adapted forms ("Azerbaijan" in "Azerbaijão", "Israel" in
    "israelense"), since a translation may adapt a name.
    """
    key = _name_key(name)
    if key in keys:
        return True
    if len(key) < _STEM_LENGTH or key.isdigit():
        return False
    stem = key[: max(_CONTENT_WORD_LENGTH, len(key) - 2)]
    return any(other.startswith(stem) for other in keys)


def missing_names(source: str, *others: str) -> list[str]:
    """Names and numbers of ``source`` that appear in none of ``others``.

    A translation may adapt a name ("Pequim"); the back-translation usually
    restores it ("Beijing"), so a name is missing only if it is in neither.
    """
    present = _name_keys(*others)
    return [name for name in dict.fromkeys(names(source)) if not _has_name(name, present)]


def added_names(source: str, translation: str, back_translation: str) -> list[str]:
    """Names and numbers of ``translation`` the source does not have but the round trip keeps.

    A name that came from nowhere (another person, another country) is copied
    verbatim both ways, while a translated name ("Londres") comes back as the
    source's ("London") and a capitalised first word ("Ele") as its
    translation ("He"), so neither is counted.
    """
    kept = _name_keys(back_translation)
    in_source = _name_keys(source)
    return [
        name
        for name in dict.fromkeys(names(translation))
        if _name_key(name) in kept and not _has_name(name, in_source)
    ]


@dataclass(frozen=True)
class WordComparison:
    """Which content words of two texts in the same language have no counterpart."""

    lost: tuple[str, ...]  # words of the first text missing from the second
    added: tuple[str, ...]  # words of the second text missing from the first
    lost_share: float  # of the first text's content words
    added_share: float
    lost_ending: str  # the first text's trailing run of unmatched words, if a clause long
    added_ending: str


# A word this long or longer found inside another counts as its counterpart.
_COMPOUND_PART = 4


def compare_words(reference: str, other: str) -> WordComparison:
    """Content words of ``reference`` and ``other`` (same language) matched by stem.

    Position matters for the ending: a half sentence dropped leaves the end of
    the reference unmatched, a clause appended leaves the end of ``other``
    unmatched; a paraphrased word here and there leaves neither.
    """
    reference_words = _content_words(reference)
    other_words = _content_words(other)
    reference_stems = {_stem(word) for word in reference_words}
    other_stems = {_stem(word) for word in other_words}
    lost = [w for w in reference_words if not _has_counterpart(w, other_stems, other_words)]
    added = [w for w in other_words if not _has_counterpart(w, reference_stems, reference_words)]
    return WordComparison(
        lost=tuple(dict.fromkeys(lost)),
        added=tuple(dict.fromkeys(added)),
        lost_share=len(lost) / max(1, len(reference_words)),
        added_share=len(added) / max(1, len(other_words)),
        lost_ending=_unmatched_ending(reference, other_stems),
        added_ending=_unmatched_ending(other, reference_stems),
    )


def ending_share(text: str, ending: str) -> float:
    """How much of ``text``'s content the unmatched ``ending`` is."""
    return len(_content_words(ending)) / max(1, len(_content_words(text)))


def _content_words(text: str) -> list[str]:
    return [word for word in words(text) if _is_content(word)]


def _is_content(word: str) -> bool:
    return len(word) >= _CONTENT_WORD_LENGTH or word[:1].isupper() or word[:1].isdigit()


def _has_counterpart(word: str, stems: set[str], others: Sequence[str]) -> bool:
    """Whether ``word`` has a counterpart among ``others``: the same stem, or one
    is part of the other ("Home" and "Homepage", "page" and "webpage"), as a
    back-translation joins or splits compounds that the source wrote otherwise."""
    if _stem(word) in stems:
        return True
    key = fold(_POSSESSIVE.sub("", word))
    if len(key) < _COMPOUND_PART:
        return False
    folded = (fold(_POSSESSIVE.sub("", other)) for other in others)
    return any(key in other or (len(other) >= _COMPOUND_PART and other in key) for other in folded)


@lru_cache(maxsize=65536)
def _stem(word: str) -> str:
    return fold(_POSSESSIVE.sub("", word))[:_STEM_LENGTH]


def _unmatched_ending(text: str, stems: set[str]) -> str:
    """The end of ``text`` from its last content word that has a counterpart in ``stems``."""
    matches = [match for match in _WORD.finditer(text) if _is_content(match.group())]
    unmatched = 0
    for match in reversed(matches):
        if _stem(match.group()) in stems:
            break
        unmatched += 1
    if unmatched < _CLAUSE_WORDS:
        return ""
    return text[matches[-unmatched].start() :].strip()


def chrf(hypothesis: str, reference: str) -> float:
    """chrF (character n-gram F-score, recall weighted twice) in [0, 1]."""
    return float(_chrf_metric().sentence_score(hypothesis, [reference]).score) / 100


@lru_cache(maxsize=1)
def _chrf_metric() -> CHRF:
    """sacrebleu, imported on first use: it takes 120 ms or more to import, which
    ``transflow review`` and ``status`` would pay at start-up for nothing."""
    from sacrebleu.metrics.chrf import CHRF

    return CHRF()


# Characters added to both lengths before they are compared. A ratio of a few
# characters is mostly noise ("Home" → "Página inicial" is 3.5×, and right):
# the smoothing pulls short segments' ratios towards 1 and leaves sentences of
# news length nearly unchanged (60 → 30 characters still reads as half lost).
LENGTH_SMOOTHING_CHARACTERS = 20


def length_ratio(text: str, reference: str) -> float:
    """``len(text) / len(reference)`` in characters, smoothed for short segments."""
    smoothing = LENGTH_SMOOTHING_CHARACTERS
    return (len(text.strip()) + smoothing) / (len(reference.strip()) + smoothing)


# Translations run longer or shorter than their source by a stable factor per
# pair, measured on the undamaged training translations of the bundled models
# (benchmarks/confidence_bench.py --fit prints it). Other pairs are expected
# to keep the length; character-level languages are not compared by length.
EXPECTED_LENGTH_RATIO: dict[tuple[str, str], float] = {
    ("en", "pt"): 1.085,
    ("pt", "en"): 1 / 1.085,
}


def length_deviation(translation: str, source: str, *, source_lang: str, target_lang: str) -> float:
    """log(actual / expected length ratio): negative for too short, positive for too long."""
    if is_character_level(source_lang) or is_character_level(target_lang):
        return 0.0
    try:
        pair = (base(source_lang), base(target_lang))
    except UnknownLanguageError:
        pair = (source_lang, target_lang)
    expected = EXPECTED_LENGTH_RATIO.get(pair, 1.0)
    ratio = length_ratio(translation, source)
    return math.log(max(ratio, 1e-3) / expected)


def count_mismatch(first: Sequence[str] | None, second: Sequence[str] | None) -> int:
    """How many more negations one text has than the other; 0 when either is unknown."""
    if first is None or second is None:
        return 0
    return abs(len(first) - len(second))


@dataclass(frozen=True)
class RoundTrip:
    """The back-translation compared with the source (both in the source language)."""

    back_translation: str
    chrf: float  # back-translation against the source, recall weighted: omissions
    chrf_reverse: float  # source against the back-translation: additions
    lost_words: tuple[str, ...]  # source words the back-translation has no counterpart for
    added_words: tuple[str, ...]  # back-translation words the source has none for
    lost_share: float  # of the source's content words
    added_share: float  # of the back-translation's content words
    lost_ending: str  # the end of the source left without counterpart ("" if none)
    added_ending: str  # the end of the back-translation the source does not have
    lost_ending_share: float  # of the source's content words
    added_ending_share: float
    length_deviation: float  # log(back-translation length / source length)
    negations: tuple[str, ...] | None
    added_names: tuple[str, ...]  # names in the translation the source lacks


@dataclass(frozen=True)
class Signals:
    """Every measurement behind one confidence, as plain values (``as_dict`` for JSON).

    ``round_trip`` is ``None`` without a back-translation; negation fields
    are ``None`` for a language without a negation word list.
    """

    engine_score: float | None
    length_deviation: float  # log(translation/source length ÷ the pair's expected ratio)
    source_negations: tuple[str, ...] | None
    translation_negations: tuple[str, ...] | None
    missing_names: tuple[str, ...]  # names and numbers of the source found nowhere
    # The source's first word if found nowhere: a name ("Herzog said…") or a
    # common word the translation rephrased ("Naturally…"); weighed apart.
    missing_first_word: str | None
    lost_marks: tuple[str, ...]  # quotation marks and brackets lost (the checks' wording)
    glossary_problems: int
    round_trip: RoundTrip | None

    def features(self) -> dict[str, float]:
        """The combination's inputs, each a non-negative amount of something wrong.

        Without a back-translation only the forward features are present.
        """
        features = {
            "too_short": max(0.0, -self.length_deviation),
            "too_long": max(0.0, self.length_deviation),
            "negation_translation": float(
                count_mismatch(self.source_negations, self.translation_negations)
            ),
            "missing_names": float(len(self.missing_names)),
            "missing_first_word": float(self.missing_first_word is not None),
            "lost_marks": float(len(self.lost_marks)),
        }
        trip = self.round_trip
        if trip is None:
            return features
        return features | {
            "round_trip_gap": 1 - trip.chrf,
            "round_trip_gap_reverse": 1 - trip.chrf_reverse,
            "lost_share": trip.lost_share,
            "added_share": trip.added_share,
            "lost_ending_share": trip.lost_ending_share,
            "added_ending_share": trip.added_ending_share,
            "round_trip_too_short": max(0.0, -trip.length_deviation),
            "round_trip_too_long": max(0.0, trip.length_deviation),
            "negation_round_trip": float(count_mismatch(self.source_negations, trip.negations)),
            "added_names": float(len(trip.added_names)),
        }

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (tuples as lists, ``round_trip`` as a nested object)."""
        values: dict[str, Any] = _jsonable(asdict(self))
        return values


def measure(
    source_text: str,
    translation: str,
    *,
    source: str,
    target: str,
    back_translation: str | None = None,
    engine_score: float | None = None,
    glossary_problems: int = 0,
    protected: Sequence[str] = (),
) -> Signals:
    """All signals of one translation of ``source_text`` (``source`` → ``target`` tags).

    Names inside ``protected`` (the sentence's glossary terms, as written and
    approved) are the glossary's to judge: neither missing nor added here.
    """
    source_negations = negations(source_text, source)
    translation_negations = negations(translation, target)
    glossary_names = _name_keys(*protected)
    missing = [
        name
        for name in missing_names(
            source_text, translation, *([] if back_translation is None else [back_translation])
        )
        if _name_key(name) not in glossary_names
    ]
    first = first_word(source_text)
    round_trip = None
    if back_translation is not None:
        comparison = compare_words(source_text, back_translation)
        back_negations = negations(back_translation, source)
        round_trip = RoundTrip(
            back_translation=back_translation,
            chrf=chrf(back_translation, source_text),
            chrf_reverse=chrf(source_text, back_translation),
            lost_words=comparison.lost,
            added_words=comparison.added,
            lost_share=comparison.lost_share,
            added_share=comparison.added_share,
            lost_ending=comparison.lost_ending,
            added_ending=comparison.added_ending,
            lost_ending_share=ending_share(source_text, comparison.lost_ending),
            added_ending_share=ending_share(back_translation, comparison.added_ending),
            length_deviation=length_deviation(
                back_translation, source_text, source_lang=source, target_lang=source
            ),
            negations=None if back_negations is None else tuple(back_negations),
            added_names=tuple(
                name
                for name in added_names(source_text, translation, back_translation)
                if _name_key(name) not in glossary_names
            ),
        )
    return Signals(
        engine_score=engine_score,
        length_deviation=length_deviation(
            translation, source_text, source_lang=source, target_lang=target
        ),
        source_negations=None if source_negations is None else tuple(source_negations),
        translation_negations=(
            None if translation_negations is None else tuple(translation_negations)
        ),
        missing_names=tuple(name for name in missing if name != first),
        missing_first_word=first if first in missing else None,
        lost_marks=tuple(punctuation_problems(source_text, translation)),
        glossary_problems=glossary_problems,
        round_trip=round_trip,
    )


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _jsonable(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_jsonable(item) for item in value]
    return value
