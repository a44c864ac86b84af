"""The copy-model package, driven through argostranslate and CTranslate2 as the engine does.

Expected outputs are ``str.upper()`` of the input, computed here, never by the
module under test.
"""

from __future__ import annotations

import zipfile
from collections.abc import Sequence
from pathlib import Path

import argostranslate.package
import argostranslate.settings
import ctranslate2
import pytest
from argostranslate.package import Package
from argostranslate.tokenizer import SentencePieceTokenizer

from transflow.testing.copy_model import MAX_SOURCE_TOKENS, build_copy_model_package

TRAINING_TEXT = """\
The President of Brazil met the Prime Minister of Portugal in Lisbon on 30 May.
"We share a language and a future," said the minister; the visit cost €1.2 million.
A ação conjunta começa em São Paulo — a região é conhecida pelo café e pela música.
ÜBER 40% DER STRAßE IST GESPERRT, SAGTE MÜLLER.
Президент Москва новости.
Prices rose 3.5% in 2024 (up from 2.1%) and the index closed at 1,234.56 points.
"""

SENTENCES = [
    "The President of Brazil met the Prime Minister of Portugal in Lisbon on 30 May.",
    "A short one.",
    # Not in the training text, same alphabet.
    "Lisbon and São Paulo signed 12 new agreements, worth €3.4 billion — a record!",
    "«Ação», \"quotes\", 'single' and ‘curly’ quotes: ok? [yes] {no} #7 @home 50/50",
    "über die straße",  # ü and ß were only seen in upper case; ß becomes SS
    "Москва и президент",
    "  two  spaces,\ta tab and a\nnewline ",
    "x",
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_copy_model_package(
        tmp_path_factory.mktemp("copy-model"),
        from_code="en",
        to_code="pt",
        training_text=TRAINING_TEXT,
    )


@pytest.fixture(scope="module")
def package(tmp_path_factory: pytest.TempPathFactory, archive: Path) -> Package:
    """The archive installed by argostranslate itself into a private package directory."""
    packages_dir = tmp_path_factory.mktemp("argos-packages")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(argostranslate.settings, "package_data_dir", packages_dir)
        argostranslate.package.install_from_path(archive)
    (installed,) = argostranslate.package.get_installed_packages(path=[packages_dir])
    return installed


@pytest.fixture(scope="module")
def translator(package: Package) -> ctranslate2.Translator:
    return ctranslate2.Translator(str(package.package_path / "model"), device="cpu")


def translate(
    package: Package,
    translator: ctranslate2.Translator,
    sentences: Sequence[str],
    *,
    beam_size: int,
    num_hypotheses: int = 1,
    **options: int,
) -> list[list[str]]:
    """Every hypothesis of every sentence, decoded with the package's own tokenizer."""
    results = translator.translate_batch(
        [package.tokenizer.encode(sentence) for sentence in sentences],
        beam_size=beam_size,
        num_hypotheses=num_hypotheses,
        length_penalty=0.2,
        replace_unknowns=True,
        **options,
    )
    return [
        [package.tokenizer.decode(hypothesis) for hypothesis in result.hypotheses]
        for result in results
    ]


def test_archive_holds_one_package_directory(archive: Path) -> None:
    with zipfile.ZipFile(archive) as zipped:
        names = set(zipped.namelist())
    assert archive.suffix == ".argosmodel"
    assert {name.split("/")[0] for name in names} == {"translate-en_pt-copy"}
    assert {
        "translate-en_pt-copy/metadata.json",
        "translate-en_pt-copy/README.md",
        "translate-en_pt-copy/sentencepiece.model",
        "translate-en_pt-copy/model/model.bin",
        "translate-en_pt-copy/model/config.json",
    } <= names


def test_argostranslate_reads_the_metadata(package: Package) -> None:
    assert (package.from_code, package.to_code) == ("en", "pt")
    assert package.type == "translate"
    assert package.package_version == "1.0"
    assert package.package_path.name == "translate-en_pt-copy"
    assert isinstance(package.tokenizer, SentencePieceTokenizer)
    assert "upper case" in (package.get_readme() or "")


@pytest.mark.parametrize("beam_size", [1, 4])
def test_translation_is_the_upper_cased_input(
    package: Package, translator: ctranslate2.Translator, beam_size: int
) -> None:
    outputs = translate(package, translator, SENTENCES, beam_size=beam_size)

    assert [hypotheses[0] for hypotheses in outputs] == [s.upper() for s in SENTENCES]


def test_n_best_puts_the_copy_first(package: Package, translator: ctranslate2.Translator) -> None:
    sentence = "Lisbon and São Paulo signed 12 new agreements."
    results = translator.translate_batch(
        [package.tokenizer.encode(sentence)],
        beam_size=4,
        num_hypotheses=4,
        length_penalty=0.2,
        return_scores=True,
    )
    hypotheses = [package.tokenizer.decode(tokens) for tokens in results[0].hypotheses]

    assert hypotheses[0] == sentence.upper()
    assert len(set(hypotheses)) == 4
    assert results[0].scores[0] > -1e-3
    assert max(results[0].scores[1:]) < -10


def test_long_sources_are_copied_exactly(
    package: Package, translator: ctranslate2.Translator
) -> None:
    """Up to the position table's end; 250 tokens fit CTranslate2's default output limit."""
    words = TRAINING_TEXT.split()
    tokens = package.tokenizer.encode(" ".join(words * 30))[:MAX_SOURCE_TOKENS]
    source = package.tokenizer.decode(tokens)
    sentence_of_250 = package.tokenizer.decode(tokens[:250])
    assert len(package.tokenizer.encode(source)) == MAX_SOURCE_TOKENS
    assert len(package.tokenizer.encode(sentence_of_250)) == 250

    [[full]] = translate(
        package, translator, [source], beam_size=1, max_decoding_length=MAX_SOURCE_TOKENS + 1
    )
    [[default_limits]] = translate(package, translator, [sentence_of_250], beam_size=4)

    assert full == source.upper()
    assert default_limits == sentence_of_250.upper()


def test_documented_exceptions(package: Package, translator: ctranslate2.Translator) -> None:
    """Letters never seen in training go through byte fallback unchanged; "_" decodes as " "."""
    outputs = translate(package, translator, ["søster", "snake_case"], beam_size=4)

    assert [hypotheses[0] for hypotheses in outputs] == ["SøSTER", "SNAKE CASE"]


def test_same_arguments_give_the_same_archive(archive: Path, tmp_path: Path) -> None:
    rebuilt = build_copy_model_package(
        tmp_path, from_code="en", to_code="pt", training_text=TRAINING_TEXT
    )

    assert rebuilt.read_bytes() == archive.read_bytes()


@pytest.mark.parametrize(("d_model", "num_heads"), [(64, 1), (64, 5)])
def test_widths_that_cannot_hold_both_codes_are_rejected(
    tmp_path: Path, d_model: int, num_heads: int
) -> None:
    with pytest.raises(ValueError, match="num_heads"):
        build_copy_model_package(
            tmp_path, training_text=TRAINING_TEXT, d_model=d_model, num_heads=num_heads
        )
