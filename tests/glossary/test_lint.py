"""``glossary check``: shadowed, clashing and incomplete terms, judged with the real matcher."""

from __future__ import annotations

from pathlib import Path

from builders import REPO_GLOSSARY
from transflow.glossary.lint import (
    Finding,
    Severity,
    check_glossary,
    summary,
    workspace_languages,
)
from transflow.glossary.model import Glossary, Origin, load_glossary

HEADER = "term,source_lang,kind,policy,pt,forbidden_pt,note\n"


def load(tmp_path: Path, rows: str) -> Glossary:
    path = tmp_path / "g.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return load_glossary([path])


def lines(findings: list[Finding]) -> list[str]:
    return [str(finding) for finding in findings]


def test_contained_terms_are_info(tmp_path: Path) -> None:
    glossary = load(
        tmp_path,
        "Michal Herzog,en,person,keep,,,\n"
        "Isaac Herzog,en,person,keep,,,\n"
        "Herzog,en,person,keep,,,\n"
        "Azerbaijan-Israel,en,event,keep,,,\n"
        "Israel,en,place,keep,,,\n"
        "Aliyeva,en,person,keep,,,\n"
        "Aliyev,en,person,keep,,,\n",
    )
    path = tmp_path / "g.csv"
    assert lines(check_glossary(glossary)) == [
        f"{path}:4: info: 'Herzog' also occurs inside 'Michal Herzog' ({path}:2), "
        f"'Isaac Herzog' ({path}:3); there the longer term applies",
        f"{path}:6: info: 'Israel' also occurs inside 'Azerbaijan-Israel' ({path}:5); "
        "there the longer term applies",
    ]  # "Aliyev" is not a whole word of "Aliyeva"


def test_containment_follows_the_matcher_on_combining_marks(tmp_path: Path) -> None:
    glossary = load(tmp_path, "Jose\u0301 Silva,en,person,keep,,,\nJose,en,person,keep,,,\n")
    assert check_glossary(glossary) == []  # the accent is part of the word: no "Jose" inside


def test_a_term_that_can_never_match_is_a_warning(tmp_path: Path) -> None:
    glossary = load(
        tmp_path,
        "Azerbaijan's,en,place,keep,,,\nAzerbaijan’s,en,place,keep,,,\n",
    )
    path = tmp_path / "g.csv"
    assert lines(check_glossary(glossary)) == [
        f"{path}:3: warning: 'Azerbaijan’s' can never match: \"Azerbaijan's\" ({path}:2) "
        "always takes its place"
    ]


def test_case_variants_are_a_warning(tmp_path: Path) -> None:
    glossary = load(tmp_path, "Gala,en,place,keep,,,\ngala,en,event,translate,gala,,\n")
    [finding] = check_glossary(glossary)
    assert finding.severity is Severity.WARNING
    assert finding.origin == Origin(tmp_path / "g.csv", 3)
    assert "'gala' differs only in case from 'Gala'" in finding.message


def test_terms_of_different_source_languages_do_not_interact(tmp_path: Path) -> None:
    glossary = load(
        tmp_path, "Gala,en,place,keep,,,\ngala,pt,event,keep,,,\nGala Dinner,pt,event,keep,,,\n"
    )
    assert check_glossary(glossary) == []


def test_forbidden_approved_forms(tmp_path: Path) -> None:
    glossary = load(
        tmp_path,
        "Baku,en,place,keep,,Bacu,\n"
        "Bacu,en,place,keep,,,A village elsewhere\n"
        "Karabakh,en,place,keep,,Karabakh,\n"
        "Iran,en,place,translate,Irã,Irão|Irã,\n",
    )
    path = tmp_path / "g.csv"
    assert lines(check_glossary(glossary)) == [
        f"{path}:3: warning: the approved pt form 'Bacu' of 'keep' term 'Bacu' is forbidden by "
        f"'Baku' ({path}:2); a sentence with both would be flagged",
        f"{path}:4: error: the approved pt form 'Karabakh' of 'keep' term 'Karabakh' is also one "
        "of its forbidden forms (forbidden_pt); every sentence with it would be flagged",
        f"{path}:5: error: the approved pt form 'Irã' of 'Iran' is also one of its forbidden "
        "forms (forbidden_pt); every sentence with it would be flagged",
    ]


def test_missing_targets_for_the_workspace_languages(tmp_path: Path) -> None:
    glossary = load(
        tmp_path,
        "Iran,en,place,translate,Irã,,\n"
        "Baku,en,place,keep,,,\n"
        "Eternal Flame,en,place,translate,,,\n"
        "Chama Eterna,pt,place,translate,,,\n",
    )
    path = tmp_path / "g.csv"
    assert lines(check_glossary(glossary, ["pt", "de"])) == [
        f"{path}:2: warning: 'translate' term 'Iran' has no de form, so it is not enforced "
        "when translating into de",
        f"{path}:4: warning: 'translate' term 'Eternal Flame' has no pt form, so it is not "
        "enforced when translating into pt",
        f"{path}:4: warning: 'translate' term 'Eternal Flame' has no de form, so it is not "
        "enforced when translating into de",
        f"{path}:5: warning: 'translate' term 'Chama Eterna' has no de form, so it is not "
        "enforced when translating into de",
    ]


def test_loading_problems_come_first_in_line_order(tmp_path: Path) -> None:
    glossary = load(
        tmp_path,
        "Baku,en,place,keep,,,\n"
        "Baku,en,place,translate,Bacu,,\n"
        "Gala,en,place,maybe,,,\n"
        "Gala,en,place,keep,,,\n"
        "Gala,en,place,keep,,,\n",
    )
    findings = check_glossary(glossary)
    assert [(f.origin.line, f.severity) for f in findings] == [
        (3, Severity.ERROR),
        (4, Severity.ERROR),
        (6, Severity.WARNING),
    ]
    assert "unknown policy 'maybe'" in findings[1].message
    assert (
        summary(findings, glossary)
        == "2 error(s), 1 warning(s), 0 info in 2 term(s) from 1 file(s)"
    )


def test_repository_glossary_has_no_errors() -> None:
    glossary = load_glossary([REPO_GLOSSARY])
    findings = check_glossary(glossary, ["pt"])
    assert all(finding.severity is Severity.INFO for finding in findings)
    assert any("'Herzog' also occurs inside 'Isaac Herzog'" in f.message for f in findings)


def test_workspace_languages_are_the_locale_directories(tmp_path: Path) -> None:
    assert workspace_languages(tmp_path / "locales") == []
    for language in ("pt", "de"):
        (tmp_path / "locales" / language).mkdir(parents=True)
    (tmp_path / "locales" / "README").write_text("queue", encoding="utf-8")
    assert workspace_languages(tmp_path / "locales") == ["de", "pt"]
