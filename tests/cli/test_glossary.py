"""``transflow glossary …`` driven through the real CLI on real files in a temporary workspace."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import DATA, REPO_GLOSSARY, assert_one_line_error
from transflow.cli import app
from transflow.glossary.model import load_glossary

OTHER_TOOL_TBX = DATA / "glossary" / "other-tool.tbx"
ARTICLE = "articles/azerbaijan-israel-presidents-baku.txt"
WORLD = Path("glossary/world.csv")

runner = CliRunner()


pytestmark = pytest.mark.usefixtures("wide_console")


@pytest.fixture
def desk(workspace: Path) -> Path:
    """The sample workspace with the repository's glossary in glossary/."""
    shutil.copytree(REPO_GLOSSARY, workspace / "glossary")
    return workspace


def run(*args: str):
    return runner.invoke(app, ["glossary", *args], catch_exceptions=False)


def row(output: str, first_cell: str) -> str:
    return next(line for line in output.splitlines() if line.strip().startswith(first_cell))


def test_list_filters_and_shows_origins(desk: Path) -> None:
    everything = run("list")
    assert everything.exit_code == 0, everything.output
    assert "20 of 20 term(s)" in everything.stdout
    baku = row(everything.stdout, "Baku ")
    assert "place" in baku and "keep" in baku and "glossary/world.csv:16" in baku

    places = run("list", "--kind", "place", "azerbaij")
    assert "Azerbaijão" in row(places.stdout, "Azerbaijan ")
    assert "Ilham Aliyev" not in places.stdout  # a person, though its note names Azerbaijan
    assert "Capital of Azerbaijan" in row(places.stdout, "Baku ")  # the note matches
    assert "2 of 20" in places.stdout

    portuguese = run("list", "--lang", "pt", "Iran")
    assert all(form in row(portuguese.stdout, "Iran ") for form in ("Irã", "Irão"))
    assert "no terms match" in run("list", "Atlantis").stdout


def test_list_as_json_gives_every_field_of_the_matching_terms(desk: Path) -> None:
    result = run("list", "--format", "json", "--kind", "place", "azerbaij")
    assert result.exit_code == 0, result.output
    terms = {term["term"]: term for term in json.loads(result.stdout)}
    assert set(terms) == {"Azerbaijan", "Baku"}  # as the table: the note names Azerbaijan
    baku = terms["Baku"]
    assert (baku["kind"], baku["policy"], baku["file"], baku["line"]) == (
        "place",
        "keep",
        "glossary/world.csv",
        16,
    )
    assert "Capital of Azerbaijan" in baku["note"]
    assert terms["Azerbaijan"]["targets"]["pt"] == "Azerbaijão"
    assert json.loads(run("list", "--format", "json", "Atlantis").stdout) == []


def test_list_marks_missing_forms(desk: Path) -> None:
    run("add", "Eternal Flame Park", "--policy", "translate")
    result = run("list", "--lang", "de", "Eternal")
    assert "missing" in row(result.stdout, "Eternal Flame Park")
    assert "Israel" in row(run("list", "--lang", "de", "Israel").stdout, "Israel ")


def test_add_then_remove_keeps_the_file_intact(desk: Path) -> None:
    original = WORLD.read_bytes()
    added = run(
        "add", "Bakı", "--kind", "place", "--target", "pt=Bacu", "--target", "de=Baku",
        "--forbid", "pt=Bacú", "--article", "pt=-",
        "--note", "Azerbaijani spelling, rarely in English",
    )  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "added 'Bakı' (en, place, translate) at glossary/world.csv:25" in added.stdout
    assert "new column(s) in glossary/world.csv: de" in added.stdout
    text = WORLD.read_text(encoding="utf-8")
    header = "term,source_lang,kind,policy,pt,forbidden_pt,article_pt,note,de"
    assert text.splitlines()[3] == header
    assert text.endswith(
        'Bakı,en,place,translate,Bacu,Bacú,-,"Azerbaijani spelling, rarely in English",Baku\n'
    )
    added_term = load_glossary([WORLD]).terms[-1]
    assert added_term.targets == {"pt": "Bacu", "de": "Baku"}
    assert added_term.articles == {"pt": "-"}

    again = run(
        "add", "Bakı", "--kind", "place", "--target", "pt=Bacu", "--target", "de=Baku",
        "--forbid", "pt=Bacú", "--article", "pt=-",
        "--note", "Azerbaijani spelling, rarely in English",
    )  # fmt: skip
    assert again.exit_code == 0
    assert "already in glossary/world.csv:25 with the same content; nothing changed" in again.stdout

    removed = run("remove", "Bakı")
    assert removed.exit_code == 0
    assert "removed 'Bakı' (en) from glossary/world.csv:25" in removed.stdout
    lines = WORLD.read_text(encoding="utf-8").splitlines()
    assert lines == [
        line + ("" if index < 3 else ",") + ("de" if index == 3 else "")
        for index, line in enumerate(original.decode().splitlines())
    ]  # only the de column, empty in every row, remains


def test_add_conflicting_term_is_one_line_error_and_nothing_changes(desk: Path) -> None:
    before = WORLD.read_bytes()
    result = run("add", "Baku", "--kind", "place", "--target", "pt=Bacu")
    assert_one_line_error(
        result, "'Baku' (en) conflicts", "glossary/world.csv:16", "policy and target forms"
    )
    assert WORLD.read_bytes() == before


def test_add_same_policy_and_targets_keeps_the_existing_row(desk: Path) -> None:
    before = WORLD.read_bytes()
    result = run("add", "Baku", "--note", "Capital")
    assert result.exit_code == 0, result.output
    assert (
        "'Baku' is already in glossary/world.csv:16, with a different kind, forbidden forms, "
        "articles, note that was not applied"
    ) in result.stdout
    assert WORLD.read_bytes() == before


def test_add_creates_the_glossary_and_requires_file_among_several(workspace: Path) -> None:
    created = run("add", "Gala", "--kind", "place")
    assert created.exit_code == 0, created.output
    assert "created glossary/glossary.csv" in created.stdout
    assert Path("glossary/glossary.csv").read_text(encoding="utf-8") == (
        "term,source_lang,kind,policy,note\nGala,en,place,keep,\n"
    )
    Path("glossary/people.csv").write_text(
        "term,source_lang,kind,policy\nHerzog,en,person,keep\n", encoding="utf-8"
    )
    ambiguous = run("add", "Baku", "--kind", "place")
    assert_one_line_error(ambiguous, "2 glossary files", "--file")
    chosen = run("add", "Baku", "--kind", "place", "--file", "glossary/people.csv")
    assert chosen.exit_code == 0
    assert "glossary/people.csv:3" in chosen.stdout


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        (["--target", "pt"], ["--target 'pt'", "LANG=VALUE"]),
        (["--target", "pt=A", "--target", "pt=B"], ["2 pt values"]),
        (["--forbid", "pt=A|B"], ["separates forms"]),
        (["--article", "pt=the"], ["article_pt: unknown article 'the'"]),
        (["--article", "pt"], ["--article 'pt'", "LANG=VALUE", "pt=a"]),
        (["--file", "glossary/world.txt"], ["glossary/world.txt", ".csv"]),
    ],
)
def test_add_bad_options_are_one_line_errors(desk: Path, args: list[str], fragments) -> None:
    before = WORLD.read_bytes()
    assert_one_line_error(run("add", "Gala Dinner", *args), *fragments)
    assert WORLD.read_bytes() == before


def test_editing_a_broken_or_non_utf8_glossary_is_refused(desk: Path) -> None:
    WORLD.write_bytes(WORLD.read_bytes().replace("Azerbaijão".encode(), b"Azerbaij\xe3o"))
    before = WORLD.read_bytes()
    assert_one_line_error(run("add", "Gala Dinner"), "glossary/world.csv:13", "UTF-8")
    assert_one_line_error(run("remove", "Baku"), "glossary/world.csv:13")
    assert_one_line_error(run("list"), "glossary/world.csv:13")
    assert WORLD.read_bytes() == before


def test_remove_unknown_term(desk: Path) -> None:
    assert_one_line_error(run("remove", "baku"), "'baku' (en) is not in glossary", "'Baku'")


def test_check_passes_with_warnings_and_info(desk: Path) -> None:
    (desk / "locales" / "pt").mkdir(parents=True)
    (desk / "locales" / "de").mkdir(parents=True)
    result = run("check")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert "glossary/world.csv:7: info: 'Aliyev' also occurs inside 'Ilham Aliyev'" in lines[0]
    assert (
        "glossary/world.csv:13: warning: 'translate' term 'Azerbaijan' has no de form, so it is "
        "not enforced when translating into de"
    ) in lines
    assert lines[-1] == "0 error(s), 6 warning(s), 4 info in 20 term(s) from 1 file(s)"
    only_pt = run("check", "--to", "pt")
    assert only_pt.stdout.splitlines()[-1].startswith("0 error(s), 0 warning(s), 4 info")


def test_check_fails_on_errors(desk: Path) -> None:
    with WORLD.open("a", encoding="utf-8") as handle:
        handle.write("Karabakh,en,place,translate,Carabaque,,\nShusha,en,town,keep,,,\n")
    result = run("check", "--to", "pt")
    assert result.exit_code == 1
    assert "glossary/world.csv:25: error: 'Karabakh' conflicts with its entry at" in result.stdout
    assert "glossary/world.csv:26: error: unknown kind 'town'" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("2 error(s)")


def test_export_import_round_trip(desk: Path, tmp_path: Path, monkeypatch) -> None:
    exported = run("export", "--format", "tbx", "-o", "out/world.tbx")
    assert exported.exit_code == 0, exported.output
    assert "wrote 20 term(s) to out/world.tbx" in exported.stderr
    assert "the articles of 10 term(s) (article_<lang> columns)" in exported.stderr
    stdout_export = run("export")
    assert stdout_export.stdout == Path("out/world.tbx").read_text(encoding="utf-8")

    fresh = tmp_path / "fresh"
    fresh.mkdir()
    shutil.copy("out/world.tbx", fresh / "world.tbx")
    monkeypatch.chdir(fresh)
    imported = run("import", "world.tbx", "--into", "glossary/world.csv")
    assert imported.exit_code == 0, imported.output
    assert "imported 20 term(s) from world.tbx into glossary/world.csv" in imported.stdout
    original = load_glossary([REPO_GLOSSARY]).terms
    again = load_glossary([Path("glossary")]).terms
    fields = (
        "text",
        "source_lang",
        "kind",
        "policy",
        "targets",
        "forbidden",
        "note",
    )  # no articles
    assert [[getattr(t, f) for f in fields] for t in again] == [
        [getattr(t, f) for f in fields] for t in original
    ]
    unchanged = run("import", "world.tbx")
    assert "all 20 term(s) of world.tbx are already in the glossary" in unchanged.stdout


def test_export_csv_and_import_merges(desk: Path) -> None:
    exported = run("export", "--format", "csv")
    header = "term,source_lang,kind,policy,pt,forbidden_pt,article_pt,note"
    assert exported.stdout.splitlines()[0] == header
    assert "Baku,en,place,keep,,Bacu,-,Capital of Azerbaijan; Brazilian press writes Baku" in (
        exported.stdout
    )
    Path("new.csv").write_text(
        "term,source_lang,kind,policy,de,note\n"
        "Baku,en,place,keep,,Capital of Azerbaijan; Brazilian press writes Baku\n"
        "Shusha,en,place,translate,Schuscha,\n",
        encoding="utf-8",
    )
    result = run("import", "new.csv")
    assert result.exit_code == 0, result.output
    assert "imported 1 term(s) from new.csv into glossary/world.csv; 1 already present" in (
        result.stdout
    )
    assert WORLD.read_text(encoding="utf-8").endswith("Shusha,en,place,translate,,,,,Schuscha\n")
    assert "'Baku' is already in glossary/world.csv:16; kept its forbidden forms" in result.stderr


def test_import_from_another_tool(workspace: Path) -> None:
    result = run("import", str(OTHER_TOOL_TBX), "--from", "en", "--into", "glossary/other.csv")
    assert result.exit_code == 0, result.output
    assert "imported 3 term(s)" in result.stdout
    assert "warning:" in result.stderr and "'Iran' has several pt-BR terms" in result.stderr
    rows = Path("glossary/other.csv").read_text(encoding="utf-8").splitlines()
    assert rows == [
        "term,source_lang,kind,policy,de,pt-BR,forbidden_pt-BR,note",
        "Ministry of Health,en,other,translate,Gesundheitsministerium,Ministério da Saúde,,",
        "Baku,en,other,keep,,,,Capital of Azerbaijan",
        "Iran,en,other,translate,,Irã,Irão,",
    ]


def test_import_conflicting_with_the_glossary(desk: Path) -> None:
    before = WORLD.read_bytes()
    result = run("import", str(OTHER_TOOL_TBX), "--from", "en")
    assert result.exit_code == 1
    warning, error = result.stderr.splitlines()
    assert warning.startswith("warning:")
    assert error.startswith("error:")
    assert "other-tool.tbx:28: 'Iran' (en) conflicts" in error and "world.csv:15" in error
    assert WORLD.read_bytes() == before


def test_import_conflict_and_bad_files_write_nothing(desk: Path) -> None:
    before = WORLD.read_bytes()
    Path("conflict.csv").write_text(
        "term,source_lang,kind,policy,pt\nShusha,en,place,keep,\nBaku,en,place,translate,Bacu\n",
        encoding="utf-8",
    )
    assert_one_line_error(
        run("import", "conflict.csv"), "conflict.csv:3: 'Baku'", "glossary/world.csv:16"
    )
    Path("broken.tbx").write_text("<martif><text><body><termEntry>\n</body>", encoding="utf-8")
    assert_one_line_error(run("import", "broken.tbx"), "broken.tbx:2", "not well-formed XML")
    Path("latin1.csv").write_bytes(
        b"term,source_lang,kind,policy,pt\nIran,en,place,translate,Ir\xe3\n"
    )
    assert_one_line_error(run("import", "latin1.csv"), "latin1.csv:2", "UTF-8")
    assert_one_line_error(run("import", "missing.tbx"), "missing.tbx: no such file")
    assert_one_line_error(run("import", "terms.json"), "cannot import '.json' files")
    assert WORLD.read_bytes() == before
    assert sorted(p.name for p in Path("glossary").iterdir()) == ["world.csv"]


def test_export_errors(desk: Path) -> None:
    Path("glossary/broken.csv").write_text("term;source_lang;kind;policy\n", encoding="utf-8")
    assert_one_line_error(run("export", "-o", "out.tbx"), "glossary/broken.csv:1", "commas")
    assert not Path("out.tbx").exists()


def test_suggest_table_and_json(desk: Path) -> None:
    table = run("suggest", ARTICLE, "--limit", "3")
    assert table.exit_code == 0, table.output
    israeli = row(table.stdout, "Israeli")
    assert "3" in israeli and f"{ARTICLE}:6" in israeli
    assert not any(line.strip().startswith("Baku") for line in table.stdout.splitlines())

    as_json = json.loads(run("suggest", ARTICLE, "--format", "json", "--limit", "0").stdout)
    assert as_json[0] == {
        "term": "Israeli",
        "count": 3,
        "example": "Azerbaijani and Israeli presidents, Ilham Aliyev and Isaac Herzog, meet in "
        "Baku to further strengthen bilateral ties.",
        "article": ARTICLE,
        "line": 6,
    }
    assert {"Ministries of Health", "Petroglyphs"} <= {entry["term"] for entry in as_json}


def test_suggest_errors(desk: Path) -> None:
    assert_one_line_error(run("suggest", "articles/missing.txt"), "articles/missing.txt")
