"""Adding and removing glossary rows in place: the rest of the file stays byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from transflow.errors import InputError, TransflowError
from transflow.glossary.editing import (
    AmbiguousGlossaryFileError,
    TermConflictError,
    add_terms,
    default_file,
    find_terms,
    new_term,
    parse_language_values,
    remove_term,
)
from transflow.glossary.model import GlossaryError, Origin, Policy, TermKind, load_glossary
from transflow.languages import UnknownLanguageError

WORLD = (
    "# World desk glossary.\r\n"
    "term,source_lang,kind,policy,pt,note\r\n"
    '"Ilham Aliyev",en,person,keep,,"President, of Azerbaijan"\r\n'
    "# Places\r\n"
    "Azerbaijan,en,place,translate,Azerbaijão,\r\n"
)


@pytest.fixture
def glossary_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "glossary"
    directory.mkdir()
    (directory / "world.csv").write_bytes(WORLD.encode())
    return directory


def world(directory: Path) -> bytes:
    return (directory / "world.csv").read_bytes()


def test_new_term_defaults_and_cleaning() -> None:
    translated = new_term(" Baku ", kind=TermKind.PLACE, targets={"pt": " Bacu ", "de": ""})
    assert translated.text == "Baku"
    assert translated.policy is Policy.TRANSLATE
    assert dict(translated.targets) == {"pt": "Bacu"}
    kept = new_term("Herzog", forbidden={"pt": ["Hertzog", " "]}, note=" Surname ")
    assert kept.policy is Policy.KEEP
    assert dict(kept.forbidden) == {"pt": ("Hertzog",)}
    assert kept.note == "Surname"
    with pytest.raises(TransflowError, match="empty"):
        new_term("  ")
    with pytest.raises(TransflowError, match="separates forms"):
        new_term("Baku", forbidden={"pt": ["Bacu|Bacú"]})


def test_parse_language_values() -> None:
    assert parse_language_values(["pt=Bacu", "de = Baku", "pt=Bacú"], "--forbid") == {
        "pt": ["Bacu", "Bacú"],
        "de": ["Baku"],
    }
    for bad in ("pt", "=Bacu", "pt="):
        with pytest.raises(TransflowError, match="LANG=VALUE"):
            parse_language_values([bad], "--target")


def test_find_terms_by_query_and_kind(glossary_dir: Path) -> None:
    glossary = load_glossary([glossary_dir])
    assert [t.text for t in find_terms(glossary, "AZERBAIJ")] == ["Ilham Aliyev", "Azerbaijan"]
    assert [t.text for t in find_terms(glossary, "azerbaijão")] == ["Azerbaijan"]
    assert [t.text for t in find_terms(glossary, "president")] == ["Ilham Aliyev"]
    assert [t.text for t in find_terms(glossary, kind=TermKind.PLACE)] == ["Azerbaijan"]
    assert find_terms(glossary, "baku") == []


def test_add_keeps_comments_quoting_and_crlf_and_adds_columns(glossary_dir: Path) -> None:
    term = new_term(
        "Baku",
        kind=TermKind.PLACE,
        targets={"de": "Baku", "pt": "Bacu"},
        forbidden={"pt": ["Bacú", "Bakú"]},
        note="Capital, of Azerbaijan",
    )
    result = add_terms([term], directory=glossary_dir)
    assert result.path == glossary_dir / "world.csv"
    assert result.new_columns == ["de", "forbidden_pt"]
    assert not result.created
    assert [t.origin for t in result.added] == [Origin(glossary_dir / "world.csv", 6)]
    assert world(glossary_dir).decode() == (
        "# World desk glossary.\r\n"
        "term,source_lang,kind,policy,pt,note,de,forbidden_pt\r\n"
        '"Ilham Aliyev",en,person,keep,,"President, of Azerbaijan",,\r\n'
        "# Places\r\n"
        "Azerbaijan,en,place,translate,Azerbaijão,,,\r\n"
        'Baku,en,place,translate,Bacu,"Capital, of Azerbaijan",Baku,Bacú|Bakú\r\n'
    )
    loaded = load_glossary([glossary_dir])
    assert not loaded.problems
    baku = loaded.terms[-1]
    assert dict(baku.targets) == {"pt": "Bacu", "de": "Baku"}
    assert baku.forbidden["pt"] == ("Bacú", "Bakú")


def test_add_keeps_a_bom_and_a_missing_final_newline(tmp_path: Path) -> None:
    path = tmp_path / "glossary" / "desk.csv"
    path.parent.mkdir()
    path.write_bytes(b"\xef\xbb\xbfterm,source_lang,kind,policy,pt\nIsrael,en,place,keep,")
    add_terms([new_term("Iran", targets={"pt": "Irã"})], directory=path.parent)
    assert path.read_bytes() == (
        b"\xef\xbb\xbfterm,source_lang,kind,policy,pt\n"
        b"Israel,en,place,keep,\n"
        b"Iran,en,other,translate,Ir\xc3\xa3\n"
    )


def test_add_pads_short_rows_and_keeps_multiline_fields(tmp_path: Path) -> None:
    directory = tmp_path / "glossary"
    directory.mkdir()
    path = directory / "desk.csv"
    path.write_text(
        'term,source_lang,kind,policy,pt,note\nGala,en,place,keep\nBaku,en,place,keep,,"two\nlines"\n',
        encoding="utf-8",
    )
    add_terms([new_term("Iran", targets={"de": "Iran"})], directory=directory)
    assert path.read_text(encoding="utf-8") == (
        "term,source_lang,kind,policy,pt,note,de\n"
        "Gala,en,place,keep,,,\n"
        'Baku,en,place,keep,,"two\nlines",\n'
        "Iran,en,other,translate,,,Iran\n"
    )
    assert load_glossary([directory]).terms[1].note == "two\nlines"


def test_rows_are_found_as_the_loader_finds_them(tmp_path: Path) -> None:
    """A quoted field may hold a '#' line or a Unicode line separator; neither splits the row."""
    directory = tmp_path / "glossary"
    directory.mkdir()
    path = directory / "desk.csv"
    path.write_text(
        'term,source_lang,kind,policy,note\nBaku,en,place,keep,"first\n# not a comment"\n'
        'Gala,en,place,keep,"a\u2028b"\n',
        encoding="utf-8",
    )
    result = add_terms([new_term("Iran", targets={"de": "Iran"})], directory=directory)
    assert result.added[0].origin.line == 5
    assert path.read_text(encoding="utf-8") == (
        "term,source_lang,kind,policy,note,de\n"
        'Baku,en,place,keep,"first\n# not a comment",\n'
        'Gala,en,place,keep,"a\u2028b",\n'
        "Iran,en,other,translate,,Iran\n"
    )
    assert [t.note for t in load_glossary([directory]).terms[:2]] == [
        "first\n# not a comment",
        "a\u2028b",
    ]
    assert remove_term("Baku", directory=directory) == [Origin(path, 2)]
    assert path.read_text(encoding="utf-8").split("\n")[1] == 'Gala,en,place,keep,"a\u2028b",'


def test_a_term_starting_with_hash_is_quoted_so_it_is_not_a_comment(glossary_dir: Path) -> None:
    result = add_terms([new_term("#MeToo", kind=TermKind.EVENT)], directory=glossary_dir)
    assert world(glossary_dir).endswith(b'"#MeToo",en,event,keep,,\r\n')
    assert result.added[0].text == "#MeToo"
    assert "#MeToo" in [t.text for t in load_glossary([glossary_dir]).terms]


def test_identical_term_is_a_no_op(glossary_dir: Path) -> None:
    before = world(glossary_dir)
    same = new_term("Azerbaijan", kind=TermKind.PLACE, targets={"pt": "Azerbaijão"})
    result = add_terms([same], directory=glossary_dir)
    assert result.path is None
    assert result.added == []
    [present] = result.unchanged
    assert (present.existing.origin, present.ignored) == (Origin(glossary_dir / "world.csv", 5), ())
    assert world(glossary_dir) == before


def test_same_policy_and_targets_keeps_the_existing_row(glossary_dir: Path) -> None:
    """As for duplicate rows when loading: only policy and target forms can conflict."""
    before = world(glossary_dir)
    vaguer = new_term("Azerbaijan", targets={"pt": "Azerbaijão"}, note="Country")
    stricter = new_term(
        "Azerbaijan", kind=TermKind.PLACE, targets={"pt": "Azerbaijão"}, forbidden={"pt": ["X"]}
    )
    result = add_terms([vaguer, stricter], directory=glossary_dir)
    assert [present.ignored for present in result.unchanged] == [
        ("kind", "note"),
        ("forbidden forms",),
    ]
    assert result.path is None
    assert world(glossary_dir) == before


def test_conflicting_term_is_refused_naming_the_existing_row(glossary_dir: Path) -> None:
    before = world(glossary_dir)
    other = new_term("Azerbaijan", kind=TermKind.PLACE, targets={"pt": "Azerbeijão"})
    with pytest.raises(TermConflictError) as raised:
        add_terms([other], directory=glossary_dir)
    message = str(raised.value)
    assert f"{glossary_dir / 'world.csv'}:5" in message
    assert "target forms" in message
    assert "\n" not in message
    assert world(glossary_dir) == before


def test_conflict_with_another_file_and_within_a_batch(glossary_dir: Path) -> None:
    (glossary_dir / "people.csv").write_text(
        "term,source_lang,kind,policy,pt\nHerzog,en,person,keep,\n", encoding="utf-8"
    )
    with pytest.raises(TermConflictError, match=r"people\.csv:2"):
        add_terms(
            [new_term("Herzog", kind=TermKind.PERSON, targets={"pt": "Hertzog"})],
            file=glossary_dir / "world.csv",
            directory=glossary_dir,
        )
    batch = [
        new_term("Gala", origin=Origin(Path("in.tbx"), 3)),
        new_term("Gala", targets={"pt": "gala"}, origin=Origin(Path("in.tbx"), 9)),
    ]
    with pytest.raises(TermConflictError, match=r"^in\.tbx:9: 'Gala' .* at in\.tbx:3"):
        add_terms(batch, file=glossary_dir / "world.csv", directory=glossary_dir)


def test_several_files_need_a_file_to_write_to(glossary_dir: Path) -> None:
    (glossary_dir / "people.csv").write_text(
        "term,source_lang,kind,policy\nHerzog,en,person,keep\n", encoding="utf-8"
    )
    with pytest.raises(AmbiguousGlossaryFileError, match=r"2 glossary files \(people\.csv, world"):
        add_terms([new_term("Gala")], directory=glossary_dir)
    result = add_terms([new_term("Gala")], file=glossary_dir / "people.csv", directory=glossary_dir)
    assert result.path == glossary_dir / "people.csv"


def test_new_glossary_file_is_created_with_a_header(tmp_path: Path) -> None:
    directory = tmp_path / "glossary"
    assert default_file(directory) == directory / "glossary.csv"
    term = new_term("Baku", targets={"pt": "Bacu"}, forbidden={"de": ["Bakou"]})
    result = add_terms([term], directory=directory)
    assert result.created
    assert (directory / "glossary.csv").read_text(encoding="utf-8") == (
        "term,source_lang,kind,policy,forbidden_de,pt,note\nBaku,en,other,translate,Bakou,Bacu,\n"
    )


def test_broken_glossary_is_refused_and_nothing_written(glossary_dir: Path) -> None:
    broken = glossary_dir / "broken.csv"
    broken.write_text("term,source_lang,kind,policy\nBaku,en,place,maybe\n", encoding="utf-8")
    before = world(glossary_dir)
    with pytest.raises(GlossaryError, match=r"broken\.csv:2: unknown policy 'maybe'"):
        add_terms([new_term("Gala")], file=glossary_dir / "world.csv", directory=glossary_dir)
    with pytest.raises(GlossaryError, match=r"broken\.csv:2"):
        remove_term("Azerbaijan", directory=glossary_dir)
    assert world(glossary_dir) == before


def test_non_utf8_glossary_is_refused(glossary_dir: Path) -> None:
    (glossary_dir / "world.csv").write_bytes(WORLD.encode("cp1252", errors="replace"))
    with pytest.raises(GlossaryError, match=r"world\.csv:5: not valid UTF-8"):
        add_terms([new_term("Gala")], directory=glossary_dir)


def test_an_edit_that_would_not_load_is_refused(glossary_dir: Path) -> None:
    before = world(glossary_dir)
    contradictory = new_term("Baku", targets={"pt": "Bacu"}, forbidden={"pt": ["Bacu"]})
    with pytest.raises(GlossaryError, match="line 6 invalid: the approved pt form 'Bacu'"):
        add_terms([contradictory], directory=glossary_dir)
    assert world(glossary_dir) == before
    assert sorted(p.name for p in glossary_dir.iterdir()) == ["world.csv"]


def test_a_language_that_is_no_tag_is_refused_before_anything_is_written(
    glossary_dir: Path,
) -> None:
    with pytest.raises(UnknownLanguageError, match="'PT-br!'"):
        new_term("Baku", targets={"PT-br!": "Bacu"})
    with pytest.raises(UnknownLanguageError, match="did you mean pt"):
        new_term("Baku", forbidden={"portuguese": ["Bacu"]})


def test_regional_columns_are_one_column_however_spelled(tmp_path: Path) -> None:
    directory = tmp_path / "glossary"
    directory.mkdir()
    path = directory / "desk.csv"
    path.write_text(
        "term,source_lang,kind,policy,pt,pt_BR,forbidden_pt_BR\nIran,en,place,translate,Irão,Irã,\n",
        encoding="utf-8",
    )
    poland = new_term(
        "Poland",
        kind=TermKind.PLACE,
        targets={"pt-br": "Polônia", "PT": "Polónia", "de": "Polen"},
        forbidden={"pt-BR": ["Polónia"], "pt-PT": ["-"]},
        forms={"de": ["Polens"]},
    )
    assert dict(poland.targets) == {"pt-BR": "Polônia", "pt": "Polónia", "de": "Polen"}
    assert dict(poland.forbidden) == {"pt-BR": ("Polónia",), "pt-PT": ()}
    result = add_terms([poland], directory=directory)
    assert result.new_columns == ["de", "forms_de", "forbidden_pt-PT"]
    assert path.read_text(encoding="utf-8").splitlines() == [
        "term,source_lang,kind,policy,pt,pt_BR,forbidden_pt_BR,de,forms_de,forbidden_pt-PT",
        "Iran,en,place,translate,Irão,Irã,,,,",
        "Poland,en,place,translate,Polónia,Polônia,Polónia,Polen,Polens,-",
    ]
    [_, loaded] = load_glossary([directory]).terms
    assert loaded.target_form("pt_BR") == "Polônia"
    assert loaded.forbidden_forms("pt-PT") == ()
    assert loaded.accepted_forms("de-AT") == ("Polens",)


def test_file_option_must_be_a_csv_file(glossary_dir: Path) -> None:
    with pytest.raises(InputError, match=r"\.csv"):
        add_terms([new_term("Gala")], file=glossary_dir / "world.txt", directory=glossary_dir)
    with pytest.raises(InputError, match="is a directory"):
        add_terms([new_term("Gala")], file=glossary_dir, directory=glossary_dir)


def test_remove_keeps_everything_else(glossary_dir: Path) -> None:
    removed = remove_term("Ilham Aliyev", directory=glossary_dir)
    assert removed == [Origin(glossary_dir / "world.csv", 3)]
    assert world(glossary_dir).decode() == (
        "# World desk glossary.\r\n"
        "term,source_lang,kind,policy,pt,note\r\n"
        "# Places\r\n"
        "Azerbaijan,en,place,translate,Azerbaijão,\r\n"
    )


def test_remove_takes_multiline_rows_and_duplicates_in_every_file(tmp_path: Path) -> None:
    directory = tmp_path / "glossary"
    directory.mkdir()
    (directory / "a.csv").write_text(
        'term,source_lang,kind,policy,note\nBaku,en,place,keep,"a\nnote"\nGala,en,place,keep,\n',
        encoding="utf-8",
    )
    (directory / "b.csv").write_text(
        "term,source_lang,kind,policy\nBaku,en,place,keep\nBaku,de,place,keep\n", encoding="utf-8"
    )
    removed = remove_term("Baku", "en", directory=directory)
    assert removed == [Origin(directory / "a.csv", 2), Origin(directory / "b.csv", 2)]
    assert (directory / "a.csv").read_text(encoding="utf-8") == (
        "term,source_lang,kind,policy,note\nGala,en,place,keep,\n"
    )
    assert (directory / "b.csv").read_text(encoding="utf-8") == (
        "term,source_lang,kind,policy\nBaku,de,place,keep\n"
    )


def test_remove_from_one_file_only(glossary_dir: Path) -> None:
    (glossary_dir / "people.csv").write_text(
        "term,source_lang,kind,policy\nIlham Aliyev,en,person,keep\n", encoding="utf-8"
    )
    remove_term("Ilham Aliyev", file=glossary_dir / "people.csv", directory=glossary_dir)
    assert b"Ilham Aliyev" in world(glossary_dir)


def test_remove_unknown_term_is_an_error_with_a_hint(glossary_dir: Path) -> None:
    before = world(glossary_dir)
    with pytest.raises(TransflowError, match="did you mean 'Azerbaijan'"):
        remove_term("azerbaijan", directory=glossary_dir)
    with pytest.raises(TransflowError, match=r"'Azerbaijan' \(de\) is not in"):
        remove_term("Azerbaijan", "de", directory=glossary_dir)
    with pytest.raises(InputError, match="no such file"):
        remove_term("Azerbaijan", file=glossary_dir / "nope.csv", directory=glossary_dir)
    assert world(glossary_dir) == before
