"""``transflow diff`` through the real CLI, on real PO files written by po_store."""

from __future__ import annotations

import json
import re
from pathlib import Path

import polib
import pytest
import sacrebleu
from rich.console import Console
from typer.testing import CliRunner

from builders import JA_SEGMENTS, PT_SEGMENTS, Seg, assert_one_line_error, write_queue_file
from transflow.cli import app
from transflow.cli import diff as diff_cli
from transflow.queue.diff import DiffOp, Op
from transflow.queue.model import segment_id

runner = CliRunner()
PT = Path("locales/pt/story.po")
JA = Path("locales/ja/story.po")
QUIET = Path("locales/pt/quiet.po")


pytestmark = pytest.mark.usefixtures("wide_console")


@pytest.fixture
def queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """locales/ with a post-edited Portuguese and Japanese article and one untouched file."""
    monkeypatch.chdir(tmp_path)
    write_queue_file(PT, "pt", PT_SEGMENTS)
    write_queue_file(JA, "ja", JA_SEGMENTS)
    write_queue_file(QUIET, "pt", [Seg("Nothing to see.", "Nada a ver.", "Nada a ver.")])
    return tmp_path


def run(*args: str):
    return runner.invoke(app, ["diff", *args], catch_exceptions=False)


def where(path: Path, msgid: str) -> str:
    """``file:line id`` of the entry, as the change headers name it (line as polib reads it)."""
    entry = next(e for e in polib.pofile(str(path)) if e.msgid == msgid and not e.obsolete)
    return f"{path}:{entry.linenum} {segment_id(msgid)}"


def test_plain_diff_of_an_article(queue: Path) -> None:
    result = run("articles/story.txt", "--to", "pt", "--format", "plain")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"diff {PT} (pt, word level): 3 post-edits, 1 source change\n"
        f"@@ {where(PT, 'The president arrived in Baku.')} post-edit by Ana @@\n"
        "source: The president arrived in Baku.\n"
        "O [-presidente-]{+Presidente+} chegou [-em-]{+a+} Baku{+ ontem+}.\n"
        f"@@ {where(PT, 'Talks lasted two hours.')} post-edit by Bruno @@\n"
        "source: Talks lasted two hours.\n"
        "As [-conversações-]{+negociações+} duraram duas horas[-.-]{+!+}\n"
        f"@@ {where(PT, 'Edited in Poedit.')} post-edit (not approved) @@\n"
        "source: Edited in Poedit.\n"
        "Texto [-de máquina-]{+revisto+}.\n"
        f"@@ {where(PT, 'The summit ends on Saturday.')} source changed @@\n"
        "The summit ends on [-Friday-]{+Saturday+}.\n"
    )


def test_japanese_po_file_is_diffed_by_character(queue: Path) -> None:
    result = run(str(JA), "--format", "plain")
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"diff {JA} (ja, character level): 1 post-edit\n"
        f"@@ {where(JA, 'It is sunny today.')} post-edit by Chie @@\n"
        "source: It is sunny today.\n"
        "今日は[-晴れ-]{+雨+}です。\n"
    )


def test_whole_queue_and_a_file_without_edits(queue: Path) -> None:
    result = run("--format", "plain")
    assert result.exit_code == 0, result.output
    headers = [line for line in result.stdout.splitlines() if line.startswith("diff ")]
    assert headers == [
        f"diff {JA} (ja, character level): 1 post-edit",
        f"diff {QUIET} (pt, word level): no post-edits",
        f"diff {PT} (pt, word level): 3 post-edits, 1 source change",
    ]
    quiet = run(str(QUIET))
    assert quiet.exit_code == 0
    assert quiet.stdout == f"diff {QUIET} (pt, word level): no post-edits\n"
    only_ja = run("--to", "ja", "--format", "plain")
    assert only_ja.stdout.startswith(f"diff {JA} ")
    assert str(PT) not in only_ja.stdout


def test_color_falls_back_to_markers_without_a_terminal(queue: Path) -> None:
    """Piped output has no colour; without markers deletions would be unreadable."""
    assert run(str(PT)).stdout == run(str(PT), "--format", "plain").stdout


def test_color_on_a_terminal(queue: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    terminal = Console(force_terminal=True, color_system="standard", width=200)
    monkeypatch.setattr(diff_cli, "console", terminal)
    result = run(str(JA))
    assert result.exit_code == 0, result.output
    assert "\x1b[31m晴れ\x1b[0m" in result.stdout
    assert "\x1b[32m雨\x1b[0m" in result.stdout
    assert "[-" not in result.stdout
    assert "今日は" in result.stdout


def test_render_color_styles_deletions_red_and_insertions_green() -> None:
    text = diff_cli.render_color(
        [DiffOp(Op.EQUAL, "O "), DiffOp(Op.DELETE, "gato"), DiffOp(Op.INSERT, "cão")]
    )
    assert text.plain == "O gatocão"
    assert [(text.plain[s.start : s.end], str(s.style)) for s in text.spans] == [
        ("gato", "red"),
        ("cão", "green"),
    ]


def test_json_output(queue: Path) -> None:
    result = run("--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert [f["file"] for f in report["files"]] == [str(JA), str(QUIET), str(PT)]
    assert [f["post_edits"] for f in report["files"]] == [1, 0, 3]
    post_edits = [e for e in report["entries"] if e["kind"] == "post-edit"]
    assert len(post_edits) == 4
    for entry in post_edits:
        assert {"file", "line", "id", "msgid", "machine", "current", "ops", "reviewer"} <= set(
            entry
        )
        assert (
            "".join(op["text"] for op in entry["ops"] if op["op"] != "insert") == (entry["machine"])
        )
        assert (
            "".join(op["text"] for op in entry["ops"] if op["op"] != "delete") == (entry["current"])
        )
    chie = post_edits[0]
    assert (chie["file"], chie["reviewer"], chie["machine"]) == (
        str(JA),
        "Chie",
        "今日は晴れです。",
    )
    assert where(JA, chie["msgid"]) == f"{JA}:{chie['line']} {chie['id']}"
    source = [e for e in report["entries"] if e["kind"] == "source-change"]
    assert [(e["previous_msgid"], e["msgid"]) for e in source] == [
        ("The summit ends on Friday.", "The summit ends on Saturday.")
    ]


def overall_chrf() -> float:
    counted = [PT_SEGMENTS[i] for i in (0, 1, 2, 4)] + [JA_SEGMENTS[0]]
    return sacrebleu.corpus_chrf(
        [seg.machine or "" for seg in counted], [[seg.final for seg in counted]]
    ).score


def stat_table(stdout: str, title: str) -> dict[str, list[str]]:
    """The rows of the table titled ``title``, by first cell (cells are 2+ spaces apart)."""
    lines = [line.strip() for line in stdout.splitlines()]
    start = lines.index(title)
    rule = next(i for i in range(start, len(lines)) if lines[i].startswith("─"))
    rows = {}
    for line in lines[rule + 1 :]:
        if line.startswith("Post-editing in") or line in ("Per article", "Per reviewer"):
            break
        if line:
            first, *cells = re.split(r"\s{2,}", line)
            rows[first] = cells
    return rows


def test_stat_tables(queue: Path) -> None:
    result = run("--stat")
    assert result.exit_code == 0, result.output
    # Columns: segments, edited, edits, words, edit rate, chrF. Edits 3+0+2+2 in Portuguese
    # over 7+5+6+3 tokens, 2 in Japanese over 7 characters.
    reviewers = stat_table(result.stdout, "Per reviewer")
    assert reviewers["overall"] == ["5", "4", "9", "28", "32.1%", f"{overall_chrf():.1f}"]
    assert reviewers["Ana"][:5] == ["2", "1", "3", "12", "25.0%"]
    assert reviewers["Bruno"][:5] == ["1", "1", "2", "6", "33.3%"]
    assert reviewers["Chie"][:5] == ["1", "1", "2", "7", "28.6%"]
    assert reviewers["(no reviewer)"][:5] == ["1", "1", "2", "3", "66.7%"]
    articles = stat_table(result.stdout, "Per article")
    assert articles[str(QUIET)] == ["pt", "0", "0", "0", "0", "–", "–"]
    assert articles[str(PT)][:6] == ["pt", "4", "3", "7", "21", "33.3%"]
    segments = stat_table(result.stdout, f"Post-editing in {PT}")
    line, entry = where(PT, "The president arrived in Baku.").split(":")[1].split()
    first = PT_SEGMENTS[0]
    chrf = sacrebleu.sentence_chrf(first.machine or "", [first.final]).score
    assert segments[line] == [entry, "Ana", "3", "7", "42.9%", f"{chrf:.1f}"]
    assert len(segments) == 4
    assert f"Post-editing in {QUIET}" not in result.stdout


def test_stat_json(queue: Path) -> None:
    result = run("--stat", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["total"]["edits"] == 9
    assert report["total"]["words"] == 28
    assert report["total"]["edit_rate"] == pytest.approx(9 / 28)
    assert report["total"]["chrf"] == pytest.approx(overall_chrf())
    assert [r["reviewer"] for r in report["reviewers"]] == ["Ana", "Bruno", "Chie", None]
    assert len(report["segments"]) == 5


def test_stat_without_post_edits(queue: Path) -> None:
    result = run(str(QUIET), "--stat")
    assert result.exit_code == 0
    assert result.stdout.startswith("no post-edits")


def test_empty_queue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = run()
    assert result.exit_code == 0
    assert result.stdout == "no PO files in locales\n"


def test_missing_po_file(queue: Path) -> None:
    assert_one_line_error(run("locales/pt/nope.po"), "locales/pt/nope.po", "no such PO file")


def test_article_without_queue_file(queue: Path) -> None:
    assert_one_line_error(run("articles/other.md", "--to", "pt"), "articles/other.md")


def test_malformed_po_file(queue: Path) -> None:
    broken = Path("locales/pt/broken.po")
    broken.write_text('msgid "Hello."\nmsgstr "Olá\n', encoding="utf-8")
    assert_one_line_error(run(str(broken)), f"{broken}:2", "unterminated")
