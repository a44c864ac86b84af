"""The definite article before a term that masking put back.

When a term is masked, the model writes the article its invented stand-in
seems to need: "visitou o Zvirok", "de Zvirok". Put back, the approved form
then disagrees with it: "visitou o Alameda dos Mártires" instead of "a
Alameda", "de França" instead of "da França". Measured on the bundled en→pt
model (``benchmarks/placeholder_bench.py``), a third of masked place and
organisation names got a wrong article or contraction this way, and fixing
the word before the term from the term's own article brought that to about 5 %.

The article comes from the glossary (``article_pt``: ``o``, ``a``, ``os``,
``as``, or ``-`` for a name that takes none, like "Israel"); nothing is
guessed. Only the word right before the restored term is changed, so the rest
of the model's sentence is left as it wrote it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property

from transflow.languages import UnknownLanguageError, base

NO_ARTICLE = "-"


@dataclass(frozen=True)
class ArticleRules:
    """A language's definite articles and how prepositions combine with them."""

    articles: frozenset[str]
    # (preposition, article) → one word: Portuguese "de" + "a" → "da".
    contractions: Mapping[tuple[str, str], str]
    # Prepositions written apart from the article: "com a França".
    separate: frozenset[str]
    # Words that are both a preposition and an article (Portuguese "a"): left
    # alone, since which one the model meant cannot be told.
    ambiguous: frozenset[str] = frozenset()

    @cached_property
    def _by_form(self) -> dict[str, tuple[str, str]]:
        return {form: pair for pair, form in self.contractions.items()}

    def split(self, word: str) -> tuple[str, str] | None:
        """(preposition, article) of a contraction such as "do", else None."""
        return self._by_form.get(word)

    @cached_property
    def prepositions(self) -> frozenset[str]:
        contracting = {preposition for preposition, _ in self.contractions}
        return frozenset(contracting | self.separate) - self.ambiguous


def _contractions(table: dict[str, str], articles: str) -> dict[tuple[str, str], str]:
    """``table`` maps a preposition to its forms with each article ("=": written apart)."""
    return {
        (preposition, article): form
        for preposition, forms in table.items()
        for article, form in zip(articles.split(), forms.split(), strict=True)
        if form != "="
    }


RULES: dict[str, ArticleRules] = {
    "pt": ArticleRules(
        articles=frozenset({"o", "a", "os", "as"}),
        contractions=_contractions(
            {
                "de": "do da dos das",
                "em": "no na nos nas",
                "por": "pelo pela pelos pelas",
                "a": "ao à aos às",
            },
            "o a os as",
        ),
        separate=frozenset({"com", "para", "sobre", "entre", "contra", "até", "sem"}),
        ambiguous=frozenset({"a"}),
    ),
    "es": ArticleRules(
        articles=frozenset({"el", "la", "los", "las"}),
        contractions=_contractions({"de": "del = = =", "a": "al = = ="}, "el la los las"),
        separate=frozenset({"en", "con", "para", "sobre", "entre", "contra", "hasta", "sin"}),
    ),
}


def rules_for(language: str) -> ArticleRules | None:
    """The article rules of a language tag ("pt-BR", "pt_PT" use "pt"), if transflow has them."""
    try:
        return RULES.get(base(language))
    except UnknownLanguageError:
        return None


# The word before a term, the spaces after it, perhaps an opening quote.
_LAST_WORD = re.compile(r"(\w+)(\s+)([\"“„«]?)$")


def fix_article(before: str, article: str, rules: ArticleRules) -> str:
    """``before`` (the text up to a restored term) ending as the term's ``article`` needs.

    ``article`` is one of ``rules.articles`` or ``NO_ARTICLE``. A contraction is
    re-made with the right article ("do" → "da"), or undone for a name without
    one ("do" → "de"); a wrong article is replaced or dropped; a missing one is
    added after a preposition ("de" → "da", "com" → "com a") and at the start
    of the sentence. An opening quote before the term stays next to it. Any
    other word is left alone.
    """
    wanted = None if article == NO_ARTICLE else article
    match = _LAST_WORD.search(before)
    if match is None:
        at_start = not re.search(r"\w", before)
        return before + wanted.capitalize() + " " if wanted and at_start else before
    word, space, quote = match.groups()
    head = before[: match.start()]
    lower = word.lower()
    if (pair := rules.split(lower)) is not None:
        lower, word = pair[0], _cased(pair[0], word)  # "do" is "de" plus an article
    elif lower in rules.articles and lower not in rules.ambiguous:
        if wanted is None:
            return (head if head.strip() else head.rstrip()) + quote
        return head + _cased(wanted, word) + space + quote
    elif lower not in rules.prepositions:
        return before
    if wanted is None:
        return head + word + space + quote
    contracted = rules.contractions.get((lower, wanted))
    if contracted is not None:
        return head + _cased(contracted, word) + space + quote
    return head + word + space + wanted + " " + quote


def _cased(new: str, old: str) -> str:
    return new.capitalize() if old[:1].isupper() else new
