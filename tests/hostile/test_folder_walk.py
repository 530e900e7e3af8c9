"""The folder walk: symbolic links to ``/`` or ``/proc`` cannot make it hang, links that leave the
folders given are reported and not followed (unless ``--follow-symlinks``), a loop is a note and not
an unreadable input, and the walk looks at a bounded number of entries.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from ._child import REPO_ROOT

# Generous: the fixed walk ends in about a second; the walk that followed the link never did.
_BOUND_S = 90


def _scan(*args: str) -> tuple[int, dict[str, Any], str]:
    command = [sys.executable, "-m", "htq_mark", "scan", "--format", "json", "--jobs", "1", *args]
    done = subprocess.run(command, capture_output=True, text=True, cwd=REPO_ROOT, timeout=_BOUND_S, check=False,
                          env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    return done.returncode, json.loads(done.stdout) if done.stdout else {}, done.stderr


def _notes(report: dict[str, Any]) -> dict[str, list[str]]:
    return {Path(d["path"]).name: [n["code"] for n in d.get("notes", [])] for d in report["documents"]}


@pytest.mark.parametrize("target", ["/", "/proc", "/dev"])
def test_a_link_out_of_the_folder_is_noted_and_not_followed(tmp_path: Path, target: str) -> None:
    (tmp_path / "escape").symlink_to(target)
    (tmp_path / "kept.png").write_bytes(b"")
    status, report, stderr = _scan(str(tmp_path))
    assert status == 3, stderr  # the empty PNG is unreadable; the link itself is not
    notes = _notes(report)
    assert notes["escape"] == ["symlink-outside"]
    [escape] = [d for d in report["documents"] if d["path"].endswith("escape")]
    assert escape["status"] == "ok" and escape["error"] is None and target in escape["notes"][0]["message"]
    assert "--follow-symlinks" in escape["notes"][0]["message"]


def test_a_link_to_a_file_outside_is_not_read(tmp_path: Path) -> None:
    folder = tmp_path / "scanned"
    folder.mkdir()
    (folder / "zero.pdf").symlink_to("/dev/zero")
    status, report, stderr = _scan(str(folder))
    assert status == 0, stderr
    assert _notes(report) == {"zero.pdf": ["symlink-outside"]}


def test_a_link_inside_the_folders_given_is_followed(tmp_path: Path) -> None:
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "empty.png").write_bytes(b"")
    (tmp_path / "alias").symlink_to(tmp_path / "real")
    status, report, _ = _scan(str(tmp_path))
    assert status == 3
    assert sorted(os.path.relpath(d["path"], tmp_path) for d in report["documents"]) == [
        os.path.join("alias", "empty.png"), os.path.join("real", "empty.png")]


def test_follow_symlinks_follows_a_link_out(tmp_path: Path) -> None:
    outside, folder = tmp_path / "outside", tmp_path / "scanned"
    outside.mkdir()
    folder.mkdir()
    (outside / "empty.png").write_bytes(b"")
    (folder / "shared").symlink_to(outside)
    status, report, _ = _scan("--follow-symlinks", str(folder))
    assert status == 3
    assert [d["path"] for d in report["documents"]] == [str(folder / "shared" / "empty.png")]


@pytest.mark.parametrize("make_loop", ["to-an-ancestor", "to-itself"])
def test_a_loop_is_a_note_not_an_unreadable_input(tmp_path: Path, make_loop: str) -> None:
    (tmp_path / "a" / "b").mkdir(parents=True)
    if make_loop == "to-an-ancestor":
        (tmp_path / "a" / "b" / "up").symlink_to(tmp_path / "a")
    else:
        (tmp_path / "a" / "b" / "up").symlink_to(tmp_path / "a" / "b" / "up")
    status, report, stderr = _scan(str(tmp_path))
    assert status == 0, stderr
    assert _notes(report) == {"up": ["symlink-loop"]}
    failing = subprocess.run([sys.executable, "-m", "htq_mark", "scan", "--jobs", "1", "--fail-on", "symlink-loop",
                              str(tmp_path)], capture_output=True, text=True, cwd=REPO_ROOT, timeout=_BOUND_S,
                             check=False)
    assert failing.returncode == 1 and "symlink-loop" in failing.stdout


def test_the_walk_looks_at_a_bounded_number_of_entries(tmp_path: Path) -> None:
    for index in range(30):
        (tmp_path / f"f{index:02d}.txt").write_bytes(b"")
    status, report, _ = _scan("--limit", "max_folder_entries=20", str(tmp_path))
    assert status == 3
    [folder] = report["documents"]
    assert folder["path"] == str(tmp_path) and folder["error"]["code"] == "too-large"
    assert "max_folder_entries" in folder["error"]["message"]


def test_following_a_link_to_the_root_ends_at_the_entry_limit(tmp_path: Path) -> None:
    (tmp_path / "root").symlink_to("/")
    status, report, stderr = _scan("--follow-symlinks", "--limit", "max_folder_entries=2000", "--limit",
                                   "max_seconds=5", str(tmp_path))
    assert status == 3, stderr
    assert report["documents"][-1]["path"] == str(tmp_path)
    assert report["documents"][-1]["error"]["code"] == "too-large"
