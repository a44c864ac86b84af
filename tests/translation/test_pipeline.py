from __future__ import annotations

import multiprocessing
import shutil
import subprocess
from collections.abc import Sequence
from pathlib import Path

import polib
import pytest

from builders import REPO_GLOSSARY, translate_in_process
from transflow.engines.argos import ArgosEngine
from transflow.engines.base import Translation
from transflow.engines.bergamot import BergamotEngine
from transflow.errors import InputError, TransflowError
from transflow.glossary.enforcement import TermEnforcer
from transflow.glossary.model import load_glossary
from transflow.queue.model import State
from transflow.queue.pofile import locked, read_queue, write_queue
from transflow.queue.review import GlossaryChecker
from transflow.source.articles import read_article
from transflow.testing.engines import RecordingEngine
from transflow.translation.pipeline import (
    MAX_ENGINE_CHARACTERS,
    article_sentences,
    translate_article,
    translate_sentences,
)

ARTICLE = Path("articles/azerbaijan-israel-presidents-baku.txt")
PO = Path("locales/pt/azerbaijan-israel-presidents-baku.po")


def normalised(text: str) -> str:
    return " ".join(text.split())


def approve(path: Path, msgid: str, msgstr: str) -> None:
    with locked(path):
        queue = read_queue(path)
        segment = next(s for s in queue.active if s.source == msgid)
        segment.translation = msgstr
        segment.approved = True
        write_queue(queue, path)


def test_first_run_queues_every_sentence(workspace: Path, argos_packages: Path) -> None:
    engine = RecordingEngine(ArgosEngine())
    update = translate_article(ARTICLE, target="pt", engine=engine)
    sentences = article_sentences(read_article(ARTICLE), "en")
    distinct = list(dict.fromkeys(s.text for s in sentences))

    queue = read_queue(PO)
    segments = queue.active
    assert [segment.source for segment in segments] == distinct
    assert all(s.translation == normalised(s.source).upper() for s in segments)
    assert all(segment.state is State.MACHINE for segment in segments)
    assert all(segment.machine is not None for segment in segments)
    assert all(segment.machine.engine == "argos" for segment in segments if segment.machine)
    assert all(s.machine.text == s.translation for s in segments if s.machine)
    assert segments[0].references[0].path == ARTICLE.as_posix()
    assert (update.sentences, update.translated, update.reused) == (len(distinct), len(distinct), 0)
    assert len(engine.calls) == 1  # one batch for the whole article
    assert (queue.source_language, queue.target_language) == ("en", "pt")
    metadata = polib.pofile(str(PO)).metadata  # as other gettext tools read it
    assert metadata["Language"] == "pt"
    assert metadata["Plural-Forms"].startswith("nplurals=")
    assert metadata["X-Generator"].startswith("transflow ")
    # transflow's record of the engine output is a translator comment, kept by msgmerge.
    entry = polib.pofile(str(PO)).find(segments[0].source)
    assert entry is not None
    assert entry.tcomment.startswith('transflow-mt: {"text": ')
    assert "transflow" not in entry.comment
    if shutil.which("msgfmt"):
        subprocess.run(["msgfmt", "--check-format", "-o", "/dev/null", str(PO)], check=True)


def test_repeated_sentence_is_one_entry_with_several_references(
    workspace: Path, argos_packages: Path
) -> None:
    article = workspace / "articles" / "repeat.txt"
    article.write_text("Stay calm.\n\nThe storm came.\n\nStay calm.\n", encoding="utf-8")
    translate_article(article, target="pt", engine=ArgosEngine())
    segments = read_queue(Path("locales/pt/repeat.po")).active
    assert [s.source for s in segments] == ["Stay calm.", "The storm came."]
    assert [reference.line for reference in segments[0].references] == [1, 5]
    entry = polib.pofile("locales/pt/repeat.po").find("Stay calm.")
    assert entry is not None
    assert [line for _, line in entry.occurrences] == ["1", "5"]


def test_rerun_sends_nothing_and_changes_nothing(workspace: Path, argos_packages: Path) -> None:
    translate_article(ARTICLE, target="pt", engine=ArgosEngine())
    before = PO.read_bytes()
    engine = RecordingEngine(ArgosEngine())
    update = translate_article(ARTICLE, target="pt", engine=engine)
    assert engine.calls == []
    assert update.translated == 0
    assert PO.read_bytes() == before  # not even the revision date changes


def test_approved_entry_survives_an_edit_of_its_neighbour(
    workspace: Path, argos_packages: Path
) -> None:
    translate_article(ARTICLE, target="pt", engine=ArgosEngine())
    segments = read_queue(PO).active
    approved, neighbour = segments[5], segments[6]
    approve(PO, approved.source, "Tradução revista à mão.")

    text = ARTICLE.read_text(encoding="utf-8")
    edited_neighbour = neighbour.source.replace("the", "THE EDITED", 1)
    assert edited_neighbour != neighbour.source
    ARTICLE.write_text(text.replace(neighbour.source, edited_neighbour), encoding="utf-8")

    engine = RecordingEngine(ArgosEngine())
    update = translate_article(ARTICLE, target="pt", engine=engine)
    queue = read_queue(PO)
    by_source = {s.source: s for s in queue.active}
    kept = by_source[approved.source]
    assert kept.translation == "Tradução revista à mão."
    assert kept.state is State.APPROVED
    assert kept.machine is not None
    assert kept.machine.text == normalised(approved.source).upper()
    assert engine.calls == [[normalised(edited_neighbour)]]
    assert update.translated == 1
    new = by_source[edited_neighbour]
    assert new.state is State.MACHINE and not new.approved
    assert new.previous_source == neighbour.source
    assert new.previous_translation is None  # the neighbour was never approved
    assert [s.source for s in queue.obsolete] == [neighbour.source]


def test_removed_sentence_becomes_obsolete_and_comes_back(
    workspace: Path, argos_packages: Path
) -> None:
    article = workspace / "articles" / "short.txt"
    article.write_text("First sentence here.\n\nSecond one is gone soon.\n", encoding="utf-8")
    po = Path("locales/pt/short.po")
    translate_article(article, target="pt", engine=ArgosEngine())
    approve(po, "Second one is gone soon.", "Aprovada.")

    article.write_text("First sentence here.\n", encoding="utf-8")
    translate_article(article, target="pt", engine=ArgosEngine())
    obsolete = read_queue(po).obsolete
    assert [(s.source, s.translation) for s in obsolete] == [
        ("Second one is gone soon.", "Aprovada.")
    ]
    assert obsolete[0].approved
    assert "#~ msgid" in po.read_text(encoding="utf-8")

    article.write_text("First sentence here.\n\nSecond one is gone soon.\n", encoding="utf-8")
    engine = RecordingEngine(ArgosEngine())
    translate_article(article, target="pt", engine=engine)
    segments = read_queue(po).active
    assert [(s.source, s.translation) for s in segments][1] == (
        "Second one is gone soon.",
        "Aprovada.",
    )
    assert segments[1].state is State.APPROVED
    assert engine.calls == []


class ApprovingDuringTranslation(ArgosEngine):
    """Simulates a reviewer approving an entry while the engine is busy."""

    def __init__(self, po: Path, msgid: str) -> None:
        super().__init__()
        self.po, self.msgid = po, msgid

    def translate_batch(
        self, sentences: Sequence[str], source: str, target: str, num_hypotheses: int = 1
    ) -> list[Translation]:
        approve(self.po, self.msgid, "Aprovada durante a tradução.")
        return super().translate_batch(sentences, source, target, num_hypotheses)


def test_a_decision_made_during_translation_is_not_lost(
    workspace: Path, argos_packages: Path
) -> None:
    article = workspace / "articles" / "race.txt"
    article.write_text("Keep this one.\n\nChange this one.\n", encoding="utf-8")
    po = Path("locales/pt/race.po")
    translate_article(article, target="pt", engine=ArgosEngine())
    article.write_text("Keep this one.\n\nChange this one now.\n", encoding="utf-8")

    translate_article(article, target="pt", engine=ApprovingDuringTranslation(po, "Keep this one."))
    segments = {s.source: s for s in read_queue(po).active}
    assert segments["Keep this one."].translation == "Aprovada durante a tradução."
    assert segments["Keep this one."].state is State.APPROVED
    assert segments["Change this one now."].translation == "CHANGE THIS ONE NOW."


def test_concurrent_runs_leave_one_valid_complete_file(
    workspace: Path, argos_packages: Path
) -> None:
    context = multiprocessing.get_context("spawn")
    processes = [
        context.Process(
            target=translate_in_process, args=(str(workspace), str(argos_packages), str(ARTICLE))
        )
        for _ in range(3)
    ]
    for process in processes:
        process.start()
    for process in processes:
        process.join(timeout=600)
        assert process.exitcode == 0
    queue = read_queue(PO)
    distinct = list(dict.fromkeys(s.text for s in article_sentences(read_article(ARTICLE), "en")))
    assert [s.source for s in queue.active] == distinct
    assert not queue.obsolete
    # The lock is held on the directory: nothing is left beside the queue files.
    assert sorted(path.name for path in PO.parent.iterdir()) == [PO.name]
    assert not list(Path("locales").rglob("*.lock"))


def test_malformed_queue_file_is_reported_and_left_untouched(
    workspace: Path, argos_packages: Path
) -> None:
    translate_article(ARTICLE, target="pt", engine=ArgosEngine())
    damaged = PO.read_bytes()[:-40]
    PO.write_bytes(damaged)
    engine = RecordingEngine(ArgosEngine())
    with pytest.raises(InputError) as raised:
        translate_article(ARTICLE, target="pt", engine=engine)
    assert str(PO) in str(raised.value)
    assert PO.read_bytes() == damaged
    assert engine.calls == []


def test_two_articles_with_one_name_do_not_share_a_queue(
    workspace: Path, argos_packages: Path
) -> None:
    other = workspace / "other" / ARTICLE.name
    other.parent.mkdir()
    other.write_text("A different story.\n", encoding="utf-8")
    translate_article(ARTICLE, target="pt", engine=ArgosEngine())
    with pytest.raises(TransflowError, match="already holds the queue of"):
        translate_article(other, target="pt", engine=ArgosEngine())


def test_polib_sees_previous_msgid_after_source_change(
    workspace: Path, argos_packages: Path
) -> None:
    article = workspace / "articles" / "prev.txt"
    article.write_text("The minister arrived on Monday.\n", encoding="utf-8")
    translate_article(article, target="pt", engine=ArgosEngine())
    article.write_text("The minister arrived on Tuesday.\n", encoding="utf-8")
    translate_article(article, target="pt", engine=ArgosEngine())
    text = Path("locales/pt/prev.po").read_text(encoding="utf-8")
    assert '#| msgid "The minister arrived on Monday."' in text
    entry = polib.pofile(text).find("The minister arrived on Tuesday.")
    assert entry is not None
    assert entry.fuzzy


def test_protected_terms_in_the_queue(workspace: Path, argos_packages: Path) -> None:
    glossary = load_glossary([REPO_GLOSSARY])
    update = translate_article(
        ARTICLE, target="pt", engine=ArgosEngine(), terms=glossary.for_pair("en", "pt")
    )
    queue = read_queue(PO)
    segments = {segment.source: segment for segment in queue.active}
    segment = segments[
        "On 30 May, the President of Azerbaijan, Ilham Aliyev, and the President of Israel, "
        "Isaac Herzog, held in-depth discussions in Baku."
    ]
    assert segment.translation == (
        "ON 30 MAY, THE PRESIDENT OF Azerbaijão, Ilham Aliyev, AND THE PRESIDENT OF Israel, "
        "Isaac Herzog, HELD IN-DEPTH DISCUSSIONS IN Baku."
    )
    # Term verdicts are derived from the glossary and the text, not stored.
    checker = GlossaryChecker(glossary)
    marks, problems = checker.marks(queue, segment.source, segment.translation)
    assert (len(marks), sum(mark.correct for mark in marks)) == (5, 5)
    assert problems == ()
    assert not checker.is_flagged(queue, segment)
    machine = segment.machine
    assert machine is not None
    assert machine.masked_terms == ("Azerbaijan", "Ilham Aliyev", "Israel", "Isaac Herzog", "Baku")
    assert update.term_occurrences == update.terms_correct >= 45
    assert update.flagged == 0 == checker.flagged(queue)
    assert update.masked == sum(
        bool(s.machine.masked_terms) for s in segments.values() if s.machine is not None
    )


def test_protected_terms_inside_markdown_emphasis(tmp_path: Path, argos_packages: Path) -> None:
    article = tmp_path / "story.md"
    article.write_text("# Visit\n\n**Isaac Herzog** flew to [Baku](https://example.org).\n")
    terms = load_glossary([REPO_GLOSSARY]).for_pair("en", "pt")
    translate_article(
        article, target="pt", engine=ArgosEngine(), locales_dir=tmp_path / "l", terms=terms
    )
    segments = read_queue(tmp_path / "l" / "pt" / "story.po").active
    assert [segment.translation for segment in segments] == [
        "VISIT",
        "**Isaac Herzog** FLEW TO [Baku](https://example.org).",
    ]


def test_a_run_on_sentence_is_translated_to_its_end(workspace: Path, argos_packages: Path) -> None:
    # About 1,200 tokens for the copy model: past the 1,024 CTranslate2 reads at once.
    items = [f"delegation {index} with the minister of health" for index in range(80)]
    run_on = "The guests were " + ", ".join(items) + "."
    assert len(run_on) > 3 * MAX_ENGINE_CHARACTERS
    Path("articles/list.txt").write_text(run_on + "\n", encoding="utf-8")
    update = translate_article(Path("articles/list.txt"), target="pt", engine=ArgosEngine())
    [segment] = read_queue(update.po_file).active
    assert segment.source == run_on
    assert segment.translation == run_on.upper()
    # Strings are wrapped at 79 columns as msgcat wraps them (transflow's one-line JSON
    # comments are not), and polib reads the whole sentence back.
    lines = update.po_file.read_text(encoding="utf-8").splitlines()
    strings = [line for line in lines if not line.startswith("#")]
    assert len(strings) > 2 * len(run_on) // 79
    assert all(len(line) <= 79 for line in strings)
    entry = polib.pofile(str(update.po_file)).find(run_on)
    assert entry is not None
    assert entry.msgstr == run_on.upper()


def test_pieces_of_a_run_on_sentence_continue_it_in_lower_case() -> None:
    # Each piece reaches the model alone: the article put before a masked term
    # at the start of a piece must not be capitalised as if it began a sentence.
    alley = load_glossary([REPO_GLOSSARY]).for_pair("en", "pt")
    listing = ", ".join(f"the delegation number {index} from the north" for index in range(24))
    run_on = f"During the summit {listing}; the Alley of Martyrs was close to the hotel."
    assert len(run_on) > MAX_ENGINE_CHARACTERS > run_on.index(";") > MAX_ENGINE_CHARACTERS // 2
    enforcer = TermEnforcer(alley, "pt")
    translation = translate_sentences(
        BergamotEngine(), [run_on], source="en", target="pt", enforcer=enforcer
    )[run_on]
    text = translation.machine.text
    assert " a Alameda dos Mártires" in text, text
    assert "A Alameda" not in text
    assert translation.machine.masked_terms == ("Alley of Martyrs",)
    assert (translation.term_occurrences, translation.terms_correct) == (1, 1)
    assert translation.glossary_problems == ()
