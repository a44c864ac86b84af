"""Language tags (``transflow.languages``): one normalised BCP 47 tag, gettext's form on disk."""

from __future__ import annotations

import pytest

from transflow.languages import (
    UnknownLanguageError,
    base,
    fallbacks,
    gettext_name,
    is_character_level,
    normalise,
    normalise_list,
    plural_forms,
    same_language,
)


@pytest.mark.parametrize(
    ("written", "tag"),
    [
        ("pt-BR", "pt-BR"),
        ("pt_BR", "pt-BR"),
        ("pt-br", "pt-BR"),
        ("PT", "pt"),
        ("por", "pt"),
        ("ger", "de"),
        ("deu", "de"),
        ("iw", "he"),
        ("EN-us", "en-US"),
        (" de ", "de"),
        ("sr@latin", "sr-Latn"),
        ("zh_TW", "zh-TW"),
    ],
)
def test_every_way_of_writing_a_language_gives_one_tag(written: str, tag: str) -> None:
    assert normalise(written) == tag


@pytest.mark.parametrize("bad", ["xx", "und", "", "12", "sr@klingon", "pt-", "en--US"])
def test_invalid_tags_are_refused(bad: str) -> None:
    with pytest.raises(UnknownLanguageError, match="unknown language"):
        normalise(bad)


def test_a_language_name_gets_a_suggestion() -> None:
    with pytest.raises(UnknownLanguageError, match="did you mean en\\?"):
        normalise("english")
    with pytest.raises(UnknownLanguageError, match="did you mean pt\\?"):
        normalise("Portuguese")


def test_a_list_is_normalised_and_each_language_kept_once() -> None:
    assert normalise_list("pt,pt_BR, PT,de,,por") == ["pt", "pt-BR", "de"]
    assert normalise_list(["pt-br", "pt_BR"]) == ["pt-BR"]


@pytest.mark.parametrize(
    ("tag", "name"),
    [("pt-BR", "pt_BR"), ("pt", "pt"), ("zh-Hant-TW", "zh_TW"), ("sr-Latn", "sr@latin")],
)
def test_gettext_names_round_trip(tag: str, name: str) -> None:
    assert gettext_name(tag) == name
    assert normalise(name) == normalise(gettext_name(name))


def test_fallbacks_go_from_specific_to_general() -> None:
    assert fallbacks("pt_BR") == ["pt-BR", "pt"]
    assert fallbacks("zh-Hant-TW") == ["zh-Hant-TW", "zh-Hant", "zh"]
    assert fallbacks("de") == ["de"]
    assert base("pt-BR") == "pt"
    assert same_language("pt-BR", "pt-PT")
    assert not same_language("pt", "es")


def test_plural_forms_come_from_cldr() -> None:
    assert plural_forms("de") == "nplurals=2; plural=(n != 1);"
    assert plural_forms("ja") == "nplurals=1; plural=0;"
    assert plural_forms("ru").startswith("nplurals=3;")
    # a regional tag without its own rules takes the language's
    assert plural_forms("de-AT") == plural_forms("de")


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("ja", True),
        ("zh_TW", True),
        ("zh-Hans", True),
        ("th", True),
        ("lo", True),
        ("km", True),
        ("my", True),
        ("pt", False),
        ("pt_BR", False),
        ("ko", False),
        ("", False),
        (None, False),
    ],
)
def test_character_level_languages(language: str | None, expected: bool) -> None:
    assert is_character_level(language) is expected
