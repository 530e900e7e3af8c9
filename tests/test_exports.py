"""The public surface: every type a public function or class takes, returns or raises is exported, objects
report ``htq_mark`` as their module, and results and errors still pickle (for worker processes and Dask)."""

from __future__ import annotations

import importlib
import inspect
import pickle
import pkgutil
import subprocess
import sys
import typing
from pathlib import Path
from typing import Any

import pytest

import htq_mark
from htq_mark import errors
from tests.reports import factory

ROOT = Path(__file__).resolve().parents[1]


def _every_module() -> list[Any]:
    modules = [htq_mark]
    for info in pkgutil.walk_packages(htq_mark.__path__, "htq_mark."):
        if ".fuzz" in info.name or info.name.endswith("__main__"):
            continue
        try:
            modules.append(importlib.import_module(info.name))
        except ImportError:  # an optional extra that is not installed
            continue
    return modules


def _names() -> dict[str, Any]:
    """Every name the package's modules define, so annotations written under TYPE_CHECKING resolve."""
    names: dict[str, Any] = {}
    for module in _every_module():
        names.update({k: v for k, v in vars(module).items() if not k.startswith("__")})
    names.update({name: getattr(htq_mark, name) for name in htq_mark.__all__})
    return names


def _htq_mark_types(hint: Any, found: set[type]) -> None:
    if isinstance(hint, type):
        if hint.__module__.split(".")[0] == "htq_mark":
            found.add(hint)
        return
    for argument in typing.get_args(hint):
        _htq_mark_types(argument, found)


def _signatures(value: Any) -> list[Any]:
    """The public callables whose signatures ``value`` (a public function or class) offers."""
    if inspect.isfunction(value):
        return [value]
    if not inspect.isclass(value):
        return []
    members = [value.__init__]
    for attribute, member in vars(value).items():
        if attribute.startswith("_"):
            continue
        if isinstance(member, (classmethod, staticmethod)):
            members.append(member.__func__)
        elif isinstance(member, property) and member.fget is not None:
            members.append(member.fget)
        elif inspect.isfunction(member):
            members.append(member)
    return [m for m in members if inspect.isfunction(m)]


#: Exported types whose insides are the detector's own business: a caller only hands one from a call to the
#: next (scan_document(references=...)), so their fields are not part of the surface.
OPAQUE = {"References"}


def _public_callables() -> list[tuple[str, Any]]:
    return [(f"{name}.{member.__name__}", member) for name in htq_mark.__all__ if name not in OPAQUE
            for member in _signatures(getattr(htq_mark, name))]


@pytest.mark.parametrize(("where", "member"), _public_callables(), ids=[w for w, _ in _public_callables()])
def test_every_type_in_a_public_signature_is_exported(where: str, member: Any) -> None:
    hints = typing.get_type_hints(member, localns=_names())
    found: set[type] = set()
    for hint in hints.values():
        _htq_mark_types(hint, found)
    missing = sorted(f"{t.__module__}.{t.__qualname__}" for t in found if getattr(htq_mark, t.__name__, None) is not t)
    assert missing == [], f"{where} mentions types htq_mark does not export"


def test_every_error_is_exported() -> None:
    assert set(errors.__all__) <= set(htq_mark.__all__)


@pytest.mark.parametrize("name", [n for n in htq_mark.__all__ if inspect.isclass(getattr(htq_mark, n))
                                  or inspect.isfunction(getattr(htq_mark, n))])
def test_exported_objects_report_htq_mark_as_their_module(name: str) -> None:
    value = getattr(htq_mark, name)
    assert value.__module__ == "htq_mark"
    assert getattr(importlib.import_module(value.__module__), value.__qualname__) is value


_SUBPACKAGES = ("generator", "kit", "register", "reports", "scanner", "web")


@pytest.mark.parametrize(("package", "name"), [
    (package, name) for package in _SUBPACKAGES for name in importlib.import_module(f"htq_mark.{package}").__all__
    if inspect.isclass(value := getattr(importlib.import_module(f"htq_mark.{package}"), name))
    or inspect.isfunction(value)])
def test_subpackage_exports_report_a_public_module(package: str, name: str) -> None:
    value = getattr(importlib.import_module(f"htq_mark.{package}"), name)
    assert value.__module__ in ("htq_mark", f"htq_mark.{package}") or not value.__module__.startswith("htq_mark.")
    assert getattr(importlib.import_module(value.__module__), value.__qualname__) is value


def _samples() -> list[Any]:
    report = factory.full_report()
    document = factory.pdf_document()
    return [report, document, document.findings[0], document.marks[0], document.pages[0],
            htq_mark.DocumentError("timeout", "x.pdf: too slow"),  # type: ignore[arg-type]
            htq_mark.Note("polyglot", "both a PDF and a ZIP"), htq_mark.Severity.WARNING,
            htq_mark.ErrorCode.WORKER_LOST, htq_mark.DEFAULT_LIMITS.replace(max_pages=3),
            htq_mark.ScanTimeoutError("x.pdf", "too slow"), htq_mark.OutputExistsError("out.png"),
            htq_mark.MalformedQualificationIdError("12", "not a number"),
            htq_mark.RegisterValidationError("r.csv", [htq_mark.RegisterProblem("r.csv", 2, "bad")])]


@pytest.mark.parametrize("value", _samples(), ids=lambda v: type(v).__name__)
def test_results_and_errors_pickle_round_trip(value: Any) -> None:
    copy = pickle.loads(pickle.dumps(value))
    assert type(copy) is type(value)
    if isinstance(value, Exception):
        assert str(copy) == str(value) and getattr(copy, "code") == getattr(value, "code")
    else:
        assert copy == value


def test_a_fresh_process_unpickles_results_and_errors_without_importing_a_subpackage_first() -> None:
    data = pickle.dumps([factory.full_report(), htq_mark.ScanTimeoutError("x.pdf", "too slow")])
    code = ("import pickle, sys\nreport, error = pickle.loads(sys.stdin.buffer.read())\n"
            "print(type(report).__module__, report.summary['findings']['error'], error.code)")
    result = subprocess.run([sys.executable, "-c", code], input=data, capture_output=True, cwd=ROOT,
                            timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.decode().split() == ["htq_mark", str(factory.full_report().summary["findings"]["error"]),
                                              "timeout"]
