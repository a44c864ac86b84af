"""Batch jobs on a real corpus with real copy models for two languages."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from builders import REPO_GLOSSARY, lines_without_dates, write_corpus
from transflow.engines.argos import ArgosEngine
from transflow.glossary.model import load_glossary
from transflow.queue.model import State
from transflow.queue.pofile import locked, po_path, read_queue, write_queue
from transflow.source.articles import read_article
from transflow.testing.engines import RecordingEngine
from transflow.translation.batch import discover_articles, run_batch
from transflow.translation.pipeline import article_sentences


@pytest.fixture
def packages(monkeypatch: pytest.MonkeyPatch, two_language_packages: Path) -> Path:
    monkeypatch.setenv("ARGOS_PACKAGES_DIR", str(two_language_packages))
    return two_language_packages


class Engines:
    """A recording engine per language, built by the batch's engine factory."""

    def __init__(self) -> None:
        self.by_language: dict[str, RecordingEngine] = {}

    def __call__(self, source: str, target: str) -> RecordingEngine:
        engine = RecordingEngine(ArgosEngine())
        self.by_language[target] = engine
        return engine

    def sent(self, language: str) -> list[str]:
        return self.by_language[language].sentences_sent


@pytest.fixture
def corpus(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, packages: Path) -> Iterator[Path]:
    monkeypatch.chdir(tmp_path)
    write_corpus(tmp_path / "articles", 40)
    yield tmp_path / "articles"


def distinct_sentences(paths: list[Path]) -> set[str]:
    return {s.text for path in paths for s in article_sentences(read_article(path), "en")}


def test_every_sentence_translated_once_and_counts_match_the_files(corpus: Path) -> None:
    articles, problems = discover_articles([corpus])
    assert len(articles) == 40 and problems == []
    engines = Engines()
    report = run_batch(articles, targets=["pt", "de"], engine_factory=engines, chunk_sentences=50)
    assert report.failed == []
    for language in ("pt", "de"):
        sent = engines.sent(language)
        assert len(sent) == len(set(sent))  # nothing sent twice
        for outcome in (o for o in report.outcomes if o.language == language):
            queue = read_queue(Path(outcome.po_file))
            segments = queue.active
            assert queue.target_language == language
            assert len(segments) == outcome.sentences
            assert outcome.translated + outcome.from_memory == outcome.sentences
            assert all(s.state is State.MACHINE for s in segments)
            assert all(s.machine is not None and s.machine.text == s.translation for s in segments)
        translated = sum(o.translated for o in report.outcomes if o.language == language)
        assert translated == len(distinct_sentences(articles))
        assert f"en_{language}" in report.languages[language].model
    if shutil.which("msgfmt"):
        for po in Path("locales").rglob("*.po"):
            subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(po)], check=True)


def test_the_number_of_workers_changes_no_byte(corpus: Path) -> None:
    articles, _ = discover_articles([corpus])
    glossary = load_glossary([REPO_GLOSSARY])  # masking rounds: more, smaller engine batches
    queues = []
    for workers in (1, 2):
        locales = Path(f"locales-{workers}")
        report = run_batch(
            articles,
            targets=["pt", "de"],
            glossary=glossary,
            locales_dir=locales,
            engine_name="argos",
            workers=workers,
        )
        assert report.failed == []
        queues.append(
            {po.relative_to(locales): lines_without_dates(po) for po in locales.rglob("*.po")}
        )
    assert len(queues[0]) == 80
    assert queues[0] == queues[1]


def test_rerun_on_an_unchanged_corpus_sends_nothing_and_changes_no_file(corpus: Path) -> None:
    articles, _ = discover_articles([corpus])
    run_batch(articles, targets=["pt"], engine_factory=Engines())
    before = {p: p.read_bytes() for p in Path("locales").rglob("*.po")}
    engines = Engines()
    report = run_batch(articles, targets=["pt"], engine_factory=engines)
    assert engines.sent("pt") == []
    assert {o.status for o in report.outcomes} == {"unchanged"}
    assert {p: p.read_bytes() for p in Path("locales").rglob("*.po")} == before


def test_new_article_reuses_the_workspace_memory(corpus: Path, tmp_path: Path) -> None:
    articles, _ = discover_articles([corpus])
    run_batch(articles[:20], targets=["pt"], engine_factory=Engines())
    engines = Engines()
    report = run_batch(articles, targets=["pt"], engine_factory=engines)
    known = distinct_sentences(articles[:20])
    assert not known & set(engines.sent("pt"))
    assert sum(o.from_memory for o in report.outcomes) > 0
    assert set(engines.sent("pt")) == distinct_sentences(articles) - known


def test_approved_translations_are_never_touched(corpus: Path) -> None:
    articles, _ = discover_articles([corpus])
    run_batch(articles[:1], targets=["pt"], engine_factory=Engines())
    po = po_path(Path("locales"), "pt", articles[0])
    with locked(po):
        queue = read_queue(po)
        segment = queue.active[1]
        segment.translation, segment.approved = "Aprovado à mão.", True
        write_queue(queue, po)
    articles[0].write_text(articles[0].read_text() + "\nA new closing line.\n", encoding="utf-8")
    run_batch(articles, targets=["pt"], engine_factory=Engines())
    kept = read_queue(po).find(segment.id)
    assert kept is not None
    assert (kept.translation, kept.state) == ("Aprovado à mão.", State.APPROVED)
    assert "A new closing line." in {s.source for s in read_queue(po).active}


def test_bad_articles_are_reported_and_the_rest_completes(corpus: Path) -> None:
    (corpus / "broken.txt").write_bytes(b"\x00\x01binary\xff")
    (corpus / "latin1.md").write_bytes("Caf\xe9 society.\n".encode("latin-1"))
    (corpus / "empty.txt").write_text("", encoding="utf-8")
    articles, problems = discover_articles([corpus, corpus / "missing.txt"])
    report = run_batch(articles, targets=["pt"], engine_factory=Engines(), problems=problems)
    failed = {Path(o.article).name: o.error for o in report.failed}
    assert set(failed) == {"broken.txt", "latin1.md", "empty.txt", "missing.txt"}
    assert "latin1.md:1" in failed["latin1.md"]
    done = [o for o in report.outcomes if o.status == "updated"]
    assert len(done) == 40
    assert not Path("locales/pt/broken.po").exists()


def test_dry_run_counts_and_writes_nothing(corpus: Path) -> None:
    articles, _ = discover_articles([corpus])
    engines = Engines()
    report = run_batch(articles, targets=["pt"], engine_factory=engines, dry_run=True)
    assert engines.sent("pt") == []
    assert not Path("locales").exists()
    assert {o.status for o in report.outcomes} == {"planned"}
    assert sum(o.translated + o.from_memory for o in report.outcomes) == sum(
        o.sentences for o in report.outcomes
    )


def test_list_files_and_directories(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    paths = write_corpus(folder, 6)
    (folder / ".hidden").mkdir()
    (folder / ".hidden" / "secret.txt").write_text("Hidden.", encoding="utf-8")
    (folder / "notes.pdf").write_bytes(b"%PDF")
    listing = tmp_path / "today.list"
    listing.write_text(
        f"# today's stories\n{paths[0].relative_to(tmp_path)}\n\nin/nothing.txt\n",
        encoding="utf-8",
    )
    found, problems = discover_articles([listing, folder])
    assert found == [paths[0], *[p for p in paths if p != paths[0]]]
    assert [str(problem) for problem in problems] == [
        f"{listing}:4: listed article in/nothing.txt does not exist"
    ]


def test_a_sentence_back_from_obsolete_rewrites_the_file_and_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, argos_packages: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    article = Path("story.txt")
    article.write_text("One sentence here.\n\nAnother sentence there.\n", encoding="utf-8")

    def run() -> str:
        report = run_batch([article], targets=["pt"], engine_factory=Engines(), round_trip=False)
        return report.outcomes[0].status

    assert run() == "updated"
    article.write_text("One sentence here.\n", encoding="utf-8")
    assert run() == "updated"  # the second sentence is obsolete now
    po = Path("locales/pt/story.po")
    before = po.read_bytes()
    article.write_text("One sentence here.\n\nAnother sentence there.\n", encoding="utf-8")
    assert run() == "updated"  # back from obsolete: nothing translated, but the file changed
    assert po.read_bytes() != before
    assert run() == "unchanged"
    assert all(not segment.obsolete for segment in read_queue(po).segments)
