"""``transflow batch`` as cron and people run it: the real command in a subprocess."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from distributed import Client

from builders import REPO_GLOSSARY, lines_without_dates, write_corpus
from transflow.queue.model import State
from transflow.queue.pofile import read_queue

TRANSFLOW = str(Path(sys.executable).parent / "transflow")


@pytest.fixture
def workspace_with_corpus(tmp_path: Path, installed_packages_dir: Path) -> dict[str, str]:
    write_corpus(tmp_path / "articles", 60)
    return {**os.environ, "ARGOS_PACKAGES_DIR": str(installed_packages_dir), "COLUMNS": "200"}


def batch(
    tmp_path: Path, env: dict[str, str], *args: str, to: str = "pt"
) -> subprocess.CompletedProcess:
    return subprocess.run(
        [TRANSFLOW, "batch", "articles", "--to", to, "--engine", "argos", *args],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_report_counts_match_the_files(tmp_path: Path, workspace_with_corpus: dict) -> None:
    result = batch(tmp_path, workspace_with_corpus, "--report", "report.json", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "60 article(s)" in result.stdout
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["failed"] == 0
    assert report["languages"]["pt"]["engine"] == "argos"
    for row in report["articles"]:
        segments = read_queue(tmp_path / row["po_file"]).active
        assert len(segments) == row["sentences"] == row["translated"] + row["from_memory"]


@pytest.mark.parametrize("stop", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT])
def test_killed_job_resumes_without_duplicates_or_losses(
    tmp_path: Path, workspace_with_corpus: dict, stop: signal.Signals
) -> None:
    command = [TRANSFLOW, "batch", "articles", "--to", "pt", "--engine", "argos"]
    process = subprocess.Popen(
        [*command, "--chunk-sentences", "10", "--quiet"],
        cwd=tmp_path,
        env=workspace_with_corpus,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    queue = tmp_path / "locales" / "pt"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and len(list(queue.glob("*.po"))) < 5:
        time.sleep(0.01)
    process.send_signal(stop)
    _, stderr = process.communicate(timeout=120)
    if stop is signal.SIGINT:  # Ctrl-C: one line and the shell's code, no traceback
        assert (process.returncode, stderr.strip()) == (130, "interrupted")
    else:
        assert process.returncode == -stop
    written_before = len(list(queue.glob("*.po")))
    assert 5 <= written_before < 60, "the kill should land mid-job"
    for po in queue.glob("*.po"):
        read_queue(po)  # strictly valid, never half-written
    # Locks are flocks on the directory, released by the kernel: none is left behind.
    assert not list((tmp_path / "locales").rglob("*.lock"))

    result = batch(tmp_path, workspace_with_corpus, "--report", "rerun.json", "--quiet")
    assert result.returncode == 0, result.stderr
    rerun = json.loads((tmp_path / "rerun.json").read_text(encoding="utf-8"))
    statuses = [row["status"] for row in rerun["articles"]]
    assert statuses.count("unchanged") >= written_before - 1
    assert len(list(queue.glob("*.po"))) == 60
    for po in queue.glob("*.po"):
        segments = read_queue(po).active
        assert len({s.source for s in segments}) == len(segments)
        assert all(s.state is State.MACHINE and s.translation for s in segments)


def test_a_bad_article_fails_the_exit_code_but_not_the_job(
    tmp_path: Path, workspace_with_corpus: dict
) -> None:
    (tmp_path / "articles" / "broken.txt").write_bytes(b"\x00\x01\x02")
    result = batch(tmp_path, workspace_with_corpus, "--report", "report.json")
    assert result.returncode == 1
    assert result.stderr.count("articles/broken.txt: binary file") == 1  # once, in a log
    assert "Traceback" not in result.stderr
    report = json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))
    assert report["totals"]["failed"] == 1
    assert len(list((tmp_path / "locales" / "pt").glob("*.po"))) == 60


def test_dry_run_and_unknown_language(tmp_path: Path, workspace_with_corpus: dict) -> None:
    planned = batch(tmp_path, workspace_with_corpus, "--dry-run")
    assert planned.returncode == 0
    assert "plan (dry run)" in planned.stdout
    assert not (tmp_path / "locales").exists()
    unknown = subprocess.run(
        [TRANSFLOW, "batch", "articles", "--to", "xx"],
        cwd=tmp_path,
        env=workspace_with_corpus,
        capture_output=True,
        text=True,
        check=False,
    )
    assert unknown.returncode == 1
    assert [line for line in unknown.stderr.splitlines() if line.strip()] == [
        line for line in unknown.stderr.splitlines() if line.startswith("error:")
    ]
    assert "unknown language 'xx'" in unknown.stderr


def test_a_cluster_run_writes_the_same_files_as_a_local_run(
    tmp_path: Path, two_language_packages: Path, dask_client: Client
) -> None:
    env = {**os.environ, "ARGOS_PACKAGES_DIR": str(two_language_packages), "COLUMNS": "200"}
    runs = {"local": (), "cluster": ("--scheduler", dask_client.scheduler.address, "--jobs", "2")}
    queues = {}
    for name, options in runs.items():
        workspace = tmp_path / name
        write_corpus(workspace / "articles", 40)
        shutil.copytree(REPO_GLOSSARY, workspace / "glossary")  # masking rounds go to the engine
        result = batch(workspace, env, "--chunk-sentences", "50", "--quiet", *options, to="pt,de")
        assert result.returncode == 0, result.stderr
        queues[name] = {
            po.relative_to(workspace): lines_without_dates(po) for po in workspace.rglob("*.po")
        }
    assert "--jobs has no effect with --scheduler" in result.stderr
    assert len(queues["local"]) == 80
    assert queues["cluster"] == queues["local"]
