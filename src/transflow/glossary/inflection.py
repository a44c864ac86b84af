"""Inflected forms of protected terms in a translation, for languages that decline names.

In German, Russian, Polish, Czech, Finnish, Turkish and many other languages a
name changes with its grammatical case: "Aliyevs Rede", "визит в Азербайджан" →
"президент Азербайджана", "w Polsce", "Bakü'de". A check demanding the approved
form character for character would flag every such correct translation, so an
occurrence also counts when it is an *inflected form* of the approved one —
with its own verdict (``inflected``), so review still shows it.

What counts as an inflected form of an approved word, in this order:

1. the glossary's own list (``forms_<lang>``; then nothing else is guessed);
2. the word itself with a case suffix after the mark the language writes
   (Turkish and Azerbaijani ``Bakü'de``, Finnish and Swedish ``EU:n``);
3. the word followed by one of the language's case endings for names, after
   dropping a final vowel the ending replaces (Polish ``Polska`` → ``Polsk`` +
   ``i``): this covers names no dictionary knows ("Aliyevs", "Alijewowi");
4. the language's dictionary: pymorphy3 (Russian, Ukrainian) generates every
   form of the approved word of the same gender and number ("Алиев" →
   "Алиева", "Алиеву", not the feminine "Алиевой"); simplemma (bundled data
   for about 50 languages) must lemmatise the translation's word to the
   approved one ("Polsce" → "Polska", "Helsingissä" → "Helsinki"). A modifier
   of a multi-word form may instead share the approved word's lemma
   ("des Zweiten Karabach-Kriegs"); the last word, the name itself, may not,
   because a dictionary can mistake a name for an inflected common word.

"Aliyevski" or "Azerbaijani" is not an inflection of "Aliyev"/"Azerbaijan":
"-ski" and "-i" are no case endings there, and no dictionary lemmatises them to
the name. Only *candidate* words are examined — those starting like an
approved form, found by one Aho–Corasick scan — and every verdict is cached,
so the dictionaries cost nothing for sentences whose terms are exact.
Dictionaries load on first use: simplemma's tables in their streaming form
(1–6 s per language to decompress, about 70 MB), pymorphy3 in 0.3 s.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar

import ahocorasick

from transflow.glossary.matching import TermMatch, fold, is_word_character
from transflow.languages import UnknownLanguageError, base

Value = TypeVar("Value")


class Dictionary(Protocol):
    """A language's word list: does ``token`` inflect ``word``?"""

    def accepts(self, token: str, word: str, *, head: bool) -> bool: ...


class SimplemmaDictionary:
    """simplemma's bundled lemma tables for one language (loaded on the first lookup)."""

    def __init__(self, code: str) -> None:
        self.code = code

    @functools.cache  # noqa: B019 - one instance per language, kept for the process
    def lemma(self, word: str) -> str:
        import simplemma  # imported on first use: loading a language takes seconds

        # The streaming tables: a sixth of the memory, and faster to open (Polish: 6 s, not 11 s).
        return str(simplemma.lemmatize(word, lang=self.code, low_memory=True)).casefold()

    def accepts(self, token: str, word: str, *, head: bool) -> bool:
        if self.lemma(token) == word.casefold():
            return True
        if head:
            return False
        # simplemma lemmatises a capitalised adjective less reliably than a lower-case one.
        lemmas = {self.lemma(token), self.lemma(token.lower())}
        return bool(lemmas & {self.lemma(word), self.lemma(word.lower())})


class PymorphyDictionary:
    """pymorphy3's morphology (OpenCorpora data) for Russian or Ukrainian."""

    def __init__(self, code: str) -> None:
        self.code = code

    @functools.cached_property
    def _analyzer(self) -> object:
        import pymorphy3

        return pymorphy3.MorphAnalyzer(lang=self.code)

    @functools.cache  # noqa: B019 - one instance per language, kept for the process
    def forms(self, word: str) -> frozenset[str]:
        """Every form of ``word`` of its gender and number as given, spelled as ``_key`` does."""
        parses = self._analyzer.parse(word)  # type: ignore[attr-defined]
        nominative = [parse for parse in parses if "nomn" in parse.tag] or parses[:1]
        forms = {_key(word)}
        for parse in nominative:
            for form in parse.lexeme:
                if _agrees(form.tag, parse.tag):
                    forms.add(_key(form.word))
        return frozenset(forms)

    def accepts(self, token: str, word: str, *, head: bool) -> bool:  # noqa: ARG002 - forms are generated, so the head needs no stricter rule
        return _key(token) in self.forms(word)


def _key(word: str) -> str:
    """A Russian or Ukrainian word compared as written with or without the dots of "ё"."""
    return word.lower().replace("ё", "е")


_GENDERS = ("masc", "femn", "neut")
_NUMBERS = ("sing", "plur")


def _agrees(form: object, given: object) -> bool:
    """Whether a pymorphy3 tag has the gender and number of another (common gender: any)."""

    def grammemes(tag: object, names: tuple[str, ...]) -> set[str]:
        return {name for name in names if name in tag}  # type: ignore[operator]

    form_gender, given_gender = grammemes(form, _GENDERS), grammemes(given, _GENDERS)
    form_number, given_number = grammemes(form, _NUMBERS), grammemes(given, _NUMBERS)
    gender_ok = not form_gender or not given_gender or bool(form_gender & given_gender)
    number_ok = not form_number or not given_number or bool(form_number & given_number)
    return gender_ok and number_ok


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


@dataclass(frozen=True)
class InflectionRules:
    """How one language inflects names, as far as transflow recognises it."""

    # Case endings written straight after a name ("Aliyev" + "s").
    endings: frozenset[str] = frozenset()
    # Final vowels an ending replaces ("Polska" → "Polsk" + "i").
    replaced_vowels: str = ""
    # Characters after which a case suffix follows a name ("Bakü'de", "EU:n").
    suffix_marks: str = ""
    # Where the dictionary comes from: "simplemma:<code>", "pymorphy3:<code>" or "".
    dictionary: str = ""

    @functools.cached_property
    def _dictionary(self) -> Dictionary | None:
        kind, _, code = self.dictionary.partition(":")
        if kind == "pymorphy3":
            return PymorphyDictionary(code)
        return SimplemmaDictionary(code) if kind == "simplemma" else None

    def accepts(self, token: str, word: str, *, head: bool) -> bool:
        """Whether ``token`` in a translation is ``word`` inflected (or ``word`` itself)."""
        if token == word:
            return True
        if not token or not word or token[0] != word[0]:
            return False
        if token.startswith(word) and self.marked_suffix_end(token, len(word)) == len(token):
            return True
        for stem in self._stems(word):
            if token.startswith(stem) and token[len(stem) :] in self.endings:
                return True
        dictionary = self._dictionary
        return dictionary is not None and dictionary.accepts(token, word, head=head)

    def marked_suffix_end(self, text: str, end: int) -> int | None:
        """Where a case suffix after a mark ("'de", ":n") at ``end`` of ``text`` ends, if any."""
        if not self.suffix_marks or end >= len(text) or text[end] not in self.suffix_marks:
            return None
        suffix = _LETTERS.match(text, end + 1)
        if suffix is None or len(suffix.group()) > MAX_MARKED_SUFFIX:
            return None
        return suffix.end()

    def _stems(self, word: str) -> tuple[str, ...]:
        if self.replaced_vowels and len(word) > 3 and word[-1] in self.replaced_vowels:
            return (word, word[:-1])
        return (word,)


_LETTERS = re.compile(r"[^\W\d_]+")
MAX_MARKED_SUFFIX = 8  # Turkish "Bakü'dekilerden" is longer, but rare

# Case endings of names (written forms, not every rule of each grammar).
_POLISH = _words("a u owi em iem ie e ę ą y i om ów ami ach owie")
_CZECH = _words("a u ovi em e ě i y ou ů ech ům ami ové")
_SLOVAK = _words("a u ovi om e i y ou ov och ami")
_SLOVENE = _words("a u om em e i ov ih")
_SERBO_CROATIAN = _words("a u om em e i ov ovi ima")
_FINNISH_CASES = _words(
    "n a ä ta tä na nä ksi ssa ssä sta stä lla llä lta ltä lle han hen hin hon hun hyn hän hön"
)
# Consonant-final foreign names take a linking "i" first: "Aliyevin", "Aliyeville".
_FINNISH = _FINNISH_CASES | {"i" + ending for ending in _FINNISH_CASES} | {"iin"}
_HUNGARIAN = _words(
    "t ot et öt at nak nek ban ben ba be ból ből ról ről ra re hoz hez höz nál nél tól től "
    "val vel ért ig on en ön n"
)
_AZERBAIJANI = _words(
    "ın in un ün nın nin nun nün a ə ya yə ı i u ü nı ni nu nü "
    "da də dan dən la lə yla ylə dakı dəki"
)
_GENITIVE_S = _words("s")

RULES: dict[str, InflectionRules] = {
    "de": InflectionRules(_words("s es"), dictionary="simplemma:de"),
    "sv": InflectionRules(_GENITIVE_S, suffix_marks=":", dictionary="simplemma:sv"),
    "da": InflectionRules(_GENITIVE_S, dictionary="simplemma:da"),
    "nb": InflectionRules(_GENITIVE_S, dictionary="simplemma:nb"),
    "nn": InflectionRules(_GENITIVE_S, dictionary="simplemma:nn"),
    "is": InflectionRules(_GENITIVE_S, dictionary="simplemma:is"),
    "pl": InflectionRules(_POLISH, "ao", dictionary="simplemma:pl"),
    "cs": InflectionRules(_CZECH, "ao", dictionary="simplemma:cs"),
    "sk": InflectionRules(_SLOVAK, "ao", dictionary="simplemma:sk"),
    "sl": InflectionRules(_SLOVENE, "ao", dictionary="simplemma:sl"),
    "hr": InflectionRules(_SERBO_CROATIAN, "ao", dictionary="simplemma:hbs"),
    "bs": InflectionRules(_SERBO_CROATIAN, "ao", dictionary="simplemma:hbs"),
    "sr": InflectionRules(_SERBO_CROATIAN, "ao", dictionary="simplemma:hbs"),
    "ru": InflectionRules(dictionary="pymorphy3:ru"),
    "uk": InflectionRules(dictionary="pymorphy3:uk"),
    "fi": InflectionRules(_FINNISH, suffix_marks=":", dictionary="simplemma:fi"),
    "hu": InflectionRules(_HUNGARIAN, suffix_marks="-", dictionary="simplemma:hu"),
    # Turkish writes every case suffix of a name after an apostrophe; without one
    # it is a derivation ("Bakülü", from Baku), so no dictionary is asked.
    "tr": InflectionRules(suffix_marks="'"),
    "az": InflectionRules(_AZERBAIJANI, suffix_marks="'"),
    # Dictionary only: simplemma's tables, no rules for names it does not know.
    **{
        language: InflectionRules(dictionary=f"simplemma:{language}")
        for language in ("lt", "lv", "el", "ro", "sq", "hy", "ka", "la", "ga", "et")
    },
}


def rules_for(language: str) -> InflectionRules | None:
    """How ``language`` (any tag: ``de-AT`` uses ``de``) inflects names; None if it does not."""
    try:
        return RULES.get(base(language))
    except UnknownLanguageError:
        return None


# A word of a translation: up to the next space, without the punctuation after it.
_TOKEN = re.compile(r"\S+")
_TRAILING = ".,;:!?)]}»«”“\"'’…"


class InflectionMatcher(Generic[Value]):
    """Inflected occurrences of forms (of any number of words) in text of one language.

    ``patterns`` are (form, value) pairs as for ``TermMatcher``. ``find``
    reports each occurrence whose words inflect the form's words, at least one
    of them not as written — exact occurrences are ``TermMatcher``'s.
    """

    def __init__(self, language: str, patterns: Iterable[tuple[str, Value]]) -> None:
        self.rules = rules_for(language)
        self._automaton = ahocorasick.Automaton()
        if self.rules is None:
            return
        entries: dict[str, list[tuple[tuple[str, ...], Value]]] = {}
        for form, value in patterns:
            words = tuple(fold(form).split())
            if words:
                entries.setdefault(_stem(words[0]), []).append((words, value))
        for stem, forms in entries.items():
            self._automaton.add_word(stem, (len(stem), forms))
        if len(self._automaton):
            self._automaton.make_automaton()

    def __bool__(self) -> bool:
        return len(self._automaton) > 0

    def find(self, text: str) -> list[TermMatch[Value]]:
        """Non-overlapping inflected occurrences, leftmost-longest, in text order."""
        if not self or self.rules is None:
            return []
        folded = fold(text)
        candidates = []
        for last, (length, forms) in self._automaton.iter(folded):
            start = last - length + 1
            if start > 0 and is_word_character(folded[start - 1]):
                continue
            for words, value in forms:
                end = self._inflected_end(folded, start, words)
                if end is not None:
                    candidates.append(TermMatch(start, end, value))
        candidates.sort(key=lambda match: (match.start, -match.length))
        chosen: list[TermMatch[Value]] = []
        covered_until = 0
        for match in candidates:
            if match.start >= covered_until:
                chosen.append(match)
                covered_until = match.end
        return chosen

    def _inflected_end(self, text: str, start: int, words: tuple[str, ...]) -> int | None:
        """Where the occurrence of ``words`` inflected at ``start`` ends, if there is one."""
        assert self.rules is not None
        tokens = _TOKEN.finditer(text, start)
        end = start
        changed = False
        for index, word in enumerate(words):
            found = next(tokens, None)
            if found is None or (index == 0 and found.start() != start):
                return None
            token = found.group().rstrip(_TRAILING)
            if "-" not in word:  # "Aliyevs-Regierung": the name ends at the hyphen
                token = token.split("-", 1)[0]
            if not self.rules.accepts(token, word, head=index == len(words) - 1):
                return None
            changed = changed or token != word
            end = found.start() + len(token)
        return end if changed else None


def _stem(word: str) -> str:
    """The start of a word that its inflected forms keep (endings change the last letters)."""
    return word[: max(min(len(word), 3), len(word) - 3)]
