"""``transflow memory …`` through the real CLI, on real queue, TMX and memory files."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polib
import pytest
from typer.testing import CliRunner

from builders import PT_SEGMENTS, REPO_GLOSSARY, Seg, assert_one_line_error, write_queue_file
from memory.tools import po2tmx
from transflow.cli import app
from transflow.queue.model import ReviewAction

runner = CliRunner()
MEMORY = Path(".transflow/memory.sqlite")
ARRIVED = "The president arrived in Baku."

pytestmark = pytest.mark.usefixtures("wide_console")


@pytest.fixture
def desk(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A workspace whose queue holds approved Portuguese work, and the repository's glossary."""
    monkeypatch.chdir(tmp_path)
    write_queue_file(Path("locales/pt/story.po"), "pt", PT_SEGMENTS)
    shutil.copytree(REPO_GLOSSARY, tmp_path / "glossary")
    assert run("rebuild").exit_code == 0
    return tmp_path


def run(*args: str, stdin: str | None = None):
    return runner.invoke(app, ["memory", *args], input=stdin, catch_exceptions=False)


def stats() -> dict:
    result = run("stats", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def agency_tmx(directory: Path) -> Path:
    """A TMX written by Translate Toolkit's own po2tmx from a PO file written here."""
    entries = [
        polib.POEntry(msgid="Breaking news", msgstr="Última hora"),
        polib.POEntry(msgid="He met the minister.", msgstr="Reuniu-se com o ministro."),
    ]
    return po2tmx(entries, directory, "pt")


def test_rebuild_reads_the_approved_entries_of_the_queue(desk: Path) -> None:
    result = run("rebuild")
    assert result.exit_code == 0, result.output
    assert result.stdout == f"rebuilt {MEMORY}: 4 segment(s)\n"
    assert stats()["pairs"][0]["by_origin"] == {"human": 4, "engine": 0, "imported": 0}


def test_match_as_json_gives_one_record_per_query(desk: Path) -> None:
    result = run(
        "match",
        "The president arrived in Batumi.",
        "Talks lasted three hours.",
        "Nothing like it at all in the memory.",
        "--to",
        "pt",
        "--format",
        "json",
    )
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [record["query"] for record in records] == [
        "The president arrived in Batumi.",
        "Talks lasted three hours.",
        "Nothing like it at all in the memory.",
    ]
    (term,) = records[0]["matches"]
    assert term["source"] == ARRIVED
    assert term["target"] == "O Presidente chegou a Baku ontem."
    assert (term["origin"], term["reviewer"], term["article"]) == ("human", "Ana", "story.txt")
    assert term["flags"] == ["differs-in-term"]  # Baku is in the glossary
    assert {"op": "delete", "text": "Baku"} in term["diff"]
    assert {"op": "insert", "text": "Batumi"} in term["diff"]
    assert 75 <= term["score"] < 100
    (number,) = records[1]["matches"]
    assert number["flags"] == ["differs-in-number"]
    assert number["reviewer"] == "Bruno"
    assert records[2]["matches"] == []


def test_match_reads_sentences_from_stdin_and_honours_threshold_and_limit(desk: Path) -> None:
    result = run(
        "match", "-", "--to", "pt", "--format", "json", "--min-match", "60", "--limit", "1",
        stdin="He met the minister!\n\nThe president arrived in Baku.\n",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    records = json.loads(result.stdout)
    assert [r["query"] for r in records] == ["He met the minister!", ARRIVED]
    assert [len(r["matches"]) for r in records] == [1, 1]
    assert records[1]["matches"][0]["score"] == 100
    high = json.loads(run("match", "He met the minister!", "--to", "pt", "--format", "json",
                          "--min-match", "99").stdout)  # fmt: skip
    assert high[0]["matches"] == []


def test_match_table_shows_score_diff_translation_and_who(desk: Path) -> None:
    result = run("match", "The president did not arrive in Baku.", "--to", "pt")
    assert result.exit_code == 0, result.output
    assert "The president did not arrive in Baku." in result.stdout
    line = next(line for line in result.stdout.splitlines() if "%" in line)
    assert "O Presidente chegou a Baku ontem." in line
    assert "human, Ana, story.txt" in line
    assert "differs-in-negation" in line
    assert "[-arrived-]{+did not arrive+}" in result.stdout
    missing = run("match", "Something else entirely, nothing alike.", "--to", "pt")
    assert "no match of 75% or more" in missing.stdout


def test_search_is_a_concordance_with_article_and_reviewer(desk: Path) -> None:
    table = run("search", "minister")
    assert table.exit_code == 0, table.output
    line = next(line for line in table.stdout.splitlines() if "He met the minister." in line)
    assert all(cell in line for cell in ("Ele encontrou o ministro.", "story.txt", "Ana", "human"))
    found = json.loads(run("search", "NEGOCIAÇÕES", "--format", "json").stdout)
    assert [(s["source"], s["reviewer"]) for s in found] == [("Talks lasted two hours.", "Bruno")]
    assert "nothing in the memory contains 'Atlantis'" in run("search", "Atlantis").stdout


def test_stats_table(desk: Path) -> None:
    result = run("stats")
    assert result.exit_code == 0, result.output
    row = next(line for line in result.stdout.splitlines() if "en→pt" in line)
    assert row.split() == ["en→pt", "4", "4", "4", "0", "0"]
    assert "4 segment(s) from 1 article(s) by 2 reviewer(s)" in result.stdout


def test_import_of_a_po2tmx_file_ranks_below_the_teams_approvals(desk: Path) -> None:
    tmx = agency_tmx(desk)
    result = run("import", str(tmx))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"imported 2 unit(s) from {tmx}\n"
    again = run("import", str(tmx))
    assert again.stdout == f"imported 0 unit(s) from {tmx} (2 already in the memory)\n"

    records = json.loads(run("match", "He met the minister.", "--to", "pt", "--format", "json")
                         .stdout)  # fmt: skip
    assert [(m["target"], m["origin"]) for m in records[0]["matches"]] == [
        ("Ele encontrou o ministro.", "human"),
        ("Reuniu-se com o ministro.", "imported"),
    ]
    assert stats()["pairs"][0]["by_origin"]["imported"] == 2


def test_export_then_import_elsewhere_reproduces_the_matches(
    desk: Path, tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    queries = ["The president arrived in Baku today.", "Talks lasted 2 hours.", "Handmade!"]

    def matches() -> list:
        output = run("match", *queries, "--to", "pt", "--format", "json").stdout
        return [[(m["source"], m["target"], m["score"]) for m in r["matches"]]
                for r in json.loads(output)]  # fmt: skip

    exported = run("export", str(desk / "newsroom.tmx"), "--to", "pt")
    assert exported.exit_code == 0, exported.output
    assert exported.stdout == f"wrote 4 unit(s) to {desk / 'newsroom.tmx'}\n"
    before = matches()

    monkeypatch.chdir(tmp_path_factory.mktemp("elsewhere"))
    assert run("import", str(desk / "newsroom.tmx")).exit_code == 0
    assert matches() == before


def test_bad_tmx_files_are_one_line_errors_and_change_nothing(desk: Path) -> None:
    tmx = agency_tmx(desk)
    truncated = desk / "truncated.tmx"
    truncated.write_bytes(tmx.read_bytes()[:-40])
    html = desk / "page.tmx"
    html.write_text("<html><body>Hello</body></html>\n", encoding="utf-8")
    before = stats()

    result = run("import", str(truncated))
    assert_one_line_error(result, f"{truncated}:", "not well-formed XML")
    assert_one_line_error(run("import", str(html)), f"{html}:1:", "not a TMX file")
    assert_one_line_error(
        run("import", str(tmx), "--to", "de"), str(tmx), "no translations into de"
    )
    assert_one_line_error(run("import", str(tmx), "--from", "fr"), f"{tmx}:", "has no fr text")
    assert_one_line_error(run("import", str(desk / "nothing.tmx")), "nothing.tmx", "no such file")
    assert stats() == before
    assert not (desk / ".transflow" / "memory-imports").exists()


def test_a_damaged_memory_is_rebuilt_with_one_warning_line(desk: Path) -> None:
    MEMORY.write_bytes(b"\x00not sqlite\x00" * 500)
    result = run("match", ARRIVED, "--to", "pt", "--format", "json")
    assert result.exit_code == 0, result.output
    (warning,) = [line for line in result.stderr.splitlines() if line.strip()]
    assert warning.startswith(f"warning: {MEMORY}: the translation memory was damaged")
    assert "Traceback" not in result.output
    assert json.loads(result.stdout)[0]["matches"][0]["target"] == (
        "O Presidente chegou a Baku ontem."
    )
    assert stats()["segments"] == 4


def test_a_broken_queue_stops_the_rebuild_with_one_line(desk: Path) -> None:
    Path("locales/pt/broken.po").write_text('msgid "cut', encoding="utf-8")
    assert_one_line_error(run("rebuild"), "broken.po:1", "malformed PO file")
    assert stats()["segments"] == 4


def test_an_unknown_language_is_a_one_line_error(desk: Path) -> None:
    assert_one_line_error(run("match", "Hi.", "--to", "klingonese"), "unknown language")


def test_check_reports_approvals_that_disagree_across_articles(desk: Path) -> None:
    # story.po approved "He met the minister." as "Ele encontrou o ministro."
    write_queue_file(
        Path("locales/pt/later.po"),
        "pt",
        [
            Seg(
                "He met the minister.",
                "Ele encontrou o ministro.",
                "Reuniu-se com o ministro.",
                approved=True,
                reviews=((ReviewAction.EDITED, "Bruno"),),
            )
        ],
    )
    result = runner.invoke(app, ["check", "--format", "json"])
    report = json.loads(result.stdout)
    conflicts = [row for row in report["findings"] if row["check"] == "consistency"]
    assert sorted(Path(row["file"]).name for row in conflicts) == ["later.po", "story.po"]
    assert all(row["severity"] == "functional" for row in conflicts)
    assert "'He met the minister.' is translated 2 ways" in conflicts[0]["message"]
    assert result.exit_code == 1  # a functional finding fails the default --fail-on

    one_file = runner.invoke(app, ["check", "locales/pt/later.po", "--fail-on", "critical"])
    assert "translated 2 ways" in one_file.stdout  # the other article is still compared
    assert one_file.exit_code == 0
