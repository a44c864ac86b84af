"""DaskEngine against a real two-process local cluster running the en→pt copy model."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from distributed import Client, LocalCluster

from builders import DATA, FREE_PORT, REPO_GLOSSARY, lines_without_dates
from transflow.engines import Engine
from transflow.engines.argos import ArgosEngine
from transflow.engines.cluster import (
    DaskEngine,
    connect,
    select_cluster_engine,
    worker_status,
)
from transflow.errors import TransflowError, UnsupportedLanguagePairError
from transflow.glossary.model import load_glossary
from transflow.source.articles import read_article
from transflow.translation.pipeline import article_sentences, translate_article

ARTICLE = Path("articles/azerbaijan-israel-presidents-baku.txt")  # as the workspace fixture has it
SAMPLE_ARTICLE = DATA / ARTICLE


def local_engine() -> ArgosEngine:
    """The local reference, decoding with one thread as each worker task does.

    The thread count does not change the output, but CTranslate2's OpenMP
    threads crawl on an oversubscribed machine (the workers, parallel test
    runs), turning a one-second batch into tens of seconds.
    """
    return ArgosEngine(intra_threads=1)


@pytest.fixture
def client(
    dask_client: Client, monkeypatch: pytest.MonkeyPatch, two_language_packages: Path
) -> Client:
    """The test session's cluster; this process's local engines see the workers' packages."""
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(two_language_packages))
    return dask_client


@pytest.fixture(scope="module")
def sentences() -> list[str]:
    """About a hundred distinct sentences of varied length from the sample article's words."""
    article = [s.text for s in article_sentences(read_article(SAMPLE_ARTICLE), "en")]
    plain = [" ".join(sentence.split()) for sentence in article]
    words = " ".join(plain).split()
    fragments = [" ".join(words[start : start + 3 + start % 17]) for start in range(0, 400, 5)]
    return list(dict.fromkeys(plain + fragments))[:100]


@pytest.mark.parametrize("num_hypotheses", [1, 3])
def test_each_chunk_gets_exactly_the_local_engines_result_in_input_order(
    client: Client, sentences: list[str], num_hypotheses: int
) -> None:
    local = local_engine()
    order = sorted(range(len(sentences)), key=lambda index: len(sentences[index]))
    expected = {}
    for start in range(0, len(order), 16):
        chunk = order[start : start + 16]
        batch = [sentences[index] for index in chunk]
        translated = local.translate_batch(batch, "en", "pt", num_hypotheses)
        expected.update(zip(chunk, translated, strict=True))

    engine = DaskEngine(client, "argos", chunk_size=16)
    result = engine.translate_batch(sentences, "en", "pt", num_hypotheses)

    assert result == [expected[index] for index in range(len(sentences))]  # texts and scores
    assert {len(translation.hypotheses) for translation in result} == {num_hypotheses}
    assert engine.name == "argos"
    assert engine.model_id("en", "pt") == local.model_id("en", "pt")
    assert engine.language_pairs() == {("en", "pt"), ("en", "de")}


def test_default_chunks_give_a_local_runs_output_to_the_last_bit(
    client: Client, sentences: list[str]
) -> None:
    # Over a hundred sentences: two tasks on the cluster, two groups locally.
    engine = DaskEngine(client, "argos")
    for num_hypotheses in (1, 3):
        assert engine.translate_batch(
            sentences, "en", "pt", num_hypotheses
        ) == local_engine().translate_batch(sentences, "en", "pt", num_hypotheses)


def test_both_workers_translate_and_each_loads_the_model_once(
    client: Client, sentences: list[str]
) -> None:
    engine = DaskEngine(client, "argos", chunk_size=8)
    before = client.run(worker_status)
    engine.translate_batch(sentences[:50], "en", "pt")
    engine.translate_batch(sentences[50:], "en", "pt")
    after = client.run(worker_status)

    assert len(after) == 2
    for worker, status in after.items():
        assert status.chunks > before[worker].chunks, f"{worker} took no chunk"
        assert status.engines_created == {"argos": 1}  # whatever other tests ran on it
        assert ("argos", "en", "pt") in status.warmed


def _queue_without_dates(engine: Engine, locales: str) -> list[str]:
    terms = load_glossary([REPO_GLOSSARY]).for_pair("en", "pt")
    update = translate_article(
        ARTICLE, target="pt", engine=engine, locales_dir=Path(locales), terms=terms
    )
    assert update.translated > 0
    assert update.masked > 0  # the glossary rounds went through this engine too
    return lines_without_dates(update.po_file)


def test_queue_files_are_byte_identical_to_a_local_run(workspace: Path, client: Client) -> None:
    assert _queue_without_dates(DaskEngine(client, "argos"), "dask") == _queue_without_dates(
        local_engine(), "local"
    )


def test_small_chunks_match_a_local_run_grouped_alike(workspace: Path, client: Client) -> None:
    # Chunks of 4 spread the article over many tasks on both workers.
    on_cluster = _queue_without_dates(DaskEngine(client, "argos", chunk_size=4), "dask")
    local = _queue_without_dates(ArgosEngine(intra_threads=1, group_size=4), "local")
    assert on_cluster == local


def test_an_unsupported_pair_is_the_usual_one_line_error(client: Client) -> None:
    # Checked against the pairs every worker has, before any task is queued.
    engine = DaskEngine(client, "argos")
    with pytest.raises(UnsupportedLanguagePairError, match="argos engine does not translate en→xx"):
        engine.translate_batch(["Hello there."], "en", "xx")


def test_a_regional_target_is_resolved_once_on_the_coordinator(client: Client) -> None:
    engine = DaskEngine(client, "argos")
    with pytest.warns(UserWarning, match="using the en→de model"):
        result = engine.translate_batch(["Hello there."], "en", "de-AT")
    assert result[0].best.text == "HELLO THERE."
    assert engine.model_id("en", "de-AT") == engine.model_id("en", "de")


def test_select_cluster_engine_resolves_auto_on_the_workers(client: Client) -> None:
    # The workers have the bundled Bergamot en→pt model, which auto ranks first.
    assert select_cluster_engine(client, "auto", "en", "pt").name == "bergamot"
    assert select_cluster_engine(client, "auto", "en", "de").name == "argos"
    with pytest.raises(UnsupportedLanguagePairError, match=r"available: .*en→pt \(argos\)"):
        select_cluster_engine(client, "argos", "pt", "en")
    with pytest.raises(TransflowError, match="unknown engine 'nope'"):
        select_cluster_engine(client, "nope", "en", "pt")


def test_engine_connects_through_a_scheduler_file(
    client: Client, tmp_path: Path, sentences: list[str]
) -> None:
    scheduler_file = tmp_path / "scheduler.json"
    scheduler_file.write_text(json.dumps({"address": client.scheduler.address}))
    with DaskEngine(str(scheduler_file), "argos") as engine:
        result = engine.translate_batch(sentences[:5], "en", "pt")
    assert [t.best.text for t in result] == [s.upper() for s in sentences[:5]]
    assert engine.client.status == "closed"
    assert client.status == "running"  # a client passed in is the caller's to close


def test_unreachable_scheduler_fails_quickly_in_one_line() -> None:
    started = time.perf_counter()
    with pytest.raises(TransflowError, match="cannot reach the Dask scheduler") as raised:
        connect("tcp://127.0.0.1:1", timeout=1)
    assert time.perf_counter() - started < 5
    assert "\n" not in str(raised.value)


@pytest.mark.parametrize("content", [None, "", "not json", "{}", '{"address": 1}'])
def test_a_missing_or_broken_scheduler_file_is_named(tmp_path: Path, content: str | None) -> None:
    scheduler_file = tmp_path / "scheduler.json"
    if content is not None:
        scheduler_file.write_text(content, encoding="utf-8")
    problem = "no such scheduler file" if content is None else "not a Dask scheduler file"
    with pytest.raises(TransflowError, match=problem) as raised:
        connect(str(scheduler_file))
    assert str(raised.value).startswith(f"{scheduler_file}: ")


def test_a_scheduler_without_workers_is_reported() -> None:
    with (
        LocalCluster(n_workers=0, processes=False, dashboard_address=FREE_PORT) as cluster,
        pytest.raises(TransflowError, match="no Dask worker joined") as raised,
    ):
        connect(cluster.scheduler_address, timeout=0.5)
    assert "\n" not in str(raised.value)
