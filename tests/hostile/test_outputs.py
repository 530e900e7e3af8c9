"""Outputs: a pack never writes outside its root, and every output file is written atomically
(temporary file, then rename): an existing file is kept unless forced, and a failure part-way
leaves neither a partial file nor a temporary one behind.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path, PurePosixPath

import pytest

from htq_mark import _io
from htq_mark.errors import HtqMarkError, KitError, OutputExistsError, UsageError
from htq_mark.generator import generate, pack
from htq_mark.kit import bundled_kit_path, load_kit
from htq_mark.register import default_register
from htq_mark.register._export import write_register

from ._child import REPO_ROOT

OLD = b"the previous contents, which must survive\n"


@pytest.fixture(scope="module")
def packed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("pack") / "htq-mark-pack.zip"
    pack(target, presets=["web-small", "print-a5"])
    return target


def test_every_zip_entry_is_a_plain_relative_path(packed: Path) -> None:
    with zipfile.ZipFile(packed) as archive:
        names = archive.namelist()
    assert "manifest.json" in names and len(names) > 10
    for name in names:
        pure = PurePosixPath(name)
        assert not pure.is_absolute() and not name.startswith("/"), name
        assert "\\" not in name and ":" not in name, name
        assert all(part not in ("", ".", "..") for part in name.split("/")), name


def test_extracting_the_pack_stays_inside_its_root(packed: Path, tmp_path: Path) -> None:
    root = (tmp_path / "out").resolve()
    with zipfile.ZipFile(packed) as archive:
        archive.extractall(root)
        names = archive.namelist()
    written = [p for p in root.rglob("*") if p.is_file()]
    assert len(written) == len(names)
    assert all(p.resolve().is_relative_to(root) for p in written)
    assert not any(p for p in tmp_path.iterdir() if p.name != "out")


@pytest.mark.parametrize("name", ["../escape", "..", "a/b", "/abs", "C:evil", "back\\slash", ".hidden"])
def test_a_kit_naming_a_preset_like_a_path_is_refused(tmp_path: Path, name: str) -> None:
    kit = tmp_path / "kit"
    shutil.copytree(bundled_kit_path() / "guidelines", kit / "guidelines")
    shutil.copytree(bundled_kit_path() / "assets", kit / "assets")
    spec = kit / "guidelines" / "spec.toml"
    text = spec.read_text(encoding="utf-8")
    escaped = name.replace("\\", "\\\\")
    spec.write_text(text.replace("[presets.web-small]", f'[presets."{escaped}"]', 1), encoding="utf-8")
    with pytest.raises(KitError, match="preset names are"):
        load_kit(kit)


@pytest.mark.parametrize("path", ["../escape.png", "/etc/passwd", "a/../../b", "a\\..\\b", "a//b", "./a"])
def test_pack_paths_that_would_leave_the_root_are_refused(path: str) -> None:
    from htq_mark.generator._pack import _safe_relative

    with pytest.raises(UsageError, match="outside the pack"):
        _safe_relative(path)


def test_pack_to_a_folder_writes_only_inside_it(tmp_path: Path) -> None:
    target = tmp_path / "pack"
    pack(target, presets=["web-small"], variants=["colour"])
    outside = [p for p in tmp_path.iterdir() if p != target]
    assert outside == [], "nothing (not even a staging folder) is left beside the pack"
    assert all(p.resolve().is_relative_to(target.resolve()) for p in target.rglob("*"))


# ---------------------------------------------------------------- existing files are kept


def _writers(tmp_path: Path) -> dict[str, object]:
    return {
        "write_atomic": lambda path, force: _io.write_atomic(path, b"new bytes", force=force),
        "generate": lambda path, force: generate("colour", "png", "150px").write(path, force=force),
        "register export": lambda path, force: write_register(default_register(), path, "csv", force=force),
        "pack zip": lambda path, force: pack(path, presets=["web-small"], variants=["colour"], force=force),
    }


@pytest.mark.parametrize("writer", ["write_atomic", "generate", "register export", "pack zip"])
def test_an_existing_file_is_kept_unless_forced(tmp_path: Path, writer: str) -> None:
    target = tmp_path / ("out.zip" if writer == "pack zip" else "out.bin")
    target.write_bytes(OLD)
    write = _writers(tmp_path)[writer]
    with pytest.raises(OutputExistsError, match="force=True"):
        write(target, False)  # type: ignore[operator]
    assert target.read_bytes() == OLD
    write(target, True)  # type: ignore[operator]
    assert target.read_bytes() != OLD
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name], "no temporary file is left"


@pytest.mark.parametrize("command", [
    ["generate", "--variant", "colour", "--format", "png", "--width", "150px"],
    ["register", "export", "--format", "csv"],
    ["pack", "--preset", "web-small", "--variant", "colour"],
])
def test_cli_keeps_an_existing_output_unless_force(tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / ("out.zip" if command[0] == "pack" else "out.bin")
    target.write_bytes(OLD)
    base = [sys.executable, "-m", "htq_mark", *command, "-o", str(target)]
    kept = subprocess.run(base, capture_output=True, text=True, cwd=REPO_ROOT, timeout=300, check=False)
    assert kept.returncode == 2, kept.stderr
    assert "--force" in kept.stderr and str(target) in kept.stderr and "Traceback" not in kept.stderr
    assert target.read_bytes() == OLD
    forced = subprocess.run([*base, "--force"], capture_output=True, text=True, cwd=REPO_ROOT, timeout=300,
                            check=False)
    assert forced.returncode == 0, forced.stderr
    assert target.read_bytes() != OLD


def test_forcing_over_a_symbolic_link_replaces_the_link_not_its_target(tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_bytes(OLD)
    link = tmp_path / "out.png"
    link.symlink_to(elsewhere)
    with pytest.raises(OutputExistsError):
        _io.write_atomic(link, b"new", force=False)
    _io.write_atomic(link, b"new", force=True)
    assert elsewhere.read_bytes() == OLD
    assert not link.is_symlink() and link.read_bytes() == b"new"


# ---------------------------------------------------------------- failures leave nothing behind


def _fail(*args: object, **kwargs: object) -> None:
    raise OSError(28, "No space left on device")


@pytest.mark.parametrize("step", ["fsync", "link", "replace", "chmod"])
@pytest.mark.parametrize("existing", [False, True])
def test_a_failure_part_way_leaves_no_partial_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, step: str,
                                                   existing: bool) -> None:
    target = tmp_path / "out.bin"
    if existing:
        target.write_bytes(OLD)
    monkeypatch.setattr(os, step, _fail)
    if step == "link":  # link is only tried for new files; its fallback must not clobber either
        monkeypatch.setattr(os, "replace", _fail)
    with pytest.raises(HtqMarkError, match="could not write the file"):
        _io.write_atomic(target, b"x" * 1_000_000, force=True)
    monkeypatch.undo()
    if existing:
        assert target.read_bytes() == OLD
    else:
        assert not target.exists()
    assert [p.name for p in tmp_path.iterdir()] == (["out.bin"] if existing else [])


def test_a_failure_while_drawing_a_pack_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "pack.zip"
    with pytest.raises(UsageError, match="unknown preset"):
        pack(target, presets=["web-small", "no-such-preset"])
    assert list(tmp_path.iterdir()) == []


def test_a_killed_writer_leaves_no_partial_file(tmp_path: Path) -> None:
    """A process killed in the middle of writing leaves the target absent, never half-written."""
    target = tmp_path / "big.bin"
    script = (
        "import os, signal, sys\n"
        "from htq_mark import _io\n"
        "real = os.fsync\n"
        "def die(fd):\n"
        "    os.kill(os.getpid(), signal.SIGKILL)\n"
        "os.fsync = die\n"
        f"_io.write_atomic({str(target)!r}, b'y' * 5_000_000)\n"
    )
    done = subprocess.run([sys.executable, "-c", script], cwd=REPO_ROOT, capture_output=True, timeout=120,
                          check=False, env={**os.environ, "PYTHONPATH": str(REPO_ROOT)})
    assert done.returncode == -9
    assert not target.exists()
    leftovers = list(tmp_path.iterdir())
    # Only the hidden temporary file may remain (the process had no chance to clean up), never the target.
    assert all(p.name.startswith(".big.bin.") and p.name.endswith(".tmp") for p in leftovers), leftovers


def _limited_to(size: int):  # type: ignore[no-untyped-def]
    """For ``preexec_fn``: the child may write files of at most ``size`` bytes (the shell's ``ulimit -f``)."""
    import resource

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, resource.RLIM_INFINITY))
    return limit


@pytest.mark.parametrize(("command", "words"), [
    (["generate", "--variant", "colour", "--format", "png", "--width", "3000px"], "could not write the file"),
    (["generate", "--variant", "colour", "--format", "eps", "--width", "30mm"], "temporary file was cut short"),
    (["pack", "--preset", "print-a4", "--variant", "colour"], "temporary file"),
])
def test_a_file_size_limit_is_named_with_what_to_do(tmp_path: Path, command: list[str], words: str) -> None:
    target = tmp_path / ("out.zip" if command[0] == "pack" else "out.bin")
    done = subprocess.run([sys.executable, "-m", "htq_mark", *command, "-o", str(target)], capture_output=True,
                          text=True, cwd=REPO_ROOT, timeout=300, check=False, preexec_fn=_limited_to(20_480))
    assert done.returncode == 2, done.stderr
    assert words in done.stderr and "at most 20,480 bytes (ulimit -f); raise that limit" in done.stderr
    assert "Traceback" not in done.stderr and not target.exists()


@pytest.mark.parametrize(("error_number", "words"), [
    (errno.ENOSPC, "free some space"), (errno.EDQUOT, "free some space"), (errno.EROFS, "read-only"),
    (errno.EACCES, "writable"),
])
def test_a_failed_write_says_what_to_do_for_its_cause(error_number: int, words: str) -> None:
    assert words in _io.write_advice(error_number)


def test_a_file_too_large_for_the_file_system_says_to_write_elsewhere(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_io, "file_size_limit", lambda: None)
    assert "another file system" in _io.write_advice(errno.EFBIG)


@pytest.mark.parametrize("command", [
    ["generate", "--variant", "colour", "--format", "png", "--width", "30mm", "-o", "-"],
    ["register", "export", "--format", "json", "-o", "-"],
])
def test_standard_output_cut_short_by_a_file_size_limit_is_an_error(tmp_path: Path, command: list[str]) -> None:
    target = tmp_path / "out.bin"
    with target.open("wb") as out:
        done = subprocess.run([sys.executable, "-m", "htq_mark", *command], stdout=out, stderr=subprocess.PIPE,
                              text=True, cwd=REPO_ROOT, timeout=300, check=False, preexec_fn=_limited_to(1024))
    assert done.returncode == 2, done.stderr
    assert "standard output" in done.stderr and "at most 1,024 bytes (ulimit -f); raise that limit" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("share", [0.05, 0.8])
def test_a_report_stopped_by_a_file_size_limit_leaves_no_file_anywhere(tmp_path: Path, share: float) -> None:
    """Cut short while it is kept aside (a small limit) or while it is written (a larger one): either way one
    message naming the limit, and no partial report, here or in the temporary folder."""
    command = [sys.executable, "-m", "htq_mark", "scan", "examples", "--format", "html", "--fail-on", "never",
               "--ocr", "never"]  # the OCR engine leaves a file of its own in the temporary folder
    whole = tmp_path / "whole.html"
    subprocess.run([*command, "-o", str(whole)], cwd=REPO_ROOT, timeout=300, check=True, capture_output=True)
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    target = tmp_path / "report.html"
    limit = int(whole.stat().st_size * share)
    done = subprocess.run([*command, "-o", str(target)], capture_output=True, text=True, cwd=REPO_ROOT, timeout=300,
                          check=False, preexec_fn=_limited_to(limit), env={**os.environ, "TMPDIR": str(temporary)})
    assert done.returncode == 2, done.stderr
    assert f"at most {limit:,} bytes (ulimit -f); raise that limit" in done.stderr and "Traceback" not in done.stderr
    assert not target.exists() and list(temporary.iterdir()) == []


def test_a_pack_folder_that_cannot_be_written_is_named_as_given(tmp_path: Path) -> None:
    target = tmp_path / "pd"
    done = subprocess.run([sys.executable, "-m", "htq_mark", "pack", "--preset", "web-small", "-o", str(target)],
                          capture_output=True, text=True, cwd=REPO_ROOT, timeout=300, check=False,
                          preexec_fn=_limited_to(4096))
    assert done.returncode == 2, done.stderr
    assert f"{target}{os.sep}" in done.stderr and ".tmp" not in done.stderr and "ulimit -f" in done.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("error_number", "limit", "words"), [
    (errno.ENOSPC, None, "free some space there, or set TMPDIR"),
    (errno.EFBIG, None, "free some space there, or set TMPDIR"),
    (errno.EFBIG, 4096, "at most 4,096 bytes (ulimit -f); raise that limit"),
])
def test_a_failed_write_to_the_temporary_folder_says_what_to_do(monkeypatch: pytest.MonkeyPatch, error_number: int,
                                                                 limit: int | None, words: str) -> None:
    monkeypatch.setattr(_io, "file_size_limit", lambda: limit)
    assert words in _io.temporary_write_advice(error_number)
