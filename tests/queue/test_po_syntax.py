"""PO syntax (``transflow.queue.po_syntax``): read as polib and gettext read it, only stricter."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import polib
import pytest

from transflow.errors import InputError
from transflow.queue.model import (
    MachineOutput,
    Queue,
    Reference,
    ReviewAction,
    ReviewRecord,
    Segment,
)
from transflow.queue.po_syntax import PoCatalog, PoEntry, parse_po
from transflow.queue.pofile import format_queue

PATH = Path("locales/pt/story.po")
TEXTS = [
    "Hello.",
    'She said "no" and left.',
    "Tab\there, a back\\slash and a line\nbreak.",
    "A carriage\rreturn.",
    "Uma frase em português, com acentuação e “aspas”.",
    "Κείμενο στα ελληνικά.",
    "中文句子没有空格。",
    "A long sentence that gettext has to wrap over several lines because it is far "
    "longer than seventy-nine columns, with commas, semi-colons; and colons: too.",
    "",
]


def _random_queue(seed: int) -> Queue:
    """A queue with every kind of PO content transflow writes, chosen at random."""
    rng = random.Random(seed)
    segments = []
    for index in range(60):
        source = f"{rng.choice(TEXTS[:-1])} ({index})"
        translation = rng.choice(TEXTS)
        segments.append(
            Segment(
                source,
                translation,
                approved=bool(translation) and rng.random() < 0.4,
                machine=MachineOutput(translation, "bergamot", "m", -0.2)
                if rng.random() < 0.6
                else None,
                history=[ReviewRecord(ReviewAction.EDITED, "Ana", "2026-01-01T10:00:00Z")]
                if rng.random() < 0.2
                else [],
                previous_source=rng.choice(TEXTS[:-1]) if rng.random() < 0.15 else None,
                references=[
                    Reference(f"articles/story-{rng.randint(1, 9)}.txt", rng.randint(1, 999))
                    for _ in range(rng.choice((0, 1, 1, 3)))
                ],
                obsolete=rng.random() < 0.1,
                translator_comments=["checked with the desk", ""] if rng.random() < 0.2 else [],
                extracted_comments=["TRANSLATORS: a headline"] if rng.random() < 0.2 else [],
                other_flags=["python-format"] if rng.random() < 0.1 else [],
                context=rng.choice(("headline", "caption")) if rng.random() < 0.15 else None,
            )
        )
    return Queue(
        "en",
        "pt",
        "articles/story.txt",
        segments,
        header_comments=["Portuguese translation of the story.", "Ana Lima, 2026."],
        revision_date="2026-01-01 10:00+0000",
    )


def _as_polib_sees_it(entry: PoEntry) -> tuple[object, ...]:
    return (
        entry.msgctxt,
        entry.msgid,
        entry.msgstr,
        "\n".join(entry.translator_comments),
        "\n".join(entry.extracted_comments),
        entry.occurrences,
        entry.flags,
        entry.previous_msgid,
        entry.obsolete,
    )


def _polib_view(text: str) -> tuple[list[tuple[object, ...]], dict[str, str], list[str]]:
    catalog = polib.pofile(text, wrapwidth=79)
    entries = [
        (
            e.msgctxt,
            e.msgid,
            e.msgstr,
            e.tcomment,
            e.comment,
            e.occurrences,
            e.flags,
            e.previous_msgid,
            bool(e.obsolete),
        )
        for e in catalog
    ]
    return entries, dict(catalog.metadata), catalog.header.splitlines()


def _our_view(catalog: PoCatalog) -> tuple[list[tuple[object, ...]], dict[str, str], list[str]]:
    header_comments = catalog.header.translator_comments if catalog.header else []
    return (
        [_as_polib_sees_it(e) for e in catalog.entries],
        catalog.metadata(),
        header_comments,
    )


def _gettext_rewrites(text: str, tmp_path: Path) -> dict[str, str]:
    """The same catalog as gettext's tools write it (other widths, no wrapping, sorted)."""
    original = tmp_path / "original.po"
    original.write_text(text, encoding="utf-8")
    rewritten = {"transflow": text}
    for name, options in {
        "msgcat --width 40": ["msgcat", "--width", "40"],
        "msgcat --no-wrap": ["msgcat", "--no-wrap"],
        "msgcat --sort-output": ["msgcat", "--sort-output"],
        "msgattrib --no-obsolete": ["msgattrib", "--no-obsolete"],
    }.items():
        out = tmp_path / "out.po"
        subprocess.run([*options, str(original), "-o", str(out)], check=True, capture_output=True)
        rewritten[name] = out.read_text(encoding="utf-8")
    return rewritten


@pytest.mark.parametrize("seed", range(3))
def test_reads_what_polib_reads_in_every_layout_gettext_writes(tmp_path: Path, seed: int) -> None:
    for layout, text in _gettext_rewrites(format_queue(_random_queue(seed)), tmp_path).items():
        assert _our_view(parse_po(text, PATH)) == _polib_view(text), layout


def test_entries_know_the_line_they_start_on() -> None:
    text = format_queue(_random_queue(7))
    catalog = polib.pofile(text)
    starts = {(e.msgctxt, e.msgid, bool(e.obsolete)): e.linenum for e in catalog}
    ours = parse_po(text, PATH).entries
    assert ours
    for entry in ours:
        if not entry.obsolete:
            assert entry.line == starts[(entry.msgctxt, entry.msgid, False)]
        first_line = text.split("\n")[entry.line - 1]
        assert first_line.startswith(("#", "msgctxt", "msgid"))


LENIENT_BUT_VALID = (
    'msgid ""\r\nmsgstr ""\r\n"Language: pt\\n"\r\n\r\n'
    "#  two spaces kept\r\n"
    "#,fuzzy ,  c-format,\r\n"
    "#:  a.txt:1   b.txt  c:d.txt:x\r\n"
    '   msgid   "Indented"\r\n'
    '\tmsgstr "Recuado"  \r\n'
    "\r\n"
    '#| msgctxt "old"\r\n'
    '#| msgid "Old "\r\n'
    '#| "source"\r\n'
    'msgctxt "new"\r\n'
    'msgid "New source"\r\n'
    'msgstr ""\r\n'
    '"Nova "\r\n'
    '"fonte"\r\n'
    "\r\n"
    '#~ msgid "Gone"\r\n'
    '#~ msgstr ""\r\n'
    '#~ "Foi"\r\n'
)


def test_whitespace_crlf_and_spacing_read_as_gettext_reads_them() -> None:
    catalog = parse_po(LENIENT_BUT_VALID, PATH)
    indented, renamed, gone = catalog.entries
    assert (indented.msgid, indented.msgstr) == ("Indented", "Recuado")
    assert indented.translator_comments == [" two spaces kept"]
    assert indented.flags == ["fuzzy", "c-format"]  # the empty flag after the last comma is dropped
    assert indented.occurrences == [("a.txt", "1"), ("b.txt", ""), ("c:d.txt:x", "")]
    assert renamed.previous_msgctxt == "old"
    assert renamed.previous_msgid == "Old source"
    assert (renamed.msgctxt, renamed.msgstr) == ("new", "Nova fonte")
    assert (gone.obsolete, gone.msgid, gone.msgstr) == (True, "Gone", "Foi")
    assert catalog.metadata() == {"Language": "pt"}


def test_a_file_without_a_header_keeps_its_first_comment_on_its_first_entry() -> None:
    # polib would move it to the file's header; gettext keeps it with the entry.
    catalog = parse_po('# checked\nmsgid "a"\nmsgstr "b"\n', PATH)
    assert catalog.header is None
    assert catalog.entries[0].translator_comments == ["checked"]


HEADER = 'msgid ""\nmsgstr ""\n"Language: pt\\n"\n\n'


@pytest.mark.parametrize(
    ("body", "message", "line"),
    [
        ('msgid "a"\n', "entry cut off before its msgstr", 5),
        ('msgid "a"\nmsgid "b"\nmsgstr ""\n', "msgid without msgstr", 5),
        ('msgid "a"\nmsgctxt "c"\nmsgstr ""\n', "msgid without msgstr", 5),
        ('msgstr "x"\n', "msgstr without msgid", 5),
        ('msgid "a"\nmsgstr "b"\nmsgstr "c"\n', "msgstr without msgid", 7),
        ('#. note\n"stray"\nmsgid "a"\nmsgstr ""\n', "stray string", 6),
        ('msgid "a"\nmsgstr "b\n', "unterminated string after msgstr", 6),
        ('msgid "a"\nmsgstr "b" "c"\n', "unterminated string after msgstr", 6),
        ('msgid "a"\nmsgstr "b\\"\n', "unterminated string after msgstr", 6),
        ('msgid "a"\nmsgstr ""\n"b\n', "unterminated string", 7),
        ('msgid "a"\nmsgstr "\\a"\n', "unsupported escape '\\\\a'", 6),
        ('msgid "a"\nmsgstr "\\101"\n', "unsupported escape '\\\\1'", 6),
        ('msgid "a"\nmsgstr ""\nmsgstrx "b"\n', "unexpected text 'msgstrx \"b\"'", 7),
        ('msgid "a"\nmsgstr ""\nhello\n', "unexpected text 'hello'", 7),
        ('msgid "a"\nmsgstr ""\n\n#|\nmsgid "b"\nmsgstr ""\n', "'#|' with no previous string", 8),
        ('#| msgstr "old"\nmsgid "b"\nmsgstr ""\n', "unexpected text '#| msgstr \"old\"'", 5),
        ('msgid_plural "as"\n', "msgid_plural without msgid", 5),
        ('#~ msgid "gone"\n#~ msgstr "x\n', "unterminated string after msgstr", 6),
        ('msgctxt "c"\n', "entry cut off before its msgstr", 5),
        ('msgid "a"\nmsgstr ""\n\n#| msgid "old"\n', "entry cut off before its msgstr", 8),
        ('msgctxt "a"\nmsgctxt "b"\nmsgid "x"\nmsgstr ""\n', "two msgctxt in one entry", 6),
        ('#| msgid abc"\nmsgid "x"\nmsgstr ""\n', "unterminated string after #| msgid", 5),
        ('msgid "a"\n# note\n"x"\nmsgstr "b"\n', "stray string", 7),
        ('msgid "a"\nmsgstr "b"\n#~ "c"\n', "inconsistent use of #~", 7),
        ('msgid "a"\n#~ msgstr "b"\n', "inconsistent use of #~", 6),
        ('#~ msgid "a"\n#~ msgstr ""\n"b"\n', "inconsistent use of #~", 7),
    ],
)
def test_what_gettext_rejects_is_refused_at_its_line(body: str, message: str, line: int) -> None:
    with pytest.raises(InputError) as raised:
        parse_po(HEADER + body, PATH)
    assert raised.value.line == line
    assert f"malformed PO file ({message})" in str(raised.value)
    assert str(raised.value).startswith(str(PATH))


def test_every_truncation_is_refused_or_reads_a_prefix_unchanged() -> None:
    """A file cut off anywhere never reads as entries that differ from the whole file's."""
    text = format_queue(_random_queue(3))
    whole = {(e.msgctxt, e.msgid): e for e in parse_po(text, PATH).entries}
    rng = random.Random(3)
    for cut in sorted(rng.sample(range(len(text)), 300)):
        try:
            catalog = parse_po(text[:cut], PATH)
        except InputError:
            continue
        *complete, last = catalog.entries or [None]
        for entry in complete:
            assert entry == whole[(entry.msgctxt, entry.msgid)]
        if last is not None:  # only the last entry's last string may have been cut
            original = whole[(last.msgctxt, last.msgid)]
            assert original.msgstr.startswith(last.msgstr)
