"""The detector's references kept on disk: read back by a later process, never trusted blindly."""

from __future__ import annotations

import functools
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from htq_mark.errors import KitError
from htq_mark.kit import Kit
from htq_mark.scanner import Limits, _reference_cache, scan
from htq_mark.scanner._detect import References, build_references, references

from ._make import canvas_with, encode


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, refs: References) -> Iterator[list[str]]:
    """A fresh cache folder and process memory; each build is counted (and returns the session's references)."""
    monkeypatch.setenv(_reference_cache.CACHE_ENV, str(tmp_path / "cache"))
    calls: list[str] = []

    def build(sha256: str, *args: object) -> References:
        calls.append(sha256)
        return refs

    monkeypatch.setattr(references, "_build", build)
    # A memory of this test's own, so the session's references stay remembered for other tests.
    monkeypatch.setattr(references, "_kept", functools.lru_cache(maxsize=4)(references._kept.__wrapped__))
    yield calls


def _new_process() -> None:
    references._kept.cache_clear()  # what a new process starts with


def _cached_files(tmp_path: Path) -> list[Path]:
    return sorted((tmp_path / "cache").glob("references-*.pickle"))


def test_a_later_process_reads_the_references_instead_of_building_them(builds: list[str], kit: Kit,
                                                                        refs: References, tmp_path: Path) -> None:
    build_references(kit)
    assert builds == [kit.sha256] and len(_cached_files(tmp_path)) == 1
    assert (tmp_path / "cache").stat().st_mode & 0o077 == 0
    _new_process()
    loaded = build_references(kit)
    assert builds == [kit.sha256]
    assert loaded.kit_sha256 == kit.sha256 and loaded.part_class == refs.part_class
    assert np.array_equal(loaded.measure.classes, refs.measure.classes)


@pytest.mark.parametrize("spoil", ["corrupt", "other-kit", "group-writable", "folder-group-writable"])
def test_a_cache_file_that_cannot_be_trusted_is_rebuilt(builds: list[str], kit: Kit, tmp_path: Path,
                                                        spoil: str) -> None:
    build_references(kit)
    (cached,) = _cached_files(tmp_path)
    if spoil == "corrupt":
        cached.write_bytes(b"\x80\x05not a pickle")
    elif spoil == "other-kit":
        _reference_cache.store(kit.sha256, "a string, not references")
    elif spoil == "group-writable":
        os.chmod(cached, 0o664)
    else:
        os.chmod(tmp_path / "cache", 0o775)
    _new_process()
    assert isinstance(build_references(kit), References)
    assert builds == [kit.sha256, kit.sha256]


def test_an_empty_setting_turns_the_cache_off(builds: list[str], kit: Kit, tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_reference_cache.CACHE_ENV, "")
    build_references(kit)
    _new_process()
    build_references(kit)
    assert builds == [kit.sha256, kit.sha256]
    assert not (tmp_path / "cache").exists()


def test_an_unwritable_folder_only_means_no_cache(builds: list[str], kit: Kit, tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    monkeypatch.setenv(_reference_cache.CACHE_ENV, str(blocker / "cache"))
    assert isinstance(build_references(kit), References)
    assert builds == [kit.sha256]


def test_the_cache_says_whether_it_holds_a_kits_references_without_reading_them(builds: list[str], kit: Kit,
                                                                                   tmp_path: Path) -> None:
    assert not _reference_cache.holds(kit.sha256)
    build_references(kit)
    assert _reference_cache.holds(kit.sha256) and not _reference_cache.holds("0" * 64)
    (cached,) = _cached_files(tmp_path)
    os.chmod(cached, 0o664)  # a file it would not read
    assert not _reference_cache.holds(kit.sha256)


_PARENT = """
import json, sys
from htq_mark.scanner import scan
report = scan([sys.argv[1]], jobs=1)
print(json.dumps([len(report.documents[0].marks), "numpy" in sys.modules, "cv2" in sys.modules]))
"""


@pytest.mark.parametrize("cache", ["warm", "off"])
def test_a_batch_leaves_kept_references_to_its_workers(tmp_path: Path, kit: Kit, cache: str) -> None:
    """With the references on disk the process handing out work loads neither NumPy nor OpenCV; without
    them it builds and sends them. Either way the mark is found."""
    picture = tmp_path / "post.png"
    picture.write_bytes(encode(canvas_with(kit), "png"))
    folder = tmp_path / "cache"
    if cache == "warm":
        subprocess.run([sys.executable, "-c", _PARENT, str(picture)], check=True, capture_output=True,
                       env={**os.environ, _reference_cache.CACHE_ENV: str(folder)})
    env = {**os.environ, _reference_cache.CACHE_ENV: str(folder) if cache == "warm" else ""}
    out = subprocess.run([sys.executable, "-c", _PARENT, str(picture)], check=True, capture_output=True,
                         text=True, env=env).stdout
    marks, numpy_loaded, opencv_loaded = json.loads(out)
    assert marks == 1
    assert (numpy_loaded, opencv_loaded) == ((False, False) if cache == "warm" else (True, True))


def test_a_worker_builds_the_references_if_the_file_is_gone_when_it_starts(tmp_path: Path, kit: Kit,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_reference_cache.CACHE_ENV, str(tmp_path / "empty"))
    monkeypatch.setattr(_reference_cache, "holds", lambda sha256: True)  # as if it vanished after the check
    picture = tmp_path / "post.png"
    picture.write_bytes(encode(canvas_with(kit), "png"))
    report = scan([str(picture)], kit=kit, jobs=1)
    assert report.documents[0].status == "ok" and len(report.documents[0].marks) == 1


def test_the_key_names_the_installed_numpy_without_loading_it() -> None:
    assert _reference_cache._numpy_version() == np.__version__


def test_a_cache_file_gone_bad_is_built_again_by_the_workers_within_the_time_limit(
        tmp_path: Path, kit: Kit, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "cache"
    folder.mkdir(mode=0o700)
    monkeypatch.setenv(_reference_cache.CACHE_ENV, str(folder))
    damaged = _reference_cache._path(folder, kit.sha256)
    damaged.write_bytes(b"\x80\x05not a pickle")
    picture = tmp_path / "post.png"
    picture.write_bytes(encode(canvas_with(kit), "png"))
    with pytest.raises(KitError, match="max_reference_seconds"):
        scan([str(picture)], kit=kit, jobs=2, limits=Limits(max_reference_seconds=0.001))
    report = scan([str(picture)], kit=kit, jobs=2)
    assert len(report.documents[0].marks) == 1
    assert _reference_cache.load(kit.sha256, References) is not None  # mended by a worker
