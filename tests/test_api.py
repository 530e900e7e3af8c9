"""The public API: what ``import htq_mark`` offers, and that it stays light."""

from __future__ import annotations

import codecs
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

import htq_mark

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("cv2", "pypdfium2", "cairosvg", "cairocffi", "numpy")


def _python(code: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=ROOT,
                          timeout=120, check=False)


def test_all_is_sorted_and_every_name_imports() -> None:
    assert htq_mark.__all__ == sorted(htq_mark.__all__)
    assert len(set(htq_mark.__all__)) == len(htq_mark.__all__)
    for name in htq_mark.__all__:
        assert getattr(htq_mark, name) is not None, name
    assert set(dir(htq_mark)) == set(htq_mark.__all__)


@pytest.mark.parametrize(
    ("imports", "name"),
    [
        ("import htq_mark.generator._pack, htq_mark.generator._canvas", "generate"),
        ("import htq_mark.generator", "pack"),
        ("import htq_mark.scanner._detect, htq_mark.scanner._batch, htq_mark.reports", "scan"),
        ("import htq_mark.scanner._document", "scan_document"),
    ],
)
def test_the_main_calls_stay_functions_after_their_packages_are_imported(imports: str, name: str) -> None:
    result = _python(f"{imports}\nimport htq_mark, inspect\nprint(inspect.isfunction(htq_mark.{name}))")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True"]


def test_generate_works_after_its_package_is_imported() -> None:
    result = _python("import htq_mark.generator._pack, htq_mark\n"
                     "asset = htq_mark.generate(variant='colour', format='svg', width='300px')\n"
                     "print(type(asset).__name__)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["GeneratedAsset"]


def test_subpackages_are_reachable_without_an_import() -> None:
    result = _python("import htq_mark\nprint(callable(htq_mark.reports.render), htq_mark.scanner.__name__)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "htq_mark.scanner"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        htq_mark.nope  # noqa: B018


@pytest.mark.parametrize("name", ["generate", "pack", "load_kit", "scan", "default_register"])
def test_the_main_calls_are_documented(name: str) -> None:
    assert getattr(htq_mark, name).__doc__


def test_the_generator_api_returns_its_result_types() -> None:
    asset = htq_mark.generate(variant="black", format="svg", width="40mm")
    assert isinstance(asset, htq_mark.GeneratedAsset)
    assert asset.data.startswith(b"<?xml") and asset.canvas_width_mm == pytest.approx(46.25)
    assert issubclass(htq_mark.BelowMinimumSizeError, htq_mark.UsageError)
    assert issubclass(htq_mark.UsageError, htq_mark.HtqMarkError)


def test_importing_the_package_stays_light() -> None:
    result = _python("import json, sys, htq_mark\n"
                     f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == []


def test_the_command_line_help_stays_light() -> None:
    result = _python("import json, sys\nfrom htq_mark.cli import main\n"
                     "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
                     f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]), file=sys.stderr)")
    assert "generate" in result.stdout and "pack" in result.stdout and "kit" in result.stdout
    assert json.loads(result.stderr.strip().splitlines()[-1]) == []


def test_python_dash_m_runs_the_command_line() -> None:
    result = _python("import runpy, sys\nsys.argv = ['htq-mark', '--version']\n"
                     "runpy.run_module('htq_mark', run_name='__main__')")
    assert result.returncode == 0
    assert f"htq-mark, version {htq_mark.__version__}" in result.stdout


@pytest.mark.parametrize(("call", "words"), [
    (lambda: htq_mark.load_register(123), "not int"),  # type: ignore[arg-type]
    (lambda: htq_mark.load_register("a\0b"), "NUL"),
    (lambda: htq_mark.scan_document(b"x", register=123), "not int"),  # type: ignore[arg-type]
    (lambda: htq_mark.scan([], rules={"ignore": ["cropped"]}), "RuleSelection"),  # type: ignore[arg-type]
    (lambda: htq_mark.scan([], limits={"max_pages": 5}), "Limits"),  # type: ignore[arg-type]
    (lambda: htq_mark.load_kit(123), "not int"),  # type: ignore[arg-type]
    (lambda: htq_mark.generate(kit=123), "not int"),  # type: ignore[arg-type]
    (lambda: htq_mark.pack(None), "not NoneType"),  # type: ignore[arg-type]
    (lambda: htq_mark.scan(None), "a list of paths .* not NoneType"),  # type: ignore[arg-type]
    (lambda: htq_mark.scan([""]), "an empty path names no file"),  # before: the current folder was scanned
    (lambda: htq_mark.scan([], force_exclude=1), "force_exclude takes True or False"),  # type: ignore[arg-type]
    (lambda: htq_mark.generate(format="svg", register=io.BytesIO(b"")),  # type: ignore[arg-type]
     "a register is given loaded, as the path of its file"),
    (lambda: htq_mark.reports.render(None, io.StringIO(), "json"),  # type: ignore[arg-type]
     "a ScanReport .* not NoneType"),
    (lambda: htq_mark.reports.render(htq_mark.scan([]), io.BytesIO(), "json"),  # type: ignore[arg-type]
     "writes text.* not to BytesIO; render_bytes gives the bytes"),
    (lambda: htq_mark.reports.render(htq_mark.scan([]), tempfile.SpooledTemporaryFile(), "json"),
     "writes text.* not to SpooledTemporaryFile"),
    (lambda: htq_mark.generate(format="svg").write(tempfile.SpooledTemporaryFile(mode="w+")),  # type: ignore
     "a binary file object, not SpooledTemporaryFile"),
    (lambda: htq_mark.scanner.apply_baseline(htq_mark.scan([]), None),  # type: ignore[arg-type]
     "the baseline as a ScanReport"),
    (lambda: htq_mark.generate(format="svg").write(io.StringIO()),  # type: ignore[arg-type]
     "a binary file object, not StringIO"),
])
def test_a_wrong_type_is_an_error_of_the_library_saying_what_it_takes(call: object, words: str) -> None:
    """Before, each raised AttributeError, TypeError or ValueError from deep inside."""
    with pytest.raises(htq_mark.HtqMarkError, match=words):
        call()  # type: ignore[operator]


def test_render_writes_to_a_codecs_writer_whose_mode_says_binary(tmp_path: Path) -> None:
    """Its mode is the binary file's beneath it, but it takes text."""
    with codecs.open(str(tmp_path / "report.json"), "w", "utf-8") as writer:
        htq_mark.reports.render(htq_mark.scan([]), writer, "json")
    assert json.loads((tmp_path / "report.json").read_text(encoding="utf-8"))["documents"] == []


def test_writing_a_generated_file_to_nothing_is_a_usage_error() -> None:
    with pytest.raises(htq_mark.UsageError, match="a path or a binary file object, not NoneType"):
        htq_mark.generate(format="svg").write(None)  # type: ignore[call-overload]
