"""A saved JSON report reads back as the same ScanReport; anything else is refused by name."""

from __future__ import annotations

import dataclasses
import io
import json
import os
from pathlib import Path

import pytest

from htq_mark import reports
from htq_mark.errors import ReportFileError, UsageError
from htq_mark.scanner._results import ScanReport, ScanSettings
from tests.reports import factory


@pytest.mark.parametrize("make", [factory.full_report, factory.hostile_report, lambda: factory.report([]),
                                  lambda: factory.report([], settings=factory.CHOSEN_SETTINGS)],
                         ids=["full", "hostile", "empty", "settings"])
def test_a_json_report_reads_back_to_the_same_json(make: object) -> None:
    report: ScanReport = make()  # type: ignore[operator]
    data = reports.render_bytes(report, "json")
    again = reports.load_report(data)
    assert reports.render_bytes(again, "json") == data
    assert ScanReport.from_dict(json.loads(data)).to_dict() == report.to_dict()


def test_paths_and_binary_files_are_read(tmp_path: Path) -> None:
    data = reports.render_bytes(factory.full_report(), "json")
    (tmp_path / "r.json").write_bytes(data)
    assert reports.load_report(tmp_path / "r.json").to_dict() == reports.load_report(io.BytesIO(data)).to_dict()


def test_a_report_with_a_byte_order_mark_is_read(tmp_path: Path) -> None:
    """As a Windows editor or PowerShell's redirection saves it (config files and registers allowed it)."""
    data = reports.render_bytes(factory.full_report(), "json")
    (tmp_path / "r.json").write_bytes(b"\xef\xbb\xbf" + data)
    assert reports.render_bytes(reports.load_report(tmp_path / "r.json"), "json") == data


def test_a_read_back_report_renders_as_html() -> None:
    again = reports.load_report(reports.render_bytes(factory.full_report(), "json"))
    assert b"<html" in reports.render_bytes(again, "html")


@pytest.mark.parametrize(("content", "expected"), [
    (b"not json", "is not JSON"),
    (b'{"schema": "other/1"}', "not an htq-mark JSON report"),
    (b"[]", "not an htq-mark JSON report"),
    (b'{"schema": "htq-mark.scan-report/1", "documents": []}', "incomplete or malformed"),
])
def test_anything_else_is_refused_naming_the_file(tmp_path: Path, content: bytes, expected: str) -> None:
    path = tmp_path / "baseline.json"
    path.write_bytes(content)
    with pytest.raises(ReportFileError, match=expected) as caught:
        reports.load_report(path)
    assert str(path) in str(caught.value)


def test_a_missing_file_is_refused_naming_it(tmp_path: Path) -> None:
    with pytest.raises(ReportFileError, match="cannot be read"):
        reports.load_report(tmp_path / "missing.json")


@pytest.mark.parametrize(("content", "words"), [
    (b'{"documents":' + b"[" * 100_000 + b"]" * 100_000 + b"}", "nested too deeply"),
    (None, "not a finite number"),
], ids=["deep", "infinite-box"])
def test_hostile_reports_are_refused_by_name(tmp_path: Path, content: bytes | None, words: str) -> None:
    if content is None:
        data = json.loads(reports.render_bytes(factory.full_report(), "json"))
        marked = next(d for d in data["documents"] if d["findings"])
        marked["findings"][0]["bbox"][0] = "1e999"
        content = json.dumps(data).replace('"1e999"', "1e999").encode()
    path = tmp_path / "hostile.json"
    path.write_bytes(content)
    with pytest.raises(ReportFileError, match=words) as caught:
        reports.load_report(path)
    assert str(path) in str(caught.value)


@pytest.mark.parametrize("field", ["mark", "fix"])
@pytest.mark.parametrize("value", [[1], {"a": 1}, 3])
def test_a_finding_whose_mark_or_fix_is_not_text_is_refused(tmp_path: Path, field: str, value: object) -> None:
    """Before, such a report loaded, and rendering it as HTML raised TypeError."""
    data = json.loads(reports.render_bytes(factory.full_report(), "json"))
    next(d for d in data["documents"] if d["findings"])["findings"][0][field] = value
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ReportFileError, match="text or null expected"):
        reports.load_report(path)


def test_a_stream_is_read_no_further_than_the_largest_report(monkeypatch: pytest.MonkeyPatch) -> None:
    """A pipe that never ends (``--baseline - < /dev/zero``) is refused once past the limit, not read to the end."""
    import htq_mark.reports._load as load

    class Endless(io.RawIOBase):
        name = "<stdin>"
        served = 0

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            buffer[:] = b" " * len(buffer)
            self.served += len(buffer)
            return len(buffer)

    monkeypatch.setattr(load, "MAX_REPORT_BYTES", 1000)
    monkeypatch.setattr(load, "_CHUNK", 100)
    endless = Endless()
    with pytest.raises(ReportFileError, match="<stdin>: the report is more than the 1,000 bytes allowed"):
        reports.load_report(endless)  # type: ignore[arg-type]
    assert endless.served < 10_000
    with pytest.raises(ReportFileError, match=r"^standard input \(--baseline -\): the report is more than"):
        reports.load_report(Endless(), name="standard input (--baseline -)")  # type: ignore[arg-type]


def test_a_stream_of_bytearrays_is_read() -> None:
    class Chunks(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self.parts = [bytearray(data[:10]), bytearray(data[10:])]

        def read(self, size: int = -1) -> bytearray:  # type: ignore[override]
            return self.parts.pop(0) if self.parts else bytearray()

    data = reports.render_bytes(factory.full_report(), "json")
    assert reports.load_report(Chunks(data)).documents == reports.load_report(data).documents  # type: ignore[arg-type]


def test_a_path_holding_a_nul_is_refused_naming_it() -> None:
    with pytest.raises(ReportFileError, match="holds a NUL character"):
        reports.load_report("report\0.json")


def test_the_name_given_is_the_one_errors_use(tmp_path: Path) -> None:
    with pytest.raises(ReportFileError, match=r"^the baseline: is a folder"):
        reports.load_report(tmp_path, name="the baseline")
    with pytest.raises(ReportFileError, match=r"^the baseline: is not JSON"):
        reports.load_report(b"[", name="the baseline")


@pytest.mark.parametrize(("source", "words"), [
    (42, "got int"), (None, "got NoneType"), (io.StringIO("{}"), "open it in binary mode ('rb')"),
])
def test_what_is_not_a_path_bytes_or_binary_file_is_refused_as_a_usage_error(source: object, words: str) -> None:
    with pytest.raises(UsageError) as raised:
        reports.load_report(source)  # type: ignore[arg-type]
    assert words in str(raised.value)


@pytest.mark.parametrize("name", [5, b"the baseline", Path("the baseline")])
def test_a_name_that_is_not_text_is_refused_as_a_usage_error(name: object) -> None:
    with pytest.raises(UsageError, match=f"name= .* got {type(name).__name__}"):
        reports.load_report(b"{}", name=name)  # type: ignore[arg-type]


def test_a_stream_that_gives_a_little_at_a_time_is_read_to_its_end() -> None:
    """A pipe, or a file opened unbuffered, may give fewer bytes than asked for: that is not the end."""
    data = reports.render_bytes(factory.full_report(), "json")

    class Trickle(io.RawIOBase):
        def __init__(self) -> None:
            self.left = memoryview(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer: bytearray) -> int:  # type: ignore[override]
            size = min(len(buffer), 1000, len(self.left))
            buffer[:size] = self.left[:size]
            self.left = self.left[size:]
            return size

    assert reports.load_report(Trickle()).to_dict() == reports.load_report(data).to_dict()  # type: ignore[arg-type]


@pytest.mark.parametrize("content", [b"", b"  \n"])
def test_an_empty_report_is_refused_as_empty(content: bytes) -> None:
    with pytest.raises(ReportFileError, match="standard input: is empty; give a report"):
        reports.load_report(content, name="standard input")


def test_a_fifo_as_report_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "report.json"
    os.mkfifo(fifo)  # no writer: an ordinary open would wait for ever
    with pytest.raises(ReportFileError, match="not a regular file"):
        reports.load_report(fifo)


def test_a_report_written_before_reports_had_settings_says_they_are_not_recorded() -> None:
    data = json.loads(reports.render_bytes(factory.report([factory.clean_document()],
                                                          settings=factory.CHOSEN_SETTINGS), "json"))
    assert ScanReport.from_dict(data).settings == factory.CHOSEN_SETTINGS
    del data["settings"]
    old = ScanReport.from_dict(data)
    assert old.settings is None  # not the defaults: nothing says how it was made
    assert "Settings: not recorded" in reports.render_bytes(old, "text").decode()
    assert "settings" not in json.loads(reports.render_bytes(old, "json"))


@pytest.mark.parametrize(("path", "value"), [
    (("rules", "severity"), ["too-small"]),
    (("rules", "select"), "too-small"),
    (("rules", "ignore"), ["too-small", "too-small"]),
    (("rules", "ignore"), [["too-small"]]),
    (("rules", "severity"), {"": "error"}),
    (("rules", "severity"), {"too-small": "fatal"}),
    (("rules", "severity"), {"too-small": None}),
    (("ocr",), 5),
    (("config",), {}),
    (("config",), ""),
    (("baseline",), 3),
    (("exclude",), "drafts/"),
    (("exclude",), [""]),
    (("exclude",), [3]),
    (("force_exclude",), "yes"),
    (("force_exclude",), 1),
])
def test_malformed_settings_are_refused_as_a_report_file_error(path: tuple[str, ...], value: object) -> None:
    data = json.loads(reports.render_bytes(factory.report([]), "json"))
    node = data["settings"]
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    with pytest.raises(ReportFileError, match="a settings record in the report is incomplete or malformed"):
        ScanReport.from_dict(data)


def test_settings_naming_a_rule_of_another_version_read_back_as_its_findings_do() -> None:
    data = json.loads(reports.render_bytes(factory.report([]), "json"))
    data["settings"]["rules"]["ignore"] = ["retired-rule"]
    assert ScanReport.from_dict(data).settings == ScanSettings(ignore=("retired-rule",))


def test_settings_without_excludes_read_back_as_the_defaults() -> None:
    """The first reports that recorded settings had no ``exclude``: the defaults were all there was."""
    data = json.loads(reports.render_bytes(factory.report([], settings=factory.CHOSEN_SETTINGS), "json"))
    del data["settings"]["exclude"]
    assert ScanReport.from_dict(data).settings == dataclasses.replace(factory.CHOSEN_SETTINGS, exclude=None)


def test_settings_without_force_exclude_read_back_without_it() -> None:
    """Only a scan with --force-exclude records it; every other report reads back as it did."""
    data = json.loads(reports.render_bytes(factory.report([], settings=factory.CHOSEN_SETTINGS), "json"))
    assert data["settings"]["force_exclude"] is True
    assert ScanReport.from_dict(data).settings == factory.CHOSEN_SETTINGS
    del data["settings"]["force_exclude"]
    assert ScanReport.from_dict(data).settings == dataclasses.replace(factory.CHOSEN_SETTINGS, force_exclude=False)
    assert "force_exclude" not in json.loads(reports.render_bytes(factory.report([]), "json"))["settings"]


@pytest.mark.parametrize("value", [0, -2, None, float("inf")])
def test_a_page_of_unusable_units_is_refused(value: object) -> None:
    data = json.loads(reports.render_bytes(factory.full_report(), "json"))
    page = next(p for d in data["documents"] for p in d["pages"] if "user_unit" in p)
    page["user_unit"] = value
    with pytest.raises(ReportFileError):
        ScanReport.from_dict(data)
