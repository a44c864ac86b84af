"""The Argos package index, served with packages built here from 127.0.0.1: never the network."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from builders import SAMPLE
from transflow.engines.argos import ArgosEngine
from transflow.engines.index import ModelIndexError, install_pair, load_index
from transflow.engines.packages import installed_models
from transflow.errors import ModelPackageError
from transflow.testing.copy_model import build_copy_model_package
from transflow.testing.index_server import (
    Request,
    rewrite_package,
    serve_directory,
    silent_server,
    write_package_index,
)

TEXT = SAMPLE.read_text(encoding="utf-8")
UNUSABLE = [
    # argospm lists IPFS links too; a package with no http(s)/file link cannot be fetched.
    {"from_code": "en", "to_code": "fr", "package_version": "1.0", "links": ["ipfs://Qm"]},
    {"from_code": "en", "to_code": "klingon-ish", "package_version": "1.0", "links": ["x"]},
]


@pytest.fixture(scope="module")
def packages(tmp_path_factory: pytest.TempPathFactory, copy_model_archive: Path) -> list[Path]:
    """Copy models for en→pt (the shared one), en→de and de→en."""
    built = tmp_path_factory.mktemp("index-packages")
    return [
        copy_model_archive,
        *(
            build_copy_model_package(built / f"{a}{b}", from_code=a, to_code=b, training_text=TEXT)
            for a, b in (("en", "de"), ("de", "en"))
        ),
    ]


@pytest.fixture
def served(tmp_path: Path, packages: list[Path]) -> Iterator[tuple[str, list[Request]]]:
    """(index URL, requests) of an index of the three packages and two unusable entries."""
    write_package_index(tmp_path / "mirror", packages, extra=UNUSABLE)
    with serve_directory(tmp_path / "mirror") as (base, requests):
        yield f"{base}/index.json", requests


def test_the_index_lists_usable_packages_as_tags(
    served: tuple[str, list[Request]], packages: list[Path]
) -> None:
    url, _ = served
    index = load_index(url)
    assert [entry.pair for entry in index.entries] == [("de", "en"), ("en", "de"), ("en", "pt")]
    assert index.skipped == 2
    assert [entry.pair for entry in index.matching("en", None)] == [("en", "de"), ("en", "pt")]
    assert [entry.pair for entry in index.matching(None, "pt-BR")] == [("en", "pt")]
    en_de = index.best(("en", "de"))
    assert en_de is not None
    assert en_de.links == (url.replace("index.json", packages[1].name),)  # relative, resolved


def test_the_index_is_cached_and_revalidated(
    served: tuple[str, list[Request]], tmp_path: Path
) -> None:
    url, requests = served
    first = load_index(url)
    assert first.cached_copy is not None and first.cached_copy.is_file()
    assert first.cached_copy.is_relative_to(tmp_path / "transflow-cache")
    second = load_index(url)
    assert second.entries == first.entries
    assert [request.status for request in requests] == [200, 304]
    assert "If-Modified-Since" in requests[1].headers


def test_an_unreachable_index_is_one_line_with_what_to_do_and_the_cached_copy(
    tmp_path: Path, packages: list[Path]
) -> None:
    write_package_index(tmp_path / "mirror", packages)
    with serve_directory(tmp_path / "mirror") as (base, _):
        url = f"{base}/index.json"
        cached = load_index(url).cached_copy
    with pytest.raises(ModelIndexError) as raised:
        load_index(url)
    message = str(raised.value)
    assert "\n" not in message
    assert message.startswith(f"cannot reach the model index {url} (Connection refused); ")
    assert "install a model from a file" in message
    assert "point --index (or TRANSFLOW_MODEL_INDEX) at a mirror" in message
    assert message.endswith(f"works offline: --index {cached}")
    assert len(load_index(str(cached)).entries) == 3


def test_an_index_that_never_answers_is_given_up_within_the_deadline() -> None:
    with silent_server() as url, pytest.raises(ModelIndexError, match="no answer within 3 s"):
        load_index(url)


def test_install_a_pair_from_the_index_then_translate_with_it(
    served: tuple[str, list[Request]], empty_packages_dir: Path
) -> None:
    url, _ = served
    outcome = install_pair("en", "de", location=url)
    assert not outcome.pivots
    assert [model.pair for model in outcome.installed] == [("en", "de")]
    assert installed_models() == outcome.installed
    assert ArgosEngine().translate_batch(["Baku, Tuesday."], "en", "de")[0].best.text == (
        "BAKU, TUESDAY."
    )
    again = install_pair("en", "DE", location=url)
    assert (again.installed, again.already_installed) == ([], outcome.installed)


def test_a_pair_without_a_package_installs_both_legs_of_the_pivot(
    served: tuple[str, list[Request]], empty_packages_dir: Path
) -> None:
    url, _ = served
    outcome = install_pair("de", "pt-BR", location=url)
    assert outcome.pivots
    assert [entry.pair for entry in outcome.route] == [("de", "en"), ("en", "pt")]
    assert sorted(model.pair for model in installed_models()) == [("de", "en"), ("en", "pt")]
    with pytest.warns(UserWarning, match="using the de→pt model"):
        result = ArgosEngine().translate_batch(["Baku, Tuesday."], "de", "pt-BR")
    assert result[0].best.text == "BAKU, TUESDAY."


def test_a_pair_the_index_cannot_serve_names_what_it_offers(
    served: tuple[str, list[Request]], empty_packages_dir: Path
) -> None:
    url, _ = served
    expected = (
        f"the model index {url} has no en→fr package and no pivot through English "
        "(from en it offers: en→de, en→pt)"
    )
    with pytest.raises(ModelIndexError, match=re.escape(expected)):
        install_pair("en", "fr", location=url)


def test_an_index_file_on_disk_works_offline(
    tmp_path: Path, packages: list[Path], empty_packages_dir: Path
) -> None:
    index = write_package_index(tmp_path / "usb-stick", packages)
    outcome = install_pair("en", "de", location=str(index))
    assert [model.pair for model in outcome.installed] == [("en", "de")]
    assert load_index(str(index.parent)).entries == load_index(index.as_uri()).entries


def test_an_address_ending_in_a_slash_means_its_index_json(
    served: tuple[str, list[Request]],
) -> None:
    url, requests = served
    assert len(load_index(url.removesuffix("index.json")).entries) == 3
    assert requests[0].path == "/index.json"


def test_a_broken_or_mislabelled_download_is_refused_and_installs_nothing(
    tmp_path: Path, packages: list[Path], empty_packages_dir: Path
) -> None:
    mirror = tmp_path / "mirror"
    en_pt, en_de, _ = packages
    junk = rewrite_package(en_de, tmp_path / "junk.argosmodel", {"sentencepiece.model": b"junk"})
    index = write_package_index(mirror, [junk, en_pt])
    entries = json.loads(index.read_text(encoding="utf-8"))
    entries[1]["to_code"] = "es"  # the en→pt package, listed as en→es
    entries.append({"from_code": "en", "to_code": "it", "package_version": "1", "links": ["gone"]})
    index.write_text(json.dumps(entries), encoding="utf-8")
    with serve_directory(mirror) as (base, _):
        url = f"{base}/index.json"
        with pytest.raises(ModelPackageError, match="the model does not translate"):
            install_pair("en", "de", location=url)
        with pytest.raises(ModelPackageError, match="translates en→pt, not en→es as its index"):
            install_pair("en", "es", location=url)
        with pytest.raises(
            ModelIndexError, match=re.escape(f"{base}/gone: HTTP 404 File not found")
        ):
            install_pair("en", "it", location=url)
    assert installed_models() == []
    assert not any(empty_packages_dir.iterdir())


@pytest.mark.parametrize(
    ("content", "problem"),
    [(b"{not json", "not an Argos package index"), (b'{"a": 1}', "expected a JSON list")],
)
def test_a_file_that_is_no_index_is_one_line(tmp_path: Path, content: bytes, problem: str) -> None:
    index = tmp_path / "index.json"
    index.write_bytes(content)
    with pytest.raises(ModelIndexError, match=problem):
        load_index(str(index))
    with pytest.raises(ModelIndexError, match="cannot read the model index"):
        load_index(str(tmp_path / "missing.json"))
