from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from transflow.errors import InputError
from transflow.queue.pofile import (
    GLOSSARY_FLAG,
    EntryState,
    MachineTranslation,
    ReviewFile,
    entry_state,
    is_flagged,
    machine_translation,
    po_path,
    queue_files,
    record_machine_translation,
)

VALID_PO = """\
msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: pt\\n"

#: a.txt:1
msgid "Hello."
msgstr "Olá."

#, fuzzy
msgid "Good morning."
msgstr "Bom dia."

#~ msgid "Gone."
#~ msgstr "Foi."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pt" / "article.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_po_path_is_per_language_and_article_stem(tmp_path: Path) -> None:
    assert po_path(tmp_path, "de", Path("news/story.md")) == tmp_path / "de" / "story.po"


def test_missing_file_loads_as_empty_queue(tmp_path: Path) -> None:
    review_file = ReviewFile.load(tmp_path / "pt" / "none.po")
    assert review_file.active_entries() == []


def test_states_and_stats(tmp_path: Path) -> None:
    review_file = ReviewFile.load(write(tmp_path, VALID_PO))
    states = [entry_state(entry) for entry in review_file.catalog]
    assert states == [EntryState.APPROVED, EntryState.MACHINE, EntryState.OBSOLETE]
    stats = review_file.stats()
    assert (stats.total, stats.awaiting_review, stats.approved, stats.obsolete) == (2, 1, 1, 1)


@pytest.mark.parametrize(
    ("damage", "line"),
    [
        (lambda text: text[: text.index('"Olá.') + 3], 8),  # cut inside a string
        (lambda text: text[: text.index('msgstr "Olá."')], 7),  # msgid without msgstr
        (lambda text: text.replace('msgid "Hello."', "msgid Hello."), 7),
        (lambda text: text.replace("#: a.txt:1", "stray words"), 6),
        (lambda text: text + 'msgid "Hello."\nmsgstr "Oi."\n', None),  # duplicate msgid
    ],
)
def test_malformed_files_are_reported_with_line(tmp_path: Path, damage, line: int | None) -> None:
    path = write(tmp_path, damage(VALID_PO))
    before = path.read_bytes()
    with pytest.raises(InputError) as raised:
        ReviewFile.load(path)
    assert str(raised.value).startswith(str(path))
    if line is not None:
        assert raised.value.line == line
    assert path.read_bytes() == before


def test_non_utf8_po_file_is_an_input_error(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    path.write_bytes(VALID_PO.replace("Olá", "Ol\xe1").encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8"):
        ReviewFile.load(path)


def test_machine_translation_survives_a_human_edit(tmp_path: Path) -> None:
    entry = polib.POEntry(msgid='He said "no".\nThen left.')
    machine = MachineTranslation('Ele disse "não".\nDepois saiu.', "argos", "m-1", -0.25)
    record_machine_translation(entry, machine)
    assert entry.fuzzy
    entry.msgstr = "Edited by a human."
    entry.flags.remove("fuzzy")
    review_file = ReviewFile(tmp_path / "x.po", polib.POFile())
    review_file.catalog.append(entry)
    review_file.save()

    reloaded = ReviewFile.load(tmp_path / "x.po").active_entries()[0]
    assert entry_state(reloaded) is EntryState.APPROVED
    assert reloaded.msgstr == "Edited by a human."
    assert machine_translation(reloaded) == machine


def test_long_machine_translation_round_trips_unwrapped(tmp_path: Path) -> None:
    text = "Uma frase longa  com espaços duplos, " * 6 + "e um fim."
    review_file = ReviewFile.load(tmp_path / "pt" / "long.po")
    entry = polib.POEntry(msgid="A long sentence.")
    record_machine_translation(entry, MachineTranslation(text, "argos", "m-1", -0.5))
    review_file.catalog.append(entry)
    review_file.save()

    reloaded = ReviewFile.load(review_file.path).active_entries()[0]
    assert machine_translation(reloaded) == MachineTranslation(text, "argos", "m-1", -0.5)
    assert reloaded.msgstr == text


def test_recording_again_replaces_engine_metadata_but_keeps_other_comments() -> None:
    entry = polib.POEntry(msgid="Hi.", comment="written by a maintainer")
    record_machine_translation(entry, MachineTranslation("Oi.", "bergamot", "b", None))
    record_machine_translation(entry, MachineTranslation("Olá.", "argos", "a", -0.1))
    assert machine_translation(entry) == MachineTranslation("Olá.", "argos", "a", -0.1)
    assert "written by a maintainer" in entry.comment
    assert entry.comment.count("transflow-mt:") == 1


def test_save_is_atomic_and_leaves_no_temp_files(tmp_path: Path) -> None:
    path = write(tmp_path, VALID_PO)
    review_file = ReviewFile.load(path)
    review_file.active_entries()[0].msgstr = "Oi."
    review_file.save()
    assert ReviewFile.load(path).active_entries()[0].msgstr == "Oi."
    assert sorted(p.name for p in path.parent.iterdir()) == ["article.po"]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_saved_file_passes_msgfmt_check_format(tmp_path: Path) -> None:
    review_file = ReviewFile.load(tmp_path / "pt" / "a.po")
    entry = polib.POEntry(msgid='50% of "them" said\nyes.', occurrences=[("a.txt", "3")])
    record_machine_translation(
        entry, MachineTranslation("50% deles disseram\nsim.", "x", "y", -1.0)
    )
    review_file.catalog.append(entry)
    review_file.update_header(language="pt", source_language="en", project="a", source_file="a.txt")
    review_file.save()
    subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(review_file.path)], check=True
    )


FLAGGED = MachineTranslation(
    "Presidente de Azerbaijan.",
    "argos",
    "m-1",
    -0.3,
    markup_lost=("**bold**",),
    term_occurrences=2,
    terms_correct=1,
    glossary_problems=("Azerbaijan: expected 'Azerbaijão' 1×, found 0×",),
    masked_terms=("Ilham Aliyev",),
    alternatives=("Presidente do Azerbaijan.", 'Um "outro"\nmodo.'),
)


def test_glossary_problems_flag_the_entry_and_round_trip(tmp_path: Path) -> None:
    review_file = ReviewFile.load(tmp_path / "pt" / "a.po")
    entry = polib.POEntry(msgid="President of Azerbaijan.")
    record_machine_translation(entry, FLAGGED)
    review_file.catalog.append(entry)
    review_file.save()

    reloaded = ReviewFile.load(review_file.path)
    [saved] = reloaded.active_entries()
    assert saved.flags == ["fuzzy", GLOSSARY_FLAG]
    assert is_flagged(saved)
    assert machine_translation(saved) == FLAGGED
    assert reloaded.stats().flagged == 1
    text = review_file.path.read_text(encoding="utf-8")
    assert "#. transflow-glossary: Azerbaijan: expected 'Azerbaijão' 1×, found 0×" in text

    saved.flags.remove("fuzzy")  # a reviewer approves it anyway
    assert not is_flagged(saved)
    assert reloaded.stats().flagged == 0


def test_a_clean_retranslation_clears_the_flag_and_its_comments() -> None:
    entry = polib.POEntry(msgid="President of Azerbaijan.")
    record_machine_translation(entry, FLAGGED)
    clean = MachineTranslation("Presidente do Azerbaijão.", "argos", "m-1", -0.2, (), 1, 1)
    record_machine_translation(entry, clean)
    assert entry.flags == ["fuzzy"]
    assert "transflow-glossary" not in entry.comment
    assert "transflow-markup-lost" not in entry.comment
    assert machine_translation(entry) == clean


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="gettext's msgfmt is not installed")
def test_flagged_file_passes_msgfmt_check_format(tmp_path: Path) -> None:
    review_file = ReviewFile.load(tmp_path / "pt" / "a.po")
    entry = polib.POEntry(msgid="President of Azerbaijan.", occurrences=[("a.txt", "1")])
    record_machine_translation(entry, FLAGGED)
    review_file.catalog.append(entry)
    review_file.update_header(language="pt", source_language="en", project="a", source_file="a.txt")
    review_file.save()
    subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(review_file.path)], check=True
    )


def test_queue_files_filters_by_language(tmp_path: Path) -> None:
    for language in ("pt", "de"):
        (tmp_path / language).mkdir()
        (tmp_path / language / "a.po").write_text(VALID_PO, encoding="utf-8")
    assert [f.path.parent.name for f in queue_files(tmp_path)] == ["de", "pt"]
    assert [f.path.parent.name for f in queue_files(tmp_path, "pt")] == ["pt"]
