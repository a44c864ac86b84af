"""What a fuzzy match's source changed that a similarity score hides.

A 90% match may differ from the sentence being translated in exactly the
word that matters: a number ("12 killed" / "21 killed"), a protected name
("Baku" / "Batumi", translate-toolkit#468), or a negation ("did not agree"
scores 85 against "did agree"). Reusing such a translation as it is would be
wrong, so each match says whether its source differs from the query in one
of these; the translator still sees the whole word diff.
"""

from __future__ import annotations

import functools
import re
from collections import Counter
from collections.abc import Callable, Collection, Iterable

from transflow.glossary.matching import TermMatcher
from transflow.languages import UnknownLanguageError, base

# Digits with inner separators as one number ("1,000", "4.5", "12:30"); separators are
# ignored when comparing, as the queue's number check does.
_NUMBER = re.compile(r"\d+(?:[.,:/\u00a0\u202f]\d+)*")
_WORD = re.compile(r"\w+(?:['’]\w+)*")

# Words that negate a clause, by base language. Compared as counts: a match whose
# source has a different number of them may say the opposite of the query.
_NEGATION_WORDS = {
    "en": "not no never nor none nobody nothing neither nowhere without cannot",
    "pt": "não nao nunca nem jamais nenhum nenhuma ninguém nada sem",
    "es": "no nunca jamás ni ningún ninguno ninguna nadie nada sin tampoco",
    "fr": "ne pas jamais aucun aucune personne rien sans ni nullement",
    "it": "non mai nessuno nessuna niente nulla senza né neanche",
    "de": "nicht kein keine keinen keinem keiner keines nie niemals niemand nichts ohne weder",
    "nl": "niet geen nooit niemand niets zonder noch",
    "ru": "не нет ни никогда никто ничего без",
}
NEGATIONS = {language: frozenset(words.split()) for language, words in _NEGATION_WORDS.items()}

# Protected terms as a caller has them: the term texts, or a function finding them in a text.
TermSource = Collection[str] | Callable[[str], Iterable[str]]


def numbers(text: str) -> Counter[str]:
    """The numbers of ``text`` by their digits ("1,000" and "1.000" are one number)."""
    return Counter(re.sub(r"\D", "", number) for number in _NUMBER.findall(text))


def differs_in_number(memory_source: str, query: str) -> bool:
    return numbers(memory_source) != numbers(query)


def negation_count(text: str, language: str) -> int:
    """How many negating words ``text`` has; 0 for languages without a list (not judged).

    English contractions ("didn't", "won’t") count as negations too.
    """
    try:
        language = base(language)
    except UnknownLanguageError:
        return 0
    words = NEGATIONS.get(language, frozenset())
    tokens = _WORD.findall(text.lower())
    contracted = language == "en" and sum(token.endswith(("n't", "n’t")) for token in tokens)
    return sum(token in words for token in tokens) + int(contracted)


def differs_in_negation(memory_source: str, query: str, language: str) -> bool:
    return negation_count(memory_source, language) != negation_count(query, language)


def term_finder(terms: TermSource | None) -> Callable[[str], Counter[str]]:
    """A function counting the protected terms in a text, matched as translation matches them.

    Term texts are found whole-word and case-sensitively by the glossary's own
    matcher; a callable is used as it is (e.g. a glossary enforcer's ``find``).
    """
    if terms is None:
        return lambda _text: Counter()
    if callable(terms):
        finder = terms
        return lambda text: Counter(finder(text))
    matcher = _matcher(frozenset(terms))
    return lambda text: Counter(match.value for match in matcher.find(text))


@functools.lru_cache(maxsize=8)
def _matcher(terms: frozenset[str]) -> TermMatcher[str]:
    """One automaton per glossary: a review session asks with the same terms for every entry."""
    return TermMatcher((term, term) for term in sorted(terms))


def differs_in_term(
    memory_source: str, query: str, find_terms: Callable[[str], Counter[str]]
) -> bool:
    return find_terms(memory_source) != find_terms(query)
