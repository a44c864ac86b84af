"""A glossary that ``glossary check`` rejects is refused by every command, with file:line.

These rows load as CSV but cannot be enforced: every sentence with the term
would be flagged. Loading finds them (``transflow.glossary.model.term_problems``),
so ``translate``, ``batch``, ``check``, ``review`` and the glossary editor refuse
the glossary before doing anything, exactly as ``glossary check`` reports it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from builders import SAMPLE, assert_one_line_error
from transflow.cli import app
from transflow.glossary.lint import Severity, check_glossary
from transflow.glossary.model import GlossaryError, load_glossary

HEADER = "term,source_lang,kind,policy,pt,forbidden_pt,pt-PT,forms_de,de,forms_pt\n"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        pytest.param(
            "Iran,en,place,translate,Irã,Irão|Irã,,,,",
            "the approved pt form 'Irã' of 'Iran' is also one of its forbidden forms "
            "(forbidden_pt); every sentence with it would be flagged",
            id="approved-form-forbidden",
        ),
        pytest.param(
            "Karabakh,en,place,keep,,Karabakh,,,,",
            "the approved pt form 'Karabakh' of 'keep' term 'Karabakh' is also one of its "
            "forbidden forms (forbidden_pt); every sentence with it would be flagged",
            id="keep-term-forbidden",
        ),
        pytest.param(
            "Second Karabakh War,en,event,translate,Segunda Guerra de Karabakh,Karabakh,,,,",
            "the approved pt form 'Segunda Guerra de Karabakh' of 'Second Karabakh War' "
            "contains 'Karabakh', one of its forbidden forms (forbidden_pt); every sentence "
            "with it would be flagged",
            id="approved-form-holds-a-forbidden-one",
        ),
        pytest.param(
            "Iran,en,place,translate,Irã,Irão,Irão,,,",
            "the approved pt-PT form 'Irão' of 'Iran' is also one of its forbidden forms "
            "(forbidden_pt, which pt-PT inherits); every sentence with it would be flagged",
            id="regional-form-inherits-its-prohibition",
        ),
        pytest.param(
            "Iran,en,place,translate,Irã,Irão,,,,Irão",
            "the accepted inflected pt form 'Irão' of 'Iran' is also one of its forbidden "
            "forms (forbidden_pt); every sentence with it would be flagged",
            id="accepted-form-forbidden",
        ),
        pytest.param(
            "Iran,en,place,translate,Irã,,,Irans,,",
            "forms_de: 'Iran' has no de form to inflect",
            id="forms-without-a-form",
        ),
    ],
)
def test_each_class_of_unusable_row_is_an_error_with_its_line(
    tmp_path: Path, row: str, message: str
) -> None:
    path = tmp_path / "desk.csv"
    path.write_text(HEADER + "Baku,en,place,keep,,Bacu,,,,\n" + row + "\n", encoding="utf-8")
    glossary = load_glossary([path])
    assert [str(problem) for problem in glossary.problems] == [f"{path}:3: error: {message}"]
    assert [term.text for term in glossary.terms] == ["Baku"]
    with pytest.raises(GlossaryError) as raised:
        glossary.raise_for_errors()
    assert str(raised.value) == f"{path}:3: {message}"
    # glossary check reports the same error, once.
    findings = check_glossary(glossary)
    assert [(f.severity, f.message) for f in findings] == [(Severity.ERROR, message)]


def test_a_forbidden_form_only_inside_another_word_is_no_clash(tmp_path: Path) -> None:
    path = tmp_path / "desk.csv"
    path.write_text(HEADER + "Karabakh,en,place,keep,,Karabak,,,,\n", encoding="utf-8")
    assert load_glossary([path]).problems == []


CONTRADICTORY = "term,source_lang,kind,policy,pt,forbidden_pt\nIran,en,place,translate,Irã,Irã\n"


@pytest.mark.parametrize(
    "command",
    [
        pytest.param(["translate", "articles/story.txt", "--to", "pt"], id="translate"),
        pytest.param(["batch", "articles", "--to", "pt", "--quiet"], id="batch"),
        pytest.param(["check"], id="check"),
        pytest.param(["review", "--list"], id="review"),
        pytest.param(["approve", "--all-unflagged", "locales/pt/story.po"], id="approve"),
        pytest.param(["glossary", "export", "-o", "out.csv"], id="glossary-export"),
        pytest.param(["glossary", "add", "Baku", "--kind", "place"], id="glossary-add"),
    ],
)
def test_every_command_refuses_the_glossary_with_file_and_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    wide_console: None,
    empty_packages_dir: Path,
    command: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "story.txt").write_text(SAMPLE.read_text("utf-8"), "utf-8")
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "desk.csv").write_text(CONTRADICTORY, "utf-8")
    (tmp_path / "locales" / "pt").mkdir(parents=True)
    (tmp_path / "locales" / "pt" / "story.po").write_text(QUEUE, "utf-8")
    before = files(tmp_path)
    monkeypatch.setenv("TRANSFLOW_REVIEWER", "Ana")
    result = CliRunner().invoke(app, command, catch_exceptions=False)
    assert_one_line_error(
        result, "glossary/desk.csv:2", "also one of its forbidden forms", exit_code=None
    )
    assert files(tmp_path) == before  # nothing written, nothing changed


QUEUE = """msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Language: pt\\n"

#, fuzzy
msgid "Iran spoke."
msgstr "O Irã falou."
"""


def files(directory: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(directory)): path.read_bytes()
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def test_glossary_check_lists_the_error_and_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, wide_console: None
) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "glossary").mkdir()
    (tmp_path / "glossary" / "desk.csv").write_text(CONTRADICTORY, "utf-8")
    result = CliRunner().invoke(app, ["glossary", "check"], catch_exceptions=False)
    assert result.exit_code == 1
    assert "glossary/desk.csv:2: error: the approved pt form 'Irã' of 'Iran'" in result.output
