"""Language tags: one normalised BCP 47 form everywhere, gettext's form on disk.

Users name languages every way there is (``pt-BR``, ``pt_BR``, ``PT``,
``por``, ``Portuguese``); models, glossaries, PO headers and folders each
have their own convention. Everything inside transflow compares the BCP 47
tag that :func:`normalise` returns (``pt-BR``); :func:`gettext_name` is the
form PO files and ``locales/`` folders use (``pt_BR``). Parsing is
langcodes' and CLDR data is babel's, not string splitting.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable

import langcodes
from babel import UnknownLocaleError
from babel.messages.plurals import get_plural
from langcodes.tag_parser import LanguageTagError

from transflow.errors import TransflowError

# Scripts without spaces between words: diffs, piece joins and word counts
# work on characters there.
CHARACTER_LEVEL_LANGUAGES = frozenset({"zh", "ja", "th", "lo", "km", "my", "bo", "yue", "wuu"})
# gettext writes script variants as modifiers (``sr@latin``); BCP 47 as subtags.
_GETTEXT_MODIFIERS = {"latin": "Latn", "cyrillic": "Cyrl", "arabic": "Arab", "devanagari": "Deva"}
_GETTEXT_SCRIPTS = {script: modifier for modifier, script in _GETTEXT_MODIFIERS.items()}


class UnknownLanguageError(TransflowError):
    """A language name or tag that is not a valid BCP 47 language."""


@functools.lru_cache(maxsize=1024)
def normalise(value: str) -> str:
    """The normalised BCP 47 tag of ``value``: ``pt_BR``, ``pt-br`` and ``PT-BR`` are ``pt-BR``.

    ISO 639-2/3 codes become the shortest form (``por`` → ``pt``, ``ger`` →
    ``de``), deprecated ones their replacement (``iw`` → ``he``). Anything
    that is not a known language raises :class:`UnknownLanguageError`, with a
    suggestion when the value is a language's name (``english`` → ``en``).
    """
    text = value.strip()
    if "@" in text:
        text, _, modifier = text.partition("@")
        script = _GETTEXT_MODIFIERS.get(modifier.lower())
        if script is None:
            raise UnknownLanguageError(_refusal(value))
        text = f"{text}-{script}"
    text = text.replace("_", "-")
    try:
        language = langcodes.Language.get(text)
    except (LanguageTagError, ValueError):
        raise UnknownLanguageError(_refusal(value)) from None
    if not language.language or language.language == "und" or not language.is_valid():
        raise UnknownLanguageError(_refusal(value))
    return language.to_tag()


def normalise_list(value: str | Iterable[str]) -> list[str]:
    """Comma-separated or listed languages, normalised, each once, in the order given."""
    items = value.split(",") if isinstance(value, str) else value
    return list(dict.fromkeys(normalise(item) for item in items if item.strip()))


def base(tag: str) -> str:
    """The language alone: ``pt`` for ``pt-BR``, ``zh`` for ``zh-Hant-TW``."""
    return langcodes.Language.get(normalise(tag)).language or tag


def fallbacks(tag: str) -> list[str]:
    """``tag`` and the more general tags that may stand in for it, most specific first.

    ``zh-Hant-TW`` → ``zh-Hant-TW``, ``zh-Hant``, ``zh``: a glossary column,
    a model or a rule for the broader tag serves the narrower one.
    """
    language = langcodes.Language.get(normalise(tag))
    chain = [language.to_tag()]
    for dropped in ("variants", "territory", "script"):
        language = language.update_dict({dropped: None})
        chain.append(language.to_tag())
    return list(dict.fromkeys(chain))


def gettext_name(tag: str) -> str:
    """The form gettext uses for ``tag`` in ``Language`` headers and folder names.

    ``pt-BR`` → ``pt_BR``, ``zh-Hant-TW`` → ``zh_TW`` (the territory implies
    the script), ``sr-Latn`` → ``sr@latin``.
    """
    language = langcodes.Language.get(normalise(tag))
    name = language.language or "und"
    if language.territory:
        return f"{name}_{language.territory}"
    modifier = _GETTEXT_SCRIPTS.get(language.script or "")
    return f"{name}@{modifier}" if modifier else name


def plural_forms(tag: str) -> str:
    """The ``Plural-Forms`` header value for ``tag``, from CLDR (babel)."""
    for candidate in fallbacks(tag):
        try:
            return str(get_plural(candidate.replace("-", "_")).plural_forms)
        except (UnknownLocaleError, ValueError):
            continue
    return "nplurals=2; plural=(n != 1);"


def display_name(tag: str) -> str:
    """A readable English name: ``Portuguese (Brazil)``."""
    return langcodes.Language.get(normalise(tag)).display_name()


def is_character_level(tag: str | None) -> bool:
    """Whether text in ``tag`` is compared, counted and joined by character, not by word."""
    if not tag:
        return False
    try:
        return base(tag) in CHARACTER_LEVEL_LANGUAGES
    except UnknownLanguageError:
        return False


def same_language(first: str, second: str) -> bool:
    """Whether two tags name the same base language (``pt-BR`` and ``pt-PT`` do)."""
    return base(first) == base(second)


def _refusal(value: str) -> str:
    message = f"unknown language {value!r} (use a BCP 47 tag such as en, pt-BR or de)"
    try:
        found = langcodes.find(value.strip())
    except LookupError:
        return message
    return f"unknown language {value!r}: did you mean {found.to_tag()}?"


def tag_for_name(name: str) -> str:
    """The tag of a language *named* in English (``Portuguese`` → ``pt``), as model metadata does.

    Raises :class:`UnknownLanguageError` when langcodes knows no such language.
    """
    try:
        return normalise(langcodes.find(name.strip()).to_tag())
    except LookupError:
        raise UnknownLanguageError(f"unknown language name {name!r}") from None


PAIR_SEPARATORS = ("→", "->", ":")


def parse_pair(text: str) -> tuple[str, str]:
    """A language pair written ``en→pt-BR``, ``en->pt-BR``, ``en:pt-BR`` or ``en-pt-BR``.

    With a hyphen, the one split whose halves are both valid tags wins
    (``pt-BR-en`` is pt-BR→en); a half that starts with an upper-case subtag
    is a region, not a language (``en-pt-BR`` is not en-PT→br). An ambiguous
    or invalid pair raises :class:`UnknownLanguageError`.
    """
    for separator in PAIR_SEPARATORS:
        if separator in text:
            source, _, target = text.partition(separator)
            return normalise(source), normalise(target)
    parts = text.strip().split("-")
    splits = set()
    for cut in range(1, len(parts)):
        if parts[cut].isupper() and not text.isupper():
            continue
        try:
            splits.add((normalise("-".join(parts[:cut])), normalise("-".join(parts[cut:]))))
        except UnknownLanguageError:
            continue
    if len(splits) != 1:
        raise UnknownLanguageError(
            f"{text!r} is not a language pair (write it as SOURCE→TARGET or SOURCE:TARGET, "
            "e.g. en:pt-BR)"
        )
    return splits.pop()
