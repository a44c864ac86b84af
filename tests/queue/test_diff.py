"""Post-edit diffs and statistics, on PO files built the way the pipeline and review write them.

Statistics are checked against an independent computation: a recursive
Levenshtein written here, tokens cut by a simpler regex that agrees with
transflow's on these sentences, and chrF from sacrebleu's own functions.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence
from functools import cache
from pathlib import Path

import polib
import pytest
import sacrebleu

from builders import JA_SEGMENTS, PT_SEGMENTS, Seg, write_queue_file
from transflow.queue.diff import (
    ChangeKind,
    DiffOp,
    Op,
    diff_file,
    diff_report,
    edit_distance,
    file_header,
    post_edit_stats,
    render_file_plain,
    render_plain,
    tokenize,
    word_diff,
)
from transflow.queue.model import Queue, State, segment_id


@pytest.fixture
def pt_file(tmp_path: Path) -> Queue:
    return write_queue_file(tmp_path / "pt" / "story.po", "pt", PT_SEGMENTS)


@pytest.fixture
def ja_file(tmp_path: Path) -> Queue:
    return write_queue_file(tmp_path / "ja" / "story.po", "ja", JA_SEGMENTS)


def lines_of(queue: Queue) -> dict[str, int]:
    """Where each active entry starts, as polib (an independent reader) sees the file."""
    assert queue.path is not None
    catalog = polib.pofile(str(queue.path))
    return {entry.msgid: entry.linenum for entry in catalog if not entry.obsolete}


def ids_of(queue: Queue) -> dict[str, str]:
    return {segment.source: segment_id(segment.source) for segment in queue.active}


# --- word diff -----------------------------------------------------------------------

EQ, DEL, INS = Op.EQUAL, Op.DELETE, Op.INSERT


@pytest.mark.parametrize(
    ("old", "new", "ops", "plain"),
    [
        pytest.param(
            "O presidente chegou.",
            "O ministro chegou.",
            [(EQ, "O "), (DEL, "presidente"), (INS, "ministro"), (EQ, " chegou.")],
            "O [-presidente-]{+ministro+} chegou.",
            id="replace a word",
        ),
        pytest.param(
            "O presidente chegou a Baku.",
            "O presidente chegou ontem a Baku.",
            [(EQ, "O presidente chegou "), (INS, "ontem "), (EQ, "a Baku.")],
            "O presidente chegou {+ontem +}a Baku.",
            id="insert a word",
        ),
        pytest.param(
            "O presidente chegou ontem a Baku.",
            "O presidente chegou a Baku.",
            [(EQ, "O presidente chegou "), (DEL, "ontem "), (EQ, "a Baku.")],
            "O presidente chegou [-ontem -]a Baku.",
            id="delete a word",
        ),
        pytest.param(
            "Ele chegou a Baku.",
            "Ele chegou a Baku ontem.",
            [(EQ, "Ele chegou a Baku"), (INS, " ontem"), (EQ, ".")],
            "Ele chegou a Baku{+ ontem+}.",
            id="insert before the full stop",
        ),
        pytest.param(
            "Olá, mundo.",
            "Olá mundo!",
            [(EQ, "Olá"), (DEL, ","), (EQ, " mundo"), (DEL, "."), (INS, "!")],
            "Olá[-,-] mundo[-.-]{+!+}",
            id="punctuation",
        ),
        pytest.param(
            'Ele disse: "sim".',
            "Ele disse: «sim».",
            [
                (EQ, "Ele disse: "),
                (DEL, '"'),
                (INS, "«"),
                (EQ, "sim"),
                (DEL, '"'),
                (INS, "»"),
                (EQ, "."),
            ],
            'Ele disse: [-"-]{+«+}sim[-"-]{+»+}.',
            id="quotation marks",
        ),
        pytest.param(
            "Bom dia.",
            "Bom  dia.",
            [(EQ, "Bom"), (DEL, " "), (INS, "  "), (EQ, "dia.")],
            "Bom[- -]{+  +}dia.",
            id="whitespace",
        ),
        pytest.param(
            "o gato dormiu",
            "um cão dormiu",
            [(DEL, "o gato"), (INS, "um cão"), (EQ, " dormiu")],
            "[-o gato-]{+um cão+} dormiu",
            id="adjacent words are one change",
        ),
        pytest.param(
            "Sem mudanças.",
            "Sem mudanças.",
            [(EQ, "Sem mudanças.")],
            "Sem mudanças.",
            id="unchanged",
        ),
        pytest.param(
            "Cerca de 1,000.5 euros bem-vindos.",
            "Cerca de 1.000,5 euros bem-vindos.",
            [(EQ, "Cerca de "), (DEL, "1,000.5"), (INS, "1.000,5"), (EQ, " euros bem-vindos.")],
            "Cerca de [-1,000.5-]{+1.000,5+} euros bem-vindos.",
            id="numbers and hyphenated words are one token",
        ),
    ],
)
def test_word_diff(old: str, new: str, ops: list[tuple[Op, str]], plain: str) -> None:
    diff = word_diff(old, new)
    assert diff == [DiffOp(op, text) for op, text in ops]
    assert render_plain(diff) == plain


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", "Novo texto."),
        ("Texto antigo.", ""),
        ("Linha um\nlinha dois.", "Linha um\n\nLinha dois."),
        ("a  b\tc", "a b c d"),
        ("x y z w", "x z"),
        ("Ele disse: 'não', e saiu.", "Ele disse «não» — e saiu!"),
    ],
)
def test_ops_reproduce_both_texts(old: str, new: str) -> None:
    ops = word_diff(old, new)
    assert "".join(op.text for op in ops if op.op is not Op.INSERT) == old
    assert "".join(op.text for op in ops if op.op is not Op.DELETE) == new
    assert all(op.text for op in ops)
    assert all(a.op != b.op for a, b in itertools.pairwise(ops))


def test_tokens_are_words_punctuation_and_whitespace() -> None:
    text = "Well-known d'água, 10:30 e 1,000.5!  Fim"
    tokens = tokenize(text)
    assert "".join(tokens) == text
    assert tokens == [
        "Well-known", " ", "d'água", ",", " ", "10:30", " ", "e", " ", "1,000.5", "!", "  ", "Fim",
    ]  # fmt: skip


def test_japanese_is_compared_character_by_character() -> None:
    assert tokenize("今日は 雨。", by_character=True) == ["今", "日", "は", " ", "雨", "。"]
    ops = word_diff("今日は晴れです。", "今日は雨です。", by_character=True)
    assert ops == [
        DiffOp(Op.EQUAL, "今日は"),
        DiffOp(Op.DELETE, "晴れ"),
        DiffOp(Op.INSERT, "雨"),
        DiffOp(Op.EQUAL, "です。"),
    ]
    assert render_plain(ops) == "今日は[-晴れ-]{+雨+}です。"
    # At word level the whole sentence is one token: the diff says nothing useful.
    assert render_plain(word_diff("今日は晴れです。", "今日は雨です。")) == (
        "[-今日は晴れです-]{+今日は雨です+}。"
    )


# --- diffs of queue files ------------------------------------------------------------


def test_diff_file_shows_post_edits_and_source_changes_only(pt_file: Queue) -> None:
    diff = diff_file(pt_file)
    lines = lines_of(pt_file)
    assert [(c.kind, c.msgid) for c in diff.changes] == [
        (ChangeKind.POST_EDIT, "The president arrived in Baku."),
        (ChangeKind.POST_EDIT, "Talks lasted two hours."),
        (ChangeKind.POST_EDIT, "Edited in Poedit."),
        (ChangeKind.SOURCE_CHANGE, "The summit ends on Saturday."),
    ]
    first, talks, poedit, summit = diff.changes
    assert first.line == lines["The president arrived in Baku."]
    assert (first.old, first.new) == (
        "O presidente chegou em Baku.",
        "O Presidente chegou a Baku ontem.",
    )
    assert (first.reviewer, talks.reviewer, poedit.reviewer) == ("Ana", "Bruno", None)
    # A human translation awaiting approval (the file was edited, not reviewed in transflow).
    assert poedit.state is State.EDITED
    assert (summit.old, summit.new) == (
        "The summit ends on Friday.",
        "The summit ends on Saturday.",
    )
    assert render_plain(summit.ops) == "The summit ends on [-Friday-]{+Saturday+}."


def test_plain_rendering_of_a_file(pt_file: Queue) -> None:
    lines, ids = lines_of(pt_file), ids_of(pt_file)
    path = pt_file.path

    def at(msgid: str) -> str:
        return f"{path}:{lines[msgid]} {ids[msgid]}"

    assert render_file_plain(diff_file(pt_file)) == (
        f"diff {path} (pt, word level): 3 post-edits, 1 source change\n"
        f"@@ {at('The president arrived in Baku.')} post-edit by Ana @@\n"
        "source: The president arrived in Baku.\n"
        "O [-presidente-]{+Presidente+} chegou [-em-]{+a+} Baku{+ ontem+}.\n"
        f"@@ {at('Talks lasted two hours.')} post-edit by Bruno @@\n"
        "source: Talks lasted two hours.\n"
        "As [-conversações-]{+negociações+} duraram duas horas[-.-]{+!+}\n"
        f"@@ {at('Edited in Poedit.')} post-edit (not approved) @@\n"
        "source: Edited in Poedit.\n"
        "Texto [-de máquina-]{+revisto+}.\n"
        f"@@ {at('The summit ends on Saturday.')} source changed @@\n"
        "The summit ends on [-Friday-]{+Saturday+}.\n"
    )


def test_header_of_a_file_without_edits(tmp_path: Path) -> None:
    review = write_queue_file(tmp_path / "pt" / "quiet.po", "pt", [Seg("A.", "Um.", "Um.")])
    diff = diff_file(review)
    assert diff.changes == ()
    assert file_header(diff) == f"diff {review.path} (pt, word level): no post-edits"
    assert render_file_plain(diff) == f"diff {review.path} (pt, word level): no post-edits\n"


def test_language_header_decides_the_level(ja_file: Queue) -> None:
    diff = diff_file(ja_file)
    assert diff.by_character
    assert file_header(diff).endswith("(ja, character level): 1 post-edit")
    assert render_plain(diff.changes[0].ops) == "今日は[-晴れ-]{+雨+}です。"


def test_json_report(pt_file: Queue, ja_file: Queue) -> None:
    report = diff_report([diff_file(pt_file), diff_file(ja_file)])
    assert report["files"] == [
        {
            "file": str(pt_file.path),
            "language": "pt",
            "level": "word",
            "post_edits": 3,
            "source_changes": 1,
        },
        {
            "file": str(ja_file.path),
            "language": "ja",
            "level": "character",
            "post_edits": 1,
            "source_changes": 0,
        },
    ]
    first = report["entries"][0]
    assert first == {
        "kind": "post-edit",
        "file": str(pt_file.path),
        "line": lines_of(pt_file)["The president arrived in Baku."],
        "id": ids_of(pt_file)["The president arrived in Baku."],
        "msgid": "The president arrived in Baku.",
        "machine": "O presidente chegou em Baku.",
        "current": "O Presidente chegou a Baku ontem.",
        "state": "approved",
        "ops": [
            {"op": "equal", "text": "O "},
            {"op": "delete", "text": "presidente"},
            {"op": "insert", "text": "Presidente"},
            {"op": "equal", "text": " chegou "},
            {"op": "delete", "text": "em"},
            {"op": "insert", "text": "a"},
            {"op": "equal", "text": " Baku"},
            {"op": "insert", "text": " ontem"},
            {"op": "equal", "text": "."},
        ],
        "reviewer": "Ana",
    }
    source_change = report["entries"][3]
    assert source_change["kind"] == "source-change"
    assert source_change["previous_msgid"] == "The summit ends on Friday."
    assert source_change["msgid"] == "The summit ends on Saturday."
    assert report["entries"][4]["reviewer"] == "Chie"


# --- statistics ----------------------------------------------------------------------


def levenshtein(a: Sequence[str], b: Sequence[str]) -> int:
    """The textbook recursion, memoised: independent of the library's two-row version."""

    @cache
    def distance(i: int, j: int) -> int:
        if i == 0 or j == 0:
            return i + j
        return min(
            distance(i - 1, j) + 1,
            distance(i, j - 1) + 1,
            distance(i - 1, j - 1) + (a[i - 1] != b[j - 1]),
        )

    return distance(len(a), len(b))


def words(text: str, language: str) -> list[str]:
    if language == "ja":
        return [char for char in text if not char.isspace()]
    return re.findall(r"\w+|[^\w\s]", text)


def expected_segment(seg: Seg, language: str) -> tuple[int, int, float]:
    assert seg.machine is not None
    edits = levenshtein(words(seg.machine, language), words(seg.final, language))
    return (
        edits,
        len(words(seg.final, language)),
        sacrebleu.sentence_chrf(seg.machine, [seg.final]).score,
    )


def expected_totals(segs: Sequence[tuple[Seg, str]]) -> dict[str, object]:
    figures = [expected_segment(seg, language) for seg, language in segs]
    edits = sum(edits for edits, _, _ in figures)
    words_ = sum(count for _, count, _ in figures)
    machines = [seg.machine for seg, _ in segs]
    finals = [seg.final for seg, _ in segs]
    return {
        "segments": len(segs),
        "edited": sum(seg.machine != seg.final for seg, _ in segs),
        "edits": edits,
        "words": words_,
        "edit_rate": pytest.approx(edits / words_),
        "chrf": pytest.approx(sacrebleu.corpus_chrf(machines, [finals]).score),
    }


def test_edit_distance_counts_token_edits() -> None:
    assert edit_distance([], []) == 0
    assert edit_distance(["a", "b"], []) == 2
    assert edit_distance([], ["a"]) == 1
    assert edit_distance(list("kitten"), list("sitting")) == 3
    assert edit_distance(["O", "gato", "."], ["O", "gato", "."]) == 0
    for a, b in [("flaw", "lawn"), ("intention", "execution"), ("abc", "cba")]:
        assert edit_distance(list(a), list(b)) == levenshtein(a, b)


def test_segment_figures(pt_file: Queue, ja_file: Queue) -> None:
    stats = post_edit_stats([pt_file, ja_file])
    counted = [PT_SEGMENTS[0], PT_SEGMENTS[1], PT_SEGMENTS[2], PT_SEGMENTS[4], JA_SEGMENTS[0]]
    languages = ["pt", "pt", "pt", "pt", "ja"]
    assert [s.machine for s in stats.segments] == [seg.machine for seg in counted]
    for segment, seg, language in zip(stats.segments, counted, languages, strict=True):
        edits, count, chrf = expected_segment(seg, language)
        assert (segment.edits, segment.words) == (edits, count)
        assert segment.edit_rate == pytest.approx(edits / count)
        assert segment.chrf == pytest.approx(chrf)
    # Spelled out for the first sentence: presidente→Presidente, em→a, +ontem over 7 tokens.
    first = stats.segments[0]
    assert (first.edits, first.words, first.reviewer) == (3, 7, "Ana")
    assert (stats.segments[1].edits, stats.segments[1].chrf) == (0, pytest.approx(100.0))
    # Character level: 晴→雨 and れ deleted, over the 7 characters of 今日は雨です。
    assert (stats.segments[4].edits, stats.segments[4].words) == (2, 7)


def test_article_reviewer_and_overall_totals(pt_file: Queue, ja_file: Queue) -> None:
    report = post_edit_stats([pt_file, ja_file]).as_dict()
    ana_edited, ana_approved, bruno, poedit = ((PT_SEGMENTS[index], "pt") for index in (0, 1, 2, 4))
    chie = (JA_SEGMENTS[0], "ja")
    pt_all = [ana_edited, ana_approved, bruno, poedit]
    assert report["articles"] == [
        {"file": str(pt_file.path), "language": "pt", **expected_totals(pt_all)},
        {"file": str(ja_file.path), "language": "ja", **expected_totals([chie])},
    ]
    assert report["reviewers"] == [
        {"reviewer": "Ana", **expected_totals([ana_edited, ana_approved])},
        {"reviewer": "Bruno", **expected_totals([bruno])},
        {"reviewer": "Chie", **expected_totals([chie])},
        {"reviewer": None, **expected_totals([poedit])},
    ]
    assert report["total"] == expected_totals([*pt_all, chie])
    assert report["total"]["edits"] == 3 + 0 + 2 + 2 + 2


def test_totals_of_an_article_without_segments(tmp_path: Path) -> None:
    review = write_queue_file(tmp_path / "pt" / "quiet.po", "pt", [Seg("A.", "Um.", "Um.")])
    stats = post_edit_stats([review])
    assert stats.segments == ()
    assert stats.articles[0].totals.as_dict() == {
        "segments": 0,
        "edited": 0,
        "edits": 0,
        "words": 0,
        "edit_rate": None,
        "chrf": None,
    }
    assert stats.reviewers == ()
