"""Inline Markdown: what the engine sees, and how the translation gets its markup back."""

from __future__ import annotations

import pytest

from transflow.source.markup import restore_inline, strip_inline


@pytest.mark.parametrize(
    ("sentence", "plain"),
    [
        ("Plain text stays as it is.", "Plain text stays as it is."),
        ("*Emphasis*, _emphasis_, **strong**, __strong__.", "Emphasis, emphasis, strong, strong."),
        ("***Both*** and ~~struck~~ text.", "Both and struck text."),
        ('The [president](https://president.az/en "Official site") spoke.', "The president spoke."),
        (
            "An ![inline image](pic.png) and a [reference][id] and [collapsed][].",
            "An inline image and a reference and collapsed.",
        ),
        ("Run `pip install transflow` first.", "Run pip install transflow first."),
        ("Code `` with ` tick `` here.", "Code with ` tick here."),
        (
            "Write to <press@example.com> or see <https://president.az>.",
            "Write to press@example.com or see https://president.az.",
        ),
        ("Some <b>bold</b> HTML.", "Some bold HTML."),
        ("Escaped \\*stars\\* and \\[brackets\\].", "Escaped *stars* and [brackets]."),
        ("2 * 3 = 6, snake_case_name and a*b stay.", "2 * 3 = 6, snake_case_name and a*b stay."),
        ("Unclosed [bracket, `tick and <tag stay.", "Unclosed [bracket, `tick and <tag stay."),
        ("[Shortcut] references need the document.", "[Shortcut] references need the document."),
        ("Hard  \nbreak and soft\nbreak.", "Hard\nbreak and soft\nbreak."),
        (
            "**Half of an emphasis split by the segmenter.",
            "Half of an emphasis split by the segmenter.",
        ),
    ],
)
def test_strip_inline_gives_the_engine_plain_text(sentence: str, plain: str) -> None:
    stripped, markup = strip_inline(sentence)
    assert stripped == plain == markup.plain


def test_code_and_urls_are_protected_spans() -> None:
    plain, markup = strip_inline(
        "Install `transflow` from <https://pypi.org/project/transflow> or www.example.com/a_b."
    )
    assert [(p.kind, p.text) for p in markup.protected] == [
        ("code", "transflow"),
        ("url", "https://pypi.org/project/transflow"),
        ("url", "www.example.com/a_b"),
    ]
    assert all(plain[p.start : p.end] == p.text for p in markup.protected)


@pytest.mark.parametrize(
    "sentence",
    [
        'The president, [Ilham Aliyev](https://president.az/en "Official"), met **Isaac Herzog**.',
        "Run `pip install transflow` or `` a`b `` to start.",
        "See <https://president.az> and <press@example.com>.",
        "**Update:** Talks *resumed* after `2` days.",
        "Escaped \\*asterisks\\* and \\_underscores\\_ stay.",
        "***Both*** and **nested *emphasis* here**.",
        "[**Bold link**](http://x.y) and ![alt *text*](i.png).",
        "__a__ _b_ ~~c~~ ~d~ [a](u) [b](v) [a](w) *a* and *a*.",
        "**First sentence of an emphasised passage.",
        "Last sentence of an emphasised passage.**",
        "<b>Whole sentence in HTML.</b>",
    ],
)
def test_restoring_onto_the_unchanged_text_gives_the_sentence_back(sentence: str) -> None:
    plain, markup = strip_inline(sentence)
    assert restore_inline(plain, markup).text == sentence
    assert restore_inline(plain, markup).lost == ()


@pytest.mark.parametrize(
    ("sentence", "translation", "restored"),
    [
        ("**Breaking news.**", "Notícias urgentes.", "**Notícias urgentes.**"),
        ("*Breaking news*.", "Notícias urgentes.", "*Notícias urgentes*."),
        ("*“A quote.”*", "«Uma citação.»", "*«Uma citação.»*"),
        (
            "[**Read the statement**](https://x.az/s)",
            "Leia a declaração",
            "[**Leia a declaração**](https://x.az/s)",
        ),
        ("~~Retracted claim.~~", "Alegação retirada.", "~~Alegação retirada.~~"),
        (
            'The president, [Ilham Aliyev](https://president.az "Official"), met Herzog.',
            "O presidente, Ilham Aliyev, encontrou Herzog.",
            'O presidente, [Ilham Aliyev](https://president.az "Official"), encontrou Herzog.',
        ),
        ("Run `pip install` now.", "Execute pip install agora.", "Execute `pip install` agora."),
        (
            "See <https://president.az> today.",
            "Veja https://president.az hoje.",
            "Veja <https://president.az> hoje.",
        ),
        (
            "**Update:** Talks resumed.",
            "Atualização: As negociações recomeçaram.",
            "**Atualização:** As negociações recomeçaram.",
        ),
        (
            "**Update**: Talks resumed.",
            "Atualização: As negociações recomeçaram.",
            "**Atualização**: As negociações recomeçaram.",
        ),
        (
            "Aliyev met Herzog | *Photo by our staff*",
            "Aliyev encontrou Herzog | Foto da nossa equipa",
            "Aliyev encontrou Herzog | *Foto da nossa equipa*",
        ),
        (
            "Talks in *baku* ended.",
            "As conversas em Baku terminaram.",
            "As conversas em *Baku* terminaram.",
        ),
        ("**Half of an emphasis.", "Metade de uma ênfase.", "**Metade de uma ênfase."),
        ("The other half.**", "A outra metade.", "A outra metade.**"),
        ("Price: 5\\*3 units.", "Preço: 5*3 unidades.", "Preço: 5\\*3 unidades."),
    ],
)
def test_restore_inline_places_markup(sentence: str, translation: str, restored: str) -> None:
    _, markup = strip_inline(sentence)
    result = restore_inline(translation, markup)
    assert (result.text, result.lost) == (restored, ())


def test_markup_that_cannot_be_placed_is_reported_never_dropped() -> None:
    sentence = (
        'Trade grew **sharply**, says the [ministry](https://economy.gov.az/report "Report").'
    )
    _, markup = strip_inline(sentence)
    result = restore_inline("O comércio cresceu fortemente, diz o ministério.", markup)
    assert result.text == "O comércio cresceu fortemente, diz o ministério."
    assert result.lost == (
        "emphasis ** around 'sharply'",
        "link to https://economy.gov.az/report around 'ministry'",
    )


@pytest.mark.parametrize(
    ("sentence", "translation", "lost"),
    [
        ("Use the `--to` flag.", "Use a opção para.", "inline code `--to`"),
        ("Mail <press@example.com> now.", "Escreva agora.", "autolink <press@example.com>"),
        ("A ![chart](c.png) here.", "Um gráfico aqui.", "image to c.png around 'chart'"),
        ("Some <b>bold</b> text.", "Algum texto forte.", "HTML tag <b> after 'Some'"),
        ("A hard  \nbreak inside.", "Uma quebra dentro.", "hard line break after 'hard'"),
    ],
)
def test_each_kind_of_lost_markup_is_described(sentence: str, translation: str, lost: str) -> None:
    _, markup = strip_inline(sentence)
    assert lost in restore_inline(translation, markup).lost


def test_nested_span_is_placed_inside_its_parent() -> None:
    _, markup = strip_inline("**Herzog met *Aliyev* in Baku.**")
    result = restore_inline("Herzog encontrou Aliyev em Baku.", markup)
    assert result.text == "**Herzog encontrou *Aliyev* em Baku.**"


def test_repeated_text_takes_the_occurrence_nearest_the_source_position() -> None:
    _, markup = strip_inline("Baku and Baku and *Baku*.")
    assert restore_inline("Baku e Baku e Baku.", markup).text == "Baku e Baku e *Baku*."


def test_engine_whitespace_changes_do_not_matter() -> None:
    _, markup = strip_inline("The [Alley of\nMartyrs](https://x.az) was visited.")
    result = restore_inline("O Alley of Martyrs foi visitado.", markup)
    assert result.text == "O [Alley of Martyrs](https://x.az) foi visitado."


def test_words_are_not_matched_inside_other_words() -> None:
    _, markup = strip_inline("He said *in* a speech.")
    result = restore_inline("Ele disse num discurso interno.", markup)
    assert result.lost == ("emphasis * around 'in'",)


def test_sentence_without_markup_passes_through() -> None:
    plain, markup = strip_inline("Nothing to see here.")
    assert restore_inline("Nada para ver aqui.", markup).text == "Nada para ver aqui."
    assert markup.spans == () and markup.points == () and plain == "Nothing to see here."
