"""Surprises translate and batch must not keep to themselves: one line each, said once."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from transflow.cli import app

ARTICLE = "articles/azerbaijan-israel-presidents-baku.txt"

PORTUGUESE = """\
O Presidente do Azerbaijão, Ilham Aliyev, recebeu na terça-feira em Baku o seu homólogo \
israelita, Isaac Herzog. Os dois dirigentes discutiram o fornecimento de energia, o comércio e \
a cooperação na agricultura, e assinaram acordos sobre a gestão da água e a cibersegurança.

Herzog, que chegou acompanhado de uma delegação de empresários, afirmou que a visita assinala \
trinta anos de relações diplomáticas entre os dois países.
"""

PORTUGUESE_QUOTE = """\
Numa declaração conjunta, os dois governos afirmaram: «Estamos empenhados em aprofundar a \
nossa parceria estratégica nos próximos anos, em benefício dos nossos povos.»
"""

pytestmark = pytest.mark.usefixtures("wide_console", "argos_packages")


def run(*args: str):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def warnings_in(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("warning:")]


def written(name: str, text: str) -> str:
    path = Path("articles") / name
    path.write_text(text, encoding="utf-8")
    return str(path)


@pytest.mark.parametrize("command", ["translate", "batch"])
def test_an_article_in_another_language_than_from_is_named(workspace: Path, command: str) -> None:
    portuguese = written("artigo.txt", PORTUGUESE)
    result = run(command, ARTICLE, portuguese, "--to", "pt", "--no-glossary")
    assert result.exit_code == 0, result.output
    assert warnings_in(result) == [
        f"warning: {portuguese} looks Portuguese (pt, 99% of its text), not English: check "
        "--from en; an engine given the wrong language mostly copies the source"
    ]


def test_short_and_mixed_articles_raise_no_alarm(workspace: Path) -> None:
    english = Path(ARTICLE).read_text(encoding="utf-8")
    short = written("curto.txt", "Herzog visita Baku.\n")
    mixed = written("mixed.txt", english + "\n" + PORTUGUESE_QUOTE)
    result = run("translate", ARTICLE, short, mixed, "--to", "pt", "--no-glossary")
    assert result.exit_code == 0, result.output
    assert warnings_in(result) == []


@pytest.mark.parametrize("command", ["translate", "batch"])
def test_no_glossary_is_said_once(workspace: Path, command: str) -> None:
    other = written("other.txt", "The minister left Baku on Friday.\n")
    result = run(command, ARTICLE, other, "--to", "pt")
    assert result.exit_code == 0, result.output
    assert warnings_in(result) == [
        "warning: no glossary found (no glossary/ folder, no --glossary): names and places are "
        "not protected; --no-glossary says that is intended"
    ]
    assert warnings_in(run(command, ARTICLE, "--to", "pt", "--no-glossary")) == []


def test_a_glossary_without_terms_in_the_source_language_is_said(workspace: Path) -> None:
    german = Path("deutsch.csv")
    german.write_text("term,source_lang,kind,policy,pt,note\nBaku,de,place,keep,,\n", "utf-8")
    result = run("translate", ARTICLE, "--to", "pt", "--glossary", str(german))
    assert warnings_in(result) == [
        "warning: the glossary has no en terms: names and places are not protected; "
        "--no-glossary says that is intended"
    ]


@pytest.mark.parametrize("command", ["translate", "batch"])
def test_a_language_named_twice_is_translated_once(workspace: Path, command: str) -> None:
    result = run(command, ARTICLE, "--to", "pt,PT, pt ,pt", "--no-glossary")
    assert result.exit_code == 0, result.output
    rows = [line for line in result.stdout.splitlines() if line.strip().startswith(("azer", "pt"))]
    assert len(rows) == 1, result.stdout
    assert [path.name for path in Path("locales").iterdir()] == ["pt"]


def test_a_rerun_that_changes_nothing_says_up_to_date(workspace: Path) -> None:
    po = "locales/pt/azerbaijan-israel-presidents-baku.po"
    first = run("translate", ARTICLE, "--to", "pt", "--no-glossary")
    assert f"wrote {po}" in first.stdout
    again = run("translate", ARTICLE, "--to", "pt", "--no-glossary")
    assert f"up to date: {po}" in again.stdout
    assert "wrote" not in again.stdout
    Path(ARTICLE).write_text(
        Path(ARTICLE).read_text(encoding="utf-8") + "\nA new last line.\n", encoding="utf-8"
    )
    assert f"wrote {po}" in run("translate", ARTICLE, "--to", "pt", "--no-glossary").stdout
