"""The queue stored as PO (``transflow.queue.pofile``): strict reading, gettext's own writing."""

from __future__ import annotations

import json
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

import polib
import pytest

from builders import DATA
from transflow.errors import InputError
from transflow.queue.model import (
    MachineOutput,
    MemoryOrigin,
    Queue,
    Reference,
    ReviewAction,
    ReviewRecord,
    Segment,
    SegmentConfidence,
    State,
    assessment_id,
)
from transflow.queue.pofile import (
    format_queue,
    load_queue,
    locked,
    parse_queue,
    po_path,
    queue_files,
    read_queue,
    read_queue_head,
    write_queue,
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

# A queue file as transflow 0.1 wrote it: state in extracted comments and custom flags.
LEGACY_PO = """\
msgid ""
msgstr ""
"Project-Id-Version: story\\n"
"Last-Translator: Ann\\n"
"Language: pt\\n"
"Content-Type: text/plain; charset=UTF-8\\n"
"X-Source-Language: en\\n"
"X-Source-File: articles/story.txt\\n"

#. transflow-engine: engine=argos model=en-pt-1.0 score=-0.4100 terms=1/2
#. transflow-mt: "Herzog visitou Baku."
#. transflow-glossary: Baku: not rendered as 'Bacu'
#. transflow-glossary-masked: Herzog
#. transflow-alternative: "Herzog foi a Baku."
#. transflow-review: {"action": "rejected", "by": "Ann", "at": "2025-01-01T10:00", "note": "city"}
#: articles/story.txt:1
#, fuzzy, glossary-violation, needs-work
msgid "Herzog visited Baku."
msgstr "Herzog visitou Baku."

#. transflow-engine: engine=argos model=en-pt-1.0 score=-0.2000
#. transflow-mt: "Ele voltou."
#. transflow-review: {"action": "edited", "by": "Ann", "at": "2025-01-01T10:01:00+00:00"}
#: articles/story.txt:2
msgid "He came back."
msgstr "Ele regressou."
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "pt" / "article.po"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def sample_queue() -> Queue:
    """A queue with every kind of fact transflow keeps, to round-trip through tools."""
    machine = MachineOutput(
        "O presidente chegou a Baku, disse “ele”.",
        "bergamot",
        "enpt-tiny",
        -0.3141,
        markup_lost=("**",),
        masked_terms=("Baku",),
        unchecked_inflection=("Baku",),
        alternatives=("O Presidente chegou a Baku.",),
    )
    reviewed = [
        ReviewRecord(
            ReviewAction.EDITED,
            "Ann Lee",
            "2025-01-01T10:00:00+00:00",
            email="a@x.org",
            text="Editado.",
        )
    ]
    return Queue(
        "en",
        "pt-BR",
        "articles/story.txt",
        [
            Segment(
                "The president arrived in Baku, he said “so”.",
                machine.text,
                machine=machine,
                confidence=SegmentConfidence(
                    0.3125,
                    ("back-translation lost: 'so'",),
                    round_trip=True,
                    assessed_id=assessment_id(
                        "The president arrived in Baku, he said “so”.", machine.text
                    ),
                ),
                references=[Reference("articles/story.txt", 1)],
            ),
            Segment(
                "Edited one.",
                "Editado.",
                approved=True,
                machine=MachineOutput("Um editado.", "bergamot", "enpt-tiny"),
                history=list(reviewed),
                references=[Reference("articles/story.txt", 2), Reference("articles/story.txt", 9)],
                translator_comments=["a translator's own note"],
            ),
            Segment(
                "Rejected one.",
                "Rejeitado.",
                machine=MachineOutput("Rejeitado.", "bergamot", "enpt-tiny"),
                history=[
                    ReviewRecord(ReviewAction.REJECTED, "Bo", "2025-01-02T09:00:00+00:00", "tone")
                ],
                previous_source="Rejected one before.",
                references=[Reference("articles/story.txt", 3)],
            ),
            Segment(
                "From memory.",
                "Da memória.",
                memory=MemoryOrigin(
                    "Da memória.", "Ann Lee", "2025-01-01T10:00:00+00:00", "other.txt"
                ),
                references=[Reference("articles/story.txt", 4)],
            ),
            Segment("Untranslated.", references=[Reference("articles/story.txt", 5)]),
            Segment("Gone.", "Foi.", approved=True, history=list(reviewed), obsolete=True),
        ],
        last_translator="Ann Lee <a@x.org>",
        revision_date="2025-01-02 09:00+0000",
    )


def facts(queue: Queue) -> list[tuple[object, ...]]:
    """What a user must find unchanged after any tool: states, texts, origins, histories."""
    return [
        (
            segment.source,
            segment.translation,
            segment.state,
            segment.obsolete,
            segment.machine,
            segment.memory,
            tuple(segment.history),
            segment.previous_translation,
            segment.confidence,
        )
        for segment in queue.segments
    ]


def test_po_path_uses_gettext_folder_names(tmp_path: Path) -> None:
    assert po_path(tmp_path, "de", Path("news/story.md")) == tmp_path / "de" / "story.po"
    assert po_path(tmp_path, "pt-BR", Path("story.txt")) == tmp_path / "pt_BR" / "story.po"


def test_a_missing_file_loads_as_an_empty_queue_of_the_pair(tmp_path: Path) -> None:
    queue = load_queue(tmp_path / "pt" / "none.po", source="en", target="pt_BR", article="a.txt")
    assert queue.segments == []
    assert queue.target_language == "pt-BR"
    with pytest.raises(InputError, match="no such PO file"):
        read_queue(tmp_path / "pt" / "none.po")


def test_states_and_stats(tmp_path: Path) -> None:
    queue = read_queue(write(tmp_path, VALID_PO))
    assert [segment.state for segment in queue.active] == [State.APPROVED, State.EDITED]
    assert [segment.obsolete for segment in queue] == [False, False, True]
    stats = queue.stats()
    assert (stats.total, stats.awaiting_review, stats.approved, stats.obsolete) == (2, 1, 1, 1)


@pytest.mark.parametrize(
    ("damage", "line"),
    [
        (lambda text: text[: text.index('"Olá.') + 3], 8),  # cut inside a string
        (lambda text: text[: text.index('msgstr "Olá."')], 7),  # msgid without msgstr
        (lambda text: text.replace('msgid "Hello."', "msgid Hello."), 7),
        (lambda text: text.replace("#: a.txt:1", "stray words"), 6),
        (lambda text: text + 'msgid "Hello."\nmsgstr "Oi."\n', 16),  # duplicate msgid
        (lambda text: text.replace('"Olá."', '"Ol\\qá."'), 8),  # an escape gettext rejects
        (lambda text: text.replace('"Olá."', '"Olá\\"'), 8),  # a string left open by an escape
        (lambda text: text.replace("charset=UTF-8", "charset=ISO-8859-1"), 3),
        (lambda text: text.replace("Language: pt", "Language: xx-nowhere"), 1),
        (lambda text: text + 'msgid "one"\nmsgid_plural "many"\nmsgstr[0] "um"\n', 16),
    ],
)
def test_malformed_files_are_refused_with_their_line(
    tmp_path: Path, damage, line: int | None
) -> None:
    path = write(tmp_path, damage(VALID_PO))
    before = path.read_bytes()
    with pytest.raises(InputError) as raised:
        read_queue(path)
    assert str(raised.value).startswith(str(path))
    assert raised.value.line == line
    assert path.read_bytes() == before


def test_non_utf8_and_binary_files_are_input_errors(tmp_path: Path) -> None:
    path = write(tmp_path, "")
    path.write_bytes(VALID_PO.replace("Olá", "Ol\xe1").encode("latin-1"))
    with pytest.raises(InputError, match="not valid UTF-8") as raised:
        read_queue(path)
    assert raised.value.line == 8
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    with pytest.raises(InputError, match="binary"):
        read_queue(path)


def test_every_fact_round_trips(tmp_path: Path) -> None:
    path = tmp_path / "pt_BR" / "story.po"
    queue = sample_queue()
    write_queue(queue, path)
    again = read_queue(path)
    assert facts(again) == facts(queue)
    assert [s.state for s in again.segments] == [
        State.MACHINE,
        State.APPROVED,
        State.NEEDS_WORK,
        State.MEMORY,
        State.UNTRANSLATED,
        State.APPROVED,
    ]
    assert again.segments[2].previous_source == "Rejected one before."
    assert again.segments[2].rejection_note == "tone"
    assert again.segments[1].translator_comments == ["a translator's own note"]
    assert again.segments[1].references == queue.segments[1].references
    assert format_queue(again) == path.read_text(encoding="utf-8")


def test_the_header_speaks_gettext(tmp_path: Path) -> None:
    path = tmp_path / "pt_BR" / "story.po"
    queue = sample_queue()
    queue.header = {"Project-Id-Version": "newsroom 2", "Report-Msgid-Bugs-To": "desk@x.org"}
    write_queue(queue, path)
    metadata = polib.pofile(str(path)).metadata
    assert metadata["Language"] == "pt_BR"
    assert metadata["Plural-Forms"].startswith("nplurals=")
    assert metadata["Last-Translator"] == "Ann Lee <a@x.org>"
    assert metadata["Language-Team"] == "Portuguese (Brazil)"
    assert metadata["X-Source-Language"] == "en"
    assert metadata["X-Source-File"] == "articles/story.txt"
    assert metadata["Project-Id-Version"] == "newsroom 2"  # other tools' fields are kept
    assert metadata["Report-Msgid-Bugs-To"] == "desk@x.org"
    assert read_queue(path).target_language == "pt-BR"


def test_written_files_pass_msgfmt_check_format(tmp_path: Path) -> None:
    path = tmp_path / "pt_BR" / "story.po"
    write_queue(sample_queue(), path)
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", "/dev/null", str(path)], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def _random_queue(seed: int) -> Queue:
    """Segments from real article text in several scripts, cut at random places."""
    rng = random.Random(seed)
    texts = [
        line
        for article in sorted((DATA / "articles").glob("*"))
        for line in article.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    cases = (DATA / "segmentation_golden.jsonl").read_text(encoding="utf-8").splitlines()
    texts += [case["text"] for case in map(json.loads, cases) if "text" in case]
    texts += [
        "U.S. officials met G.D.P. analysts in St.Louis at 5 p.m.; see https://president.az/en/news",
        "世界和平" * 30,
        'Escapes: "quoted" \\ backslash\ttab and a newline\nin the middle, then more words',
        "A.I.-driven e-mail and/or 3/4 of the well-known «guillemets» — em dash… ellipsis",
    ]
    segments, seen = [], set()
    for _ in range(300):
        source = rng.choice(texts)
        source = source[: rng.randint(1, len(source))] if rng.random() < 0.3 else source
        if source in seen:
            continue
        seen.add(source)
        translation = rng.choice(texts)
        segments.append(
            Segment(
                source,
                translation,
                approved=rng.random() < 0.5,
                machine=MachineOutput(translation, "bergamot", "m") if rng.random() < 0.7 else None,
                previous_source=rng.choice(texts) if rng.random() < 0.1 else None,
                references=[
                    Reference(f"articles/story-{rng.randint(1, 99)}.txt", rng.randint(1, 999))
                    for _ in range(rng.choice((1, 1, 2, 15)))
                ],
                obsolete=rng.random() < 0.05,
            )
        )
    return Queue("en", "pt", "articles/story.txt", segments, revision_date="2025-01-01 10:00+0000")


@pytest.mark.parametrize("seed", range(4))
def test_msgcat_leaves_a_written_file_byte_for_byte(tmp_path: Path, seed: int) -> None:
    path = tmp_path / "pt" / "story.po"
    write_queue(_random_queue(seed), path)
    copy = tmp_path / "copy.po"
    subprocess.run(["msgcat", str(path), "-o", str(copy)], check=True, capture_output=True)
    assert copy.read_text(encoding="utf-8") == path.read_text(encoding="utf-8")


def _through_translate_toolkit(path: Path, tmp_path: Path) -> None:
    bin_dir = Path(sys.executable).parent
    xliff = tmp_path / "exchange.xlf"
    subprocess.run([bin_dir / "po2xliff", path, xliff], check=True, capture_output=True)
    subprocess.run([bin_dir / "xliff2po", xliff, path], check=True, capture_output=True)


GETTEXT_TOOLS = {
    "msgcat": lambda path, _: ["msgcat", path, "-o", path],
    "msguniq": lambda path, _: ["msguniq", path, "-o", path],
    "msgattrib": lambda path, _: ["msgattrib", path, "-o", path],
    "msgmerge --previous": lambda path, _: ["msgmerge", "-q", "--previous", path, path, "-o", path],
    "msgcat --width 60": lambda path, _: ["msgcat", "--width", "60", path, "-o", path],
}


@pytest.mark.parametrize("tool", [*GETTEXT_TOOLS, "po2xliff | xliff2po"])
def test_state_survives_the_gettext_tool_chain(tmp_path: Path, tool: str) -> None:
    path = tmp_path / "pt_BR" / "story.po"
    queue = sample_queue()
    write_queue(queue, path)
    if tool in GETTEXT_TOOLS:
        subprocess.run(GETTEXT_TOOLS[tool](path, tmp_path), check=True, capture_output=True)
    else:
        _through_translate_toolkit(path, tmp_path)
    again = read_queue(path)
    expected = facts(queue)
    if tool == "po2xliff | xliff2po":
        # XLIFF has no obsolete units: the sentence comes back active, with all its
        # history, and the next translate run makes it obsolete again.
        expected = [(*fact[:3], False, *fact[4:]) for fact in expected]
    assert facts(again) == expected
    assert (again.source_language, again.target_language, again.article) == (
        "en",
        "pt-BR",
        "articles/story.txt",
    )


def test_a_decision_rewrites_only_its_own_entry(tmp_path: Path) -> None:
    path = tmp_path / "pt_BR" / "story.po"
    write_queue(sample_queue(), path)
    before = path.read_text(encoding="utf-8").splitlines()
    queue = read_queue(path)
    segment = queue.segments[0]
    segment.approved = True
    segment.history.append(ReviewRecord(ReviewAction.APPROVED, "Bo", "2025-01-03T08:00"))
    queue.revision_date = "2025-01-03 08:00+0000"
    write_queue(queue, path)
    after = path.read_text(encoding="utf-8").splitlines()
    import difflib

    changed = [
        line
        for line in difflib.unified_diff(before, after, lineterm="", n=0)
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert sorted(changed) == sorted(
        [
            '-"PO-Revision-Date: 2025-01-02 09:00+0000\\n"',
            '+"PO-Revision-Date: 2025-01-03 08:00+0000\\n"',
            "-#, fuzzy",
            '+# transflow-review: {"action": "approved", "by": "Bo", "at": "2025-01-03T08:00"}',
        ]
    )


def test_files_of_the_previous_release_are_read_and_upgraded_losing_nothing(
    tmp_path: Path,
) -> None:
    path = write(tmp_path, LEGACY_PO)
    queue = read_queue(path)
    rejected, edited = queue.active
    assert rejected.state is State.NEEDS_WORK
    assert rejected.rejection_note == "city"
    assert rejected.machine == MachineOutput(
        "Herzog visitou Baku.",
        "argos",
        "en-pt-1.0",
        -0.41,
        masked_terms=("Herzog",),
        alternatives=("Herzog foi a Baku.",),
    )
    assert rejected.other_flags == []  # glossary-violation and needs-work are derived now
    assert rejected.extracted_comments == []
    assert edited.state is State.APPROVED
    assert edited.reviewer == "Ann"
    assert edited.machine is not None and edited.machine.text == "Ele voltou."
    write_queue(queue, path)
    upgraded = path.read_text(encoding="utf-8")
    assert "#. transflow" not in upgraded and "glossary-violation" not in upgraded
    assert facts(read_queue(path)) == facts(queue)


def test_other_tools_comments_and_flags_are_kept(tmp_path: Path) -> None:
    text = VALID_PO.replace(
        "#: a.txt:1\n", "# translator note\n#. extracted by xgettext\n#: a.txt:1\n#, c-format\n"
    )
    path = write(tmp_path, text)
    write_queue(read_queue(path), path)
    segment = read_queue(path).segments[0]
    assert segment.translator_comments == ["translator note"]
    assert segment.extracted_comments == ["extracted by xgettext"]
    assert segment.other_flags == ["c-format"]


def test_writing_is_atomic_and_locking_leaves_no_file(tmp_path: Path) -> None:
    path = tmp_path / "pt_BR" / "story.po"
    with locked(path):
        write_queue(sample_queue(), path)
    assert sorted(p.name for p in path.parent.iterdir()) == ["story.po"]


def test_lock_files_of_the_previous_release_are_removed(tmp_path: Path) -> None:
    path = tmp_path / "pt" / "story.po"
    path.parent.mkdir()
    (tmp_path / "pt" / "story.po.lock").write_text("")
    with locked(path):
        write_queue(sample_queue(), path)
    assert sorted(p.name for p in path.parent.iterdir()) == ["story.po"]


def test_the_lock_keeps_writers_apart(tmp_path: Path) -> None:
    path = tmp_path / "pt" / "story.po"
    order: list[str] = []

    def second() -> None:
        with locked(path):
            order.append("second")

    with locked(path):
        thread = threading.Thread(target=second)
        thread.start()
        time.sleep(0.2)
        order.append("first")
    thread.join(timeout=10)
    assert order == ["first", "second"]


def test_a_locales_folder_that_is_a_file_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "pt").write_text("not a folder")
    with (
        pytest.raises(InputError, match="is not a directory"),
        locked(tmp_path / "pt" / "story.po"),
    ):
        pass
    with pytest.raises(InputError, match="is not a directory"):
        queue_files(tmp_path / "pt")


def test_queue_files_filter_by_language(tmp_path: Path) -> None:
    for folder in ("pt", "pt_BR", "de"):
        write_queue(Queue("en", folder, "a.txt"), tmp_path / folder / "a.po")
    assert [q.target_language for q in queue_files(tmp_path)] == ["de", "pt", "pt-BR"]
    assert [q.target_language for q in queue_files(tmp_path, "pt-BR")] == ["pt-BR"]


def test_parse_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "x.po"
    with pytest.raises(InputError) as raised:
        parse_queue(b'msgid "a"\n', path)
    assert str(raised.value).startswith(str(path))


def test_a_mangled_confidence_line_is_dropped_not_fatal(tmp_path: Path) -> None:
    path = tmp_path / "story.po"
    write_queue(sample_queue(), path)
    text = path.read_text(encoding="utf-8")
    assert '# transflow-confidence: {"value": 0.3125' in text
    path.write_text(text.replace('{"value": 0.3125', '{"value": 7'), encoding="utf-8")
    assert all(segment.confidence is None for segment in read_queue(path).segments)


def test_the_head_of_a_queue_is_its_first_entries_as_the_whole_file_reads_them(
    tmp_path: Path,
) -> None:
    path = tmp_path / "pt" / "story.po"
    write_queue(_random_queue(5), path)
    whole = read_queue(path)
    head, complete = read_queue_head(path, 10)
    assert not complete
    assert head.segments == whole.segments[:10]
    assert (head.header, head.target_language) == (whole.header, whole.target_language)
    everything, complete = read_queue_head(path, len(whole.segments))
    assert complete and everything.segments == whole.segments
    crlf = tmp_path / "pt" / "crlf.po"
    crlf.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    assert read_queue_head(crlf, 10) == (read_queue(crlf), True)  # no "\n\n": read whole


@pytest.mark.parametrize(
    "comment",
    [
        '# transflow-mt: {"text": "Olá.", "score": 1' + "0" * 400 + "}",
        '# transflow-confidence: {"value": 1' + "1" * 5000 + "}",
        "# transflow-review: " + "[" * 100_000,
        '# transflow-mt: {"text": "Olá.", "markup_lost": 5, "masked": {"a": 1}}',
    ],
)
def test_hand_mangled_state_is_dropped_never_a_crash(tmp_path: Path, comment: str) -> None:
    path = write(tmp_path, VALID_PO.replace("#: a.txt:1\n", f"{comment}\n#: a.txt:1\n"))
    hello = next(s for s in read_queue(path).segments if s.source == "Hello.")
    assert hello.translation == "Olá."


def test_a_reference_line_that_is_no_number_stays_part_of_its_name(tmp_path: Path) -> None:
    references = "#: a.txt:² b.txt:" + "9" * 5000 + " c.txt:12\n"
    path = write(tmp_path, VALID_PO.replace("#: a.txt:1\n", references))
    hello = next(s for s in read_queue(path).segments if s.source == "Hello.")
    assert [str(reference) for reference in hello.references] == [
        "a.txt:²",
        "b.txt:" + "9" * 5000,
        "c.txt:12",
    ]


def test_a_plural_header_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, VALID_PO.replace('msgid ""\nmsgstr ""', 'msgid ""\nmsgstr[0] ""', 1))
    with pytest.raises(InputError, match="plural entries"):
        read_queue(path)
