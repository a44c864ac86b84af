"""Detecting an article's language: clear cases found, short and mixed ones never an alarm."""

from __future__ import annotations

import pytest

from transflow.source.language_detection import (
    MIN_LETTERS,
    detect_language,
    language_shares,
    mismatched_language,
)

ENGLISH = """\
The President of Azerbaijan, Ilham Aliyev, received his Israeli counterpart Isaac Herzog in \
Baku on Tuesday. The two leaders discussed energy supplies, trade and cooperation in \
agriculture, and signed agreements on water management and cyber security.

Herzog, who arrived with a delegation of business leaders, said the visit marked thirty years \
of diplomatic relations between the two countries. "We are building bridges between peoples," \
he told reporters outside the presidential palace."""

PORTUGUESE = """\
O Presidente do Azerbaijão, Ilham Aliyev, recebeu na terça-feira em Baku o seu homólogo \
israelita, Isaac Herzog. Os dois dirigentes discutiram o fornecimento de energia, o comércio e \
a cooperação na agricultura, e assinaram acordos sobre a gestão da água e a cibersegurança.

Herzog, que chegou acompanhado de uma delegação de empresários, afirmou que a visita assinala \
trinta anos de relações diplomáticas entre os dois países. "Estamos a construir pontes entre \
os povos", disse aos jornalistas à saída do palácio presidencial."""

BRAZILIAN = """\
O presidente do Azerbaijão, Ilham Aliyev, recebeu nesta terça-feira em Baku o seu colega \
israelense, Isaac Herzog. Os dois líderes conversaram sobre o fornecimento de energia, o \
comércio e a cooperação na agricultura, e assinaram acordos de gestão de água e segurança \
cibernética durante a visita oficial ao país."""

GERMAN = """\
Der aserbaidschanische Präsident Ilham Aliyev hat am Dienstag in Baku seinen israelischen \
Amtskollegen Isaac Herzog empfangen. Die beiden Staatschefs sprachen über Energielieferungen, \
Handel und die Zusammenarbeit in der Landwirtschaft und unterzeichneten Abkommen über \
Wasserwirtschaft und Cybersicherheit.

Herzog, der mit einer Delegation von Unternehmern angereist war, sagte, der Besuch markiere \
dreißig Jahre diplomatische Beziehungen zwischen beiden Ländern."""

PORTUGUESE_QUOTE = """\
Numa declaração conjunta, os dois governos afirmaram: «Estamos empenhados em aprofundar a \
nossa parceria estratégica nos próximos anos, em benefício dos nossos povos.»"""

ENGLISH_QUOTE = """\
"We are building bridges between peoples," Herzog said in English, before switching to Hebrew \
for the rest of his remarks at the palace."""


@pytest.mark.parametrize(
    ("text", "language"),
    [(ENGLISH, "en"), (PORTUGUESE, "pt"), (BRAZILIAN, "pt"), (GERMAN, "de")],
)
def test_detects_the_language_of_a_paragraph(text: str, language: str) -> None:
    tag, probability = detect_language(text)
    assert tag == language
    assert probability > 0.9
    for paragraph in text.split("\n\n"):
        assert detect_language(paragraph)[0] == language


def test_upper_case_text_is_still_recognised() -> None:
    assert detect_language(ENGLISH.upper())[0] == "en"


def test_tags_are_bcp_47() -> None:
    hebrew = "הנשיא הגיע לבאקו ביום שלישי כדי לדון בסחר ובאנרגיה עם עמיתו, ונפגש עם אנשי עסקים."
    assert detect_language(hebrew)[0] == "he"  # CLD2 says "iw"
    traditional = "中華民國總統今天在台北會見了來訪的亞塞拜然總統，雙方討論了貿易和能源合作問題。"
    assert detect_language(traditional)[0] == "zh-Hant"


@pytest.mark.parametrize(("text", "wrong"), [(ENGLISH, "pt"), (PORTUGUESE, "en"), (GERMAN, "en")])
def test_an_article_in_another_language_is_a_mismatch(text: str, wrong: str) -> None:
    found = mismatched_language(text, wrong)
    assert found is not None
    tag, share = found
    assert tag == detect_language(text)[0]
    assert share > 0.9


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ENGLISH, "en"),
        (ENGLISH, "en-GB"),  # a regional variant is the same language
        (BRAZILIAN, "pt-PT"),
        (PORTUGUESE, "pt-BR"),
        (GERMAN, "de-AT"),
    ],
)
def test_the_right_language_is_no_mismatch(text: str, expected: str) -> None:
    assert mismatched_language(text, expected) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (ENGLISH + "\n\n" + PORTUGUESE_QUOTE, "en"),  # an English article quoting Portuguese
        (ENGLISH + "\n\n" + PORTUGUESE_QUOTE, "pt"),  # a third of it is Portuguese
        (PORTUGUESE + "\n\n" + ENGLISH_QUOTE, "pt"),
        (PORTUGUESE + "\n\n" + ENGLISH_QUOTE, "en"),
        (ENGLISH + "\n\n" + PORTUGUESE, "pt"),  # a bilingual article
        (ENGLISH + "\n\n" + PORTUGUESE, "en"),
    ],
)
def test_mixed_articles_are_no_false_alarm(text: str, expected: str) -> None:
    assert mismatched_language(text, expected) is None


@pytest.mark.parametrize(
    "text",
    [
        "Herzog visita Baku.",  # a headline
        "Isaac Herzog visits Baku for talks on energy.",
        "Ilham Aliyev and Isaac Herzog\n\nBaku, Azerbaijan",  # names only: CLD2 says Azeri
        "Presidente chega a Baku.\n\nEncontro dura duas horas.\n\nAcordos assinados.",
        "12:30 — 14:00 · 3 × 2 = 6 · https://president.az/en · @presidentaz",
        "",
    ],
)
def test_short_texts_are_never_a_mismatch(text: str) -> None:
    letters = sum(character.isalpha() for character in text)
    assert letters < MIN_LETTERS
    assert mismatched_language(text, "en") is None
    assert mismatched_language(text, "de") is None


def test_text_cld2_calls_invalid_is_cleaned_not_fatal() -> None:
    dirty = "\x00\x07\x1b[31m\x7f\x85\ufffe\U0010ffff\ud800".join(PORTUGUESE.split(" "))
    assert detect_language(dirty)[0] == "pt"
    assert mismatched_language(dirty, "en") is not None


def test_shares_add_up_for_mixed_text() -> None:
    shares = language_shares(ENGLISH + "\n\n" + PORTUGUESE)
    assert shares.reliable
    assert {tag for tag, _ in shares.shares} == {"en", "pt"}
    assert 0.3 < shares.share("pt") < 0.7
    assert shares.share("pt-BR") == shares.share("pt")
