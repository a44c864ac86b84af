"""Candidate terms: names not at sentence start, not yet in the glossary, most frequent first."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import DATA, REPO_GLOSSARY
from transflow.errors import InputError
from transflow.glossary.editing import new_term
from transflow.glossary.model import Glossary, load_glossary
from transflow.glossary.suggestions import suggest_terms

SAMPLE = DATA / "articles" / "azerbaijan-israel-presidents-baku.txt"


def article(tmp_path: Path, text: str, name: str = "story.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def texts(articles: list[Path], glossary: Glossary | None = None, **options) -> list[str]:
    return [s.text for s in suggest_terms(articles, glossary or Glossary(), **options)]


def test_multi_word_names_with_connectors(tmp_path: Path) -> None:
    path = article(
        tmp_path,
        "He laid a wreath in the Alley of Martyrs on Monday. Officials of the Ministry of "
        "Health met Bashar al-Assad and the Ministry of the Interior. They toured Gala and "
        "Baku.",
    )
    assert texts([path]) == [
        "Alley of Martyrs",
        "Ministry of Health",
        "Bashar al-Assad",
        "Ministry of the Interior",
        "Gala",
        "Baku",
    ]


def test_sentence_start_does_not_count_as_a_capital(tmp_path: Path) -> None:
    path = article(
        tmp_path,
        "Moreover, talks went on. Baku hosted them. Officials said Baku was ready.\n\n"
        "Stone walls surround the old town.",
    )
    assert texts([path]) == ["Baku"]
    [baku] = suggest_terms([path], Glossary())
    assert baku.count == 1  # the sentence-initial "Baku" is not counted


def test_glossary_terms_are_excluded_with_the_matcher(tmp_path: Path) -> None:
    path = article(
        tmp_path,
        "Then President Ilham Aliyev met Isaac Herzog in Baku’s old town. "
        "The president spoke about Azerbaijan-Israel ties with Herzog.",
    )
    glossary = Glossary(
        terms=[new_term(t) for t in ("Ilham Aliyev", "Herzog", "Azerbaijan", "Israel", "Baku")]
    )
    # "President" is used in lower case elsewhere; "Isaac" stays, "Herzog" is protected;
    # "Baku’s" and the hyphenated compound hold protected terms.
    assert texts([path], glossary) == ["Isaac"]


def test_common_words_months_and_quoted_sentence_starts(tmp_path: Path) -> None:
    path = article(
        tmp_path,
        "He said on 30 May, “We look at the region,” and Mr Herzog left in March. "
        "She added: “The talks were good.” Aliyev agreed with Dr. Bayramov’s plan.",
    )
    assert texts([path]) == ["Herzog", "Bayramov"]


def test_punctuation_splits_names_and_possessives_are_dropped(tmp_path: Path) -> None:
    path = article(tmp_path, "Ties between Azerbaijan, Israel and Iran grew after Israel’s move.")
    assert texts([path]) == ["Israel", "Azerbaijan", "Iran"]


def test_decomposed_accents_stay_in_the_word(tmp_path: Path) -> None:
    path = article(tmp_path, "They met Jose\u0301 Silva and Jose Silva.")
    assert texts([path]) == ["Jose\u0301 Silva", "Jose Silva"]


def test_ranking_limit_example_and_line(tmp_path: Path) -> None:
    first = article(tmp_path, "A visit to Gala.\n\nThey drove from Baku to Gala.\n", "one.txt")
    second = article(tmp_path, "Later they left Gala for Baku again.\n", "two.txt")
    suggestions = suggest_terms([first, second], Glossary())
    assert [(s.text, s.count) for s in suggestions] == [("Gala", 3), ("Baku", 2)]
    gala, baku = suggestions
    assert (gala.article, gala.line, gala.example) == (first, 1, "A visit to Gala.")
    assert (baku.article, baku.line) == (first, 3)
    assert texts([first, second], limit=1) == ["Gala"]
    assert texts([first, second], limit=0) == ["Gala", "Baku"]


def test_title_case_headlines_are_skipped_but_captions_are_read(tmp_path: Path) -> None:
    path = article(
        tmp_path,
        "Azerbaijani and Israeli Presidents Meet in Baku\n\n"
        "The President of Azerbaijan Ilham Aliyev and the President of Israel Isaac Herzog.\n",
    )
    assert texts([path]) == [
        "President of Azerbaijan Ilham Aliyev",
        "President of Israel Isaac Herzog",
    ]


def test_markdown_markup_urls_and_code_are_not_names(tmp_path: Path) -> None:
    path = article(
        tmp_path,
        '# Talks\n\nThe talks on [Trade](https://example.com/Trade "Official Site") used '
        "`GetTradeData` and <https://president.az/Home> with **Jeyhun Bayramov**.\n",
        "story.md",
    )
    assert texts([path]) == ["Trade", "Jeyhun Bayramov"]


def test_the_sample_article_with_the_repository_glossary() -> None:
    suggestions = suggest_terms([SAMPLE], load_glossary([REPO_GLOSSARY]), limit=None)
    found = {s.text: s.count for s in suggestions}
    assert found["Israeli"] == 3
    assert "Ministries of Health" in found
    assert "Azerbaijani Foreign Minister" in found
    # Everything the glossary protects, sentence starters and common words stay out.
    for absent in ("Baku", "Herzog", "Alley of Martyrs", "Moreover", "March", "May", "We", "The"):
        assert absent not in found
    assert suggestions[0].text == "Israeli"


def test_unreadable_article_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        suggest_terms([tmp_path / "missing.txt"], Glossary())
