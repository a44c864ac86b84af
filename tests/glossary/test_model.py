"""Loading the protected-terms glossary from real CSV files (``transflow.glossary.model``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from builders import REPOSITORY
from transflow.glossary.model import (
    Glossary,
    GlossaryError,
    GlossaryProblem,
    Origin,
    Policy,
    Term,
    TermKind,
    load_glossary,
    workspace_glossary,
)

WORLD = REPOSITORY / "glossary" / "world.csv"
HEADER = "term,source_lang,kind,policy,pt,forbidden_pt,note\n"


def write(path: Path, text: str) -> Path:
    path.write_bytes(text.encode("utf-8"))
    return path


def load(path: Path, text: str) -> Glossary:
    return load_glossary([write(path, text)])


def messages(glossary: Glossary) -> list[str]:
    return [str(problem) for problem in glossary.problems]


# --- a good file -------------------------------------------------------------


def test_every_field_of_a_row_is_loaded(tmp_path: Path) -> None:
    path = tmp_path / "world.csv"
    glossary = load(
        path,
        "# World desk\n"
        "# second comment\n"
        "term,source_lang,kind,policy,pt,de,forbidden_pt,note\n"
        "Isaac Herzog,en,person,keep,,,,President of Israel\n"
        "\n"
        "   # an indented comment\n"
        "Iran,en,place,translate,Irã,Iran,Irão | Irao||,Brazilian form\n"
        "Yad Vashem,en,Organization,KEEP,,,,\n",
    )

    assert glossary.problems == []
    assert [term.text for term in glossary.terms] == ["Isaac Herzog", "Iran", "Yad Vashem"]
    herzog, iran, yad_vashem = glossary.terms
    assert herzog == Term(
        text="Isaac Herzog",
        source_lang="en",
        kind=TermKind.PERSON,
        policy=Policy.KEEP,
        targets={},
        forbidden={},
        note="President of Israel",
        origin=Origin(path, 4),
    )
    assert iran.policy is Policy.TRANSLATE
    assert iran.kind is TermKind.PLACE
    assert dict(iran.targets) == {"pt": "Irã", "de": "Iran"}
    assert dict(iran.forbidden) == {"pt": ("Irão", "Irao")}
    assert iran.origin == Origin(path, 7)
    # "Organization" is the accepted spelling variant; case is not significant.
    assert yad_vashem.kind is TermKind.ORGANISATION
    assert yad_vashem.policy is Policy.KEEP
    assert yad_vashem.origin == Origin(path, 8)


def test_articles_per_language(tmp_path: Path) -> None:
    glossary = load(
        tmp_path / "g.csv",
        "term,source_lang,kind,policy,pt,article_pt,es,article_es\n"
        "Alley of Martyrs,en,place,translate,Alameda dos Mártires,a,Alameda de los Mártires,la\n"
        "Israel,en,place,keep,,-,,\n",
    )
    assert glossary.problems == []
    alley, israel = glossary.terms
    assert dict(alley.articles) == {"pt": "a", "es": "la"}
    assert dict(israel.articles) == {"pt": "-"}


def test_byte_order_mark_is_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + (HEADER + "Baku,en,place,keep,,Bacu,\n").encode("utf-8"))

    glossary = load_glossary([path])

    assert glossary.problems == []
    assert [(term.text, term.origin.line) for term in glossary.terms] == [("Baku", 2)]
    assert glossary.terms[0].forbidden == {"pt": ("Bacu",)}


def test_byte_order_mark_before_a_comment(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf# comment\n" + (HEADER + "Baku,en,place,keep,,,\n").encode())

    glossary = load_glossary([path])

    assert glossary.problems == []
    assert [(term.text, term.origin.line) for term in glossary.terms] == [("Baku", 3)]


def test_quoted_fields_keep_their_commas_and_quotes(tmp_path: Path) -> None:
    glossary = load(
        tmp_path / "g.csv",
        HEADER
        + 'Heydar Aliyev,en,person,keep,,,"Former president, father of Ilham"\n'
        + '"Bosnia and Herzegovina, Federation of",en,place,translate,'
        + '"Bósnia e Herzegovina, Federação da",,"Say ""the Federation"""\n',
    )

    assert glossary.problems == []
    aliyev, federation = glossary.terms
    assert aliyev.note == "Former president, father of Ilham"
    assert federation.text == "Bosnia and Herzegovina, Federation of"
    assert federation.target_form("pt") == "Bósnia e Herzegovina, Federação da"
    assert federation.note == 'Say "the Federation"'
    assert federation.origin.line == 3


def test_multi_line_field_keeps_blank_and_hash_lines_and_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    glossary = load(
        path,
        HEADER
        + 'Gala,en,place,keep,,,"Village near Baku.\n'
        + "\n"
        + '# not a comment: inside quotes\n"\n'
        + "Baku,en,place,keep,,,\n"
        + "Karabakh,en,place,sometimes,,,\n",
    )

    assert [term.text for term in glossary.terms] == ["Gala", "Baku"]
    gala, baku = glossary.terms
    assert gala.note == "Village near Baku.\n\n# not a comment: inside quotes"
    assert gala.origin.line == 2
    assert baku.origin.line == 6
    assert [problem.origin for problem in glossary.problems] == [Origin(path, 7)]


def test_crlf_file_and_unicode_line_separator_inside_a_field(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    text = HEADER + "Baku,en,place,keep,,,capital\u2028of Azerbaijan\nIran,en,place,keep,,,\n"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))

    glossary = load_glossary([path])

    assert glossary.problems == []
    assert [(term.text, term.note, term.origin.line) for term in glossary.terms] == [
        ("Baku", "capital\u2028of Azerbaijan", 2),
        ("Iran", "", 3),
    ]


def test_a_directory_loads_its_csv_files_in_name_order(tmp_path: Path) -> None:
    directory = tmp_path / "glossary"
    directory.mkdir()
    write(directory / "b-places.csv", HEADER + "Baku,en,place,keep,,,\n")
    write(directory / "a-people.csv", HEADER + "Isaac Herzog,en,person,keep,,,\n")
    write(directory / "README.txt", "not a glossary,,,\n")

    glossary = load_glossary([directory])

    assert glossary.problems == []
    assert [(term.text, term.origin) for term in glossary.terms] == [
        ("Isaac Herzog", Origin(directory / "a-people.csv", 2)),
        ("Baku", Origin(directory / "b-places.csv", 2)),
    ]


def test_workspace_glossary_reads_glossary_directory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert workspace_glossary() == Glossary()

    (tmp_path / "glossary").mkdir()
    write(tmp_path / "glossary" / "world.csv", HEADER + "Baku,en,place,keep,,,\n")
    assert [term.text for term in workspace_glossary().terms] == ["Baku"]

    other = write(tmp_path / "other.csv", HEADER + "Iran,en,place,keep,,,\n")
    assert [term.text for term in workspace_glossary([other]).terms] == ["Iran"]


# --- problems, each with file:line --------------------------------------------


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        pytest.param(
            "term,source_lang,kind,policy,portuguese,note\nBaku,en,place,keep,,\n",
            1,
            "unknown column 'portuguese': unknown language 'portuguese': did you mean pt?",
            id="unknown-column",
        ),
        pytest.param(
            "# comment\n\nterm,source_lang,kind,policy,pt,note,Note\n",
            3,
            "unknown column 'Note': unknown language 'Note' "
            "(use a BCP 47 tag such as en, pt-BR or de)",
            id="unknown-column-after-comments",
        ),
        pytest.param(
            HEADER + "Baku,en,place,keep,,,\nIran,en,place,verbatim,,,\n",
            3,
            "unknown policy 'verbatim' (use keep or translate)",
            id="unknown-policy",
        ),
        pytest.param(
            HEADER + "Baku,en,city,keep,,,\n",
            2,
            "unknown kind 'city' (use person, place, organisation, event, other)",
            id="unknown-kind",
        ),
        pytest.param(HEADER + "  ,en,place,keep,,,\n", 2, "empty term", id="empty-term"),
        pytest.param(
            HEADER + "Baku,english,place,keep,,,\n",
            2,
            "source_lang: unknown language 'english': did you mean en?",
            id="bad-source-lang",
        ),
        pytest.param(
            "term;source_lang;kind;policy;pt;note\nBaku;en;place;keep;;\n",
            1,
            "columns must be separated by commas (found ';', tab or '|')",
            id="semicolons",
        ),
        pytest.param(
            "term\tsource_lang\tkind\tpolicy\tpt\tnote\nBaku\ten\tplace\tkeep\t\t\n",
            1,
            "columns must be separated by commas (found ';', tab or '|')",
            id="tabs",
        ),
        pytest.param(
            "term,source_lang,pt,note\nBaku,en,,\n",
            1,
            "header lacks column(s) kind, policy (expected term,source_lang,kind,policy,"
            "<language codes>,note)",
            id="missing-header-columns",
        ),
        pytest.param(
            "term,source_lang,kind,policy,pt,pt\n",
            1,
            "a column appears twice in the header",
            id="repeated-column",
        ),
        pytest.param(
            HEADER + "Baku,en,place,keep,,,capital,of Azerbaijan\n",
            2,
            "8 fields but the header has 7 columns",
            id="too-many-fields",
        ),
        pytest.param(
            HEADER + 'Baku,en,place,keep,,,"capital\nIran,en,place,keep,,,\n',
            2,
            "a quoted field is never closed (missing '\"')",
            id="unclosed-quote",
        ),
        pytest.param(
            HEADER + 'Iran,en,place,keep,,,"Brazilian" form\n',
            2,
            "malformed CSV (',' expected after '\"')",
            id="text-after-closing-quote",
        ),
        pytest.param(
            "term,source_lang,kind,policy,pt,article_pt\nIran,en,place,translate,Irã,the\n",
            2,
            "article_pt: unknown article 'the' (use a, as, o, os or - for none)",
            id="unknown-article",
        ),
        pytest.param(
            "term,source_lang,kind,policy,de,article_de\nIran,en,place,translate,Iran,der\n",
            2,
            "article_de: no article rules for 'de' (transflow has pt, es)",
            id="article-language-without-rules",
        ),
        pytest.param("", 1, "empty glossary file (no header)", id="empty-file"),
        pytest.param(
            "# only comments\n\n", 1, "empty glossary file (no header)", id="only-comments"
        ),
    ],
)
def test_each_problem_is_one_error_at_its_line(
    tmp_path: Path, text: str, line: int, message: str
) -> None:
    path = tmp_path / "g.csv"
    glossary = load(path, text)

    assert messages(glossary) == [f"{path}:{line}: error: {message}"]
    assert glossary.errors == glossary.problems
    with pytest.raises(GlossaryError) as raised:
        glossary.raise_for_errors()
    assert str(raised.value) == f"{path}:{line}: {message}"


def test_a_row_with_several_problems_reports_each(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    glossary = load(path, HEADER + "Baku,en,place,keep,,,\n,xx1,town,always,,,\n")

    assert [problem.origin for problem in glossary.problems] == [Origin(path, 3)] * 4
    assert [problem.message.split(" ")[0:2] for problem in glossary.problems] == [
        ["empty", "term"],
        ["unknown", "policy"],
        ["unknown", "kind"],
        ["source_lang:", "unknown"],
    ]
    assert [term.text for term in glossary.terms] == ["Baku"]


def test_latin1_file_is_an_error_naming_the_line(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        (HEADER + "Baku,en,place,keep,,,\nIran,en,place,translate,Irã,,\n").encode("latin-1")
    )

    glossary = load_glossary([path])

    assert messages(glossary) == [
        f"{path}:3: error: not valid UTF-8 (save the file as UTF-8)",
    ]
    assert glossary.terms == []


def test_missing_file_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"

    glossary = load_glossary([path])

    assert messages(glossary) == [f"{path}:0: error: no such file or directory"]
    with pytest.raises(GlossaryError, match=r"nowhere\.csv:0: no such file or directory$"):
        glossary.raise_for_errors()


def test_problems_in_several_files_are_all_reported(tmp_path: Path) -> None:
    first = write(tmp_path / "a.csv", HEADER + "Baku,en,town,keep,,,\n")
    second = write(tmp_path / "b.csv", "term;source_lang\n")

    glossary = load_glossary([first, tmp_path / "missing.csv", second])

    assert [str(problem.origin) for problem in glossary.problems] == [
        f"{first}:2",
        f"{tmp_path / 'missing.csv'}:0",
        f"{second}:1",
    ]


# --- duplicates ----------------------------------------------------------------


def test_identical_duplicate_is_a_warning_and_kept_once(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    glossary = load(
        path,
        HEADER + "Iran,en,place,translate,Irã,Irão,\nBaku,en,place,keep,,,\n"
        "Iran,en,place,translate,Irã,Irão,another note\n",
    )

    assert messages(glossary) == [f"{path}:4: warning: 'Iran' repeats {path}:2"]
    assert glossary.errors == []
    glossary.raise_for_errors()
    assert [term.text for term in glossary.terms] == ["Iran", "Baku"]
    assert glossary.terms[0].origin.line == 2


@pytest.mark.parametrize(
    "second_row",
    [
        pytest.param("Iran,en,place,translate,Irão,,", id="other-target"),
        pytest.param("Iran,en,place,keep,,,", id="other-policy"),
        pytest.param("Iran,en,place,translate,Irã,Irão,", id="added-forbidden-form"),
        pytest.param("Iran,en,organisation,translate,Irã,,", id="other-kind"),
        pytest.param("Iran,en,place,translate,Irã,,a,", id="other-article"),
    ],
)
def test_conflicting_duplicate_is_an_error(tmp_path: Path, second_row: str) -> None:
    path = tmp_path / "g.csv"
    header = HEADER.replace("forbidden_pt,", "forbidden_pt,article_pt,")
    glossary = load(path, header + "Iran,en,place,translate,Irã,,o,\n" + second_row + "\n")

    assert messages(glossary) == [
        f"{path}:3: error: 'Iran' conflicts with its entry at {path}:2 "
        "(different policy, kind, target, forbidden or inflected forms or article)"
    ]


def test_conflict_across_files_names_both(tmp_path: Path) -> None:
    directory = tmp_path / "glossary"
    directory.mkdir()
    write(directory / "a.csv", HEADER + "Iran,en,place,translate,Irã,,\n")
    write(directory / "b.csv", "# later file\n" + HEADER + "Iran,en,place,translate,Irão,,\n")

    glossary = load_glossary([directory])

    assert [problem.origin for problem in glossary.errors] == [Origin(directory / "b.csv", 3)]
    assert f"{directory / 'a.csv'}:2" in glossary.errors[0].message


def test_same_text_in_another_source_language_is_not_a_duplicate(tmp_path: Path) -> None:
    glossary = load(
        tmp_path / "g.csv", HEADER + "Israel,en,place,keep,,,\nIsrael,de,place,keep,,,\n"
    )

    assert glossary.problems == []
    assert [term.source_lang for term in glossary.terms] == ["en", "de"]


# --- raise_for_errors: nothing half-applied --------------------------------------


def test_one_bad_row_among_good_ones_stops_everything(tmp_path: Path) -> None:
    path = tmp_path / "g.csv"
    good = "".join(f"Name{index},en,person,keep,,,\n" for index in range(20))
    glossary = load(path, HEADER + good + "Baku,en,place,kep,,,\n" + "Iran,en,land,keep,,,\n")

    assert len(glossary.terms) == 20
    with pytest.raises(GlossaryError) as raised:
        glossary.raise_for_errors()
    message = str(raised.value)
    assert "\n" not in message
    assert message == (
        f"{path}:22: unknown policy 'kep' (use keep or translate) "
        "(and 1 more; run 'transflow glossary check')"
    )


def test_warnings_alone_do_not_raise() -> None:
    warning = GlossaryProblem(Origin(Path("g.csv"), 3), "'Iran' repeats g.csv:2", is_error=False)
    glossary = Glossary(problems=[warning])

    glossary.raise_for_errors()
    assert str(warning) == "g.csv:3: warning: 'Iran' repeats g.csv:2"


# --- terms per language pair ------------------------------------------------------


def test_target_form_for_keep_and_translate(tmp_path: Path) -> None:
    glossary = load(
        tmp_path / "g.csv",
        "term,source_lang,kind,policy,pt,de,note\n"
        "Isaac Herzog,en,person,keep,,,\n"
        "Azerbaijan,en,place,translate,Azerbaijão,,\n",
    )
    herzog, azerbaijan = glossary.terms

    assert herzog.target_form("pt") == "Isaac Herzog"
    assert herzog.target_form("fr") == "Isaac Herzog"
    assert azerbaijan.target_form("pt") == "Azerbaijão"
    assert azerbaijan.target_form("de") is None
    assert azerbaijan.target_form("fr") is None


def test_for_pair_and_missing_targets(tmp_path: Path) -> None:
    glossary = load(
        tmp_path / "g.csv",
        "term,source_lang,kind,policy,pt,de,note\n"
        "Isaac Herzog,en,person,keep,,,\n"
        "Azerbaijan,en,place,translate,Azerbaijão,,\n"
        "Iran,en,place,translate,Irã,Iran,\n"
        "Aserbaidschan,de,place,translate,Azerbaijão,,\n",
    )

    def texts(terms: list[Term]) -> list[str]:
        return [term.text for term in terms]

    assert texts(glossary.for_pair("en", "pt")) == ["Isaac Herzog", "Azerbaijan", "Iran"]
    assert texts(glossary.missing_targets("en", "pt")) == []
    assert texts(glossary.for_pair("en", "de")) == ["Isaac Herzog", "Iran"]
    assert texts(glossary.missing_targets("en", "de")) == ["Azerbaijan"]
    assert texts(glossary.for_pair("de", "pt")) == ["Aserbaidschan"]
    assert texts(glossary.for_pair("fr", "pt")) == []


# --- size ---------------------------------------------------------------------------


def test_fifty_thousand_rows(tmp_path: Path) -> None:
    count = 50_000
    rows = [
        f"Given{index} Family{index},en,person,keep,,,\n"
        if index % 2
        else f"Town{index},en,place,translate,Cidade{index},Town{index}|Vila{index},\n"
        for index in range(count)
    ]
    path = write(tmp_path / "big.csv", "# generated\n" + HEADER + "".join(rows))

    glossary = load_glossary([path])

    assert glossary.problems == []
    assert len(glossary.terms) == count
    assert len({term.text for term in glossary.terms}) == count
    assert len(glossary.for_pair("en", "pt")) == count
    term = glossary.terms[31_416]
    assert (term.text, term.target_form("pt"), term.origin.line) == (
        "Town31416",
        "Cidade31416",
        31_416 + 3,
    )
    assert term.forbidden == {"pt": ("Town31416", "Vila31416")}
    last = glossary.terms[-1]
    assert (last.text, last.target_form("pt"), last.origin.line) == (
        "Given49999 Family49999",
        "Given49999 Family49999",
        count + 2,
    )


# --- the shipped glossary ----------------------------------------------------------


def test_shipped_world_glossary_is_clean_and_complete_for_portuguese() -> None:
    glossary = load_glossary([WORLD])

    assert glossary.problems == []
    assert len(glossary.terms) >= 20
    assert [term for term in glossary.terms if term.target_form("pt") is None] == []
    assert glossary.missing_targets("en", "pt") == []
    by_text = {term.text: term for term in glossary.terms}
    assert by_text["Azerbaijan"].target_form("pt") == "Azerbaijão"
    assert by_text["Isaac Herzog"].target_form("pt") == "Isaac Herzog"


# --- regional columns ----------------------------------------------------------------


def test_regional_columns_are_normalised_tags_and_fall_back_to_the_base_language(
    tmp_path: Path,
) -> None:
    glossary = load(
        tmp_path / "g.csv",
        "term,source_lang,kind,policy,PT,pt_BR,forbidden_pt,forbidden_pt-PT,pt-PT,"
        "article_pt-BR,forms_DE,de,note\n"
        "Iran,en,place,translate,Irã,,Irão,Irã,Irão,o,,Iran,\n"
        "Poland,EN,place,translate,Polónia,Polônia,,-,,a,Polens,Polen,\n",
    )
    assert glossary.problems == []
    iran, poland = glossary.terms
    assert dict(iran.targets) == {"pt": "Irã", "pt-PT": "Irão", "de": "Iran"}
    # pt-BR has no Iran cell: the pt column serves it; pt-PT has its own.
    assert [iran.target_form(tag) for tag in ("pt", "pt-BR", "pt_BR", "PT-br", "pt-PT")] == [
        "Irã",
        "Irã",
        "Irã",
        "Irã",
        "Irão",
    ]
    assert (iran.forbidden_forms("pt-BR"), iran.forbidden_forms("pt-PT")) == (("Irão",), ("Irã",))
    assert (iran.article("pt-BR"), iran.article("pt-PT")) == ("o", None)
    assert poland.source_lang == "en"
    assert (poland.target_form("pt-BR"), poland.target_form("pt-PT")) == ("Polônia", "Polónia")
    assert poland.forbidden_forms("pt-PT") == ()  # "-": nothing forbidden there
    assert poland.accepted_forms("de-CH") == ("Polens",)
    assert poland.accepted_forms("pt") is None
    assert [t.text for t in glossary.for_pair("en", "pt-BR")] == ["Iran", "Poland"]
    assert [t.text for t in glossary.for_pair("en-GB", "pt_PT")] == ["Iran", "Poland"]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        pytest.param(
            "term,source_lang,kind,policy,xx,note",
            "unknown column 'xx': unknown language 'xx' (use a BCP 47 tag such as en, pt-BR or de)",
            id="invalid-tag",
        ),
        pytest.param(
            "term,source_lang,kind,policy,pt,forbidden_english",
            "unknown column 'forbidden_english': unknown language 'english': did you mean en?",
            id="invalid-tag-after-a-prefix",
        ),
        pytest.param(
            "term,source_lang,kind,policy,pt_BR,pt-br",
            "a column appears twice in the header",
            id="one-tag-spelled-twice",
        ),
    ],
)
def test_a_column_whose_tag_is_no_language_is_an_error_at_the_header(
    tmp_path: Path, header: str, message: str
) -> None:
    path = tmp_path / "g.csv"
    glossary = load(path, header + "\nIran,en,place,keep,,\n")
    assert messages(glossary)[0] == f"{path}:1: error: {message}"
    with pytest.raises(GlossaryError, match=f"^{path}:1: "):
        glossary.raise_for_errors()
