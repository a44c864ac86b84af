"""What a fuzzy match's source changed that a similarity score hides.

A 90% match may differ from the sentence being translated in exactly the
word that matters: a number ("12 killed" / "21 killed", "two hours" /
"three hours"), a protected name ("Baku" / "Batumi"), or a negation ("did
not agree" scores 85 against "did agree"). Reusing such a translation as it
is would be wrong, so each match says whether its source differs from the
query in one of these; the translator still sees the whole word diff.
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
# Numbers written as words, compared like digits ("two hours" / "three hours"). Words that
# are also articles ("um", "un", "ein") are left out: they would flag every other match.
_NUMBER_WORDS = {
    "en": "zero one two three four five six seven eight nine ten eleven twelve thirteen "
    "fourteen fifteen sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty "
    "seventy eighty ninety hundred thousand million billion dozen",
    "pt": "zero dois duas três quatro cinco seis sete oito nove dez onze doze treze catorze "
    "quatorze quinze dezesseis dezasseis dezessete dezassete dezoito dezenove dezanove vinte "
    "trinta quarenta cinquenta sessenta setenta oitenta noventa cem cento mil milhão milhões "
    "bilhão bilhões",
    "es": "cero dos tres cuatro cinco seis siete ocho nueve diez once doce trece catorce quince "
    "dieciséis diecisiete dieciocho diecinueve veinte treinta cuarenta cincuenta sesenta "
    "setenta ochenta noventa cien ciento mil millón millones",
    "fr": "zéro deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze "
    "seize vingt trente quarante cinquante soixante cent mille million millions milliard",
    "de": "null zwei drei vier fünf sechs sieben acht neun zehn elf zwölf zwanzig dreißig "
    "vierzig fünfzig sechzig siebzig achtzig neunzig hundert tausend million millionen",
    "it": "zero due tre quattro cinque sei sette otto nove dieci undici dodici venti trenta "
    "quaranta cinquanta sessanta settanta ottanta novanta cento mille milione milioni",
}
NUMBER_WORDS = {language: frozenset(words.split()) for language, words in _NUMBER_WORDS.items()}

# Protected terms as a caller has them: the term texts, or a function finding them in a text.
TermSource = Collection[str] | Callable[[str], Iterable[str]]


def numbers(text: str, language: str | None = None) -> Counter[str]:
    """The numbers of ``text``: digits ("1,000" and "1.000" are one number) and number words."""
    found = Counter(re.sub(r"\D", "", number) for number in _NUMBER.findall(text))
    words = _language_words(NUMBER_WORDS, language)
    if words:
        found.update(word for word in _WORD.findall(text.lower()) if word in words)
    return found


def differs_in_number(memory_source: str, query: str, language: str | None = None) -> bool:
    return numbers(memory_source, language) != numbers(query, language)


def negation_count(text: str, language: str) -> int:
    """How many negating words ``text`` has; 0 for languages without a list (not judged).

    English contractions ("didn't", "won’t") count as negations too.
    """
    words = _language_words(NEGATIONS, language)
    tokens = _WORD.findall(text.lower())
    contracted = words is NEGATIONS["en"] and any(t.endswith(("n't", "n’t")) for t in tokens)
    return sum(token in words for token in tokens) + int(contracted)


def _language_words(lists: dict[str, frozenset[str]], language: str | None) -> frozenset[str]:
    """The word list of ``language``'s base language; empty when there is none."""
    try:
        return lists.get(base(language), frozenset()) if language else frozenset()
    except UnknownLanguageError:
        return frozenset()


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
