"""One policy for the kit and the register: every entry point takes objects or paths, and None follows
``HTQ_MARK_KIT`` and ``HTQ_MARK_REGISTER``."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

import htq_mark
from htq_mark._resolve import resolve_kit, resolve_register
from htq_mark.errors import KitError, RegisterError
from tests.register.factory import csv_bytes, row

#: Each entry point, called with its kit and register left to the environment.
ENTRY_POINTS: dict[str, Callable[[Path], object]] = {
    "generate": lambda tmp: htq_mark.generate(variant="colour", format="svg", width="300px",
                                              qualification="603/7595/4"),
    "pack": lambda tmp: htq_mark.pack(tmp / "pack", qualification="603/7595/4"),
    "scan": lambda tmp: htq_mark.scan([]),
    "scan_document": lambda tmp: htq_mark.scan_document(b"not a document"),
    "scan_url": lambda tmp: htq_mark.scan_url("http://127.0.0.1:9/"),
}


@pytest.fixture(autouse=True)
def _no_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("HTQ_MARK_KIT", raising=False)
    monkeypatch.delenv("HTQ_MARK_REGISTER", raising=False)


@pytest.mark.parametrize(("variable", "missing", "error", "words"), [
    ("HTQ_MARK_REGISTER", "missing.csv", RegisterError, "named by HTQ_MARK_REGISTER"),
    ("HTQ_MARK_KIT", "no-kit", KitError, "no-kit"),
])
@pytest.mark.parametrize("entry_point", ENTRY_POINTS)
def test_every_entry_point_reads_the_kit_and_register_named_by_the_environment(
        entry_point: str, variable: str, missing: str, error: type[Exception], words: str, tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(variable, str(tmp_path / missing))
    with pytest.raises(error, match=words):
        ENTRY_POINTS[entry_point](tmp_path)


def test_scan_uses_the_environments_register_and_takes_paths(tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    from_env = tmp_path / "env.csv"
    from_env.write_bytes(csv_bytes([row(), row(qualification_id="999/1002/0")]))
    given = tmp_path / "given.csv"
    given.write_bytes(csv_bytes([row()]))
    monkeypatch.setenv("HTQ_MARK_REGISTER", str(from_env))
    assert htq_mark.scan([]).register["source"] == str(from_env)
    assert htq_mark.scan([], register=given).register["qualifications"] == 1
    assert htq_mark.scan([], register=str(given), kit=str(htq_mark.load_kit().root)).register["source"] == str(given)


def test_objects_are_used_as_given_and_none_is_the_default_without_the_environment() -> None:
    kit = htq_mark.load_kit()
    register = htq_mark.default_register()
    assert resolve_kit(kit) is kit and resolve_register(register) is register
    assert resolve_kit(None).bundled
    assert resolve_register(None).provenance.is_example
